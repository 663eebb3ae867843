// Graph traversal at one revision: reachability, shortest paths, k-hop
// neighbourhoods, reachability diffs between revisions, and a parallel
// multi-source variant. Semantics and cost: docs/QUERIES.md, "Traversal".
//
// Every function reads one pinned Snapshot (or two, for DiffReach) made by
// critgraph::DB::GetSnapshot; the answers never change for a given revision.
//
// Ownership: the results are plain values owning their strings; nothing in
// them points into the database. The snapshot is only borrowed for the call
// and must outlive it (it must not outlive its DB either).
//
// Thread-safety: every function may be called from many threads at once, on
// the same snapshot or on different ones. Each call creates its own RocksDB
// iterators (ReachMany: one set per worker thread), so calls share no mutable
// state.
//
// Errors common to all functions:
//   - NotFound: a source (or path endpoint) does not exist at the revision;
//     the message names the key and the revision.
//   - InvalidArgument: an edge type or node kind name in the filters is not
//     registered at the revision (the message names it), or the arguments
//     are inconsistent (described per function).
//   - DataLoss: a stored record or index entry failed verification (the
//     message names the node key or id and the revision).
//   - Internal: an unexpected RocksDB error.
#ifndef CRITGRAPH_TRAVERSAL_H_
#define CRITGRAPH_TRAVERSAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/snapshot.h"
#include "critgraph/types.h"

namespace critgraph {

// What to traverse.
struct ReachSpec {
  // Keys to start from, all at depth 0. Duplicates are ignored. Every source
  // must exist at the revision (else NotFound). Sources are always returned
  // and always expanded, whatever their kind: `kinds` filters only the nodes
  // reached through edges.
  std::vector<std::string> sources;
  // kOut follows edges from -> to, kIn follows them to -> from, kBoth
  // follows both (the graph is then treated as undirected).
  Direction direction = Direction::kOut;
  // Only edges of these types are followed (empty = all types).
  std::vector<std::string> edge_types;
  // Only nodes of these kinds are reached (empty = all kinds). A node of
  // another kind is neither returned nor expanded: paths do not go through
  // it.
  std::vector<std::string> kinds;
  // Nodes further than this many edges from every source are not reached
  // (nullopt = no limit; 0 = the sources only).
  std::optional<uint32_t> max_depth;
};

struct ReachedNode {
  std::string key;
  // Fewest edges from any source (sources: 0).
  uint32_t depth = 0;
  // The BFS parent: among the nodes at depth - 1 with a followed edge to
  // this node, the one with the smallest key. nullopt for sources. Following
  // parents back from any node gives a shortest path from a source, the same
  // one ShortestPath returns.
  std::optional<std::string> parent;

  friend bool operator==(const ReachedNode&, const ReachedNode&) = default;
};

// Every node reachable from spec.sources at `snapshot`'s revision under the
// spec's filters, sorted by (depth, key).
absl::StatusOr<std::vector<ReachedNode>> Reach(const Snapshot& snapshot,
                                               const ReachSpec& spec);

// A shortest path (fewest edges) from `from` to `to` under `filters`
// (direction, edge_types, kinds; max_depth, if set, bounds the path length):
// the keys from `from` to `to` inclusive, or nullopt if there is no such
// path. Among equally short paths, the one chosen walks back from `to`
// always to the smallest-key predecessor one step closer to `from` (so the
// path is the chain of Reach parents from `to`). `from` == `to` gives
// {from}. `to` must pass the kind filter unless it equals `from`; `from`
// need not. NotFound if either endpoint does not exist at the revision;
// InvalidArgument if filters.sources is not empty. Stops as soon as `to` is
// reached; resolves keys only along the returned path.
absl::StatusOr<std::optional<std::vector<std::string>>> ShortestPath(
    const Snapshot& snapshot, std::string_view from, std::string_view to,
    const ReachSpec& filters = {});

// The k-hop neighbourhood of `key`: Reach from {key} with max_depth = k and
// the direction and filters of `filters` (key itself at depth 0).
// InvalidArgument if filters.sources is not empty or filters.max_depth is
// set (k says it).
absl::StatusOr<std::vector<ReachedNode>> Neighbourhood(
    const Snapshot& snapshot, std::string_view key, uint32_t k,
    const ReachSpec& filters = {});

// How the result of one ReachSpec changed from revision A to revision B.
struct DepthChange {
  std::string key;
  uint32_t old_depth = 0;
  uint32_t new_depth = 0;

  friend bool operator==(const DepthChange&, const DepthChange&) = default;
};
struct ReachDiff {
  // Reached at B but not at A, as reached at B; sorted by (depth, key).
  std::vector<ReachedNode> entered;
  // Reached at A but not at B, as reached at A; sorted by (depth, key).
  std::vector<ReachedNode> left;
  // Reached at both with different depths; sorted by key.
  std::vector<DepthChange> depth_changed;

  bool empty() const {
    return entered.empty() && left.empty() && depth_changed.empty();
  }
  friend bool operator==(const ReachDiff&, const ReachDiff&) = default;
};

// Runs `spec` at `a` and at `b` (two snapshots of the same DB, in any
// order) and compares. Lenient about names that exist at only one end, so
// that lists which appear or disappear can be compared:
//   - a source absent at one revision contributes nothing there; NotFound
//     only if it exists at neither;
//   - an edge type or kind registered at only one revision matches nothing
//     at the other; InvalidArgument only if registered at neither.
// InvalidArgument if the snapshots come from different databases.
// Parent changes alone are not reported.
absl::StatusOr<ReachDiff> DiffReach(const Snapshot& a, const Snapshot& b,
                                    const ReachSpec& spec);

// Runs every spec on one snapshot using `threads` worker threads (0 = the
// hardware concurrency; never more than specs.size()). Each worker has its
// own iterators. results[i] equals Reach(snapshot, specs[i]). If some specs
// fail, returns the error of the lowest-index failing spec (deterministic;
// specs after it may not have run).
absl::StatusOr<std::vector<std::vector<ReachedNode>>> ReachMany(
    const Snapshot& snapshot, const std::vector<ReachSpec>& specs,
    int threads = 0);

// One Reach per node of kind `source_kind` at the revision, each from that
// node alone with the direction and filters of `filters`, in parallel as
// ReachMany. Sorted by source key. InvalidArgument if filters.sources is not
// empty or a name is unknown.
struct SourceReach {
  std::string source;
  std::vector<ReachedNode> reached;

  friend bool operator==(const SourceReach&, const SourceReach&) = default;
};
absl::StatusOr<std::vector<SourceReach>> ReachFromEachOfKind(
    const Snapshot& snapshot, std::string_view source_kind,
    const ReachSpec& filters = {}, int threads = 0);

}  // namespace critgraph

#endif  // CRITGRAPH_TRAVERSAL_H_
