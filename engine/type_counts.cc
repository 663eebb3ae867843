// CountByType: the per-kind and per-type counts of a revision.
#include "critgraph/snapshot.h"
#include "util/status_macros.h"

namespace critgraph {

absl::StatusOr<TypeCountsByName> CountByType(const Snapshot& snap) {
  TypeCountsByName out;
  for (const auto& k : snap.NodeKinds()) out.nodes_by_kind[k] = 0;
  for (const auto& t : snap.EdgeTypes()) out.edges_by_type[t] = 0;
  const RevisionInfo& info = snap.info();
  if (info.nodes_by_kind && info.edges_by_type) {
    // Maintained at commit; no record is read.
    for (const auto& [k, n] : *info.nodes_by_kind) out.nodes_by_kind[k] = n;
    for (const auto& [t, n] : *info.edges_by_type) out.edges_by_type[t] = n;
    return out;
  }
  // A revision written before the counts were stored: scan it.
  RETURN_IF_ERROR(snap.ForEachNode([&](const Node& n) {
    ++out.nodes_by_kind[n.kind];
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(snap.ForEachEdge([&](const Edge& e) {
    ++out.edges_by_type[e.type];
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace critgraph
