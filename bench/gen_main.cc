// critgraph_gen: writes the synthetic change stream as JSONL, or loads it
// straight into a critgraph database through the API.
//   critgraph_gen --size small|medium|large [--seed S] --out FILE
//   critgraph_gen --size small [--seed S] --db DIR [--revisions K]
// With --db, prints the load rate and the peak RSS (getrusage) as JSON.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/harness.h"
#include "bench/synthetic.h"
#include "critgraph/db.h"
#include "critgraph/io/change_stream.h"

namespace cb = critgraph::bench;

int main(int argc, char** argv) {
  std::string size = "small", out, db_path;
  uint64_t seed = 42;
  uint32_t max_revs = ~uint32_t{0};
  for (int i = 1; i < argc; ++i) {
    auto arg = [&](const char* name) {
      if (std::strcmp(argv[i], name) == 0 && i + 1 < argc) return argv[++i];
      return static_cast<char*>(nullptr);
    };
    if (char* v = arg("--size")) {
      size = v;
    } else if (char* v = arg("--seed")) {
      seed = std::strtoull(v, nullptr, 10);
    } else if (char* v = arg("--out")) {
      out = v;
    } else if (char* v = arg("--db")) {
      db_path = v;
    } else if (char* v = arg("--revisions")) {
      max_revs = static_cast<uint32_t>(std::strtoul(v, nullptr, 10));
    } else {
      std::fprintf(stderr,
                   "usage: critgraph_gen --size tiny|small|s100k|medium|large "
                   "[--seed S] (--out FILE | --db DIR [--revisions K])\n");
      return 2;
    }
  }
  auto config = cb::ConfigForSize(size, seed);
  if (!config.ok() || (out.empty() == db_path.empty())) {
    std::fprintf(stderr, "%s\n",
                 config.ok() ? "give exactly one of --out, --db"
                             : config.status().ToString().c_str());
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<cb::SynthStats> stats;
  if (!out.empty()) {
    std::FILE* f = out == "-" ? stdout : std::fopen(out.c_str(), "w");
    if (!f) {
      std::perror(out.c_str());
      return 1;
    }
    std::string line;
    stats = cb::GeneratePrefix(
        *config, max_revs, [&](const critgraph::ChangeOp& op) -> absl::Status {
          line = critgraph::io::ToChangeLine(op);
          line += '\n';
          if (std::fwrite(line.data(), 1, line.size(), f) != line.size()) {
            return absl::InternalError("write failed");
          }
          return absl::OkStatus();
        });
    if (f != stdout) std::fclose(f);
  } else {
    critgraph::Options opt;
    opt.sync = false;
    auto db = critgraph::DB::Open(db_path, opt);
    if (!db.ok()) {
      std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
      return 1;
    }
    std::unique_ptr<critgraph::Transaction> txn;
    stats = cb::GeneratePrefix(
        *config, max_revs, [&](const critgraph::ChangeOp& op) -> absl::Status {
          if (!txn) {
            auto t = (*db)->Begin();
            if (!t.ok()) return t.status();
            txn = *std::move(t);
          }
          if (op.kind == critgraph::ChangeOp::Kind::kCommit) {
            auto r = txn->Commit(op.commit);
            txn.reset();
            return r.status();
          }
          return critgraph::io::ApplyChange(*txn, op);
        });
  }
  if (!stats.ok()) {
    std::fprintf(stderr, "%s\n", stats.status().ToString().c_str());
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf(
      "{\"size\":\"%s\",\"seed\":%llu,\"ops\":%llu,\"commits\":%llu,"
      "\"initial_nodes\":%llu,\"initial_edges\":%llu,\"head_nodes\":%llu,"
      "\"head_edges\":%llu,\"seconds\":%.3f,\"ops_per_second\":%.0f,"
      "\"peak_rss_bytes\":%llu}\n",
      size.c_str(), static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(stats->ops),
      static_cast<unsigned long long>(stats->commits),
      static_cast<unsigned long long>(stats->initial_nodes),
      static_cast<unsigned long long>(stats->initial_edges),
      static_cast<unsigned long long>(stats->head_nodes),
      static_cast<unsigned long long>(stats->head_edges), secs,
      stats->ops / secs, static_cast<unsigned long long>(cb::PeakRssBytes()));
  return 0;
}
