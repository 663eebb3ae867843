// Deferred in-edge and kind-index writes (storage/sorted_runs.h): merged
// runs give what the writes say, land outside level 0, and everything that
// reads them back inside a transaction sees them.
#include "storage/sorted_runs.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "storage/chunk_writer.h"
#include "storage/db_impl.h"
#include "storage/snapshot_impl.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using storage::Cf;
using storage::KeyWrite;
using storage::SortedRuns;
using testing::CompareSnapshot;
using testing::Model;
using testing::RandomOps;
using testing::TempDir;

uint64_t FilesAtLevel0(const DB& db, Cf cf) {
  const storage::DBImpl& impl = storage::Impl(db);
  std::string v;
  EXPECT_TRUE(
      impl.rdb()->GetProperty(impl.cf(cf), "rocksdb.num-files-at-level0", &v));
  return std::stoull(v);
}

std::map<std::string, std::string> ReadFamily(const DB& db, Cf cf) {
  const storage::DBImpl& impl = storage::Impl(db);
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl.rdb()->NewIterator(rocksdb::ReadOptions(), impl.cf(cf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out[it->key().ToString()] = it->value().ToString();
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

std::vector<std::string> StagedFiles(const std::string& dir) {
  std::vector<std::string> out;
  const std::string staging = storage::ChunkWriter::StagingDir(dir);
  if (!std::filesystem::exists(staging)) return out;
  for (const auto& e : std::filesystem::directory_iterator(staging)) {
    out.push_back(e.path().string());
  }
  return out;
}

TEST(SortedRuns, NewestWriteOfEachKeyWins) {
  // More runs than one merge takes at once (so the oldest are merged into
  // one on the way), over a small key space: keys are written, overwritten
  // and deleted across runs; the model is a map where later writes win.
  const std::string dir = TempDir("runs_newest");
  auto db = *DB::Open(dir, {});
  storage::DBImpl& impl = const_cast<storage::DBImpl&>(storage::Impl(*db));
  std::mt19937_64 rng(11);
  std::map<std::string, std::optional<std::string>> model;
  {
    SortedRuns runs(impl);
    for (int r = 0; r < 300; ++r) {
      std::map<std::string, std::optional<std::string>> run;
      const int n = 1 + static_cast<int>(rng() % 40);
      for (int i = 0; i < n; ++i) {
        std::string key = "k" + std::to_string(rng() % 500);
        if (rng() % 4 == 0) {
          run[key] = std::nullopt;
        } else {
          run[key] = "v" + std::to_string(r) + "." + std::to_string(i);
        }
      }
      std::vector<KeyWrite> writes;
      for (auto& [k, v] : run) {
        writes.push_back(KeyWrite{k, v});
        model[k] = v;
      }
      ASSERT_TRUE(runs.AddRun(Cf::kInEdges, writes, "test").ok());
    }
    EXPECT_FALSE(runs.empty());
    auto st = runs.MergeAndIngest("test");
    ASSERT_TRUE(st.ok()) << st;
    EXPECT_TRUE(runs.empty());
  }
  std::map<std::string, std::string> want;
  for (auto& [k, v] : model) {
    if (v) want[k] = *v;
  }
  EXPECT_EQ(ReadFamily(*db, Cf::kInEdges), want);
  // One non-overlapping file set into an empty family: not level 0.
  EXPECT_EQ(FilesAtLevel0(*db, Cf::kInEdges), 0u);
  EXPECT_TRUE(StagedFiles(dir).empty());
}

TEST(SortedRuns, TruncatedRunIsDataLossNamingTheFile) {
  const std::string dir = TempDir("runs_truncated");
  auto db = *DB::Open(dir, {});
  storage::DBImpl& impl = const_cast<storage::DBImpl&>(storage::Impl(*db));
  SortedRuns runs(impl);
  std::vector<KeyWrite> writes;
  for (int i = 0; i < 100; ++i) {
    writes.push_back(
        KeyWrite{"key" + std::to_string(1000 + i), std::string(20, 'x')});
  }
  ASSERT_TRUE(runs.AddRun(Cf::kKindIndex, writes, "test").ok());
  const auto files = StagedFiles(dir);
  ASSERT_EQ(files.size(), 1u);
  std::filesystem::resize_file(files[0],
                               std::filesystem::file_size(files[0]) - 7);
  auto st = runs.MergeAndIngest("merge of revision 9");
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
  EXPECT_NE(st.message().find(files[0]), std::string::npos) << st;
  EXPECT_NE(st.message().find("merge of revision 9"), std::string::npos) << st;
  // Nothing was ingested, and the failed merge removed its files.
  EXPECT_TRUE(ReadFamily(*db, Cf::kKindIndex).empty());
  EXPECT_TRUE(StagedFiles(dir).empty());
}

TEST(SortedRuns, AFailedRunFailsTheMerge) {
  // A run that could not be written must fail the merge later, even after
  // the cause went away: merging the runs that remain would lose its writes
  // without a word.
  const std::string dir = TempDir("runs_failed");
  auto db = *DB::Open(dir, {});
  storage::DBImpl& impl = const_cast<storage::DBImpl&>(storage::Impl(*db));
  SortedRuns runs(impl);
  const std::vector<KeyWrite> writes = {KeyWrite{"a", "1"}, KeyWrite{"b", {}}};
  ASSERT_TRUE(runs.AddRun(Cf::kInEdges, writes, "chunk 1").ok());
  // The staging folder replaced by a file: no run file can be created.
  const std::string staging = storage::ChunkWriter::StagingDir(dir);
  std::filesystem::rename(staging, staging + ".moved");
  { std::ofstream(staging) << "not a folder"; }
  auto st = runs.AddRun(Cf::kInEdges, writes, "chunk 2");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("chunk 2"), std::string::npos) << st;
  std::filesystem::remove(staging);
  std::filesystem::rename(staging + ".moved", staging);
  EXPECT_EQ(runs.AddRun(Cf::kInEdges, writes, "chunk 3").code(), st.code());
  // Another family is not affected, but the merge fails as a whole.
  ASSERT_TRUE(runs.AddRun(Cf::kKindIndex, writes, "chunk 3").ok());
  auto merged = runs.MergeAndIngest("seal");
  EXPECT_EQ(merged.code(), st.code()) << merged;
  EXPECT_TRUE(ReadFamily(*db, Cf::kInEdges).empty());
  EXPECT_TRUE(ReadFamily(*db, Cf::kKindIndex).empty());
  EXPECT_TRUE(StagedFiles(dir).empty());
  // Cleared by the failed merge: the runs start afresh.
  ASSERT_TRUE(runs.AddRun(Cf::kInEdges, writes, "chunk 4").ok());
  ASSERT_TRUE(runs.MergeAndIngest("seal").ok());
  EXPECT_EQ(ReadFamily(*db, Cf::kInEdges),
            (std::map<std::string, std::string>{{"a", "1"}}));
}

Options ManyIngestedChunks() {
  Options opts;
  opts.txn_chunk_bytes = 2048;  // a chunk every few dozen operations
  opts.bulk_ingest_min_entries = 1;
  opts.sync = false;
  return opts;
}

TEST(SortedRuns, LargeRevisionLandsOutsideLevelZero) {
  // Edges arrive in an order unrelated to their destinations, so each
  // chunk's in-edges span the whole key range: ingested chunk by chunk they
  // would all overlap in level 0.
  const std::string dir = TempDir("runs_level");
  auto db = *DB::Open(dir, ManyIngestedChunks());
  Model model;
  auto txn = *db->Begin();
  const int kNodes = 400;
  for (int i = 0; i < kNodes; ++i) {
    Node n{.key = "n" + std::to_string(i),
           .kind = i % 3 == 0 ? "technology" : "material"};
    ASSERT_TRUE(txn->PutNode(n).ok());
    model.PutNode(n);
  }
  for (int i = 0; i < kNodes * 3; ++i) {
    Edge e{.from = "n" + std::to_string(i % kNodes),
           .type = "depends_on",
           .to = "n" + std::to_string((i * 7919) % kNodes)};
    ASSERT_TRUE(txn->PutEdge(e).ok());
    model.PutEdge(e);
  }
  ASSERT_TRUE(txn->Commit({}).ok());
  model.Commit();
  EXPECT_EQ(FilesAtLevel0(*db, Cf::kInEdges), 0u);
  EXPECT_EQ(FilesAtLevel0(*db, Cf::kKindIndex), 0u);
  EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(1), model.at(1)), "");
  EXPECT_TRUE(StagedFiles(dir).empty());
}

TEST(SortedRuns, DeleteNodeSeesInEdgesOfEarlierChunks) {
  // Edges into the hub are written in early chunks (deferred); deleting the
  // hub after many more chunks must still remove every one of them.
  auto db = *DB::Open(TempDir("runs_delete"), ManyIngestedChunks());
  Model model;
  auto txn = *db->Begin();
  Node hub{.key = "hub", .kind = "technology"};
  ASSERT_TRUE(txn->PutNode(hub).ok());
  model.PutNode(hub);
  for (int i = 0; i < 300; ++i) {
    Node n{.key = "m" + std::to_string(i), .kind = "material"};
    ASSERT_TRUE(txn->PutNode(n).ok());
    model.PutNode(n);
    if (i % 2 == 0) {
      Edge e{.from = n.key, .type = "depends_on", .to = "hub"};
      ASSERT_TRUE(txn->PutEdge(e).ok());
      model.PutEdge(e);
    }
  }
  ASSERT_TRUE(txn->DeleteNode("hub").ok());
  model.DeleteNode("hub");
  // The transaction goes on writing deferred families after the merge.
  for (int i = 0; i < 100; ++i) {
    Edge e{.from = "m" + std::to_string(i),
           .type = "depends_on",
           .to = "m" + std::to_string(299 - i)};
    auto st = txn->PutEdge(e);
    ASSERT_TRUE(st.ok()) << st;
    model.PutEdge(e);
  }
  ASSERT_TRUE(txn->Commit({}).ok());
  model.Commit();
  auto snap = *db->GetSnapshot(1);
  EXPECT_EQ(snap->info().edge_count, 100u);
  EXPECT_EQ(CompareSnapshot(*snap, model.at(1)), "");
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(SortedRuns, RollbackAfterAMidRevisionMergeLeavesNothing) {
  // DeleteNode merges the runs mid-revision; a later chunk then takes back
  // an edge the merge wrote. Rolled back, none of it may survive into the
  // next revision written at the same number (the rollback removes what the
  // change log names, and the edge's change-log entry is gone).
  auto db = *DB::Open(TempDir("runs_rollback"), ManyIngestedChunks());
  Model model;
  {
    auto txn = *db->Begin();
    for (int i = 0; i < 50; ++i) {
      Node n{.key = "m" + std::to_string(i), .kind = "material"};
      ASSERT_TRUE(txn->PutNode(n).ok());
      model.PutNode(n);
    }
    ASSERT_TRUE(txn->Commit({}).ok());
    model.Commit();
  }
  auto txn = *db->Begin();
  Edge e{.from = "m1", .type = "depends_on", .to = "m2"};
  ASSERT_TRUE(txn->PutEdge(e).ok());
  ASSERT_TRUE(txn->PutNode(Node{.key = "hub", .kind = "technology"}).ok());
  for (int i = 0; i < 200; ++i) {  // several chunks
    ASSERT_TRUE(
        txn->PutNode(Node{.key = "x" + std::to_string(i), .kind = "technology"})
            .ok());
  }
  ASSERT_TRUE(txn->DeleteNode("hub").ok());
  ASSERT_TRUE(txn->DeleteEdge("m1", "depends_on", "m2").ok());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(
        txn->PutNode(Node{.key = "y" + std::to_string(i), .kind = "technology"})
            .ok());
  }
  txn->Rollback();
  auto next = *db->Begin();
  Node n{.key = "m3", .kind = "technology"};
  ASSERT_TRUE(next->PutNode(n).ok());
  model.PutNode(n);
  ASSERT_TRUE(next->Commit({}).ok());
  model.Commit();
  EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(2), model.at(2)), "");
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(SortedRuns, RandomHistoriesMatchTheModel) {
  // Multi-revision transactions (seal, then publish) over random operations
  // with ingested chunks, so deferred writes are taken back by later chunks
  // and read by later revisions of the same transaction.
  auto db = *DB::Open(TempDir("runs_random"), ManyIngestedChunks());
  Model model;
  std::mt19937_64 rng(5);
  for (int t = 0; t < 4; ++t) {
    auto txn = *db->Begin();
    for (int r = 0; r < 3; ++r) {
      RandomOps(rng, *txn, model, 300, 60);
      ASSERT_TRUE(txn->Seal({}).ok());
      model.Commit();
    }
    ASSERT_TRUE(txn->Publish().ok());
  }
  for (Revision r = 1; r <= db->Head(); ++r) {
    EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(r), model.at(r)), "")
        << "revision " << r;
  }
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

}  // namespace
}  // namespace critgraph
