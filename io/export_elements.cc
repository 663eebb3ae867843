// ExportElements: the whole revision or one list's scope. See
// io/export_elements.h.
#include "io/export_elements.h"

#include <algorithm>
#include <utility>

#include "critgraph/lists.h"
#include "util/status_macros.h"

namespace critgraph::io {

absl::StatusOr<ExportElements> ExportElements::Make(
    const Snapshot& snap, const ExportOptions& options) {
  ExportElements e(snap);
  if (!options.list) return e;
  ASSIGN_OR_RETURN(std::vector<std::string> keys,
                   ListScopeKeys(snap, *options.list));
  for (const std::string& key : keys) {  // sorted: edges come out sorted
    ASSIGN_OR_RETURN(std::vector<Edge> out, snap.OutEdges(key));
    for (Edge& edge : out) {  // sorted by (type, to)
      if (std::binary_search(keys.begin(), keys.end(), edge.to)) {
        e.edges_.push_back(std::move(edge));
      }
    }
  }
  e.keys_ = std::move(keys);
  return e;
}

absl::Status ExportElements::ForEachNode(
    const std::function<absl::Status(const Node&)>& fn) const {
  if (!keys_) return snap_->ForEachNode(fn);
  for (const std::string& key : *keys_) {
    ASSIGN_OR_RETURN(Node node, snap_->GetNode(key));
    RETURN_IF_ERROR(fn(node));
  }
  return absl::OkStatus();
}

absl::Status ExportElements::ForEachEdge(
    const std::function<absl::Status(const Edge&)>& fn) const {
  if (!keys_) return snap_->ForEachEdge(fn);
  for (const Edge& edge : edges_) RETURN_IF_ERROR(fn(edge));
  return absl::OkStatus();
}

uint64_t ExportElements::total() const {
  if (!keys_) return snap_->node_count() + snap_->edge_count();
  return keys_->size() + edges_.size();
}

}  // namespace critgraph::io
