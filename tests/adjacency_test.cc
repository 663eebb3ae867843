// Tests of the in-memory adjacency snapshot (include/critgraph/adjacency.h):
// on random histories, every traversal must give exactly what the
// Snapshot-based traversal (critgraph/traversal.h) gives at that revision,
// results and errors alike.
#include "critgraph/adjacency.h"

#include <cstdio>
#include <ostream>
#include <random>
#include <set>
#include <thread>

#include "critgraph/db.h"
#include "critgraph/traversal.h"
#include "engine/adjacency_internal.h"
#include "gtest/gtest.h"
#include "storage/str_cat.h"
#include "tests/model.h"
#include "tests/traversal_model.h"

namespace critgraph {

void PrintTo(const ReachedNode& r, std::ostream* os) {
  *os << "{" << r.key << " d=" << r.depth << " p=" << r.parent.value_or("-")
      << "}";
}

namespace {

using testing::Model;
using testing::ModelReach;
using testing::ModelState;
using testing::RandomGraphOps;
using testing::RandomOps;
using testing::TempDir;

constexpr Direction kDirections[] = {Direction::kOut, Direction::kIn,
                                     Direction::kBoth};

struct Filters {
  std::vector<std::string> types;
  std::vector<std::string> kinds;
};
// Names RandomOps / RandomGraphOps use, plus "covers" (registered by
// RandomOps at some revisions, never on an edge) and unknown names.
const Filters kFilterCombos[] = {
    {{}, {}},
    {{"part_of", "depends_on"}, {}},
    {{}, {"technology", "material"}},
    {{"maps_to"}, {"domain", "technology"}},
    {{"covers"}, {}},
    {{"no_such_type"}, {}},
    {{}, {"no_such_kind"}},
};
const std::optional<uint32_t> kDepths[] = {std::nullopt, 0, 1, 2};

std::string Describe(const ReachSpec& s) {
  std::string out = StrCat("dir=", static_cast<int>(s.direction), " sources=");
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

History MakeHistory(const std::string& name, uint64_t seed, int revisions,
                    int ops_per_rev, int key_space) {
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

std::vector<std::string> Keys(const ModelState& s) {
  std::vector<std::string> keys;
  for (const auto& [k, n] : s.nodes) keys.push_back(k);
  return keys;
}

std::vector<std::string> PickSources(std::mt19937_64& rng,
                                     const std::vector<std::string>& keys,
                                     int max_count) {
  std::vector<std::string> out;
  if (keys.empty()) return out;
  int n = 1 + static_cast<int>(rng() % max_count);
  for (int i = 0; i < n; ++i) out.push_back(keys[rng() % keys.size()]);
  return out;
}

std::unique_ptr<AdjacencySnapshot> MustBuild(const Snapshot& snap,
                                             int threads = 1) {
  auto adj = AdjacencySnapshot::Build(snap, threads);
  EXPECT_TRUE(adj.ok()) << adj.status();
  return adj.ok() ? *std::move(adj) : nullptr;
}

TEST(Adjacency, ReachAndPathsEqualStorageTraversalAtEveryRevision) {
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
    int checked = 0, large = 0, paths = 0, errors = 0;
    for (Revision r = 0; r <= h.model.head(); ++r) {
      auto snap = *h.db->GetSnapshot(r);
      auto adj = MustBuild(*snap);
      ASSERT_NE(adj, nullptr);
      ASSERT_EQ(adj->revision(), r);
      ASSERT_EQ(adj->node_count(), snap->node_count());
      ASSERT_EQ(adj->edge_count(), snap->edge_count());
      ASSERT_EQ(adj->node_count(), h.model.at(r).nodes.size());
      ASSERT_EQ(adj->edge_count(), h.model.at(r).edges.size());
      const std::vector<std::string> keys = Keys(h.model.at(r));
      for (Direction dir : kDirections) {
        for (const Filters& f : kFilterCombos) {
          for (auto depth : kDepths) {
            ReachSpec spec;
            spec.sources = PickSources(rng, rng() % 8 ? keys : all_keys, 3);
            spec.direction = dir;
            spec.edge_types = f.types;
            spec.kinds = f.kinds;
            spec.max_depth = depth;
            const std::string what = StrCat("rev ", r, " ", Describe(spec));
            auto want = Reach(*snap, spec);
            ExpectSame(Reach(*adj, spec), want, what);
            ++checked;
            if (!want.ok()) ++errors;
            if (want.ok() && want->size() >= 5) ++large;

            if (keys.empty()) continue;
            ReachSpec filters = spec;
            filters.sources.clear();
            for (int i = 0; i < 2; ++i) {
              const std::string& from = keys[rng() % keys.size()];
              const std::string& to = keys[rng() % keys.size()];
              auto want_path = ShortestPath(*snap, from, to, filters);
              ExpectSame(ShortestPath(*adj, from, to, filters), want_path,
                         StrCat(what, " path ", from, " -> ", to));
              if (want_path.ok() && want_path->has_value()) ++paths;
            }
          }
        }
      }
    }
    // The graphs are not trivial.
    std::printf("seed %d: %d reaches (%d large, %d errors), %d paths\n",
                static_cast<int>(seed), checked, large, errors, paths);
    EXPECT_GT(checked, 1000);
    EXPECT_GT(large, 100);
    EXPECT_GT(paths, 200);
    EXPECT_GT(errors, 100);
  }
}

TEST(Adjacency, MatchesModelBfs) {
  History h = MakeHistory("db", 7, 8, 60, 40);
  std::mt19937_64 rng(17);
  for (Revision r = 1; r <= h.model.head(); ++r) {
    auto adj = MustBuild(**h.db->GetSnapshot(r));
    ASSERT_NE(adj, nullptr);
    const ModelState& state = h.model.at(r);
    const std::vector<std::string> keys = Keys(state);
    for (Direction dir : kDirections) {
      for (int i = 0; i < 10; ++i) {
        ReachSpec spec;
        spec.sources = PickSources(rng, keys, 3);
        spec.direction = dir;
        auto got = Reach(*adj, spec);
        ASSERT_TRUE(got.ok()) << got.status();
        EXPECT_EQ(*got, ModelReach(state, spec)) << Describe(spec);
      }
    }
  }
}

TEST(Adjacency, ParallelBuildGivesTheSameArrays) {
  History h = MakeHistory("db", 11, 6, 120, 200);
  for (Revision r : {Revision{1}, Revision{3}, h.db->Head()}) {
    auto snap = *h.db->GetSnapshot(r);
    auto one = engine::BuildAdjacencyRep(*snap, 1);
    ASSERT_TRUE(one.ok()) << one.status();
    for (int threads : {2, 3, 8}) {
      // Tiny id ranges so that the split happens on a small graph.
      auto many = engine::BuildAdjacencyRep(*snap, threads, 1);
      ASSERT_TRUE(many.ok()) << many.status();
      const engine::AdjacencyRep& a = **one;
      const engine::AdjacencyRep& b = **many;
      EXPECT_EQ(a.n, b.n);
      EXPECT_EQ(a.m, b.m);
      EXPECT_EQ(a.key_arena, b.key_arena);
      EXPECT_EQ(a.key_offsets, b.key_offsets);
      EXPECT_EQ(a.kind, b.kind);
      EXPECT_EQ(a.out_offsets, b.out_offsets);
      EXPECT_EQ(a.out_targets, b.out_targets);
      EXPECT_EQ(a.out_types, b.out_types);
      EXPECT_EQ(a.in_offsets, b.in_offsets);
      EXPECT_EQ(a.in_sources, b.in_sources);
      EXPECT_EQ(a.in_types, b.in_types);
      EXPECT_EQ(a.type_names, b.type_names);
      EXPECT_EQ(a.kind_names, b.kind_names);
    }
    // The public default (hardware concurrency) agrees too.
    auto adj = MustBuild(*snap, 0);
    ASSERT_NE(adj, nullptr);
    EXPECT_EQ(adj->node_count(), (*one)->n);
    EXPECT_EQ(adj->edge_count(), (*one)->m);
    // Keys are stored in byte order, and the CSRs hold every edge twice.
    for (uint32_t i = 1; i < (*one)->n; ++i) {
      ASSERT_LT((*one)->key(i - 1), (*one)->key(i));
    }
    EXPECT_EQ((*one)->out_offsets.back(), (*one)->m);
    EXPECT_EQ((*one)->in_offsets.back(), (*one)->m);
  }
}

TEST(Adjacency, ReachManyAndPerKindEqualSequential) {
  History h = MakeHistory("db", 41, 5, 150, 60);
  auto snap = *h.db->GetSnapshot("HEAD");
  auto adj = MustBuild(*snap);
  ASSERT_NE(adj, nullptr);
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
    auto r = Reach(*adj, spec);
    ASSERT_TRUE(r.ok()) << r.status();
    sequential.push_back(*std::move(r));
  }
  auto storage_many = ReachMany(*snap, specs, 2);
  ASSERT_TRUE(storage_many.ok()) << storage_many.status();
  EXPECT_EQ(*storage_many, sequential);
  for (int threads : {0, 1, 2, 4}) {
    auto many = ReachMany(*adj, specs, threads);
    ASSERT_TRUE(many.ok()) << many.status();
    EXPECT_EQ(*many, sequential) << "threads=" << threads;
  }

  ReachSpec filters;
  filters.direction = Direction::kIn;
  filters.edge_types = {"depends_on", "part_of"};
  for (const char* kind : {"material", "domain"}) {
    auto want = ReachFromEachOfKind(*snap, kind, filters, 2);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_FALSE(want->empty());
    ExpectSame(ReachFromEachOfKind(*adj, kind, filters, 3), want, kind);
  }
  // Errors of the per-kind variant.
  for (const auto& [kind, f] : std::vector<std::pair<std::string, ReachSpec>>{
           {"no_such_kind", {}},
           {"material", {.sources = {"x"}}},
           {"material", {.edge_types = {"no_such_type"}}}}) {
    auto want = ReachFromEachOfKind(*snap, kind, f);
    ASSERT_FALSE(want.ok());
    ExpectSame(ReachFromEachOfKind(*adj, kind, f), want, kind);
  }

  // The error is the one of the lowest-index failing spec, whatever the
  // thread count, and the same as the storage traversal's.
  std::vector<ReachSpec> bad = specs;
  bad[5].sources = {"no/such/key"};
  bad[7].edge_types = {"no_such_type"};
  bad[6].kinds = {"no_such_kind"};
  bad[150].kinds = {"no_such_kind"};
  auto want = ReachMany(*snap, bad, 1);
  ASSERT_EQ(want.status().code(), absl::StatusCode::kNotFound);
  for (int round = 0; round < 10; ++round) {
    for (int threads : {1, 2, 3}) {
      auto r = ReachMany(*adj, bad, threads);
      EXPECT_EQ(r.status(), want.status()) << "threads=" << threads;
    }
  }
  auto empty = ReachMany(*adj, {}, 4);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(Adjacency, ErrorsEqualStorageTraversalErrors) {
  History h = MakeHistory("db", 3, 3, 30, 15);
  auto snap = *h.db->GetSnapshot("HEAD");
  auto adj = MustBuild(*snap);
  ASSERT_NE(adj, nullptr);
  const std::string some = Keys(h.model.at(h.model.head())).front();
  const std::vector<ReachSpec> specs = {
      {.sources = {"missing/key"}},
      {.sources = {some, "missing/key"}},
      {.sources = {some}, .edge_types = {"part_of", "nope"}},
      {.sources = {some}, .kinds = {"nope"}},
      {.sources = {"missing/key"}, .edge_types = {"nope"}},  // type first
      {.sources = {}},                                       // empty result
  };
  for (const auto& spec : specs) {
    auto want = Reach(*snap, spec);
    ExpectSame(Reach(*adj, spec), want, Describe(spec));
  }
  const std::vector<std::tuple<std::string, std::string, ReachSpec>> paths = {
      {"missing/key", some, {}},         {some, "missing/key", {}},
      {some, some, {.sources = {some}}}, {some, some, {.kinds = {"nope"}}},
      {some, some, {.max_depth = 0}},    {some, some, {.kinds = {"material"}}},
  };
  for (const auto& [from, to, f] : paths) {
    auto want = ShortestPath(*snap, from, to, f);
    ExpectSame(ShortestPath(*adj, from, to, f), want,
               StrCat(from, " -> ", to, " ", Describe(f)));
  }
  // Neighbourhood: same results and argument checks.
  for (uint32_t k : {0u, 1u, 3u}) {
    for (const ReachSpec& f :
         {ReachSpec{.direction = Direction::kBoth},
          ReachSpec{.sources = {some}}, ReachSpec{.max_depth = 2},
          ReachSpec{.kinds = {"nope"}}}) {
      auto want = Neighbourhood(*snap, some, k, f);
      ExpectSame(Neighbourhood(*adj, some, k, f), want, Describe(f));
    }
    auto want = Neighbourhood(*snap, "missing/key", k);
    ExpectSame(Neighbourhood(*adj, "missing/key", k), want, "missing");
  }
}

TEST(Adjacency, EmptyRevisionAndOwnership) {
  History h = MakeHistory("db", 9, 4, 50, 30);
  auto snap0 = *h.db->GetSnapshot(Revision{0});
  auto empty = MustBuild(*snap0);
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->node_count(), 0u);
  EXPECT_EQ(empty->edge_count(), 0u);
  auto r = Reach(*empty, {.sources = {"k/1"}});
  ExpectSame(r, Reach(*snap0, {.sources = {"k/1"}}), "rev 0");

  // The adjacency snapshot owns its data: it outlives the Snapshot and DB.
  const Revision head = h.db->Head();
  auto snap = *h.db->GetSnapshot(head);
  auto adj = MustBuild(*snap);
  ASSERT_NE(adj, nullptr);
  const ModelState& state = h.model.at(head);
  std::vector<ReachSpec> specs;
  std::vector<std::vector<ReachedNode>> want;
  for (const auto& key : Keys(state)) {
    ReachSpec spec{.sources = {key}, .direction = Direction::kBoth};
    auto w = Reach(*snap, spec);
    ASSERT_TRUE(w.ok());
    specs.push_back(spec);
    want.push_back(*std::move(w));
  }
  // Memory: at least the documented arrays, at most a few times them.
  const uint64_t n = adj->node_count(), m = adj->edge_count();
  EXPECT_GE(adj->memory_bytes(), 18 * n + 12 * m);
  EXPECT_LE(adj->memory_bytes(), 4 * (18 * n + 12 * m) + 64 * n + 4096);
  snap.reset();
  snap0.reset();
  h.db.reset();
  for (size_t i = 0; i < specs.size(); ++i) {
    auto got = Reach(*adj, specs[i]);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, want[i]);
  }
}

TEST(Adjacency, ConcurrentReadersAgree) {
  History h = MakeHistory("db", 13, 6, 120, 80);
  auto snap = *h.db->GetSnapshot("HEAD");
  auto adj = MustBuild(*snap);
  ASSERT_NE(adj, nullptr);
  const std::vector<std::string> keys = Keys(h.model.at(h.model.head()));
  std::vector<ReachSpec> specs;
  std::vector<std::vector<ReachedNode>> want;
  for (size_t i = 0; i < keys.size(); i += 3) {
    ReachSpec spec{.sources = {keys[i]},
                   .direction = kDirections[i % 3],
                   .kinds = i % 2 ? std::vector<std::string>{"technology"}
                                  : std::vector<std::string>{}};
    auto w = Reach(*snap, spec);
    ASSERT_TRUE(w.ok());
    specs.push_back(spec);
    want.push_back(*std::move(w));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = t; i < specs.size() + t; ++i) {
          const size_t j = i % specs.size();
          auto got = Reach(*adj, specs[j]);
          if (!got.ok() || *got != want[j]) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace critgraph
