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
  std::mutex mu_;
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
