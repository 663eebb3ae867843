// The representation behind critgraph::AdjacencySnapshot
// (include/critgraph/adjacency.h): CSR arrays over dense local indices.
//
// Local indices 0..n-1 are assigned in byte order of the nodes' external
// keys, so "smallest key" is "smallest index" and a BFS level is put in
// (key) order by sorting integers.
#ifndef CRITGRAPH_ENGINE_ADJACENCY_INTERNAL_H_
#define CRITGRAPH_ENGINE_ADJACENCY_INTERNAL_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "critgraph/adjacency.h"
#include "critgraph/types.h"
#include "util/mutex.h"

namespace critgraph::engine {

using LocalId = uint32_t;
using LocalType = uint16_t;  // local edge type or node kind id

inline constexpr uint32_t kNoSlot = std::numeric_limits<uint32_t>::max();

// Per-query working memory, sized for one snapshot and reused across queries:
// stamp[v] == epoch marks v as touched by the current query.
struct AdjacencyScratch {
  explicit AdjacencyScratch(size_t n) : stamp(n, 0), slot(n, 0) {}
  // Starts a new query: every node untouched, lists empty.
  void Begin() {
    if (++epoch == 0) {  // wrapped: clear the stamps once every 2^32 queries
      std::fill(stamp.begin(), stamp.end(), 0);
      epoch = 1;
    }
    order.clear();
    parent.clear();
  }
  bool Touched(LocalId v) const { return stamp[v] == epoch; }
  void Touch(LocalId v, uint32_t s) {
    stamp[v] = epoch;
    slot[v] = s;
  }

  std::vector<uint32_t> stamp;
  std::vector<uint32_t> slot;  // query-defined: depth, or kNoSlot = rejected
  uint32_t epoch = 0;
  // Reach: reached nodes in output order, and each one's parent position in
  // `order` (kNoSlot for sources). Path: the frontiers.
  std::vector<LocalId> order;
  std::vector<uint32_t> parent;
  std::vector<uint64_t> pairs;  // sort buffer
};

struct AdjacencyRep {
  Revision rev = 0;
  uint32_t n = 0;  // nodes
  uint64_t m = 0;  // edges

  // Key of local node i: key_arena[key_offsets[i], key_offsets[i + 1]).
  std::string key_arena;
  std::vector<uint64_t> key_offsets;  // n + 1
  std::vector<LocalType> kind;        // n, index into kind_names

  // Out-CSR: the out-edges of i are out_targets / out_types
  // [out_offsets[i], out_offsets[i + 1]); in-CSR likewise, holding sources.
  std::vector<uint32_t> out_offsets;  // n + 1
  std::vector<LocalId> out_targets;   // m
  std::vector<LocalType> out_types;   // m
  std::vector<uint32_t> in_offsets;   // n + 1
  std::vector<LocalId> in_sources;    // m
  std::vector<LocalType> in_types;    // m

  // Names registered at `rev`, sorted; local ids index them.
  std::vector<std::string> type_names;
  std::vector<std::string> kind_names;

  std::string_view key(LocalId i) const {
    return std::string_view(key_arena.data() + key_offsets[i],
                            key_offsets[i + 1] - key_offsets[i]);
  }
  // The local index of `key`, or nullopt if absent at `rev`.
  std::optional<LocalId> Find(std::string_view key) const;
  size_t MemoryBytes() const;

  // Scratch pool: a query borrows one (creating it if none is free) and
  // gives it back when done.
  std::unique_ptr<AdjacencyScratch> AcquireScratch() const;
  void ReleaseScratch(std::unique_ptr<AdjacencyScratch> s) const;

  mutable Mutex pool_mu;
  mutable std::vector<std::unique_ptr<AdjacencyScratch>> pool
      ABSL_GUARDED_BY(pool_mu);
};

// Reads one revision into a rep (engine/adjacency_build.cc). The node and
// edge passes are split into id ranges of at least `min_ids_per_part` ids,
// one per thread (tests lower it to exercise the split on small graphs).
absl::StatusOr<std::unique_ptr<AdjacencyRep>> BuildAdjacencyRep(
    const Snapshot& snap, int threads, uint64_t min_ids_per_part = 4096);

struct AdjacencyAccess {
  static const AdjacencyRep& Rep(const AdjacencySnapshot& a) { return *a.rep_; }
  static std::unique_ptr<AdjacencySnapshot> Make(
      std::unique_ptr<AdjacencyRep> rep) {
    return std::unique_ptr<AdjacencySnapshot>(
        new AdjacencySnapshot(std::move(rep)));
  }
};

}  // namespace critgraph::engine

#endif  // CRITGRAPH_ENGINE_ADJACENCY_INTERNAL_H_
