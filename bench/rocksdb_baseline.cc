// The raw RocksDB adjacency baseline of the benchmark harness
// (bench/harness.h): one out-edge column family with critgraph's options,
// BFS and neighbour reads over it.
#include <algorithm>
#include <string>
#include <string_view>

#include "bench/harness.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::bench {
namespace {

int EdgeTypeIndex(std::string_view name) {
  for (int t = 0; t < kNumEdgeTypes; ++t) {
    if (name == EdgeTypeName(t)) return t;
  }
  return -1;
}

rocksdb::ColumnFamilyOptions RawCfOptions() {
  // Mirrors critgraph's options for its edge column families.
  rocksdb::BlockBasedTableOptions table;
  table.checksum = rocksdb::kXXH3;
  table.block_cache = rocksdb::NewLRUCache(size_t{256} << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.write_buffer_size = size_t{64} << 20;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(8));
  cf.memtable_prefix_bloom_size_ratio = 0.02;
  return cf;
}

std::string RawKey(uint64_t src, uint32_t type, uint64_t dst, Revision rev) {
  std::string k;
  critgraph::PutBE64(&k, src);
  critgraph::PutBE32(&k, type);
  critgraph::PutBE64(&k, dst);
  storage::PutInvRev(&k, rev);
  return k;
}

// Calls fn(type, dst) for each out-edge of raw id `id` alive at `rev`, in
// key order: per (type, dst) the newest version at or before `rev` (keys sort
// newest first), deletions skipped. `it` is a prefix-same-as-start iterator.
template <typename Fn>
void ForEachAliveOutEdge(rocksdb::Iterator* it, uint64_t id, Revision rev,
                         Fn fn) {
  char prefix[8];
  for (int i = 7; i >= 0; --i) prefix[7 - i] = static_cast<char>(id >> (8 * i));
  uint64_t last = ~uint64_t{0};
  uint32_t last_type = 0;
  for (it->Seek(rocksdb::Slice(prefix, 8)); it->Valid(); it->Next()) {
    const char* p = it->key().data();
    if (critgraph::GetBE64(p) != id) break;
    if (storage::GetInvRev(p + 20) > rev) continue;
    const uint32_t type = critgraph::GetBE32(p + 8);
    const uint64_t dst = critgraph::GetBE64(p + 12);
    if (dst == last && type == last_type) continue;
    last = dst;
    last_type = type;
    if (it->value().empty()) continue;
    fn(type, dst);
  }
}

}  // namespace

// ---- Raw RocksDB ----

absl::StatusOr<std::unique_ptr<RawStore>> RawStore::Open(
    const std::string& path, bool create) {
  auto r = std::unique_ptr<RawStore>(new RawStore);
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = create;
  dbo.create_missing_column_families = create;
  dbo.max_background_jobs = 2;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.keep_log_file_num = 2;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {"out_edges", RawCfOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto s = rocksdb::DB::Open(dbo, path, cfs, &handles, &r->db_);
  if (!s.ok()) return absl::InternalError(StrCat("raw open: ", s.ToString()));
  r->default_ = handles[0];
  r->cf_ = handles[1];
  return r;
}

RawStore::~RawStore() {
  if (db_) {
    db_->DestroyColumnFamilyHandle(cf_);
    db_->DestroyColumnFamilyHandle(default_);
    delete db_;
  }
}

absl::Status RawStore::Apply(const ChangeOp& op) {
  if (op.kind == ChangeOp::Kind::kCommit) {
    ++rev_;
    return Flush();
  }
  if (op.kind != ChangeOp::Kind::kEdge &&
      op.kind != ChangeOp::Kind::kDeleteEdge) {
    return absl::OkStatus();  // nodes: deletes arrive as explicit del_edges
  }
  auto src = NodeIndexOfKey(op.edge.from);
  auto dst = NodeIndexOfKey(op.edge.to);
  int type = EdgeTypeIndex(op.edge.type);
  if (!src || !dst || type < 0) return absl::InvalidArgumentError("raw: key");
  std::string key = RawKey(*src + 1, type + 1, *dst + 1, rev_);
  batch_.Put(cf_, key,
             op.kind == ChangeOp::Kind::kEdge ? CanonicalProps(op.edge.props)
                                              : std::string());
  if (batch_.Count() >= 100'000) return Flush();
  return absl::OkStatus();
}

absl::Status RawStore::Flush() {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  auto s = db_->Write(wo, &batch_);
  batch_.Clear();
  if (!s.ok()) return absl::InternalError(s.ToString());
  return absl::OkStatus();
}

absl::Status RawStore::Compact() {
  RETURN_IF_ERROR(Flush());
  auto s = db_->Flush(rocksdb::FlushOptions(), cf_);
  if (!s.ok()) return absl::InternalError(s.ToString());
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  s = db_->CompactRange(o, cf_, nullptr, nullptr);
  if (!s.ok()) return absl::InternalError(s.ToString());
  return absl::OkStatus();
}

std::vector<uint64_t> RawStore::Reach(uint64_t source, Revision rev,
                                      uint64_t* edges) const {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_));
  std::vector<uint8_t> seen;
  auto mark = [&](uint64_t id) {
    if (id >= seen.size())
      seen.resize(std::max<size_t>(id + 1, seen.size() * 2));
    if (seen[id]) return false;
    seen[id] = 1;
    return true;
  };
  std::vector<uint64_t> frontier{source + 1}, next, out{source};
  mark(source + 1);
  uint64_t scanned = 0;
  while (!frontier.empty()) {
    std::sort(frontier.begin(), frontier.end());
    next.clear();
    for (uint64_t id : frontier) {
      ForEachAliveOutEdge(it.get(), id, rev, [&](uint32_t, uint64_t dst) {
        ++scanned;
        if (mark(dst)) {
          next.push_back(dst);
          out.push_back(dst - 1);
        }
      });
    }
    frontier.swap(next);
  }
  if (edges) *edges = scanned;
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<int, uint64_t>> RawStore::Neighbours(uint64_t node,
                                                           Revision rev) const {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_));
  std::vector<std::pair<int, uint64_t>> out;
  ForEachAliveOutEdge(it.get(), node + 1, rev,
                      [&](uint32_t type, uint64_t dst) {
                        out.emplace_back(static_cast<int>(type) - 1, dst - 1);
                      });
  return out;
}

NeighbourList RawNeighbours(const RawStore& raw, Revision rev, uint64_t index) {
  NeighbourList out;
  for (auto [t, dst] : raw.Neighbours(index, rev)) {
    out.emplace_back(EdgeTypeName(t), dst);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace critgraph::bench
