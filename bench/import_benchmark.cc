// Bulk import of the whole synthetic stream (CRITGRAPH_BENCH_SIZE) into a
// fresh store per iteration: critgraph from JSONL (parse + apply), critgraph
// through the API (generator -> io::ApplyChange), SQLite and raw RocksDB from
// the same generator, and the generator alone (its cost is inside the
// API figures). Peak RSS (getrusage ru_maxrss) is process-wide: the JSONL
// import runs first, so its figure is its own.
//
// BM_ImportInto/base_x1 and /base_x10: the first five revisions of the
// stream (a multi-revision file, imported all or nothing through
// io::ImportChangeStreamFile, as the CLI does) into a database that already
// holds 1x or 10x as many nodes as the file's first revision, under other
// keys. The cost of an import must follow the file, not the database:
// target x10 / x1 <= 1.5.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>

#include "bench/bench_util.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/import.h"
#include "storage/db_impl.h"
#include "storage/snapshot_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::bench {
namespace {

Dataset g_data;

std::string Scratch(const std::string& what) {
  std::string dir = StrCat(DataRoot(), "/scratch-", what);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return dir;
}

absl::Status ImportCritgraph(bool json, uint64_t* ops) {
  const std::string dir = Scratch("import");
  auto db = DB::Open(dir);
  if (!db.ok()) return db.status();
  std::unique_ptr<Transaction> txn;
  auto apply = [&](const ChangeOp& op) -> absl::Status {
    if (!txn) {
      auto t = (*db)->Begin();
      if (!t.ok()) return t.status();
      txn = *std::move(t);
    }
    if (op.kind == ChangeOp::Kind::kCommit) {
      auto r = txn->Commit(op.commit);
      txn.reset();
      return r.status();
    }
    ++*ops;
    return io::ApplyChange(*txn, op);
  };
  if (!json) return Generate(g_data.config, apply).status();
  std::FILE* f = std::fopen(g_data.jsonl_path().c_str(), "r");
  if (!f) return absl::NotFoundError(g_data.jsonl_path());
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  absl::Status st;
  while (st.ok() && (n = getline(&line, &cap, f)) > 0) {
    if (line[n - 1] == '\n') --n;
    auto op = io::ParseChangeLine(std::string_view(line, n));
    st = op.ok() ? apply(*op) : op.status();
  }
  free(line);
  std::fclose(f);
  return st;
}

void Import(benchmark::State& state, std::string engine) {
  if (engine == "critgraph_json") {
    if (auto st = EnsureJsonl(g_data); !st.ok()) return Fail(state, st);
  }
  uint64_t ops = 0;
  for (auto _ : state) {
    absl::Status st;
    if (engine == "critgraph_json" || engine == "critgraph_api") {
      st = ImportCritgraph(engine == "critgraph_json", &ops);
    } else if (engine == "sqlite") {
      const std::string path = Scratch("import.sqlite");
      auto sql = Sqlite::Open(path, true);
      if (!sql.ok()) return Fail(state, sql.status());
      SqliteLoader loader(sql->get());
      auto r = Generate(g_data.config, [&](const ChangeOp& op) {
        ops += op.kind != ChangeOp::Kind::kCommit;
        return loader.Apply(op);
      });
      st = r.status();
      if (st.ok()) st = (*sql)->Exec("COMMIT");
    } else if (engine == "raw") {
      auto raw = RawStore::Open(Scratch("import-raw"), true);
      if (!raw.ok()) return Fail(state, raw.status());
      auto r = Generate(g_data.config, [&](const ChangeOp& op) {
        ops += op.kind != ChangeOp::Kind::kCommit;
        return (*raw)->Apply(op);
      });
      st = r.ok() ? (*raw)->Flush() : r.status();
    } else {  // generator only
      auto r = Generate(g_data.config, [&](const ChangeOp& op) {
        ops += op.kind != ChangeOp::Kind::kCommit;
        benchmark::DoNotOptimize(op);
        return absl::OkStatus();
      });
      st = r.status();
    }
    if (!st.ok()) return Fail(state, st);
  }
  state.counters["elements_per_s"] = Rate(static_cast<double>(ops));
  state.counters["elements"] =
      static_cast<double>(ops) / static_cast<double>(state.iterations());
  state.counters["peak_rss_MiB"] =
      static_cast<double>(PeakRssBytes()) / (1 << 20);
}

constexpr uint32_t kScalingRevisions = 5;

// A database of `nodes` nodes under "base/" with ~4 out-edges each, built
// through the API once and cached next to the dataset.
absl::StatusOr<std::string> BaseDatabase(uint64_t nodes) {
  const std::string dir = StrCat(g_data.dir, "/base-", nodes);
  if (std::filesystem::exists(dir + "/CURRENT")) return dir;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  Options opts;
  opts.sync = false;
  ASSIGN_OR_RETURN(auto db, DB::Open(dir, opts));
  ASSIGN_OR_RETURN(auto txn, db->Begin());
  auto key = [](uint64_t i) { return StrCat("base/", i); };
  for (uint64_t i = 0; i < nodes; ++i) {
    RETURN_IF_ERROR(txn->PutNode({key(i),
                                  KindName(KindOfIndex(i)),
                                  {{"en", StrCat("base node ", i)}},
                                  {{"rank", static_cast<int64_t>(i)}}}));
  }
  uint64_t x = 88172645463325252ull;  // xorshift: deterministic edges
  for (uint64_t i = 0; i < nodes; ++i) {
    for (int k = 0; k < 4; ++k) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      RETURN_IF_ERROR(txn->PutEdge(
          {key(i), EdgeTypeName(k % kNumEdgeTypes), key(x % nodes), {}}));
    }
  }
  RETURN_IF_ERROR(txn->Commit({.message = "base"}).status());
  // A settled database: the bulk load's L0 files compacted, so the import
  // measured below does not pay the base's own compaction debt (which a
  // database left right after a bulk load does; see bench/FINDINGS.md).
  auto& impl = storage::Impl(*db);
  rocksdb::CompactRangeOptions cro;
  for (int c = 0; c < static_cast<int>(storage::Cf::kCount); ++c) {
    auto s = impl.rdb()->CompactRange(cro, impl.cf(static_cast<storage::Cf>(c)),
                                      nullptr, nullptr);
    if (!s.ok()) return absl::InternalError(s.ToString());
  }
  return dir;
}

// The first kScalingRevisions revisions of the stream as a JSONL file.
absl::StatusOr<std::string> ScalingFile(SynthStats* stats) {
  const std::string path =
      StrCat(g_data.dir, "/first-", kScalingRevisions, ".jsonl");
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return absl::InternalError(StrCat("cannot write ", path));
  std::string line;
  auto r = GeneratePrefix(g_data.config, kScalingRevisions,
                          [&](const ChangeOp& op) -> absl::Status {
                            line = io::ToChangeLine(op);
                            line += '\n';
                            std::fwrite(line.data(), 1, line.size(), f);
                            return absl::OkStatus();
                          });
  std::fclose(f);
  if (!r.ok()) return r.status();
  *stats = *r;
  return path;
}

void ImportInto(benchmark::State& state, int factor) {
  SynthStats stats;
  auto file = ScalingFile(&stats);
  if (!file.ok()) return Fail(state, file.status());
  auto base = BaseDatabase(stats.initial_nodes * factor);
  if (!base.ok()) return Fail(state, base.status());
  const std::string dir = Scratch(StrCat("import-into-x", factor));
  uint64_t ops = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::copy(*base, dir, std::filesystem::copy_options::recursive,
                          ec);
    if (ec) return Fail(state, absl::InternalError(ec.message()));
    state.ResumeTiming();
    // Open, import, close: what one `critgraph import` process does.
    auto db = DB::Open(dir);
    if (!db.ok()) return Fail(state, db.status());
    auto r = io::ImportChangeStreamFile(**db, *file, {});
    if (!r.ok()) return Fail(state, r.status());
    if (r->revisions.size() != kScalingRevisions) {
      return Fail(state, absl::InternalError("wrong number of revisions"));
    }
    ops = r->ops;
    db->reset();
  }
  state.counters["elements"] = static_cast<double>(ops);
  state.counters["base_nodes"] =
      static_cast<double>(stats.initial_nodes * factor);
  state.counters["elements_per_s"] =
      Rate(static_cast<double>(ops) * static_cast<double>(state.iterations()));
}

void RegisterAll() {
  auto config = ConfigForSize(EnvSize(), EnvSeed());
  if (!config.ok()) std::exit(2);
  g_data.config = *config;
  g_data.dir = StrCat(DataRoot(), "/", config->CacheKey());
  std::filesystem::create_directories(g_data.dir);
  benchmark::AddCustomContext("dataset", config->CacheKey());
  for (std::string e :
       {"critgraph_json", "critgraph_api", "sqlite", "raw", "generator"}) {
    benchmark::RegisterBenchmark(("BM_Import/" + e).c_str(), Import, e)
        ->Unit(benchmark::kSecond)
        ->UseRealTime()
        ->Iterations(1);
  }
  for (int factor : {1, 10}) {
    benchmark::RegisterBenchmark(StrCat("BM_ImportInto/base_x", factor).c_str(),
                                 ImportInto, factor)
        ->Unit(benchmark::kSecond)
        ->UseRealTime()
        ->Iterations(3);
  }
}

}  // namespace
}  // namespace critgraph::bench

int main(int argc, char** argv) {
  return critgraph::bench::RunMain(argc, argv, critgraph::bench::RegisterAll);
}
