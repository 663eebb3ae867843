// Lists benchmarks: the revisions that changed a list (`log --list`,
// `lists`' last change) by ListChangeRevisions, against the definition
// computed naively (one scoped diff per revision, which walks the list's
// scope twice per revision). The history: a list "big" with `entries`
// entries that no revision after the first touches, and a list "small"
// whose one entry every revision renames. ListChangeRevisions walks big's
// scope only at revisions that change part_of edges or the list node, so
// its cost follows the changes, not revisions x scope. Results are checked
// equal before timing.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/scratch_db.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/lists.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using History = bench::ScratchDb;

// Revision 1: lists big (with `entries` entries) and small (one entry);
// revisions 2..revisions: small's entry renamed.
std::unique_ptr<History> MakeHistory(int revisions, int entries) {
  auto h = History::Open(StrCat("lists-bench-", revisions, "-", entries));
  if (h == nullptr) return nullptr;
  auto txn = *h->db->Begin();
  (void)txn->PutNode({"big", "list", {}, {}});
  (void)txn->PutNode({"small", "list", {}, {}});
  (void)txn->PutNode({"small/e", "technology", {{"en", "e 1"}}, {}});
  (void)txn->PutEdge({"small/e", "part_of", "small", {}});
  for (int i = 0; i < entries; ++i) {
    std::string key = StrCat("big/", i);
    (void)txn->PutNode({key, "technology", {{"en", key}}, {}});
    (void)txn->PutEdge({key, "part_of", "big", {}});
  }
  if (!txn->Commit({}).ok()) return nullptr;
  for (int r = 2; r <= revisions; ++r) {
    auto t = *h->db->Begin();
    (void)t->PutNode({"small/e", "technology", {{"en", StrCat("e ", r)}}, {}});
    if (!t->Commit({}).ok()) return nullptr;
  }
  return h;
}

// The definition: R changed L when the scoped diff of (R-1, R) is not
// empty.
std::vector<Revision> Naive(const DB& db, const std::string& list) {
  std::vector<Revision> out;
  for (Revision r = 1; r <= db.Head(); ++r) {
    auto d = Diff(db, r - 1, r, ListDiffOptions(list));
    if (d.ok() && !d->empty()) out.push_back(r);
  }
  return out;
}

void BM_ListChangeRevisions(benchmark::State& state) {
  auto h = MakeHistory(static_cast<int>(state.range(0)),
                       static_cast<int>(state.range(1)));
  if (!h) return state.SkipWithError("cannot build the history");
  const std::vector<std::string> lists = {"big", "small"};
  auto got = ListChangeRevisions(*h->db, lists, h->db->Head());
  if (!got.ok() || (*got)[0] != Naive(*h->db, "big") ||
      (*got)[1] != Naive(*h->db, "small")) {
    return state.SkipWithError("differs from the naive definition");
  }
  for (auto _ : state) {
    auto r = ListChangeRevisions(*h->db, lists, h->db->Head());
    benchmark::DoNotOptimize(r);
  }
  state.counters["revisions"] = static_cast<double>(state.range(0));
  state.counters["entries"] = static_cast<double>(state.range(1));
}

void BM_ListChangesNaive(benchmark::State& state) {
  auto h = MakeHistory(static_cast<int>(state.range(0)),
                       static_cast<int>(state.range(1)));
  if (!h) return state.SkipWithError("cannot build the history");
  for (auto _ : state) {
    auto big = Naive(*h->db, "big");
    auto small = Naive(*h->db, "small");
    benchmark::DoNotOptimize(big);
    benchmark::DoNotOptimize(small);
  }
  state.counters["revisions"] = static_cast<double>(state.range(0));
  state.counters["entries"] = static_cast<double>(state.range(1));
}

BENCHMARK(BM_ListChangeRevisions)
    ->Args({100, 1000})
    ->Args({1000, 1000})
    ->Args({100, 10000})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ListChangesNaive)
    ->Args({100, 1000})
    ->Args({1000, 1000})
    ->Args({100, 10000})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace critgraph

BENCHMARK_MAIN();
