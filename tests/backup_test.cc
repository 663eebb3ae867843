// Backups while a writer commits: checkpoints from the writer's handle and
// from a follower, incremental backups and restores. Every copy must open
// read-only at a complete revision whose digest and content equal what the
// writer committed as that revision (tests/history.h: a revision's content
// is a pure function of its number), and verify clean.
#include "critgraph/backup.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "tests/history.h"

namespace critgraph {
namespace {

namespace fs = std::filesystem;
using testing::CommitGenerations;
using testing::CommitNextGeneration;
using testing::CompareSnapshot;
using testing::ExpectedState;
using testing::ModelDigest;

constexpr int kWidth = 120;
constexpr int kGroup = 2;  // revisions per writer transaction

// `flush`: Options::flush_on_commit, so that followers see every commit.
// `ingest`: every chunk is ingested as SST files instead of going through
// the log.
Options WriterOptions(bool flush = false, bool ingest = false) {
  Options o;
  o.sync = false;
  o.txn_chunk_bytes = 4096;  // commits spill many invisible chunks
  o.flush_on_commit = flush;
  o.bulk_ingest_min_entries = ingest ? 1 : 0;
  return o;
}

// Commits groups of kGroup generations until `stop` (at least `min_groups`).
class WriterThread {
 public:
  WriterThread(DB& db, int min_groups) : db_(db) {
    thread_ = std::thread([this, min_groups] {
      for (int i = 0; i < min_groups || !stop_.load(); ++i) {
        auto r = CommitGenerations(db_, kWidth, kGroup);
        if (!r.ok()) {
          error_ = r.status().ToString();
          return;
        }
      }
    });
  }
  // Stops after the current transaction; returns the writer's error, if any.
  std::string Join() {
    stop_ = true;
    thread_.join();
    return error_;
  }
  ~WriterThread() {
    if (thread_.joinable()) Join();
  }

 private:
  DB& db_;
  std::atomic<bool> stop_{false};
  std::string error_;
  std::thread thread_;
};

// Waits (without a timer) until the writer has published past `rev`.
void WaitForHeadAbove(const DB& db, Revision rev) {
  while (db.Head() <= rev) std::this_thread::yield();
}

// The copy at `path` opens read-only at `result`'s revision, a complete one:
// its digest is the writer's for that revision and the model's, its content
// the model's, and it verifies clean.
void ExpectCompleteCopy(const std::string& path, const BackupResult& result,
                        const DB& writer) {
  SCOPED_TRACE(path);
  auto copy = DB::OpenReadOnly(path);
  ASSERT_TRUE(copy.ok()) << copy.status();
  const Revision r = result.revision;
  EXPECT_EQ((*copy)->Head(), r);
  EXPECT_EQ(r % kGroup, 0u) << "HEAD inside a multi-revision commit";
  auto theirs = writer.GetRevision(r);
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  auto mine = (*copy)->GetRevision(r);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->digest, theirs->digest);
  EXPECT_EQ(result.digest, theirs->digest);
  EXPECT_EQ(theirs->digest, ModelDigest(ExpectedState(r, kWidth)));
  auto snap = (*copy)->GetSnapshot(r);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(CompareSnapshot(**snap, ExpectedState(r, kWidth)), "");
  EXPECT_FALSE((*copy)->GetSnapshot(r + 1).ok());
  VerifyReport report;
  ASSERT_TRUE((*copy)->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
  // Nothing for an open to replay: the finished copy's logs are empty.
  for (const auto& entry : fs::directory_iterator(path)) {
    if (entry.path().extension() == ".log") {
      EXPECT_EQ(entry.file_size(), 0u) << entry.path();
    }
  }
}

TEST(Backup, CheckpointsDuringCommitsOpenAtCompleteRevisions) {
  const std::string dir = testing::TempDir("db");
  auto db = DB::Open(dir, WriterOptions());
  ASSERT_TRUE(db.ok());
  std::vector<BackupResult> results;
  std::vector<std::pair<Revision, Revision>> windows;  // head before, after
  {
    WriterThread writer(**db, 40);
    Revision last = 0;
    for (int i = 0; i < 6; ++i) {
      WaitForHeadAbove(**db, last);
      const Revision before = (*db)->Head();
      auto r = Backup(**db, testing::TempDir("copy" + std::to_string(i)));
      ASSERT_TRUE(r.ok()) << r.status();
      windows.emplace_back(before, (*db)->Head());
      last = r->revision;
      results.push_back(*r);
    }
    ASSERT_EQ(writer.Join(), "");
  }
  int caught_in_flight = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    // Consistent at one moment of the call: the HEAD of that moment.
    EXPECT_GE(results[i].revision, windows[i].first);
    EXPECT_LE(results[i].revision, windows[i].second);
    if (i > 0) EXPECT_GT(results[i].revision, results[i - 1].revision);
    caught_in_flight += results[i].removed_pending ? 1 : 0;
    ExpectCompleteCopy(results[i].path, results[i], **db);
  }
  std::printf(
      "checkpoints at revisions %lu..%lu, %d caught a commit in "
      "flight\n",
      static_cast<unsigned long>(results.front().revision),
      static_cast<unsigned long>(results.back().revision), caught_in_flight);
}

// Commits on top of a finished copy: nothing of a commit that was in flight
// when the copy was taken may surface.
void ExpectCopyTakesCommits(const std::string& path, Revision head) {
  SCOPED_TRACE(path);
  auto copy = DB::Open(path);
  ASSERT_TRUE(copy.ok()) << copy.status();
  ASSERT_EQ((*copy)->Head(), head);
  auto next = CommitGenerations(**copy, kWidth, kGroup);
  ASSERT_TRUE(next.ok()) << next.status();
  for (Revision r = head + 1; r <= *next; ++r) {
    EXPECT_EQ(
        CompareSnapshot(**(*copy)->GetSnapshot(r), ExpectedState(r, kWidth)),
        "");
  }
  VerifyReport report;
  ASSERT_TRUE((*copy)->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(Backup, InFlightCommitIsRemovedFromTheCopy) {
  for (bool ingest : {false, true}) {
    SCOPED_TRACE(ingest ? "chunks ingested" : "chunks through the log");
    const std::string dir = testing::TempDir(ingest ? "db-ingest" : "db");
    auto db = DB::Open(dir, WriterOptions(/*flush=*/true, ingest));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());
    // Revisions 3 and 4 sealed: their chunks are on disk, invisible.
    auto txn = (*db)->Begin();
    ASSERT_TRUE(txn.ok());
    for (int i = 0; i < kGroup; ++i) {
      ASSERT_TRUE(testing::StageGeneration(**txn, kWidth).ok());
      ASSERT_TRUE(
          (*txn)
              ->Seal(testing::GenerationInfo((*txn)->pending_revision()))
              .ok());
    }
    // The writer holds the lock: BackupPath goes through a follower, which
    // reads table files only. Ingested chunks are among them, without the
    // pending marker (it went through the log); chunks written through the
    // log are not (nothing flushed them yet).
    auto from_follower = BackupPath(dir, testing::TempDir("follower-copy"));
    ASSERT_TRUE(from_follower.ok()) << from_follower.status();
    auto from_writer = Backup(**db, testing::TempDir("writer-copy"));
    ASSERT_TRUE(from_writer.ok()) << from_writer.status();
    EXPECT_TRUE(from_writer->removed_pending);
    EXPECT_EQ(from_follower->removed_pending, ingest);
    EXPECT_FALSE(from_writer->through_follower);
    EXPECT_TRUE(from_follower->through_follower);
    for (const BackupResult* r : {&*from_writer, &*from_follower}) {
      EXPECT_EQ(r->revision, 2u);
      ExpectCompleteCopy(r->path, *r, **db);
      ExpectCopyTakesCommits(r->path, 2);
    }
    ASSERT_EQ(*(*txn)->Publish(), 4u);
    auto after = Backup(**db, testing::TempDir("after"));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->revision, 4u);
    EXPECT_FALSE(after->removed_pending);
    ExpectCompleteCopy(after->path, *after, **db);
    ExpectCopyTakesCommits(after->path, 4);
    EXPECT_EQ((*db)->Head(), 4u);
  }
}

TEST(Backup, FollowerCopiesWhileWriterCommits) {
  const std::string dir = testing::TempDir("db");
  auto db = DB::Open(dir, WriterOptions(/*flush=*/true));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());
  std::vector<BackupResult> results;
  {
    WriterThread writer(**db, 40);
    Revision last = 0;
    for (int i = 0; i < 4; ++i) {
      WaitForHeadAbove(**db, last);
      auto r = BackupPath(dir, testing::TempDir("copy" + std::to_string(i)));
      ASSERT_TRUE(r.ok()) << r.status();
      last = r->revision;
      results.push_back(*r);
    }
    ASSERT_EQ(writer.Join(), "");
  }
  for (const auto& r : results) ExpectCompleteCopy(r.path, r, **db);
}

// Bytes of the regular files under `dir`, each inode once.
uint64_t DiskBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::set<std::pair<dev_t, ino_t>> seen;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st;
    if (!e.is_regular_file() || ::stat(e.path().c_str(), &st) != 0) continue;
    if (seen.insert({st.st_dev, st.st_ino}).second) total += st.st_size;
  }
  return total;
}

TEST(Backup, IncrementalBackupsRestoreToTheirRevisions) {
  const std::string dir = testing::TempDir("db");
  const std::string backups = testing::TempDir("backups");
  auto db = DB::Open(dir, WriterOptions(/*flush=*/true));
  ASSERT_TRUE(db.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());
  }
  auto first = Backup(**db, backups, {.incremental = true});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->backup_id, 1u);
  EXPECT_EQ(first->revision, 6u);
  BackupResult during;
  {
    WriterThread writer(**db, 20);
    WaitForHeadAbove(**db, 6);
    auto r = Backup(**db, backups, {.incremental = true});
    ASSERT_TRUE(r.ok()) << r.status();
    during = *r;
    ASSERT_EQ(writer.Join(), "");
  }
  EXPECT_EQ(during.backup_id, 2u);
  EXPECT_GT(during.revision, 6u);
  auto last = BackupPath(dir, backups, {.incremental = true});
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->backup_id, 3u);
  EXPECT_EQ(last->revision, (*db)->Head());

  auto list = ListBackups(backups);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 3u);
  uint64_t listed_bytes = 0;
  for (size_t i = 0; i < list->size(); ++i) {
    const BackupResult& want = i == 0 ? *first : i == 1 ? during : *last;
    EXPECT_EQ((*list)[i].id, i + 1);
    EXPECT_EQ((*list)[i].revision, want.revision);
    EXPECT_EQ((*list)[i].digest, (*(*db)->GetRevision(want.revision)).digest);
    EXPECT_GT((*list)[i].files, 0u);
    listed_bytes += (*list)[i].size;
  }
  // Incremental: later backups share the table files they have in common.
  EXPECT_LT(DiskBytes(backups), listed_bytes);

  auto latest = Restore(backups, testing::TempDir("latest"));
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->backup_id, 3u);
  EXPECT_EQ(latest->revision, last->revision);
  ExpectCompleteCopy(latest->path, *latest, **db);
  for (uint32_t id : {1u, 2u}) {
    auto r = Restore(backups, testing::TempDir("restored" + std::to_string(id)),
                     {.backup_id = id});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->revision, id == 1 ? first->revision : during.revision);
    ExpectCompleteCopy(r->path, *r, **db);
  }
}

TEST(Backup, RestoreFromCheckpoint) {
  const std::string dir = testing::TempDir("db");
  auto db = DB::Open(dir, WriterOptions());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());
  auto checkpoint = Backup(**db, testing::TempDir("checkpoint"));
  ASSERT_TRUE(checkpoint.ok());
  ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());
  auto restored = Restore(checkpoint->path, testing::TempDir("restored"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->revision, 2u);
  ExpectCompleteCopy(restored->path, *restored, **db);
}

TEST(Backup, BadInputIsRefusedClearly) {
  const std::string dir = testing::TempDir("db");
  auto db = DB::Open(dir, WriterOptions());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(CommitGenerations(**db, kWidth, kGroup).ok());

  const std::string full = testing::TempDir("full");
  fs::create_directories(full);
  std::ofstream(full + "/keep.txt") << "mine";
  auto st = Backup(**db, full);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(st.status().message().find(full), std::string::npos);
  EXPECT_TRUE(fs::exists(full + "/keep.txt"));  // untouched
  st = Backup(**db, full, {.incremental = true});
  EXPECT_EQ(st.status().code(), absl::StatusCode::kAlreadyExists);

  // An empty directory is fine.
  const std::string empty = testing::TempDir("empty");
  fs::create_directories(empty);
  EXPECT_TRUE(Backup(**db, empty).ok());

  // A plain read-only handle cannot tell whether a writer changes files.
  auto ro = DB::OpenReadOnly(dir);
  ASSERT_TRUE(ro.ok());
  EXPECT_EQ(Backup(**ro, testing::TempDir("ro")).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // Restore: a source that is no backup, an unknown id, a used destination.
  auto bad = Restore(full, testing::TempDir("r1"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("neither"), std::string::npos);
  EXPECT_EQ(ListBackups(full).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string backups = testing::TempDir("backups");
  ASSERT_TRUE(Backup(**db, backups, {.incremental = true}).ok());
  const std::string r2 = testing::TempDir("r2");
  auto unknown = Restore(backups, r2, {.backup_id = 7});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("no backup 7"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("holds 1"), std::string::npos);
  EXPECT_FALSE(fs::exists(r2));
  auto used = Restore(backups, full);
  EXPECT_EQ(used.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs::exists(full + "/keep.txt"));
  EXPECT_EQ(Restore(testing::TempDir("missing"), testing::TempDir("r3"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace critgraph
