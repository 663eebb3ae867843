// Large chunks built as SST files and ingested (Options::
// bulk_ingest_min_entries), and the filter that lets a transaction skip the
// read of entities it never wrote. The model tests (model_test.cc) run whole
// random histories through both write paths; these check what is specific
// to each.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/hash/hash.h"
#include "critgraph/db.h"
#include "critgraph/io/import.h"
#include "gtest/gtest.h"
#include "storage/chunk_writer.h"
#include "storage/db_impl.h"
#include "storage/new_node_states.h"
#include "storage/snapshot_impl.h"
#include "storage/written_filter.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using storage::Cf;
using testing::CompareSnapshot;
using testing::Model;
using testing::RandomOps;
using testing::TempDir;

uint64_t MemtableEntries(const DB& db, Cf cf) {
  const storage::DBImpl& impl = storage::Impl(db);
  uint64_t n = 0;
  EXPECT_TRUE(impl.rdb()->GetIntProperty(
      impl.cf(cf), "rocksdb.num-entries-active-mem-table", &n));
  return n;
}

absl::Status PutNodes(Transaction& txn, int from, int count) {
  for (int i = from; i < from + count; ++i) {
    Node n{.key = "tech/" + std::to_string(i), .kind = "technology"};
    n.names["en"] = "Technology " + std::to_string(i);
    if (auto st = txn.PutNode(n); !st.ok()) return st;
  }
  return absl::OkStatus();
}

TEST(BulkIngest, LargeChunkBypassesTheMemtable) {
  for (size_t threshold : {size_t{0}, size_t{1}}) {
    Options opts;
    opts.bulk_ingest_min_entries = threshold;
    auto db = *DB::Open(TempDir("bypass" + std::to_string(threshold)), opts);
    auto txn = *db->Begin();
    ASSERT_TRUE(PutNodes(*txn, 0, 200).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
    if (threshold == 1) {
      EXPECT_EQ(MemtableEntries(*db, Cf::kNodes), 0u);
    } else {
      EXPECT_EQ(MemtableEntries(*db, Cf::kNodes), 200u);
    }
    auto snap = *db->GetSnapshot(db->Head());
    auto node = snap->GetNode("tech/199");
    ASSERT_TRUE(node.ok()) << node.status();
    EXPECT_EQ(node->names.at("en"), "Technology 199");
    EXPECT_EQ(snap->info().node_count, 200u);
  }
}

TEST(BulkIngest, BothWritePathsGiveTheSameDigests) {
  // The same random transactions (spilling in small chunks, so later chunks
  // overwrite and take back earlier ones), written once through batches
  // and once as ingested files: every revision has the same digest and
  // content.
  std::vector<std::unique_ptr<DB>> dbs;
  for (size_t threshold : {size_t{0}, size_t{1}}) {
    Options opts;
    opts.txn_chunk_bytes = 800;
    opts.bulk_ingest_min_entries = threshold;
    opts.sync = false;
    dbs.push_back(
        *DB::Open(TempDir("paths" + std::to_string(threshold)), opts));
  }
  std::vector<Model> models(2);
  for (int i = 0; i < 2; ++i) {
    std::mt19937_64 rng(7);
    for (int r = 0; r < 8; ++r) {
      auto txn = *dbs[i]->Begin();
      RandomOps(rng, *txn, models[i], 80, 30);
      ASSERT_TRUE(txn->Commit({}).ok());
      models[i].Commit();
    }
  }
  ASSERT_EQ(dbs[0]->Head(), dbs[1]->Head());
  for (Revision r = 1; r <= dbs[0]->Head(); ++r) {
    auto a = *dbs[0]->GetRevision(r);
    auto b = *dbs[1]->GetRevision(r);
    EXPECT_EQ(a.digest, b.digest) << "revision " << r;
    EXPECT_EQ(a.change_count, b.change_count) << "revision " << r;
    EXPECT_EQ(CompareSnapshot(**dbs[1]->GetSnapshot(r), models[1].at(r)), "");
  }
  VerifyReport report;
  ASSERT_TRUE(dbs[1]->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(BulkIngest, RolledBackIngestedChunksLeaveNothing) {
  Options opts;
  opts.txn_chunk_bytes = 500;
  opts.bulk_ingest_min_entries = 1;
  const std::string dir = TempDir("rollback");
  auto db = *DB::Open(dir, opts);
  {
    auto txn = *db->Begin();
    ASSERT_TRUE(PutNodes(*txn, 0, 50).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  const RevisionInfo before = *db->GetRevision(1);
  {
    auto txn = *db->Begin();
    ASSERT_TRUE(PutNodes(*txn, 25, 100).ok());  // many ingested chunks
    txn->Rollback();
  }
  EXPECT_EQ(db->Head(), 1u);
  // The same keys commit again, and the result is as if the rolled-back
  // transaction never ran.
  auto txn = *db->Begin();
  ASSERT_TRUE(PutNodes(*txn, 50, 10).ok());
  ASSERT_TRUE(txn->Commit({}).ok());
  auto snap = *db->GetSnapshot(2);
  EXPECT_EQ(snap->info().node_count, 60u);
  EXPECT_EQ(snap->info().change_count, 10u);
  EXPECT_FALSE(snap->GetNode("tech/100").ok());
  EXPECT_EQ(db->GetRevision(1)->digest, before.digest);
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(BulkIngest, OpenRemovesStaleStagingFiles) {
  const std::string dir = TempDir("stale");
  { ASSERT_TRUE(DB::Open(dir, {}).ok()); }
  const std::string staging = storage::ChunkWriter::StagingDir(dir);
  std::filesystem::create_directories(staging);
  { std::ofstream(staging + "/7-nodes.sst") << "half-built"; }
  // A read-only open must not touch the directory; a read-write one
  // removes what a crash left.
  { ASSERT_TRUE(DB::OpenReadOnly(dir, {}).ok()); }
  EXPECT_TRUE(std::filesystem::exists(staging + "/7-nodes.sst"));
  auto db = DB::Open(dir, {});
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_FALSE(std::filesystem::exists(staging + "/7-nodes.sst"));
}

uint64_t LogBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") bytes += entry.file_size();
  }
  return bytes;
}

TEST(BulkIngest, ImportLeavesNothingToReplay) {
  // After an import and close, whichever way its chunks were written, the
  // log holds nothing a later open (read-only ones included) would replay.
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += "{\"op\":\"node\",\"key\":\"n" + std::to_string(i) +
            "\",\"kind\":\"technology\"}\n";
    if (i > 0) {
      text += "{\"op\":\"edge\",\"from\":\"n" + std::to_string(i) +
              "\",\"type\":\"part_of\",\"to\":\"n" + std::to_string(i / 2) +
              "\"}\n";
    }
    if (i % 1000 == 999) text += "{\"op\":\"commit\",\"message\":\"m\"}\n";
  }
  for (size_t threshold : {size_t{0}, size_t{1000}}) {
    const std::string dir = TempDir("replay" + std::to_string(threshold));
    const std::string file = dir + ".jsonl";
    std::ofstream(file) << text;
    Options opts;
    opts.txn_chunk_bytes = 64 << 10;
    opts.bulk_ingest_min_entries = threshold;
    {
      auto db = *DB::Open(dir, opts);
      auto res = io::ImportChangeStreamFile(*db, file, {});
      ASSERT_TRUE(res.ok()) << res.status();
      EXPECT_EQ(res->revisions.size(), 3u);
    }
    EXPECT_EQ(LogBytes(dir), 0u) << "threshold " << threshold;
    auto ro = DB::OpenReadOnly(dir, opts);
    ASSERT_TRUE(ro.ok()) << ro.status();
    EXPECT_EQ((*ro)->Head(), 3u);
    EXPECT_EQ((*(*ro)->GetSnapshot(3))->info().edge_count, 2999u);
  }
}

// Against a map that keeps the last value written to each key: keys of 0-12
// bytes over a small alphabet, so prefixes tie, short keys are prefixes of
// long ones, and keys repeat.
TEST(ChunkWriter, SortAndDedupKeepsTheLastWriteOfEachKeyInByteOrder) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<storage::KeyWrite> entries;
    std::map<std::string, std::optional<std::string>> model;
    const int n = 1 + static_cast<int>(rng() % 2000);
    for (int i = 0; i < n; ++i) {
      std::string key(rng() % 13, '\0');
      for (char& c : key) c = "\0\1a\xff"[rng() % 4];
      std::optional<std::string> value;
      if (rng() % 3 != 0) value = std::to_string(i);
      model[key] = value;
      entries.push_back({key, value});
    }
    if (round % 5 == 0) {  // already sorted input takes the other path
      std::stable_sort(
          entries.begin(), entries.end(),
          [](const auto& a, const auto& b) { return a.key < b.key; });
    }
    storage::ChunkWriter::SortAndDedup(entries);
    ASSERT_EQ(entries.size(), model.size()) << "round " << round;
    size_t i = 0;
    for (const auto& [key, value] : model) {
      EXPECT_EQ(entries[i].key, key) << "round " << round << " at " << i;
      EXPECT_EQ(entries[i].value, value) << "round " << round << " at " << i;
      ++i;
    }
  }
}

TEST(NewNodeStates, ExactAgainstAMap) {
  // Random writes over a range of new ids (and reads below and past it),
  // against a map of the last state written.
  storage::NewNodeStates states(1000);
  std::map<storage::NodeId, bool> model;
  std::mt19937_64 rng(9);
  for (int i = 0; i < 20000; ++i) {
    const storage::NodeId id = 1000 + rng() % 5000;
    const bool alive = rng() % 3 != 0;
    states.SetWritten(id, alive);
    model[id] = alive;
  }
  for (storage::NodeId id = 0; id < 7000; ++id) {
    auto it = model.find(id);
    EXPECT_EQ(states.written(id), it != model.end()) << id;
    EXPECT_EQ(states.alive(id), it != model.end() && it->second) << id;
  }
}

TEST(WrittenFilter, NeverForgetsAndStaysBounded) {
  storage::WrittenFilter filter;
  EXPECT_FALSE(filter.MayContain(absl::HashOf(uint64_t{1})));
  const uint64_t kAdded = 3'000'000;
  for (uint64_t i = 0; i < kAdded; ++i) filter.Add(absl::HashOf(i));
  for (uint64_t i = 0; i < kAdded; ++i) {
    ASSERT_TRUE(filter.MayContain(absl::HashOf(i))) << i;
  }
  // Layers of 64 KiB, 512 KiB, 4 MiB and 16 MiB at most.
  EXPECT_LE(filter.bytes(), size_t{21} << 20);
  int false_positives = 0;
  for (uint64_t i = kAdded; i < kAdded + 100'000; ++i) {
    false_positives += filter.MayContain(absl::HashOf(i));
  }
  // Well under a read per lookup: the point of the filter.
  EXPECT_LT(false_positives, 5'000);
}

TEST(WrittenFilter, SaturatedLastLayerStillHasNoFalseNegatives) {
  storage::WrittenFilter filter;
  const uint64_t kAdded = 12'000'000;  // past the 16 MiB layer's capacity
  for (uint64_t i = 0; i < kAdded; ++i) filter.Add(absl::HashOf(i));
  EXPECT_LE(filter.bytes(), size_t{21} << 20);
  for (uint64_t i = 0; i < kAdded; i += 997) {
    ASSERT_TRUE(filter.MayContain(absl::HashOf(i))) << i;
  }
}

}  // namespace
}  // namespace critgraph
