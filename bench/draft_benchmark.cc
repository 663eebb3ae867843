// Drafts and merge benchmarks (docs/DRAFTS.md): the cost model says a merge
// reads two change logs and each changed entity, O(changes), and creating a
// draft costs a checkpoint (hard links) plus O(changes between base and
// HEAD). The histories: `nodes` nodes with one edge each in revision 1; a
// draft on revision 1 that modifies `changes` nodes; main then modifies
// `changes` other nodes. Growing `nodes` at fixed `changes` must leave the
// merge's time flat.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "bench/scratch_db.h"
#include "critgraph/db.h"
#include "critgraph/draft.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using History = bench::ScratchDb;

std::string Key(int i) { return StrCat("n/", i); }

absl::Status Modify(Transaction& txn, int from, int count, const char* tag) {
  for (int i = from; i < from + count; ++i) {
    absl::Status st =
        txn.PutNode({Key(i), "technology", {{"en", StrCat(tag, " ", i)}}, {}});
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

std::unique_ptr<History> MakeHistory(int nodes, int changes) {
  auto h = History::Open(StrCat("draft-bench-", nodes, "-", changes));
  if (h == nullptr) return nullptr;
  {
    auto txn = *h->db->Begin();
    for (int i = 0; i < nodes; ++i) {
      if (!txn->PutNode({Key(i), "technology", {{"en", Key(i)}}, {}}).ok()) {
        return nullptr;
      }
      if (i > 0 && !txn->PutEdge({Key(i), "depends_on", Key(i - 1), {}}).ok()) {
        return nullptr;
      }
    }
    if (!txn->Commit({}).ok()) return nullptr;
  }
  if (!CreateDraft(*h->db, "p", 1).ok()) return nullptr;
  {
    auto draft = OpenDraft(*h->db, "p");
    if (!draft.ok()) return nullptr;
    auto txn = *(*draft)->Begin();
    if (!Modify(*txn, 0, changes, "draft").ok() || !txn->Commit({}).ok()) {
      return nullptr;
    }
  }
  auto txn = *h->db->Begin();
  if (!Modify(*txn, changes, changes, "main").ok() || !txn->Commit({}).ok()) {
    return nullptr;
  }
  return h;
}

History* Cached(int nodes, int changes) {
  static std::map<std::pair<int, int>, std::unique_ptr<History>> cache;
  auto& h = cache[{nodes, changes}];
  if (!h) h = MakeHistory(nodes, changes);
  return h.get();
}

// The merge's planning (two change-log diffs, per-field merge), as
// `merge --dry-run` runs it; committing adds one ordinary transaction.
void BM_MergeDryRun(benchmark::State& state) {
  History* h = Cached(state.range(0), state.range(1));
  if (h == nullptr) {
    state.SkipWithError("history setup failed");
    return;
  }
  MergeOptions options;
  options.dry_run = true;
  for (auto _ : state) {
    MergeReport report;
    absl::Status st = Merge(*h->db, "p", options, &report);
    if (!st.ok() ||
        report.nodes.modified != static_cast<uint64_t>(state.range(1))) {
      state.SkipWithError("unexpected merge result");
      return;
    }
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations() * 2 * state.range(1));
}
BENCHMARK(BM_MergeDryRun)
    ->ArgNames({"nodes", "changes"})
    ->Args({10000, 100})
    ->Args({100000, 100})
    ->Args({400000, 100})
    ->Args({100000, 10000})
    ->Unit(benchmark::kMillisecond);

// Creating a draft on revision 1 of a database whose HEAD is 2 revisions
// later: a checkpoint plus rolling `changes` x 2 nodes back; then drop.
void BM_CreateAndDropDraft(benchmark::State& state) {
  History* h = Cached(state.range(0), state.range(1));
  if (h == nullptr) {
    state.SkipWithError("history setup failed");
    return;
  }
  for (auto _ : state) {
    auto info = CreateDraft(*h->db, "timed", 1);
    if (!info.ok() || !DropDraft(*h->db, "timed").ok()) {
      state.SkipWithError("create/drop failed");
      return;
    }
  }
}
BENCHMARK(BM_CreateAndDropDraft)
    ->ArgNames({"nodes", "changes"})
    ->Args({10000, 100})
    ->Args({100000, 100})
    ->Args({400000, 100})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace critgraph

BENCHMARK_MAIN();
