#include "storage/record.h"

#include <random>

#include "gtest/gtest.h"

namespace critgraph::storage {
namespace {

TEST(Record, NodeRoundTrip) {
  Names names{{"en", "Rare earths"}, {"ja", "レアアース"}};
  Properties props{{"i", int64_t{7}}, {"l", std::vector<std::string>{"a"}}};
  std::string raw = EncodeNodeRecord("m/1", 3, names, props);
  auto rec = DecodeNodeRecord(raw);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->key, "m/1");
  EXPECT_EQ(rec->kind, 3u);
  EXPECT_EQ(rec->names, names);
  EXPECT_EQ(rec->props, props);
}

TEST(Record, DamagedBytesAreDataLossNeverACrash) {
  std::string raw =
      EncodeNodeRecord("m/1", 3, {{"en", "x"}}, {{"s", std::string("v")}});
  std::mt19937 rng(1);
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bad = raw;
    bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    if (rng() % 4 == 0) bad.resize(rng() % bad.size());
    auto rec = DecodeNodeRecord(bad);
    if (!rec.ok()) {
      EXPECT_EQ(rec.status().code(), absl::StatusCode::kDataLoss);
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_FALSE(DecodeEdgeRecord("").ok());
  EXPECT_FALSE(DecodeRevisionRecord("garbage").ok());
}

TEST(Record, CanonicalFormIsUnambiguous) {
  Node a{"ab", "c", {}, {}};
  Node b{"a", "bc", {}, {}};
  EXPECT_NE(CanonicalNode(a), CanonicalNode(b));
  EXPECT_NE(NodeDigest(a), NodeDigest(b));
  Edge e1{"a", "t", "b", {}};
  Edge e2{"a", "t", "b", {{"w", int64_t{1}}}};
  EXPECT_NE(EdgeDigest(e1), EdgeDigest(e2));
}

TEST(Digest, HexRoundTrip) {
  Digest d{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  EXPECT_EQ(d.ToHex(), "0123456789abcdeffedcba9876543210");
  EXPECT_EQ(*Digest::FromHex(d.ToHex()), d);
  EXPECT_FALSE(Digest::FromHex("xyz").ok());
}

}  // namespace
}  // namespace critgraph::storage
