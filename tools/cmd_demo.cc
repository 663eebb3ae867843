// demo [--db DIR]: a fresh database from the bundled dataset, then a report.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "critgraph/io/import.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/dataset.h"
#include "tools/demo_draft.h"
#include "tools/demo_report.h"

namespace critgraph::cli {

namespace {

// Every revision of a demo database has this author: it is how a later demo
// run knows it may delete and rebuild the directory.
constexpr char kDemoAuthor[] = "critgraph demo";

// OK if `dir` may be (re)built: missing, an empty directory, or a database
// all of whose revisions a demo wrote (then it is deleted). Otherwise a
// message for the user.
absl::Status PrepareDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return absl::OkStatus();
  if (!fs::is_directory(dir, ec)) {
    return absl::FailedPreconditionError(dir +
                                         " exists and is not a directory");
  }
  if (fs::is_empty(dir, ec)) return absl::OkStatus();
  bool is_demo = false;
  {
    auto db = DB::OpenReadOnly(dir);
    if (!db.ok()) {
      return absl::FailedPreconditionError(
          dir + " exists and is not a critgraph database (" +
          StatusText(db.status()) + ")");
    }
    auto log = (*db)->Log();
    is_demo = !log.empty();
    for (const auto& r : log) is_demo = is_demo && r.author == kDemoAuthor;
  }
  if (!is_demo) {
    return absl::FailedPreconditionError(
        dir + " holds a critgraph database that `critgraph demo` did not make");
  }
  // A running writer would be destroyed with it: make sure there is none.
  {
    auto db = DB::Open(dir);
    if (!db.ok()) return db.status();
  }
  fs::remove_all(dir, ec);
  if (ec) {
    return absl::InternalError("cannot remove the old demo database " + dir +
                               ": " + ec.message());
  }
  return absl::OkStatus();
}

}  // namespace

int CmdDemo(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("demo",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  auto start = std::chrono::steady_clock::now();
  const std::string& dir = ctx.db_path;
  if (auto st = PrepareDir(dir); !st.ok()) {
    if (st.code() == absl::StatusCode::kFailedPrecondition) {
      return Fail(kExitUsage,
                  "demo: refusing to touch " + dir + ": " + StatusText(st) +
                      ". Pass --db DIR with a new or empty directory.");
    }
    return FailStatus(st);
  }
  auto db = OpenDb(dir, /*read_only=*/false, /*create_if_missing=*/true);
  if (!db.ok()) return FailStatus(db.status());
  io::ImportOptions opts;
  opts.force_author = kDemoAuthor;
  opts.default_author = kDemoAuthor;
  std::istringstream in{std::string(EmbeddedDataset())};
  auto res = io::ImportChangeStream(**db, in,
                                    "critgraph-dataset.jsonl (bundled)", opts);
  if (!res.ok()) return FailStatus(res.status());
  auto snap = (*db)->GetSnapshot((*db)->Head());
  if (!snap.ok()) return FailStatus(snap.status());
  std::cout << "critgraph demo: built " << dir
            << " from the bundled dataset: " << res->revisions.size()
            << " revisions, " << (*snap)->node_count() << " nodes, "
            << (*snap)->edge_count() << " edges, digest "
            << (*snap)->digest().ToHex() << "\n\n";
  if (auto st = PrintDemoReport(**db, std::cout); !st.ok()) {
    return FailStatus(st);
  }
  // The report shows the dataset as published, before the draft below is
  // merged. Next to the database, not inside it: the directory is the
  // database's.
  const std::string report_path =
      (std::filesystem::path(dir).parent_path() / "critgraph-report.html")
          .string();
  if (auto st = WriteReportFile(**db, {}, report_path); !st.ok()) {
    return FailStatus(st);
  }
  if (auto st = RunDemoDraft(**db, kDemoAuthor, std::cout); !st.ok()) {
    return FailStatus(st);
  }
  std::cout << "report: " << report_path << "\n";
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  char buf[128];
  std::snprintf(buf, sizeof(buf), "done in %.2f s. Try: critgraph --db %s ",
                secs, dir.c_str());
  std::cout << buf
            << "diff us-cet-2020 us-cet-2024 --scope us-cet --direction in "
               "--edge-types part_of\n";
  return kExitOk;
}

}  // namespace critgraph::cli
