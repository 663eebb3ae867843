// Model-based test: random histories applied to the database and to an
// in-memory model that keeps every revision; every revision must read back
// equal, before and after reopening.
#include "tests/model.h"

#include <random>

#include "critgraph/db.h"
#include "gtest/gtest.h"

namespace critgraph {
namespace {

using testing::CompareSnapshot;
using testing::Model;
using testing::ModelEdgesByType;
using testing::ModelNodesByKind;
using testing::RandomOps;
using testing::TempDir;

void CheckAll(const DB& db, const Model& model) {
  ASSERT_EQ(db.Head(), model.head());
  for (Revision r = 0; r <= model.head(); ++r) {
    auto snap = db.GetSnapshot(r);
    ASSERT_TRUE(snap.ok()) << snap.status();
    std::string diff = CompareSnapshot(**snap, model.at(r));
    ASSERT_EQ(diff, "");
    // The counts stored per kind and per edge type equal the model's.
    const RevisionInfo& info = (*snap)->info();
    ASSERT_TRUE(info.nodes_by_kind.has_value()) << "revision " << r;
    ASSERT_TRUE(info.edges_by_type.has_value()) << "revision " << r;
    ASSERT_EQ(*info.nodes_by_kind, ModelNodesByKind(model.at(r)))
        << "revision " << r;
    ASSERT_EQ(*info.edges_by_type, ModelEdgesByType(model.at(r)))
        << "revision " << r;
  }
}

// `ingest_min_entries`: Options::bulk_ingest_min_entries; 0 writes every
// chunk through a WriteBatch, 1 ingests every chunk as SST files.
void RunHistory(uint64_t seed, size_t chunk_bytes, int revisions,
                int ops_per_rev, int key_space, size_t ingest_min_entries = 0) {
  std::mt19937_64 rng(seed);
  Options opts;
  opts.txn_chunk_bytes = chunk_bytes;
  opts.bulk_ingest_min_entries = ingest_min_entries;
  opts.sync = false;
  std::string dir = TempDir("db" + std::to_string(seed));
  Model model;
  {
    auto db = *DB::Open(dir, opts);
    for (int r = 0; r < revisions; ++r) {
      auto txn = *db->Begin();
      RandomOps(rng, *txn, model, ops_per_rev, key_space);
      if (rng() % 10 == 0) {
        txn->Rollback();
        model.Rollback();
        continue;
      }
      ASSERT_TRUE(txn->Commit({}).ok());
      model.Commit();
    }
    CheckAll(*db, model);
    VerifyReport report;
    ASSERT_TRUE(db->Verify(&report).ok());
    ASSERT_TRUE(report.ok()) << report.problems[0];
  }
  auto reopened = *DB::Open(dir, opts);
  CheckAll(*reopened, model);
  auto ro = DB::OpenReadOnly(dir, opts);
  // A read-only open while the writer holds the directory is allowed.
  ASSERT_TRUE(ro.ok()) << ro.status();
  CheckAll(**ro, model);
}

TEST(ModelTest, RandomHistoriesMatchModel) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    RunHistory(seed, size_t{32} << 20, 60, 40, 30);
  }
}

TEST(ModelTest, RandomHistoriesWithSpilledChunksMatchModel) {
  // A tiny chunk size forces every transaction to spill to disk many times.
  for (uint64_t seed = 11; seed <= 13; ++seed) {
    RunHistory(seed, 300, 40, 60, 25);
  }
}

TEST(ModelTest, ChunksIngestedAsFilesMatchModel) {
  // Every chunk built as SST files and ingested, tiny chunks so that later
  // chunks rewrite and take back what earlier files hold.
  // (Each ingestion syncs files and the MANIFEST: kept small for CI.)
  for (uint64_t seed = 21; seed <= 22; ++seed) {
    RunHistory(seed, 1500, 12, 60, 25, /*ingest_min_entries=*/1);
  }
}

TEST(ModelTest, ChunksMixingFilesAndBatchesMatchModel) {
  // Some chunks of a revision ingested, some written through the memtable.
  for (uint64_t seed = 31; seed <= 32; ++seed) {
    RunHistory(seed, 1500, 12, 60, 25, /*ingest_min_entries=*/30);
  }
}

TEST(ModelTest, ManyRevisionsSmallKeySpace) {
  RunHistory(99, size_t{32} << 20, 300, 12, 12);
}

// Transactions that seal several revisions and publish them together (or
// roll all of them back): while sealed, nothing is visible; once published,
// every revision equals the model's.
void RunSealedHistory(uint64_t seed, size_t chunk_bytes, int transactions,
                      size_t ingest_min_entries = 0) {
  std::mt19937_64 rng(seed);
  Options opts;
  opts.txn_chunk_bytes = chunk_bytes;
  opts.bulk_ingest_min_entries = ingest_min_entries;
  opts.sync = false;
  std::string dir = TempDir("sealed" + std::to_string(seed));
  Model model;
  {
    auto db = *DB::Open(dir, opts);
    for (int t = 0; t < transactions; ++t) {
      const Model before = model;
      const Revision head = db->Head();
      auto txn = *db->Begin();
      const int group = 1 + static_cast<int>(rng() % 4);
      for (int g = 0; g < group; ++g) {
        RandomOps(rng, *txn, model, 1 + static_cast<int>(rng() % 40), 30);
        auto sealed = txn->Seal({.message = "sealed"});
        ASSERT_TRUE(sealed.ok()) << sealed.status();
        ASSERT_EQ(*sealed, head + 1 + g);
        model.Commit();
      }
      // Sealed revisions are invisible until published.
      ASSERT_EQ(db->Head(), head);
      ASSERT_FALSE(db->GetSnapshot(head + 1).ok());
      auto snap = db->GetSnapshot(head);
      ASSERT_EQ(CompareSnapshot(**snap, before.at(head)), "");
      if (rng() % 5 == 0) {
        txn->Rollback();
        model = before;
        ASSERT_EQ(db->Head(), head);
        ASSERT_EQ(CompareSnapshot(**db->GetSnapshot(head), before.at(head)), "")
            << "after rollback";
        continue;
      }
      auto published = txn->Publish();
      ASSERT_TRUE(published.ok()) << published.status();
      ASSERT_EQ(*published, head + group);
    }
    CheckAll(*db, model);
    VerifyReport report;
    ASSERT_TRUE(db->Verify(&report).ok());
    ASSERT_TRUE(report.ok()) << report.problems[0];
  }
  auto reopened = *DB::Open(dir, opts);
  CheckAll(*reopened, model);
}

TEST(ModelTest, SealedRevisionsPublishTogether) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    RunSealedHistory(seed, size_t{1} << 20, 30);
  }
}

TEST(ModelTest, SealedRevisionsWithSpilledChunks) {
  for (uint64_t seed = 11; seed <= 14; ++seed) RunSealedHistory(seed, 300, 30);
}

TEST(ModelTest, SealedRevisionsIngestedAsFiles) {
  for (uint64_t seed = 41; seed <= 42; ++seed) {
    RunSealedHistory(seed, 1000, 10, /*ingest_min_entries=*/1);
  }
}

}  // namespace
}  // namespace critgraph
