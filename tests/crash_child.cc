// Child process for crash_test, corruption_test, follower_test and
// concurrency_test.
//   crash_child write DIR WIDTH CHUNK [GROUP [INGEST [FLUSH]]]
//                                       commit generations until killed,
//                                       GROUP at a time (sealed, then
//                                       published with one head move);
//                                       chunks of INGEST entries or more
//                                       are ingested as SST files (0: none);
//                                       FLUSH 1: Options::flush_on_commit
//                                       (for followers)
//   crash_child crash-after DIR WIDTH N commit N generations, then exit
//                                       without closing, as a crash would:
//                                       the log keeps what was not flushed
//   crash_child read DIR SECONDS        open read-only and check every
//                                       revision it sees, repeatedly
//   crash_child lock DIR                try to open for writing; exit 0 if
//                                       refused as locked
//   crash_child gc DIR                  open (completing an interrupted gc),
//                                       then gc with kGcCrashRules; exit 0
//   crash_child draft DIR BASE          until killed: drop every draft, then
//                                       per round i (= HEAD - BASE + 1)
//                                       create draft di, commit
//                                       testing::DraftRound(i) to it, rebase
//                                       it (odd i), merge it, drop it
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "critgraph/db.h"
#include "critgraph/draft.h"
#include "critgraph/gc.h"
#include "tests/history.h"

using critgraph::DB;

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  std::string mode = argv[1], dir = argv[2];
  if (mode == "write" && argc >= 5 && argc <= 8) {
    const int group = argc >= 6 ? std::atoi(argv[5]) : 1;
    critgraph::Options opts;
    opts.txn_chunk_bytes = std::strtoull(argv[4], nullptr, 10);
    if (argc >= 7) {
      opts.bulk_ingest_min_entries = std::strtoull(argv[6], nullptr, 10);
    }
    opts.flush_on_commit = argc == 8 && std::atoi(argv[7]) == 1;
    auto db = DB::Open(dir, opts);
    if (!db.ok()) {
      std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
      return 3;
    }
    // Tells the parent that open and recovery are over (DIR.opened).
    if (std::FILE* f = std::fopen((dir + ".opened").c_str(), "w")) {
      std::fclose(f);
    }
    const int width = std::atoi(argv[3]);
    for (;;) {
      auto r = critgraph::testing::CommitGenerations(**db, width, group);
      if (!r.ok()) {
        std::fprintf(stderr, "commit: %s\n", r.status().ToString().c_str());
        return 4;
      }
    }
  }
  if (mode == "crash-after" && argc == 5) {
    auto db = DB::Open(dir);
    if (!db.ok()) return 3;
    for (int i = 0; i < std::atoi(argv[4]); ++i) {
      if (!critgraph::testing::CommitNextGeneration(**db, std::atoi(argv[3]))
               .ok()) {
        return 4;
      }
    }
    std::_Exit(0);
  }
  if (mode == "read" && argc == 5) {
    const int width = std::atoi(argv[4]);
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::seconds(std::atoi(argv[3]));
    int checks = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      auto db = DB::OpenReadOnly(dir);
      if (!db.ok()) {
        std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
        return 3;
      }
      for (critgraph::Revision r = 1; r <= (*db)->Head(); ++r) {
        auto snap = (*db)->GetSnapshot(r);
        if (!snap.ok()) return 4;
        auto want = critgraph::testing::ExpectedState(r, width);
        if (!((*snap)->digest() == critgraph::testing::ModelDigest(want)) ||
            (*snap)->node_count() != want.nodes.size()) {
          std::fprintf(stderr, "revision %lu differs\n",
                       static_cast<unsigned long>(r));
          return 5;
        }
        auto node = (*snap)->GetNode(critgraph::testing::GenKey(r, 0));
        if (!node.ok() || !(*node == critgraph::testing::GenNode(r, 0))) {
          return 6;
        }
        ++checks;
      }
    }
    std::printf("%d\n", checks);
    return 0;
  }
  if (mode == "gc") {
    auto db = DB::Open(dir);
    if (!db.ok()) {
      std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
      return 3;
    }
    if (std::FILE* f = std::fopen((dir + ".opened").c_str(), "w")) {
      std::fclose(f);
    }
    auto report = critgraph::Gc(**db, critgraph::testing::GcCrashRules());
    if (!report.ok()) {
      std::fprintf(stderr, "gc: %s\n", report.status().ToString().c_str());
      return 4;
    }
    return 0;
  }
  if (mode == "draft" && argc == 4) {
    auto db = DB::Open(dir);
    if (!db.ok()) return 3;
    const critgraph::Revision base = std::strtoull(argv[3], nullptr, 10);
    auto fail = [](const char* what, const absl::Status& st) {
      std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
      return 4;
    };
    auto drafts = critgraph::ListDrafts(**db);
    if (!drafts.ok()) return fail("list", drafts.status());
    for (const auto& d : *drafts) {
      if (auto st = critgraph::DropDraft(**db, d.name); !st.ok()) {
        return fail("drop", st);
      }
    }
    for (;;) {
      const uint64_t i = (*db)->Head() - base + 1;
      const std::string name = "d" + std::to_string(i);
      auto created = critgraph::CreateDraft(**db, name);
      if (!created.ok()) return fail("create", created.status());
      {
        auto draft = critgraph::OpenDraft(**db, name);
        if (!draft.ok()) return fail("open", draft.status());
        auto txn = (*draft)->Begin();
        if (!txn.ok()) return fail("begin", txn.status());
        if (auto st = critgraph::testing::StageDraftRound(**txn, i); !st.ok()) {
          return fail("stage", st);
        }
        auto c = (*txn)->Commit({});
        if (!c.ok()) return fail("commit", c.status());
      }
      critgraph::MergeReport report;
      if (i % 2 == 1) {
        auto st = critgraph::Rebase(**db, name, std::nullopt, {}, &report);
        if (!st.ok()) return fail("rebase", st);
      }
      auto st = critgraph::Merge(**db, name, {}, &report);
      if (!st.ok()) return fail("merge", st);
      st = critgraph::DropDraft(**db, name);
      if (!st.ok()) return fail("drop", st);
    }
  }
  if (mode == "lock") {
    auto db = DB::Open(dir);
    if (!db.ok() && db.status().code() == absl::StatusCode::kUnavailable) {
      std::printf("%s\n", db.status().ToString().c_str());
      return 0;
    }
    return 1;
  }
  return 2;
}
