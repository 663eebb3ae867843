// A forward-only iterator for visiting many keys of one column family in
// ascending order: it steps with Next() while the target is near and seeks
// only when it is far. Whole-revision scans (export) visit ids in ascending
// order, so most visits cost a few Next() calls instead of a Seek.
//
// Not thread-safe; one per scan.
#ifndef CRITGRAPH_STORAGE_FORWARD_CURSOR_H_
#define CRITGRAPH_STORAGE_FORWARD_CURSOR_H_

#include <algorithm>
#include <memory>
#include <string_view>

#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "util/coding.h"

namespace critgraph::storage {

class ForwardCursor {
 public:
  // A Seek costs about as much as this many Next() calls on a multi-level
  // tree (callgrind, s100k export: a Seek ~8-10 Next()s); farther targets
  // are sought.
  static constexpr double kStepBudget = 8;

  // `cf` must have keys that start with an 8-byte big-endian id.
  ForwardCursor(const DBImpl& db, Cf cf) {
    rocksdb::ReadOptions ro;
    // Keys of different id prefixes are crossed with Next().
    ro.total_order_seek = true;
    it_.reset(db.rdb()->NewIterator(ro, db.cf(cf)));
  }
  ForwardCursor(const ForwardCursor&) = delete;
  ForwardCursor& operator=(const ForwardCursor&) = delete;

  // Positions the cursor at the first key >= `target`, as Seek(target)
  // would; `target` starts with `target_id`. Contract: targets passed to
  // successive calls never decrease (until Reset), and between calls the
  // caller moves the cursor only with Next() below, over keys smaller than
  // the next target. Then every key before the current position is below
  // the target, so stepping forward finds what Seek would.
  //
  // Steps with Next() when the id gap times the entries per id (as the
  // user's Next() calls per target show) is within kStepBudget, else seeks.
  void SeekForward(std::string_view target, uint64_t target_id) {
    const rocksdb::Slice t(target.data(), target.size());
    ++targets_;
    if (positioned_) {
      if (!it_->Valid()) {
        // At the end (or failed): every key lies before the target.
        if (!it_->status().ok()) it_->Seek(t);
        return;
      }
      const rocksdb::Slice k = it_->key();
      const uint64_t at = k.size() >= 8 ? GetBE64(k.data()) : target_id;
      if (at > target_id || k.compare(t) >= 0) return;
      // Entries per id: what the user stepped over per target, at least 1.
      const double per_id =
          std::max(1.0, static_cast<double>(user_steps_) / targets_);
      if (static_cast<double>(target_id - at) * per_id <= kStepBudget) {
        const int max_steps = static_cast<int>(2 * kStepBudget);
        for (int i = 0; i < max_steps; ++i) {
          it_->Next();
          if (!it_->Valid()) {
            if (it_->status().ok()) return;  // ran off the end
            break;
          }
          if (it_->key().compare(t) >= 0) return;
        }
      }
    }
    positioned_ = true;
    it_->Seek(t);
  }

  // Next() for the user's own scan of a target's entries, counted to
  // estimate the entries per id.
  void Next() {
    it_->Next();
    ++user_steps_;
  }

  // Forgets the position: the next SeekForward seeks, so targets may start
  // over from a smaller key.
  void Reset() { positioned_ = false; }

  rocksdb::Iterator* it() const { return it_.get(); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  bool positioned_ = false;
  uint64_t user_steps_ = 0;  // Next() calls by the user
  uint64_t targets_ = 0;     // SeekForward calls
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_FORWARD_CURSOR_H_
