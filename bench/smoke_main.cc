// bench_smoke: builds the tiny and small datasets (cached under
// CRITGRAPH_BENCH_DATA) and checks that critgraph, the SQLite baseline and
// the raw RocksDB scan agree on reach, point reads, neighbours, diffs and
// export. Exit status 0 iff everything agrees. No timing.
#include <cstdio>

#include "bench/harness.h"

namespace cb = critgraph::bench;

int main() {
  for (const char* size : {"tiny", "small"}) {
    auto config = cb::ConfigForSize(size, cb::EnvSeed());
    auto stores = cb::GetStores(*config);
    if (!stores.ok()) {
      std::fprintf(stderr, "%s: %s\n", size,
                   stores.status().ToString().c_str());
      return 1;
    }
    if (auto st = cb::CheckAll(**stores); !st.ok()) {
      std::fprintf(stderr, "%s: MISMATCH: %s\n", size, st.ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "%s: critgraph, sqlite and raw rocksdb agree\n", size);
  }
  return 0;
}
