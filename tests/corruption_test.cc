// Damaged data: bytes flipped in SST, WAL and MANIFEST files and inside
// stored records must be detected and reported (open error, Verify problem
// or DataLoss on read), never crash, never return a wrong answer silently.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "tests/history.h"

namespace critgraph {
namespace {

namespace fs = std::filesystem;
using testing::ExpectedState;
using testing::ModelDigest;

constexpr int kWidth = 100;
constexpr int kGenerations = 6;

// A database of kGenerations revisions. With `flush_to_sst`, closed as
// usual (everything in SST files); otherwise left by a writer that exited
// without closing, so the log holds the commits a crash recovery replays.
std::string BuildBase(bool flush_to_sst) {
  std::string dir = testing::TempDir("base");
  if (flush_to_sst) {
    auto db = *DB::Open(dir);
    for (int i = 0; i < kGenerations; ++i) {
      EXPECT_TRUE(testing::CommitNextGeneration(*db, kWidth).ok());
    }
    return dir;
  }
  const std::string child = CRITGRAPH_CRASH_CHILD;
  const std::string command = child + " crash-after " + dir + " " +
                              std::to_string(kWidth) + " " +
                              std::to_string(kGenerations);
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return dir;
}

std::vector<fs::path> FilesWith(const std::string& dir, std::string_view part) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(part) != std::string::npos &&
        fs::file_size(e.path()) > 0) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Flips one byte at a random offset below `size - spare_tail`.
void FlipByte(const fs::path& file, std::mt19937& rng, size_t spare_tail) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  auto size = fs::file_size(file);
  const auto range = size > spare_tail ? size - spare_tail : size;
  auto pos = static_cast<std::streamoff>(rng() % range);
  f.seekg(pos);
  char c;
  f.read(&c, 1);
  c ^= static_cast<char>(1 + rng() % 255);
  f.seekp(pos);
  f.write(&c, 1);
}

enum class Outcome { kOpenRefused, kVerifyReported, kReadError, kIntact };

// Opens a damaged copy and classifies what happened. Fails the test on a
// wrong answer: a read that succeeds with content other than expected.
Outcome Inspect(const std::string& dir) {
  auto db = DB::Open(dir);
  if (!db.ok()) return Outcome::kOpenRefused;
  VerifyReport report;
  EXPECT_TRUE((*db)->Verify(&report).ok());
  bool read_error = false;
  for (Revision r = 1; r <= (*db)->Head(); ++r) {
    auto snap = (*db)->GetSnapshot(r);
    if (!snap.ok()) {
      read_error = true;
      continue;
    }
    auto want = ExpectedState(r, kWidth);
    testing::ModelState got;
    auto st = (*snap)->ForEachNode([&](const Node& n) {
      got.nodes[n.key] = n;
      return absl::OkStatus();
    });
    if (st.ok()) {
      st = (*snap)->ForEachEdge([&](const Edge& e) {
        got.edges[e.id()] = e;
        return absl::OkStatus();
      });
    }
    if (!st.ok()) {
      read_error = true;
      continue;
    }
    EXPECT_TRUE(got.nodes == want.nodes && got.edges == want.edges)
        << "revision " << r << " of " << dir << " reads wrong content silently";
    EXPECT_EQ((*snap)->digest(), ModelDigest(want));
  }
  if (!report.ok()) return Outcome::kVerifyReported;
  return read_error ? Outcome::kReadError : Outcome::kIntact;
}

struct Tally {
  int refused = 0, reported = 0, read_error = 0, intact = 0;
  void Add(Outcome o) {
    switch (o) {
      case Outcome::kOpenRefused:
        ++refused;
        break;
      case Outcome::kVerifyReported:
        ++reported;
        break;
      case Outcome::kReadError:
        ++read_error;
        break;
      case Outcome::kIntact:
        ++intact;
        break;
    }
  }
  int detected() const { return refused + reported + read_error; }
};

void FlipTrials(const std::string& base, std::string_view file_part, int trials,
                uint32_t seed, Tally* tally, size_t spare_tail = 0) {
  std::mt19937 rng(seed);
  for (int t = 0; t < trials; ++t) {
    std::string dir = testing::TempDir("trial" + std::to_string(t));
    fs::copy(base, dir, fs::copy_options::recursive);
    auto files = FilesWith(dir, file_part);
    ASSERT_FALSE(files.empty()) << "no " << file_part << " file in " << dir;
    FlipByte(files[rng() % files.size()], rng, spare_tail);
    tally->Add(Inspect(dir));
    fs::remove_all(dir);
  }
}

TEST(Corruption, FlippedSstBytesAreDetected) {
  std::string base = BuildBase(/*flush_to_sst=*/true);
  Tally tally;
  // The last 53 bytes of an SST are its footer (block-based format 5), whose
  // varint padding no checksum covers: a flip there is harmless and may go
  // unnoticed. Every block before it is checksummed. Closing a writer now
  // flushes every column family, so the base holds many small SSTs and the
  // footer would be hit often.
  FlipTrials(base, ".sst", 30, 1, &tally, /*spare_tail=*/53);
  std::printf(
      "sst: %d refused at open, %d reported by verify, %d read errors, "
      "%d intact\n",
      tally.refused, tally.reported, tally.read_error, tally.intact);
  // Every block is checksummed with XXH3: a flipped byte is always caught.
  EXPECT_EQ(tally.intact, 0);
}

TEST(Corruption, FlippedWalBytesNeverGiveWrongAnswers) {
  std::string base = BuildBase(/*flush_to_sst=*/false);
  Tally tally;
  FlipTrials(base, ".log", 20, 2, &tally);
  std::printf(
      "wal: %d refused at open, %d reported by verify, %d read errors, "
      "%d intact\n",
      tally.refused, tally.reported, tally.read_error, tally.intact);
  EXPECT_GT(tally.detected(), 0);
}

TEST(Corruption, FlippedManifestBytesNeverGiveWrongAnswers) {
  std::string base = BuildBase(/*flush_to_sst=*/true);
  Tally tally;
  FlipTrials(base, "MANIFEST", 15, 3, &tally);
  std::printf(
      "manifest: %d refused at open, %d reported by verify, %d read "
      "errors, %d intact\n",
      tally.refused, tally.reported, tally.read_error, tally.intact);
  EXPECT_GT(tally.detected(), 0);
}

TEST(Corruption, DamagedRecordIsDataLossNamingKeyAndRevision) {
  std::string dir = BuildBase(/*flush_to_sst=*/true);
  {
    // Overwrite the newest version of one node with garbage, below critgraph.
    std::vector<std::string> names;
    ASSERT_TRUE(
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names)
            .ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names)
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &handles, &raw).ok());
    size_t nodes_cf =
        std::find(names.begin(), names.end(), "nodes") - names.begin();
    size_t keys_cf =
        std::find(names.begin(), names.end(), "keys") - names.begin();
    std::string id;
    ASSERT_TRUE(raw->Get(rocksdb::ReadOptions(), handles[keys_cf],
                         testing::GenKey(kGenerations, 5), &id)
                    .ok());
    ASSERT_TRUE(
        raw->Put(rocksdb::WriteOptions(), handles[nodes_cf],
                 storage::NodeKey(critgraph::GetBE64(id.data()), kGenerations),
                 "CGND-not-a-flatbuffer")
            .ok());
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  auto db = DB::Open(dir);
  ASSERT_TRUE(db.ok());
  auto snap = *(*db)->GetSnapshot(Revision{kGenerations});
  auto node = snap->GetNode(testing::GenKey(kGenerations, 5));
  EXPECT_EQ(node.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(node.status().message().find(testing::GenKey(kGenerations, 5)),
            std::string::npos)
      << node.status();
  EXPECT_NE(node.status().message().find("revision"), std::string::npos);
  // Other nodes still read; the previous revision is untouched.
  EXPECT_TRUE(snap->GetNode(testing::GenKey(kGenerations, 4)).ok());
  VerifyReport report;
  ASSERT_TRUE((*db)->Verify(&report).ok());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].find(testing::GenKey(kGenerations, 5)),
            std::string::npos)
      << report.problems[0];
}

}  // namespace
}  // namespace critgraph
