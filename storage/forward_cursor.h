// A forward-only iterator for visiting many keys of one column family in
// ascending order: it steps with Next() while the target is near and seeks
// only when it is far. Whole-revision scans (export) visit ids in ascending
// order, so most visits cost a few Next() calls instead of a Seek.
//
// Not thread-safe; one per scan.
#ifndef CRITGRAPH_STORAGE_FORWARD_CURSOR_H_
#define CRITGRAPH_STORAGE_FORWARD_CURSOR_H_

#include <memory>
#include <string_view>

#include "rocksdb/db.h"
#include "storage/db_impl.h"

namespace critgraph::storage {

class ForwardCursor {
 public:
  // Next() steps tried before falling back to one Seek: a Seek costs about
  // this many Next() calls on a multi-level tree.
  static constexpr int kMaxSteps = 16;

  ForwardCursor(const DBImpl& db, Cf cf) {
    rocksdb::ReadOptions ro;
    // Keys of different id prefixes are crossed with Next().
    ro.total_order_seek = true;
    it_.reset(db.rdb()->NewIterator(ro, db.cf(cf)));
  }
  ForwardCursor(const ForwardCursor&) = delete;
  ForwardCursor& operator=(const ForwardCursor&) = delete;

  // Positions the cursor at the first key >= `target`, as Seek(target)
  // would. Contract: targets passed to successive calls never decrease, and
  // between calls the caller only moves the cursor forward with Next()
  // over keys smaller than the next target. Then every key before the
  // current position is below the target, so if the current key is already
  // >= target it is the one Seek would find.
  void SeekForward(std::string_view target) {
    const rocksdb::Slice t(target.data(), target.size());
    if (positioned_) {
      if (!it_->Valid()) {
        // At the end (or failed): every key lies before the target.
        if (!it_->status().ok()) it_->Seek(t);
        return;
      }
      for (int i = 0; i < kMaxSteps && it_->Valid(); ++i) {
        if (it_->key().compare(t) >= 0) return;
        it_->Next();
      }
      if (!it_->Valid() && it_->status().ok()) return;  // ran off the end
      if (it_->Valid() && it_->key().compare(t) >= 0) return;
    }
    positioned_ = true;
    it_->Seek(t);
  }

  // Forgets the position: the next SeekForward seeks, so targets may start
  // over from a smaller key.
  void Reset() { positioned_ = false; }

  rocksdb::Iterator* it() const { return it_.get(); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  bool positioned_ = false;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_FORWARD_CURSOR_H_
