// An in-memory adjacency snapshot of ONE revision, for repeated analytics
// (many reaches, paths, per-node sweeps) on that revision without touching
// RocksDB again. Semantics of the traversals: docs/QUERIES.md, "Traversal"
// and "Adjacency snapshot".
//
// Contract. AdjacencySnapshot::Build reads the live nodes and out-edges of
// one Snapshot's revision once and keeps them as compact arrays (CSR) over
// dense local indices. The traversal functions below give exactly what the
// Snapshot-based ones of critgraph/traversal.h give for that revision: the
// same nodes, depths, parents, order (depth, key), paths and errors
// (NotFound naming the key and revision, InvalidArgument naming an unknown
// edge type or node kind). It never changes after Build and never sees later
// commits: build a new one for another revision.
//
// Cost.
//   - Build: O(V_all + E_all) sequential reads of the revision's column
//     families, no point lookups: one pass over `nodes` (live nodes and
//     their kinds), one over `keys` (the key of every live node, already in
//     key order) and one over `out_edges` (versions newer than the revision
//     skipped in the same pass), where V_all / E_all count every stored
//     version. The node and edge passes are split by id range over `threads`
//     workers (0 = hardware concurrency). Then O(V + E) in memory to lay out
//     both CSRs.
//   - Reach / ShortestPath: O(reached nodes + their scanned edges) array
//     walks, plus sorting each BFS level by integer index (local indices are
//     in key order, so no string comparison and no key lookup). No I/O, no
//     allocation proportional to the graph after a thread's first call.
//
// Memory (memory_bytes() reports the exact figure): per node 18 bytes plus
// its key's bytes (8-byte key offset, 2-byte kind id, 4-byte out and in CSR
// offsets); per edge 12 bytes (4-byte neighbour index and 2-byte type id, in
// the out-CSR and again in the in-CSR). Each concurrently running query
// additionally borrows an 8-byte-per-node scratch array (visited stamp and
// slot) from a pool owned by the snapshot and kept for reuse; it is not
// included in memory_bytes(). Limits: fewer than 2^32 - 1 nodes and 2^32
// edges, fewer than 65,536 edge types and node kinds (Build returns
// ResourceExhausted otherwise).
//
// Ownership and threads. Build borrows the Snapshot for the call only: the
// AdjacencySnapshot owns all its data (keys included) and may outlive the
// Snapshot and the DB. It is immutable after Build; every function may run
// concurrently on one AdjacencySnapshot from any number of threads.
//
// Errors of Build: DataLoss if a record, key mapping or edge key fails
// verification, an edge leads to or leaves a node that does not exist at the
// revision, or the counts found differ from the revision record's; Internal
// for an unexpected RocksDB error.
#ifndef CRITGRAPH_ADJACENCY_H_
#define CRITGRAPH_ADJACENCY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/snapshot.h"
#include "critgraph/traversal.h"
#include "critgraph/types.h"

namespace critgraph {

namespace engine {
struct AdjacencyRep;
struct AdjacencyAccess;
}  // namespace engine

class AdjacencySnapshot {
 public:
  // Reads `snap`'s revision into memory (see Cost above). `threads` workers
  // scan the node and edge column families by id range (0 = hardware
  // concurrency).
  static absl::StatusOr<std::unique_ptr<AdjacencySnapshot>> Build(
      const Snapshot& snap, int threads = 0);

  AdjacencySnapshot(const AdjacencySnapshot&) = delete;
  AdjacencySnapshot& operator=(const AdjacencySnapshot&) = delete;
  ~AdjacencySnapshot();

  // The one revision this is a snapshot of.
  Revision revision() const;
  // Live nodes and edges at revision(); equal to the Snapshot's counts.
  uint64_t node_count() const;
  uint64_t edge_count() const;
  // Bytes held by the arrays, keys and names (not the per-query scratch).
  size_t memory_bytes() const;

 private:
  friend struct engine::AdjacencyAccess;
  explicit AdjacencySnapshot(std::unique_ptr<engine::AdjacencyRep> rep);
  std::unique_ptr<engine::AdjacencyRep> rep_;
};

// As critgraph::Reach on a Snapshot of adj.revision(): every node reachable
// from spec.sources under the spec's filters, sorted by (depth, key), parent
// = the smallest-key node one level closer with a followed edge to it.
// NotFound for a source absent at the revision; InvalidArgument for an edge
// type or kind not registered at the revision.
absl::StatusOr<std::vector<ReachedNode>> Reach(const AdjacencySnapshot& adj,
                                               const ReachSpec& spec);

// As critgraph::ShortestPath: the keys from `from` to `to` of one
// fewest-edges path (the chain of Reach parents from `to`), or nullopt.
// Stops as soon as `to` is reached.
absl::StatusOr<std::optional<std::vector<std::string>>> ShortestPath(
    const AdjacencySnapshot& adj, std::string_view from, std::string_view to,
    const ReachSpec& filters = {});

// As critgraph::Neighbourhood: Reach from {key} with max_depth = k.
absl::StatusOr<std::vector<ReachedNode>> Neighbourhood(
    const AdjacencySnapshot& adj, std::string_view key, uint32_t k,
    const ReachSpec& filters = {});

// As critgraph::ReachMany: results[i] == Reach(adj, specs[i]), computed by
// `threads` workers (0 = hardware concurrency; never more than specs.size()).
// On failure, the error of the lowest-index failing spec.
absl::StatusOr<std::vector<std::vector<ReachedNode>>> ReachMany(
    const AdjacencySnapshot& adj, const std::vector<ReachSpec>& specs,
    int threads = 0);

// As critgraph::ReachFromEachOfKind: one Reach per node of `source_kind`,
// sorted by source key, in parallel as ReachMany.
absl::StatusOr<std::vector<SourceReach>> ReachFromEachOfKind(
    const AdjacencySnapshot& adj, std::string_view source_kind,
    const ReachSpec& filters = {}, int threads = 0);

}  // namespace critgraph

#endif  // CRITGRAPH_ADJACENCY_H_
