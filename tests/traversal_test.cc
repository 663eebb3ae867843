// Tests of the traversal engine (include/critgraph/traversal.h) specific to
// the storage backend: DiffReach on random histories against the model, and
// hand-built cases. Reach, paths, Neighbourhood, ReachMany and
// ReachFromEachOfKind on random histories: tests/traversal_backends_test.cc.
#include "critgraph/traversal.h"

#include <ostream>
#include <random>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "storage/snapshot_impl.h"
#include "tests/model.h"
#include "tests/traversal_model.h"
#include "util/str_cat.h"

namespace critgraph {

// Readable failure output.
void PrintTo(const DepthChange& c, std::ostream* os) {
  *os << "{" << c.key << " " << c.old_depth << "->" << c.new_depth << "}";
}

namespace {

using testing::Describe;
using testing::Filters;
using testing::History;
using testing::kDepths;
using testing::kDirections;
using testing::Keys;
using testing::kFilterCombos;
using testing::MakeHistory;
using testing::ModelDiff;
using testing::ModelReach;
using testing::ModelState;
using testing::PickSources;
using testing::TempDir;

TEST(Traversal, ReachDiffEqualsModelSetDifferences) {
  History h = MakeHistory("db", 31, 12, 30, 25);
  std::mt19937_64 rng(99);
  int non_empty = 0;
  for (int i = 0; i < 150; ++i) {
    Revision ra = rng() % (h.model.head() + 1);
    Revision rb = rng() % (h.model.head() + 1);
    const ModelState& a = h.model.at(ra);
    const ModelState& b = h.model.at(rb);
    // Sources existing at one end at least.
    std::set<std::string> either;
    for (const auto& k : Keys(a)) either.insert(k);
    for (const auto& k : Keys(b)) either.insert(k);
    if (either.empty()) continue;
    std::vector<std::string> pool(either.begin(), either.end());
    const Filters& f = kFilterCombos[rng() % std::size(kFilterCombos)];
    ReachSpec spec;
    spec.sources = PickSources(rng, pool, 2);
    spec.direction = kDirections[rng() % 3];
    spec.edge_types = f.types;
    spec.kinds = f.kinds;
    spec.max_depth = kDepths[rng() % std::size(kDepths)];
    auto sa = *h.db->GetSnapshot(ra);
    auto sb = *h.db->GetSnapshot(rb);
    auto got = DiffReach(*sa, *sb, spec);
    ASSERT_TRUE(got.ok()) << got.status();
    ReachDiff want = ModelDiff(ModelReach(a, spec), ModelReach(b, spec));
    EXPECT_EQ(*got, want) << ra << " -> " << rb << " " << Describe(spec);
    if (!want.empty()) ++non_empty;
  }
  EXPECT_GT(non_empty, 50);
}

// ---- Hand-built cases. ----

Node N(std::string key, std::string kind) {
  return Node{std::move(key), std::move(kind), {}, {}};
}

class Builder {
 public:
  explicit Builder(DB& db) : txn_(*db.Begin()) {}
  Builder& Put(std::string key, std::string kind) {
    EXPECT_TRUE(txn_->PutNode(N(std::move(key), std::move(kind))).ok());
    return *this;
  }
  Builder& Edge(std::string from, std::string type, std::string to) {
    auto st =
        txn_->PutEdge({std::move(from), std::move(type), std::move(to), {}});
    EXPECT_TRUE(st.ok()) << st;
    return *this;
  }
  Builder& DelNode(std::string key) {
    EXPECT_TRUE(txn_->DeleteNode(key).ok());
    return *this;
  }
  Builder& DelEdge(std::string from, std::string type, std::string to) {
    EXPECT_TRUE(txn_->DeleteEdge(from, type, to).ok());
    return *this;
  }
  Revision Commit() {
    auto r = txn_->Commit({});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : 0;
  }

 private:
  std::unique_ptr<Transaction> txn_;
};

std::unique_ptr<DB> OpenNew() {
  Options opts;
  opts.sync = false;
  auto db = DB::Open(TempDir("db"), opts);
  EXPECT_TRUE(db.ok()) << db.status();
  return *std::move(db);
}

ReachedNode RN(std::string key, uint32_t depth,
               std::optional<std::string> parent = std::nullopt) {
  return ReachedNode{std::move(key), depth, std::move(parent)};
}

std::vector<ReachedNode> MustReach(const Snapshot& s, ReachSpec spec) {
  auto r = Reach(s, spec);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : std::vector<ReachedNode>{};
}

TEST(Traversal, CyclesAndSelfLoops) {
  auto db = OpenNew();
  Builder(*db)
      .Put("a", "technology")
      .Put("b", "technology")
      .Put("c", "technology")
      .Put("d", "technology")
      .Edge("a", "depends_on", "b")
      .Edge("b", "depends_on", "c")
      .Edge("c", "depends_on", "a")
      .Edge("c", "depends_on", "c")
      .Edge("a", "depends_on", "a")
      .Edge("d", "part_of", "d")
      .Commit();
  auto s = *db->GetSnapshot("HEAD");
  EXPECT_EQ(MustReach(*s, {.sources = {"a"}}),
            (std::vector{RN("a", 0), RN("b", 1, "a"), RN("c", 2, "b")}));
  EXPECT_EQ(MustReach(*s, {.sources = {"a"}, .direction = Direction::kIn}),
            (std::vector{RN("a", 0), RN("c", 1, "a"), RN("b", 2, "c")}));
  EXPECT_EQ(MustReach(*s, {.sources = {"b"}, .direction = Direction::kBoth}),
            (std::vector{RN("b", 0), RN("a", 1, "b"), RN("c", 1, "b")}));
  EXPECT_EQ(MustReach(*s, {.sources = {"d"}}), (std::vector{RN("d", 0)}));
  EXPECT_EQ(MustReach(*s, {.sources = {"d", "d", "c"}, .max_depth = 1}),
            (std::vector{RN("c", 0), RN("d", 0), RN("a", 1, "c")}));
  auto p = ShortestPath(*s, "a", "c");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ(**p, (std::vector<std::string>{"a", "b", "c"}));
  p = ShortestPath(*s, "c", "c");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ(**p, (std::vector<std::string>{"c"}));
  p = ShortestPath(*s, "a", "d");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  p = ShortestPath(*s, "a", "c", {.max_depth = 1});
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
}

TEST(Traversal, ParentIsSmallestKeyAtPreviousLevel) {
  auto db = OpenNew();
  // Created in an order where ids disagree with keys.
  Builder(*db)
      .Put("z", "domain")
      .Put("m", "domain")
      .Put("x", "domain")
      .Put("b", "domain")
      .Put("t", "domain")
      .Edge("z", "part_of", "x")
      .Edge("z", "part_of", "m")
      .Edge("z", "part_of", "b")
      .Edge("x", "part_of", "t")
      .Edge("m", "part_of", "t")
      .Edge("b", "maps_to", "t")
      .Commit();
  auto s = *db->GetSnapshot("HEAD");
  EXPECT_EQ(MustReach(*s, {.sources = {"z"}}),
            (std::vector{RN("z", 0), RN("b", 1, "z"), RN("m", 1, "z"),
                         RN("x", 1, "z"), RN("t", 2, "b")}));
  EXPECT_EQ(MustReach(*s, {.sources = {"z"}, .edge_types = {"part_of"}}),
            (std::vector{RN("z", 0), RN("b", 1, "z"), RN("m", 1, "z"),
                         RN("x", 1, "z"), RN("t", 2, "m")}));
  auto p = ShortestPath(*s, "z", "t", {.edge_types = {"part_of"}});
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ(**p, (std::vector<std::string>{"z", "m", "t"}));
}

TEST(Traversal, KindFilterNeitherReturnsNorExpands) {
  auto db = OpenNew();
  Builder(*db)
      .Put("mat/rare-earths", "material")
      .Put("tech/magnets", "technology")
      .Put("dom/energy", "domain")
      .Put("tech/motors", "technology")
      .Put("tech/ev", "technology")
      .Edge("tech/magnets", "depends_on", "mat/rare-earths")
      .Edge("dom/energy", "depends_on", "tech/magnets")
      .Edge("tech/motors", "depends_on", "dom/energy")  // via a domain only
      .Edge("tech/ev", "depends_on", "tech/magnets")
      .Commit();
  auto s = *db->GetSnapshot("HEAD");
  // Which technologies depend on rare earths, through technologies only?
  ReachSpec spec{.sources = {"mat/rare-earths"},
                 .direction = Direction::kIn,
                 .edge_types = {"depends_on"},
                 .kinds = {"technology"}};
  // The source is a material: it is returned and expanded anyway.
  EXPECT_EQ(MustReach(*s, spec),
            (std::vector{RN("mat/rare-earths", 0),
                         RN("tech/magnets", 1, "mat/rare-earths"),
                         RN("tech/ev", 2, "tech/magnets")}));
  spec.kinds = {"technology", "domain"};
  EXPECT_EQ(
      MustReach(*s, spec),
      (std::vector{
          RN("mat/rare-earths", 0), RN("tech/magnets", 1, "mat/rare-earths"),
          RN("dom/energy", 2, "tech/magnets"), RN("tech/ev", 2, "tech/magnets"),
          RN("tech/motors", 3, "dom/energy")}));
  // A path endpoint of a filtered kind is unreachable; the start is exempt.
  auto p = ShortestPath(*s, "mat/rare-earths", "dom/energy",
                        {.direction = Direction::kIn, .kinds = {"technology"}});
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  p = ShortestPath(*s, "mat/rare-earths", "tech/motors",
                   {.direction = Direction::kIn, .kinds = {"technology"}});
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  p = ShortestPath(*s, "mat/rare-earths", "tech/ev",
                   {.direction = Direction::kIn, .kinds = {"technology"}});
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ(**p, (std::vector<std::string>{"mat/rare-earths", "tech/magnets",
                                           "tech/ev"}));
  // A kind with no nodes: only the source.
  EXPECT_EQ(MustReach(*s, {.sources = {"tech/ev"},
                           .direction = Direction::kBoth,
                           .kinds = {"list"}}),
            (std::vector{RN("tech/ev", 0)}));
}

TEST(Traversal, HistoryDeletesAndRecreates) {
  auto db = OpenNew();
  Revision r1 = Builder(*db)
                    .Put("a", "technology")
                    .Put("b", "technology")
                    .Put("c", "material")
                    .Edge("a", "depends_on", "b")
                    .Edge("b", "depends_on", "c")
                    .Commit();
  // r2: the edge b -> c is deleted.
  Revision r2 = Builder(*db).DelEdge("b", "depends_on", "c").Commit();
  // r3: b is deleted (taking a -> b with it), then c gets a direct edge.
  Revision r3 = Builder(*db).DelNode("b").Edge("a", "depends_on", "c").Commit();
  // r4: b is re-created with another kind and linked again.
  Revision r4 = Builder(*db)
                    .Put("b", "domain")
                    .Edge("c", "part_of", "b")
                    .Edge("a", "depends_on", "b")
                    .Commit();
  auto at = [&](Revision r) { return *db->GetSnapshot(r); };
  ReachSpec spec{.sources = {"a"}};
  EXPECT_EQ(MustReach(*at(r1), spec),
            (std::vector{RN("a", 0), RN("b", 1, "a"), RN("c", 2, "b")}));
  EXPECT_EQ(MustReach(*at(r2), spec),
            (std::vector{RN("a", 0), RN("b", 1, "a")}));
  EXPECT_EQ(MustReach(*at(r3), spec),
            (std::vector{RN("a", 0), RN("c", 1, "a")}));
  EXPECT_EQ(MustReach(*at(r4), spec),
            (std::vector{RN("a", 0), RN("b", 1, "a"), RN("c", 1, "a")}));
  // b's kind differs between r1 and r4.
  spec.kinds = {"technology", "material"};
  EXPECT_EQ(MustReach(*at(r4), spec),
            (std::vector{RN("a", 0), RN("c", 1, "a")}));
  spec.kinds.clear();

  // b does not exist at r3.
  auto missing = Reach(*at(r3), {.sources = {"b"}});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'b'"), std::string::npos)
      << missing.status();
  EXPECT_NE(missing.status().message().find(StrCat("revision ", r3)),
            std::string::npos)
      << missing.status();

  // Reach diffs across the history.
  auto d12 = DiffReach(*at(r1), *at(r2), spec);
  ASSERT_TRUE(d12.ok()) << d12.status();
  EXPECT_EQ(d12->left, (std::vector{RN("c", 2, "b")}));
  EXPECT_TRUE(d12->entered.empty());
  auto d14 = DiffReach(*at(r1), *at(r4), spec);
  ASSERT_TRUE(d14.ok());
  EXPECT_TRUE(d14->entered.empty() && d14->left.empty());
  EXPECT_EQ(d14->depth_changed, (std::vector<DepthChange>{{"c", 2, 1}}));
  // Reversed order swaps entered and left.
  auto d21 = DiffReach(*at(r2), *at(r1), spec);
  ASSERT_TRUE(d21.ok());
  EXPECT_EQ(d21->entered, (std::vector{RN("c", 2, "b")}));
  // A source that exists at one end only: everything it reaches entered.
  auto d34 = DiffReach(*at(r3), *at(r4),
                       {.sources = {"b"}, .direction = Direction::kBoth});
  ASSERT_TRUE(d34.ok()) << d34.status();
  EXPECT_EQ(d34->entered,
            (std::vector{RN("b", 0), RN("a", 1, "b"), RN("c", 1, "b")}));
  EXPECT_TRUE(d34->left.empty());
  // ... and at neither end: NotFound naming both revisions.
  auto d0 = DiffReach(*at(0), *at(r3), {.sources = {"b"}});
  EXPECT_EQ(d0.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(d0.status().message().find("'b'"), std::string::npos);
}

TEST(Traversal, Errors) {
  auto db = OpenNew();
  Builder(*db).Put("a", "technology").Put("b", "material").Commit();
  auto s = *db->GetSnapshot("HEAD");
  auto code = [](const absl::Status& st) { return st.code(); };
  auto r = Reach(*s, {.sources = {"a"}, .edge_types = {"no_such_type"}});
  EXPECT_EQ(code(r.status()), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("no_such_type"), std::string::npos);
  r = Reach(*s, {.sources = {"a"}, .kinds = {"no_such_kind"}});
  EXPECT_EQ(code(r.status()), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("no_such_kind"), std::string::npos);
  r = Reach(*s, {.sources = {"a", "ghost"}});
  EXPECT_EQ(code(r.status()), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("'ghost'"), std::string::npos);
  EXPECT_NE(r.status().message().find("revision 1"), std::string::npos);
  // Revision 0 is empty: every key is absent there.
  auto root = *db->GetSnapshot(Revision{0});
  r = Reach(*root, {.sources = {"a"}});
  EXPECT_EQ(code(r.status()), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("revision 0"), std::string::npos);
  // No sources: nothing reached.
  r = Reach(*s, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());

  EXPECT_EQ(code(ShortestPath(*s, "a", "ghost").status()),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(code(ShortestPath(*s, "ghost", "a").status()),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(code(ShortestPath(*s, "a", "b", {.sources = {"a"}}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(ShortestPath(*s, "a", "b", {.kinds = {"nope"}}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Neighbourhood(*s, "a", 1, {.max_depth = 2}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Neighbourhood(*s, "a", 1, {.sources = {"b"}}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Neighbourhood(*s, "ghost", 1).status()),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(code(ReachFromEachOfKind(*s, "nope").status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(ReachFromEachOfKind(*s, "list", {.kinds = {"nope"}}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(ReachFromEachOfKind(*s, "list", {.sources = {"a"}}).status()),
            absl::StatusCode::kInvalidArgument);
  auto none = ReachFromEachOfKind(*s, "list");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // DiffReach: names must exist at one end at least; snapshots of one DB.
  EXPECT_EQ(code(DiffReach(*root, *s,
                           {.sources = {"a"}, .edge_types = {"no_such_type"}})
                     .status()),
            absl::StatusCode::kInvalidArgument);
  auto other_db = DB::Open(TempDir("other"));
  ASSERT_TRUE(other_db.ok());
  auto other = *(*other_db)->GetSnapshot(Revision{0});
  EXPECT_EQ(code(DiffReach(*other, *s, {}).status()),
            absl::StatusCode::kInvalidArgument);
}

TEST(Traversal, NamesRegisteredLaterAreLenientInDiffReach) {
  auto db = OpenNew();
  Revision r1 = Builder(*db)
                    .Put("a", "technology")
                    .Put("b", "technology")
                    .Edge("a", "depends_on", "b")
                    .Commit();
  Revision r2;
  {
    auto txn = *db->Begin();
    ASSERT_TRUE(txn->RegisterEdgeType("enables").ok());
    ASSERT_TRUE(txn->RegisterNodeKind("program").ok());
    ASSERT_TRUE(txn->PutNode(N("p", "program")).ok());
    ASSERT_TRUE(txn->PutEdge({"a", "enables", "p", {}}).ok());
    r2 = *txn->Commit({});
  }
  auto s1 = *db->GetSnapshot(r1);
  auto s2 = *db->GetSnapshot(r2);
  // Strict at r1, where the names do not exist yet.
  EXPECT_EQ(
      Reach(*s1, {.sources = {"a"}, .edge_types = {"enables"}}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Reach(*s1, {.sources = {"a"}, .kinds = {"program"}}).status().code(),
      absl::StatusCode::kInvalidArgument);
  auto d = DiffReach(
      *s1, *s2,
      {.sources = {"a"}, .edge_types = {"enables"}, .kinds = {"program"}});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->entered, (std::vector{RN("p", 1, "a")}));
  EXPECT_TRUE(d->left.empty());
  // A kind unknown at r1 matches no node there (b is not reached), while
  // edges of every type are still followed.
  d = DiffReach(*s1, *s2, {.sources = {"a"}, .kinds = {"program"}});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->entered, (std::vector{RN("p", 1, "a")}));
  EXPECT_TRUE(d->left.empty());
  // An edge type unknown at r1 follows no edge there.
  d = DiffReach(*s1, *s2,
                {.sources = {"a"}, .edge_types = {"enables", "depends_on"}});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->entered, (std::vector{RN("p", 1, "a")}));
  EXPECT_TRUE(d->left.empty());
  d = DiffReach(*s2, *s1, {.sources = {"a"}, .edge_types = {"enables"}});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->left, (std::vector{RN("p", 1, "a")}));
  EXPECT_TRUE(d->entered.empty());
}

TEST(Traversal, SnapshotIsStableWhileTheWriterCommits) {
  auto db = OpenNew();
  Builder(*db)
      .Put("a", "technology")
      .Put("b", "technology")
      .Edge("a", "depends_on", "b")
      .Commit();
  auto s = *db->GetSnapshot("HEAD");
  const auto before = MustReach(*s, {.sources = {"a"}});
  Builder(*db)
      .Put("c", "technology")
      .Edge("b", "depends_on", "c")
      .DelEdge("a", "depends_on", "b")
      .Edge("a", "maps_to", "c")
      .Commit();
  EXPECT_EQ(MustReach(*s, {.sources = {"a"}}), before);
  auto head = *db->GetSnapshot("HEAD");
  EXPECT_EQ(MustReach(*head, {.sources = {"a"}}),
            (std::vector{RN("a", 0), RN("c", 1, "a")}));
}

TEST(Traversal, DamagedRecordsAreDataLoss) {
  auto db = OpenNew();
  Revision r = Builder(*db)
                   .Put("a", "technology")
                   .Put("b", "technology")
                   .Edge("a", "depends_on", "b")
                   .Commit();
  const storage::DBImpl* impl = &storage::Impl(*db);
  const storage::NodeId b = **impl->LookupId("b");
  auto s = *db->GetSnapshot(r);
  auto put = [&](storage::Cf cf, const std::string& key,
                 const std::string& value) {
    ASSERT_TRUE(impl->rdb()
                    ->Put(rocksdb::WriteOptions(), impl->cf(cf), key, value)
                    .ok());
  };
  auto del = [&](storage::Cf cf, const std::string& key) {
    ASSERT_TRUE(
        impl->rdb()->Delete(rocksdb::WriteOptions(), impl->cf(cf), key).ok());
  };
  const ReachSpec spec{.sources = {"a"}, .kinds = {"technology"}};
  // b's record fails verification.
  put(storage::Cf::kNodes, storage::NodeKey(b, r), "not a flatbuffer");
  auto got = Reach(*s, spec);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
  EXPECT_NE(got.status().message().find("'b'"), std::string::npos);
  // b's record is gone although an edge leads to it.
  del(storage::Cf::kNodes, storage::NodeKey(b, r));
  got = Reach(*s, spec);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
  EXPECT_NE(got.status().message().find("'b'"), std::string::npos);
  EXPECT_NE(got.status().message().find(StrCat("revision ", r)),
            std::string::npos);
  auto path = ShortestPath(*s, "a", "b", {.kinds = {"technology"}});
  EXPECT_EQ(path.status().code(), absl::StatusCode::kNotFound)
      << path.status();  // b itself no longer exists at r
  // b's key mapping is gone.
  std::string id_key;
  critgraph::PutBE64(&id_key, b);
  del(storage::Cf::kIds, id_key);
  // The seek plan resolves keys in `ids` (id -> key) and sees it.
  got = Reach(*s, {.sources = {"a"}, .plan = ReachPlan::kSeek});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
  // The scan plan's key pass reads `keys` (key -> id) instead: a missing
  // mapping there is its DataLoss.
  del(storage::Cf::kKeys, "b");
  got = Reach(*s, {.sources = {"a"}, .plan = ReachPlan::kScan});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
  EXPECT_NE(got.status().message().find(StrCat("node id ", b, " has no key")),
            std::string::npos)
      << got.status();
}

}  // namespace
}  // namespace critgraph
