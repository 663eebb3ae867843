// KeyPass: one front-to-back pass over the keys column family. Contract:
// engine/key_pass.h.
#include "engine/key_pass.h"

#include <algorithm>
#include <memory>

#include "rocksdb/db.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::engine {

absl::StatusOr<KeyPass> KeyPass::Read(const storage::DBImpl& db) {
  KeyPass pass;
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      db.rdb()->NewIterator(ro, db.cf(storage::Cf::kKeys)));
  std::vector<storage::NodeId> ids;  // by rank
  storage::NodeId max_id = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->value().size() != 8) {
      return absl::DataLossError(StrCat(
          "id mapping of key '", it->key().ToStringView(), "' is damaged"));
    }
    const storage::NodeId id = critgraph::GetBE64(it->value().data());
    ids.push_back(id);
    max_id = std::max(max_id, id);
    pass.arena_.append(it->key().data(), it->key().size());
    pass.offsets_.push_back(pass.arena_.size());
  }
  RETURN_IF_ERROR(storage::FromRocks(it->status(), "scan keys"));
  if (ids.size() >= kNoRank) {
    return absl::ResourceExhaustedError(
        StrCat("key pass: ", ids.size(), " keys"));
  }
  pass.direct_ = max_id <= 8 * static_cast<uint64_t>(ids.size()) + (1u << 20);
  if (pass.direct_)
    pass.table_.assign(static_cast<size_t>(max_id) + 1, kNoRank);
  for (uint32_t rank = 0; rank < ids.size(); ++rank) {
    uint32_t& slot =
        pass.direct_ ? pass.table_[ids[rank]]
                     : pass.map_.try_emplace(ids[rank], kNoRank).first->second;
    if (slot != kNoRank) {
      return absl::DataLossError(StrCat("node id ", ids[rank],
                                        " has two keys (the second is '",
                                        pass.KeyAt(rank), "')"));
    }
    slot = rank;
  }
  return pass;
}

}  // namespace critgraph::engine
