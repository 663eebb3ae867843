// Diff benchmarks: cost against the number of changes at fixed N (diffs of
// the last k revisions of the CRITGRAPH_BENCH_SIZE dataset), cost against N
// at a fixed ~1k changes (the last revision of datasets of growing size),
// and a scoped diff. SQLite's EXCEPT diff is measured on the same pairs;
// results are checked equal before timing.
#include <benchmark/benchmark.h>

#include "bench/bench_util.h"
#include "critgraph/diff.h"
#include "util/str_cat.h"

namespace critgraph::bench {
namespace {

void DiffBench(benchmark::State& state, Stores* s, std::string engine,
               Revision k) {
  const Revision head = s->data.head();
  const Revision from = head - k;
  auto c = CritDiff(*s->db, from, head);
  if (!c.ok()) return Fail(state, c.status());
  if (engine == "sqlite") {
    auto q = SqlDiff(*s->sql, from, head);
    if (!q.ok()) return Fail(state, q.status());
    if (*q != *c) {
      // Name the elements present on one side only.
      std::string only;
      for (const auto& x : c->nodes) {
        if (!q->nodes.contains(x)) only += " critgraph-only:" + x;
      }
      for (const auto& x : c->edges) {
        if (!q->edges.contains(x)) only += " critgraph-only:" + x;
      }
      for (const auto& x : q->nodes) {
        if (!c->nodes.contains(x)) only += " sqlite-only:" + x;
      }
      for (const auto& x : q->edges) {
        if (!c->edges.contains(x)) only += " sqlite-only:" + x;
      }
      return Fail(state, absl::InternalError(StrCat(
                             "diff r", from, "..r", head, " differs: ",
                             c->size(), " vs sqlite ", q->size(), ";", only)));
    }
  }
  for (auto _ : state) {
    if (engine == "critgraph") {
      auto r = Diff(*s->db, from, head);
      benchmark::DoNotOptimize(r);
    } else {
      auto r = SqlDiff(*s->sql, from, head);
      benchmark::DoNotOptimize(r);
    }
  }
  const double iters = static_cast<double>(state.iterations());
  state.counters["changes"] = static_cast<double>(c->size());
  state.counters["revisions"] = static_cast<double>(k);
  state.counters["graph_elements"] =
      static_cast<double>(s->data.stats.head_nodes + s->data.stats.head_edges);
  state.counters["changes_per_s"] =
      Rate(iters * static_cast<double>(c->size()));
  // Seconds per change (shown as e.g. "3.6u"): the figure issue 12, item 6
  // is stated in (<= 5 us per change in process).
  state.counters["s_per_change"] = benchmark::Counter(
      iters * static_cast<double>(c->size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void ScopedDiff(benchmark::State& state, Stores* s, uint32_t depth) {
  const Revision head = s->data.head();
  const Revision from = head > 10 ? head - 10 : 1;
  auto src = PickReachSource(*s->db, 1, head);
  if (!src.ok()) return Fail(state, src.status());
  DiffOptions opt;
  opt.scope_root = NodeKey(*src);
  opt.direction = Direction::kOut;
  opt.max_depth = depth;
  size_t changes = 0;
  for (auto _ : state) {
    auto r = Diff(*s->db, from, head, opt);
    if (!r.ok()) return Fail(state, r.status());
    changes = r->Stat().nodes.total() + r->Stat().edges.total();
  }
  state.counters["changes"] = static_cast<double>(changes);
  state.counters["scope_depth"] = depth;
}

void RegisterAll() {
  const std::string size = EnvSize();
  Stores* main = &StoresFor(size);
  AddContext(*main);
  using benchmark::RegisterBenchmark;
  const Revision head = main->data.head();
  // Cost against the number of changes at fixed N.
  for (Revision k : {1, 2, 5, 10, 20, 50, 100}) {
    if (k >= head) break;
    RegisterBenchmark(StrCat("BM_DiffChanges/critgraph/", k).c_str(), DiffBench,
                      main, std::string("critgraph"), k)
        ->Unit(benchmark::kMillisecond);
  }
  for (Revision k : {Revision{1}, std::min<Revision>(20, head - 1)}) {
    RegisterBenchmark(StrCat("BM_DiffChanges/sqlite/", k).c_str(), DiffBench,
                      main, std::string("sqlite"), k)
        ->Unit(benchmark::kMillisecond);
  }
  // Cost against N at a fixed ~1k changes (one revision).
  std::vector<std::string> sizes = {"tiny", "small"};
  if (size == "medium") sizes = {"small", "s100k", "medium"};
  if (size == "large") sizes = {"s100k", "medium", "large"};
  for (const auto& sz : sizes) {
    Stores* s = &StoresFor(sz);
    for (std::string e : {"critgraph", "sqlite"}) {
      RegisterBenchmark(
          StrCat("BM_DiffN/", e, "/", s->data.config.nodes).c_str(), DiffBench,
          s, e, Revision{1})
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (uint32_t depth : {1u, 2u}) {
    RegisterBenchmark(StrCat("BM_ScopedDiff/critgraph/depth", depth).c_str(),
                      ScopedDiff, main, depth)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace critgraph::bench

int main(int argc, char** argv) {
  return critgraph::bench::RunMain(argc, argv, critgraph::bench::RegisterAll);
}
