// One sequential pass over the `keys` column family (external key -> id, in
// byte order of the keys), kept in memory: resolves the keys of the nodes a
// large reach returns without one `ids` lookup per node, and gives each key
// its rank in byte order, so sorting a BFS level by key is an integer sort.
// Used by the kScan reach plan (engine/traversal.cc) once the nodes to
// resolve would cost more in lookups than the pass.
//
// Contract: Key(id) is the key mapped to `id`, for every id mapped when the
// pass ran (mappings are written once and never change or disappear, so a
// pass read while a writer commits is a valid superset for any revision at
// or below HEAD); Rank(a) < Rank(b) iff Key(a) < Key(b) (byte order).
//
// Thread safety: immutable after Read; reads may run concurrently.
#ifndef CRITGRAPH_ENGINE_KEY_PASS_H_
#define CRITGRAPH_ENGINE_KEY_PASS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "storage/db_impl.h"
#include "storage/keys.h"

namespace critgraph::engine {

class KeyPass {
 public:
  static constexpr uint32_t kNoRank = ~uint32_t{0};

  // Reads the whole family. DataLoss for a damaged mapping or an id mapped
  // from two keys; Internal for a RocksDB error. Bypasses the block cache.
  static absl::StatusOr<KeyPass> Read(const storage::DBImpl& db);

  // The rank of `id`'s key, or kNoRank if `id` has no mapping.
  uint32_t Rank(storage::NodeId id) const {
    if (direct_) return id < table_.size() ? table_[id] : kNoRank;
    auto it = map_.find(id);
    return it == map_.end() ? kNoRank : it->second;
  }
  // The key of rank `rank` (< size()).
  std::string_view KeyAt(uint32_t rank) const {
    return std::string_view(arena_.data() + offsets_[rank],
                            offsets_[rank + 1] - offsets_[rank]);
  }
  size_t size() const { return offsets_.size() - 1; }
  uint64_t keys_read() const { return size(); }

 private:
  std::string arena_;
  std::vector<uint64_t> offsets_{0};
  // id -> rank: a table when ids are dense (they are allocated in sequence),
  // else a hash map.
  std::vector<uint32_t> table_;
  absl::flat_hash_map<storage::NodeId, uint32_t> map_;
  bool direct_ = false;
};

}  // namespace critgraph::engine

#endif  // CRITGRAPH_ENGINE_KEY_PASS_H_
