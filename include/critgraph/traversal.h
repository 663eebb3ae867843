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

// How a storage Reach finds the neighbours of the nodes it expands. Every
// plan gives exactly the same result (nodes, depths, parents, order, errors);
// only the cost differs. Cost model: docs/QUERIES.md, "Reach plans".
enum class ReachPlan {
  // Starts with kSeek and switches to kScan before the first BFS level at
  // which (nodes already expanded + nodes to expand next) x the cost of a
  // seek reaches the cost of one pass over the edges it would read (from
  // RevisionInfo::edge_count): direction-optimizing in the sense of Beamer
  // et al., and like ski rental never much worse than the better plan.
  kAuto,
  // One seek per expanded node (and direction): O(reached) work, whatever
  // the size of the graph. Best for small reaches.
  kSeek,
  // One sequential pass over the revision's out_edges (kOut), in_edges (kIn)
  // or both (kBoth) family, keeping the edges of the filtered types in
  // memory by node id; the search then runs without neighbour seeks.
  // O(stored edge versions) reads: best when the reach covers much of the
  // graph.
  kScan,
  // Builds an AdjacencySnapshot of the revision (critgraph/adjacency.h: a
  // pass over nodes, keys and out_edges) and reaches in memory. Costs more
  // than kScan for one reach; never chosen by kAuto. For comparison.
  kAdjacency,
};

// "auto", "seek", "scan", "adjacency".
std::string_view ReachPlanName(ReachPlan plan);
// The plan named `name` (as ReachPlanName), or nullopt.
std::optional<ReachPlan> ParseReachPlan(std::string_view name);

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
  // How a storage Reach (and DiffReach, ReachMany, ReachFromEachOfKind, and
  // the scope of a scoped Diff) finds neighbours. Never changes the result.
  // Ignored by the AdjacencySnapshot overloads and by ShortestPath.
  ReachPlan plan = ReachPlan::kAuto;
};

// How one storage Reach ran (Reach's optional out-parameter).
struct ReachReport {
  // kSeek (no pass was made), kScan (a pass was made and used from
  // scan_from_depth on) or kAdjacency. Never kAuto.
  ReachPlan plan = ReachPlan::kSeek;
  // The BFS depth whose nodes were the first expanded from the pass (kScan).
  std::optional<uint32_t> scan_from_depth;
  // Node expansions done by seeking (kBoth counts two seeks per node).
  uint64_t seeks = 0;
  // Edge keys read by sequential passes (all versions, all types).
  uint64_t pass_keys = 0;
  // Node keys read by a pass over the key mappings (kScan resolves the keys
  // of a large result that way instead of one lookup per node); 0 if none
  // was read.
  uint64_t key_pass_keys = 0;
  // Followed edges delivered to the search (from seeks and passes).
  uint64_t edges = 0;
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
// As above; if `report` is not null, also says how the reach ran (which plan,
// and from which depth a pass was used). `report` is written only on success.
absl::StatusOr<std::vector<ReachedNode>> Reach(const Snapshot& snapshot,
                                               const ReachSpec& spec,
                                               ReachReport* report);

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
