// Read-side benchmarks on one cached dataset (CRITGRAPH_BENCH_SIZE):
// as-of point reads, neighbour expansion, reach, export, bytes on disk.
// Every critgraph figure has its SQLite (and, where it applies, raw RocksDB)
// twin on the same data; results are checked equal before timing.
#include <benchmark/benchmark.h>

#include "bench/bench_util.h"
#include "critgraph/adjacency.h"
#include "critgraph/partition.h"
#include "critgraph/traversal.h"
#include "engine/edge_pass.h"
#include "engine/key_pass.h"
#include "storage/snapshot_impl.h"
#include "util/str_cat.h"

namespace critgraph::bench {
namespace {

Stores* g;  // the dataset of this run
constexpr size_t kSample = 1000;

Revision RevOf(const std::string& which) {
  return which == "old" ? Revision{1} : g->data.head();
}

void PointRead(benchmark::State& state, std::string engine, std::string which) {
  const Revision rev = RevOf(which);
  const auto keys = SampleIndices(g->data, kSample, 7);
  auto snap = g->db->GetSnapshot(rev);
  if (!snap.ok()) return Fail(state, snap.status());
  sqlite3_stmt* stmt = SqlPointStmt(*g->sql);
  // Check (and warm up) before timing.
  for (uint64_t i : keys) {
    auto c = CritPoint(**snap, i);
    auto q = SqlPoint(*g->sql, stmt, rev, i);
    if (!c.ok() || !q.ok() || *c != *q) {
      sqlite3_finalize(stmt);
      return Fail(state, absl::InternalError(
                             StrCat("point read of ", NodeKey(i), " differs")));
    }
  }
  size_t n = 0;
  const bool crit = engine == "critgraph";
  for (auto _ : state) {
    const uint64_t i = keys[n++ % keys.size()];
    if (crit) {
      auto r = (*snap)->GetNode(NodeKey(i));
      benchmark::DoNotOptimize(r);
    } else {
      auto r = SqlPoint(*g->sql, stmt, rev, i);
      benchmark::DoNotOptimize(r);
    }
  }
  sqlite3_finalize(stmt);
  state.counters["reads_per_s"] = Rate(static_cast<double>(n));
}

void Neighbours(benchmark::State& state, std::string engine,
                std::string which) {
  const Revision rev = RevOf(which);
  const auto keys = SampleIndices(g->data, kSample, 11);
  auto snap = g->db->GetSnapshot(rev);
  if (!snap.ok()) return Fail(state, snap.status());
  sqlite3_stmt* stmt = SqlNeighboursStmt(*g->sql);
  for (uint64_t i : keys) {
    auto c = CritNeighbours(**snap, i);
    auto q = SqlNeighbours(*g->sql, stmt, rev, i);
    if (!c.ok() || !q.ok() || *c != *q ||
        *c != RawNeighbours(*g->raw, rev, i)) {
      sqlite3_finalize(stmt);
      return Fail(state, absl::InternalError(
                             StrCat("neighbours of ", NodeKey(i), " differ")));
    }
  }
  size_t n = 0, edges = 0;
  for (auto _ : state) {
    const uint64_t i = keys[n++ % keys.size()];
    if (engine == "critgraph") {
      auto r = (*snap)->OutEdges(NodeKey(i));
      if (r.ok()) edges += r->size();
    } else if (engine == "sqlite") {
      auto r = SqlNeighbours(*g->sql, stmt, rev, i);
      if (r.ok()) edges += r->size();
    } else {
      edges += g->raw->Neighbours(i, rev).size();
    }
  }
  sqlite3_finalize(stmt);
  state.counters["nodes_per_s"] = Rate(static_cast<double>(n));
  state.counters["edges_per_s"] = Rate(static_cast<double>(edges));
}

// The rates every reach benchmark reports: `edges` followed and `reached`
// nodes per iteration.
void SetReachCounters(benchmark::State& state, double edges, double reached) {
  const double iters = static_cast<double>(state.iterations());
  state.counters["edges_per_s"] = Rate(iters * edges);
  state.counters["nodes_per_s"] = Rate(iters * reached);
  state.counters["reached_nodes"] = reached;
}

void ReachBench(benchmark::State& state, std::string engine,
                std::string which) {
  const Revision rev = RevOf(which);
  auto src = PickReachSource(*g->db, 1, g->data.head());
  if (!src.ok()) return Fail(state, src.status());
  uint64_t edges = 0;
  const IndexSet raw = g->raw->Reach(*src, rev, &edges);
  auto snap = g->db->GetSnapshot(rev);
  if (!snap.ok()) return Fail(state, snap.status());
  // Check this engine's answer against the raw scan (untimed; also warms up).
  absl::StatusOr<IndexSet> mine = raw;
  if (engine == "critgraph") mine = CritReach(*g->db, rev, *src);
  if (engine == "sqlite") mine = SqlReach(*g->sql, rev, *src);
  if (!mine.ok()) return Fail(state, mine.status());
  if (*mine != raw) {
    return Fail(state, absl::InternalError(
                           StrCat("reach differs: ", engine, " ", mine->size(),
                                  " nodes, raw scan ", raw.size())));
  }
  ReachSpec spec;
  spec.sources = {NodeKey(*src)};
  for (auto _ : state) {
    if (engine == "critgraph") {
      auto r = Reach(**snap, spec);
      benchmark::DoNotOptimize(r);
    } else if (engine == "sqlite") {
      auto r = SqlReach(*g->sql, rev, *src);
      benchmark::DoNotOptimize(r);
    } else {
      auto r = g->raw->Reach(*src, rev, nullptr);
      benchmark::DoNotOptimize(r);
    }
  }
  SetReachCounters(state, static_cast<double>(edges),
                   static_cast<double>(raw.size()));
  state.counters["edges"] = static_cast<double>(edges);
}

// Reach through an in-memory AdjacencySnapshot of the revision, built once
// before timing (its cost is BM_AdjacencyBuild). Checked equal to the
// storage traversal's Reach (nodes, depths, parents, order) before timing.
// edges_per_s counts the same edges as BM_Reach (the raw scan's count).
void AdjacencyReach(benchmark::State& state, std::string which) {
  const Revision rev = RevOf(which);
  auto src = PickReachSource(*g->db, 1, g->data.head());
  if (!src.ok()) return Fail(state, src.status());
  uint64_t edges = 0;
  const IndexSet raw = g->raw->Reach(*src, rev, &edges);
  auto snap = g->db->GetSnapshot(rev);
  if (!snap.ok()) return Fail(state, snap.status());
  auto adj = AdjacencySnapshot::Build(**snap);
  if (!adj.ok()) return Fail(state, adj.status());
  ReachSpec spec;
  spec.sources = {NodeKey(*src)};
  auto want = Reach(**snap, spec);
  if (!want.ok()) return Fail(state, want.status());
  auto got = Reach(**adj, spec);
  if (!got.ok()) return Fail(state, got.status());
  if (*got != *want || got->size() != raw.size()) {
    return Fail(state, absl::InternalError(
                           StrCat("adjacency reach differs: ", got->size(),
                                  " nodes, storage reach ", want->size(),
                                  ", raw scan ", raw.size())));
  }
  for (auto _ : state) {
    auto r = Reach(**adj, spec);
    benchmark::DoNotOptimize(r);
  }
  SetReachCounters(state, static_cast<double>(edges),
                   static_cast<double>(raw.size()));
  state.counters["edges"] = static_cast<double>(edges);
  state.counters["adjacency_bytes"] =
      static_cast<double>((*adj)->memory_bytes());
}

// Building the AdjacencySnapshot of a revision: one sequential pass over
// nodes, keys and out_edges. `threads` = Build's argument (0 = all cores).
void AdjacencyBuild(benchmark::State& state, std::string which, int threads) {
  const Revision rev = RevOf(which);
  auto snap = g->db->GetSnapshot(rev);
  if (!snap.ok()) return Fail(state, snap.status());
  uint64_t nodes = 0, edges = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    auto adj = AdjacencySnapshot::Build(**snap, threads);
    if (!adj.ok()) return Fail(state, adj.status());
    nodes = (*adj)->node_count();
    edges = (*adj)->edge_count();
    bytes = (*adj)->memory_bytes();
  }
  if (nodes != (*snap)->node_count() || edges != (*snap)->edge_count()) {
    return Fail(state, absl::InternalError(StrCat(
                           "adjacency snapshot holds ", nodes, "/", edges,
                           ", the revision ", (*snap)->node_count(), "/",
                           (*snap)->edge_count())));
  }
  const double iters = static_cast<double>(state.iterations());
  state.counters["elements_per_s"] =
      Rate(iters * static_cast<double>(nodes + edges));
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["edges"] = static_cast<double>(edges);
  state.counters["adjacency_bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_node_plus_edge"] =
      static_cast<double>(bytes) / static_cast<double>(nodes + edges);
}

void Export(benchmark::State& state, std::string engine) {
  const Revision rev = g->data.head();
  auto snap = g->db->GetSnapshot(rev);
  if (!snap.ok()) return Fail(state, snap.status());
  const auto expect =
      std::make_pair(g->data.stats.head_nodes, g->data.stats.head_edges);
  for (auto _ : state) {
    auto r = engine == "critgraph" ? CritExport(**snap)
             : engine == "sqlite"  ? SqlExport(*g->sql, rev)
                                   : CritExportMaterialized(**snap);
    if (!r.ok()) return Fail(state, r.status());
    if (*r != expect) {
      return Fail(state, absl::InternalError(StrCat(
                             engine, " exported ", r->first, "/", r->second,
                             ", expected ", expect.first, "/", expect.second)));
    }
  }
  const double iters = static_cast<double>(state.iterations());
  state.counters["elements_per_s"] =
      Rate(iters * static_cast<double>(expect.first + expect.second));
}

// Every part of an n-way split of HEAD scanned in turn (one process, one
// thread): the storage cost a partitioned job divides among its workers.
void PartitionScan(benchmark::State& state, std::string what, int parts) {
  auto snap = g->db->GetSnapshot(g->data.head());
  if (!snap.ok()) return Fail(state, snap.status());
  auto split = (*snap)->Partitions(parts);
  if (!split.ok()) return Fail(state, split.status());
  const uint64_t expect =
      what == "nodes" ? g->data.stats.head_nodes : g->data.stats.head_edges;
  for (auto _ : state) {
    uint64_t seen = 0;
    for (const Partition& p : *split) {
      absl::Status st = what == "nodes"
                            ? ScanPartitionNodes(**snap, p,
                                                 [&](const Node&) {
                                                   ++seen;
                                                   return absl::OkStatus();
                                                 })
                            : ScanPartitionEdges(**snap, p, [&](const Edge&) {
                                ++seen;
                                return absl::OkStatus();
                              });
      if (!st.ok()) return Fail(state, st);
    }
    if (seen != expect) {
      return Fail(
          state, absl::InternalError(StrCat("partitions held ", seen, " ", what,
                                            ", expected ", expect)));
    }
  }
  state.counters["elements_per_s"] = Rate(
      static_cast<double>(state.iterations()) * static_cast<double>(expect));
}

void BytesOnDisk(benchmark::State& state) {
  for (auto _ : state) {
  }
  const auto& s = g->data.stats;
  const double versions = static_cast<double>(s.ops);
  const double head = static_cast<double>(s.head_nodes + s.head_edges);
  const double crit = static_cast<double>(DiskBytes(g->data.critgraph_path()));
  const double sql = static_cast<double>(DiskBytes(g->data.sqlite_path()));
  const double raw = static_cast<double>(DiskBytes(g->data.raw_path()));
  state.counters["critgraph_bytes"] = crit;
  state.counters["sqlite_bytes"] = sql;
  state.counters["raw_edges_bytes"] = raw;
  state.counters["stored_versions"] = versions;
  state.counters["critgraph_bytes_per_version"] = crit / versions;
  state.counters["sqlite_bytes_per_version"] = sql / versions;
  state.counters["critgraph_bytes_per_head_element"] = crit / head;
  state.counters["sqlite_bytes_per_head_element"] = sql / head;
}

// Reach on the storage path with an explicit ReachSpec::plan (auto, seek,
// scan, adjacency; BM_Reach/critgraph is the library default, auto). Checked
// equal to the seek plan's answer (nodes, depths, parents, order) before
// timing. edges_per_s counts the same edges as BM_Reach; plan_scan = 1 if the
// timed reach read a pass, scan_from_depth = the depth it switched at.
void PlannedReach(benchmark::State& state, ReachPlan plan, std::string which) {
  const Revision rev = RevOf(which);
  auto src = PickReachSource(*g->db, 1, g->data.head());
  if (!src.ok()) return Fail(state, src.status());
  uint64_t edges = 0;
  const IndexSet raw = g->raw->Reach(*src, rev, &edges);
  auto snap = g->db->GetSnapshot(rev);
  if (!snap.ok()) return Fail(state, snap.status());
  ReachSpec spec;
  spec.sources = {NodeKey(*src)};
  spec.plan = ReachPlan::kSeek;
  auto want = Reach(**snap, spec);
  if (!want.ok()) return Fail(state, want.status());
  spec.plan = plan;
  ReachReport report;
  auto got = Reach(**snap, spec, &report);
  if (!got.ok()) return Fail(state, got.status());
  if (*got != *want || got->size() != raw.size()) {
    return Fail(state, absl::InternalError(StrCat(
                           "reach with plan ", ReachPlanName(plan),
                           " differs: ", got->size(), " nodes, seek plan ",
                           want->size(), ", raw scan ", raw.size())));
  }
  for (auto _ : state) {
    auto r = Reach(**snap, spec);
    benchmark::DoNotOptimize(r);
  }
  SetReachCounters(state, static_cast<double>(edges),
                   static_cast<double>(raw.size()));
  state.counters["plan_scan"] = report.plan == ReachPlan::kScan ? 1 : 0;
  state.counters["scan_from_depth"] =
      static_cast<double>(report.scan_from_depth.value_or(0));
  state.counters["seeks"] = static_cast<double>(report.seeks);
  state.counters["pass_keys"] = static_cast<double>(report.pass_keys);
}

// The passes of the kScan plan alone (engine/edge_pass, engine/key_pass):
// keys_per_s calibrates kSeekCostInKeys / kKeyLookupCostInKeys against
// BM_ReachPlan/seek's nodes_per_s. family: out, in or keys.
void ReachPass(benchmark::State& state, std::string family) {
  auto snap = g->db->GetSnapshot(g->data.head());
  if (!snap.ok()) return Fail(state, snap.status());
  const auto& impl = storage::Impl(**snap);
  uint64_t keys = 0;
  for (auto _ : state) {
    if (family == "keys") {
      auto p = engine::KeyPass::Read(impl.db());
      if (!p.ok()) return Fail(state, p.status());
      keys = p->keys_read();
    } else {
      auto p = engine::EdgePass::Read(impl.db(), impl.revision(),
                                      family == "out", {});
      if (!p.ok()) return Fail(state, p.status());
      keys = p->keys_read();
    }
  }
  const double iters = static_cast<double>(state.iterations());
  state.counters["keys_per_s"] = Rate(iters * static_cast<double>(keys));
  state.counters["keys"] = static_cast<double>(keys);
}

void RegisterReachPlans() {
  for (std::string family : {"out", "in", "keys"}) {
    benchmark::RegisterBenchmark(("BM_ReachPass/" + family).c_str(), ReachPass,
                                 family)
        ->Unit(benchmark::kMillisecond);
  }
  for (std::string which : {"old", "head"}) {
    for (ReachPlan plan : {ReachPlan::kAuto, ReachPlan::kSeek, ReachPlan::kScan,
                           ReachPlan::kAdjacency}) {
      const std::string name =
          StrCat("BM_ReachPlan/", ReachPlanName(plan), "/", which);
      benchmark::RegisterBenchmark(name.c_str(), PlannedReach, plan, which)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

void RegisterAll() {
  g = &StoresFor(EnvSize());
  AddContext(*g);
  using benchmark::RegisterBenchmark;
  for (std::string what : {"nodes", "edges"}) {
    RegisterBenchmark(("BM_PartitionScan/" + what + "/parts:8").c_str(),
                      PartitionScan, what, 8)
        ->Unit(benchmark::kMillisecond);
  }
  for (std::string which : {"old", "head"}) {
    for (std::string e : {"critgraph", "sqlite"}) {
      RegisterBenchmark(("BM_PointRead/" + e + "/" + which).c_str(), PointRead,
                        e, which)
          ->Unit(benchmark::kMicrosecond);
    }
    for (std::string e : {"critgraph", "sqlite", "raw"}) {
      RegisterBenchmark(("BM_Neighbours/" + e + "/" + which).c_str(),
                        Neighbours, e, which)
          ->Unit(benchmark::kMicrosecond);
    }
    for (std::string e : {"critgraph", "sqlite", "raw"}) {
      RegisterBenchmark(("BM_Reach/" + e + "/" + which).c_str(), ReachBench, e,
                        which)
          ->Unit(benchmark::kMillisecond);
    }
    RegisterBenchmark(("BM_Reach/adjacency/" + which).c_str(), AdjacencyReach,
                      which)
        ->Unit(benchmark::kMillisecond);
    // threads:0 runs workers besides the timing thread: rates in wall time.
    for (int threads : {1, 0}) {
      const std::string name =
          "BM_AdjacencyBuild/" + which + "/threads:" + std::to_string(threads);
      auto* b = RegisterBenchmark(name.c_str(), AdjacencyBuild, which, threads);
      b->Unit(benchmark::kMillisecond);
      if (threads == 0) b->UseRealTime();
    }
  }
  for (std::string e : {"critgraph", "sqlite"}) {
    RegisterBenchmark(("BM_Export/" + e).c_str(), Export, e)
        ->Unit(benchmark::kMillisecond);
  }
  // The Node/Edge path, for comparison (not matched by 'BM_Export/').
  RegisterBenchmark("BM_ExportMaterialized/critgraph", Export, "materialized")
      ->Unit(benchmark::kMillisecond);
  RegisterReachPlans();
  RegisterBenchmark("BM_BytesOnDisk", BytesOnDisk)->Iterations(1);
}

}  // namespace
}  // namespace critgraph::bench

int main(int argc, char** argv) {
  return critgraph::bench::RunMain(argc, argv, critgraph::bench::RegisterAll);
}
