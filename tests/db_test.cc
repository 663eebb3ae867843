// Unit tests of the storage core through the public API.
#include "critgraph/db.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using testing::TempDir;

Node MakeNode(std::string key, std::string kind, std::string en = "") {
  Node n{std::move(key), std::move(kind), {}, {}};
  if (!en.empty()) n.names["en"] = en;
  return n;
}

std::unique_ptr<DB> OpenNew(const std::string& name) {
  auto db = DB::Open(TempDir(name));
  EXPECT_TRUE(db.ok()) << db.status();
  return *std::move(db);
}

Revision CommitNodes(DB& db, std::vector<Node> nodes, CommitInfo info = {}) {
  auto txn = db.Begin();
  EXPECT_TRUE(txn.ok()) << txn.status();
  for (const auto& n : nodes) EXPECT_TRUE((*txn)->PutNode(n).ok());
  auto rev = (*txn)->Commit(info);
  EXPECT_TRUE(rev.ok()) << rev.status();
  return rev.ok() ? *rev : 0;
}

TEST(DB, EmptyDatabaseHasRootRevision) {
  auto db = OpenNew("db");
  EXPECT_EQ(db->Head(), 0u);
  EXPECT_TRUE(db->Log().empty());
  auto snap = db->GetSnapshot(Revision{0});
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->node_count(), 0u);
  EXPECT_EQ((*snap)->digest(), Digest{});
  EXPECT_EQ(db->GetSnapshot(Revision{1}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DB, CommitCreatesImmutableRevisions) {
  auto db = OpenNew("db");
  Revision r1 =
      CommitNodes(*db, {MakeNode("us-cet/quantum", "foreign_list_entry",
                                 "Quantum Information Technologies")});
  Revision r2 = CommitNodes(
      *db, {MakeNode("us-cet/quantum", "foreign_list_entry",
                     "Quantum Information and Enabling Technologies")});
  EXPECT_EQ(r1, 1u);
  EXPECT_EQ(r2, 2u);
  auto s1 = db->GetSnapshot(r1);
  auto s2 = db->GetSnapshot(r2);
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ((*s1)->GetNode("us-cet/quantum")->names.at("en"),
            "Quantum Information Technologies");
  EXPECT_EQ((*s2)->GetNode("us-cet/quantum")->names.at("en"),
            "Quantum Information and Enabling Technologies");
  EXPECT_NE((*s1)->digest(), (*s2)->digest());
  EXPECT_EQ((*s2)->GetNode("missing").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DB, PropertiesRoundTripAllTypes) {
  auto db = OpenNew("db");
  Node n = MakeNode("m/1", "material", "Rare earths");
  n.names["ja"] = "レアアース";
  n.names["zh"] = "稀土";
  n.props["s"] = std::string("text");
  n.props["i"] = int64_t{-42};
  n.props["d"] = 2.5;
  n.props["b"] = true;
  n.props["l"] = std::vector<std::string>{"x", "y"};
  CommitNodes(*db, {n});
  auto got = (*db->GetSnapshot("HEAD"))->GetNode("m/1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, n);
}

TEST(DB, DeletingANodeDeletesItsEdges) {
  auto db = OpenNew("db");
  auto txn = *db->Begin();
  ASSERT_TRUE(txn->PutNode(MakeNode("a", "technology")).ok());
  ASSERT_TRUE(txn->PutNode(MakeNode("b", "material")).ok());
  ASSERT_TRUE(txn->PutNode(MakeNode("c", "domain")).ok());
  ASSERT_TRUE(txn->PutEdge({"a", "depends_on", "b", {}}).ok());
  ASSERT_TRUE(txn->PutEdge({"c", "covers", "b", {}}).ok());
  ASSERT_TRUE(txn->PutEdge({"a", "part_of", "c", {}}).ok());
  ASSERT_TRUE(txn->Commit({}).ok());
  txn = *db->Begin();
  ASSERT_TRUE(txn->DeleteNode("b").ok());
  ASSERT_TRUE(txn->Commit({}).ok());
  auto s1 = *db->GetSnapshot(Revision{1});
  auto s2 = *db->GetSnapshot(Revision{2});
  EXPECT_EQ(s1->edge_count(), 3u);
  EXPECT_EQ(s2->edge_count(), 1u);
  EXPECT_EQ(s2->OutEdges("a")->size(), 1u);
  EXPECT_EQ(s2->InEdges("c")->size(), 1u);
  EXPECT_EQ(s1->InEdges("b")->size(), 2u);
  EXPECT_EQ(s2->GetEdge("a", "depends_on", "b").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DB, BadInputIsRefusedAndChangesNothing) {
  auto db = OpenNew("db");
  CommitNodes(*db, {MakeNode("a", "technology")});
  const Digest before = db->GetRevision(1)->digest;
  auto txn = *db->Begin();
  EXPECT_EQ(txn->PutNode(MakeNode("x", "no_such_kind")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(txn->PutNode(MakeNode("", "technology")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(txn->PutNode(MakeNode(std::string(2000, 'k'), "technology")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(txn->PutNode(MakeNode("bad\xff\xfe", "technology")).code(),
            absl::StatusCode::kInvalidArgument);
  Node bad_name = MakeNode("y", "technology");
  bad_name.names["en"] = "\xc0\x80";  // overlong encoding
  EXPECT_EQ(txn->PutNode(bad_name).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(txn->PutEdge({"a", "part_of", "missing", {}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(txn->PutEdge({"a", "no_such_type", "a", {}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(txn->DeleteNode("missing").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(txn->DeleteEdge("a", "part_of", "a").code(),
            absl::StatusCode::kNotFound);
  CommitInfo bad_date;
  bad_date.effective_date = "2023-02-30";
  EXPECT_EQ(txn->Commit(bad_date).status().code(),
            absl::StatusCode::kInvalidArgument);
  txn->Rollback();
  EXPECT_EQ(db->Head(), 1u);
  EXPECT_EQ(db->GetRevision(1)->digest, before);
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(DB, TransactionSizeLimit) {
  Options opts;
  opts.max_txn_ops = 10;
  auto db = *DB::Open(TempDir("db"), opts);
  auto txn = *db->Begin();
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(txn->PutNode(MakeNode("k" + std::to_string(i), "domain")).ok());
  }
  auto st = txn->PutNode(MakeNode("k9", "domain"));
  ASSERT_TRUE(st.ok());
  st = txn->PutNode(MakeNode("k10", "domain"));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("max_txn_ops"), std::string::npos);
}

TEST(DB, OneWriterAtATime) {
  auto db = OpenNew("db");
  auto t1 = db->Begin();
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(db->Begin().status().code(), absl::StatusCode::kFailedPrecondition);
  (*t1)->Rollback();
  EXPECT_TRUE(db->Begin().ok());
}

TEST(DB, SecondOpenIsLocked) {
  std::string dir = TempDir("db");
  auto db = DB::Open(dir);
  ASSERT_TRUE(db.ok());
  auto second = DB::Open(dir);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("locked"), std::string::npos);
}

TEST(DB, TagsAndRevisionNames) {
  auto db = OpenNew("db");
  CommitInfo a;
  a.effective_date = "2020-10-15";
  a.tags = {"us-cet-2020"};
  CommitNodes(*db, {MakeNode("a", "list")}, a);
  CommitInfo b;
  b.effective_date = "2022-02-08";
  CommitNodes(*db, {MakeNode("b", "list")}, b);
  CommitNodes(*db, {MakeNode("c", "list")});
  EXPECT_EQ(*db->Resolve("HEAD"), 3u);
  EXPECT_EQ(*db->Resolve("HEAD~1"), 2u);
  EXPECT_EQ(*db->Resolve("HEAD~3"), 0u);
  EXPECT_EQ(db->Resolve("HEAD~4").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*db->Resolve("2"), 2u);
  EXPECT_EQ(db->Resolve("9").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*db->Resolve("us-cet-2020"), 1u);
  EXPECT_EQ(*db->Resolve("@2021-01-01"), 1u);
  EXPECT_EQ(*db->Resolve("@2022-02-08"), 2u);
  EXPECT_EQ(*db->Resolve("@2030-01-01"), 2u);  // rev 3 has no date
  EXPECT_EQ(db->Resolve("@2019-01-01").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(db->Resolve("@2019-13-01").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Resolve("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(db->Resolve("HEAD~x").status().code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(db->Tag("us-cet-2020", 2).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(db->Tag("us-cet-2020", 1).ok());  // same target: no-op
  EXPECT_TRUE(db->Tag("us-cet-2020", 2, /*force=*/true).ok());
  EXPECT_EQ(*db->Resolve("us-cet-2020"), 2u);
  EXPECT_EQ(db->Tag("123", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Tag("x", 7).code(), absl::StatusCode::kNotFound);
  CommitInfo clash;
  clash.tags = {"us-cet-2020"};
  auto txn = *db->Begin();
  EXPECT_EQ(txn->Commit(clash).status().code(),
            absl::StatusCode::kAlreadyExists);
  txn->Rollback();
  auto log = db->Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].number, 3u);
  EXPECT_EQ(log[1].tags, std::vector<std::string>{"us-cet-2020"});
  EXPECT_EQ(log[2].effective_date, "2020-10-15");
}

TEST(DB, RegistryIsVersioned) {
  auto db = OpenNew("db");
  auto txn = *db->Begin();
  ASSERT_TRUE(txn->RegisterNodeKind("organization").ok());
  ASSERT_TRUE(txn->RegisterEdgeType("funds").ok());
  EXPECT_EQ(txn->RegisterNodeKind("Bad-Name").code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(txn->PutNode(MakeNode("org/jst", "organization")).ok());
  ASSERT_TRUE(txn->PutNode(MakeNode("t", "technology")).ok());
  ASSERT_TRUE(txn->PutEdge({"org/jst", "funds", "t", {}}).ok());
  ASSERT_TRUE(txn->Commit({}).ok());
  auto s0 = *db->GetSnapshot(Revision{0});
  auto s1 = *db->GetSnapshot(Revision{1});
  auto has = [](const std::vector<std::string>& v, const char* x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  EXPECT_FALSE(has(s0->NodeKinds(), "organization"));
  EXPECT_TRUE(has(s1->NodeKinds(), "organization"));
  EXPECT_TRUE(has(s1->EdgeTypes(), "funds"));
  EXPECT_EQ(s1->NodesOfKind("organization")->size(), 1u);
  EXPECT_EQ(s0->NodesOfKind("organization").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Registrations survive reopen.
  db.reset();
  auto again = DB::Open(TempDir("unused"));  // a different db is fine
  ASSERT_TRUE(again.ok());
}

TEST(DB, RollbackOfSpilledTransactionLeavesNothing) {
  Options opts;
  opts.txn_chunk_bytes = 512;  // spill after a few ops
  auto db = *DB::Open(TempDir("db"), opts);
  CommitNodes(*db, {MakeNode("keep", "technology")});
  {
    auto txn = *db->Begin();
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(txn->PutNode(MakeNode("tmp/" + std::to_string(i), "material",
                                        "spilled"))
                      .ok());
    }
    ASSERT_TRUE(txn->PutEdge({"tmp/1", "depends_on", "keep", {}}).ok());
    // Destroyed without commit: rolled back.
  }
  Revision r = CommitNodes(*db, {MakeNode("after", "technology")});
  auto snap = *db->GetSnapshot(r);
  EXPECT_EQ(snap->node_count(), 2u);
  EXPECT_FALSE(*snap->HasNode("tmp/1"));
  EXPECT_TRUE(snap->InEdges("keep")->empty());
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

TEST(DB, ReadOnlyOpenSeesCommittedData) {
  std::string dir = TempDir("db");
  {
    auto db = *DB::Open(dir);
    CommitNodes(*db, {MakeNode("a", "technology")});
  }
  auto ro = DB::OpenReadOnly(dir);
  ASSERT_TRUE(ro.ok()) << ro.status();
  EXPECT_EQ((*ro)->Head(), 1u);
  EXPECT_EQ((*ro)->Begin().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(DB::OpenReadOnly(TempDir("none")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DB, RefusesForeignOrNewerFormat) {
  std::string dir = TempDir("db");
  { auto db = *DB::Open(dir); }
  // Rewrite the format version through RocksDB-level tooling is not exposed;
  // a directory of garbage is the simplest foreign store.
  std::string junk = TempDir("junk");
  std::filesystem::create_directories(junk);
  {
    FILE* f = fopen((junk + "/CURRENT").c_str(), "w");
    fputs("MANIFEST-000099\n", f);
    fclose(f);
  }
  auto st = DB::Open(junk).status();
  EXPECT_FALSE(st.ok());
}

TEST(DB, EqualContentGivesEqualDigest) {
  auto db = OpenNew("db");
  Revision r1 = CommitNodes(
      *db, {MakeNode("a", "technology", "A"), MakeNode("b", "material")});
  CommitNodes(*db, {MakeNode("a", "technology", "changed")});
  auto txn = *db->Begin();
  ASSERT_TRUE(txn->PutNode(MakeNode("a", "technology", "A")).ok());
  Revision r3 = *txn->Commit({});
  EXPECT_EQ(db->GetRevision(r1)->digest, db->GetRevision(r3)->digest);
  // A commit that changes nothing records no changes.
  auto noop = *db->Begin();
  ASSERT_TRUE(noop->PutNode(MakeNode("a", "technology", "A")).ok());
  Revision r4 = *noop->Commit({});
  EXPECT_EQ(db->GetRevision(r4)->change_count, 0u);
  EXPECT_EQ(db->GetRevision(r3)->change_count, 1u);
}

TEST(DB, SealAndPublishRules) {
  auto db = OpenNew("db");
  CommitNodes(*db, {MakeNode("a", "technology")}, {.tags = {"old"}});
  auto txn = *db->Begin();
  // Nothing sealed yet.
  EXPECT_EQ(txn->Publish().status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(txn->PutNode(MakeNode("b", "material")).ok());
  // A tag taken by a published revision, or by an earlier sealed one.
  EXPECT_EQ(txn->Seal({.tags = {"old"}}).status().code(),
            absl::StatusCode::kAlreadyExists);
  auto first = txn->Seal({.message = "one", .tags = {"t1"}});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 2u);
  EXPECT_EQ(txn->sealed_revisions(), 1u);
  EXPECT_EQ(txn->pending_revision(), 3u);
  auto dup = txn->Seal({.tags = {"t1"}});
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("revision 2"), std::string::npos)
      << dup.status();
  // The next revision sees the sealed one.
  auto b = txn->GetNode("b");
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_TRUE(txn->DeleteNode("a").ok());
  // Staged but unsealed operations block Publish.
  EXPECT_EQ(txn->Publish().status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(txn->Seal({.message = "two", .tags = {"t2"}}).ok());
  // Readers still see revision 1 only.
  EXPECT_EQ(db->Head(), 1u);
  EXPECT_FALSE(db->Resolve("t1").ok());
  auto last = txn->Publish();
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 3u);
  EXPECT_EQ(db->Head(), 3u);
  EXPECT_EQ(*db->Resolve("t1"), 2u);
  EXPECT_EQ(*db->Resolve("t2"), 3u);
  auto r2 = *db->GetSnapshot(Revision{2});
  EXPECT_TRUE(r2->GetNode("a").ok());
  EXPECT_TRUE(r2->GetNode("b").ok());
  EXPECT_EQ(r2->info().parent, 1u);
  auto r3 = *db->GetSnapshot(Revision{3});
  EXPECT_FALSE(r3->GetNode("a").ok());
  EXPECT_EQ(r3->info().parent, 2u);
  EXPECT_EQ(r3->node_count(), 1u);
  // Finished.
  EXPECT_EQ(txn->Seal({}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DB, RolledBackSealedRevisionsLeaveNothing) {
  Options opts;
  opts.txn_chunk_bytes = 256;  // every revision spills in several chunks
  const std::string dir = TempDir("db");
  Digest before;
  {
    auto db = *DB::Open(dir, opts);
    CommitNodes(*db, {MakeNode("keep", "technology", "Keep")});
    before = (*db->GetSnapshot(Revision{1}))->digest();
    auto txn = *db->Begin();
    for (int r = 0; r < 3; ++r) {
      ASSERT_TRUE(txn->RegisterNodeKind("organization").ok());
      for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(
            txn->PutNode(MakeNode("n" + std::to_string(r * 100 + i),
                                  i % 2 ? "organization" : "material", "name"))
                .ok());
      }
      ASSERT_TRUE(
          txn->PutEdge(
                 {"n" + std::to_string(r * 100), "depends_on", "keep", {}})
              .ok());
      ASSERT_TRUE(txn->Seal({.tags = {"s" + std::to_string(r)}}).ok());
    }
    txn.reset();  // destroying it rolls back
    EXPECT_EQ(db->Head(), 1u);
    // The same tags and keys can be committed afterwards, and nothing of the
    // rolled-back revisions surfaces.
    auto next =
        CommitNodes(*db, {MakeNode("other", "domain")}, {.tags = {"s0"}});
    EXPECT_EQ(next, 2u);
    auto snap = *db->GetSnapshot(Revision{2});
    EXPECT_EQ(snap->node_count(), 2u);
    EXPECT_EQ(snap->edge_count(), 0u);
    EXPECT_FALSE(snap->GetNode("n0").ok());
    VerifyReport report;
    ASSERT_TRUE(db->Verify(&report).ok());
    EXPECT_TRUE(report.ok()) << report.problems[0];
  }
  auto db = *DB::Open(dir, opts);
  EXPECT_EQ((*db->GetSnapshot(Revision{1}))->digest(), before);
  EXPECT_EQ(db->Head(), 2u);
}

// After a writer closes, the write-ahead log holds nothing a later open
// would have to replay: every log file left in the directory is empty.
TEST(DB, CloseLeavesNothingToReplay) {
  Options opts;
  opts.txn_chunk_bytes = 4096;
  const std::string dir = TempDir("db");
  {
    auto db = *DB::Open(dir, opts);
    for (int r = 0; r < 5; ++r) {
      std::vector<Node> nodes;
      for (int i = 0; i < 500; ++i) {
        nodes.push_back(
            MakeNode("n" + std::to_string(r * 1000 + i), "technology", "name"));
      }
      CommitNodes(*db, nodes);
    }
    ASSERT_TRUE(db->Tag("five", 5).ok());
  }
  uint64_t log_bytes = 0;
  int logs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") {
      ++logs;
      log_bytes += entry.file_size();
    }
  }
  EXPECT_GE(logs, 1);
  EXPECT_EQ(log_bytes, 0u) << "the next open would replay " << log_bytes
                           << " bytes of log";
  auto ro = DB::OpenReadOnly(dir);
  ASSERT_TRUE(ro.ok()) << ro.status();
  EXPECT_EQ((*ro)->Head(), 5u);
  EXPECT_EQ(*(*ro)->Resolve("five"), 5u);
}

}  // namespace
}  // namespace critgraph
