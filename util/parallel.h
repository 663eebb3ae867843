// Runs independent tasks on a few threads with the error semantics of a
// sequential loop: ReachMany (on snapshots and adjacency snapshots), the
// column families of an ingested chunk, the compactions of a bulk load.
#ifndef CRITGRAPH_UTIL_PARALLEL_H_
#define CRITGRAPH_UTIL_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "util/mutex.h"

namespace critgraph {

// The thread count for `threads` (0 = all cores) and `count` tasks.
inline size_t PoolSize(int threads, size_t count) {
  size_t n = threads > 0 ? static_cast<size_t>(threads)
                         : std::max(1u, std::thread::hardware_concurrency());
  return std::min(n, count);
}

// Calls run(state, i) for every i in [0, count) on `n` threads (the calling
// one included), each with its own state from make_state(). Returns the status
// of the lowest failing i: indices are handed out in increasing order and a
// worker always finishes the one it holds, so once a failure stops the hand-out
// every lower index has run, exactly as in a sequential loop.
template <typename MakeState, typename Run>
absl::Status ParallelFor(size_t count, size_t n, MakeState make_state,
                         Run run) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  Mutex mu;
  size_t error_index = count;
  absl::Status error;
  auto worker = [&] {
    auto state = make_state();
    while (!failed.load(std::memory_order_relaxed)) {
      const size_t i = next.fetch_add(1);
      if (i >= count) break;
      absl::Status st = run(state, i);
      if (st.ok()) continue;
      MutexLock lock(&mu);
      if (i < error_index) {
        error_index = i;
        error = std::move(st);
      }
      failed.store(true, std::memory_order_relaxed);
    }
  };
  // The calling thread is one of the `n`; if no thread can be started, it
  // does all the work.
  std::vector<std::thread> pool;
  for (size_t i = 1; i < n; ++i) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;
    }
  }
  worker();
  for (auto& th : pool) th.join();
  return error_index < count ? error : absl::OkStatus();
}

}  // namespace critgraph

#endif  // CRITGRAPH_UTIL_PARALLEL_H_
