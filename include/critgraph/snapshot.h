// A read-only view of one committed revision.
#ifndef CRITGRAPH_SNAPSHOT_H_
#define CRITGRAPH_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "critgraph/partition.h"
#include "critgraph/types.h"

namespace critgraph {

namespace storage {
class SnapshotImpl;
}  // namespace storage

// Zero-copy views of stored records, for whole-revision scans that format
// elements without building Node/Edge values (ForEachNodeView,
// ForEachEdgeView; export uses them). Every string_view and Span points
// into memory the scan owns: valid only until the callback returns (copy
// what you keep). Names are sorted by lang and props by name, each name
// once, as in Node/Edge.
struct PropertyView {
  std::string_view name;
  // PropertyValue's alternative index: 0 string (s), 1 int64 (i), 2 double
  // (d), 3 bool (b), 4 list of strings (list).
  uint8_t index = 0;
  std::string_view s;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  absl::Span<const std::string_view> list;

  PropertyValue ToValue() const;
};

struct NameView {
  std::string_view lang;
  std::string_view text;
};

struct NodeView {
  std::string_view key;
  std::string_view kind;
  absl::Span<const NameView> names;
  absl::Span<const PropertyView> props;

  Node ToNode() const;
};

struct EdgeView {
  std::string_view from;
  std::string_view type;
  std::string_view to;
  absl::Span<const PropertyView> props;

  Edge ToEdge() const;
};

// A Snapshot pins one revision. Committed revisions never change, so every
// call gives the same answer for the snapshot's lifetime, whatever the writer
// does meanwhile.
//
// Thread-safety: all methods are const and safe to call from many threads at
// once. A Snapshot must not outlive the DB that made it.
//
// Errors: NotFound when a key or edge does not exist at this revision;
// InvalidArgument for an unknown node kind or edge type name; DataLoss when a
// stored record fails verification (the message names the key and revision).
// Implemented only inside the library: the constructor is private, and
// storage::SnapshotImpl, the one implementation, is its only friend. Every
// Snapshot is therefore a SnapshotImpl, which the library relies on
// (storage::Impl).
class Snapshot {
 public:
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  virtual ~Snapshot() = default;

  virtual Revision revision() const = 0;
  // The revision's metadata as of when the snapshot was taken.
  virtual const RevisionInfo& info() const = 0;
  Digest digest() const { return info().digest; }
  uint64_t node_count() const { return info().node_count; }
  uint64_t edge_count() const { return info().edge_count; }

  // The node with `key`, or NotFound.
  virtual absl::StatusOr<Node> GetNode(std::string_view key) const = 0;
  // Whether `key` exists at this revision.
  virtual absl::StatusOr<bool> HasNode(std::string_view key) const = 0;
  // The edge, or NotFound.
  virtual absl::StatusOr<Edge> GetEdge(std::string_view from,
                                       std::string_view type,
                                       std::string_view to) const = 0;

  // Edges leaving (OutEdges) or entering (InEdges) `key`, optionally only of
  // the given types (empty = all). Sorted by (type, other key). NotFound if
  // the node does not exist at this revision. The node's own record is read
  // only when no edge is found (an edge alive at a revision implies both its
  // ends are), so a damaged record of a node that has edges is reported as
  // DataLoss by GetNode, not by these calls.
  virtual absl::StatusOr<std::vector<Edge>> OutEdges(
      std::string_view key, absl::Span<const std::string> types = {}) const = 0;
  virtual absl::StatusOr<std::vector<Edge>> InEdges(
      std::string_view key, absl::Span<const std::string> types = {}) const = 0;

  // Nodes of one kind, sorted by key.
  virtual absl::StatusOr<std::vector<Node>> NodesOfKind(
      std::string_view kind) const = 0;

  // Visits every node in key order. Stops at, and returns, the first non-OK
  // status the callback returns.
  virtual absl::Status ForEachNode(
      const std::function<absl::Status(const Node&)>& fn) const = 0;
  // Visits every edge ordered by (from key, type, to key).
  virtual absl::Status ForEachEdge(
      const std::function<absl::Status(const Edge&)>& fn) const = 0;

  // As ForEachNode / ForEachEdge (same order, same elements, same errors),
  // but each element is a view over the verified stored record instead of a
  // Node / Edge: no strings copied, no maps built. The views are valid only
  // during the callback (see NodeView). Each call runs its own scan with its
  // own buffers, so calls from several threads at once are safe; the views
  // of one call must not be handed to another thread beyond the callback.
  virtual absl::Status ForEachNodeView(
      const std::function<absl::Status(const NodeView&)>& fn) const = 0;
  virtual absl::Status ForEachEdgeView(
      const std::function<absl::Status(const EdgeView&)>& fn) const = 0;

  // Node kinds and edge types registered at this revision, sorted.
  virtual std::vector<std::string> NodeKinds() const = 0;
  virtual std::vector<std::string> EdgeTypes() const = 0;

  // Splits this revision into n key ranges of about equal stored size for
  // separate readers: critgraph::Partitions (critgraph/partition.h).
  absl::StatusOr<std::vector<Partition>> Partitions(int n) const;

 private:
  friend class storage::SnapshotImpl;
  Snapshot() = default;
};

// Live nodes per node kind and edges per edge type of a revision; every kind
// and type registered at it is present, with 0 when it has none.
struct TypeCountsByName {
  std::map<std::string, uint64_t> nodes_by_kind;
  std::map<std::string, uint64_t> edges_by_type;
};

// The counts stored with `snap`'s revision: O(kinds + types), reading no
// node or edge record. A revision written before critgraph stored them
// (RevisionInfo::nodes_by_kind absent) is scanned instead: O(size).
absl::StatusOr<TypeCountsByName> CountByType(const Snapshot& snap);

}  // namespace critgraph

#endif  // CRITGRAPH_SNAPSHOT_H_
