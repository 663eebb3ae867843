// Reads entities at both ends of a diff with one reused iterator per column
// family. The versions of one entity are adjacent and newest first
// (`prefix ~rev`), so the newer end is one Seek and the older end is usually
// the very next key: one Next() instead of a second Seek.
//
// Why Seek and not storage::ForwardCursor's stepping: changed entities are
// sparse in the column family (s100k/small: ~1.2k of 10k nodes and 48k
// edges, each with several versions), so stepping over the gap between them
// walks the merging iterator over every level and then seeks anyway
// (callgrind: Next() was 40% of a diff). A prefix Seek lets the prefix bloom
// filters skip the files that hold no version of the entity.
// Internal to engine/diff.cc.
#ifndef CRITGRAPH_ENGINE_DIFF_ENDS_H_
#define CRITGRAPH_ENGINE_DIFF_ENDS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "util/coding.h"
#include "util/status_macros.h"

namespace critgraph::diff_internal {

// The records of one entity at the older end `lo` and the newer end `hi` of
// the range (whatever the diff's direction). Views are valid until the next
// Read.
struct Ends {
  std::optional<std::string_view> lo, hi;
  // The same stored version is visible at both ends: nothing changed.
  bool same_version = false;

  // The version at the higher end (`high`) or the lower one.
  const std::optional<std::string_view>& at(bool high) const {
    return high ? hi : lo;
  }
  // Whether the entity differs between the ends: it exists at one of them,
  // and not with byte-identical records at both.
  bool changed() const {
    return !same_version && (lo || hi) && !(lo && hi && *lo == *hi);
  }
};

class EndsReader {
 public:
  // `prefix_size`: the bytes of a key before `~rev` (8 for nodes, 20 for
  // out-edges). `what` names a record that fails `verify` in DataLoss.
  EndsReader(const storage::DBImpl& db, storage::Cf cf, size_t prefix_size,
             Revision lo, Revision hi, std::string_view what)
      : db_(db),
        it_(NewIterator(db, cf)),
        prefix_size_(prefix_size),
        lo_(lo),
        hi_(hi),
        what_(what) {}
  EndsReader(const EndsReader&) = delete;
  EndsReader& operator=(const EndsReader&) = delete;

  // `prefix` is the entity's key without the revision; `id` (its first 8
  // bytes, the column family's prefix-extractor prefix) names it in errors.
  template <typename Verify>
  absl::StatusOr<Ends> Read(std::string_view prefix, storage::NodeId id,
                            Verify verify) {
    Ends ends;
    target_.assign(prefix);
    char inv[8];
    EncodeBE64(~hi_, inv);
    target_.append(inv, sizeof inv);
    rocksdb::Iterator* it = it_.get();
    it->Seek(rocksdb::Slice(target_));
    // The version visible at hi: the first key at or after `prefix ~hi`.
    Revision rev = 0;
    if (!AtPrefix(it, prefix, &rev)) {
      RETURN_IF_ERROR(IterStatus(it));
      return ends;  // no version at or before hi: absent at both ends
    }
    if (rev <= lo_) {
      // Visible at both ends: the same bytes, unchanged. Still verified, as
      // a diff reading it twice would.
      if (!it->value().empty() && !verify(it->value().ToStringView())) {
        return db_.DataLoss(what_, id, rev);
      }
      ends.same_version = true;
      return ends;
    }
    if (!it->value().empty()) {
      hi_value_.assign(it->value().data(), it->value().size());
      if (!verify(std::string_view(hi_value_))) {
        return db_.DataLoss(what_, id, rev);
      }
      ends.hi = std::string_view(hi_value_);
    }
    // Versions in (lo, hi] of this entity, newest first, then the one
    // visible at lo (if any).
    do {
      it->Next();
    } while (AtPrefix(it, prefix, &rev) && rev > lo_);
    if (!AtPrefix(it, prefix, &rev)) {
      RETURN_IF_ERROR(IterStatus(it));
      return ends;  // created after lo
    }
    if (!it->value().empty()) {
      std::string_view v = it->value().ToStringView();
      if (!verify(v)) return db_.DataLoss(what_, id, rev);
      ends.lo = v;
    }
    return ends;
  }

 private:
  static rocksdb::Iterator* NewIterator(const storage::DBImpl& db,
                                        storage::Cf cf) {
    rocksdb::ReadOptions ro;
    // All versions of one entity share the 8-byte id prefix.
    ro.prefix_same_as_start = true;
    return db.rdb()->NewIterator(ro, db.cf(cf));
  }

  // Whether the cursor is at a version of `prefix`; sets `*rev` to it.
  bool AtPrefix(rocksdb::Iterator* it, std::string_view prefix,
                Revision* rev) const {
    if (!it->Valid()) return false;
    const rocksdb::Slice k = it->key();
    if (k.size() != prefix_size_ + 8 ||
        std::string_view(k.data(), prefix_size_) != prefix) {
      return false;
    }
    *rev = storage::GetInvRev(k.data() + prefix_size_);
    return true;
  }

  absl::Status IterStatus(rocksdb::Iterator* it) const {
    return storage::FromRocks(it->status(), "read versions for diff");
  }

  const storage::DBImpl& db_;
  std::unique_ptr<rocksdb::Iterator> it_;
  const size_t prefix_size_;
  const Revision lo_, hi_;
  const std::string_view what_;
  std::string target_;
  std::string hi_value_;
};

}  // namespace critgraph::diff_internal

#endif  // CRITGRAPH_ENGINE_DIFF_ENDS_H_
