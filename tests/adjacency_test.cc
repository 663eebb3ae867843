// Tests specific to the in-memory adjacency snapshot
// (include/critgraph/adjacency.h): its build, counts, errors, ownership and
// concurrent use. Its traversals on random histories, against the model and
// the storage traversal: tests/traversal_backends_test.cc.
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
#include "tests/model.h"
#include "tests/traversal_model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::Describe;
using testing::ExpectSame;
using testing::History;
using testing::kDirections;
using testing::Keys;
using testing::MakeHistory;
using testing::ModelReach;
using testing::ModelState;

std::unique_ptr<AdjacencySnapshot> MustBuild(const Snapshot& snap,
                                             int threads = 1) {
  auto adj = AdjacencySnapshot::Build(snap, threads);
  EXPECT_TRUE(adj.ok()) << adj.status();
  return adj.ok() ? *std::move(adj) : nullptr;
}

TEST(Adjacency, CountsEqualSnapshotAndModelAtEveryRevision) {
  History h = MakeHistory("db", 2, 12, 40, 30);
  for (Revision r = 0; r <= h.model.head(); ++r) {
    auto snap = *h.db->GetSnapshot(r);
    auto adj = MustBuild(*snap);
    ASSERT_NE(adj, nullptr);
    ASSERT_EQ(adj->revision(), r);
    ASSERT_EQ(adj->node_count(), snap->node_count());
    ASSERT_EQ(adj->edge_count(), snap->edge_count());
    ASSERT_EQ(adj->node_count(), h.model.at(r).nodes.size());
    ASSERT_EQ(adj->edge_count(), h.model.at(r).edges.size());
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
