// Reach plans (ReachSpec::plan, include/critgraph/traversal.h): every plan,
// and the kAuto switch from seeks to a pass at any BFS depth, must give the
// same result as the one-seek-per-node plan and the model, on random
// histories at every revision (deleted nodes and edges included), in every
// direction, with edge-type and kind filters and depth limits. Also the
// choice the cost model makes, asserted on behaviour (which plan ran), never
// on timings.
#include <memory>
#include <random>
#include <set>

#include "critgraph/adjacency.h"
#include "critgraph/db.h"
#include "critgraph/traversal.h"
#include "engine/traversal_internal.h"
#include "gtest/gtest.h"
#include "storage/snapshot_impl.h"
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
using testing::ModelReach;
using testing::ModelState;
using testing::PickSources;

constexpr ReachPlan kPlans[] = {ReachPlan::kAuto, ReachPlan::kSeek,
                                ReachPlan::kScan, ReachPlan::kAdjacency};

// Runs `spec` through the engine with the pass forced from `depth` on, on a
// Traverser shared across calls (so cached passes of other filters are
// exercised too).
absl::StatusOr<std::vector<ReachedNode>> ForcedSwitch(
    engine::Traverser& t, const storage::SnapshotImpl& snap,
    const ReachSpec& spec, uint32_t depth, ReachReport* report) {
  auto filter = engine::CompileFilter(snap, spec, /*lenient=*/false);
  if (!filter.ok()) return filter.status();
  std::vector<engine::NodeId> sources;
  for (const auto& key : spec.sources) {
    auto id = engine::ResolveExisting(snap, key);
    if (!id.ok()) return id.status();
    sources.push_back(*id);
  }
  return t.Reach(sources, *filter,
                 {.plan = ReachPlan::kAuto, .force_scan_from_depth = depth},
                 report);
}

TEST(ReachPlan, EveryPlanAndSwitchDepthEqualsSeekAndModel) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    History h = MakeHistory(StrCat("db", seed), seed + 100, 12, 45, 30);
    std::mt19937_64 rng(seed * 7919);
    std::set<std::string> ever;
    for (Revision r = 0; r <= h.model.head(); ++r) {
      for (const auto& k : Keys(h.model.at(r))) ever.insert(k);
    }
    const std::vector<std::string> all_keys(ever.begin(), ever.end());
    std::vector<Filters> combos(std::begin(kFilterCombos),
                                std::end(kFilterCombos));
    combos.insert(combos.end(), std::begin(kUnknownFilterCombos),
                  std::end(kUnknownFilterCombos));
    int checked = 0, switched_late = 0, deep = 0;
    for (Revision r = 0; r <= h.model.head(); ++r) {
      auto snap = *h.db->GetSnapshot(r);
      const auto& impl = storage::Impl(*snap);
      engine::Traverser shared(impl);
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
            spec.plan = ReachPlan::kSeek;
            ReachReport seek_report;
            auto want = Reach(*snap, spec, &seek_report);
            if (want.ok()) {
              EXPECT_EQ(seek_report.plan, ReachPlan::kSeek) << what;
              EXPECT_EQ(seek_report.pass_keys, 0u) << what;
              ASSERT_EQ(*want, ModelReach(state, spec)) << what;
              for (const auto& n : *want) deep += n.depth >= 3;
            }
            for (ReachPlan plan : kPlans) {
              spec.plan = plan;
              ReachReport report;
              auto got = Reach(*snap, spec, &report);
              ExpectSame(got, want,
                         StrCat(what, " plan=", ReachPlanName(plan)));
              if (!got.ok()) continue;
              EXPECT_NE(report.plan, ReachPlan::kAuto);
              if (plan == ReachPlan::kAdjacency) {
                EXPECT_EQ(report.plan, ReachPlan::kAdjacency) << what;
              }
              if (plan == ReachPlan::kScan && report.plan == ReachPlan::kScan) {
                EXPECT_EQ(report.scan_from_depth, 0u) << what;
                EXPECT_EQ(report.seeks, 0u) << what;
              }
              if (report.plan != ReachPlan::kAdjacency) {
                EXPECT_EQ(report.edges, seek_report.edges) << what;
              }
            }
            for (uint32_t from : {0u, 1u, 2u, 3u}) {
              ReachReport report;
              auto got = ForcedSwitch(shared, impl, spec, from, &report);
              ExpectSame(got, want, StrCat(what, " switch at ", from));
              if (got.ok() && report.plan == ReachPlan::kScan) {
                EXPECT_EQ(report.scan_from_depth, from) << what;
                switched_late += from >= 2;
              }
            }
            ++checked;
          }
        }
      }
    }
    EXPECT_GT(checked, 1000);
    EXPECT_GT(switched_late, 50);  // passes really taken mid-search
    EXPECT_GT(deep, 50);
  }
}

TEST(ReachPlan, ManyAndDiffAndScopeRunEveryPlanAlike) {
  History h = MakeHistory("many", 77, 6, 120, 50);
  auto snap = *h.db->GetSnapshot("HEAD");
  auto old = *h.db->GetSnapshot(2);
  const ModelState& state = h.model.at(h.model.head());
  std::vector<ReachSpec> specs;
  for (const auto& key : Keys(state)) {
    for (Direction dir : kDirections) {
      specs.push_back({.sources = {key}, .direction = dir});
      specs.push_back({.sources = {key},
                       .direction = dir,
                       .edge_types = {"part_of", "depends_on"},
                       .max_depth = 2});
    }
  }
  auto want = ReachMany(*snap, specs, 1);
  ASSERT_TRUE(want.ok()) << want.status();
  for (ReachPlan plan : kPlans) {
    std::vector<ReachSpec> planned = specs;
    for (auto& s : planned) s.plan = plan;
    for (int threads : {1, 2}) {
      auto got = ReachMany(*snap, planned, threads);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, *want) << ReachPlanName(plan) << " threads=" << threads;
    }
    for (const auto& s : planned) {
      auto d = DiffReach(*old, *snap, s);
      ReachSpec seek = s;
      seek.plan = ReachPlan::kSeek;
      ExpectSame(d, DiffReach(*old, *snap, seek), Describe(s));
    }
  }
}

TEST(ReachPlan, NamesRoundTrip) {
  for (ReachPlan p : kPlans) EXPECT_EQ(ParseReachPlan(ReachPlanName(p)), p);
  EXPECT_EQ(ParseReachPlan("fast"), std::nullopt);
  EXPECT_EQ(ReachPlanName(ReachPlan::kScan), "scan");
}

TEST(ReachPlan, CostModelSwitchesOnlyWhenSeeksWouldCostAPass) {
  using engine::kSeekCostInKeys;
  using engine::ShouldSwitchToScan;
  // A pass already in memory costs nothing: switch at once.
  EXPECT_TRUE(ShouldSwitchToScan(0, 1, 0));
  EXPECT_FALSE(ShouldSwitchToScan(0, 1, kSeekCostInKeys + 1));
  EXPECT_TRUE(ShouldSwitchToScan(0, 1, kSeekCostInKeys));
  // Seeks already paid count (ski rental), as do the next level's.
  EXPECT_TRUE(ShouldSwitchToScan(900, 100, 1000 * kSeekCostInKeys));
  EXPECT_FALSE(ShouldSwitchToScan(899, 100, 1000 * kSeekCostInKeys));
  // The next level is predicted by the last growth, capped by the nodes not
  // yet reached; nothing is predicted from the sources' level.
  using engine::PredictNextLevel;
  EXPECT_EQ(PredictNextLevel(0, 10, 1000), 0u);
  EXPECT_EQ(PredictNextLevel(10, 40, 1000), 160u);
  EXPECT_EQ(PredictNextLevel(10, 40, 100), 100u);
  EXPECT_EQ(PredictNextLevel(40, 10, 1000), 2u);
}

// A star of stars: one hub with `fan` children, each with `fan` leaves.
// A reach from the hub expands 1 + fan nodes; the pass reads fan + fan^2
// edges, so with fan << kSeekCostInKeys the auto plan switches, and a reach
// from a leaf's parent with max_depth 1 does not.
TEST(ReachPlan, AutoSwitchesForLargeReachesAndSeeksForSmallOnes) {
  auto db = *DB::Open(testing::TempDir("auto"), Options{.sync = false});
  const int fan = 8;
  auto txn = *db->Begin();
  ASSERT_TRUE(txn->PutNode({"hub", "domain", {}, {}}).ok());
  for (int i = 0; i < fan; ++i) {
    const std::string c = StrCat("c", i);
    ASSERT_TRUE(txn->PutNode({c, "domain", {}, {}}).ok());
    ASSERT_TRUE(txn->PutEdge({"hub", "part_of", c, {}}).ok());
    for (int j = 0; j < fan; ++j) {
      const std::string l = StrCat(c, "/", j);
      ASSERT_TRUE(txn->PutNode({l, "domain", {}, {}}).ok());
      ASSERT_TRUE(txn->PutEdge({c, "part_of", l, {}}).ok());
    }
  }
  ASSERT_TRUE(txn->Commit({}).ok());
  auto snap = *db->GetSnapshot("HEAD");
  const uint64_t edges = snap->edge_count();
  ASSERT_EQ(edges, static_cast<uint64_t>(fan + fan * fan));

  // From the hub, out: level 0 costs 1 seek (24 < 72 keys; no growth to
  // predict from), level 1 would cost 1 + 8 seeks = 216 >= 72: the pass is
  // read before depth 1.
  ReachReport report;
  auto all = Reach(*snap, {.sources = {"hub"}}, &report);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), static_cast<size_t>(1 + fan + fan * fan));
  EXPECT_EQ(report.plan, ReachPlan::kScan);
  EXPECT_EQ(report.scan_from_depth, 1u);
  EXPECT_EQ(report.seeks, 1u);
  EXPECT_EQ(report.pass_keys, edges);
  EXPECT_EQ(report.edges, edges);

  // One node, one level: 24 < 72, seeks only.
  auto one = Reach(*snap, {.sources = {"c0"}, .max_depth = 1}, &report);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), static_cast<size_t>(1 + fan));
  EXPECT_EQ(report.plan, ReachPlan::kSeek);
  EXPECT_EQ(report.seeks, 1u);
  EXPECT_EQ(report.pass_keys, 0u);

  // Forced plans report what they did.
  auto seek =
      Reach(*snap, {.sources = {"hub"}, .plan = ReachPlan::kSeek}, &report);
  ASSERT_TRUE(seek.ok());
  EXPECT_EQ(*seek, *all);
  EXPECT_EQ(report.plan, ReachPlan::kSeek);
  EXPECT_EQ(report.seeks, static_cast<uint64_t>(1 + fan + fan * fan));
  auto scan = Reach(*snap,
                    {.sources = {"hub"},
                     .direction = Direction::kBoth,
                     .plan = ReachPlan::kScan},
                    &report);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(report.plan, ReachPlan::kScan);
  EXPECT_EQ(report.scan_from_depth, 0u);
  EXPECT_EQ(report.pass_keys, 2 * edges);  // out_edges and in_edges
}

}  // namespace
}  // namespace critgraph
