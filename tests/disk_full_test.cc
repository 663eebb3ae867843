// A commit that fails for lack of disk space leaves the database at its
// previous head, readable, and recoverable once space is freed. Uses a real
// ENOSPC from a small tmpfs; skipped (with the reason) where mounting is not
// permitted.
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "tests/history.h"

namespace critgraph {
namespace {

constexpr int kWidth = 300;

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_ = testing::TempDir("mnt");
    std::filesystem::create_directories(mount_);
    if (geteuid() != 0 ||
        mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=3m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (needs root): "
                   << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount2(mount_.c_str(), MNT_DETACH);
  }
  std::string mount_;
  bool mounted_ = false;
};

TEST_F(DiskFull, FailedCommitKeepsPreviousHead) {
  const std::string dir = mount_ + "/db";
  Options opts;
  opts.write_buffer_bytes = 256 << 10;
  opts.txn_chunk_bytes = 64 << 10;
  Revision last_ok = 0;
  absl::Status failure;
  {
    auto db = DB::Open(dir, opts);
    ASSERT_TRUE(db.ok()) << db.status();
    for (int i = 0; i < 500; ++i) {
      auto r = testing::CommitNextGeneration(**db, kWidth);
      if (!r.ok()) {
        failure = r.status();
        break;
      }
      last_ok = *r;
    }
    ASSERT_FALSE(failure.ok()) << "the disk never filled up";
    EXPECT_EQ((*db)->Head(), last_ok);
    // Still readable after the failure.
    auto snap = (*db)->GetSnapshot(last_ok);
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ((*snap)->digest(),
              testing::ModelDigest(testing::ExpectedState(last_ok, kWidth)));
  }
  std::printf("disk full after %d revisions: %s\n", static_cast<int>(last_ok),
              std::string(failure.message()).c_str());
  // Free space and reopen: recovery removes the failed commit's leftovers.
  ASSERT_EQ(mount("tmpfs", mount_.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0);
  auto db = DB::Open(dir, opts);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->Head(), last_ok);
  VerifyReport report;
  ASSERT_TRUE((*db)->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
  auto next = testing::CommitNextGeneration(**db, kWidth);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(testing::CompareSnapshot(**(*db)->GetSnapshot(*next),
                                     testing::ExpectedState(*next, kWidth)),
            "");
}

}  // namespace
}  // namespace critgraph
