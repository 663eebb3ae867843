// A mutex with Abseil's thread-safety annotations over std::mutex, like
// leveldb's port::Mutex.
//
// Why not absl::Mutex: Debian's Abseil is a prebuilt library, not built with
// ThreadSanitizer, and absl::Mutex synchronizes with atomics inside it that
// TSan cannot see, so every access it guards looks like a race. std::mutex
// goes through pthread, which TSan intercepts; the annotations still let
// clang's -Wthread-safety check ABSL_GUARDED_BY.
#ifndef CRITGRAPH_UTIL_MUTEX_H_
#define CRITGRAPH_UTIL_MUTEX_H_

#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace critgraph {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// A condition variable over a Mutex, like leveldb's port::CondVar (TSan sees
// it: std::condition_variable goes through pthread).
class CondVar {
 public:
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // The caller holds the mutex (not annotated: the analysis cannot tie
  // this object's mutex to the caller's). Atomically releases it and waits;
  // holds it again on return. Spurious wake-ups happen: wait in a loop on
  // the condition.
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held, by the caller's MutexLock
  }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
  Mutex* const mu_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace critgraph

#endif  // CRITGRAPH_UTIL_MUTEX_H_
