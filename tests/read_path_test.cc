// The read path's caches and sequential scans: the key <-> id cache (bounded,
// never a wrong answer, no negative entries), the snapshot's pooled
// iterators (concurrent readers, old revisions exact) and the chunked
// whole-revision scans (key order when ids are not, several chunks, the
// fallback without an id -> key table, damaged records still DataLoss).
#include <algorithm>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/io/export.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "storage/id_cache.h"
#include "storage/keys.h"
#include "storage/snapshot_impl.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using storage::IdCache;
using testing::CompareSnapshot;
using testing::ModelState;

std::string Key(int i) { return StrCat("k/", 100000 + i); }

TEST(IdCache, FindsWhatWasInsertedAndNothingElse) {
  IdCache cache(1 << 20);
  cache.Insert("a", 1);
  cache.Insert("b", 2);
  EXPECT_EQ(cache.FindId("a"), std::optional<storage::NodeId>(1));
  EXPECT_EQ(cache.FindId("b"), std::optional<storage::NodeId>(2));
  EXPECT_EQ(cache.FindId("c"), std::nullopt);
  std::string key;
  ASSERT_TRUE(cache.FindKey(2, &key));
  EXPECT_EQ(key, "b");
  EXPECT_FALSE(cache.FindKey(3, &key));
}

TEST(IdCache, BoundIsRespectedAndHitsStayExact) {
  constexpr size_t kBound = 16 << 10;
  IdCache cache(kBound);
  for (int i = 0; i < 20000; ++i) {
    cache.Insert(Key(i), static_cast<storage::NodeId>(i + 1));
    ASSERT_LE(cache.bytes(), kBound);
  }
  EXPECT_GT(cache.entries(), 0u);
  size_t hits = 0;
  for (int i = 0; i < 20000; ++i) {
    auto id = cache.FindId(Key(i));
    if (id) {
      ++hits;
      EXPECT_EQ(*id, static_cast<storage::NodeId>(i + 1)) << Key(i);
    }
    std::string key;
    if (cache.FindKey(i + 1, &key)) {
      EXPECT_EQ(key, Key(i));
    }
  }
  EXPECT_GT(hits, 0u);
  EXPECT_LT(hits, 20000u);  // evicted
}

TEST(IdCache, ZeroBytesDisablesIt) {
  IdCache cache(0);
  cache.Insert("a", 1);
  EXPECT_EQ(cache.FindId("a"), std::nullopt);
  EXPECT_EQ(cache.bytes(), 0u);
}

// Three revisions over `n` nodes: r1 creates them with a chain of edges,
// r2 changes every third node's name and deletes every fifth node (and its
// edges), r3 re-creates the deleted ones with another kind.
struct History {
  std::vector<ModelState> at;  // at[r]
};

Node MakeNode(int i, int version) {
  static const char* kKinds[] = {"technology", "material"};
  return Node{Key(i),
              kKinds[version % 2],
              {{"en", StrCat("node ", i, " v", version)}},
              {{"i", static_cast<int64_t>(i)}}};
}

History BuildHistory(DB& db, int n, bool reverse_ids) {
  History h;
  h.at.emplace_back();
  ModelState s;
  auto txn = *db.Begin();
  // With reverse_ids, keys are created from the largest down, so ids run
  // opposite to key order.
  for (int k = 0; k < n; ++k) {
    const int i = reverse_ids ? n - 1 - k : k;
    Node node = MakeNode(i, 0);
    EXPECT_TRUE(txn->PutNode(node).ok());
    s.nodes[node.key] = node;
  }
  for (int i = 0; i + 1 < n; ++i) {
    for (int d : {1, 7, n / 2}) {
      if (i + d >= n || d == 0) continue;
      Edge e{Key(i),
             d == 1 ? "depends_on" : "part_of",
             Key(i + d),
             {{"d", static_cast<int64_t>(d)}}};
      EXPECT_TRUE(txn->PutEdge(e).ok());
      s.edges[e.id()] = e;
    }
  }
  EXPECT_TRUE(txn->Commit({.message = "r1"}).ok());
  h.at.push_back(s);

  txn = *db.Begin();
  for (int i = 0; i < n; i += 3) {
    Node node = MakeNode(i, 2);
    node.kind = s.nodes[node.key].kind;
    EXPECT_TRUE(txn->PutNode(node).ok());
    s.nodes[node.key] = node;
  }
  for (int i = 0; i < n; i += 5) {
    EXPECT_TRUE(txn->DeleteNode(Key(i)).ok());
    s.nodes.erase(Key(i));
    for (auto it = s.edges.begin(); it != s.edges.end();) {
      if (it->first.from == Key(i) || it->first.to == Key(i)) {
        it = s.edges.erase(it);
      } else {
        ++it;
      }
    }
  }
  EXPECT_TRUE(txn->Commit({.message = "r2"}).ok());
  h.at.push_back(s);

  txn = *db.Begin();
  for (int i = 0; i < n; i += 5) {
    Node node = MakeNode(i, 3);
    EXPECT_TRUE(txn->PutNode(node).ok());
    s.nodes[node.key] = node;
  }
  EXPECT_TRUE(txn->Commit({.message = "r3"}).ok());
  h.at.push_back(s);
  return h;
}

void ExpectScansEqual(const Snapshot& snap, const ModelState& want) {
  EXPECT_EQ(CompareSnapshot(snap, want), "") << "at r" << snap.revision();
  std::vector<Node> nodes;
  ASSERT_TRUE(snap.ForEachNode([&](const Node& n) {
                    nodes.push_back(n);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(nodes.size(), want.nodes.size()) << "at r" << snap.revision();
  size_t i = 0;
  for (const auto& [key, node] : want.nodes) {
    EXPECT_EQ(nodes[i++], node) << key << " at r" << snap.revision();
  }
  std::vector<Edge> edges;
  ASSERT_TRUE(snap.ForEachEdge([&](const Edge& e) {
                    edges.push_back(e);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(edges.size(), want.edges.size()) << "at r" << snap.revision();
  i = 0;
  for (const auto& [id, edge] : want.edges) {  // (from, type, to) order
    EXPECT_EQ(edges[i++], edge) << id.from << " " << id.type << " " << id.to;
  }
}

void ExpectPointReadsEqual(const Snapshot& snap, const ModelState& want,
                           int n) {
  for (int i = 0; i < n; ++i) {
    auto node = snap.GetNode(Key(i));
    auto it = want.nodes.find(Key(i));
    if (it == want.nodes.end()) {
      EXPECT_TRUE(absl::IsNotFound(node.status()))
          << Key(i) << " at r" << snap.revision() << ": " << node.status();
      continue;
    }
    ASSERT_TRUE(node.ok()) << node.status();
    EXPECT_EQ(*node, it->second);
    auto out = snap.OutEdges(Key(i));
    ASSERT_TRUE(out.ok()) << out.status();
    std::vector<Edge> expect_out;
    for (const auto& [id, e] : want.edges) {
      if (id.from == Key(i)) expect_out.push_back(e);
    }
    EXPECT_EQ(*out, expect_out) << Key(i) << " at r" << snap.revision();
    auto in = snap.InEdges(Key(i));
    ASSERT_TRUE(in.ok()) << in.status();
    size_t expect_in = 0;
    for (const auto& [id, e] : want.edges) expect_in += id.to == Key(i);
    EXPECT_EQ(in->size(), expect_in) << Key(i) << " at r" << snap.revision();
  }
}

TEST(ReadPath, OldRevisionsExactWithWarmCachesAndSmallBound) {
  Options opt;
  opt.sync = false;
  opt.id_cache_bytes = 8 << 10;  // a few dozen entries: constant eviction
  auto db = *DB::Open(testing::TempDir("read_path_small_cache"), opt);
  constexpr int kNodes = 300;
  History h = BuildHistory(*db, kNodes, /*reverse_ids=*/false);
  // Warm every cache at HEAD first, then read the older revisions.
  for (Revision r : {Revision{3}, Revision{1}, Revision{2}, Revision{3}}) {
    auto snap = *db->GetSnapshot(r);
    ExpectPointReadsEqual(*snap, h.at[r], kNodes);
  }
  const auto& cache = storage::Impl(*db).id_cache();
  EXPECT_LE(cache.bytes(), cache.max_bytes());
  EXPECT_GT(cache.entries(), 0u);
}

TEST(ReadPath, KeyCreatedAfterAMissIsFound) {
  auto db = *DB::Open(testing::TempDir("read_path_negative"));
  auto txn = *db->Begin();
  ASSERT_TRUE(txn->PutNode(MakeNode(0, 0)).ok());
  ASSERT_TRUE(txn->Commit({}).ok());
  auto before = *db->GetSnapshot("HEAD");
  EXPECT_TRUE(absl::IsNotFound(before->GetNode(Key(1)).status()));
  txn = *db->Begin();
  ASSERT_TRUE(txn->PutNode(MakeNode(1, 0)).ok());
  ASSERT_TRUE(txn->Commit({}).ok());
  auto after = *db->GetSnapshot("HEAD");
  auto node = after->GetNode(Key(1));
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(*node, MakeNode(1, 0));
  // The older snapshot still does not see it.
  EXPECT_TRUE(absl::IsNotFound(before->GetNode(Key(1)).status()));
}

TEST(ReadPath, ConcurrentReadersOfOneSnapshotAgree) {
  Options opt;
  opt.sync = false;
  auto db = *DB::Open(testing::TempDir("read_path_threads"), opt);
  constexpr int kNodes = 200;
  History h = BuildHistory(*db, kNodes, /*reverse_ids=*/false);
  auto snap = *db->GetSnapshot(Revision{2});
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back(
        [&] { ExpectPointReadsEqual(*snap, h.at[2], kNodes); });
  }
  for (auto& t : threads) t.join();
}

TEST(ReadPath, ScansInKeyOrderAcrossChunksWhenIdsRunBackwards) {
  Options opt;
  opt.sync = false;
  auto db = *DB::Open(testing::TempDir("read_path_scan"), opt);
  constexpr int kNodes = 700;
  History h = BuildHistory(*db, kNodes, /*reverse_ids=*/true);
  // Small chunks: many chunks, each with ids opposite to key order.
  storage::Impl(*db).SetScanLimitsForTesting(/*chunk_keys=*/64,
                                             /*key_table_bytes=*/1 << 30);
  for (Revision r = 1; r <= 3; ++r) {
    ExpectScansEqual(**db->GetSnapshot(r), h.at[r]);
  }
  // No id -> key table: edge targets resolve through the key lookups.
  storage::Impl(*db).SetScanLimitsForTesting(/*chunk_keys=*/50,
                                             /*key_table_bytes=*/1000);
  for (Revision r = 1; r <= 3; ++r) {
    ExpectScansEqual(**db->GetSnapshot(r), h.at[r]);
  }
}

TEST(ReadPath, DamagedRecordIsDataLossInEveryReadPath) {
  const std::string dir = testing::TempDir("read_path_damage");
  constexpr int kNodes = 100;
  {
    Options opt;
    opt.sync = false;
    auto db = *DB::Open(dir, opt);
    BuildHistory(*db, kNodes, /*reverse_ids=*/false);
  }
  // Never changed after r1 (7 is not a multiple of 3 or 5); has out-edges.
  const std::string victim = Key(7);
  {
    std::vector<std::string> names;
    ASSERT_TRUE(
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names)
            .ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names) {
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &handles, &raw).ok());
    auto index = [&](const char* name) {
      return std::find(names.begin(), names.end(), name) - names.begin();
    };
    std::string id;
    ASSERT_TRUE(
        raw->Get(rocksdb::ReadOptions(), handles[index("keys")], victim, &id)
            .ok());
    // Its only version, written at r1.
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), handles[index("nodes")],
                         storage::NodeKey(GetBE64(id.data()), 1),
                         "CGND-not-a-flatbuffer")
                    .ok());
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  auto db = *DB::Open(dir);
  auto snap = *db->GetSnapshot(Revision{3});
  // Warm the caches and the pooled iterators with healthy reads first.
  for (int i = 0; i < kNodes; ++i) {
    if (Key(i) != victim) (void)snap->GetNode(Key(i));
  }
  auto expect_dataloss = [&](const absl::Status& st, const char* what) {
    EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << what << ": " << st;
    EXPECT_NE(st.message().find(victim), std::string::npos)
        << what << ": " << st;
    EXPECT_NE(st.message().find("revision 1"), std::string::npos)
        << what << ": " << st;
  };
  expect_dataloss(snap->GetNode(victim).status(), "GetNode");
  expect_dataloss(snap->HasNode(victim).status(), "HasNode");
  // Neighbour reads do not read the node's own record when it has edges
  // (their existence proves the node's); they still answer exactly.
  auto out = snap->OutEdges(victim);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->size(), 3u);
  expect_dataloss(
      snap->ForEachNode([](const Node&) { return absl::OkStatus(); }),
      "ForEachNode");
  expect_dataloss(
      snap->ForEachNodeView([](const NodeView&) { return absl::OkStatus(); }),
      "ForEachNodeView");
  // Export: its column pass scans in storage order, then the rows in key
  // order; either way the same error.
  for (auto format : {io::ExportFormat::kJsonl, io::ExportFormat::kGraphml}) {
    std::ostringstream out;
    expect_dataloss(io::Export(*snap, format, out), "Export");
  }
  std::ostringstream nodes_csv, edges_csv;
  expect_dataloss(io::ExportCsv(*snap, nodes_csv, edges_csv), "ExportCsv");
  // ForEachEdge reads no node record either (an alive edge proves its
  // ends); it still lists every edge.
  size_t edges = 0;
  EXPECT_TRUE(snap->ForEachEdge([&](const Edge&) {
                    ++edges;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(edges, snap->edge_count());
  edges = 0;
  EXPECT_TRUE(snap->ForEachEdgeView([&](const EdgeView&) {
                    ++edges;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(edges, snap->edge_count());
  // Other nodes still read.
  EXPECT_TRUE(snap->GetNode(Key(8)).ok());
}

}  // namespace
}  // namespace critgraph
