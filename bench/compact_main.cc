// critgraph_compact DIR: the full compaction gc runs (same column
// families, bottommost level forced), with nothing deleted. The baseline
// for the gc figure in bench/FINDINGS.md: how much a compaction alone
// shrinks the table files. Prints SST bytes before and after.
#include <cstdio>

#include "critgraph/db.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"

namespace {

using critgraph::storage::Cf;

uint64_t SstBytes(const critgraph::storage::DBImpl& impl) {
  uint64_t total = 0;
  for (int c = 0; c < static_cast<int>(Cf::kCount); ++c) {
    uint64_t v = 0;
    if (impl.rdb()->GetIntProperty(impl.cf(static_cast<Cf>(c)),
                                   "rocksdb.total-sst-files-size", &v)) {
      total += v;
    }
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: critgraph_compact DIR\n");
    return 2;
  }
  auto db = critgraph::DB::Open(argv[1]);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 4;
  }
  auto& impl = static_cast<critgraph::storage::DBImpl&>(**db);
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (int c = 0; c < static_cast<int>(Cf::kCount); ++c) {
    all.push_back(impl.cf(static_cast<Cf>(c)));
  }
  impl.rdb()->Flush(rocksdb::FlushOptions(), all).PermitUncheckedError();
  const uint64_t before = SstBytes(impl);
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (Cf c : {Cf::kNodes, Cf::kOutEdges, Cf::kInEdges, Cf::kKindIndex,
               Cf::kChangelog, Cf::kRevisions, Cf::kTags}) {
    auto s = impl.rdb()->CompactRange(co, impl.cf(c), nullptr, nullptr);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 4;
    }
  }
  std::printf("{\"sst_bytes_before\":%llu,\"sst_bytes_after\":%llu}\n",
              static_cast<unsigned long long>(before),
              static_cast<unsigned long long>(SstBytes(impl)));
  return 0;
}
