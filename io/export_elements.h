// The elements an export writes: the whole revision, or only one list's
// scope (ExportOptions::list: the list node, its entries, and the edges
// between two of them). Internal to io/: the exporters walk an
// ExportElements instead of the snapshot, so each format supports --list
// with the same order (nodes by key, edges by (from, type, to)). Elements
// come as views (critgraph/snapshot.h): the whole revision straight from
// the stored records, a list's scope from the Nodes and Edges it read.
#ifndef CRITGRAPH_IO_EXPORT_ELEMENTS_H_
#define CRITGRAPH_IO_EXPORT_ELEMENTS_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/io/csv.h"
#include "critgraph/io/export.h"
#include "critgraph/snapshot.h"

namespace critgraph::io {

class ExportElements;

// The columns of a tabular export (CSV, GraphML keys): every name language
// and every (property name, type) the elements have, sorted.
struct ExportColumns {
  using Prop = std::pair<std::string, CsvType>;
  // Orders Props and (string_view, CsvType) pairs alike, so a lookup builds
  // no string.
  struct PropLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const int c = std::string_view(a.first).compare(b.first);
      return c != 0 ? c < 0 : a.second < b.second;
    }
  };
  std::set<std::string, std::less<>> langs;
  std::set<Prop, PropLess> node_props;
  std::set<Prop, PropLess> edge_props;

  // One pass over the elements.
  static absl::StatusOr<ExportColumns> Of(const ExportElements& elements);
  // One pass over the nodes only (langs, node_props) or the edges only
  // (edge_props): the CSV export collects each with the rows it heads.
  absl::Status AddNodes(const ExportElements& elements);
  absl::Status AddEdges(const ExportElements& elements);
};

class ExportElements {
 public:
  // For a list: CheckList's errors (NotFound naming the list and revision,
  // InvalidArgument if not a list). Reads the scope's nodes' out-edges once
  // (kept in memory: O(scope edges)); the whole revision is streamed.
  static absl::StatusOr<ExportElements> Make(const Snapshot& snap,
                                             const ExportOptions& options);

  // As Snapshot::ForEachNodeView / ForEachEdgeView, over the selected
  // elements; the views are valid only during the callback.
  absl::Status ForEachNode(
      const std::function<absl::Status(const NodeView&)>& fn) const;
  absl::Status ForEachEdge(
      const std::function<absl::Status(const EdgeView&)>& fn) const;
  // The same elements in any order, cheaper for the whole revision (one
  // pass in storage order: storage/export_scan.h); edges give only their
  // properties. For passes that collect, not write.
  absl::Status ForEachNodeAnyOrder(
      const std::function<absl::Status(const NodeView&)>& fn) const;
  absl::Status ForEachEdgePropsAnyOrder(
      const std::function<absl::Status(absl::Span<const PropertyView>)>& fn)
      const;
  // Nodes + edges to be written (for progress).
  uint64_t total() const;

 private:
  explicit ExportElements(const Snapshot& snap) : snap_(&snap) {}
  const Snapshot* snap_;
  // Set for a list export: the scope's keys (sorted) and its edges, sorted
  // by (from, type, to).
  std::optional<std::vector<std::string>> keys_;
  std::vector<Edge> edges_;
};

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_EXPORT_ELEMENTS_H_
