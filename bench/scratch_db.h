// A database in a scratch directory for benchmarks that build their own
// histories (lists_benchmark, draft_benchmark): opened without syncing,
// deleted with the object.
#ifndef CRITGRAPH_BENCH_SCRATCH_DB_H_
#define CRITGRAPH_BENCH_SCRATCH_DB_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "critgraph/db.h"
#include "util/str_cat.h"

namespace critgraph::bench {

struct ScratchDb {
  std::string dir;
  std::unique_ptr<DB> db;

  ScratchDb() = default;
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;
  ~ScratchDb() {
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // A fresh database under the temp directory, named after `name` and this
  // process; nullptr if it cannot be opened.
  static std::unique_ptr<ScratchDb> Open(const std::string& name) {
    auto s = std::make_unique<ScratchDb>();
    s->dir = (std::filesystem::temp_directory_path() /
              StrCat("critgraph-", name, "-", getpid()))
                 .string();
    std::filesystem::remove_all(s->dir);
    Options opts;
    opts.sync = false;
    auto db = DB::Open(s->dir, opts);
    if (!db.ok()) return nullptr;
    s->db = *std::move(db);
    return s;
  }
};

}  // namespace critgraph::bench

#endif  // CRITGRAPH_BENCH_SCRATCH_DB_H_
