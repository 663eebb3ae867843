// Node counts per kind and edge counts per edge type, and each revision's own
// changes per kind and type, stored with every revision: restored versions
// across chunks, records written before the counts existed (read as unknown;
// the next commit establishes them), Verify catching wrong stored counts, and
// CountByType and RevisionStat reading no record.
#include <map>
#include <random>
#include <string>

#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/snapshot.h"
#include "gtest/gtest.h"
#include "rocksdb/perf_context.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/write_batch.h"
#include "storage/db_impl.h"
#include "storage/record.h"
#include "storage/snapshot_impl.h"
#include "tests/diff_model.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using storage::Cf;
using testing::Model;
using testing::ModelEdgesByType;
using testing::ModelNodesByKind;
using testing::RandomOps;
using testing::TempDir;
using Counts = std::map<std::string, uint64_t>;

Options SmallChunks() {
  Options opts;
  opts.txn_chunk_bytes = 300;
  opts.sync = false;
  return opts;
}

// Rewrites the revision records of `db` as they were written before per-type
// counts existed (no kind_counts / edge_type_counts fields); takes effect on
// the next open.
void WriteOldFormatRecords(const DB& db) {
  const storage::DBImpl& impl = storage::Impl(db);
  rocksdb::WriteBatch batch;
  for (Revision r = 0; r <= db.Head(); ++r) {
    auto info = db.GetRevision(r);
    ASSERT_TRUE(info.ok()) << info.status();
    batch.Put(impl.cf(Cf::kRevisions), storage::RevKey(r),
              storage::EncodeRevisionRecord(*info, nullptr));
  }
  ASSERT_TRUE(impl.rdb()->Write(rocksdb::WriteOptions(), &batch).ok());
}

// Nonzero entries only, the form RevisionInfo stores.
Counts NonZero(const Counts& c) {
  Counts out;
  for (const auto& [name, n] : c) {
    if (n != 0) out[name] = n;
  }
  return out;
}

void ExpectStoredCounts(const DB& db, Revision r, const Model& model) {
  auto info = db.GetRevision(r);
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_TRUE(info->nodes_by_kind.has_value()) << "revision " << r;
  ASSERT_TRUE(info->edges_by_type.has_value()) << "revision " << r;
  EXPECT_EQ(*info->nodes_by_kind, ModelNodesByKind(model.at(r)))
      << "revision " << r;
  EXPECT_EQ(*info->edges_by_type, ModelEdgesByType(model.at(r)))
      << "revision " << r;
}

void ExpectVerifies(const DB& db) {
  VerifyReport report;
  ASSERT_TRUE(db.Verify(&report).ok());
  ASSERT_TRUE(report.ok()) << report.problems[0];
}

// Commits `revisions` revisions of `ops` random operations each, to the
// database and the model.
void CommitRandom(DB& db, std::mt19937_64& rng, Model& model, int revisions,
                  int ops, int key_space) {
  for (int r = 0; r < revisions; ++r) {
    auto txn = *db.Begin();
    RandomOps(rng, *txn, model, ops, key_space);
    ASSERT_TRUE(txn->Commit({}).ok());
    model.Commit();
  }
}

// A database in a fresh directory with random revisions, closed again, and
// the model of it.
struct History {
  std::string dir;
  std::mt19937_64 rng;
  Model model;
};
void MakeHistory(const std::string& name, uint64_t seed, int revisions, int ops,
                 int key_space, History* h) {
  h->dir = TempDir(name);
  h->rng.seed(seed);
  auto db = *DB::Open(h->dir, SmallChunks());
  CommitRandom(*db, h->rng, h->model, revisions, ops, key_space);
}

// The RocksDB reads of this thread since the last Reset: memtable lookups and
// seeks, block reads and block cache hits, on any column family.
uint64_t ReadsSinceReset() {
  const rocksdb::PerfContext* p = rocksdb::get_perf_context();
  return p->get_from_memtable_count + p->seek_on_memtable_count +
         p->block_read_count + p->block_cache_hit_count;
}

TEST(TypeCountsTest, KindChangesAndRestoresAcrossChunks) {
  Options opts = SmallChunks();
  opts.txn_chunk_bytes = 1;  // every operation spills its own chunk
  auto db = *DB::Open(TempDir("kind_changes"), opts);
  Model model;
  auto put = [&](Transaction& txn, const std::string& key,
                 const std::string& kind) {
    Node n{key, kind, {}, {}};
    ASSERT_TRUE(txn.PutNode(n).ok());
    model.PutNode(n);
  };
  {
    auto txn = *db->Begin();
    put(*txn, "a", "domain");
    put(*txn, "b", "domain");
    Edge e{"a", "part_of", "b", {}};
    ASSERT_TRUE(txn->PutEdge(e).ok());
    model.PutEdge(e);
    ASSERT_TRUE(txn->Commit({}).ok());
    model.Commit();
  }
  {
    // a leaves "domain" for "technology" and comes back in a later chunk:
    // restored, so the revision's counts are the base's.
    auto txn = *db->Begin();
    put(*txn, "a", "technology");
    put(*txn, "b", "material");
    put(*txn, "a", "domain");
    ASSERT_TRUE(txn->DeleteEdge("a", "part_of", "b").ok());
    model.DeleteEdge({"a", "part_of", "b"});
    Edge e{"a", "part_of", "b", {}};
    ASSERT_TRUE(txn->PutEdge(e).ok());
    model.PutEdge(e);
    Edge f{"b", "maps_to", "a", {}};
    ASSERT_TRUE(txn->PutEdge(f).ok());
    model.PutEdge(f);
    ASSERT_TRUE(txn->Seal({}).ok());
    model.Commit();
    // The next sealed revision starts from the previous one's counts.
    ASSERT_TRUE(txn->DeleteNode("b").ok());
    model.DeleteNode("b");
    put(*txn, "c", "technology");
    ASSERT_TRUE(txn->Seal({}).ok());
    model.Commit();
    ASSERT_TRUE(txn->Publish().ok());
  }
  for (Revision r = 0; r <= db->Head(); ++r) ExpectStoredCounts(*db, r, model);
  EXPECT_EQ(*db->GetRevision(2)->nodes_by_kind,
            (Counts{{"domain", 1}, {"material", 1}}));
  EXPECT_EQ(*db->GetRevision(3)->nodes_by_kind,
            (Counts{{"domain", 1}, {"technology", 1}}));
  EXPECT_EQ(*db->GetRevision(3)->edges_by_type, Counts{});
  ExpectVerifies(*db);
}

TEST(TypeCountsTest, OldFormatRecordsReadUnknownAndNextCommitCounts) {
  History h;
  MakeHistory("old_format", 7, 5, 40, 20, &h);
  WriteOldFormatRecords(**DB::Open(h.dir, SmallChunks()));
  auto db = *DB::Open(h.dir, SmallChunks());
  const Revision old_head = db->Head();
  ASSERT_EQ(old_head, 5u);
  // The root is empty in every format; the others are unknown.
  ExpectStoredCounts(*db, 0, h.model);
  for (Revision r = 1; r <= old_head; ++r) {
    auto info = *db->GetRevision(r);
    EXPECT_FALSE(info.nodes_by_kind.has_value()) << "revision " << r;
    EXPECT_FALSE(info.edges_by_type.has_value()) << "revision " << r;
  }
  // CountByType falls back to a scan, with the same answer.
  {
    auto snap = *db->GetSnapshot(old_head);
    auto counts = CountByType(*snap);
    ASSERT_TRUE(counts.ok()) << counts.status();
    EXPECT_EQ(NonZero(counts->nodes_by_kind),
              ModelNodesByKind(h.model.at(old_head)));
    EXPECT_EQ(NonZero(counts->edges_by_type),
              ModelEdgesByType(h.model.at(old_head)));
  }
  ExpectVerifies(*db);
  // A rolled-back transaction changes nothing; the next one, sealing three
  // revisions over many chunks, establishes exact counts by one scan of the
  // base.
  {
    auto txn = *db->Begin();
    RandomOps(h.rng, *txn, h.model, 40, 20);
    txn->Rollback();
    h.model.Rollback();
  }
  {
    auto txn = *db->Begin();
    for (int g = 0; g < 3; ++g) {
      RandomOps(h.rng, *txn, h.model, 40, 20);
      ASSERT_TRUE(txn->Seal({}).ok());
      h.model.Commit();
    }
    ASSERT_TRUE(txn->Publish().ok());
  }
  CommitRandom(*db, h.rng, h.model, 1, 40, 20);
  ASSERT_EQ(db->Head(), old_head + 4);
  for (Revision r = old_head + 1; r <= db->Head(); ++r) {
    ExpectStoredCounts(*db, r, h.model);
  }
  ExpectVerifies(*db);
  db.reset();
  auto reopened = *DB::Open(h.dir, SmallChunks());
  for (Revision r = old_head + 1; r <= reopened->Head(); ++r) {
    ExpectStoredCounts(*reopened, r, h.model);
  }
  EXPECT_FALSE(reopened->GetRevision(old_head)->nodes_by_kind.has_value());
  ExpectVerifies(*reopened);
}

TEST(TypeCountsTest, VerifyReportsWrongStoredCounts) {
  History h;
  MakeHistory("wrong_counts", 3, 3, 30, 15, &h);
  {
    auto db = *DB::Open(h.dir, SmallChunks());
    // Revision 2's first kind count, off by one.
    const storage::DBImpl& impl = storage::Impl(*db);
    std::string raw;
    ASSERT_TRUE(impl.rdb()
                    ->Get(rocksdb::ReadOptions(), impl.cf(Cf::kRevisions),
                          storage::RevKey(2), &raw)
                    .ok());
    std::optional<storage::RevisionTypeCounts> counts;
    auto info = storage::DecodeRevisionRecord(raw, &counts);
    ASSERT_TRUE(info.ok() && counts.has_value());
    ASSERT_FALSE(counts->nodes_by_kind.empty());
    ++counts->nodes_by_kind[0].second;
    ASSERT_TRUE(impl.rdb()
                    ->Put(rocksdb::WriteOptions(), impl.cf(Cf::kRevisions),
                          storage::RevKey(2),
                          storage::EncodeRevisionRecord(*info, &*counts))
                    .ok());
  }
  auto db = *DB::Open(h.dir, SmallChunks());
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  ASSERT_EQ(report.problems.size(), 1u) << report.problems[1];
  EXPECT_NE(report.problems[0].find("revision 2: stored counts per node kind"),
            std::string::npos)
      << report.problems[0];
}

TEST(TypeCountsTest, CountByTypeReadsNoRecord) {
  History h;
  MakeHistory("no_reads", 5, 4, 60, 25, &h);
  auto count_reads = [&](const DB& db, Counts* kinds, Counts* types) {
    auto snap = *db.GetSnapshot(db.Head());
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
    rocksdb::get_perf_context()->Reset();
    auto counts = CountByType(*snap);
    const uint64_t reads = ReadsSinceReset();
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    EXPECT_TRUE(counts.ok()) << counts.status();
    *kinds = NonZero(counts->nodes_by_kind);
    *types = NonZero(counts->edges_by_type);
    return reads;
  };
  Counts kinds, types;
  {
    auto db = *DB::Open(h.dir, SmallChunks());
    EXPECT_EQ(count_reads(*db, &kinds, &types), 0u);
    EXPECT_EQ(kinds, ModelNodesByKind(h.model.at(h.model.head())));
    EXPECT_EQ(types, ModelEdgesByType(h.model.at(h.model.head())));
    ASSERT_FALSE(kinds.empty());
    ASSERT_FALSE(types.empty());
    WriteOldFormatRecords(*db);
  }
  // The probe sees reads: the fallback scan of an old-format revision.
  auto db = *DB::Open(h.dir, SmallChunks());
  EXPECT_GT(count_reads(*db, &kinds, &types), 0u);
  EXPECT_EQ(kinds, ModelNodesByKind(h.model.at(h.model.head())));
  EXPECT_EQ(types, ModelEdgesByType(h.model.at(h.model.head())));
}

// What the model says revision r changed, per kind and per edge type.
void ExpectStoredChanges(const DB& db, Revision r, const Model& model) {
  auto info = db.GetRevision(r);
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_TRUE(info->nodes_changed_by_kind.has_value()) << "revision " << r;
  ASSERT_TRUE(info->edges_changed_by_type.has_value()) << "revision " << r;
  const DiffStat want =
      r == 0 ? DiffStat() : ExpectedStat(model.at(r - 1), model.at(r));
  EXPECT_EQ(*info->nodes_changed_by_kind, want.nodes_by_kind)
      << "revision " << r;
  EXPECT_EQ(*info->edges_changed_by_type, want.edges_by_type)
      << "revision " << r;
}

TEST(TypeCountsTest, StoredChangesMatchModelAcrossChunksAndSeals) {
  for (size_t chunk_bytes : {size_t{1}, size_t{300}, size_t{32} << 20}) {
    Options opts = SmallChunks();
    opts.txn_chunk_bytes = chunk_bytes;
    const std::string dir = TempDir("changes_" + std::to_string(chunk_bytes));
    std::mt19937_64 rng(chunk_bytes + 11);
    Model model;
    {
      auto db = *DB::Open(dir, opts);
      CommitRandom(*db, rng, model, 6, 50, 18);
      // Several revisions sealed in one transaction, each with its own
      // changes; a small key space makes later ops restore earlier ones.
      auto txn = *db->Begin();
      for (int g = 0; g < 3; ++g) {
        RandomOps(rng, *txn, model, 50, 18);
        ASSERT_TRUE(txn->Seal({}).ok());
        model.Commit();
      }
      ASSERT_TRUE(txn->Publish().ok());
      for (Revision r = 0; r <= db->Head(); ++r) {
        ExpectStoredChanges(*db, r, model);
      }
    }
    auto db = *DB::Open(dir, opts);  // as read back from disk
    ASSERT_EQ(db->Head(), 9u);
    for (Revision r = 0; r <= db->Head(); ++r) {
      ExpectStoredChanges(*db, r, model);
      auto stat = RevisionStat(*db, r);
      ASSERT_TRUE(stat.ok()) << stat.status();
      EXPECT_EQ(*stat, r == 0 ? DiffStat()
                              : ExpectedStat(model.at(r - 1), model.at(r)))
          << "revision " << r;
    }
    ExpectVerifies(*db);
  }
}

TEST(TypeCountsTest, RevisionStatReadsNoRecordAndOldFormatFallsBack) {
  History h;
  MakeHistory("stat_reads", 9, 4, 60, 25, &h);
  auto stat_reads = [&](const DB& db, Revision r, DiffStat* out) {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
    rocksdb::get_perf_context()->Reset();
    auto stat = RevisionStat(db, r);
    const uint64_t reads = ReadsSinceReset();
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    EXPECT_TRUE(stat.ok()) << stat.status();
    if (stat.ok()) *out = *stat;
    return reads;
  };
  {
    auto db = *DB::Open(h.dir, SmallChunks());
    for (Revision r = 1; r <= db->Head(); ++r) {
      DiffStat got;
      EXPECT_EQ(stat_reads(*db, r, &got), 0u) << "revision " << r;
      EXPECT_EQ(got, ExpectedStat(h.model.at(r - 1), h.model.at(r)));
    }
    WriteOldFormatRecords(*db);
  }
  // Old records have no stored changes: RevisionStat diffs, same answer.
  auto db = *DB::Open(h.dir, SmallChunks());
  for (Revision r = 1; r <= db->Head(); ++r) {
    EXPECT_FALSE(db->GetRevision(r)->nodes_changed_by_kind.has_value());
    DiffStat got;
    EXPECT_GT(stat_reads(*db, r, &got), 0u) << "revision " << r;
    EXPECT_EQ(got, ExpectedStat(h.model.at(r - 1), h.model.at(r)));
  }
}

TEST(TypeCountsTest, VerifyReportsWrongStoredChanges) {
  History h;
  MakeHistory("wrong_changes", 4, 3, 30, 15, &h);
  {
    auto db = *DB::Open(h.dir, SmallChunks());
    const storage::DBImpl& impl = storage::Impl(*db);
    std::string raw;
    ASSERT_TRUE(impl.rdb()
                    ->Get(rocksdb::ReadOptions(), impl.cf(Cf::kRevisions),
                          storage::RevKey(3), &raw)
                    .ok());
    std::optional<storage::RevisionTypeCounts> counts;
    auto info = storage::DecodeRevisionRecord(raw, &counts);
    ASSERT_TRUE(info.ok() && counts.has_value() && counts->edge_changes);
    ASSERT_FALSE(counts->edge_changes->empty());
    ++(*counts->edge_changes)[0].second.added;
    ASSERT_TRUE(impl.rdb()
                    ->Put(rocksdb::WriteOptions(), impl.cf(Cf::kRevisions),
                          storage::RevKey(3),
                          storage::EncodeRevisionRecord(*info, &*counts))
                    .ok());
  }
  auto db = *DB::Open(h.dir, SmallChunks());
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  ASSERT_EQ(report.problems.size(), 1u)
      << ::testing::PrintToString(report.problems);
  EXPECT_NE(report.problems[0].find("revision 3: stored changes per edge type"),
            std::string::npos)
      << report.problems[0];
}

}  // namespace
}  // namespace critgraph
