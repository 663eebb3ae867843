// The one equality rule for property values (docs/FORMATS-ON-DISK.md,
// "Property value equality"): PropertyValue's ==, the diff and the digest
// agree on values at the edges, checked against an independent statement of
// the rule, through a real database.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/options.h"
#include "gtest/gtest.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using testing::TempDir;

// The rule, written independently of storage::CanonicalDouble: same type;
// doubles by their bits after mapping every zero to +0.0; the rest by value.
uint64_t Bits(double d) {
  if (std::fpclassify(d) == FP_ZERO) d = +0.0;
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}
bool RuleEqual(const PropertyValue& a, const PropertyValue& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    return Bits(*x) == Bits(std::get<double>(b));
  }
  return a == b;
}

std::string Describe(const PropertyValue& v) {
  switch (v.index()) {
    case 0: {
      const auto& s = std::get<std::string>(v);
      return "string(" + std::to_string(s.size()) + " bytes, starts '" +
             s.substr(0, 8) + "')";
    }
    case 1:
      return "int64(" + std::to_string(std::get<int64_t>(v)) + ")";
    case 2: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "double(%a)", std::get<double>(v));
      return buf;
    }
    case 3:
      return std::get<bool>(v) ? "bool(true)" : "bool(false)";
    default:
      return "list(" +
             std::to_string(std::get<std::vector<std::string>>(v).size()) + ")";
  }
}

std::vector<PropertyValue> EdgeValues() {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const double two53 = 9007199254740992.0;     // 2^53
  const double two63 = 9223372036854775808.0;  // 2^63
  const std::string near_limit(kMaxPropertyBytes - 1, 'x');
  std::string near_limit_2 = near_limit;
  near_limit_2.back() = 'y';
  return {
      // Zeros and the smallest magnitudes.
      0.0,
      -0.0,
      std::numeric_limits<double>::denorm_min(),
      -std::numeric_limits<double>::denorm_min(),
      std::nextafter(DBL_MIN, 0.0),  // the largest denormal
      DBL_MIN,
      DBL_MAX,
      -DBL_MAX,
      // Doubles near integer boundaries, and the integers themselves.
      1.0,
      int64_t{1},
      two53,
      std::nextafter(two53, 0.0),
      two53 + 2.0,
      two63,
      std::nextafter(two63, 0.0),
      -two63,
      kMax,
      kMin,
      kMax - 1,
      int64_t{0},
      // Bools.
      false,
      true,
      // Strings: empty, near the size limit, unicode (NFC vs NFD differ).
      std::string(),
      near_limit,
      near_limit_2,
      std::string("\xC3\xA9"),                  // é, precomposed
      std::string("e\xCC\x81"),                 // e + combining acute
      std::string("\xF0\x9F\x98\x80"),          // U+1F600, four bytes
      std::string("\xE9\x87\x8F\xE5\xAD\x90"),  // 量子
      // Lists: empty, one empty string, split differently.
      std::vector<std::string>{},
      std::vector<std::string>{""},
      std::vector<std::string>{"a", "b"},
      std::vector<std::string>{"ab"},
      std::vector<std::string>{"ab", ""},
  };
}

// revs_[i] holds node n (prop p = values[i]) and edge a->n (prop p =
// values[i]); every pair of these revisions is then compared.
class ValueEquality : public ::testing::Test {
 protected:
  void SetUp() override {
    Options opts;
    opts.sync = false;
    auto db = DB::Open(TempDir("db"), opts);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    values_ = EdgeValues();
    for (const auto& v : values_) {
      // Delete n first, in a revision of its own, so that every value's
      // digest is computed from the value as given, never carried over
      // from an equal-looking record of the previous revision.
      if (!revs_.empty()) {
        auto txn = db_->Begin();
        ASSERT_TRUE(txn.ok()) << txn.status();
        ASSERT_TRUE((*txn)->DeleteNode("n").ok());
        ASSERT_TRUE((*txn)->Commit({}).ok());
      }
      auto txn = db_->Begin();
      ASSERT_TRUE(txn.ok()) << txn.status();
      ASSERT_TRUE((*txn)->PutNode({"a", "technology", {}, {}}).ok());
      auto st = (*txn)->PutNode({"n", "technology", {}, {{"p", v}}});
      ASSERT_TRUE(st.ok()) << st << " " << Describe(v);
      st = (*txn)->PutEdge({"a", "depends_on", "n", {{"p", v}}});
      ASSERT_TRUE(st.ok()) << st << " " << Describe(v);
      auto rev = (*txn)->Commit({});
      ASSERT_TRUE(rev.ok()) << rev.status();
      revs_.push_back(*rev);
    }
  }

  std::unique_ptr<DB> db_;
  std::vector<PropertyValue> values_;
  std::vector<Revision> revs_;
};

TEST_F(ValueEquality, EmptyDiffIffEqualDigestIffRule) {
  int equal_pairs = 0, unequal_pairs = 0;
  for (size_t i = 0; i < values_.size(); ++i) {
    auto si = db_->GetSnapshot(revs_[i]);
    ASSERT_TRUE(si.ok()) << si.status();
    for (size_t j = 0; j < values_.size(); ++j) {
      const bool rule = RuleEqual(values_[i], values_[j]);
      const std::string what =
          Describe(values_[i]) + " vs " + Describe(values_[j]);
      // PropertyValue's == is the rule.
      EXPECT_EQ(values_[i] == values_[j], rule) << what;
      auto sj = db_->GetSnapshot(revs_[j]);
      ASSERT_TRUE(sj.ok()) << sj.status();
      const bool same_digest = (*si)->digest() == (*sj)->digest();
      auto diff = Diff(*db_, revs_[i], revs_[j]);
      ASSERT_TRUE(diff.ok()) << diff.status();
      EXPECT_EQ(diff->empty(), same_digest) << what;
      EXPECT_EQ(same_digest, rule) << what;
      if (!rule) {
        // The node and the edge both changed, each in property p only.
        ASSERT_EQ(diff->nodes_modified.size(), 1u) << what;
        ASSERT_EQ(diff->nodes_modified[0].props.size(), 1u) << what;
        EXPECT_EQ(diff->nodes_modified[0].props[0].name, "p");
        EXPECT_EQ(diff->edges_modified.size(), 1u) << what;
        ++unequal_pairs;
      } else {
        ++equal_pairs;
      }
    }
  }
  // -0.0 == 0.0 besides the diagonal; the rest of the values are distinct.
  EXPECT_EQ(equal_pairs, static_cast<int>(values_.size()) + 2);
  EXPECT_GT(unequal_pairs, 1000);
}

TEST_F(ValueEquality, StoredValuesAreCanonical) {
  for (size_t i = 0; i < values_.size(); ++i) {
    auto snap = db_->GetSnapshot(revs_[i]);
    ASSERT_TRUE(snap.ok()) << snap.status();
    auto node = (*snap)->GetNode("n");
    ASSERT_TRUE(node.ok()) << node.status();
    const PropertyValue& got = node->props.at("p");
    EXPECT_TRUE(RuleEqual(got, values_[i])) << Describe(values_[i]);
    if (const double* d = std::get_if<double>(&got)) {
      // Bit-identical to the canonical input: no -0.0 comes back.
      EXPECT_EQ(Bits(*d), Bits(std::get<double>(values_[i])));
      uint64_t raw;
      std::memcpy(&raw, d, sizeof raw);
      EXPECT_EQ(raw, Bits(*d)) << Describe(values_[i]);
    }
    auto edge = (*snap)->GetEdge("a", "depends_on", "n");
    ASSERT_TRUE(edge.ok()) << edge.status();
    EXPECT_EQ(edge->props, node->props);
  }
}

// The same content written with -0.0 in one database and 0.0 in another,
// with different histories, has the same digest.
TEST(ValueEqualityAcrossDatabases, NegativeZeroAndZeroDigestAlike) {
  Options opts;
  opts.sync = false;
  auto a = DB::Open(TempDir("a"), opts);
  auto b = DB::Open(TempDir("b"), opts);
  ASSERT_TRUE(a.ok() && b.ok());
  {
    auto txn = *(*a)->Begin();
    ASSERT_TRUE(txn->PutNode({"n", "material", {}, {{"w", -0.0}}}).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  {
    auto txn = *(*b)->Begin();
    ASSERT_TRUE(txn->PutNode({"n", "material", {}, {{"w", 5.0}}}).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
    txn = *(*b)->Begin();
    ASSERT_TRUE(txn->PutNode({"n", "material", {}, {{"w", 0.0}}}).ok());
    ASSERT_TRUE(txn->Commit({}).ok());
  }
  auto sa = *(*a)->GetSnapshot("HEAD");
  auto sb = *(*b)->GetSnapshot("HEAD");
  EXPECT_EQ(sa->digest(), sb->digest());
  EXPECT_NE(sa->digest(), Digest{});
  VerifyReport report;
  ASSERT_TRUE((*a)->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << report.problems.front();
}

TEST(ValueEqualityInput, NaNAndInfinitiesAreRefusedNamingTheProperty) {
  Options opts;
  opts.sync = false;
  auto db = DB::Open(TempDir("db"), opts);
  ASSERT_TRUE(db.ok()) << db.status();
  auto txn = *(*db)->Begin();
  ASSERT_TRUE(txn->PutNode({"jp/a", "technology", {}, {}}).ok());
  ASSERT_TRUE(txn->PutNode({"jp/b", "technology", {}, {}}).ok());
  const double bad[] = {std::numeric_limits<double>::quiet_NaN(),
                        -std::numeric_limits<double>::quiet_NaN(),
                        std::numeric_limits<double>::signaling_NaN(),
                        std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity()};
  for (double d : bad) {
    const std::string kind = std::isnan(d) ? "NaN" : "infinite";
    auto st =
        txn->PutNode({"jp/a", "technology", {}, {{"ok", 1.0}, {"score", d}}});
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_NE(st.message().find("node 'jp/a'"), std::string::npos) << st;
    EXPECT_NE(st.message().find("property 'score'"), std::string::npos) << st;
    EXPECT_NE(st.message().find(kind), std::string::npos) << st;
    st = txn->PutEdge({"jp/a", "depends_on", "jp/b", {{"weight", d}}});
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_NE(st.message().find("jp/a"), std::string::npos) << st;
    EXPECT_NE(st.message().find("jp/b"), std::string::npos) << st;
    EXPECT_NE(st.message().find("property 'weight'"), std::string::npos) << st;
  }
  // Nothing refused was staged; the transaction still commits.
  auto node = txn->GetNode("jp/a");
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_TRUE(node->props.empty());
  ASSERT_TRUE(txn->Commit({}).ok());
  auto snap = *(*db)->GetSnapshot("HEAD");
  EXPECT_EQ(snap->edge_count(), 0u);
  EXPECT_TRUE((*snap->GetNode("jp/a")).props.empty());
}

}  // namespace
}  // namespace critgraph
