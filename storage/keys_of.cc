#include "storage/keys_of.h"

#include <algorithm>
#include <vector>

#include "rocksdb/db.h"
#include "util/coding.h"
#include "util/str_cat.h"

namespace critgraph::storage {

absl::Status KeysOf(const DBImpl& db, absl::Span<const NodeId> ids,
                    absl::Span<std::string> keys) {
  constexpr size_t kBatch = 512;
  std::vector<std::string> encoded;
  std::vector<rocksdb::Slice> slices;
  std::vector<rocksdb::PinnableSlice> values(std::min(ids.size(), kBatch));
  std::vector<rocksdb::Status> statuses(values.size());
  for (size_t base = 0; base < ids.size(); base += kBatch) {
    const size_t n = std::min(kBatch, ids.size() - base);
    encoded.clear();
    slices.clear();
    for (size_t i = 0; i < n; ++i) {
      encoded.emplace_back();
      PutBE64(&encoded.back(), ids[base + i]);
    }
    for (const auto& e : encoded) slices.emplace_back(e);
    for (size_t i = 0; i < n; ++i) values[i].Reset();
    db.rdb()->MultiGet(rocksdb::ReadOptions(), db.cf(Cf::kIds), n,
                       slices.data(), values.data(), statuses.data());
    for (size_t i = 0; i < n; ++i) {
      const NodeId id = ids[base + i];
      if (statuses[i].IsNotFound()) {
        return absl::DataLossError(StrCat("node id ", id, " has no key"));
      }
      if (!statuses[i].ok()) {
        return FromRocks(statuses[i], StrCat("read key of node id ", id));
      }
      keys[base + i].assign(values[i].data(), values[i].size());
    }
  }
  return absl::OkStatus();
}

}  // namespace critgraph::storage
