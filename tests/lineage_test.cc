// Diff lineage (critgraph/lineage.h): hand-built splits, merges, renames,
// spin-offs and chains with the events the definition gives them, their text
// and JSON forms, and random list histories checked against an independent
// model of the definition over every pair of revisions, scoped and unscoped.
#include "critgraph/lineage.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "critgraph/critgraph.h"
#include "critgraph/io/diff_format.h"
#include "gtest/gtest.h"
#include "tests/diff_model.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::Model;
using testing::ModelScope;
using testing::ModelState;
using testing::TempDir;

using Kind = LineageEvent::Kind;
using Keys = std::vector<std::string>;

constexpr char kList[] = "L";

// The list's view: what `diff --scope L --direction in --edge-types part_of`
// sees.
DiffOptions ListScope() {
  DiffOptions o;
  o.scope_root = kList;
  o.direction = Direction::kIn;
  o.edge_types = {"part_of"};
  return o;
}

// A list history written to a database and to the model at once. Entries
// leave the list by losing their part_of edge and stay as nodes, as the
// bundled dataset's retired entries do (data/README.md, judgment call 10).
class ListHistory {
 public:
  explicit ListHistory(const std::string& name) {
    Options o;
    o.sync = false;
    auto db = DB::Open(TempDir(name), o);
    EXPECT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    Begin();
    Put({kList, "list", {{"en", "the list"}}, {}});
    Commit();
  }

  DB& db() { return *db_; }
  const Model& model() const { return model_; }
  const ModelState& working() { return model_.working(); }

  void Add(const std::string& key, const std::string& en) {
    Put({key, "foreign_list_entry", {{"en", en}}, {}});
    PutEdge({key, "part_of", kList, {}});
  }
  void Drop(const std::string& key) { DeleteEdge({key, "part_of", kList}); }
  void Rejoin(const std::string& key) { PutEdge({key, "part_of", kList, {}}); }
  void Rename(const std::string& key, const std::string& lang,
              const std::string& name) {
    Node n = model_.working().nodes.at(key);
    n.names[lang] = name;
    Put(n);
  }
  void Supersede(const std::string& succ, const std::string& pred) {
    PutEdge({succ, "supersedes", pred, {}});
  }
  void Unsupersede(const std::string& succ, const std::string& pred) {
    DeleteEdge({succ, "supersedes", pred});
  }
  void Delete(const std::string& key) {
    ASSERT_TRUE(txn_->DeleteNode(key).ok());
    model_.DeleteNode(key);
  }
  Revision Commit() {
    auto rev = txn_->Commit({});
    EXPECT_TRUE(rev.ok()) << rev.status();
    model_.Commit();
    Begin();
    return *rev;
  }

  std::vector<LineageEvent> Lineage(Revision a, Revision b,
                                    const DiffOptions& options) {
    auto d = Diff(*db_, a, b, options);
    EXPECT_TRUE(d.ok()) << d.status();
    auto l = DiffLineage(*db_, *d, options);
    EXPECT_TRUE(l.ok()) << l.status();
    return l.ok() ? *l : std::vector<LineageEvent>{};
  }

 private:
  void Begin() {
    auto txn = db_->Begin();
    ASSERT_TRUE(txn.ok()) << txn.status();
    txn_ = *std::move(txn);
  }
  void Put(const Node& n) {
    ASSERT_TRUE(txn_->PutNode(n).ok());
    model_.PutNode(n);
  }
  void PutEdge(const Edge& e) {
    ASSERT_TRUE(txn_->PutEdge(e).ok()) << e.from << " " << e.to;
    model_.PutEdge(e);
  }
  void DeleteEdge(const EdgeId& id) {
    ASSERT_TRUE(txn_->DeleteEdge(id.from, id.type, id.to).ok());
    model_.DeleteEdge(id);
  }

  std::unique_ptr<DB> db_;
  std::unique_ptr<Transaction> txn_;
  Model model_;
};

LineageEvent Ev(Kind kind, Keys from, Keys to, Keys via = {}) {
  LineageEvent e;
  e.kind = kind;
  e.from = std::move(from);
  e.to = std::move(to);
  e.via = std::move(via);
  return e;
}

std::string Show(const std::vector<LineageEvent>& events) {
  return io::LineageJson(events);
}

// ---- The model: the definition in lineage.h, over two model states. ----

std::set<std::string> View(const ModelState& s, bool scoped) {
  if (scoped) {
    return ModelScope(s, kList, Direction::kIn, {"part_of"}, std::nullopt);
  }
  std::set<std::string> all;
  for (const auto& [k, n] : s.nodes) all.insert(k);
  return all;
}

std::vector<LineageEvent> ModelLineage(const ModelState& older,
                                       const ModelState& newer, bool scoped) {
  const std::set<std::string> v_old = View(older, scoped);
  const std::set<std::string> v_new = View(newer, scoped);
  std::vector<LineageEvent> out;
  // Same-key renames: in view at both ends, a name on both sides differs.
  for (const auto& k : v_old) {
    if (!v_new.count(k)) continue;
    const Node& a = older.nodes.at(k);
    const Node& b = newer.nodes.at(k);
    LineageEvent e = Ev(Kind::kRename, {k}, {k});
    for (const auto& [lang, name] : a.names) {
      auto it = b.names.find(lang);
      if (it != b.names.end() && it->second != name) {
        e.names.push_back(NameChange{lang, name, it->second});
      }
    }
    if (!e.names.empty()) out.push_back(e);
  }
  // New supersedes edges, as an undirected adjacency.
  std::map<std::string, std::set<std::string>> adj;
  for (const auto& [id, e] : newer.edges) {
    if (id.type != "supersedes" || older.edges.count(id)) continue;
    adj[id.from].insert(id.to);
    adj[id.to].insert(id.from);
  }
  std::set<std::string> done;
  for (const auto& [start, unused] : adj) {
    if (done.count(start)) continue;
    std::set<std::string> comp;
    std::deque<std::string> q{start};
    while (!q.empty()) {
      std::string k = q.front();
      q.pop_front();
      if (!comp.insert(k).second) continue;
      for (const auto& o : adj[k]) q.push_back(o);
    }
    done.insert(comp.begin(), comp.end());
    LineageEvent e;
    for (const auto& k : comp) {
      if (v_old.count(k)) e.from.push_back(k);
      if (v_new.count(k)) e.to.push_back(k);
      if (!v_old.count(k) && !v_new.count(k)) e.via.push_back(k);
    }
    if (e.from.empty() || e.to.empty() || e.from == e.to) continue;
    e.kind = e.from.size() == 1 && e.to.size() == 1 ? Kind::kRename
             : e.from.size() == 1                   ? Kind::kSplit
             : e.to.size() == 1                     ? Kind::kMerge
                                                    : Kind::kReplace;
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.from, a.to, a.kind) < std::tie(b.from, b.to, b.kind);
  });
  return out;
}

// ---- Hand-built cases. ----

TEST(LineageTest, SplitMergeAndKeyChange) {
  ListHistory h("split_merge");
  h.Add("L/sensing", "Sensing");
  h.Add("L/energy", "Energy");
  h.Add("L/ledger", "Ledger");
  Revision r1 = h.Commit();
  h.Drop("L/sensing");
  h.Add("L/sensors", "Sensors");
  h.Add("L/signatures", "Signatures");
  h.Supersede("L/sensors", "L/sensing");
  h.Supersede("L/signatures", "L/sensing");
  h.Drop("L/ledger");
  h.Add("L/fintech", "Fintech");
  h.Supersede("L/fintech", "L/ledger");
  h.Add("L/nuclear", "Nuclear");
  Revision r2 = h.Commit();
  h.Drop("L/energy");
  h.Drop("L/nuclear");
  h.Add("L/clean", "Clean energy");
  h.Supersede("L/clean", "L/energy");
  h.Supersede("L/clean", "L/nuclear");
  Revision r3 = h.Commit();

  auto l12 = h.Lineage(r1, r2, ListScope());
  EXPECT_EQ(
      l12, (std::vector<LineageEvent>{
               Ev(Kind::kRename, {"L/ledger"}, {"L/fintech"}),
               Ev(Kind::kSplit, {"L/sensing"}, {"L/sensors", "L/signatures"})}))
      << Show(l12);
  auto l23 = h.Lineage(r2, r3, ListScope());
  EXPECT_EQ(l23, (std::vector<LineageEvent>{
                     Ev(Kind::kMerge, {"L/energy", "L/nuclear"}, {"L/clean"})}))
      << Show(l23);
  // Reversed: the same events, still told from older to newer.
  EXPECT_EQ(h.Lineage(r3, r2, ListScope()), l23);
  // Over both steps nuclear appeared and was merged away: not at either end.
  auto l13 = h.Lineage(r1, r3, ListScope());
  EXPECT_EQ(
      l13, (std::vector<LineageEvent>{
               Ev(Kind::kRename, {"L/energy"}, {"L/clean"}, {"L/nuclear"}),
               Ev(Kind::kRename, {"L/ledger"}, {"L/fintech"}),
               Ev(Kind::kSplit, {"L/sensing"}, {"L/sensors", "L/signatures"})}))
      << Show(l13);
  // Unscoped, a retired entry still exists: it continues on the "to" side.
  auto u12 = h.Lineage(r1, r2, {});
  EXPECT_EQ(u12, (std::vector<LineageEvent>{
                     Ev(Kind::kSplit, {"L/ledger"}, {"L/fintech", "L/ledger"}),
                     Ev(Kind::kSplit, {"L/sensing"},
                        {"L/sensing", "L/sensors", "L/signatures"})}))
      << Show(u12);
  // No change, no lineage.
  EXPECT_TRUE(h.Lineage(r2, r2, ListScope()).empty());
}

TEST(LineageTest, SpinOffAbsorptionAndSameKeyRename) {
  ListHistory h("spin_off");
  h.Add("L/space", "Space");
  h.Add("L/sensing", "Sensing");
  h.Add("L/networked", "Networked");
  h.Add("L/quantum", "Quantum Science");
  Revision r1 = h.Commit();
  h.Add("L/pnt", "PNT");
  h.Supersede("L/pnt", "L/space");  // space stays listed
  h.Drop("L/networked");
  h.Supersede("L/sensing", "L/networked");  // sensing was listed already
  h.Rename("L/quantum", "en", "Quantum Technologies");
  h.Rename("L/space", "ja", "宇宙");  // a name added: no rename
  Revision r2 = h.Commit();

  auto l = h.Lineage(r1, r2, ListScope());
  LineageEvent rename = Ev(Kind::kRename, {"L/quantum"}, {"L/quantum"});
  rename.names = {NameChange{"en", "Quantum Science", "Quantum Technologies"}};
  EXPECT_EQ(l,
            (std::vector<LineageEvent>{
                Ev(Kind::kMerge, {"L/networked", "L/sensing"}, {"L/sensing"}),
                rename, Ev(Kind::kSplit, {"L/space"}, {"L/pnt", "L/space"})}))
      << Show(l);
  // Reversed, the rename still reads old -> new.
  EXPECT_EQ(h.Lineage(r2, r1, ListScope()), l);

  EXPECT_EQ(io::LineageText(l[0]),
            "L/sensing merged from L/networked, L/sensing");
  EXPECT_EQ(
      io::LineageText(l[1]),
      R"(L/quantum renamed: en "Quantum Science" -> "Quantum Technologies")");
  EXPECT_EQ(io::LineageText(l[2]), "L/space split into L/pnt, L/space");
  EXPECT_EQ(io::LineageJson({l[1], l[2]}),
            R"([{"kind":"renamed","from":["L/quantum"],"to":["L/quantum"],)"
            R"("names":{"en":{"old":"Quantum Science","new":"Quantum )"
            R"(Technologies"}}},{"kind":"split","from":["L/space"],"to":)"
            R"(["L/pnt","L/space"]}])");
}

TEST(LineageTest, ChainThroughEntriesNeitherEndHolds) {
  // a -> b -> c -> d, one key change per revision: from r1 to r4 only a and
  // d are in view; b and c are passed through. The edge c->b touches no node
  // the r1..r4 diff reports, so the component must be completed by walking.
  ListHistory h("chain");
  h.Add("L/a", "A");
  Revision r1 = h.Commit();
  std::string prev = "L/a";
  for (const char* k : {"L/b", "L/c", "L/d"}) {
    h.Drop(prev);
    h.Add(k, k);
    h.Supersede(k, prev);
    h.Commit();
    prev = k;
  }
  Revision r4 = h.db().Head();
  auto l = h.Lineage(r1, r4, ListScope());
  EXPECT_EQ(l, (std::vector<LineageEvent>{
                   Ev(Kind::kRename, {"L/a"}, {"L/d"}, {"L/b", "L/c"})}))
      << Show(l);
  EXPECT_EQ(io::LineageText(l[0]), "L/a renamed to L/d (via L/b, L/c)");
}

TEST(LineageTest, DiffOutputsCarryLineageAndNodeDetails) {
  ListHistory h("outputs");
  h.Add("L/a", "A");
  Revision r1 = h.Commit();
  h.Drop("L/a");
  h.Add("L/b", "B");
  h.Add("L/c", "C");
  h.Supersede("L/b", "L/a");
  h.Supersede("L/c", "L/a");
  Revision r2 = h.Commit();
  auto d = Diff(h.db(), r1, r2, ListScope());
  ASSERT_TRUE(d.ok());
  auto l = DiffLineage(h.db(), *d, ListScope());
  ASSERT_TRUE(l.ok());
  std::string json = io::DiffJson(*d, *l);
  EXPECT_NE(json.find(R"("added_nodes":[{"key":"L/b","kind":)"
                      R"("foreign_list_entry","names":{"en":"B"}},)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("removed_nodes":[{"key":"L/a","kind":)"
                      R"("foreign_list_entry","names":{"en":"A"}}])"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"(,"lineage":[{"kind":"split","from":["L/a"],)"
                      R"("to":["L/b","L/c"]}]})"),
            std::string::npos)
      << json;
  // The old fields stay: the key lists.
  EXPECT_NE(json.find(R"("added":["L/b","L/c"],"removed":["L/a"])"),
            std::string::npos);
  std::ostringstream text;
  io::PrintDiffText(text, *d, *l, "1", "2", false);
  EXPECT_NE(text.str().find("\nlineage: 1 split\n= L/a split into L/b, L/c\n"),
            std::string::npos)
      << text.str();
  // Without lineage the text has no lineage block.
  std::ostringstream plain;
  io::PrintDiffText(plain, *d, "1", "2", false);
  EXPECT_EQ(plain.str().find("lineage"), std::string::npos);
}

TEST(LineageTest, UnknownRevisionIsNotFound) {
  ListHistory h("bad_rev");
  DiffResult d;
  d.from = 1;
  d.to = 99;
  auto l = DiffLineage(h.db(), d, ListScope());
  EXPECT_EQ(l.status().code(), absl::StatusCode::kNotFound) << l.status();
}

// ---- Random histories against the model. ----

class RandomLists : public ::testing::TestWithParam<int> {};

TEST_P(RandomLists, MatchesModelForEveryPair) {
  const int seed = GetParam();
  std::mt19937_64 rng(seed);
  ListHistory h(StrCat("random", seed));
  int next = 0;
  auto fresh = [&] { return StrCat("L/e", next++); };
  auto pick = [&](const std::vector<std::string>& v) {
    return v[rng() % v.size()];
  };
  for (int r = 0; r < 9; ++r) {
    int ops = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < ops; ++i) {
      const ModelState& s = h.working();
      std::vector<std::string> members, retired, all;
      for (const auto& [k, n] : s.nodes) {
        if (k == kList) continue;
        all.push_back(k);
        (s.edges.count(EdgeId{k, "part_of", kList}) ? members : retired)
            .push_back(k);
      }
      std::vector<EdgeId> sup;
      for (const auto& [id, e] : s.edges) {
        if (id.type == "supersedes") sup.push_back(id);
      }
      switch (members.size() < 2 ? 0 : rng() % 11) {
        case 0:  // add
          h.Add(fresh(), "new");
          break;
        case 1: {  // split
          std::string p = pick(members);
          h.Drop(p);
          for (int k = 0, n = 2 + rng() % 2; k < n; ++k) {
            std::string s2 = fresh();
            h.Add(s2, "part");
            h.Supersede(s2, p);
          }
          break;
        }
        case 2: {  // merge
          std::string a = members[0], b = members[1];
          std::string m = fresh();
          h.Drop(a);
          h.Drop(b);
          h.Add(m, "merged");
          h.Supersede(m, a);
          h.Supersede(m, b);
          break;
        }
        case 3: {  // key change
          std::string p = pick(members), s2 = fresh();
          h.Drop(p);
          h.Add(s2, "renamed");
          h.Supersede(s2, p);
          break;
        }
        case 4: {  // spin-off: p stays
          std::string p = pick(members), s2 = fresh();
          h.Add(s2, "spun off");
          h.Supersede(s2, p);
          break;
        }
        case 5: {  // absorption by a listed entry
          std::string p = members[0], s2 = members.back();
          h.Drop(p);
          h.Supersede(s2, p);
          break;
        }
        case 6:  // same-key rename, or a name added in another language
          h.Rename(pick(members), rng() % 2 ? "en" : "ja",
                   StrCat("name ", rng() % 3));
          break;
        case 7:  // drop without successor
          h.Drop(pick(members));
          break;
        case 8:  // a retired entry comes back, or is deleted with its edges
          if (!retired.empty()) {
            std::string k = pick(retired);
            if (rng() % 2) {
              h.Rejoin(k);
            } else {
              h.Delete(k);
            }
          }
          break;
        case 9:  // a supersedes edge withdrawn
          if (!sup.empty()) {
            EdgeId id = sup[rng() % sup.size()];
            h.Unsupersede(id.from, id.to);
          }
          break;
        default:  // supersedes between any two entries (n:m mixes)
          if (all.size() >= 2) {
            std::string a = pick(all), b = pick(all);
            if (a != b) h.Supersede(a, b);
          }
          break;
      }
    }
    h.Commit();
  }
  const Revision head = h.db().Head();
  int events = 0;
  for (Revision a = 1; a <= head; ++a) {
    for (Revision b = 1; b <= head; ++b) {
      const ModelState& older = h.model().at(std::min(a, b));
      const ModelState& newer = h.model().at(std::max(a, b));
      for (bool scoped : {true, false}) {
        auto got = h.Lineage(a, b, scoped ? ListScope() : DiffOptions{});
        auto want = ModelLineage(older, newer, scoped);
        ASSERT_EQ(got, want) << "seed " << seed << " " << a << ".." << b
                             << (scoped ? " scoped" : " unscoped") << "\ngot  "
                             << Show(got) << "\nwant " << Show(want);
        events += got.size();
      }
    }
  }
  // The generator produces lineage at all (the comparison is not vacuous).
  EXPECT_GT(events, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomLists, ::testing::Range(1, 21));

}  // namespace
}  // namespace critgraph
