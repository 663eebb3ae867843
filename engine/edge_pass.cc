// EdgePass: one front-to-back pass over an edge column family at one
// revision. Contract: engine/edge_pass.h.
#include "engine/edge_pass.h"

#include <cstring>
#include <memory>

#include "rocksdb/db.h"
#include "util/str_cat.h"

namespace critgraph::engine {

absl::StatusOr<EdgePass> EdgePass::Read(
    const storage::DBImpl& db, Revision rev, bool outgoing,
    absl::Span<const storage::TypeId> types) {
  EdgePass pass;
  pass.outgoing_ = outgoing;
  pass.types_.assign(types.begin(), types.end());
  std::sort(pass.types_.begin(), pass.types_.end());
  pass.types_.erase(std::unique(pass.types_.begin(), pass.types_.end()),
                    pass.types_.end());

  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;  // crosses the 8-byte id prefixes
  ro.fill_cache = false;
  // Versions at or below `rev` never change (writers only add versions above
  // HEAD), so no RocksDB snapshot is needed: newer versions are skipped by
  // their revision, as in storage::EdgeScanner.
  std::unique_ptr<rocksdb::Iterator> it(db.rdb()->NewIterator(
      ro, db.cf(outgoing ? storage::Cf::kOutEdges : storage::Cf::kInEdges)));
  char last[storage::kEdgePrefixSize];
  bool have_last = false;
  storage::NodeId row_node = 0;
  bool row_open = false;
  pass.offsets_.push_back(0);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++pass.keys_read_;
    rocksdb::Slice k = it->key();
    if (k.size() != storage::kEdgeKeySize) {
      if (k.size() < 8) {
        return absl::DataLossError(
            StrCat(outgoing ? "an out" : "an in", "-edge key is damaged"));
      }
      return absl::DataLossError(
          StrCat(outgoing ? "out" : "in", "-edge key of node id ",
                 critgraph::GetBE64(k.data()), " is damaged"));
    }
    const char* p = k.data();
    if (have_last && std::memcmp(last, p, storage::kEdgePrefixSize) == 0) {
      continue;  // an older version of an edge already decided
    }
    if (storage::GetInvRev(p + 20) > rev) continue;  // newer than `rev`
    std::memcpy(last, p, storage::kEdgePrefixSize);
    have_last = true;
    rocksdb::Slice v = it->value();
    const bool alive = outgoing ? !v.empty() : (v.size() == 1 && v[0] == 'A');
    if (!alive) continue;
    const storage::TypeId type = critgraph::GetBE32(p + 8);
    if (!pass.types_.empty() &&
        !std::binary_search(pass.types_.begin(), pass.types_.end(), type)) {
      continue;
    }
    const storage::NodeId node = critgraph::GetBE64(p);
    if (!row_open || node != row_node) {
      if (row_open) pass.offsets_.push_back(pass.others_.size());
      pass.row_ids_.push_back(node);
      row_node = node;
      row_open = true;
    }
    pass.others_.push_back(critgraph::GetBE64(p + 12));
  }
  if (!it->status().ok()) {
    return storage::FromRocks(it->status(),
                              outgoing ? "scan out-edges" : "scan in-edges");
  }
  if (row_open) pass.offsets_.push_back(pass.others_.size());
  if (pass.row_ids_.size() >= kNoRow) {
    return absl::ResourceExhaustedError(
        StrCat("edge pass: ", pass.row_ids_.size(), " nodes with edges"));
  }
  const storage::NodeId max_id =
      pass.row_ids_.empty() ? 0 : pass.row_ids_.back();
  if (max_id <= 8 * static_cast<uint64_t>(pass.row_ids_.size()) + (1u << 20)) {
    pass.table_.assign(static_cast<size_t>(max_id) + 1, kNoRow);
    for (size_t r = 0; r < pass.row_ids_.size(); ++r) {
      pass.table_[pass.row_ids_[r]] = static_cast<uint32_t>(r);
    }
    pass.direct_ = true;
  }
  return pass;
}

}  // namespace critgraph::engine
