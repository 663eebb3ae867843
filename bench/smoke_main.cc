// bench_smoke: builds the tiny and small datasets (cached under
// CRITGRAPH_BENCH_DATA) and checks that critgraph, the SQLite baseline and
// the raw RocksDB scan agree on reach, point reads, neighbours, diffs and
// export, and that reaches through an in-memory AdjacencySnapshot equal the
// storage traversal's. Exit status 0 iff everything agrees. No timing.
#include <cstdio>

#include "bench/harness.h"
#include "critgraph/adjacency.h"
#include "critgraph/traversal.h"
#include "util/str_cat.h"

namespace cb = critgraph::bench;

namespace {

// Reach through AdjacencySnapshot == Reach through the snapshot, at the
// first revision and at HEAD, in every direction, from the benchmark's reach
// source and a sample of nodes.
absl::Status CheckAdjacency(cb::Stores& s) {
  auto src = cb::PickReachSource(*s.db, 1, s.data.head());
  if (!src.ok()) return src.status();
  std::vector<uint64_t> sources = cb::SampleIndices(s.data, 20, 3);
  sources.push_back(*src);
  size_t checked = 0;
  for (critgraph::Revision rev : {critgraph::Revision{1}, s.data.head()}) {
    auto snap = s.db->GetSnapshot(rev);
    if (!snap.ok()) return snap.status();
    auto adj = critgraph::AdjacencySnapshot::Build(**snap);
    if (!adj.ok()) return adj.status();
    if ((*adj)->node_count() != (*snap)->node_count() ||
        (*adj)->edge_count() != (*snap)->edge_count()) {
      return absl::InternalError(critgraph::StrCat(
          "adjacency snapshot of revision ", rev, " counts ",
          (*adj)->node_count(), "/", (*adj)->edge_count(), ", revision ",
          (*snap)->node_count(), "/", (*snap)->edge_count()));
    }
    for (uint64_t i : sources) {
      for (auto dir : {critgraph::Direction::kOut, critgraph::Direction::kIn,
                       critgraph::Direction::kBoth}) {
        critgraph::ReachSpec spec;
        spec.sources = {cb::NodeKey(i)};
        spec.direction = dir;
        auto want = critgraph::Reach(**snap, spec);
        auto got = critgraph::Reach(**adj, spec);
        const bool same = want.ok() ? (got.ok() && *got == *want)
                                    : got.status() == want.status();
        if (!same) {
          return absl::InternalError(critgraph::StrCat(
              "adjacency reach from ", spec.sources[0], " at revision ", rev,
              " (direction ", static_cast<int>(dir),
              ") differs from the storage reach"));
        }
        ++checked;
      }
    }
  }
  std::fprintf(stderr, "adjacency snapshot: %zu reaches agree\n", checked);
  return absl::OkStatus();
}

}  // namespace

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
    if (auto st = CheckAdjacency(**stores); !st.ok()) {
      std::fprintf(stderr, "%s: MISMATCH: %s\n", size, st.ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "%s: critgraph, sqlite and raw rocksdb agree\n", size);
  }
  return 0;
}
