// Diff engine tests: random histories checked against the in-memory model
// (unscoped and scoped), patch round trips, digest identity, hand-built
// cases, and a check that a diff reads the change log, not the graph.
#include "critgraph/diff.h"

#include <memory>
#include <random>
#include <set>

#include "critgraph/critgraph.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/diff_format.h"
#include "gtest/gtest.h"
#include "rocksdb/perf_context.h"
#include "rocksdb/perf_level.h"
#include "storage/snapshot_impl.h"
#include "tests/diff_model.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::CompareSnapshot;
using testing::ExpectedDiff;
using testing::ExpectedStat;
using testing::Induce;
using testing::Model;
using testing::ModelScope;
using testing::ModelState;
using testing::RandomOps;
using testing::TempDir;

Options TestOptions() {
  Options o;
  o.sync = false;
  return o;
}

std::unique_ptr<DB> OpenFresh(const std::string& name,
                              const Options& options = TestOptions()) {
  auto db = DB::Open(TempDir(name), options);
  EXPECT_TRUE(db.ok()) << db.status();
  return *std::move(db);
}

// A database and the model of its history.
struct History {
  std::unique_ptr<DB> db;
  Model model;
};

// chunk_bytes: Options::txn_chunk_bytes (tiny values make commits spill).
History BuildHistory(uint64_t seed, int revisions, int ops_per_rev,
                     int key_space, size_t chunk_bytes = size_t{32} << 20) {
  std::mt19937_64 rng(seed);
  History h;
  Options options = TestOptions();
  options.txn_chunk_bytes = chunk_bytes;
  h.db = OpenFresh(StrCat("h", seed), options);
  for (int r = 0; r < revisions; ++r) {
    auto txn = *h.db->Begin();
    // Some revisions are empty or tiny, so that states repeat now and then.
    int ops = rng() % 8 == 0 ? 0 : 1 + static_cast<int>(rng() % ops_per_rev);
    RandomOps(rng, *txn, h.model, ops, key_space);
    if (rng() % 12 == 0) {
      txn->Rollback();
      h.model.Rollback();
      continue;
    }
    EXPECT_TRUE(txn->Commit({}).ok());
    h.model.Commit();
  }
  return h;
}

std::string Show(const absl::StatusOr<DiffResult>& d) {
  return d.ok() ? io::DiffJson(*d) : d.status().ToString();
}

// Loads `s` into a fresh revision of `db` through the change-stream ops.
void Load(DB& db, const ModelState& s) {
  auto txn = *db.Begin();
  for (const auto& [k, n] : s.nodes) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kNode;
    op.node = n;
    ASSERT_TRUE(io::ApplyChange(*txn, op).ok());
  }
  for (const auto& [id, e] : s.edges) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kEdge;
    op.edge = e;
    ASSERT_TRUE(io::ApplyChange(*txn, op).ok());
  }
  ASSERT_TRUE(txn->Commit({.message = "load"}).ok());
}

// Applies `ops` as one revision, optionally through the JSONL text form.
void ApplyPatch(DB& db, const std::vector<ChangeOp>& ops, bool as_text) {
  auto txn = *db.Begin();
  for (const auto& op : ops) {
    ASSERT_NE(op.kind, ChangeOp::Kind::kCommit);
    if (as_text) {
      std::string line = io::ToChangeLine(op);
      auto parsed = io::ParseChangeLine(line);
      ASSERT_TRUE(parsed.ok()) << parsed.status() << " in " << line;
      ASSERT_TRUE(*parsed == op) << line;
      auto st = io::ApplyChange(*txn, *parsed);
      ASSERT_TRUE(st.ok()) << st << " applying " << line;
    } else {
      auto st = io::ApplyChange(*txn, op);
      ASSERT_TRUE(st.ok()) << st << " applying " << io::ToChangeLine(op);
    }
  }
  ASSERT_TRUE(txn->Commit({.message = "patch"}).ok());
}

// ---------------------------------------------------------------------------
// Random histories against the model.

TEST(Diff, RandomPairsMatchModelSetDifference) {
  struct Config {
    uint64_t seed;
    int revisions, ops, keys;
    size_t chunk_bytes = size_t{32} << 20;
  };
  for (Config c :
       {Config{1, 40, 30, 25}, Config{2, 60, 10, 12}, Config{3, 30, 80, 60},
        Config{4, 80, 5, 6}, Config{5, 30, 40, 15, 300}}) {
    History h = BuildHistory(c.seed, c.revisions, c.ops, c.keys, c.chunk_bytes);
    const Revision head = h.model.head();
    std::mt19937_64 rng(c.seed * 77);
    for (int i = 0; i < 60; ++i) {
      Revision a = rng() % (head + 1), b = rng() % (head + 1);
      for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
        auto got = Diff(*h.db, x, y);
        ASSERT_TRUE(got.ok()) << got.status();
        DiffResult want = ExpectedDiff(h.model.at(x), h.model.at(y), x, y);
        ASSERT_TRUE(*got == want)
            << "seed " << c.seed << " diff " << x << ".." << y << "\ngot  "
            << io::DiffJson(*got) << "\nwant " << io::DiffJson(want);
        ASSERT_EQ(got->Stat(), ExpectedStat(h.model.at(x), h.model.at(y)));
        ASSERT_EQ(got->empty(), h.model.at(x).nodes == h.model.at(y).nodes &&
                                    h.model.at(x).edges == h.model.at(y).edges);
      }
    }
    for (Revision r = 0; r <= head; ++r) {
      auto stat = RevisionStat(*h.db, r);
      ASSERT_TRUE(stat.ok()) << stat.status();
      DiffStat want =
          r == 0 ? DiffStat() : ExpectedStat(h.model.at(r - 1), h.model.at(r));
      ASSERT_EQ(*stat, want) << "revision " << r;
    }
  }
}

TEST(Diff, ScopedRandomPairsMatchModelInducedSubgraphs) {
  const std::vector<std::vector<std::string>> kTypeSets = {
      {}, {"part_of"}, {"maps_to", "depends_on"}};
  const Direction kDirs[] = {Direction::kOut, Direction::kIn, Direction::kBoth};
  for (uint64_t seed : {21, 22, 23}) {
    History h = BuildHistory(seed, 40, 25, 20);
    const Revision head = h.model.head();
    std::mt19937_64 rng(seed);
    int checked = 0, nonempty = 0;
    for (int i = 0; i < 150; ++i) {
      Revision a = rng() % (head + 1), b = rng() % (head + 1);
      DiffOptions o;
      o.scope_root = StrCat("k/", rng() % 20);
      o.direction = kDirs[rng() % 3];
      o.edge_types = kTypeSets[rng() % kTypeSets.size()];
      switch (rng() % 4) {
        case 0:
          o.max_depth = 0;
          break;
        case 1:
          o.max_depth = 1;
          break;
        case 2:
          o.max_depth = 2;
          break;
        default:
          break;
      }
      for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
        auto sx = ModelScope(h.model.at(x), *o.scope_root, o.direction,
                             o.edge_types, o.max_depth);
        auto sy = ModelScope(h.model.at(y), *o.scope_root, o.direction,
                             o.edge_types, o.max_depth);
        auto got = Diff(*h.db, x, y, o);
        if (sx.empty() && sy.empty()) {
          ASSERT_TRUE(absl::IsNotFound(got.status())) << Show(got);
          continue;
        }
        ASSERT_TRUE(got.ok()) << got.status();
        ModelState ix = Induce(h.model.at(x), sx);
        ModelState iy = Induce(h.model.at(y), sy);
        DiffResult want = ExpectedDiff(ix, iy, x, y);
        ASSERT_TRUE(*got == want)
            << "seed " << seed << " diff " << x << ".." << y << " root "
            << *o.scope_root << "\ngot  " << io::DiffJson(*got) << "\nwant "
            << io::DiffJson(want);
        ASSERT_EQ(got->Stat(), ExpectedStat(ix, iy));
        ++checked;
        if (!want.empty()) ++nonempty;
      }
    }
    EXPECT_GT(checked, 100);
    EXPECT_GT(nonempty, checked / 2);
  }
}

// ---------------------------------------------------------------------------
// Patches.

TEST(Diff, PatchRoundTripsOverRandomHistories) {
  for (uint64_t seed : {31, 32}) {
    History h = BuildHistory(seed, 30, 30, 20);
    const Revision head = h.model.head();
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 8; ++i) {
      Revision a = rng() % (head + 1), b = rng() % (head + 1);
      auto d = Diff(*h.db, a, b);
      ASSERT_TRUE(d.ok()) << d.status();
      auto copy = OpenFresh(StrCat("copy", i));
      Load(*copy, h.model.at(a));
      ApplyPatch(*copy, d->ToPatch(), /*as_text=*/i % 2 == 1);
      auto got = *copy->GetSnapshot(copy->Head());
      auto want = *h.db->GetSnapshot(b);
      ASSERT_EQ(got->digest(), want->digest()) << a << ".." << b;
      ASSERT_EQ(CompareSnapshot(*got, h.model.at(b)), "");
      // The copy's two revisions now diff like the original's.
      auto again = Diff(*copy, copy->Head() - 1, copy->Head());
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(
          io::DiffJson(*again).substr(io::DiffJson(*again).find(",\"nodes\"")),
          io::DiffJson(*d).substr(io::DiffJson(*d).find(",\"nodes\"")));
    }
  }
}

TEST(Diff, ScopedPatchTurnsOneInducedSubgraphIntoTheOther) {
  History h = BuildHistory(41, 30, 30, 15);
  const Revision head = h.model.head();
  std::mt19937_64 rng(41);
  int done = 0;
  for (int i = 0; i < 40 && done < 6; ++i) {
    Revision a = rng() % (head + 1), b = rng() % (head + 1);
    DiffOptions o;
    o.scope_root = StrCat("k/", rng() % 15);
    o.direction = i % 2 ? Direction::kIn : Direction::kBoth;
    auto sa = ModelScope(h.model.at(a), *o.scope_root, o.direction, {}, {});
    auto sb = ModelScope(h.model.at(b), *o.scope_root, o.direction, {}, {});
    if (sa.empty() && sb.empty()) continue;
    auto d = Diff(*h.db, a, b, o);
    ASSERT_TRUE(d.ok()) << d.status();
    auto copy = OpenFresh(StrCat("scoped", i));
    Load(*copy, Induce(h.model.at(a), sa));
    ApplyPatch(*copy, d->ToPatch(), /*as_text=*/true);
    auto got = *copy->GetSnapshot(copy->Head());
    ASSERT_EQ(CompareSnapshot(*got, Induce(h.model.at(b), sb)), "")
        << a << ".." << b << " root " << *o.scope_root;
    ++done;
  }
  EXPECT_EQ(done, 6);
}

TEST(Diff, PatchOrderIsRegistrationsDeletesThenUpserts) {
  auto db = OpenFresh("order");
  {
    auto txn = *db->Begin();
    ASSERT_TRUE(txn->PutNode({"a", "domain", {}, {}}).ok());
    ASSERT_TRUE(txn->PutNode({"b", "domain", {}, {}}).ok());
    ASSERT_TRUE(txn->PutNode({"c", "domain", {}, {}}).ok());
    ASSERT_TRUE(txn->PutEdge({"a", "part_of", "b", {}}).ok());
    ASSERT_TRUE(txn->PutEdge({"b", "part_of", "c", {}}).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  {
    auto txn = *db->Begin();
    ASSERT_TRUE(txn->RegisterNodeKind("organization").ok());
    ASSERT_TRUE(txn->RegisterEdgeType("funds").ok());
    ASSERT_TRUE(txn->DeleteNode("b").ok());
    ASSERT_TRUE(txn->PutNode({"c", "domain", {{"en", "C"}}, {}}).ok());
    ASSERT_TRUE(txn->PutNode({"org", "organization", {}, {}}).ok());
    ASSERT_TRUE(
        txn->PutEdge({"org", "funds", "a", {{"usd", int64_t{5}}}}).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  auto d = *Diff(*db, 1, 2);
  EXPECT_EQ(d.node_kinds_registered, std::vector<std::string>{"organization"});
  EXPECT_EQ(d.edge_types_registered, std::vector<std::string>{"funds"});
  std::vector<std::string> lines;
  for (const auto& op : d.ToPatch()) lines.push_back(io::ToChangeLine(op));
  std::vector<std::string> want = {
      R"({"op":"register","node_kind":"organization"})",
      R"({"op":"register","edge_type":"funds"})",
      R"({"op":"del_edge","from":"a","type":"part_of","to":"b"})",
      R"({"op":"del_edge","from":"b","type":"part_of","to":"c"})",
      R"({"op":"del_node","key":"b"})",
      R"({"op":"node","key":"c","kind":"domain","names":{"en":"C"},"props":{}})",
      R"({"op":"node","key":"org","kind":"organization","names":{},"props":{}})",
      R"({"op":"edge","from":"org","type":"funds","to":"a","props":{"usd":5}})",
  };
  EXPECT_EQ(lines, want);
  // Registrations are not undone: the reversed diff registers nothing.
  auto r = *Diff(*db, 2, 1);
  EXPECT_TRUE(r.node_kinds_registered.empty());
  EXPECT_TRUE(r.edge_types_registered.empty());
  // Round trip, registrations included.
  auto copy = OpenFresh("order-copy");
  Load(*copy, testing::ReadAll(**db->GetSnapshot(Revision{1})));
  ApplyPatch(*copy, d.ToPatch(), /*as_text=*/true);
  EXPECT_EQ((*copy->GetSnapshot(copy->Head()))->digest(),
            (*db->GetSnapshot(Revision{2}))->digest());
}

// ---------------------------------------------------------------------------
// Content identity.

TEST(Diff, EqualDigestsIffEmptyDiff) {
  // Revisions that return to earlier states: empty commits, and commits that
  // apply a reversed diff's patch to go back to an older revision.
  History h = BuildHistory(51, 12, 10, 8);
  std::mt19937_64 rng(51);
  for (int i = 0; i < 10; ++i) {
    const Revision head = h.db->Head();
    const Revision old = rng() % (head + 1);
    auto back = Diff(*h.db, head, old);
    ASSERT_TRUE(back.ok());
    ApplyPatch(*h.db, back->ToPatch(), /*as_text=*/false);
    h.model.working() = h.model.at(old);
    h.model.Commit();
    ASSERT_EQ((*h.db->GetSnapshot(h.db->Head()))->digest(),
              (*h.db->GetSnapshot(old))->digest());
    ASSERT_EQ(
        CompareSnapshot(**h.db->GetSnapshot(h.db->Head()), h.model.at(old)),
        "");
    auto txn = *h.db->Begin();
    ASSERT_TRUE(txn->Commit({.message = "empty"}).ok());
    h.model.Commit();
    txn = *h.db->Begin();
    RandomOps(rng, *txn, h.model, 3, 8);
    ASSERT_TRUE(txn->Commit({}).ok());
    h.model.Commit();
  }
  const Revision head = h.db->Head();
  int equal_pairs = 0;
  for (Revision a = 0; a <= head; ++a) {
    for (Revision b = a; b <= head; ++b) {
      auto da = (*h.db->GetSnapshot(a))->digest();
      auto db = (*h.db->GetSnapshot(b))->digest();
      auto d = Diff(*h.db, a, b);
      ASSERT_TRUE(d.ok());
      ASSERT_EQ(d->empty(), da == db)
          << a << ".." << b << " " << io::DiffJson(*d);
      if (a != b && da == db) ++equal_pairs;
    }
  }
  EXPECT_GE(equal_pairs, 20);
  VerifyReport report;
  ASSERT_TRUE(h.db->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems[0];
}

// ---------------------------------------------------------------------------
// Hand-built cases.

class DiffFixture : public ::testing::Test {
 protected:
  void SetUp() override { db_ = OpenFresh("fixture"); }

  Revision Commit(const std::function<void(Transaction&)>& fn,
                  std::string tag = "") {
    auto txn = *db_->Begin();
    fn(*txn);
    CommitInfo info;
    if (!tag.empty()) info.tags = {tag};
    auto rev = txn->Commit(info);
    EXPECT_TRUE(rev.ok()) << rev.status();
    return *rev;
  }

  std::unique_ptr<DB> db_;
};

void Ok(const absl::Status& st) { ASSERT_TRUE(st.ok()) << st; }

TEST_F(DiffFixture, RenameIsOneModification) {
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"us-cet", "list", {{"en", "US CET"}}, {}}));
    Ok(t.PutNode({"us-cet/quantum",
                  "foreign_list_entry",
                  {{"en", "Quantum Information Technologies"}},
                  {{"rank", int64_t{17}}}}));
    Ok(t.PutEdge({"us-cet/quantum", "part_of", "us-cet", {}}));
  });
  Revision r2 = Commit([](Transaction& t) {
    Ok(t.PutNode({"us-cet/quantum",
                  "foreign_list_entry",
                  {{"en", "Quantum Information and Enabling Technologies"}},
                  {{"rank", int64_t{17}}}}));
  });
  auto d = Diff(*db_, r1, r2);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->nodes_added.empty());
  EXPECT_TRUE(d->nodes_removed.empty());
  ASSERT_EQ(d->nodes_modified.size(), 1u);
  const NodeChange& c = d->nodes_modified[0];
  EXPECT_EQ(c.key, "us-cet/quantum");
  EXPECT_EQ(c.kind_before, c.kind_after);
  ASSERT_EQ(c.names.size(), 1u);
  EXPECT_EQ(c.names[0], (NameChange{"en", "Quantum Information Technologies",
                                    "Quantum Information and Enabling "
                                    "Technologies"}));
  EXPECT_TRUE(c.props.empty());
  EXPECT_TRUE(d->edges_added.empty() && d->edges_removed.empty() &&
              d->edges_modified.empty());
  EXPECT_EQ(io::DiffJson(*d),
            R"({"from":1,"to":2,"nodes":{"added":[],"removed":[],"modified":[)"
            R"({"key":"us-cet/quantum","changes":{"names":{"en":{"old":)"
            R"("Quantum Information Technologies","new":"Quantum Information)"
            R"( and Enabling Technologies"}}}}],"added_nodes":[],)"
            R"("removed_nodes":[]},"edges":{"added":[],)"
            R"("removed":[],"modified":[]}})");
  DiffStat s = d->Stat();
  EXPECT_EQ(s.nodes, (ChangeCounts{0, 0, 1}));
  EXPECT_EQ(s.nodes_by_kind.at("foreign_list_entry"), (ChangeCounts{0, 0, 1}));
  EXPECT_EQ(*RevisionStat(*db_, r2), s);
}

TEST_F(DiffFixture, JsonShowsKindPropsEdgesAndNulls) {
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"a", "technology", {{"en", "A"}}, {{"x", 1.5}}}));
    Ok(t.PutNode({"b", "domain", {}, {}}));
    Ok(t.PutNode({"gone", "domain", {}, {}}));
    Ok(t.PutEdge({"a", "part_of", "b", {{"w", int64_t{1}}}}));
    Ok(t.PutEdge({"a", "maps_to", "gone", {}}));
  });
  Revision r2 = Commit([](Transaction& t) {
    Ok(t.PutNode({"a",
                  "material",
                  {{"ja", "エー"}},
                  {{"x", 2.0}, {"tags", std::vector<std::string>{"p", "q"}}}}));
    Ok(t.DeleteNode("gone"));
    Ok(t.PutNode({"new", "domain", {}, {{"ok", true}}}));
    Ok(t.PutEdge({"a", "part_of", "b", {}}));
    Ok(t.PutEdge({"new", "depends_on", "a", {}}));
  });
  auto d = *Diff(*db_, r1, r2);
  EXPECT_EQ(
      io::DiffJson(d),
      R"({"from":1,"to":2,"nodes":{"added":["new"],"removed":["gone"],)"
      R"("modified":[{"key":"a","changes":{"kind":{"old":"technology",)"
      R"("new":"material"},"names":{"en":{"old":"A","new":null},"ja":{"old":)"
      R"(null,"new":"エー"}},"props":{"tags":{"old":null,"new":["p","q"]},)"
      R"("x":{"old":1.5,"new":2.0}}}}],"added_nodes":[{"key":"new",)"
      R"("kind":"domain","names":{}}],"removed_nodes":[{"key":"gone",)"
      R"("kind":"domain","names":{}}]},"edges":{"added":[["new","depends_on",)"
      R"("a"]],"removed":[["a","maps_to","gone"]],"modified":[{"edge":["a",)"
      R"("part_of","b"],"changes":{"props":{"w":{"old":1,"new":null}}}}]}})");
  DiffStat s = d.Stat();
  EXPECT_EQ(s.nodes, (ChangeCounts{1, 1, 1}));
  EXPECT_EQ(s.edges, (ChangeCounts{1, 1, 1}));
  EXPECT_EQ(s.nodes_by_kind.at("material"), (ChangeCounts{0, 0, 1}));
  EXPECT_EQ(s.nodes_by_kind.at("domain"), (ChangeCounts{1, 1, 0}));
  EXPECT_EQ(s.edges_by_type.at("maps_to"), (ChangeCounts{0, 1, 0}));
  EXPECT_EQ(s.edges_by_type.at("depends_on"), (ChangeCounts{1, 0, 0}));
  EXPECT_EQ(s.edges_by_type.at("part_of"), (ChangeCounts{0, 0, 1}));
}

TEST_F(DiffFixture, ChangedAndChangedBackIsEmpty) {
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"a", "technology", {{"en", "A"}}, {{"n", int64_t{1}}}}));
    Ok(t.PutNode({"b", "technology", {}, {}}));
    Ok(t.PutEdge({"a", "depends_on", "b", {{"w", int64_t{1}}}}));
  });
  Revision r2 = Commit([](Transaction& t) {
    Ok(t.PutNode({"a", "technology", {{"en", "A2"}}, {{"n", int64_t{2}}}}));
    Ok(t.PutEdge({"a", "depends_on", "b", {{"w", int64_t{2}}}}));
  });
  Revision r3 = Commit([](Transaction& t) {
    Ok(t.DeleteNode("a"));  // its edge goes with it
  });
  Revision r4 = Commit([](Transaction& t) {
    Ok(t.PutNode({"a", "technology", {{"en", "A"}}, {{"n", int64_t{1}}}}));
    Ok(t.PutEdge({"a", "depends_on", "b", {{"w", int64_t{1}}}}));
  });
  EXPECT_FALSE(Diff(*db_, r1, r2)->empty());
  EXPECT_FALSE(Diff(*db_, r1, r3)->empty());
  EXPECT_TRUE(Diff(*db_, r1, r4)->empty()) << io::DiffJson(*Diff(*db_, r1, r4));
  EXPECT_TRUE(Diff(*db_, r4, r1)->empty());
  EXPECT_EQ(Diff(*db_, r2, r4)->nodes_modified.size(), 1u);
  EXPECT_EQ(Diff(*db_, r2, r4)->edges_modified.size(), 1u);
  EXPECT_EQ((*db_->GetSnapshot(r1))->digest(),
            (*db_->GetSnapshot(r4))->digest());
}

TEST_F(DiffFixture, SameRevisionIsEmpty) {
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"a", "technology", {}, {}}));
  });
  for (Revision r : {Revision{0}, r1}) {
    auto d = Diff(*db_, r, r);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d->empty());
    EXPECT_EQ(d->from, r);
    EXPECT_EQ(d->to, r);
    EXPECT_TRUE(d->ToPatch().empty());
  }
  EXPECT_EQ(Diff(*db_, 0, r1)->nodes_added.size(), 1u);
}

TEST_F(DiffFixture, Errors) {
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"a", "technology", {}, {}}));
  });
  EXPECT_TRUE(absl::IsNotFound(Diff(*db_, r1, 99).status()));
  EXPECT_TRUE(absl::IsNotFound(Diff(*db_, 99, r1).status()));
  EXPECT_TRUE(absl::IsNotFound(RevisionStat(*db_, 99).status()));
  EXPECT_EQ(*RevisionStat(*db_, 0), DiffStat());
  DiffOptions o;
  o.scope_root = "nowhere";
  auto st = Diff(*db_, 0, r1, o).status();
  EXPECT_TRUE(absl::IsNotFound(st)) << st;
  o.scope_root = "a";
  o.edge_types = {"no_such_type"};
  st = Diff(*db_, 0, r1, o).status();
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  // Root absent at one end only: that end's scope is empty.
  o.edge_types = {};
  auto d = Diff(*db_, 0, r1, o);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->nodes_added.size(), 1u);
}

TEST_F(DiffFixture, ReversedDiffSwapsSides) {
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"keep", "domain", {{"en", "old"}}, {}}));
    Ok(t.PutNode({"drop", "domain", {}, {}}));
    Ok(t.PutEdge({"drop", "part_of", "keep", {}}));
  });
  Revision r2 = Commit([](Transaction& t) {
    Ok(t.PutNode({"keep", "technology", {{"en", "new"}}, {}}));
    Ok(t.DeleteNode("drop"));
    Ok(t.PutNode({"add", "domain", {}, {}}));
    Ok(t.PutEdge({"add", "part_of", "keep", {{"w", int64_t{3}}}}));
  });
  auto f = *Diff(*db_, r1, r2);
  auto b = *Diff(*db_, r2, r1);
  EXPECT_EQ(b.from, r2);
  EXPECT_EQ(b.to, r1);
  EXPECT_EQ(f.nodes_added, b.nodes_removed);
  EXPECT_EQ(f.nodes_removed, b.nodes_added);
  EXPECT_EQ(f.edges_added, b.edges_removed);
  EXPECT_EQ(f.edges_removed, b.edges_added);
  ASSERT_EQ(f.nodes_modified.size(), 1u);
  ASSERT_EQ(b.nodes_modified.size(), 1u);
  EXPECT_EQ(f.nodes_modified[0].before, b.nodes_modified[0].after);
  EXPECT_EQ(f.nodes_modified[0].kind_before, b.nodes_modified[0].kind_after);
  EXPECT_EQ(f.nodes_modified[0].names[0].before,
            b.nodes_modified[0].names[0].after);
}

TEST_F(DiffFixture, ListScopeSeesOnlyThatList) {
  // Two lists; members point to their list with part_of.
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"us-cet", "list", {}, {}}));
    Ok(t.PutNode({"eu", "list", {}, {}}));
    for (const char* m : {"us-cet/ai", "us-cet/quantum", "us-cet/space"}) {
      Ok(t.PutNode({m, "foreign_list_entry", {{"en", m}}, {}}));
      Ok(t.PutEdge({m, "part_of", "us-cet", {}}));
    }
    for (const char* m : {"eu/ai", "eu/chips"}) {
      Ok(t.PutNode({m, "foreign_list_entry", {{"en", m}}, {}}));
      Ok(t.PutEdge({m, "part_of", "eu", {}}));
    }
    Ok(t.PutEdge({"eu/ai", "maps_to", "us-cet/ai", {}}));
  });
  Revision r2 = Commit([](Transaction& t) {
    Ok(t.DeleteNode("us-cet/space"));
    Ok(t.PutNode({"us-cet/quantum", "foreign_list_entry", {{"en", "Q2"}}, {}}));
    Ok(t.PutNode({"us-cet/bio", "foreign_list_entry", {}, {}}));
    Ok(t.PutEdge({"us-cet/bio", "part_of", "us-cet", {}}));
    Ok(t.PutNode({"eu/ai", "foreign_list_entry", {{"en", "EU AI 2"}}, {}}));
    Ok(t.DeleteNode("eu/chips"));
    // us-cet/ai leaves the US list for the EU one.
    Ok(t.DeleteEdge("us-cet/ai", "part_of", "us-cet"));
    Ok(t.PutEdge({"us-cet/ai", "part_of", "eu", {}}));
  });
  DiffOptions o;
  o.scope_root = "us-cet";
  o.direction = Direction::kIn;
  o.edge_types = {"part_of"};
  auto d = Diff(*db_, r1, r2, o);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(
      io::DiffJson(*d),
      R"({"from":1,"to":2,"nodes":{"added":["us-cet/bio"],"removed":)"
      R"(["us-cet/ai","us-cet/space"],"modified":[{"key":)"
      R"("us-cet/quantum","changes":{"names":{"en":{"old":)"
      R"("us-cet/quantum","new":"Q2"}}}}],"added_nodes":[{"key":)"
      R"("us-cet/bio","kind":"foreign_list_entry","names":{}}],)"
      R"("removed_nodes":[{"key":"us-cet/ai","kind":"foreign_list_entry",)"
      R"("names":{"en":"us-cet/ai"}},{"key":"us-cet/space","kind":)"
      R"("foreign_list_entry","names":{"en":"us-cet/space"}}]},"edges":{)"
      R"("added":[["us-cet/)"
      R"(bio","part_of","us-cet"]],"removed":[["us-cet/ai","part_of",)"
      R"("us-cet"],["us-cet/space","part_of","us-cet"]],"modified":[]}})");
  // The EU scope sees us-cet/ai arrive although the node did not change.
  o.scope_root = "eu";
  auto e = *Diff(*db_, r1, r2, o);
  ASSERT_EQ(e.nodes_added.size(), 1u);
  EXPECT_EQ(e.nodes_added[0].key, "us-cet/ai");
  EXPECT_EQ(e.nodes_removed.size(), 1u);   // eu/chips
  EXPECT_EQ(e.nodes_modified.size(), 1u);  // eu/ai
  // maps_to is not followed, but connects two in-scope nodes at r2.
  EXPECT_EQ(e.edges_added.size(), 2u);
  EXPECT_EQ(e.edges_added[0], (Edge{"eu/ai", "maps_to", "us-cet/ai", {}}));
  // Unscoped, the move is one removed and one added edge.
  auto all = *Diff(*db_, r1, r2);
  EXPECT_EQ(all.nodes_added.size(), 1u);
  EXPECT_EQ(all.nodes_removed.size(), 2u);
}

TEST_F(DiffFixture, EdgeTypeRegisteredAtOneEndOnlyMatchesNothingAtTheOther) {
  Revision r1 = Commit([](Transaction& t) {
    Ok(t.PutNode({"root", "domain", {}, {}}));
    Ok(t.PutNode({"x", "domain", {}, {}}));
  });
  Revision r2 = Commit([](Transaction& t) {
    Ok(t.RegisterEdgeType("funds"));
    Ok(t.PutEdge({"root", "funds", "x", {}}));
  });
  DiffOptions o;
  o.scope_root = "root";
  o.edge_types = {"funds"};
  auto d = Diff(*db_, r1, r2, o);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->nodes_added.size(), 1u);
  EXPECT_EQ(d->nodes_added[0].key, "x");
  EXPECT_EQ(d->edges_added.size(), 1u);
  EXPECT_EQ(d->edge_types_registered, std::vector<std::string>{"funds"});
}

// ---------------------------------------------------------------------------
// The diff reads each entity's versions with one forward cursor, stepping
// from the newer end to the older one over the versions in between. A
// scripted history where the same entities change in many revisions, are
// deleted and re-added (identically and not), change kind, and lose edges
// with a deleted endpoint, checked against the model for every pair of
// revisions, both directions, scoped and not.
TEST(Diff, EntitiesChangingInManyRevisionsMatchModel) {
  auto db = OpenFresh("many_revisions");
  Model model;
  auto put_node = [&](Transaction& t, const Node& n) {
    Ok(t.PutNode(n));
    model.PutNode(n);
  };
  auto put_edge = [&](Transaction& t, const Edge& e) {
    Ok(t.PutEdge(e));
    model.PutEdge(e);
  };
  auto del_node = [&](Transaction& t, const std::string& k) {
    Ok(t.DeleteNode(k));
    model.DeleteNode(k);
  };
  auto commit = [&](const std::function<void(Transaction&)>& fn) {
    auto txn = *db->Begin();
    fn(*txn);
    ASSERT_TRUE(txn->Commit({}).ok());
    model.Commit();
  };
  const Node c{"c", "material", {{"en", "C"}}, {{"n", int64_t{3}}}};
  commit([&](Transaction& t) {
    put_node(t, {"a", "technology", {{"en", "A"}}, {}});
    put_node(t, {"b", "domain", {{"en", "B"}}, {}});
    put_node(t, c);
    put_node(t, {"d", "domain", {}, {}});
    put_edge(t, {"a", "part_of", "b", {{"w", int64_t{1}}}});
    put_edge(t, {"c", "depends_on", "a", {}});
    put_edge(t, {"d", "maps_to", "b", {}});
  });
  commit([&](Transaction& t) {
    put_node(t, {"a", "technology", {{"en", "A2"}}, {}});
    put_edge(t, {"a", "part_of", "b", {{"w", int64_t{2}}}});
    del_node(t, "c");  // and its edge c -> a
  });
  commit([&](Transaction& t) {
    put_node(t, c);  // re-added identically
    put_edge(t, {"c", "depends_on", "a", {{"w", 0.5}}});
    put_node(t, {"b", "technology", {{"en", "B"}}, {}});  // kind change
  });
  commit([&](Transaction& t) {
    del_node(t, "d");
    put_node(t, {"a", "technology", {{"en", "A"}}, {}});  // changed back
    put_edge(t, {"a", "part_of", "b", {{"w", int64_t{1}}}});
    put_node(t, {"e", "domain", {}, {}});
    put_edge(t, {"e", "part_of", "b", {}});
  });
  commit([&](Transaction& t) {
    del_node(t, "b");  // and a -> b, e -> b
    put_node(t, {"b", "domain", {{"ja", "ビー"}}, {}});
  });
  commit([&](Transaction& t) {
    put_node(t, {"d", "domain", {}, {}});  // re-added after a gap
    put_edge(t, {"a", "part_of", "b", {}});
  });
  for (int64_t w = 0; w < 6; ++w) {  // one edge changing in every revision
    commit([&](Transaction& t) {
      put_edge(t, {"a", "part_of", "b", {{"w", w % 3}}});
      if (w % 2 == 0) put_node(t, {"e", "domain", {{"en", StrCat(w)}}, {}});
    });
  }
  const Revision head = db->Head();
  ASSERT_EQ(head, model.head());
  DiffOptions scoped;
  scoped.scope_root = "b";
  scoped.direction = Direction::kIn;
  for (Revision x = 0; x <= head; ++x) {
    for (Revision y = 0; y <= head; ++y) {
      auto got = Diff(*db, x, y);
      ASSERT_TRUE(got.ok()) << got.status();
      DiffResult want = ExpectedDiff(model.at(x), model.at(y), x, y);
      ASSERT_EQ(io::DiffJson(*got), io::DiffJson(want)) << x << ".." << y;
      ASSERT_TRUE(*got == want) << x << ".." << y;
      auto got_scoped = Diff(*db, x, y, scoped);
      const std::set<std::string> sx =
          ModelScope(model.at(x), "b", Direction::kIn, {}, std::nullopt);
      const std::set<std::string> sy =
          ModelScope(model.at(y), "b", Direction::kIn, {}, std::nullopt);
      if (sx.empty() && sy.empty()) {
        ASSERT_EQ(got_scoped.status().code(), absl::StatusCode::kNotFound);
        continue;
      }
      ASSERT_TRUE(got_scoped.ok()) << got_scoped.status();
      DiffResult want_scoped =
          ExpectedDiff(Induce(model.at(x), sx), Induce(model.at(y), sy), x, y);
      ASSERT_EQ(io::DiffJson(*got_scoped), io::DiffJson(want_scoped))
          << "scoped " << x << ".." << y;
    }
  }
}

// Cost: a diff reads the change log and the changed entities, not the graph.

TEST(Diff, ReadsOnlyTheChangeLog) {
  auto db = OpenFresh("big");
  constexpr int kNodes = 5000;
  {
    auto txn = *db->Begin();
    for (int i = 0; i < kNodes; ++i) {
      Ok(txn->PutNode({StrCat("tech/", i),
                       "technology",
                       {{"en", StrCat("Technology number ", i)}},
                       {{"rank", int64_t{i}}}}));
      if (i > 0) {
        Ok(txn->PutEdge(
            {StrCat("tech/", i), "depends_on", StrCat("tech/", i / 2), {}}));
      }
    }
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  {
    auto txn = *db->Begin();
    Ok(txn->PutNode({"tech/10",
                     "technology",
                     {{"en", "Renamed"}},
                     {{"rank", int64_t{10}}}}));
    Ok(txn->PutNode({"tech/2000",
                     "technology",
                     {{"en", "Technology number 2000"}},
                     {{"rank", int64_t{-1}}}}));
    Ok(txn->PutNode({"tech/4999",
                     "material",
                     {{"en", "Technology number 4999"}},
                     {{"rank", int64_t{4999}}}}));
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  auto d = Diff(*db, 1, 2);
  const uint64_t diff_bytes = rocksdb::get_perf_context()->iter_read_bytes +
                              rocksdb::get_perf_context()->get_read_bytes;
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->nodes_modified.size(), 3u);
  EXPECT_TRUE(d->nodes_added.empty() && d->nodes_removed.empty());
  EXPECT_TRUE(d->edges_added.empty() && d->edges_removed.empty() &&
              d->edges_modified.empty());
  EXPECT_EQ(RevisionStat(*db, 2)->nodes.modified, 3u);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  // For scale: the bytes one full read of the graph's node records decodes.
  // Counted by hand: ForEachNode reads sequentially with Next(), which
  // iter_read_bytes does not count (it counts Seek results).
  uint64_t scan_bytes = 0;
  {
    const storage::DBImpl& impl = storage::Impl(*db);
    std::unique_ptr<rocksdb::Iterator> it(impl.rdb()->NewIterator(
        rocksdb::ReadOptions(), impl.cf(storage::Cf::kNodes)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      scan_bytes += it->key().size() + it->value().size();
    }
  }
  uint64_t n = 0;
  Ok((*db->GetSnapshot(Revision{2}))->ForEachNode([&](const Node&) {
    ++n;
    return absl::OkStatus();
  }));
  EXPECT_EQ(n, static_cast<uint64_t>(kNodes));
  EXPECT_GT(scan_bytes, 100u * 1000);
  RecordProperty("diff_bytes", static_cast<int>(diff_bytes));
  RecordProperty("scan_bytes", static_cast<int>(scan_bytes));
  EXPECT_LT(diff_bytes * 50, scan_bytes)
      << "diff read " << diff_bytes << " bytes, a scan " << scan_bytes;
  // And the whole graph diffs as added.
  auto first = *Diff(*db, 0, 1);
  EXPECT_EQ(first.nodes_added.size(), static_cast<size_t>(kNodes));
  EXPECT_EQ(first.edges_added.size(), static_cast<size_t>(kNodes - 1));
}

}  // namespace
}  // namespace critgraph
