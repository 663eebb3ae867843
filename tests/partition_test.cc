// Partitioned scans (critgraph/partition.h): over random histories the
// parts of every split are disjoint and their union is exactly the
// revision, as the in-memory model has it; parts travel as text and are
// read through another DB handle; sizes are about equal.
#include "critgraph/partition.h"

#include <limits>
#include <random>
#include <string>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using testing::Model;
using testing::ModelState;
using testing::RandomOps;
using testing::TempDir;

// Reads every part through `snap`; a node or edge seen twice fails the test.
ModelState ReadParts(const Snapshot& snap, const std::vector<Partition>& parts,
                     std::vector<size_t>* nodes_per_part = nullptr) {
  ModelState out;
  for (const Partition& p : parts) {
    size_t nodes = 0;
    absl::Status st = ScanPartitionNodes(snap, p, [&](const Node& n) {
      EXPECT_TRUE(out.nodes.emplace(n.key, n).second)
          << "node " << n.key << " in two parts";
      ++nodes;
      return absl::OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st;
    st = ScanPartitionEdges(snap, p, [&](const Edge& e) {
      EXPECT_TRUE(out.edges.emplace(e.id(), e).second)
          << "edge " << e.from << " -" << e.type << "-> " << e.to
          << " in two parts";
      return absl::OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st;
    if (nodes_per_part) nodes_per_part->push_back(nodes);
  }
  return out;
}

// The parts of one split cover [0, UINT64_MAX) in order, without gaps.
void ExpectTiling(const std::vector<Partition>& parts, int n,
                  const Snapshot& snap) {
  ASSERT_EQ(parts.size(), static_cast<size_t>(n));
  uint64_t next = 0;
  for (int k = 0; k < n; ++k) {
    EXPECT_EQ(parts[k].index, static_cast<uint32_t>(k));
    EXPECT_EQ(parts[k].count, static_cast<uint32_t>(n));
    EXPECT_EQ(parts[k].revision, snap.revision());
    EXPECT_EQ(parts[k].first_id, next);
    EXPECT_LE(parts[k].first_id, parts[k].end_id);
    next = parts[k].end_id;
  }
  EXPECT_EQ(next, std::numeric_limits<uint64_t>::max());
}

TEST(Partition, UnionOfPartsIsExactlyTheRevision) {
  Options opts;
  opts.sync = false;
  opts.txn_chunk_bytes = 2000;  // some revisions spill in several chunks
  auto db = *DB::Open(TempDir("union"), opts);
  Model model;
  std::mt19937_64 rng(15);
  for (int r = 0; r < 12; ++r) {
    auto txn = *db->Begin();
    RandomOps(rng, *txn, model, 60, 50);
    ASSERT_TRUE(txn->Commit({}).ok());
    model.Commit();
  }
  for (Revision r = 0; r <= db->Head(); ++r) {
    auto snap = *db->GetSnapshot(r);
    for (int n : {1, 2, 3, 7, 16}) {
      auto parts = snap->Partitions(n);
      ASSERT_TRUE(parts.ok()) << parts.status();
      ExpectTiling(*parts, n, *snap);
      ModelState got = ReadParts(*snap, *parts);
      EXPECT_TRUE(got.nodes == model.at(r).nodes)
          << "revision " << r << ", " << n << " parts";
      EXPECT_TRUE(got.edges == model.at(r).edges)
          << "revision " << r << ", " << n << " parts";
    }
  }
}

TEST(Partition, PartsTravelAsTextAndAnyReadOnlyHandleScansThem) {
  const std::string dir = TempDir("text") + "/a dir with spaces";
  Model model;
  std::vector<std::string> wire;
  Revision rev = 0;
  {
    Options opts;
    opts.sync = false;
    auto db = *DB::Open(dir, opts);
    std::mt19937_64 rng(3);
    for (int r = 0; r < 4; ++r) {
      auto txn = *db->Begin();
      RandomOps(rng, *txn, model, 80, 60);
      ASSERT_TRUE(txn->Commit({}).ok());
      model.Commit();
    }
    rev = 3;
    auto parts = *(*db->GetSnapshot(rev))->Partitions(5);
    for (const Partition& p : parts) {
      wire.push_back(p.Serialize());
      auto back = Partition::Parse(wire.back());
      ASSERT_TRUE(back.ok()) << back.status();
      EXPECT_TRUE(*back == p) << wire.back();
      EXPECT_EQ(back->db_path, dir);
    }
  }
  // Another handle, read-only, as another process would open it.
  std::vector<Partition> parts;
  for (const std::string& w : wire) parts.push_back(*Partition::Parse(w));
  auto ro = *DB::OpenReadOnly(parts[0].db_path);
  auto snap = *ro->GetSnapshot(parts[0].revision);
  ModelState got = ReadParts(*snap, parts);
  EXPECT_TRUE(got.nodes == model.at(rev).nodes);
  EXPECT_TRUE(got.edges == model.at(rev).edges);

  // A part read against a snapshot of another revision is refused.
  auto other = *ro->GetSnapshot(rev - 1);
  absl::Status st = ScanPartitionNodes(
      *other, parts[0], [](const Node&) { return absl::OkStatus(); });
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_NE(st.message().find("revision 3"), std::string::npos) << st;
}

TEST(Partition, BadInputIsRefused) {
  auto db = *DB::Open(TempDir("bad"));
  auto snap = *db->GetSnapshot(db->Head());
  for (int n : {0, -1, 65537}) {
    EXPECT_EQ(snap->Partitions(n).status().code(),
              absl::StatusCode::kInvalidArgument)
        << n;
  }
  for (const char* text : {
           "",
           "critgraph-partition/1",
           "critgraph-partition/2 1 0 5 0 1 /db",
           "critgraph-partition/1 x 0 5 0 1 /db",
           "critgraph-partition/1 1 0 5 1 1 /db",  // index >= count
           "critgraph-partition/1 1 9 5 0 1 /db",  // end < first
           "critgraph-partition/1 1 0 5 0 0 /db",  // no parts
           "critgraph-partition/1 1 0 5 0 1 ",     // no path
           "critgraph-partition/1 1 0 5 0 1",      // no path
           "critgraph-partition/1 -1 0 5 0 1 /db",
           "critgraph-partition/1 1 0 99999999999999999999 0 1 /db",
       }) {
    EXPECT_EQ(Partition::Parse(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "'" << text << "'";
  }
  // An empty database splits into empty parts.
  auto parts = *snap->Partitions(3);
  ExpectTiling(parts, 3, *snap);
  ModelState got = ReadParts(*snap, parts);
  EXPECT_TRUE(got.nodes.empty());
  EXPECT_TRUE(got.edges.empty());
}

TEST(Partition, SizesAreAboutEqual) {
  // Enough data for RocksDB's size estimates (several MiB in SST files,
  // flushed by reopening): nodes of uneven size so a split by id count
  // alone would not balance bytes.
  const std::string dir = TempDir("sizes");
  constexpr int kNodes = 40000;
  // Zero-padded, so that key order (the order ids are given in) is i order.
  auto Key = [](int i) {
    std::string digits = std::to_string(i);
    return "n/" + std::string(5 - digits.size(), '0') + digits;
  };
  {
    Options opts;
    opts.sync = false;
    auto db = *DB::Open(dir, opts);
    auto txn = *db->Begin();
    std::mt19937_64 rng(5);  // incompressible names
    auto random_text = [&](size_t size) {
      std::string s(size, ' ');
      for (char& c : s) c = static_cast<char>('a' + rng() % 26);
      return s;
    };
    for (int i = 0; i < kNodes; ++i) {
      Node n{.key = Key(i), .kind = "technology"};
      // The second half of the ids carries 4x the bytes.
      n.names["en"] = random_text(i < kNodes / 2 ? 60 : 240);
      ASSERT_TRUE(txn->PutNode(n).ok());
      if (i > 0) {
        ASSERT_TRUE(
            txn->PutEdge({.from = n.key, .type = "part_of", .to = Key(i / 2)})
                .ok());
      }
    }
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  auto db = *DB::OpenReadOnly(dir);
  auto snap = *db->GetSnapshot(db->Head());
  constexpr int kParts = 4;
  auto parts = *snap->Partitions(kParts);
  ExpectTiling(parts, kParts, *snap);
  std::vector<size_t> per_part;
  ModelState got = ReadParts(*snap, parts, &per_part);
  EXPECT_EQ(got.nodes.size(), static_cast<size_t>(kNodes));
  EXPECT_EQ(got.edges.size(), static_cast<size_t>(kNodes - 1));
  // Bytes balance, not counts: the second half's records are about three
  // times larger (compressed), so the first part, over small records,
  // holds well over the last part's count (a split by id count would give
  // each part kNodes / kParts); no part is starved.
  EXPECT_GT(per_part.front(), per_part.back() * 3 / 2);
  for (size_t n : per_part) {
    EXPECT_GT(n, kNodes / kParts / 4) << "a part holds " << n << " nodes";
  }
}

}  // namespace
}  // namespace critgraph
