// Counts of open snapshots per revision, which gc consults before it
// removes a revision. Shared (std::shared_ptr) by a DBImpl and every
// SnapshotImpl it made, so a snapshot destroyed after its DB (against the
// contract, but it must not crash) still has a live registry to leave.
#ifndef CRITGRAPH_STORAGE_LIVE_SNAPSHOTS_H_
#define CRITGRAPH_STORAGE_LIVE_SNAPSHOTS_H_

#include <map>

#include "absl/base/thread_annotations.h"
#include "critgraph/types.h"
#include "util/mutex.h"

namespace critgraph::storage {

// Thread-safe.
class LiveSnapshots {
 public:
  void Opened(Revision rev) {
    MutexLock lock(&mu_);
    ++counts_[rev];
  }
  void Closed(Revision rev) {
    MutexLock lock(&mu_);
    auto it = counts_.find(rev);
    if (it != counts_.end() && --it->second <= 0) counts_.erase(it);
  }
  // Whether a snapshot of `rev` is open.
  bool Has(Revision rev) const {
    MutexLock lock(&mu_);
    return counts_.contains(rev);
  }

 private:
  mutable Mutex mu_;
  std::map<Revision, int> counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_LIVE_SNAPSHOTS_H_
