// A plain in-memory breadth-first search over a model state (tests/model.h),
// the reference the traversal engine is checked against, and the random
// histories the traversal tests share. Header-only.
#ifndef CRITGRAPH_TESTS_TRAVERSAL_MODEL_H_
#define CRITGRAPH_TESTS_TRAVERSAL_MODEL_H_

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/transaction.h"
#include "critgraph/traversal.h"
#include "gtest/gtest.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {

// Readable failure output (found by gtest through ADL).
inline void PrintTo(const ReachedNode& r, std::ostream* os) {
  *os << "{" << r.key << " d=" << r.depth << " p=" << r.parent.value_or("-")
      << "}";
}

}  // namespace critgraph

namespace critgraph::testing {

inline bool ModelTypeOk(const ReachSpec& spec, const std::string& type) {
  return spec.edge_types.empty() ||
         std::find(spec.edge_types.begin(), spec.edge_types.end(), type) !=
             spec.edge_types.end();
}

inline bool ModelKindOk(const ModelState& s, const ReachSpec& spec,
                        const std::string& key) {
  if (spec.kinds.empty()) return true;
  const std::string& kind = s.nodes.at(key).kind;
  return std::find(spec.kinds.begin(), spec.kinds.end(), kind) !=
         spec.kinds.end();
}

// Neighbours of every node along followed edges (set: sorted, unique).
inline std::map<std::string, std::set<std::string>> ModelAdjacency(
    const ModelState& s, const ReachSpec& spec) {
  std::map<std::string, std::set<std::string>> adj;
  for (const auto& [id, e] : s.edges) {
    if (!ModelTypeOk(spec, id.type)) continue;
    if (spec.direction != Direction::kIn) adj[id.from].insert(id.to);
    if (spec.direction != Direction::kOut) adj[id.to].insert(id.from);
  }
  return adj;
}

// Level-by-level BFS. Sources that do not exist in `s` are skipped (callers
// check existence themselves). Parent: smallest-key node of the previous
// level with an edge to the node.
inline std::vector<ReachedNode> ModelReach(const ModelState& s,
                                           const ReachSpec& spec) {
  auto adj = ModelAdjacency(s, spec);
  std::map<std::string, ReachedNode> reached;
  std::set<std::string> level;
  for (const auto& k : spec.sources) {
    if (!s.nodes.count(k)) continue;
    level.insert(k);
    reached[k] = ReachedNode{k, 0, std::nullopt};
  }
  for (uint32_t depth = 0; !level.empty(); ++depth) {
    if (spec.max_depth && depth >= *spec.max_depth) break;
    std::map<std::string, std::string> next;  // node -> parent
    for (const auto& u : level) {  // ascending: first parent found is smallest
      for (const auto& v : adj[u]) {
        if (reached.count(v) || next.count(v)) continue;
        if (!ModelKindOk(s, spec, v)) continue;
        next[v] = u;
      }
    }
    level.clear();
    for (const auto& [v, p] : next) {
      reached[v] = ReachedNode{v, depth + 1, p};
      level.insert(v);
    }
  }
  std::vector<ReachedNode> out;
  for (auto& [k, r] : reached) out.push_back(r);
  std::sort(out.begin(), out.end(),
            [](const ReachedNode& a, const ReachedNode& b) {
              return std::tie(a.depth, a.key) < std::tie(b.depth, b.key);
            });
  return out;
}

// "" if `path` is a walk from path.front() to path.back() along followed
// edges whose nodes after the first all pass the kind filter; else why not.
inline std::string ModelCheckPath(const ModelState& s, const ReachSpec& spec,
                                  const std::vector<std::string>& path) {
  if (path.empty()) return "empty path";
  for (size_t i = 0; i < path.size(); ++i) {
    if (!s.nodes.count(path[i])) return "missing node " + path[i];
    if (i > 0 && !ModelKindOk(s, spec, path[i])) {
      return "node of filtered kind " + path[i];
    }
    if (i + 1 == path.size()) break;
    const std::string& a = path[i];
    const std::string& b = path[i + 1];
    bool ok = false;
    for (const auto& [id, e] : s.edges) {
      if (!ModelTypeOk(spec, id.type)) continue;
      if (spec.direction != Direction::kIn && id.from == a && id.to == b) {
        ok = true;
      }
      if (spec.direction != Direction::kOut && id.from == b && id.to == a) {
        ok = true;
      }
      if (ok) break;
    }
    if (!ok) return "no followed edge " + a + " -> " + b;
  }
  return "";
}

// Random operations biased towards edges between existing nodes (RandomOps
// picks both endpoints blindly, so its graphs stay sparse), applied to both
// `txn` and `model`. Kinds and edge types are the ones RandomOps uses.
inline void RandomGraphOps(std::mt19937_64& rng, Transaction& txn, Model& model,
                           int count, int key_space) {
  static const char* kKinds[] = {"domain", "technology", "material"};
  static const char* kTypes[] = {"part_of", "maps_to", "depends_on"};
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto existing = [&]() -> std::string {
    const auto& nodes = model.working().nodes;
    auto it = nodes.begin();
    std::advance(it, pick(nodes.size()));
    return it->first;
  };
  for (int i = 0; i < count; ++i) {
    ModelState& w = model.working();
    const size_t op = pick(100);
    if (op < 20 || w.nodes.size() < 2) {
      Node n{"k/" + std::to_string(pick(key_space)), kKinds[pick(3)], {}, {}};
      EXPECT_TRUE(txn.PutNode(n).ok());
      model.PutNode(n);
    } else if (op < 25) {
      std::string k = existing();
      EXPECT_TRUE(txn.DeleteNode(k).ok());
      model.DeleteNode(k);
    } else if (op < 80) {
      // Self-loops included (from == to when the same node is picked).
      Edge e{existing(), kTypes[pick(3)], existing(), {}};
      EXPECT_TRUE(txn.PutEdge(e).ok());
      model.PutEdge(e);
    } else if (!w.edges.empty()) {
      auto it = w.edges.begin();
      std::advance(it, pick(w.edges.size()));
      EdgeId id = it->first;
      EXPECT_TRUE(txn.DeleteEdge(id.from, id.type, id.to).ok());
      model.DeleteEdge(id);
    }
  }
}

// The expected DiffReach from two model reaches.
inline ReachDiff ModelDiff(const std::vector<ReachedNode>& a,
                           const std::vector<ReachedNode>& b) {
  std::map<std::string, const ReachedNode*> ma, mb;
  for (const auto& r : a) ma[r.key] = &r;
  for (const auto& r : b) mb[r.key] = &r;
  ReachDiff d;
  for (const auto& r : b) {
    if (!ma.count(r.key)) d.entered.push_back(r);
  }
  for (const auto& r : a) {
    if (!mb.count(r.key)) d.left.push_back(r);
  }
  for (const auto& [k, r] : mb) {
    auto it = ma.find(k);
    if (it != ma.end() && it->second->depth != r->depth) {
      d.depth_changed.push_back({k, it->second->depth, r->depth});
    }
  }
  return d;
}

// ---- Random histories shared by the traversal and adjacency tests. ----

inline constexpr Direction kDirections[] = {Direction::kOut, Direction::kIn,
                                            Direction::kBoth};

// Filter combinations over the names RandomOps / RandomGraphOps use. "covers"
// is registered but never on an edge: no edges are followed.
struct Filters {
  std::vector<std::string> types;
  std::vector<std::string> kinds;
};
inline const Filters kFilterCombos[] = {
    {{}, {}},
    {{"part_of", "depends_on"}, {}},
    {{}, {"technology", "material"}},
    {{"maps_to"}, {"domain", "technology"}},
    {{"covers"}, {}},
};
// Names registered at no revision: InvalidArgument.
inline const Filters kUnknownFilterCombos[] = {
    {{"no_such_type"}, {}},
    {{}, {"no_such_kind"}},
};
inline const std::optional<uint32_t> kDepths[] = {std::nullopt, 0, 1, 2};

inline std::string Describe(const ReachSpec& s) {
  static const char* kDirNames[] = {"out", "in", "both"};
  std::string out =
      StrCat("dir=", kDirNames[static_cast<int>(s.direction)], " sources=");
  for (const auto& k : s.sources) StrAppend(&out, k, ",");
  StrAppend(&out, " types=");
  for (const auto& t : s.edge_types) StrAppend(&out, t, ",");
  StrAppend(&out, " kinds=");
  for (const auto& k : s.kinds) StrAppend(&out, k, ",");
  StrAppend(&out, " max_depth=",
            s.max_depth ? StrCat(*s.max_depth) : std::string("none"));
  return out;
}

// Equal results, or equal errors (code and message).
template <typename T>
void ExpectSame(const absl::StatusOr<T>& got, const absl::StatusOr<T>& want,
                const std::string& what) {
  ASSERT_EQ(got.status(), want.status()) << what;
  if (want.ok()) {
    ASSERT_EQ(*got, *want) << what;
  }
}

struct History {
  std::unique_ptr<DB> db;
  Model model;
};

// A database and its model after `revisions` random commits: a few blind
// RandomOps (properties, names, failed edge puts) and many edges between
// existing nodes per revision.
inline History MakeHistory(const std::string& name, uint64_t seed,
                           int revisions, int ops_per_rev, int key_space) {
  std::mt19937_64 rng(seed);
  Options opts;
  opts.sync = false;
  History h;
  auto db = DB::Open(TempDir(name), opts);
  EXPECT_TRUE(db.ok()) << db.status();
  h.db = *std::move(db);
  for (int r = 0; r < revisions; ++r) {
    auto txn = *h.db->Begin();
    RandomOps(rng, *txn, h.model, 5, key_space);
    RandomGraphOps(rng, *txn, h.model, ops_per_rev, key_space);
    EXPECT_TRUE(txn->Commit({}).ok());
    h.model.Commit();
  }
  return h;
}

inline std::vector<std::string> Keys(const ModelState& s) {
  std::vector<std::string> keys;
  for (const auto& [k, n] : s.nodes) keys.push_back(k);
  return keys;
}

// 1..max_count keys drawn from `keys` (with repetition).
inline std::vector<std::string> PickSources(
    std::mt19937_64& rng, const std::vector<std::string>& keys, int max_count) {
  std::vector<std::string> out;
  if (keys.empty()) return out;
  int n = 1 + static_cast<int>(rng() % max_count);
  for (int i = 0; i < n; ++i) out.push_back(keys[rng() % keys.size()]);
  return out;
}

}  // namespace critgraph::testing

#endif  // CRITGRAPH_TESTS_TRAVERSAL_MODEL_H_
