// Shared helpers of the Google Benchmark suites.
#ifndef CRITGRAPH_BENCH_BENCH_UTIL_H_
#define CRITGRAPH_BENCH_BENCH_UTIL_H_

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "bench/harness.h"

namespace critgraph::bench {

// Set when a result check or a query fails; main() then exits non-zero.
inline bool& Failed() {
  static bool failed = false;
  return failed;
}

// Marks the benchmark as failed (its timing is discarded) and remembers it.
inline void Fail(benchmark::State& state, const absl::Status& st) {
  std::fprintf(stderr, "[bench] FAILED: %s\n", st.ToString().c_str());
  Failed() = true;
  state.SkipWithError(st.ToString().c_str());
}

// The stores of `size` (built and cached on first use); exits on failure.
inline Stores& StoresFor(const std::string& size) {
  auto config = ConfigForSize(size, EnvSeed());
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    std::exit(2);
  }
  auto s = GetStores(*config);
  if (!s.ok()) {
    std::fprintf(stderr, "dataset %s: %s\n", size.c_str(),
                 s.status().ToString().c_str());
    std::exit(1);
  }
  return **s;
}

inline benchmark::Counter Rate(double v) {
  return benchmark::Counter(v, benchmark::Counter::kIsRate);
}

// Adds dataset context to every benchmark's JSON output.
inline void AddContext(const Stores& s) {
  benchmark::AddCustomContext("dataset", s.data.config.CacheKey());
  benchmark::AddCustomContext("dataset_nodes",
                              std::to_string(s.data.stats.head_nodes));
  benchmark::AddCustomContext("dataset_edges",
                              std::to_string(s.data.stats.head_edges));
  benchmark::AddCustomContext("dataset_revisions",
                              std::to_string(s.data.head()));
}

inline int RunMain(int argc, char** argv, void (*register_all)()) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return Failed() ? 1 : 0;
}

}  // namespace critgraph::bench

#endif  // CRITGRAPH_BENCH_BENCH_UTIL_H_
