// Followers (Options::follow + DB::Refresh) against a live writer: a thread
// of this process, and a child process killed with SIGKILL at random
// moments and restarted (tests/crash_child.cc), committing with spilled
// chunks and, in some rounds, ingested SST files. After every Refresh the
// follower's HEAD must be a complete revision: every revision it shows has
// the digest the writer committed for it (tests/history.h: content is a
// pure function of the revision number), HEAD's content is exact, and no
// multi-revision commit is seen in part.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "tests/history.h"

namespace critgraph {
namespace {

using testing::CommitGenerations;
using testing::CompareSnapshot;
using testing::ExpectedState;
using testing::GenKey;
using testing::GenNode;
using testing::ModelDigest;
using testing::Spawn;

Options Follow() {
  Options o;
  o.follow = true;
  return o;
}

// Checks the follower after a Refresh that returned `head`, having shown
// `previous` before: HEAD moved forward by whole writer transactions, each
// newly visible revision has the model's digest and its tag, and HEAD reads
// back exactly.
void CheckRefreshed(const DB& follower, Revision previous, Revision head,
                    int width, int group) {
  ASSERT_EQ(follower.Head(), head);
  ASSERT_GE(head, previous);
  ASSERT_EQ(head % group, 0u) << "HEAD " << head << " inside a commit";
  for (Revision r = previous + 1; r <= head; ++r) {
    auto info = follower.GetRevision(r);
    ASSERT_TRUE(info.ok()) << info.status();
    ASSERT_EQ(info->digest, ModelDigest(ExpectedState(r, width)))
        << "revision " << r;
    auto tagged = follower.Resolve(StrCat("gen-", r));
    ASSERT_TRUE(tagged.ok()) << tagged.status();
    EXPECT_EQ(*tagged, r);
  }
  EXPECT_FALSE(follower.GetRevision(head + 1).ok());
  if (head != previous && head > 0) {
    auto snap = follower.GetSnapshot(head);
    ASSERT_TRUE(snap.ok());
    std::string diff = CompareSnapshot(**snap, ExpectedState(head, width));
    ASSERT_EQ(diff, "") << "revision " << head;
  }
}

TEST(Follower, RefreshShowsWholeRevisionsWhileWriterThreadCommits) {
  constexpr int kWidth = 80, kGroup = 2, kGroups = 30;
  const std::string dir = testing::TempDir("db");
  Options wo;
  wo.sync = false;
  wo.txn_chunk_bytes = 4096;
  wo.flush_on_commit = true;
  auto db = DB::Open(dir, wo);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());

  auto follower = DB::OpenReadOnly(dir, Follow());
  ASSERT_TRUE(follower.ok()) << follower.status();
  EXPECT_TRUE((*follower)->follower());
  EXPECT_TRUE((*follower)->read_only());
  EXPECT_EQ((*follower)->Head(), 2u);
  EXPECT_EQ((*follower)->Begin().status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto pinned = (*follower)->GetSnapshot(Revision{2});
  ASSERT_TRUE(pinned.ok());

  std::atomic<bool> writer_done{false}, stop_reader{false};
  std::atomic<int> reader_checks{0}, reader_failures{0};
  std::thread writer([&] {
    for (int i = 0; i < kGroups; ++i) {
      if (!CommitGenerations(**db, kWidth, kGroup).ok()) break;
    }
    writer_done = true;
  });
  // Reads revisions the follower shows while it refreshes.
  std::thread reader([&] {
    std::mt19937 rng(7);
    while (!stop_reader.load()) {
      const Revision head = (*follower)->Head();
      const Revision r = 1 + rng() % head;
      auto snap = (*follower)->GetSnapshot(r);
      bool ok = snap.ok() &&
                (*snap)->digest() == ModelDigest(ExpectedState(r, kWidth));
      if (ok) {
        auto node = (*snap)->GetNode(GenKey(r, 1));
        ok = node.ok() && *node == GenNode(r, 1);
      }
      if (!ok) ++reader_failures;
      ++reader_checks;
    }
  });
  Revision previous = 2;
  std::set<Revision> heads_seen = {previous};
  for (;;) {
    const bool last_round = writer_done.load();
    auto head = (*follower)->Refresh();
    ASSERT_TRUE(head.ok()) << head.status();
    CheckRefreshed(**follower, previous, *head, kWidth, kGroup);
    if (::testing::Test::HasFatalFailure()) break;
    heads_seen.insert(*head);
    previous = *head;
    if (last_round) break;
  }
  writer.join();
  stop_reader = true;
  reader.join();
  EXPECT_EQ(previous, (*db)->Head());
  EXPECT_EQ(previous, Revision{2 + kGroup * kGroups});
  EXPECT_EQ(reader_failures.load(), 0);
  EXPECT_GT(reader_checks.load(), 0);
  // A snapshot from before every refresh is unchanged.
  EXPECT_EQ(CompareSnapshot(**pinned, ExpectedState(2, kWidth)), "");
  VerifyReport report;
  ASSERT_TRUE((*follower)->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
  std::printf("follower: %zu distinct heads seen up to %lu, %d reads\n",
              heads_seen.size(), static_cast<unsigned long>(previous),
              reader_checks.load());

  // Refresh elsewhere: a writer is current; a plain read-only DB cannot.
  auto writer_head = (*db)->Refresh();
  ASSERT_TRUE(writer_head.ok());
  EXPECT_EQ(*writer_head, (*db)->Head());
  auto ro = DB::OpenReadOnly(dir);
  ASSERT_TRUE(ro.ok());
  EXPECT_FALSE((*ro)->follower());
  EXPECT_EQ((*ro)->Refresh().status().code(),
            absl::StatusCode::kFailedPrecondition);
  // DB::Open with follow opens a follower too, not a second writer.
  auto via_open = DB::Open(dir, Follow());
  ASSERT_TRUE(via_open.ok()) << via_open.status();
  EXPECT_TRUE((*via_open)->read_only());
  EXPECT_EQ((*via_open)->Head(), (*db)->Head());
}

TEST(Follower, TagsAndRegistrationsArriveWithTheirRevision) {
  const std::string dir = testing::TempDir("db");
  Options wo;
  wo.flush_on_commit = true;
  auto db = DB::Open(dir, wo);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(testing::CommitNextGeneration(**db, 4).ok());
  auto follower = DB::OpenReadOnly(dir, Follow());
  ASSERT_TRUE(follower.ok());
  auto txn = (*db)->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->RegisterNodeKind("standard").ok());
  ASSERT_TRUE((*txn)->PutNode({"iso/1", "standard", {}, {}}).ok());
  ASSERT_TRUE((*txn)->Commit({.message = "m", .tags = {"std"}}).ok());
  ASSERT_TRUE((*db)->Tag("later", 1).ok());
  // Not visible before a Refresh.
  EXPECT_EQ((*follower)->Head(), 1u);
  EXPECT_FALSE((*follower)->Resolve("std").ok());
  auto head = (*follower)->Refresh();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, 2u);
  EXPECT_EQ(*(*follower)->Resolve("std"), 2u);
  EXPECT_EQ(*(*follower)->Resolve("later"), 1u);
  auto node = (*(*follower)->GetSnapshot("HEAD"))->GetNode("iso/1");
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(node->kind, "standard");
  // A deleted tag disappears at the next Refresh.
  ASSERT_TRUE((*db)->DeleteTag("later", /*force=*/true).ok());
  ASSERT_TRUE((*follower)->Refresh().ok());
  EXPECT_FALSE((*follower)->Resolve("later").ok());
}

TEST(Follower, SeesUnflushedCommitsOnceTheWriterCloses) {
  constexpr int kWidth = 30;
  const std::string dir = testing::TempDir("db");
  auto db = DB::Open(dir);  // without flush_on_commit
  ASSERT_TRUE(db.ok());
  auto follower = DB::OpenReadOnly(dir, Follow());
  ASSERT_TRUE(follower.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(testing::CommitNextGeneration(**db, kWidth).ok());
    auto head = (*follower)->Refresh();
    ASSERT_TRUE(head.ok());
    // Whatever RocksDB has flushed so far, never a partial revision.
    CheckRefreshed(**follower, 0, *head, kWidth, 1);
  }
  db->reset();  // the close flushes
  auto head = (*follower)->Refresh();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, 3u);
  CheckRefreshed(**follower, 0, *head, kWidth, 1);
}

TEST(Follower, FollowsWriterProcessKilledAndRestarted) {
  constexpr int kWidth = 200, kGroup = 3;
  const char* env = std::getenv("CRITGRAPH_CRASH_ITERATIONS");
  const int iterations = env ? std::atoi(env) : 10;
  const std::string dir = testing::TempDir("db");
  {
    auto db = DB::Open(dir);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());
  }
  auto follower = DB::OpenReadOnly(dir, Follow());
  ASSERT_TRUE(follower.ok()) << follower.status();
  std::mt19937 rng(20261203);
  Revision previous = (*follower)->Head();
  int refreshes = 0, advanced = 0;
  for (int i = 0; i < iterations; ++i) {
    const std::string opened = dir + ".opened";
    std::filesystem::remove(opened);
    // Odd rounds ingest every chunk as SST files, even ones write them
    // through the log; every commit is flushed for the follower.
    std::vector<std::string> args = {
        CRITGRAPH_CRASH_CHILD,  "write", dir,
        std::to_string(kWidth), "8192",  std::to_string(kGroup)};
    args.push_back(i % 2 == 1 ? "1" : "0");
    args.push_back("1");  // flush_on_commit
    pid_t pid = Spawn(args);
    ASSERT_GT(pid, 0);
    // Refresh until the writer has published 1-3 more times, then a random
    // number of times more, then kill it wherever it is.
    const int advances = 1 + static_cast<int>(rng() % 3);
    const int extra = static_cast<int>(rng() % 20);
    for (int seen = 0, after = 0; after <= extra;) {
      auto head = (*follower)->Refresh();
      ASSERT_TRUE(head.ok()) << "round " << i << ": " << head.status();
      SCOPED_TRACE(StrCat("round ", i, " head ", *head));
      CheckRefreshed(**follower, previous, *head, kWidth, kGroup);
      if (::testing::Test::HasFatalFailure()) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        return;
      }
      ++refreshes;
      if (*head != previous) ++seen;
      advanced += *head != previous ? 1 : 0;
      previous = *head;
      if (seen >= advances) ++after;
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status)) << "writer exited with " << status;
    auto head = (*follower)->Refresh();
    ASSERT_TRUE(head.ok()) << head.status();
    SCOPED_TRACE(StrCat("round ", i, " after the kill, head ", *head));
    CheckRefreshed(**follower, previous, *head, kWidth, kGroup);
    previous = *head;
  }
  // The next writer recovers; the follower ends where it does.
  auto db = DB::Open(dir);
  ASSERT_TRUE(db.ok());
  auto head = (*follower)->Refresh();
  ASSERT_TRUE(head.ok());
  CheckRefreshed(**follower, previous, *head, kWidth, kGroup);
  EXPECT_EQ(*head, (*db)->Head());
  VerifyReport report;
  ASSERT_TRUE((*follower)->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
  std::printf(
      "follower: %d refreshes, %d advanced, through %d writer "
      "kills, head %lu\n",
      refreshes, advanced, iterations, static_cast<unsigned long>(*head));
}

}  // namespace
}  // namespace critgraph
