// Bounded, thread-safe caches of the key <-> id mappings (`keys` and `ids`
// column families).
//
// Why a cache is always correct: an id is allocated once per external key and
// never reused or remapped (docs/ARCHITECTURE.md, "Key layout"); mappings
// written by an abandoned transaction stay on disk. So a mapping once read
// from RocksDB stays true for the life of the process, at every revision.
// Only found mappings are cached: a key without an id may get one later.
#ifndef CRITGRAPH_STORAGE_ID_CACHE_H_
#define CRITGRAPH_STORAGE_ID_CACHE_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "storage/keys.h"
#include "util/mutex.h"

namespace critgraph::storage {

// Both directions of the mapping, each bounded by `max_bytes / 2` of
// estimated memory (key bytes plus a fixed per-entry overhead). The maps are
// split into shards with one mutex each, so concurrent readers rarely
// contend; a shard that would exceed its share is cleared first (cheap, and
// a miss only costs the RocksDB lookup the cache saves).
//
// Thread-safety: every method may be called from any thread at once.
class IdCache {
 public:
  // `max_bytes` 0 disables the cache (every Find misses, Insert does nothing).
  explicit IdCache(size_t max_bytes);
  IdCache(const IdCache&) = delete;
  IdCache& operator=(const IdCache&) = delete;

  std::optional<NodeId> FindId(std::string_view key) const;
  // Appends the key of `id` to `*out` (after clearing it) if cached.
  bool FindKey(NodeId id, std::string* out) const;
  // Records that `key` maps to `id` (both directions).
  void Insert(std::string_view key, NodeId id) const;

  // Estimated bytes held now, and the bound; for tests and diagnostics.
  size_t bytes() const;
  size_t max_bytes() const { return max_bytes_; }
  size_t entries() const;

  // What one entry is charged besides its key bytes (hash slot, string
  // header, id).
  static constexpr size_t kEntryOverhead = 64;

 private:
  static constexpr size_t kShards = 16;
  struct ByKeyShard {
    mutable Mutex mu;
    absl::flat_hash_map<std::string, NodeId> map ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };
  struct ByIdShard {
    mutable Mutex mu;
    absl::flat_hash_map<NodeId, std::string> map ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };

  const size_t max_bytes_;
  const size_t shard_bytes_;  // per shard, per direction
  mutable std::array<ByKeyShard, kShards> by_key_;
  mutable std::array<ByIdShard, kShards> by_id_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_ID_CACHE_H_
