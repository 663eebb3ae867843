// Many reader threads pinned at different revisions while one writer
// commits. Run under ThreadSanitizer by scripts/dev.sh sanitize.
#include <atomic>
#include <random>
#include <thread>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "tests/history.h"

namespace critgraph {
namespace {

using testing::ExpectedState;
using testing::GenKey;
using testing::GenNode;
using testing::ModelDigest;

constexpr int kWidth = 60;

TEST(Concurrency, ReadersAtOldRevisionsWhileWriterCommits) {
  Options opts;
  opts.sync = false;
  opts.txn_chunk_bytes = 4096;  // readers also race with spilled chunks
  auto db = *DB::Open(testing::TempDir("db"), opts);
  ASSERT_TRUE(testing::CommitNextGeneration(*db, kWidth).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> checks{0}, failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      std::mt19937 rng(t);
      while (!stop.load()) {
        const Revision head = db->Head();
        const Revision r = 1 + rng() % head;
        auto snap = db->GetSnapshot(r);
        if (!snap.ok()) {
          ++failures;
          continue;
        }
        // Read the pinned revision twice, around further commits.
        for (int pass = 0; pass < 2; ++pass) {
          auto want = ExpectedState(r, kWidth);
          bool ok = (*snap)->digest() == ModelDigest(want) &&
                    (*snap)->node_count() == want.nodes.size();
          auto node = (*snap)->GetNode(GenKey(r, 1));
          ok = ok && node.ok() && *node == GenNode(r, 1);
          auto out = (*snap)->OutEdges(GenKey(r, 0));
          ok = ok && out.ok() && out->size() == (r >= 2 ? 2u : 1u);
          auto gone = (*snap)->HasNode(GenKey(r + 1, 0));
          ok = ok && gone.ok() && !*gone;
          if (!ok) ++failures;
          ++checks;
        }
      }
    });
  }
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(testing::CommitNextGeneration(*db, kWidth).ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(checks.load(), 0);
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok());
}

TEST(Concurrency, SnapshotsOutliveLaterCommitsUnchanged) {
  auto db = *DB::Open(testing::TempDir("db"));
  ASSERT_TRUE(testing::CommitNextGeneration(*db, kWidth).ok());
  auto snap = *db->GetSnapshot(Revision{1});
  const Digest before = snap->digest();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(testing::CommitNextGeneration(*db, kWidth).ok());
  }
  EXPECT_EQ(snap->digest(), before);
  EXPECT_EQ(testing::CompareSnapshot(*snap, ExpectedState(1, kWidth)), "");
}

}  // namespace
}  // namespace critgraph
