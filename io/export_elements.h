// The elements an export writes: the whole revision, or only one list's
// scope (ExportOptions::list: the list node, its entries, and the edges
// between two of them). Internal to io/: the exporters walk an
// ExportElements instead of the snapshot, so each format supports --list
// with the same order (nodes by key, edges by (from, type, to)).
#ifndef CRITGRAPH_IO_EXPORT_ELEMENTS_H_
#define CRITGRAPH_IO_EXPORT_ELEMENTS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/io/export.h"
#include "critgraph/snapshot.h"

namespace critgraph::io {

class ExportElements {
 public:
  // For a list: CheckList's errors (NotFound naming the list and revision,
  // InvalidArgument if not a list). Reads the scope's nodes' out-edges once
  // (kept in memory: O(scope edges)); the whole revision is streamed.
  static absl::StatusOr<ExportElements> Make(const Snapshot& snap,
                                             const ExportOptions& options);

  // As Snapshot::ForEachNode / ForEachEdge, over the selected elements.
  absl::Status ForEachNode(
      const std::function<absl::Status(const Node&)>& fn) const;
  absl::Status ForEachEdge(
      const std::function<absl::Status(const Edge&)>& fn) const;
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
