// History benchmarks: the history of one node in a small graph with 100
// and with 10,000 revisions. Every revision changes other nodes and edges;
// the tracked node changes in the same six revisions' worth of versions
// whatever the revision count (added, renamed, deleted, re-added, changed
// twice). History reads only that node's own version ranges, so its time
// must not grow with the number of revisions (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "bench/bench_util.h"
#include "critgraph/db.h"
#include "critgraph/history.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::bench {
namespace {

constexpr int kNodes = 200;
constexpr const char* kTarget = "target";

std::string N(int i) { return StrCat("n/", i % kNodes); }

absl::Status PutTarget(Transaction& t, const std::string& name, int64_t v) {
  if (auto st = t.PutNode({kTarget, "technology", {{"en", name}}, {{"v", v}}});
      !st.ok()) {
    return st;
  }
  if (auto st = t.PutEdge({kTarget, "depends_on", N(1), {}}); !st.ok()) {
    return st;
  }
  return t.PutEdge({N(2), "part_of", kTarget, {{"w", v}}});
}

// Revision 1 makes the graph; every revision r > 1 changes node n/(r % 200)
// and the edge leaving it. The target changes at revisions R*k/6, k = 1..5.
absl::Status Build(DB& db, int revisions) {
  auto txn = db.Begin();
  if (!txn.ok()) return txn.status();
  Transaction& t = **txn;
  for (int i = 0; i < kNodes; ++i) {
    RETURN_IF_ERROR(t.PutNode({N(i), "domain", {{"en", N(i)}}, {}}));
  }
  for (int i = 0; i < kNodes; ++i) {
    RETURN_IF_ERROR(t.PutEdge({N(i), "depends_on", N(i + 1), {}}));
  }
  RETURN_IF_ERROR(PutTarget(t, "first", 0));
  RETURN_IF_ERROR(t.Seal({.message = "r1"}).status());
  std::map<int, int> target_step;
  for (int k = 1; k <= 5; ++k) target_step[revisions * k / 6] = k;
  for (int r = 2; r <= revisions; ++r) {
    RETURN_IF_ERROR(
        t.PutNode({N(r), "domain", {{"en", N(r)}}, {{"v", int64_t{r}}}}));
    RETURN_IF_ERROR(
        t.PutEdge({N(r), "depends_on", N(r + 1), {{"w", int64_t{r}}}}));
    auto step = target_step.find(r);
    if (step != target_step.end()) {
      if (step->second == 2) {
        RETURN_IF_ERROR(t.DeleteNode(kTarget));
      } else {
        RETURN_IF_ERROR(PutTarget(t, StrCat("name ", step->second), r));
      }
    }
    RETURN_IF_ERROR(t.Seal({.message = StrCat("r", r)}).status());
  }
  return t.Publish().status();
}

struct Fixture {
  std::string dir;
  std::unique_ptr<DB> db;
};

// One database per revision count, built on first use, removed at exit.
Fixture* FixtureFor(int revisions) {
  static std::map<int, std::unique_ptr<Fixture>> fixtures;
  auto& f = fixtures[revisions];
  if (f) return f.get();
  f = std::make_unique<Fixture>();
  f->dir = (std::filesystem::temp_directory_path() /
            StrCat("critgraph_history_bench_", ::getpid(), "_", revisions))
               .string();
  std::filesystem::remove_all(f->dir);
  Options opts;
  opts.sync = false;
  {
    auto db = DB::Open(f->dir, opts);
    if (!db.ok() || !Build(**db, revisions).ok()) return nullptr;
  }
  // Reopened: the close flushed everything into table files, as a database
  // an analyst opens would be.
  auto db = DB::OpenReadOnly(f->dir, opts);
  if (!db.ok()) return nullptr;
  f->db = *std::move(db);
  static const bool cleanup = [] {
    std::atexit([] {
      for (auto& [n, fx] : fixtures) {
        if (!fx) continue;
        fx->db.reset();
        std::filesystem::remove_all(fx->dir);
      }
    });
    return true;
  }();
  (void)cleanup;
  return f.get();
}

void RunHistory(benchmark::State& state, bool edges) {
  const int revisions = static_cast<int>(state.range(0));
  Fixture* f = FixtureFor(revisions);
  if (f == nullptr) {
    return Fail(state, absl::InternalError("cannot build the database"));
  }
  HistoryOptions options{.edges = edges};
  auto first = History(*f->db, kTarget, options);
  if (!first.ok()) return Fail(state, first.status());
  // Check before timing: added, renamed, removed, re-added, changed twice.
  size_t node_entries = 0;
  for (const auto& e : *first) node_entries += e.is_edge() ? 0 : 1;
  if (node_entries != 6) {
    return Fail(state, absl::InternalError(
                           StrCat("want 6 node changes, got ", node_entries)));
  }
  for (auto _ : state) {
    auto h = History(*f->db, kTarget, options);
    benchmark::DoNotOptimize(h);
  }
  state.counters["revisions"] = static_cast<double>(f->db->Head());
  state.counters["entries"] = static_cast<double>(first->size());
}

void BM_History(benchmark::State& state) { RunHistory(state, false); }
void BM_HistoryEdges(benchmark::State& state) { RunHistory(state, true); }

void RegisterAll() {
  for (auto* b :
       {benchmark::RegisterBenchmark("BM_History", BM_History),
        benchmark::RegisterBenchmark("BM_HistoryEdges", BM_HistoryEdges)}) {
    b->ArgName("revisions")
        ->Arg(100)
        ->Arg(10000)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace critgraph::bench

int main(int argc, char** argv) {
  return critgraph::bench::RunMain(argc, argv, &critgraph::bench::RegisterAll);
}
