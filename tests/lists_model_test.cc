// Model-based tests of lists (critgraph/lists.h), crosswalks
// (critgraph/io/crosswalk.h) and find (critgraph/find.h): random histories
// with list nodes, part_of chains and maps_to links are applied to the
// database and to the in-memory model (tests/model.h); list entries, scope
// counts, the revisions that changed each list, crosswalk tables and find
// results are computed from the model's full copy of every revision, with
// none of the engine's code, and compared.
#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/find.h"
#include "critgraph/io/crosswalk.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "gtest/gtest.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::Model;
using testing::ModelState;
using testing::TempDir;

constexpr int kLists = 3;

std::string ListKey(int i) { return StrCat("L/", i); }

// ---------------------------------------------------------------- the model

// Entries of `list` in `s` with their BFS depth (in over part_of); empty if
// the list node is absent or not of kind list.
std::map<std::string, uint32_t> ModelEntries(const ModelState& s,
                                             const std::string& list) {
  std::map<std::string, uint32_t> depth;
  auto it = s.nodes.find(list);
  if (it == s.nodes.end()) return depth;
  std::deque<std::string> queue = {list};
  depth[list] = 0;
  while (!queue.empty()) {
    std::string at = queue.front();
    queue.pop_front();
    for (const auto& [id, e] : s.edges) {
      if (id.type == "part_of" && id.to == at && !depth.count(id.from)) {
        depth[id.from] = depth[at] + 1;
        queue.push_back(id.from);
      }
    }
  }
  depth.erase(list);
  return depth;
}

std::set<std::string> ModelScope(const ModelState& s, const std::string& l) {
  std::set<std::string> scope;
  if (!s.nodes.count(l)) return scope;
  scope.insert(l);
  for (const auto& [k, d] : ModelEntries(s, l)) scope.insert(k);
  return scope;
}

// The induced subgraph of a list's scope: nodes and edges, as values.
std::pair<std::map<std::string, Node>, std::map<EdgeId, Edge>> Induced(
    const ModelState& s, const std::string& list) {
  auto scope = ModelScope(s, list);
  std::map<std::string, Node> nodes;
  std::map<EdgeId, Edge> edges;
  for (const auto& k : scope) nodes[k] = s.nodes.at(k);
  for (const auto& [id, e] : s.edges) {
    if (scope.count(id.from) && scope.count(id.to)) edges[id] = e;
  }
  return {nodes, edges};
}

// ---------------------------------------------------------------- history

// One revision of random ops on keys k/0..k/(space-1) and the lists L/i:
// nodes of three kinds, part_of edges (often into a list, so entries and
// chains form), maps_to links with relation/confidence props, deletions,
// and now and then a list node deleted, re-created or turned into another
// kind.
void RandomRevision(std::mt19937_64& rng, Transaction& txn, Model& model,
                    int ops, int space) {
  static const char* kKinds[] = {"technology", "material", "domain"};
  static const char* kRelations[] = {"equivalent", "overlaps", "narrower"};
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  auto any_key = [&]() {
    return pick(5) == 0 ? ListKey(pick(kLists)) : StrCat("k/", pick(space));
  };
  for (int i = 0; i < ops; ++i) {
    ModelState& w = model.working();
    const int op = pick(20);
    if (op < 5) {
      Node n{StrCat("k/", pick(space)), kKinds[pick(3)], {}, {}};
      if (pick(2))
        n.names["en"] = StrCat(pick(2) ? "Quantum " : "Bio ", pick(4));
      if (pick(3) == 0) n.names["ja"] = pick(2) ? "量子技術" : "ＡＩ基盤";
      ASSERT_TRUE(txn.PutNode(n).ok());
      model.PutNode(n);
    } else if (op < 6) {
      Node n{ListKey(pick(kLists)),
             pick(6) ? "list" : "domain",
             {{"en", StrCat("List ", pick(3))}},
             {}};
      ASSERT_TRUE(txn.PutNode(n).ok());
      model.PutNode(n);
    } else if (op < 8) {
      std::string k = any_key();
      auto st = txn.DeleteNode(k);
      ASSERT_EQ(st.ok(), w.nodes.count(k) == 1) << st;
      if (st.ok()) model.DeleteNode(k);
    } else if (op < 17) {
      Edge e;
      if (op < 12) {  // membership: into a list, or into another node
        e = {StrCat("k/", pick(space)), "part_of",
             pick(3) ? ListKey(pick(kLists)) : StrCat("k/", pick(space))};
      } else if (op < 16) {
        e = {StrCat("k/", pick(space)), "maps_to", StrCat("k/", pick(space))};
        e.props["relation"] = std::string(kRelations[pick(3)]);
        if (pick(2))
          e.props["confidence"] = std::string(pick(2) ? "high" : "low");
      } else {
        e = {any_key(), "depends_on", any_key()};
      }
      auto st = txn.PutEdge(e);
      const bool ends = w.nodes.count(e.from) && w.nodes.count(e.to);
      ASSERT_EQ(st.ok(), ends) << st;
      if (st.ok()) model.PutEdge(e);
    } else {
      if (w.edges.empty()) continue;
      auto it = w.edges.begin();
      std::advance(it, pick(static_cast<int>(w.edges.size())));
      EdgeId id = it->first;
      ASSERT_TRUE(txn.DeleteEdge(id.from, id.type, id.to).ok());
      model.DeleteEdge(id);
    }
  }
}

struct History {
  std::unique_ptr<DB> db;
  Model model;
};

History MakeHistory(uint64_t seed, int revisions, int ops, int space) {
  std::mt19937_64 rng(seed);
  History h;
  Options opts;
  opts.sync = false;
  h.db = *DB::Open(TempDir(StrCat("lists", seed)), opts);
  for (int r = 0; r < revisions; ++r) {
    auto txn = *h.db->Begin();
    RandomRevision(rng, *txn, h.model, ops, space);
    EXPECT_TRUE(txn->Commit({}).ok());
    h.model.Commit();
  }
  return h;
}

// ---------------------------------------------------------------- tests

TEST(ListsModelTest, EntriesScopeCountsAndChangesMatchModel) {
  // The histories must exercise what is compared: lists with entries at
  // depth > 1, revisions that change a list and revisions that do not.
  size_t deep_entries = 0, changed = 0, unchanged = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    History h = MakeHistory(seed, 40, 25, 16);
    const Revision head = h.db->Head();
    std::vector<std::string> lists;
    for (int i = 0; i < kLists; ++i) lists.push_back(ListKey(i));
    // The engine's changed revisions against the model's definition: the
    // induced subgraph of the scope differs from the parent's.
    auto changes = ListChangeRevisions(*h.db, lists, head);
    ASSERT_TRUE(changes.ok()) << changes.status();
    for (int i = 0; i < kLists; ++i) {
      std::vector<Revision> want;
      for (Revision r = 1; r <= head; ++r) {
        if (Induced(h.model.at(r - 1), lists[i]) !=
            Induced(h.model.at(r), lists[i])) {
          want.push_back(r);
        }
      }
      EXPECT_EQ((*changes)[i], want) << "seed " << seed << " " << lists[i];
      changed += want.size();
      unchanged += head - want.size();
    }
    for (Revision r = 0; r <= head; ++r) {
      const ModelState& s = h.model.at(r);
      auto snap = *h.db->GetSnapshot(r);
      for (const std::string& l : lists) {
        auto node = s.nodes.find(l);
        auto entries = ListEntries(*snap, l);
        if (node == s.nodes.end()) {
          EXPECT_EQ(entries.status().code(), absl::StatusCode::kNotFound);
          continue;
        }
        if (node->second.kind != "list") {
          EXPECT_EQ(entries.status().code(),
                    absl::StatusCode::kInvalidArgument);
          continue;
        }
        ASSERT_TRUE(entries.ok()) << entries.status();
        std::map<std::string, uint32_t> got;
        for (const auto& e : *entries) {
          got[e.key] = e.depth;
          deep_entries += e.depth > 1;
        }
        ASSERT_EQ(got, ModelEntries(s, l)) << "seed " << seed << " rev " << r;
        // Scope counts by kind and type.
        auto [nodes, edges] = Induced(s, l);
        auto counts = CountByTypeInList(*snap, l);
        ASSERT_TRUE(counts.ok()) << counts.status();
        std::map<std::string, uint64_t> by_kind, by_type;
        for (const auto& [k, n] : counts->nodes_by_kind) {
          if (n) by_kind[k] = n;
        }
        for (const auto& [t, n] : counts->edges_by_type) {
          if (n) by_type[t] = n;
        }
        ModelState induced{nodes, edges};
        EXPECT_EQ(by_kind, testing::ModelNodesByKind(induced));
        EXPECT_EQ(by_type, testing::ModelEdgesByType(induced));
      }
    }
  }
  EXPECT_GT(deep_entries, 0u);
  EXPECT_GT(changed, 0u);
  EXPECT_GT(unchanged, 0u);
}

TEST(ListsModelTest, CrosswalkMatchesModel) {
  for (uint64_t seed = 11; seed <= 14; ++seed) {
    History h = MakeHistory(seed, 25, 30, 14);
    for (Revision r = 1; r <= h.db->Head(); r += 3) {
      const ModelState& s = h.model.at(r);
      auto snap = *h.db->GetSnapshot(r);
      for (int a = 0; a < kLists; ++a) {
        for (int b = 0; b < kLists; ++b) {
          const std::string la = ListKey(a), lb = ListKey(b);
          auto t = io::Crosswalk(*snap, la, lb);
          auto is_list = [&](const std::string& l) {
            return s.nodes.count(l) && s.nodes.at(l).kind == "list";
          };
          if (a == b || !is_list(la) || !is_list(lb)) {
            EXPECT_FALSE(t.ok());
            continue;
          }
          ASSERT_TRUE(t.ok()) << t.status();
          auto ea = ModelEntries(s, la), eb = ModelEntries(s, lb);
          // Model rows: every entry of A with its maps_to links to B.
          std::map<std::string,
                   std::set<std::tuple<std::string, bool, std::string>>>
              want;
          std::set<std::string> mapped_b;
          std::set<EdgeId> links;
          for (const auto& [k, d] : ea) want[k];
          for (const auto& [id, e] : s.edges) {
            if (id.type != "maps_to") continue;
            const std::string rel =
                std::get<std::string>(e.props.at("relation"));
            if (ea.count(id.from) && eb.count(id.to)) {
              want[id.from].insert({id.to, true, rel});
              mapped_b.insert(id.to);
              links.insert(id);
            }
            if (eb.count(id.from) && ea.count(id.to)) {
              want[id.to].insert({id.from, false, rel});
              mapped_b.insert(id.from);
              links.insert(id);
            }
          }
          std::map<std::string,
                   std::set<std::tuple<std::string, bool, std::string>>>
              got;
          for (const auto& row : t->rows) {
            auto& g = got[row.entry.key];
            for (const auto& l : row.links) {
              EXPECT_EQ(l.type, "maps_to");
              g.insert({l.other.key, l.outgoing,
                        std::get<std::string>(l.props.at("relation"))});
            }
          }
          ASSERT_EQ(got, want) << "seed " << seed << " rev " << r;
          std::vector<std::string> unmapped_b;
          for (const auto& [k, d] : eb) {
            if (!mapped_b.count(k)) unmapped_b.push_back(k);
          }
          std::vector<std::string> got_unmapped;
          for (const auto& e : t->unmapped_b) got_unmapped.push_back(e.key);
          EXPECT_EQ(got_unmapped, unmapped_b);
          uint64_t mapped_a = 0;
          for (const auto& [k, v] : want) mapped_a += !v.empty();
          EXPECT_EQ(t->entries_a, ea.size());
          EXPECT_EQ(t->entries_b, eb.size());
          EXPECT_EQ(t->links, links.size());
          EXPECT_EQ(t->mapped_a, mapped_a);
          EXPECT_EQ(t->mapped_b, mapped_b.size());
          // The flattened rows: one per link, then the unmapped of each side.
          uint64_t link_rows = 0;
          for (const auto& [k, v] : want) link_rows += v.size();
          EXPECT_EQ(io::FlattenCrosswalk(*t).size(),
                    link_rows + (ea.size() - mapped_a) + unmapped_b.size());
          // The matrix row against B carries the same counts.
          auto m = io::CrosswalkAll(*snap, la);
          ASSERT_TRUE(m.ok()) << m.status();
          auto row =
              std::find_if(m->rows.begin(), m->rows.end(),
                           [&](const auto& x) { return x.list_b == lb; });
          ASSERT_NE(row, m->rows.end());
          EXPECT_EQ(row->links, t->links);
          EXPECT_EQ(row->mapped_a, t->mapped_a);
          EXPECT_EQ(row->mapped_b, t->mapped_b);
        }
      }
    }
  }
}

// ASCII lowering as the model of folding, for the ASCII and CJK text the
// random histories use (full-width and other scripts: FindTest below).
std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

TEST(ListsModelTest, FindMatchesModel) {
  History h = MakeHistory(21, 20, 30, 20);
  auto snap = *h.db->GetSnapshot(h.db->Head());
  const ModelState& s = h.model.at(h.db->Head());
  for (const std::string text :
       {"quantum", "QUANTUM 1", "k/1", "量子", "bio", "list", "zzz"}) {
    for (const std::optional<std::string>& kind :
         {std::optional<std::string>(), std::optional<std::string>("domain")}) {
      FindOptions options{text, kind, std::nullopt};
      auto got = Find(*snap, options);
      ASSERT_TRUE(got.ok()) << got.status();
      std::vector<std::string> want, got_keys;
      const std::string needle = AsciiLower(text);
      for (const auto& [k, n] : s.nodes) {
        if (kind && n.kind != *kind) continue;
        bool hit = AsciiLower(k).find(needle) != std::string::npos;
        for (const auto& [lang, name] : n.names) {
          hit |= AsciiLower(name).find(needle) != std::string::npos;
        }
        if (hit) want.push_back(k);
      }
      for (const auto& m : *got) got_keys.push_back(m.node.key);
      EXPECT_EQ(got_keys, want) << text;
    }
  }
  // Within a list: its entries only, the list node left out.
  for (int i = 0; i < kLists; ++i) {
    const std::string l = ListKey(i);
    if (!s.nodes.count(l) || s.nodes.at(l).kind != "list") continue;
    auto got = Find(*snap, {"", std::nullopt, l});
    ASSERT_TRUE(got.ok()) << got.status();
    std::vector<std::string> got_keys, want;
    for (const auto& m : *got) got_keys.push_back(m.node.key);
    for (const auto& [k, d] : ModelEntries(s, l)) want.push_back(k);
    EXPECT_EQ(got_keys, want);
  }
}

TEST(FindTest, FoldingAndErrors) {
  EXPECT_EQ(FoldForSearch("Quantum ＡＩ"), "quantum ai");
  EXPECT_EQ(FoldForSearch("ÉCOLE Ωmega ДНК"), "école ωmega днк");
  EXPECT_EQ(FoldForSearch("量子情報科学"), "量子情報科学");
  EXPECT_EQ(FoldForSearch(std::string("a\xff"
                                      "B")),
            std::string("a\xff"
                        "b"));
  Options opts;
  opts.sync = false;
  auto db = *DB::Open(TempDir("find"), opts);
  {
    auto txn = *db->Begin();
    ASSERT_TRUE(txn->PutNode({"l", "list", {{"en", "A list"}}, {}}).ok());
    ASSERT_TRUE(txn->PutNode({"a",
                              "technology",
                              {{"en", "Artificial Intelligence"},
                               {"ja", "ＡＩ（人工知能）"}},
                              {}})
                    .ok());
    ASSERT_TRUE(
        txn->PutNode({"q", "technology", {{"ja", "量子情報科学"}}, {}}).ok());
    ASSERT_TRUE(txn->PutEdge({"a", "part_of", "l", {}}).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  auto snap = *db->GetSnapshot(1);
  auto r = Find(*snap, {"ai"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].node.key, "a");
  EXPECT_EQ((*r)[0].matched, std::vector<std::string>{"name:ja"});
  r = Find(*snap, {"情報"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].node.key, "q");
  r = Find(*snap, {"", std::string("technology"), std::string("l")});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(Find(*snap, {"x", std::string("nosuch")}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Find(*snap, {"x", std::nullopt, std::string("ghost")}).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(Find(*snap, {"x", std::nullopt, std::string("a")}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace critgraph
