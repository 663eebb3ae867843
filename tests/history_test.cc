// critgraph::History against the in-memory model: random histories with
// deletes and re-adds of nodes and edges, supersedes edges among them; the
// history of every key, with and without edges and lineage, at HEAD and at
// an older revision, must be what the model's revisions say.
#include "critgraph/history.h"

#include <algorithm>
#include <deque>
#include <random>
#include <set>
#include <tuple>

#include "gtest/gtest.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::Model;
using testing::ModelState;
using testing::RandomOps;
using testing::TempDir;

// What one expected entry says; compared field by field with the result.
struct Expected {
  Revision revision = 0;
  HistoryAction action = HistoryAction::kModified;
  bool is_edge = false;
  std::string key;  // node entries
  EdgeId edge;      // edge entries
  std::optional<Node> before, after;
  std::optional<Properties> edge_before, edge_after;
  std::string subject;
  std::vector<std::string> lineage;
  bool lineage_step = false;
  size_t lineage_index = 0;
};

HistoryAction ActionOf(bool before, bool after) {
  if (!before) return HistoryAction::kAdded;
  if (!after) return HistoryAction::kRemoved;
  return HistoryAction::kModified;
}

template <typename Map, typename K>
auto Find(const Map& m, const K& k)
    -> std::optional<typename Map::mapped_type> {
  auto it = m.find(k);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

// The model's answer, computed from whole revisions: for every entity, each
// revision r <= at whose content differs from r - 1's.
std::vector<Expected> ModelHistory(const Model& model, const std::string& key,
                                   const HistoryOptions& options, Revision at) {
  std::vector<Expected> out;
  struct Item {
    std::string key;
    std::vector<std::string> lineage;
  };
  std::deque<Item> queue = {Item{key, {key}}};
  std::set<std::string> seen = {key};
  std::set<EdgeId> reported;
  for (size_t index = 0; !queue.empty(); queue.pop_front(), ++index) {
    const Item item = queue.front();
    for (Revision r = 1; r <= at; ++r) {
      auto b = Find(model.at(r - 1).nodes, item.key);
      auto a = Find(model.at(r).nodes, item.key);
      if (b == a) continue;
      Expected e;
      e.revision = r;
      e.action = ActionOf(b.has_value(), a.has_value());
      e.key = item.key;
      e.before = b;
      e.after = a;
      e.subject = item.key;
      e.lineage = item.lineage;
      e.lineage_index = index;
      out.push_back(e);
    }
    // Every edge incident to the node in any revision up to `at`.
    std::set<EdgeId> edges;
    for (Revision r = 1; r <= at; ++r) {
      for (const auto& [id, edge] : model.at(r).edges) {
        const bool incident = id.from == item.key || id.to == item.key;
        const bool step =
            options.follow && id.type == "supersedes" && id.from == item.key;
        if ((options.edges && incident) || step) edges.insert(id);
      }
    }
    std::vector<std::string> predecessors;
    for (const EdgeId& id : edges) {
      const bool step =
          options.follow && id.type == "supersedes" && id.from == item.key;
      if (step && seen.insert(id.to).second) predecessors.push_back(id.to);
      if (!reported.insert(id).second) continue;
      for (Revision r = 1; r <= at; ++r) {
        auto b = Find(model.at(r - 1).edges, id);
        auto a = Find(model.at(r).edges, id);
        if (b == a) continue;
        Expected e;
        e.revision = r;
        e.action = ActionOf(b.has_value(), a.has_value());
        e.is_edge = true;
        e.edge = id;
        if (b) e.edge_before = b->props;
        if (a) e.edge_after = a->props;
        e.subject = item.key;
        e.lineage = item.lineage;
        e.lineage_step = step;
        e.lineage_index = index;
        out.push_back(e);
      }
    }
    std::sort(predecessors.begin(), predecessors.end());
    for (const std::string& p : predecessors) {
      std::vector<std::string> lineage = item.lineage;
      lineage.push_back(p);
      queue.push_back(Item{p, lineage});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Expected& x, const Expected& y) {
                     return std::tuple(-static_cast<int64_t>(x.revision),
                                       x.lineage_index, x.is_edge, x.edge) <
                            std::tuple(-static_cast<int64_t>(y.revision),
                                       y.lineage_index, y.is_edge, y.edge);
                   });
  return out;
}

// The names or properties that differ, computed here, independently of the
// engine: name -> (before, after).
template <typename Map>
std::map<std::string, std::pair<std::optional<typename Map::mapped_type>,
                                std::optional<typename Map::mapped_type>>>
Differing(const Map& b, const Map& a) {
  std::map<std::string, std::pair<std::optional<typename Map::mapped_type>,
                                  std::optional<typename Map::mapped_type>>>
      out;
  std::set<std::string> names;
  for (const auto& [k, v] : b) names.insert(k);
  for (const auto& [k, v] : a) names.insert(k);
  for (const std::string& n : names) {
    auto x = Find(b, n);
    auto y = Find(a, n);
    if (x != y) out[n] = {x, y};
  }
  return out;
}

// "" if `got` is what `want` says, else the first difference.
std::string Compare(const std::vector<HistoryEntry>& got,
                    const std::vector<Expected>& want) {
  if (got.size() != want.size()) {
    return StrCat("got ", got.size(), " entries, want ", want.size());
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const HistoryEntry& g = got[i];
    const Expected& w = want[i];
    const std::string at =
        StrCat("entry ", i, " (revision ", w.revision, "): ");
    if (g.revision != w.revision) {
      return StrCat(at, "revision ", g.revision);
    }
    if (g.action != w.action) return StrCat(at, "action differs");
    if (g.is_edge() != w.is_edge) return StrCat(at, "entity differs");
    if (g.subject != w.subject || g.lineage != w.lineage) {
      return StrCat(at, "subject/lineage differ: ", g.subject);
    }
    if (g.lineage_step != w.lineage_step) return StrCat(at, "lineage step");
    if (g.message != StrCat("rev ", w.revision)) {
      return StrCat(at, "message '", g.message, "'");
    }
    if (g.tags != std::vector<std::string>{StrCat("t", w.revision)}) {
      return StrCat(at, "tags differ");
    }
    if (w.is_edge) {
      const EdgeChange& c = g.edge();
      if (c.id != w.edge) return StrCat(at, "edge id differs");
      const Properties b = w.edge_before.value_or(Properties{});
      const Properties a = w.edge_after.value_or(Properties{});
      if (c.before != b || c.after != a) return StrCat(at, "edge props");
      auto diff = Differing(b, a);
      if (c.props.size() != diff.size()) return StrCat(at, "prop changes");
      for (const PropertyChange& p : c.props) {
        if (diff[p.name] != std::pair(p.before, p.after)) {
          return StrCat(at, "prop change ", p.name);
        }
      }
    } else {
      const NodeChange& c = g.node();
      const Node& full = w.after ? *w.after : *w.before;
      if (c.key != w.key) return StrCat(at, "key ", c.key);
      // Added / removed: the absent side is an empty node of the same kind.
      const Node b = w.before.value_or(Node{full.key, full.kind, {}, {}});
      const Node a = w.after.value_or(Node{full.key, full.kind, {}, {}});
      if (!(c.before == b) || !(c.after == a))
        return StrCat(at, "node content");
      if (c.kind_before != b.kind || c.kind_after != a.kind) {
        return StrCat(at, "kinds");
      }
      auto names = Differing(b.names, a.names);
      if (c.names.size() != names.size()) return StrCat(at, "name changes");
      for (const NameChange& n : c.names) {
        if (names[n.lang] != std::pair(n.before, n.after)) {
          return StrCat(at, "name change ", n.lang);
        }
      }
      auto props = Differing(b.props, a.props);
      if (c.props.size() != props.size()) return StrCat(at, "prop changes");
      for (const PropertyChange& p : c.props) {
        if (props[p.name] != std::pair(p.before, p.after)) {
          return StrCat(at, "prop change ", p.name);
        }
      }
    }
  }
  return "";
}

// Puts or deletes supersedes edges between live nodes, in `txn` and the
// model (RandomOps makes none).
void RandomSupersedes(std::mt19937_64& rng, Transaction& txn, Model& model,
                      int count) {
  for (int i = 0; i < count; ++i) {
    const ModelState& w = model.working();
    if (w.nodes.size() < 2) return;
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    auto a = std::next(w.nodes.begin(), pick(w.nodes.size()))->first;
    auto b = std::next(w.nodes.begin(), pick(w.nodes.size()))->first;
    Edge e{a, "supersedes", b, {}};
    if (pick(3) == 0) e.props["basis"] = StrCat("note ", pick(3));
    if (w.edges.count(e.id()) && pick(2) == 0) {
      ASSERT_TRUE(txn.DeleteEdge(a, "supersedes", b).ok());
      model.DeleteEdge(e.id());
    } else {
      ASSERT_TRUE(txn.PutEdge(e).ok());
      model.PutEdge(e);
    }
  }
}

void RunHistory(uint64_t seed, size_t chunk_bytes, int revisions,
                int key_space) {
  std::mt19937_64 rng(seed);
  Options opts;
  opts.txn_chunk_bytes = chunk_bytes;
  opts.sync = false;
  Model model;
  auto db = *DB::Open(TempDir(StrCat("h", seed)), opts);
  for (int r = 0; r < revisions; ++r) {
    auto txn = *db->Begin();
    RandomOps(rng, *txn, model, 1 + static_cast<int>(rng() % 20), key_space);
    RandomSupersedes(rng, *txn, model, static_cast<int>(rng() % 3));
    if (rng() % 8 == 0) {  // rolled back: must leave no trace in histories
      txn->Rollback();
      model.Rollback();
      continue;
    }
    const Revision next = db->Head() + 1;
    auto committed = txn->Commit(
        {.message = StrCat("rev ", next), .tags = {StrCat("t", next)}});
    ASSERT_TRUE(committed.ok()) << committed.status();
    model.Commit();
  }
  ASSERT_EQ(db->Head(), model.head());
  const Revision head = db->Head();
  int checked = 0;
  // What the histories exercised: entries reached through the lineage,
  // lineage steps, nodes added after revision 1 (mostly re-adds).
  int followed = 0, steps = 0, readded = 0;
  for (int k = 0; k < key_space; ++k) {
    const std::string key = StrCat("k/", k);
    for (Revision at : {head, head / 2}) {
      for (int mode = 0; mode < 4; ++mode) {
        HistoryOptions options{
            .edges = (mode & 1) != 0, .follow = (mode & 2) != 0, .at = at};
        auto want = ModelHistory(model, key, options, at);
        auto got = History(*db, key, options);
        const bool exists_up_to_at = std::any_of(
            want.begin(), want.end(),
            [&](const Expected& e) { return !e.is_edge && e.key == key; });
        if (!exists_up_to_at) {
          ASSERT_EQ(got.status().code(), absl::StatusCode::kNotFound)
              << key << " at " << at << ": " << got.status();
          continue;
        }
        ASSERT_TRUE(got.ok()) << got.status();
        ASSERT_EQ(Compare(*got, want), "")
            << key << " at " << at << " edges=" << options.edges
            << " follow=" << options.follow;
        ++checked;
        for (const HistoryEntry& e : *got) {
          followed += e.lineage.size() > 1 ? 1 : 0;
          steps += e.lineage_step ? 1 : 0;
          readded += !e.is_edge() && e.action == HistoryAction::kAdded &&
                             e.revision > 1
                         ? 1
                         : 0;
        }
      }
    }
  }
  EXPECT_GT(checked, key_space);  // most keys have a history
  EXPECT_GT(followed, 0);
  EXPECT_GT(steps, 0);
  EXPECT_GT(readded, 0);
}

TEST(HistoryTest, RandomHistoriesMatchModel) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    RunHistory(seed, size_t{32} << 20, 40, 10);
  }
}

TEST(HistoryTest, RandomHistoriesWithSpilledChunksMatchModel) {
  // Tiny chunks: a revision's versions are written, taken back and
  // rewritten across chunks; the history sees only the final one.
  for (uint64_t seed = 11; seed <= 12; ++seed) RunHistory(seed, 300, 25, 8);
}

class HistoryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    Options opts;
    opts.sync = false;
    db_ = *DB::Open(TempDir("fixed"), opts);
    auto t = *db_->Begin();
    ASSERT_TRUE(t->PutNode({"a", "technology", {{"en", "A"}}, {}}).ok());
    ASSERT_TRUE(t->PutNode({"b", "technology", {{"en", "B"}}, {}}).ok());
    ASSERT_TRUE(t->Commit({.message = "one"}).ok());
  }
  std::unique_ptr<DB> db_;
};

TEST_F(HistoryFixture, UnknownKeyIsNotFound) {
  auto h = History(*db_, "nope");
  ASSERT_EQ(h.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(h.status().message().find("'nope'"), std::string::npos)
      << h.status();
}

TEST_F(HistoryFixture, RevisionAfterHeadIsNotFound) {
  auto h = History(*db_, "a", {.at = 7});
  ASSERT_EQ(h.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(h.status().message().find("revision 7"), std::string::npos)
      << h.status();
}

TEST_F(HistoryFixture, KeyCreatedAfterAtIsNotFound) {
  auto t = *db_->Begin();
  ASSERT_TRUE(t->PutNode({"c", "material", {}, {}}).ok());
  ASSERT_TRUE(t->Commit({}).ok());
  EXPECT_EQ(History(*db_, "c", {.at = 1}).status().code(),
            absl::StatusCode::kNotFound);
  auto h = History(*db_, "c");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].revision, 2u);
  EXPECT_EQ((*h)[0].action, HistoryAction::kAdded);
}

TEST_F(HistoryFixture, SealedButUnpublishedRevisionsAreNotRead) {
  // The sealed revision's versions are on disk above HEAD; a history taken
  // meanwhile must not see them.
  auto t = *db_->Begin();
  ASSERT_TRUE(t->PutNode({"a", "technology", {{"en", "A2"}}, {}}).ok());
  ASSERT_TRUE(t->DeleteNode("b").ok());
  ASSERT_TRUE(t->Seal({.message = "sealed"}).ok());
  auto a = History(*db_, "a", {.edges = true});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].revision, 1u);
  auto b = History(*db_, "b");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->size(), 1u);
  t->Rollback();
}

}  // namespace
}  // namespace critgraph
