// Reusable RocksDB iterators for the point reads of one snapshot.
//
// Creating a RocksDB iterator (arena, super-version reference, one child
// iterator per level) costs about as much as the seek it serves, so a
// snapshot keeps the iterators its reads created and hands them out again.
//
// Why reuse is correct: an iterator sees the database as of its creation.
// A pool belongs to one SnapshotImpl of revision R and creates iterators only
// after the snapshot exists, when everything at or below R is durably
// written (HEAD moves after the write), so every pooled iterator sees all of
// R. Later commits sit above HEAD >= R and reads at R skip them.
//
// Writes made after an iterator was created (a concurrent writer's chunks,
// or tests that damage records in place) are picked up anyway: a lease
// whose iterator predates the DB's latest sequence number refreshes it
// first (Iterator::Refresh, cheap unless a flush or compaction happened), so
// a pooled read sees exactly what a fresh iterator would.
//
// Cost: an idle pooled iterator pins the memtables and SST files it was
// created over until the snapshot is destroyed (at most kMaxIdle per column
// family per snapshot). Long-lived snapshots therefore delay the deletion of
// compacted files, as a RocksDB snapshot would.
//
// Thread-safety: Acquire may be called from any thread; each Lease is used by
// one thread at a time and returned when it goes out of scope.
#ifndef CRITGRAPH_STORAGE_ITERATOR_POOL_H_
#define CRITGRAPH_STORAGE_ITERATOR_POOL_H_

#include <array>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "util/mutex.h"

namespace critgraph::storage {

class IteratorPool {
 public:
  // Idle iterators kept per column family; more concurrent readers create
  // and then drop their own.
  static constexpr size_t kMaxIdle = 4;

  explicit IteratorPool(const DBImpl* db) : db_(db) {}
  IteratorPool(const IteratorPool&) = delete;
  IteratorPool& operator=(const IteratorPool&) = delete;

  // An iterator lent out until destruction. Its position is unspecified:
  // the holder must Seek first.
  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(other.pool_),
          cf_(other.cf_),
          seq_(other.seq_),
          it_(std::move(other.it_)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (it_) pool_->Release(cf_, seq_, std::move(it_));
    }
    rocksdb::Iterator* operator->() const { return it_.get(); }
    rocksdb::Iterator* get() const { return it_.get(); }

   private:
    friend class IteratorPool;
    Lease(const IteratorPool* pool, Cf cf, rocksdb::SequenceNumber seq,
          std::unique_ptr<rocksdb::Iterator> it)
        : pool_(pool), cf_(cf), seq_(seq), it_(std::move(it)) {}
    const IteratorPool* pool_;
    Cf cf_;
    rocksdb::SequenceNumber seq_;  // the iterator sees at least this
    std::unique_ptr<rocksdb::Iterator> it_;
  };

  // A prefix iterator (prefix_same_as_start) over `cf`: nodes, out_edges or
  // in_edges, whose keys start with an 8-byte id.
  Lease Acquire(Cf cf) const {
    const size_t slot = static_cast<size_t>(cf);
    const rocksdb::SequenceNumber now = db_->rdb()->GetLatestSequenceNumber();
    Idle idle;
    {
      MutexLock lock(&mu_);
      auto& list = idle_[slot];
      if (!list.empty()) {
        idle = std::move(list.back());
        list.pop_back();
      }
    }
    if (idle.it != nullptr && idle.seq != now && !idle.it->Refresh().ok()) {
      idle.it.reset();  // cannot refresh: make a new one
    }
    if (idle.it == nullptr) {
      rocksdb::ReadOptions ro;
      ro.prefix_same_as_start = true;
      idle.it.reset(db_->rdb()->NewIterator(ro, db_->cf(cf)));
    }
    return Lease(this, cf, now, std::move(idle.it));
  }

 private:
  struct Idle {
    // Sequence number read before the iterator was created or refreshed:
    // the iterator sees every write up to it.
    rocksdb::SequenceNumber seq = 0;
    std::unique_ptr<rocksdb::Iterator> it;
  };

  void Release(Cf cf, rocksdb::SequenceNumber seq,
               std::unique_ptr<rocksdb::Iterator> it) const {
    // A sticky error must not outlive the read that met it.
    if (!it->status().ok()) return;
    MutexLock lock(&mu_);
    auto& list = idle_[static_cast<size_t>(cf)];
    if (list.size() < kMaxIdle) list.push_back(Idle{seq, std::move(it)});
  }

  const DBImpl* const db_;
  mutable Mutex mu_;
  mutable std::array<std::vector<Idle>, static_cast<size_t>(Cf::kCount)> idle_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_ITERATOR_POOL_H_
