// One typed suite for both traversal backends: the storage traversal over a
// Snapshot (critgraph/traversal.h) and the in-memory AdjacencySnapshot
// (critgraph/adjacency.h). On random histories every result must equal the
// plain BFS over the model (tests/traversal_model.h), and every result and
// error must equal the storage traversal's at the same revision.
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <set>

#include "critgraph/adjacency.h"
#include "critgraph/db.h"
#include "critgraph/traversal.h"
#include "gtest/gtest.h"
#include "tests/model.h"
#include "tests/traversal_model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::Describe;
using testing::ExpectSame;
using testing::Filters;
using testing::History;
using testing::kDepths;
using testing::kDirections;
using testing::Keys;
using testing::kFilterCombos;
using testing::kUnknownFilterCombos;
using testing::MakeHistory;
using testing::ModelCheckPath;
using testing::ModelReach;
using testing::ModelState;
using testing::PickSources;

// The queries run on the snapshot itself.
class StorageBackend {
 public:
  explicit StorageBackend(const Snapshot& snap) : snap_(snap) {}
  const Snapshot& q() const { return snap_; }

 private:
  const Snapshot& snap_;
};

// The queries run on an adjacency snapshot built from it.
class AdjacencyBackend {
 public:
  explicit AdjacencyBackend(const Snapshot& snap) {
    auto adj = AdjacencySnapshot::Build(snap, 1);
    EXPECT_TRUE(adj.ok()) << adj.status();
    if (adj.ok()) adj_ = *std::move(adj);
  }
  const AdjacencySnapshot& q() const { return *adj_; }

 private:
  std::unique_ptr<AdjacencySnapshot> adj_;
};

template <typename Backend>
class TraversalBackend : public ::testing::Test {};

using Backends = ::testing::Types<StorageBackend, AdjacencyBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, StorageBackend> ? "Storage" : "Adjacency";
  }
};
TYPED_TEST_SUITE(TraversalBackend, Backends, BackendNames);

// Whether the model says `spec` must fail: an absent source or a name
// registered nowhere.
bool ModelRefuses(const ModelState& state, const ReachSpec& spec) {
  for (const auto& k : spec.sources) {
    if (!state.nodes.count(k)) return true;
  }
  for (const auto& t : spec.edge_types) {
    if (t.starts_with("no_such")) return true;
  }
  for (const auto& k : spec.kinds) {
    if (k.starts_with("no_such")) return true;
  }
  return false;
}

TYPED_TEST(TraversalBackend, ReachEqualsModelAndStorageAtEveryRevision) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    History h = MakeHistory(StrCat("db", seed), seed, 12, 40, 30);
    std::mt19937_64 rng(seed * 104729);
    // Keys of every revision: a source picked from here may be absent (or
    // deleted) at the revision under test.
    std::set<std::string> ever;
    for (Revision r = 0; r <= h.model.head(); ++r) {
      for (const auto& k : Keys(h.model.at(r))) ever.insert(k);
    }
    const std::vector<std::string> all_keys(ever.begin(), ever.end());
    std::vector<Filters> combos(std::begin(kFilterCombos),
                                std::end(kFilterCombos));
    combos.insert(combos.end(), std::begin(kUnknownFilterCombos),
                  std::end(kUnknownFilterCombos));
    int checked = 0, large = 0, errors = 0;
    uint32_t deepest = 0;
    for (Revision r = 0; r <= h.model.head(); ++r) {
      auto snap = *h.db->GetSnapshot(r);
      TypeParam backend(*snap);
      const ModelState& state = h.model.at(r);
      const std::vector<std::string> keys = Keys(state);
      for (Direction dir : kDirections) {
        for (const Filters& f : combos) {
          for (auto depth : kDepths) {
            ReachSpec spec;
            spec.sources = PickSources(rng, rng() % 8 ? keys : all_keys, 3);
            spec.direction = dir;
            spec.edge_types = f.types;
            spec.kinds = f.kinds;
            spec.max_depth = depth;
            const std::string what = StrCat("rev ", r, " ", Describe(spec));
            auto got = Reach(backend.q(), spec);
            ExpectSame(got, Reach(*snap, spec), what);
            ++checked;
            if (ModelRefuses(state, spec)) {
              EXPECT_FALSE(got.ok()) << what;
              ++errors;
              continue;
            }
            ASSERT_TRUE(got.ok()) << got.status() << " " << what;
            ASSERT_EQ(*got, ModelReach(state, spec)) << what;
            if (got->size() >= 5) ++large;
            for (const auto& n : *got) deepest = std::max(deepest, n.depth);
          }
        }
      }
    }
    // The graphs are not trivial.
    EXPECT_GT(checked, 1000);
    EXPECT_GT(large, 100);
    EXPECT_GT(errors, 100);
    EXPECT_GE(deepest, 4u);
  }
}

TYPED_TEST(TraversalBackend, ShortestPathsEqualModelAndStorage) {
  History h = MakeHistory("db", 21, 10, 50, 25);
  std::mt19937_64 rng(4242);
  int found = 0, none = 0;
  for (Revision r = 1; r <= h.model.head(); ++r) {
    auto snap = *h.db->GetSnapshot(r);
    TypeParam backend(*snap);
    const ModelState& state = h.model.at(r);
    const std::vector<std::string> keys = Keys(state);
    if (keys.empty()) continue;
    for (Direction dir : kDirections) {
      for (const Filters& f : kFilterCombos) {
        for (auto depth : {std::optional<uint32_t>(), std::optional(2u)}) {
          ReachSpec filters;
          filters.direction = dir;
          filters.edge_types = f.types;
          filters.kinds = f.kinds;
          filters.max_depth = depth;
          for (int i = 0; i < 4; ++i) {
            const std::string& from = keys[rng() % keys.size()];
            const std::string& to = keys[rng() % keys.size()];
            ReachSpec spec = filters;
            spec.sources = {from};
            const std::string what =
                StrCat("rev ", r, " ", from, " -> ", to, " ", Describe(spec));
            std::vector<ReachedNode> model = ModelReach(state, spec);
            const ReachedNode* target = nullptr;
            for (const auto& n : model) {
              if (n.key == to) target = &n;
            }
            auto path = ShortestPath(backend.q(), from, to, filters);
            ExpectSame(path, ShortestPath(*snap, from, to, filters), what);
            ASSERT_TRUE(path.ok()) << path.status();
            if (target == nullptr) {
              EXPECT_FALSE(path->has_value()) << what;
              ++none;
              continue;
            }
            ASSERT_TRUE(path->has_value()) << what;
            const auto& p = **path;
            ASSERT_EQ(p.size(), target->depth + 1) << what;
            EXPECT_EQ(p.front(), from);
            EXPECT_EQ(p.back(), to);
            EXPECT_EQ(ModelCheckPath(state, spec, p), "") << what;
            // The path is the chain of Reach parents from `to`.
            std::map<std::string, std::optional<std::string>> parent;
            for (const auto& n : model) parent[n.key] = n.parent;
            std::vector<std::string> chain{to};
            while (parent[chain.back()]) chain.push_back(*parent[chain.back()]);
            std::reverse(chain.begin(), chain.end());
            EXPECT_EQ(p, chain) << what;
            ++found;
          }
        }
      }
    }
  }
  EXPECT_GT(found, 100);
  EXPECT_GT(none, 20);
}

TYPED_TEST(TraversalBackend, NeighbourhoodIsReachWithDepthLimit) {
  History h = MakeHistory("db", 5, 4, 60, 20);
  auto snap = *h.db->GetSnapshot("HEAD");
  TypeParam backend(*snap);
  const ModelState& state = h.model.at(h.model.head());
  for (const auto& key : Keys(state)) {
    for (uint32_t k : {0u, 1u, 3u}) {
      ReachSpec filters;
      filters.direction = Direction::kBoth;
      auto got = Neighbourhood(backend.q(), key, k, filters);
      ASSERT_TRUE(got.ok()) << got.status();
      ReachSpec spec = filters;
      spec.sources = {key};
      spec.max_depth = k;
      EXPECT_EQ(*got, ModelReach(state, spec)) << key << " k=" << k;
    }
  }
  // Argument checks and a missing key, as the storage traversal.
  const std::string some = Keys(state).front();
  for (const ReachSpec& f :
       {ReachSpec{.sources = {"x"}}, ReachSpec{.max_depth = 2}}) {
    auto got = Neighbourhood(backend.q(), some, 1, f);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    ExpectSame(got, Neighbourhood(*snap, some, 1, f), Describe(f));
  }
  auto missing = Neighbourhood(backend.q(), "missing/key", 1);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  ExpectSame(missing, Neighbourhood(*snap, "missing/key", 1), "missing");
}

TYPED_TEST(TraversalBackend, ReachManyAndPerKindEqualSequentialAndModel) {
  History h = MakeHistory("db", 41, 5, 150, 60);
  auto snap = *h.db->GetSnapshot("HEAD");
  TypeParam backend(*snap);
  const ModelState& state = h.model.at(h.model.head());
  std::vector<ReachSpec> specs;
  for (const auto& key : Keys(state)) {
    for (Direction dir : kDirections) {
      ReachSpec spec;
      spec.sources = {key};
      spec.direction = dir;
      specs.push_back(spec);
      spec.kinds = {"technology", "material"};
      spec.max_depth = 3;
      specs.push_back(spec);
    }
  }
  ASSERT_GT(specs.size(), 200u);
  std::vector<std::vector<ReachedNode>> sequential;
  for (const auto& spec : specs) {
    auto r = Reach(backend.q(), spec);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, ModelReach(state, spec)) << Describe(spec);
    sequential.push_back(*std::move(r));
  }
  for (int threads : {0, 1, 2, 4}) {
    auto many = ReachMany(backend.q(), specs, threads);
    ASSERT_TRUE(many.ok()) << many.status();
    EXPECT_EQ(*many, sequential) << "threads=" << threads;
  }

  // One reach per node of a kind, against the model.
  ReachSpec filters;
  filters.direction = Direction::kIn;
  filters.edge_types = {"depends_on", "part_of"};
  for (const char* kind : {"material", "domain"}) {
    std::vector<SourceReach> want;
    for (const auto& [key, node] : state.nodes) {
      if (node.kind != kind) continue;
      ReachSpec spec = filters;
      spec.sources = {key};
      want.push_back({key, ModelReach(state, spec)});
    }
    ASSERT_FALSE(want.empty());
    for (int threads : {1, 3}) {
      auto per_kind = ReachFromEachOfKind(backend.q(), kind, filters, threads);
      ASSERT_TRUE(per_kind.ok()) << per_kind.status();
      EXPECT_EQ(*per_kind, want) << kind << " threads=" << threads;
    }
  }
  // A registered kind without nodes ("list" is built in, RandomOps never
  // uses it) gives nothing, but unknown filter names are still reported.
  auto no_nodes = ReachFromEachOfKind(backend.q(), "list", filters);
  ASSERT_TRUE(no_nodes.ok()) << no_nodes.status();
  EXPECT_TRUE(no_nodes->empty());
  // Errors of the per-kind variant, as the storage traversal's.
  for (const auto& [kind, f] : std::vector<std::pair<std::string, ReachSpec>>{
           {"no_such_kind", {}},
           {"material", {.sources = {"x"}}},
           {"material", {.edge_types = {"no_such_type"}}},
           {"list", {.kinds = {"no_such_kind"}}}}) {
    auto got = ReachFromEachOfKind(backend.q(), kind, f);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument)
        << kind << " " << Describe(f);
    ExpectSame(got, ReachFromEachOfKind(*snap, kind, f), kind);
  }

  // The error is the one of the lowest-index failing spec, whatever the
  // thread count, and the same as the storage traversal's.
  std::vector<ReachSpec> bad = specs;
  bad[5].sources = {"no/such/key"};
  bad[7].edge_types = {"no_such_type"};
  bad[6].kinds = {"no_such_kind"};
  bad[150].kinds = {"no_such_kind"};
  auto want = ReachMany(*snap, bad, 1);
  for (int round = 0; round < 10; ++round) {
    for (int threads : {1, 2, 3}) {
      auto r = ReachMany(backend.q(), bad, threads);
      ASSERT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
      EXPECT_NE(r.status().message().find("no/such/key"), std::string::npos);
      EXPECT_EQ(r.status(), want.status()) << "threads=" << threads;
    }
  }
  auto empty = ReachMany(backend.q(), {}, 2);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace critgraph
