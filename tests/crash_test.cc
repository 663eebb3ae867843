// Crash safety: a child process commits generations (with transactions that
// spill to disk in many chunks) and is killed with SIGKILL at random
// moments, including while it opens and recovers. After every kill the
// database must open, verify, hold exactly the expected content at every
// revision, and take further commits with no leftover surfacing.
//
// A child running gc is killed the same way: afterwards the database holds
// the old retention state or the new one, never a mix, and verifies.
//
// CRITGRAPH_CRASH_ITERATIONS sets the number of kills (default 25 for CI).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/draft.h"
#include "critgraph/gc.h"
#include "critgraph/io/export.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "tests/history.h"

namespace critgraph {
namespace {

using testing::CompareSnapshot;
using testing::ExpectedState;
using testing::ModelDigest;
using testing::Spawn;

constexpr int kWidth = 200;

// Whether the crash left an unfinished commit for recovery to remove: reads
// the pending marker with plain RocksDB, below critgraph.
bool HasMeta(const std::string& dir, std::string_view key) {
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names)
           .ok()) {
    return false;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names)
    cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, cfs, &handles,
                                    &raw)
           .ok()) {
    return false;
  }
  std::string v;
  bool pending =
      raw->Get(rocksdb::ReadOptions(), handles[0], std::string(key), &v).ok();
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
  return pending;
}

bool HasPendingMarker(const std::string& dir) {
  return HasMeta(dir, storage::kMetaPending);
}

int IterationsFromEnv(int fallback) {
  const char* v = std::getenv("CRITGRAPH_CRASH_ITERATIONS");
  return v ? std::atoi(v) : fallback;
}

// Kills a writer that commits `group` generations per transaction, checks
// after each kill that HEAD is a whole number of groups and every revision
// of the last group is exact, and commits one more group on top.
// `ingest`: the writer's Options::bulk_ingest_min_entries (0 = default).
void KillWriterRepeatedly(int group, int iterations, size_t ingest = 0) {
  const std::string dir = testing::TempDir("db");
  std::mt19937 rng(20261126 + group);
  int kills = 0, exited_early = 0, recoveries = 0;
  for (int i = 0; i < iterations; ++i) {
    const std::string opened = dir + ".opened";
    std::filesystem::remove(opened);
    std::vector<std::string> args = {
        CRITGRAPH_CRASH_CHILD,  "write", dir,
        std::to_string(kWidth), "8192",  std::to_string(group)};
    if (ingest > 0) args.push_back(std::to_string(ingest));
    pid_t pid = Spawn(args);
    ASSERT_GT(pid, 0);
    // A third of the kills land in the first milliseconds: during open and
    // recovery of the previous kill's leftovers. The others wait until the
    // child has opened, so they land in commits however slow the build
    // (sanitizers) or the machine.
    int delay_us = (i % 3 == 0) ? static_cast<int>(rng() % 3000)
                                : static_cast<int>(rng() % 400000);
    if (i % 3 != 0) {
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (!std::filesystem::exists(opened) &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
      ++kills;
    } else {
      ++exited_early;
      ADD_FAILURE() << "writer exited by itself with status "
                    << WEXITSTATUS(status);
    }

    recoveries += HasPendingMarker(dir) ? 1 : 0;
    auto db = DB::Open(dir);
    ASSERT_TRUE(db.ok()) << "after kill " << i << ": " << db.status();
    const Revision head = (*db)->Head();
    // Every transaction publishes `group` revisions at once: HEAD is never
    // between two groups.
    ASSERT_EQ(head % group, 0u) << "after kill " << i << ": head " << head;
    VerifyReport report;
    ASSERT_TRUE((*db)->Verify(&report).ok());
    ASSERT_TRUE(report.ok())
        << "after kill " << i << ": " << report.problems[0];
    const Revision from =
        head > static_cast<Revision>(group) ? head - group : 0;
    for (Revision r = from; r <= head; ++r) {
      auto snap = (*db)->GetSnapshot(r);
      ASSERT_TRUE(snap.ok());
      ASSERT_EQ((*snap)->digest(), ModelDigest(ExpectedState(r, kWidth)))
          << "revision " << r << " after kill " << i;
    }
    EXPECT_FALSE((*db)->GetSnapshot(head + 1).ok());
    // Commit on top of whatever the crash left: nothing of the killed
    // transaction may surface in the new revisions.
    auto next = testing::CommitGenerations(**db, kWidth, group);
    ASSERT_TRUE(next.ok()) << next.status();
    for (Revision r = head + 1; r <= *next; ++r) {
      auto snap = (*db)->GetSnapshot(r);
      ASSERT_EQ(CompareSnapshot(**snap, ExpectedState(r, kWidth)), "");
    }
  }
  auto db = DB::Open(dir);
  ASSERT_TRUE(db.ok());
  VerifyReport report;
  ASSERT_TRUE((*db)->Verify(&report).ok());
  EXPECT_TRUE(report.ok());
  std::printf(
      "crash (%d revisions per commit): %d kills survived (%d mid-commit, "
      "leftovers removed by recovery), %d revisions, %lu records verified\n",
      group, kills, recoveries, static_cast<int>((*db)->Head()),
      static_cast<unsigned long>(report.records_checked));
  EXPECT_EQ(exited_early, 0);
  // The kills must actually have interrupted commits, or this test proves
  // little.
  EXPECT_GT(recoveries, 0);
}

TEST(Crash, KilledWriterLeavesCompleteRevisions) {
  KillWriterRepeatedly(1, IterationsFromEnv(25));
}

TEST(Crash, KilledMultiRevisionCommitIsAllOrNothing) {
  KillWriterRepeatedly(3, IterationsFromEnv(25));
}

TEST(Crash, KilledIngestingWriterLeavesCompleteRevisions) {
  // Every chunk built as SST files and ingested: durable at once, so the
  // pending marker must be durable before it, or a kill would leave data
  // above HEAD that recovery does not know to remove.
  KillWriterRepeatedly(3, IterationsFromEnv(15), /*ingest=*/1);
}

std::string ExportText(const DB& db, Revision r) {
  auto snap = db.GetSnapshot(r);
  if (!snap.ok()) return "error: " + snap.status().ToString();
  std::ostringstream out;
  if (!io::ExportJsonl(**snap, out).ok()) return "export failed";
  return out.str();
}

// Kills a child running gc (testing::GcCrashRules) on copies of one history
// at random moments, including while it opens and after its intent is
// durable. After each kill the database opens read-write (completing an
// interrupted gc) and must be in the old retention state (every revision
// there, each with its content) or the new one (the kept revisions with
// their content and exports, every other one giving the removed error), and
// verify.
TEST(Crash, KilledGcLeavesOldOrNewRetentionState) {
  const std::string base = testing::TempDir("gc_base");
  constexpr Revision kHead = 30;
  constexpr int kGcWidth = 300;
  std::map<Revision, std::string> exports;
  {
    Options opts;
    opts.txn_chunk_bytes = 8192;
    auto db = DB::Open(base, opts);
    ASSERT_TRUE(db.ok());
    for (Revision r = 1; r <= kHead; ++r) {
      ASSERT_TRUE(testing::CommitNextGeneration(**db, kGcWidth).ok());
    }
    for (Revision r = 0; r <= kHead; ++r) exports[r] = ExportText(**db, r);
  }
  const std::set<Revision> kept = {0, 5, 12, 20, kHead - 1, kHead};
  std::mt19937 rng(20261203);
  const int iterations = IterationsFromEnv(20);
  int kills = 0, completed = 0, old_state = 0, new_state = 0, intents = 0;
  for (int i = 0; i < iterations; ++i) {
    const std::string dir = testing::TempDir("gc_kill");
    std::filesystem::remove_all(dir);
    std::filesystem::copy(base, dir, std::filesystem::copy_options::recursive);
    const std::string opened = dir + ".opened";
    std::filesystem::remove(opened);
    pid_t pid = Spawn({CRITGRAPH_CRASH_CHILD, "gc", dir});
    ASSERT_GT(pid, 0);
    if (i % 4 != 0) {
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (!std::filesystem::exists(opened) &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(
        (i % 4 == 0) ? rng() % 3000 : rng() % 700000));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
      ++kills;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      ++completed;  // gc finished before the kill: the new state
    } else {
      ADD_FAILURE() << "gc child exited with status " << WEXITSTATUS(status);
    }
    intents += HasMeta(dir, storage::kMetaGcPending) ? 1 : 0;

    auto db = DB::Open(dir);
    ASSERT_TRUE(db.ok()) << "after kill " << i << ": " << db.status();
    ASSERT_EQ((*db)->Head(), kHead);
    int present = 0, removed = 0;
    for (Revision r = 0; r <= kHead; ++r) {
      auto snap = (*db)->GetSnapshot(r);
      if (kept.contains(r)) {
        ASSERT_TRUE(snap.ok()) << r << ": " << snap.status();
      }
      if (snap.ok()) {
        ++present;
        ASSERT_EQ((*snap)->digest(), ModelDigest(ExpectedState(r, kGcWidth)))
            << "revision " << r << " after kill " << i;
        ASSERT_EQ(ExportText(**db, r), exports[r])
            << "revision " << r << " after kill " << i;
      } else {
        ++removed;
        ASSERT_EQ(snap.status().code(), absl::StatusCode::kNotFound);
        ASSERT_NE(snap.status().message().find("was removed by gc on"),
                  std::string::npos)
            << snap.status();
      }
    }
    // All or nothing: never some removed revisions and not others.
    if (removed == 0) {
      ++old_state;
    } else {
      ASSERT_EQ(present, static_cast<int>(kept.size()))
          << "a mix of old and new retention state after kill " << i;
      ++new_state;
    }
    VerifyReport report;
    ASSERT_TRUE((*db)->Verify(&report).ok());
    ASSERT_TRUE(report.ok())
        << "after kill " << i << ": " << report.problems[0];
    auto d = Diff(**db, 12, 20);
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_EQ(d->nodes_added.size(), 2u * kGcWidth);
    db->reset();
    std::filesystem::remove_all(dir);
  }
  std::printf(
      "crash (gc): %d kills, %d gc runs finished first; %d old and %d new "
      "retention states, %d interrupted after the intent (completed at "
      "open)\n",
      kills, completed, old_state, new_state, intents);
  EXPECT_GT(kills, 0);
  EXPECT_GT(new_state, 0);
  // Some kills must land between the intent and the end, or this test proves
  // little about recovery.
  EXPECT_GT(intents, 0);
}

// Kills a child that creates, writes, rebases, merges and drops drafts in
// a loop (crash_child draft) at random moments. After each kill: main opens
// and verifies; every revision above the base history is one whole merge
// (exactly round i's two nodes and edge, nothing else: no partial merge);
// every draft left behind lists, reads as its base plus its commits and
// verifies; no staging or moved-aside directory survives recovery.
TEST(Crash, KilledDraftAndMergeLeaveWholeStates) {
  const std::string dir = testing::TempDir("draft_kill");
  constexpr int kDraftWidth = 50;
  constexpr Revision kBase = 3;
  {
    auto db = DB::Open(dir);
    ASSERT_TRUE(db.ok());
    for (Revision r = 1; r <= kBase; ++r) {
      ASSERT_TRUE(testing::CommitNextGeneration(**db, kDraftWidth).ok());
    }
  }
  std::mt19937 rng(20261204);
  const int iterations = IterationsFromEnv(12);
  int kills = 0, drafts_left = 0;
  for (int i = 0; i < iterations; ++i) {
    pid_t pid =
        Spawn({CRITGRAPH_CRASH_CHILD, "draft", dir, std::to_string(kBase)});
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 1500000));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "draft child exited with status " << WEXITSTATUS(status);
    ++kills;

    auto db = DB::Open(dir);
    ASSERT_TRUE(db.ok()) << "after kill " << i << ": " << db.status();
    for (Revision r = kBase + 1; r <= (*db)->Head(); ++r) {
      auto d = Diff(**db, r - 1, r);
      ASSERT_TRUE(d.ok()) << d.status();
      const std::string a = "m/" + std::to_string(r - kBase);
      ASSERT_EQ(d->nodes_added.size(), 2u) << "revision " << r;
      EXPECT_EQ(d->nodes_added[0].key, a);
      EXPECT_EQ(d->nodes_added[1].key, a + "/b");
      ASSERT_EQ(d->edges_added.size(), 1u);
      EXPECT_TRUE(d->nodes_removed.empty() && d->nodes_modified.empty() &&
                  d->edges_removed.empty() && d->edges_modified.empty());
    }
    auto drafts = ListDrafts(**db);
    ASSERT_TRUE(drafts.ok()) << drafts.status();
    for (const auto& info : *drafts) {
      ++drafts_left;
      auto base = (*db)->GetRevision(info.base);
      ASSERT_TRUE(base.ok());
      EXPECT_EQ(base->digest, info.base_digest) << info.name;
      auto draft = OpenDraft(**db, info.name);
      ASSERT_TRUE(draft.ok()) << info.name << ": " << draft.status();
      auto start = (*draft)->db().GetRevision(info.start);
      ASSERT_TRUE(start.ok());
      EXPECT_EQ(start->digest, info.base_digest) << info.name;
      VerifyReport vr;
      ASSERT_TRUE((*draft)->db().Verify(&vr).ok());
      EXPECT_TRUE(vr.ok()) << info.name << ": " << vr.problems[0];
    }
    for (const auto& e : std::filesystem::directory_iterator(dir + "/drafts")) {
      const std::string entry = e.path().filename().string();
      EXPECT_NE(entry[0], '.') << "leftover " << entry << " after kill " << i;
    }
    VerifyReport report;
    ASSERT_TRUE((*db)->Verify(&report).ok());
    ASSERT_TRUE(report.ok()) << report.problems[0];
  }
  auto db = DB::OpenReadOnly(dir);
  ASSERT_TRUE(db.ok());
  std::printf(
      "crash (drafts): %d kills, %d merges survived, %d drafts left "
      "behind read whole\n",
      kills, static_cast<int>((*db)->Head() - kBase), drafts_left);
  EXPECT_GT((*db)->Head(), kBase + 2) << "too few merges to prove anything";
}

TEST(Concurrency, ReadOnlyProcessReadsWhileWriterCommits) {
  const std::string dir = testing::TempDir("db");
  auto db = DB::Open(dir);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(testing::CommitNextGeneration(**db, kWidth).ok());
  pid_t reader =
      Spawn({CRITGRAPH_CRASH_CHILD, "read", dir, "3", std::to_string(kWidth)});
  pid_t locker = Spawn({CRITGRAPH_CRASH_CHILD, "lock", dir});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(testing::CommitNextGeneration(**db, kWidth).ok());
  }
  int status = 0;
  waitpid(reader, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "reader status " << status;
  waitpid(locker, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "a second writer process was not refused as locked";
}

}  // namespace
}  // namespace critgraph
