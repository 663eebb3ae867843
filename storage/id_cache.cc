#include "storage/id_cache.h"

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace critgraph::storage {
namespace {

// Debian's Abseil has its own string_view type, which its hash maps need for
// heterogeneous lookup.
absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

size_t ShardOfKey(std::string_view key, size_t shards) {
  return absl::Hash<absl::string_view>()(Absl(key)) % shards;
}

size_t ShardOfId(NodeId id, size_t shards) {
  // Ids are dense and allocated in order: their low bits spread well.
  return static_cast<size_t>(id % shards);
}

}  // namespace

IdCache::IdCache(size_t max_bytes)
    : max_bytes_(max_bytes), shard_bytes_(max_bytes / 2 / kShards) {}

std::optional<NodeId> IdCache::FindId(std::string_view key) const {
  if (shard_bytes_ == 0) return std::nullopt;
  const ByKeyShard& s = by_key_[ShardOfKey(key, kShards)];
  MutexLock lock(&s.mu);
  auto it = s.map.find(Absl(key));
  if (it == s.map.end()) return std::nullopt;
  return it->second;
}

bool IdCache::FindKey(NodeId id, std::string* out) const {
  if (shard_bytes_ == 0) return false;
  const ByIdShard& s = by_id_[ShardOfId(id, kShards)];
  MutexLock lock(&s.mu);
  auto it = s.map.find(id);
  if (it == s.map.end()) return false;
  out->assign(it->second);
  return true;
}

void IdCache::Insert(std::string_view key, NodeId id) const {
  const size_t cost = key.size() + kEntryOverhead;
  if (cost > shard_bytes_) return;  // also: cache disabled
  {
    ByKeyShard& s = by_key_[ShardOfKey(key, kShards)];
    MutexLock lock(&s.mu);
    if (!s.map.contains(Absl(key))) {
      if (s.bytes + cost > shard_bytes_) {
        s.map.clear();
        s.bytes = 0;
      }
      s.map.emplace(std::string(key), id);
      s.bytes += cost;
    }
  }
  {
    ByIdShard& s = by_id_[ShardOfId(id, kShards)];
    MutexLock lock(&s.mu);
    if (!s.map.contains(id)) {
      if (s.bytes + cost > shard_bytes_) {
        s.map.clear();
        s.bytes = 0;
      }
      s.map.emplace(id, std::string(key));
      s.bytes += cost;
    }
  }
}

size_t IdCache::bytes() const {
  size_t total = 0;
  for (const auto& s : by_key_) {
    MutexLock lock(&s.mu);
    total += s.bytes;
  }
  for (const auto& s : by_id_) {
    MutexLock lock(&s.mu);
    total += s.bytes;
  }
  return total;
}

size_t IdCache::entries() const {
  size_t total = 0;
  for (const auto& s : by_key_) {
    MutexLock lock(&s.mu);
    total += s.map.size();
  }
  return total;
}

}  // namespace critgraph::storage
