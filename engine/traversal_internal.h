// Id-level breadth-first traversal over one snapshot. The public API is
// include/critgraph/traversal.h; this header is for the engine, benchmarks
// and tests that want to work at the internal-id level.
#ifndef CRITGRAPH_ENGINE_TRAVERSAL_INTERNAL_H_
#define CRITGRAPH_ENGINE_TRAVERSAL_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "critgraph/traversal.h"
#include "engine/edge_pass.h"
#include "engine/key_pass.h"
#include "storage/edge_scanner.h"
#include "storage/keys.h"
#include "storage/node_reader.h"
#include "storage/snapshot_impl.h"

namespace critgraph::engine {

using storage::NodeId;
using storage::TypeId;

// A ReachSpec's filters with names resolved to ids at one revision.
struct CompiledFilter {
  Direction direction = Direction::kOut;
  // Sorted, unique. Empty and !no_edges: every type.
  std::vector<TypeId> edge_types;
  // An edge-type filter was given but none of its names exist here (lenient
  // compilation only): no edge is followed.
  bool no_edges = false;
  // Sorted, unique. Empty and !no_kinds: every kind.
  std::vector<TypeId> kinds;
  // A kind filter was given but none of its names exist here (lenient
  // compilation only): no node passes.
  bool no_kinds = false;
  std::optional<uint32_t> max_depth;

  bool filters_kind() const { return no_kinds || !kinds.empty(); }
};

// Resolves the names of `spec` at `snap`'s revision. Strict: an unknown name
// is InvalidArgument. Lenient: unknown names are dropped (and recorded in
// no_edges / no_kinds when all of them are unknown).
absl::StatusOr<CompiledFilter> CompileFilter(const storage::SnapshotImpl& snap,
                                             const ReachSpec& spec,
                                             bool lenient);

// The id of `key` if it exists at the revision, else NotFound naming the key
// and revision.
absl::StatusOr<NodeId> ResolveExisting(const storage::SnapshotImpl& snap,
                                       std::string_view key);

// The cost of one seek (Seek on an edge family plus the Next that ends the
// node's range), in units of one sequential Next of a pass. Measured on the
// s100k benchmark graph (bench/FINDINGS.md, "Reach plans"): a pass reads
// ~6-8 M keys/s, a seek-per-node scan expands ~0.25 M nodes/s.
inline constexpr uint64_t kSeekCostInKeys = 24;

// The kAuto rule: switch to a pass before a BFS level when the seeks already
// made plus those still expected cost at least as much as the pass
// (`pass_keys`, the keys the pass would read; 0 if already in memory).
// `seeks_next` is what the level at hand needs plus the next level's
// prediction (Traverser::Reach: this level's size times its growth over the
// previous level, at most the nodes not yet reached), so a search that is
// exploding switches one level early, as in Beamer et al.'s
// direction-optimizing BFS. Ski rental otherwise: a reach that stays small
// never pays for a pass, one that grows never pays much more than the
// cheaper plan.
inline bool ShouldSwitchToScan(uint64_t seeks_done, uint64_t seeks_next,
                               uint64_t pass_keys) {
  return (seeks_done + seeks_next) * kSeekCostInKeys >= pass_keys;
}

// The next BFS level's predicted size: `frontier` times its growth over
// `previous` (the level before it), at most `unreached`; 0 without a
// previous level.
inline uint64_t PredictNextLevel(uint64_t previous, uint64_t frontier,
                                 uint64_t unreached) {
  if (previous == 0) return 0;
  const double next = static_cast<double>(frontier) *
                      static_cast<double>(frontier) /
                      static_cast<double>(previous);
  return next >= static_cast<double>(unreached) ? unreached
                                                : static_cast<uint64_t>(next);
}

// The cost of resolving one node's key by lookup (a batched MultiGet in the
// ids family) in units of one Next of the key pass; the kScan plan reads the
// key pass (engine/key_pass.h) once the keys resolved so far plus those of
// the level at hand reach its cost, by the same ski-rental rule.
inline constexpr uint64_t kKeyLookupCostInKeys = 8;
// `pass_keys`: the keys the key pass would read (estimated from the
// revision's node count; 0 if already in memory).
inline bool ShouldReadKeyPass(uint64_t resolved, uint64_t to_resolve,
                              uint64_t pass_keys) {
  return (resolved + to_resolve) * kKeyLookupCostInKeys >= pass_keys;
}

// How Traverser::Reach picks its plan.
struct PlanOptions {
  // kAdjacency runs as kScan at this level (the public Reach builds an
  // AdjacencySnapshot itself before it gets here).
  ReachPlan plan = ReachPlan::kAuto;
  // For tests: under kAuto, switch to the pass before expanding this depth
  // instead of asking the cost model.
  std::optional<uint32_t> force_scan_from_depth;
};

// Breadth-first traversals over one snapshot. Owns one out-edge scanner, one
// in-edge scanner and one node reader, reused by every call. Not
// thread-safe: one per thread. Must not outlive the snapshot.
class Traverser {
 public:
  explicit Traverser(const storage::SnapshotImpl& snap);
  Traverser(const Traverser&) = delete;
  Traverser& operator=(const Traverser&) = delete;

  // Reach from `sources` (ids of nodes that exist at the revision; duplicates
  // allowed). Output as critgraph::Reach.
  // `plan` picks seeks or a pass (results are the same); `report`, if not
  // null, receives how it ran. A pass is kept in the Traverser and reused by
  // later calls with the same direction family and edge types (ReachMany
  // workers thus read it once for many specs).
  absl::StatusOr<std::vector<ReachedNode>> Reach(
      absl::Span<const NodeId> sources, const CompiledFilter& filter,
      const PlanOptions& plan = {}, ReachReport* report = nullptr);

  // Shortest path as critgraph::ShortestPath, between existing nodes.
  absl::StatusOr<std::optional<std::vector<std::string>>> Path(
      NodeId from, NodeId to, const CompiledFilter& filter);

  // Edges delivered by the scanners so far (each followed edge once per
  // direction it is scanned in). For benchmarks.
  uint64_t edges_scanned() const { return edges_scanned_; }

 private:
  // Calls fn(NodeId neighbour) -> absl::Status for every edge of `node`
  // followed by `filter` (reverse: against the traversal direction).
  template <typename Fn>
  absl::Status ForEachNeighbour(NodeId node, const CompiledFilter& filter,
                                bool reverse, Fn&& fn);
  // Whether `id` (reached through an edge, so it must exist) passes the kind
  // filter. DataLoss if its record is missing or damaged.
  absl::StatusOr<bool> PassesKind(NodeId id, const CompiledFilter& filter);
  // The keys a pass of `filter`'s families would read (RocksDB's estimate of
  // each family's stored versions, at least the revision's edge count; 0 for
  // a family already in memory).
  uint64_t PassCost(const CompiledFilter& filter);
  // RocksDB's estimate of the keys stored in `cf` (read once, cached), at
  // least `at_least`.
  uint64_t FamilyKeys(storage::Cf cf, uint64_t at_least);
  // Makes pass_[0] / pass_[1] hold the families `filter` follows; adds the
  // keys read to *keys_read.
  absl::Status PreparePasses(const CompiledFilter& filter, uint64_t* keys_read);

  const storage::SnapshotImpl& snap_;
  const Revision rev_;
  storage::EdgeScanner out_;
  storage::EdgeScanner in_;
  storage::NodeReader reader_;
  uint64_t edges_scanned_ = 0;
  // Passes over out_edges [0] and in_edges [1], kept for reuse; used for
  // forward expansion while use_pass_ (set only inside Reach).
  std::optional<EdgePass> pass_[2];
  bool use_pass_ = false;
  // The keys family in memory, kept for reuse like the edge passes.
  std::optional<KeyPass> key_pass_;
  // FamilyKeys' cache by column family (0 = not read yet).
  uint64_t family_keys_[static_cast<int>(storage::Cf::kCount)] = {};
};

}  // namespace critgraph::engine

#endif  // CRITGRAPH_ENGINE_TRAVERSAL_INTERNAL_H_
