// The CLI's backup and restore: runs the built binary (CRITGRAPH_CLI) and
// checks the copies with the library against what was committed.
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "tests/cli_run.h"
#include "tests/history.h"

#ifndef CRITGRAPH_CLI
#define CRITGRAPH_CLI ""
#endif

namespace critgraph {
namespace {

namespace fs = std::filesystem;
using testing::CommitNextGeneration;
using testing::ExpectedState;
using testing::ModelDigest;
using testing::Quote;
using testing::ReadFile;
using testing::RunResult;

constexpr int kWidth = 40;

class CliBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CRITGRAPH_CLI).empty()) {
      GTEST_SKIP() << "CRITGRAPH_CLI not defined";
    }
    dir_ = testing::TempDir("cli");
    fs::create_directories(dir_);
    db_ = dir_ + "/db";
  }

  RunResult Run(const std::vector<std::string>& args) {
    const std::string out = dir_ + "/.stdout", err = dir_ + "/.stderr";
    std::string cmd =
        "cd " + Quote(dir_) + " && env -u CRITGRAPH_DB " + Quote(CRITGRAPH_CLI);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " </dev/null >" + Quote(out) + " 2>" + Quote(err);
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out),
            ReadFile(err)};
  }

  // The database at `path` opens read-only at `rev`, with the digest the
  // history committed there.
  void ExpectAt(const std::string& path, Revision rev) {
    auto db = DB::OpenReadOnly(path);
    ASSERT_TRUE(db.ok()) << path << ": " << db.status();
    EXPECT_EQ((*db)->Head(), rev) << path;
    EXPECT_EQ((*db)->GetRevision(rev)->digest,
              ModelDigest(ExpectedState(rev, kWidth)))
        << path;
  }

  std::string dir_, db_;
};

std::string DigestAt(Revision r) {
  return ModelDigest(ExpectedState(r, kWidth)).ToHex();
}

TEST_F(CliBackup, CheckpointIncrementalListAndRestore) {
  {
    auto db = DB::Open(db_);
    ASSERT_TRUE(db.ok());
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(CommitNextGeneration(**db, kWidth).ok());
  }
  auto r = Run({"backup", "copy", "--db", db_, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"revision\":3,\"digest\":\"" + DigestAt(3) + "\""),
            std::string::npos)
      << r.out;
  ExpectAt(dir_ + "/copy", 3);
  r = Run({"verify", "--db", "copy"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;

  r = Run({"backup", "--incremental", "backups", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "backed up revision 3 (digest " + DigestAt(3) +
                       ") to backups as backup 1\n");
  {
    auto db = DB::Open(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(CommitNextGeneration(**db, kWidth).ok());
  }
  r = Run({"backup", "--incremental", "backups", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("revision 4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("as backup 2"), std::string::npos) << r.out;

  r = Run({"backup", "--list", "backups", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("{\"id\":1,\"revision\":3,\"digest\":\"" + DigestAt(3)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("{\"id\":2,\"revision\":4,\"digest\":\"" + DigestAt(4)),
            std::string::npos)
      << r.out;

  r = Run({"restore", "backups", "latest"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "restored revision 4 (digest " + DigestAt(4) +
                       ") from backup 2 into latest\n");
  ExpectAt(dir_ + "/latest", 4);
  r = Run({"restore", "backups", "first", "--backup-id", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectAt(dir_ + "/first", 3);
  r = Run({"restore", "copy", "from-checkpoint"});
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectAt(dir_ + "/from-checkpoint", 3);
  r = Run({"verify", "--db", "first"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST_F(CliBackup, BacksUpWhileThisProcessWrites) {
  Options o;
  o.flush_on_commit = true;  // the CLI copies through a follower
  auto db = DB::Open(db_, o);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(CommitNextGeneration(**db, kWidth).ok());
  // The writer commits every 50 ms, as a busy application might. A copy
  // is kept only if the writer changed no file while it was made (then it
  // is retried), so a writer that never pauses can starve every attempt:
  // under load (sanitizers, a parallel ctest) a tight loop here did.
  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  std::thread writer([&] {
    while (!stop.load()) {
      if (!CommitNextGeneration(**db, kWidth).ok()) return;
      ++commits;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::vector<RunResult> runs;
  const int commits_before = commits.load();
  for (int i = 0; i < 3; ++i) {
    runs.push_back(Run({"backup", "copy" + std::to_string(i), "--db", db_}));
  }
  const int commits_during = commits.load() - commits_before;
  stop = true;
  writer.join();
  EXPECT_GT(commits_during, 0) << "the writer did not write during the copies";
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(runs[i].code, 0) << runs[i].err;
    auto copy = DB::OpenReadOnly(dir_ + "/copy" + std::to_string(i));
    ASSERT_TRUE(copy.ok());
    const Revision head = (*copy)->Head();
    EXPECT_GE(head, 1u);
    EXPECT_EQ(runs[i].out, "backed up revision " + std::to_string(head) +
                               " (digest " + DigestAt(head) + ") to copy" +
                               std::to_string(i) +
                               "\n(another process writes the database: "
                               "copied what it has flushed)\n");
    EXPECT_EQ((*copy)->GetRevision(head)->digest,
              (*db)->GetRevision(head)->digest);
    EXPECT_EQ(testing::CompareSnapshot(**(*copy)->GetSnapshot(head),
                                       ExpectedState(head, kWidth)),
              "");
  }
}

TEST_F(CliBackup, BadInputExitCodes) {
  {
    auto db = DB::Open(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(CommitNextGeneration(**db, kWidth).ok());
  }
  fs::create_directories(dir_ + "/used");
  std::ofstream(dir_ + "/used/file") << "x";
  auto r = Run({"backup", "used", "--db", db_});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'used' exists and is not an empty directory"),
            std::string::npos)
      << r.err;
  r = Run({"backup", "--db", db_});
  EXPECT_EQ(r.code, 2);
  r = Run({"backup", "x", "--db", dir_ + "/missing"});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("no database at"), std::string::npos) << r.err;
  r = Run({"backup", "--list", "used"});
  EXPECT_EQ(r.code, 2);
  r = Run({"restore", "used", "out"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("neither"), std::string::npos) << r.err;
  ASSERT_EQ(Run({"backup", "--incremental", "bk", "--db", db_}).code, 0);
  r = Run({"restore", "bk", "out", "--backup-id", "5"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no backup 5 in 'bk' (it holds 1)"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_ + "/out"));
  r = Run({"restore", "bk", "out", "--backup-id", "x"});
  EXPECT_EQ(r.code, 2);
  r = Run({"restore", "bk", "used"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(Run({"backup", "--help"}).code, 0);
  EXPECT_EQ(Run({"restore", "--help"}).code, 0);
}

}  // namespace
}  // namespace critgraph
