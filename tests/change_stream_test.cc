#include "critgraph/io/change_stream.h"

#include <random>

#include "gtest/gtest.h"

namespace critgraph {
namespace {

TEST(ChangeStream, ParsesEveryOp) {
  auto n = io::ParseChangeLine(
      R"({"op":"node","key":"us-cet/ai","kind":"foreign_list_entry","names":{"en":"Artificial Intelligence","ja":"人工知能"},"props":{"rank":6,"w":0.5,"ok":true,"tags":["a","b"],"s":"x"}})");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->kind, ChangeOp::Kind::kNode);
  EXPECT_EQ(n->node.names.at("ja"), "人工知能");
  EXPECT_EQ(std::get<int64_t>(n->node.props.at("rank")), 6);
  EXPECT_EQ(std::get<double>(n->node.props.at("w")), 0.5);
  EXPECT_EQ(std::get<bool>(n->node.props.at("ok")), true);
  EXPECT_EQ(std::get<std::vector<std::string>>(n->node.props.at("tags")).size(),
            2u);
  auto e = io::ParseChangeLine(
      R"({"op":"edge","from":"a","type":"part_of","to":"b","props":{}})");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->edge.to, "b");
  auto c = io::ParseChangeLine(
      R"({"op":"commit","message":"m","tag":"t","effective":"2024-02-12","author":"x"})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->commit.tags, std::vector<std::string>{"t"});
  EXPECT_EQ(c->commit.effective_date, "2024-02-12");
  auto r = io::ParseChangeLine(R"({"op":"register","edge_type":"funds"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ChangeOp::Kind::kRegisterEdgeType);
  EXPECT_EQ(io::ParseChangeLine(R"({"op":"del_node","key":"k"})")->key, "k");
  EXPECT_EQ(
      io::ParseChangeLine(R"({"op":"del_edge","from":"a","type":"t","to":"b"})")
          ->kind,
      ChangeOp::Kind::kDeleteEdge);
}

TEST(ChangeStream, RejectsBadInputWithReason) {
  struct Case {
    const char* line;
    const char* reason;
  } cases[] = {
      {"{", "malformed JSON"},
      {"[1]", "expected a JSON object"},
      {R"({"key":"a"})", "missing \"op\""},
      {R"({"op":"nod","key":"a"})", "unknown op"},
      {R"({"op":"node","kind":"x"})", "missing field \"key\""},
      {R"({"op":"node","key":1,"kind":"x"})", "must be a string"},
      {R"({"op":"node","key":"a","kind":"x","extra":1})", "unknown field"},
      {R"({"op":"node","key":"a","kind":"x","props":{"p":null}})", "null"},
      {R"({"op":"node","key":"a","kind":"x","props":{"p":{"q":1}}})", "object"},
      {R"({"op":"node","key":"a","kind":"x","props":{"p":[1]}})",
       "only strings"},
      {R"({"op":"node","key":"a","kind":"x","props":{"p":18446744073709551615}})",
       "int64"},
      {R"({"op":"node","key":"a","kind":"x","names":{"en":3}})",
       "must be a string"},
      {R"({"op":"commit","effective":"2024-13-01"})", "invalid date"},
      {R"({"op":"register"})", "exactly one"},
      {"{\"op\":\"node\",\"key\":\"\xff\",\"kind\":\"x\"}", "UTF-8"},
  };
  for (const auto& c : cases) {
    auto st = io::ParseChangeLine(c.line).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.line;
    EXPECT_NE(std::string(st.message()).find(c.reason), std::string::npos)
        << c.line << " -> " << st.message();
  }
  std::string huge(io::kMaxChangeLineBytes + 1, ' ');
  EXPECT_FALSE(io::ParseChangeLine(huge).ok());
}

TEST(ChangeStream, WriteThenParseIsIdentity) {
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kNode;
    op.node.key = "k/\"quoted\"\\" + std::to_string(rng() % 100) + "\n日本";
    op.node.kind = "technology";
    op.node.names["en"] = std::string("tab\there ") + char(1 + rng() % 30);
    op.node.props["d"] = std::ldexp(static_cast<double>(rng()), -20);
    op.node.props["whole"] = 3.0;
    op.node.props["neg"] = -static_cast<int64_t>(rng());
    op.node.props["l"] = std::vector<std::string>{"x", ""};
    std::string line = io::ToChangeLine(op);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto back = io::ParseChangeLine(line);
    ASSERT_TRUE(back.ok()) << back.status() << " " << line;
    EXPECT_EQ(*back, op);
  }
  ChangeOp c;
  c.kind = ChangeOp::Kind::kCommit;
  c.commit.message = "m";
  c.commit.tags = {"t"};
  c.commit.effective_date = "2022-02-08";
  EXPECT_EQ(*io::ParseChangeLine(io::ToChangeLine(c)), c);
}

}  // namespace
}  // namespace critgraph
