// The bulk-load recipe (storage/bulk_load.h): a revision whose chunks are
// ingested as files and outran the compactions ends as one sorted run per
// column family right above the data that was there before, RocksDB's
// options come back, and the content is the model's. The tests pause the
// automatic compactions so that every load outruns them.
// (BulkIngest.BothWritePathsGiveTheSameDigests and the model tests run whole
// random histories through this path too.)
#include <random>
#include <set>
#include <string>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "rocksdb/metadata.h"
#include "storage/db_impl.h"
#include "storage/snapshot_impl.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using storage::Cf;
using testing::CompareSnapshot;
using testing::Model;
using testing::TempDir;

rocksdb::ColumnFamilyMetaData Meta(const DB& db, Cf cf) {
  const storage::DBImpl& impl = storage::Impl(db);
  rocksdb::ColumnFamilyMetaData meta;
  impl.rdb()->GetColumnFamilyMetaData(impl.cf(cf), &meta);
  return meta;
}

// The levels that hold files, top first.
std::vector<int> LevelsUsed(const rocksdb::ColumnFamilyMetaData& meta) {
  std::vector<int> out;
  for (const auto& level : meta.levels) {
    if (!level.files.empty()) out.push_back(level.level);
  }
  return out;
}

std::set<uint64_t> FileNumbers(const rocksdb::ColumnFamilyMetaData& meta) {
  std::set<uint64_t> out;
  for (const auto& level : meta.levels) {
    for (const auto& f : level.files) out.insert(f.file_number);
  }
  return out;
}

Options SmallChunks() {
  Options opts;
  opts.txn_chunk_bytes = 8 << 10;    // dozens of chunks per revision
  opts.bulk_ingest_min_entries = 1;  // every chunk ingested as files
  opts.sync = false;
  return opts;
}

// One revision of `edges` random edges among `nodes` nodes (new or
// rewritten with another property), so that every chunk's edge keys cover
// the whole key range and the ingested files overlap.
void LoadRevision(DB& db, Model& model, std::mt19937_64& rng, int nodes,
                  int edges, int round) {
  auto txn = *db.Begin();
  for (int i = 0; i < nodes; ++i) {
    Node n{.key = "n" + std::to_string(i), .kind = "technology"};
    n.props["round"] = PropertyValue(int64_t{round});
    ASSERT_TRUE(txn->PutNode(n).ok());
    model.PutNode(n);
  }
  std::uniform_int_distribution<int> pick(0, nodes - 1);
  for (int i = 0; i < edges; ++i) {
    Edge e{.from = "n" + std::to_string(pick(rng)),
           .type = "depends_on",
           .to = "n" + std::to_string(pick(rng))};
    e.props["round"] = PropertyValue(int64_t{round});
    ASSERT_TRUE(txn->PutEdge(e).ok());
    model.PutEdge(e);
  }
  auto rev = txn->Commit({});
  ASSERT_TRUE(rev.ok()) << rev.status();
  model.Commit();
}

// Pauses the automatic compactions (restored by the recipe as paused).
void PauseCompactions(DB& db) {
  const storage::DBImpl& impl = storage::Impl(db);
  for (size_t c = 0; c < static_cast<size_t>(Cf::kCount); ++c) {
    ASSERT_TRUE(impl.rdb()
                    ->SetOptions(impl.cf(static_cast<Cf>(c)),
                                 {{"disable_auto_compactions", "true"}})
                    .ok());
  }
}

void ExpectOptionsRestored(const DB& db, bool compactions_paused) {
  const storage::DBImpl& impl = storage::Impl(db);
  const rocksdb::Options defaults;
  for (size_t c = 0; c < static_cast<size_t>(Cf::kCount); ++c) {
    const rocksdb::Options now =
        impl.rdb()->GetOptions(impl.cf(static_cast<Cf>(c)));
    EXPECT_EQ(now.disable_auto_compactions, compactions_paused)
        << "family " << c;
    EXPECT_EQ(now.level0_slowdown_writes_trigger,
              defaults.level0_slowdown_writes_trigger)
        << "family " << c;
    EXPECT_EQ(now.level0_stop_writes_trigger,
              defaults.level0_stop_writes_trigger)
        << "family " << c;
  }
}

TEST(BulkLoad, RevisionEndsAsOneSortedRunAboveTheOldData) {
  auto db = *DB::Open(TempDir("bulk_load_runs"), SmallChunks());
  PauseCompactions(*db);
  Model model;
  std::mt19937_64 rng(11);
  LoadRevision(*db, model, rng, 1000, 4000, 1);
  // A fresh load: one run, at the bottom level, nothing in level 0.
  const auto first = Meta(*db, Cf::kOutEdges);
  const int bottom = static_cast<int>(first.levels.size()) - 1;
  EXPECT_EQ(LevelsUsed(first), std::vector<int>{bottom});
  EXPECT_EQ(LevelsUsed(Meta(*db, Cf::kInEdges)), std::vector<int>{bottom});
  ExpectOptionsRestored(*db, true);

  // A second load overlaps the first everywhere: its run goes right above,
  // and not one of the first load's files is rewritten.
  LoadRevision(*db, model, rng, 1000, 4000, 2);
  const auto second = Meta(*db, Cf::kOutEdges);
  EXPECT_EQ(LevelsUsed(second), (std::vector<int>{bottom - 1, bottom}));
  for (uint64_t f : FileNumbers(first)) {
    EXPECT_EQ(FileNumbers(second).count(f), 1u) << "file " << f;
  }
  ExpectOptionsRestored(*db, true);

  for (Revision r = 1; r <= db->Head(); ++r) {
    EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(r), model.at(r)), "")
        << "revision " << r;
  }
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(BulkLoad, SealedRevisionsOfOneTransactionReadTheCompactedFiles) {
  // One transaction, as an import: a bulk revision, then small ones that
  // rewrite some of its entities, published together.
  auto db = *DB::Open(TempDir("bulk_load_seal"), SmallChunks());
  PauseCompactions(*db);
  Model model;
  std::mt19937_64 rng(5);
  auto txn = *db->Begin();
  for (int i = 0; i < 1500; ++i) {
    Node n{.key = "n" + std::to_string(i), .kind = "technology"};
    ASSERT_TRUE(txn->PutNode(n).ok());
    model.PutNode(n);
  }
  std::uniform_int_distribution<int> pick(0, 1499);
  for (int i = 0; i < 6000; ++i) {
    Edge e{.from = "n" + std::to_string(pick(rng)),
           .type = "depends_on",
           .to = "n" + std::to_string(pick(rng))};
    ASSERT_TRUE(txn->PutEdge(e).ok());
    model.PutEdge(e);
  }
  ASSERT_TRUE(txn->Seal({}).ok());
  model.Commit();
  // Compacted at the seal, before anything is published.
  const int bottom =
      static_cast<int>(Meta(*db, Cf::kOutEdges).levels.size()) - 1;
  EXPECT_EQ(LevelsUsed(Meta(*db, Cf::kOutEdges)), std::vector<int>{bottom});
  ExpectOptionsRestored(*db, true);
  for (int r = 0; r < 3; ++r) {
    for (int i = 0; i < 40; ++i) {
      const std::string key = "n" + std::to_string(pick(rng));
      const absl::Status st = txn->DeleteNode(key);
      if (st.ok()) {
        model.DeleteNode(key);
      } else {
        ASSERT_TRUE(absl::IsNotFound(st)) << st;  // deleted earlier
      }
    }
    ASSERT_TRUE(txn->Seal({}).ok());
    model.Commit();
  }
  ASSERT_TRUE(txn->Publish().ok());
  ASSERT_EQ(db->Head(), 4u);
  for (Revision r = 1; r <= db->Head(); ++r) {
    EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(r), model.at(r)), "")
        << "revision " << r;
  }
}

TEST(BulkLoad, RolledBackLoadRestoresOptionsAndLeavesNothing) {
  auto db = *DB::Open(TempDir("bulk_load_rollback"), SmallChunks());
  Model model;
  std::mt19937_64 rng(3);
  LoadRevision(*db, model, rng, 500, 2000, 1);
  const Digest before = (*db->GetRevision(1)).digest;
  {
    auto txn = *db->Begin();
    for (int i = 0; i < 3000; ++i) {
      Node n{.key = "x" + std::to_string(i), .kind = "material"};
      ASSERT_TRUE(txn->PutNode(n).ok());
    }
    // Chunks were ingested (and the recipe begun) before the rollback.
    txn->Rollback();
  }
  ExpectOptionsRestored(*db, false);
  EXPECT_EQ(db->Head(), 1u);
  EXPECT_EQ((*db->GetRevision(1)).digest, before);
  EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(1), model.at(1)), "");
  // The next transaction starts from a clean state.
  LoadRevision(*db, model, rng, 500, 2000, 2);
  EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(2), model.at(2)), "");
  ExpectOptionsRestored(*db, false);
}

}  // namespace
}  // namespace critgraph
