// Drafts and three-way merge (critgraph/draft.h), model-based: random
// histories where main and a draft both change a small key space, compared
// with an in-memory three-way model over whole states (not the diffs the
// library reads): the conflict set of a dry run, the merged content and its
// digest (== a direct commit of the model's result), for every conflict
// class. Also draft reads (draft:NAME, DiffNamed), persistence, rebase,
// drop, gc's refusal, independence from the main writer, and bad input.
#include "critgraph/draft.h"

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "critgraph/adjacency.h"
#include "critgraph/db.h"
#include "critgraph/gc.h"
#include "critgraph/traversal.h"
#include "gtest/gtest.h"
#include "tests/diff_model.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::CompareSnapshot;
using testing::ExpectedDiff;
using testing::Model;
using testing::ModelDigest;
using testing::ModelState;
using testing::RandomOps;
using testing::TempDir;
using Kind = MergeConflict::Kind;

// ---- The three-way model over whole states. ----

struct ModelConflict {
  Kind kind;
  bool is_edge;
  std::string key;
  EdgeId edge;
  std::vector<std::string> fields;
  auto tie() const { return std::tie(is_edge, key, edge, kind, fields); }
  bool operator<(const ModelConflict& o) const { return tie() < o.tie(); }
  bool operator==(const ModelConflict& o) const { return tie() == o.tie(); }
};

void PrintTo(const ModelConflict& c, std::ostream* os) {
  *os << ConflictKindName(c.kind) << " " << c.key;
}

template <typename M>
std::optional<typename M::mapped_type> Find(const M& m,
                                            const typename M::key_type& k) {
  auto it = m.find(k);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

template <typename Map>
Map Fields(const Map* b, const Map& h, const Map& d, const std::string& prefix,
           MergePrefer prefer, std::vector<std::string>* clashes) {
  std::set<std::string> names;
  for (const Map* m : {b, &h, &d}) {
    if (m) {
      for (const auto& kv : *m) names.insert(kv.first);
    }
  }
  Map out;
  for (const auto& n : names) {
    auto bv = b ? Find(*b, n) : std::nullopt;
    auto hv = Find(h, n), dv = Find(d, n);
    std::optional<typename Map::mapped_type> v;
    if (hv == dv || dv == bv) {
      v = hv;
    } else if (hv == bv) {
      v = dv;
    } else {
      clashes->push_back(prefix + n);
      v = prefer == MergePrefer::kDraft ? dv : hv;
    }
    if (v) out.emplace(n, *v);
  }
  return out;
}

struct ModelMerge {
  ModelState result;
  std::vector<ModelConflict> conflicts;
};

ModelMerge ThreeWay(const ModelState& base, const ModelState& head,
                    const ModelState& draft, MergePrefer prefer) {
  ModelMerge m;
  std::set<std::string> clashing_nodes;
  std::set<std::string> keys;
  for (const ModelState* s : {&base, &head, &draft}) {
    for (const auto& kv : s->nodes) keys.insert(kv.first);
  }
  for (const auto& k : keys) {
    auto b = Find(base.nodes, k), h = Find(head.nodes, k),
         d = Find(draft.nodes, k);
    std::optional<Node> r;
    if (h == d || d == b) {
      r = h;
    } else if (h == b) {
      r = d;
    } else {
      ModelConflict c{Kind::kContent, false, k, {}, {}};
      if (!h || !d) {
        c.kind = Kind::kDeleteModify;
        r = prefer == MergePrefer::kDraft ? d : h;
      } else if (h->kind != d->kind) {
        c.kind = Kind::kKind;
        r = prefer == MergePrefer::kDraft ? d : h;
      } else {
        Node n{k, h->kind, {}, {}};
        n.names = Fields(b ? &b->names : nullptr, h->names, d->names,
                         "name:", prefer, &c.fields);
        n.props = Fields(b ? &b->props : nullptr, h->props, d->props,
                         "prop:", prefer, &c.fields);
        r = n;
      }
      if (c.kind != Kind::kContent || !c.fields.empty()) {
        m.conflicts.push_back(c);
        clashing_nodes.insert(k);
      }
    }
    if (r) m.result.nodes[k] = *r;
  }
  std::set<EdgeId> ids;
  for (const ModelState* s : {&base, &head, &draft}) {
    for (const auto& kv : s->edges) ids.insert(kv.first);
  }
  std::map<EdgeId, std::optional<Edge>> edges;
  std::set<EdgeId> clashing;
  for (const auto& id : ids) {
    auto b = Find(base.edges, id), h = Find(head.edges, id),
         d = Find(draft.edges, id);
    std::optional<Edge> r;
    if (h == d || d == b) {
      r = h;
    } else if (h == b) {
      r = d;
    } else {
      ModelConflict c{Kind::kContent, true, id.from, id, {}};
      if (!h || !d) {
        c.kind = Kind::kDeleteModify;
        r = prefer == MergePrefer::kDraft ? d : h;
      } else {
        Edge e{id.from, id.type, id.to, {}};
        e.props = Fields(b ? &b->props : nullptr, h->props, d->props,
                         "prop:", prefer, &c.fields);
        r = e;
      }
      if (c.kind != Kind::kContent || !c.fields.empty()) {
        m.conflicts.push_back(c);
        clashing.insert(id);
      }
    }
    edges[id] = r;
  }
  // Endpoints, in edge order: an edge kept whose endpoint the merge drops.
  for (auto& [id, r] : edges) {
    if (prefer == MergePrefer::kNone && clashing.contains(id)) continue;
    for (const std::string* end : {&id.from, &id.to}) {
      if (!r || m.result.nodes.contains(*end)) continue;
      // An undecided node decides nothing about its edges yet.
      if (prefer == MergePrefer::kNone && clashing_nodes.contains(*end)) {
        continue;
      }
      m.conflicts.push_back(
          ModelConflict{Kind::kEdgeToDeletedNode, true, *end, id, {}});
      if (prefer == MergePrefer::kNone) break;
      const ModelState& side = prefer == MergePrefer::kDraft ? draft : head;
      auto se = Find(side.edges, id);
      auto sn = Find(side.nodes, *end);
      if (se && sn) {
        m.result.nodes[*end] = *sn;
        r = se;
      } else {
        r.reset();
      }
    }
    if (r) m.result.edges[id] = *r;
  }
  std::sort(m.conflicts.begin(), m.conflicts.end());
  return m;
}

std::vector<ModelConflict> FromReport(const MergeReport& r) {
  std::vector<ModelConflict> out;
  for (const auto& c : r.conflicts) {
    out.push_back(
        {c.kind, c.is_edge, c.key, c.is_edge ? c.edge : EdgeId{}, c.fields});
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Describe(const std::vector<ModelConflict>& cs) {
  std::string s;
  for (const auto& c : cs) {
    s += StrCat(
        ConflictKindName(c.kind), " ", c.is_edge ? "edge " : "node ", c.key,
        c.is_edge ? StrCat(" ", c.edge.from, "-", c.edge.type, "->", c.edge.to)
                  : "");
    for (const auto& f : c.fields) s += " " + f;
    s += "\n";
  }
  return s;
}

absl::StatusOr<std::unique_ptr<DB>> OpenDb(const std::string& path) {
  Options o;
  o.create_if_missing = true;
  return DB::Open(path, o);
}

void CommitRandom(std::mt19937_64& rng, DB& db, Model& model, int ops,
                  int keys) {
  auto txn = db.Begin();
  ASSERT_TRUE(txn.ok()) << txn.status();
  RandomOps(rng, **txn, model, ops, keys);
  ASSERT_TRUE((*txn)->Commit({}).ok());
  model.Commit();
}

// ---- Random histories. ----

TEST(DraftMerge, MatchesThreeWayModel) {
  std::map<Kind, int> seen;
  int merged = 0;
  for (int iter = 0; iter < 60; ++iter) {
    std::mt19937_64 rng(1000 + iter);
    const std::string path = TempDir(StrCat("merge", iter));
    auto db = OpenDb(path);
    ASSERT_TRUE(db.ok()) << db.status();
    Model main;
    const int keys = 6 + iter % 5;
    for (int i = 0; i < 3; ++i) CommitRandom(rng, **db, main, 12, keys);
    const Revision base = 1 + rng() % main.head();
    auto created = CreateDraft(**db, "p", base);
    ASSERT_TRUE(created.ok()) << created.status();
    ASSERT_EQ(created->base, base);
    for (int i = 0; i < 2; ++i) CommitRandom(rng, **db, main, 8, keys);
    Model draft_model;
    draft_model.working() = main.at(base);
    {
      auto draft = OpenDraft(**db, "p");
      ASSERT_TRUE(draft.ok()) << draft.status();
      for (int i = 0; i < 2; ++i) {
        auto txn = (*draft)->Begin();
        ASSERT_TRUE(txn.ok());
        RandomOps(rng, **txn, draft_model, 8, keys);
        ASSERT_TRUE((*txn)->Commit({}).ok());
        draft_model.Commit();
      }
      EXPECT_EQ((*draft)->Log().size(), 2u);
    }
    const ModelState& b = main.at(base);
    const ModelState& h = main.at(main.head());
    const ModelState& d = draft_model.at(draft_model.head());
    // The draft reads as base + its changes.
    auto dsnap = (*db)->GetSnapshot("draft:p");
    ASSERT_TRUE(dsnap.ok()) << dsnap.status();
    EXPECT_EQ(CompareSnapshot(**dsnap, d), "") << iter;
    // Traversals read it unchanged: storage path and adjacency agree with
    // the model's out-edges.
    if (!d.nodes.empty()) {
      const std::string src = d.nodes.begin()->first;
      std::set<std::string> want{src};
      for (const auto& [id, e] : d.edges) {
        if (id.from == src) want.insert(id.to);
      }
      ReachSpec spec;
      spec.sources = {src};
      spec.max_depth = 1;
      auto adj = AdjacencySnapshot::Build(**dsnap);
      ASSERT_TRUE(adj.ok()) << adj.status();
      for (auto reached : {Reach(**dsnap, spec), Reach(**adj, spec)}) {
        ASSERT_TRUE(reached.ok()) << reached.status();
        std::set<std::string> got;
        for (const auto& r : *reached) got.insert(r.key);
        EXPECT_EQ(got, want) << iter;
      }
    }
    auto nd = DiffNamed(**db, "HEAD", "draft:p");
    ASSERT_TRUE(nd.ok()) << nd.status();
    DiffResult want = ExpectedDiff(h, d, nd->from, nd->to);
    EXPECT_TRUE(*nd == want) << iter;

    ModelMerge plain = ThreeWay(b, h, d, MergePrefer::kNone);
    MergeOptions dry;
    dry.dry_run = true;
    MergeReport report;
    absl::Status st = Merge(**db, "p", dry, &report);
    EXPECT_EQ(st.ok(), plain.conflicts.empty()) << st;
    EXPECT_EQ(FromReport(report), plain.conflicts)
        << iter << "\ngot:\n"
        << Describe(FromReport(report)) << "want:\n"
        << Describe(plain.conflicts);
    EXPECT_EQ((*db)->Head(), main.head()) << "a dry run changed main";
    for (const auto& c : plain.conflicts) ++seen[c.kind];

    MergeOptions real;
    real.prefer = plain.conflicts.empty()
                      ? MergePrefer::kNone
                      : (iter % 2 ? MergePrefer::kDraft : MergePrefer::kHead);
    ModelMerge want_merge = ThreeWay(b, h, d, real.prefer);
    st = Merge(**db, "p", real, &report);
    ASSERT_TRUE(st.ok()) << st << "\n" << Describe(FromReport(report));
    if (report.committed) {
      ++merged;
      auto snap = (*db)->GetSnapshot(*report.committed);
      ASSERT_TRUE(snap.ok());
      EXPECT_EQ(CompareSnapshot(**snap, want_merge.result), "") << iter;
      EXPECT_TRUE(*report.digest == ModelDigest(want_merge.result));
    } else {
      EXPECT_EQ(ModelDigest(h), ModelDigest(want_merge.result)) << iter;
    }
    VerifyReport vr;
    ASSERT_TRUE((*db)->Verify(&vr).ok());
    EXPECT_TRUE(vr.ok()) << (vr.problems.empty() ? "" : vr.problems[0]);
  }
  EXPECT_GT(merged, 20);
  for (Kind k : {Kind::kContent, Kind::kDeleteModify, Kind::kEdgeToDeletedNode,
                 Kind::kKind}) {
    EXPECT_GT(seen[k], 0) << "no conflict of class " << ConflictKindName(k);
  }
}

// ---- Each conflict class by hand, and resolution files. ----

class DraftFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempDir("db");
    auto db = OpenDb(path_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto txn = db_->Begin();
    ASSERT_TRUE(txn.ok());
    for (const char* k : {"a", "b", "c", "m"}) {
      Node n{
          k, "technology", {{"en", StrCat("name ", k)}}, {{"x", int64_t{1}}}};
      ASSERT_TRUE((*txn)->PutNode(n).ok());
    }
    ASSERT_TRUE((*txn)->PutEdge({"a", "depends_on", "m", {}}).ok());
    ASSERT_TRUE((*txn)->PutEdge({"b", "depends_on", "m", {}}).ok());
    ASSERT_TRUE((*txn)->Commit({}).ok());
  }
  void OnMain(const std::function<void(Transaction&)>& fn) {
    auto txn = db_->Begin();
    ASSERT_TRUE(txn.ok());
    fn(**txn);
    ASSERT_TRUE((*txn)->Commit({}).ok());
  }
  void OnDraft(const std::string& name,
               const std::function<void(Transaction&)>& fn) {
    auto d = OpenDraft(*db_, name);
    ASSERT_TRUE(d.ok()) << d.status();
    auto txn = (*d)->Begin();
    ASSERT_TRUE(txn.ok());
    fn(**txn);
    ASSERT_TRUE((*txn)->Commit({}).ok());
  }
  std::string path_;
  std::unique_ptr<DB> db_;
};

TEST_F(DraftFixture, ConflictClassesAndResolutionFile) {
  ASSERT_TRUE(CreateDraft(*db_, "p").ok());
  OnMain([](Transaction& t) {
    ASSERT_TRUE(
        t.PutNode({"a", "technology", {{"en", "A head"}}, {{"x", int64_t{2}}}})
            .ok());
    ASSERT_TRUE(t.DeleteNode("b").ok());
    ASSERT_TRUE(t.DeleteNode("m").ok());
    ASSERT_TRUE(
        t.PutNode({"c", "material", {{"en", "name c"}}, {{"x", int64_t{1}}}})
            .ok());
  });
  OnDraft("p", [](Transaction& t) {
    // name:en and x clash; a new property y merges cleanly.
    ASSERT_TRUE(t.PutNode({"a",
                           "technology",
                           {{"en", "A draft"}},
                           {{"x", int64_t{3}}, {"y", true}}})
                    .ok());
    ASSERT_TRUE(
        t.PutNode({"b", "technology", {{"en", "B draft"}}, {{"x", int64_t{1}}}})
            .ok());
    ASSERT_TRUE(
        t.PutNode({"c", "domain", {{"en", "name c"}}, {{"x", int64_t{1}}}})
            .ok());
    ASSERT_TRUE(t.PutEdge({"c", "depends_on", "m", {}}).ok());
  });
  MergeOptions dry;
  dry.dry_run = true;
  MergeReport r;
  EXPECT_TRUE(absl::IsFailedPrecondition(Merge(*db_, "p", dry, &r)));
  std::map<std::string, std::string> got;
  for (const auto& c : r.conflicts) {
    std::string what = std::string(ConflictKindName(c.kind));
    for (const auto& f : c.fields) what += " " + f;
    got[c.is_edge ? StrCat(c.edge.from, ">", c.edge.to) : c.key] = what;
  }
  std::map<std::string, std::string> want = {
      {"a", "content name:en prop:x"},
      {"b", "delete-modify"},
      {"c", "kind"},
      {"c>m", "edge-to-deleted-node"},
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(r.unresolved, 4u);
  const Revision before = db_->Head();
  // A plain merge refuses and changes nothing.
  MergeReport r2;
  EXPECT_TRUE(absl::IsFailedPrecondition(Merge(*db_, "p", {}, &r2)));
  EXPECT_EQ(db_->Head(), before);
  // A resolution file covering three of four still refuses.
  MergeOptions partial;
  ChangeOp a;
  a.kind = ChangeOp::Kind::kNode;
  a.node = {"a", "technology", {{"en", "A agreed"}}, {{"x", int64_t{9}}}};
  ChangeOp b;
  b.kind = ChangeOp::Kind::kDeleteNode;
  b.key = "b";
  ChangeOp c;
  c.kind = ChangeOp::Kind::kNode;
  c.node = {"c", "domain", {{"en", "name c"}}, {}};
  partial.resolutions = {a, b, c};
  EXPECT_TRUE(absl::IsFailedPrecondition(Merge(*db_, "p", partial, &r2)));
  EXPECT_EQ(r2.unresolved, 1u);
  ChangeOp e;
  e.kind = ChangeOp::Kind::kDeleteEdge;
  e.edge = {"c", "depends_on", "m", {}};
  MergeOptions full = partial;
  full.resolutions.push_back(e);
  full.commit.message = "accept proposal";
  ASSERT_TRUE(Merge(*db_, "p", full, &r2).ok());
  ASSERT_TRUE(r2.committed.has_value());
  // All four still reported, each resolved by the file.
  ASSERT_EQ(r2.conflicts.size(), 4u);
  for (const auto& c : r2.conflicts) EXPECT_EQ(c.resolution, "file");
  auto snap = db_->GetSnapshot(*r2.committed);
  ASSERT_TRUE(snap.ok());
  auto na = (*snap)->GetNode("a");
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->names.at("en"), "A agreed");
  EXPECT_FALSE(*(*snap)->HasNode("b"));
  EXPECT_EQ((*snap)->GetNode("c")->kind, "domain");
  EXPECT_FALSE(*(*snap)->HasNode("m"));
  EXPECT_EQ(db_->GetRevision(*r2.committed)->message, "accept proposal");
}

TEST_F(DraftFixture, PreferDraftRestoresANodeForItsEdge) {
  ASSERT_TRUE(CreateDraft(*db_, "p").ok());
  OnMain([](Transaction& t) { ASSERT_TRUE(t.DeleteNode("m").ok()); });
  OnDraft("p", [](Transaction& t) {
    ASSERT_TRUE(t.PutEdge({"c", "depends_on", "m", {}}).ok());
  });
  MergeOptions o;
  o.prefer = MergePrefer::kDraft;
  MergeReport r;
  ASSERT_TRUE(Merge(*db_, "p", o, &r).ok());
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].resolution, "draft");
  auto snap = db_->GetSnapshot("HEAD");
  EXPECT_TRUE(*(*snap)->HasNode("m"));
  EXPECT_TRUE((*snap)->GetEdge("c", "depends_on", "m").ok());
  // head's cascade of m's other edges stands.
  EXPECT_FALSE((*snap)->GetEdge("a", "depends_on", "m").ok());
}

TEST_F(DraftFixture, DisjointEditsMergeCleanlyWithTheDirectCommitDigest) {
  ASSERT_TRUE(CreateDraft(*db_, "p").ok());
  OnMain([](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"a",
                           "technology",
                           {{"en", "name a"}, {"ja", "エー"}},
                           {{"x", int64_t{1}}}})
                    .ok());
  });
  OnDraft("p", [](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"a",
                           "technology",
                           {{"en", "name a"}},
                           {{"x", int64_t{1}}, {"z", 0.5}}})
                    .ok());
    ASSERT_TRUE(t.PutNode({"n", "material", {{"en", "new"}}, {}}).ok());
  });
  MergeReport r;
  ASSERT_TRUE(Merge(*db_, "p", {}, &r).ok());
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ(r.nodes.added, 1u);
  EXPECT_EQ(r.nodes.modified, 1u);
  // The same content committed directly elsewhere has the same digest.
  auto other = OpenDb(TempDir("direct"));
  ASSERT_TRUE(other.ok());
  auto snap = db_->GetSnapshot("HEAD");
  auto txn = (*other)->Begin();
  ASSERT_TRUE(
      (*snap)
          ->ForEachNode([&](const Node& n) { return (*txn)->PutNode(n); })
          .ok());
  ASSERT_TRUE(
      (*snap)
          ->ForEachEdge([&](const Edge& e) { return (*txn)->PutEdge(e); })
          .ok());
  auto rev = (*txn)->Commit({});
  ASSERT_TRUE(rev.ok());
  EXPECT_TRUE((*other)->GetRevision(*rev)->digest == *r.digest);
  auto a = (*snap)->GetNode("a");
  EXPECT_EQ(a->names.size(), 2u);
  EXPECT_EQ(a->props.size(), 2u);
  // Merging again changes nothing.
  MergeReport again;
  ASSERT_TRUE(Merge(*db_, "p", {}, &again).ok());
  EXPECT_FALSE(again.committed.has_value());
}

// ---- Lifecycle. ----

TEST_F(DraftFixture, PersistsListsDropsAndRefusesBadInput) {
  EXPECT_TRUE(absl::IsInvalidArgument(CreateDraft(*db_, "Bad Name").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(CreateDraft(*db_, "").status()));
  EXPECT_TRUE(absl::IsNotFound(CreateDraft(*db_, "x", 99).status()));
  EXPECT_TRUE(absl::IsNotFound(OpenDraft(*db_, "nope").status()));
  EXPECT_TRUE(absl::IsNotFound(db_->GetSnapshot("draft:nope").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(db_->Resolve("draft:x").status()));
  ASSERT_TRUE(CreateDraft(*db_, "cet-2026").ok());
  EXPECT_TRUE(absl::IsAlreadyExists(CreateDraft(*db_, "cet-2026").status()));
  OnDraft("cet-2026", [](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"q", "technology", {}, {}}).ok());
  });
  {
    // A draft writer and the main writer at once: neither blocks.
    auto d = OpenDraft(*db_, "cet-2026");
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(absl::IsUnavailable(OpenDraft(*db_, "cet-2026").status()));
    auto main_txn = db_->Begin();
    ASSERT_TRUE(main_txn.ok());
    auto draft_txn = (*d)->Begin();
    ASSERT_TRUE(draft_txn.ok());
    ASSERT_TRUE((*main_txn)->PutNode({"main-only", "domain", {}, {}}).ok());
    ASSERT_TRUE((*draft_txn)->PutNode({"draft-only", "domain", {}, {}}).ok());
    ASSERT_TRUE((*draft_txn)->Commit({}).ok());
    ASSERT_TRUE((*main_txn)->Commit({}).ok());
    EXPECT_TRUE(absl::IsUnavailable(DropDraft(*db_, "cet-2026")));
  }
  db_.reset();
  auto db = OpenDb(path_);
  ASSERT_TRUE(db.ok());
  db_ = *std::move(db);
  auto list = ListDrafts(*db_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "cet-2026");
  EXPECT_EQ((*list)[0].base, 1u);
  EXPECT_EQ((*list)[0].commits, 2u);
  auto snap = db_->GetSnapshot("draft:cet-2026");
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE(*(*snap)->HasNode("q"));
  EXPECT_TRUE(*(*snap)->HasNode("draft-only"));
  EXPECT_FALSE(*(*snap)->HasNode("main-only"));
  auto d = DiffNamed(*db_, "HEAD", "draft:cet-2026");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->nodes_added.size(), 2u);
  EXPECT_EQ(d->nodes_removed.size(), 1u);
  ASSERT_TRUE(DropDraft(*db_, "cet-2026").ok());
  EXPECT_TRUE(ListDrafts(*db_)->empty());
  EXPECT_TRUE(absl::IsNotFound(DropDraft(*db_, "cet-2026")));
  EXPECT_TRUE(absl::IsNotFound(db_->GetSnapshot("draft:cet-2026").status()));
}

TEST_F(DraftFixture, DraftFromAnOlderRevisionAndRebase) {
  OnMain([](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"r2", "domain", {}, {}}).ok());
  });
  auto created = CreateDraft(*db_, "old", 1);
  ASSERT_TRUE(created.ok()) << created.status();
  auto s = db_->GetSnapshot("draft:old");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->digest() == db_->GetRevision(1)->digest);
  OnDraft("old", [](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"p1", "technology", {}, {}}).ok());
  });
  OnDraft("old", [](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"p2", "technology", {}, {}}).ok());
  });
  OnMain([](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"r3", "domain", {}, {}}).ok());
  });
  MergeReport r;
  ASSERT_TRUE(Rebase(*db_, "old", std::nullopt, {}, &r).ok());
  auto info = GetDraftInfo(*db_, "old");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->base, db_->Head());
  EXPECT_EQ(info->commits, 1u);
  auto snap = db_->GetSnapshot("draft:old");
  for (const char* k : {"r2", "r3", "p1", "p2", "a"}) {
    EXPECT_TRUE(*(*snap)->HasNode(k)) << k;
  }
  auto d = DiffNamed(*db_, "HEAD", "draft:old");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->nodes_added.size(), 2u);
  EXPECT_TRUE(d->nodes_removed.empty());
}

// A draft made while another handle writes main: the copy goes through a
// follower, which holds only what the writer flushed, and is brought up to
// the base from main's change logs.
TEST_F(DraftFixture, CreatedWhileMainIsWrittenElsewhere) {
  OnMain([](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"r2", "domain", {}, {}}).ok());
  });
  auto reader = DB::OpenReadOnly(path_);
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ((*reader)->Head(), db_->Head());
  auto created = CreateDraft(**reader, "side");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->base, db_->Head());
  auto snap = db_->GetSnapshot("draft:side");
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE((*snap)->digest() == db_->GetRevision(db_->Head())->digest);
  EXPECT_TRUE(*(*snap)->HasNode("r2"));
}

TEST_F(DraftFixture, GcRefusesToRemoveADraftBase) {
  OnMain([](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"r2", "domain", {}, {}}).ok());
  });
  OnMain([](Transaction& t) {
    ASSERT_TRUE(t.PutNode({"r3", "domain", {}, {}}).ok());
  });
  ASSERT_TRUE(CreateDraft(*db_, "keepme", 2).ok());
  GcRules rules;
  rules.keep_last = 1;
  auto report = Gc(*db_, rules);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(report.status()));
  EXPECT_NE(report.status().message().find("draft 'keepme'"),
            std::string::npos);
  rules.keep = {"2"};
  report = Gc(*db_, rules);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->removed, std::vector<Revision>{1});
  MergeReport r;
  ASSERT_TRUE(Merge(*db_, "keepme", {}, &r).ok());
}

}  // namespace
}  // namespace critgraph
