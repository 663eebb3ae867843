// Bulk import of the whole synthetic stream (CRITGRAPH_BENCH_SIZE) into a
// fresh store per iteration: critgraph from JSONL (parse + apply), critgraph
// through the API (generator -> io::ApplyChange), SQLite and raw RocksDB from
// the same generator, and the generator alone (its cost is inside the
// API figures). Peak RSS (getrusage ru_maxrss) is process-wide: the JSONL
// import runs first, so its figure is its own.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>

#include "bench/bench_util.h"
#include "critgraph/io/change_stream.h"
#include "storage/str_cat.h"

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
}

}  // namespace
}  // namespace critgraph::bench

int main(int argc, char** argv) {
  return critgraph::bench::RunMain(argc, argv, critgraph::bench::RegisterAll);
}
