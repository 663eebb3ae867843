// One sequential pass over a revision's out_edges or in_edges column family,
// kept in memory as id-level adjacency rows: the neighbour source of the
// kScan reach plan (include/critgraph/traversal.h, ReachPlan). Reading every
// edge once in key order replaces one seek per expanded node by one Next per
// stored edge version, which is cheaper once a reach expands a sizeable
// fraction of the graph.
//
// Contract: after Read(db, rev, outgoing, types), ForEach(node, fn) calls fn
// for exactly the neighbours storage::EdgeScanner::Scan(node, rev, types)
// would deliver, in the same (type, other id) order: the edges of `node`
// alive at `rev` (the newest version at or below rev decides; versions newer
// than rev are skipped) whose type is in `types` (empty = all).
//
// Thread safety: immutable after Read; ForEach may run concurrently.
// Lifetime: owns its data; independent of the DB after Read.
#ifndef CRITGRAPH_ENGINE_EDGE_PASS_H_
#define CRITGRAPH_ENGINE_EDGE_PASS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "critgraph/types.h"
#include "storage/db_impl.h"
#include "storage/keys.h"

namespace critgraph::engine {

class EdgePass {
 public:
  // Reads the out_edges (outgoing) or in_edges family once, front to back.
  // DataLoss for a damaged edge key; Internal for a RocksDB error. Bypasses
  // the block cache (one pass should not evict the hot blocks of seeks).
  static absl::StatusOr<EdgePass> Read(const storage::DBImpl& db, Revision rev,
                                       bool outgoing,
                                       absl::Span<const storage::TypeId> types);

  // Calls fn(NodeId other) -> absl::Status for each kept edge of `node`;
  // stops at the first error and returns it.
  template <typename Fn>
  absl::Status ForEach(storage::NodeId node, Fn&& fn) const {
    const uint32_t row = Row(node);
    if (row == kNoRow) return absl::OkStatus();
    for (uint64_t i = offsets_[row]; i < offsets_[row + 1]; ++i) {
      absl::Status st = fn(others_[i]);
      if (!st.ok()) return st;
    }
    return absl::OkStatus();
  }

  bool outgoing() const { return outgoing_; }
  // The type filter it was read with (sorted, unique; empty = all).
  const std::vector<storage::TypeId>& types() const { return types_; }
  // Keys the pass read (every stored version of every edge).
  uint64_t keys_read() const { return keys_read_; }
  // Edges kept (alive at the revision, of the filtered types).
  uint64_t edges() const { return others_.size(); }

 private:
  static constexpr uint32_t kNoRow = ~uint32_t{0};

  uint32_t Row(storage::NodeId node) const {
    if (direct_) return node < table_.size() ? table_[node] : kNoRow;
    auto it = std::lower_bound(row_ids_.begin(), row_ids_.end(), node);
    if (it == row_ids_.end() || *it != node) return kNoRow;
    return static_cast<uint32_t>(it - row_ids_.begin());
  }

  bool outgoing_ = true;
  std::vector<storage::TypeId> types_;
  uint64_t keys_read_ = 0;
  // Row r holds the neighbours of row_ids_[r] (ascending):
  // others_[offsets_[r], offsets_[r + 1]).
  std::vector<storage::NodeId> row_ids_;
  std::vector<uint64_t> offsets_;
  std::vector<storage::NodeId> others_;
  // node id -> row, when ids are dense enough for a table (they are
  // allocated in sequence and never reused, so normally they are).
  std::vector<uint32_t> table_;
  bool direct_ = false;
};

}  // namespace critgraph::engine

#endif  // CRITGRAPH_ENGINE_EDGE_PASS_H_
