// The report library (critgraph/io/report.h) on a small hand-built history:
// what the HTML and Markdown say about versions, lineage and crosswalks,
// the options, escaping, and errors instead of crashes.
#include "critgraph/io/report.h"

#include <memory>
#include <string>

#include "critgraph/critgraph.h"
#include "gtest/gtest.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using testing::TempDir;

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// List L: v1 (2021) = a, b; v2 (2023) = a, c where c supersedes b (a rename
// to a new key); list M (2022) = m, linked to a by maps_to. Names of b and c
// carry characters HTML and DOT must escape.
class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.sync = false;
    auto db = DB::Open(TempDir("report_test"), o);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    Write({{"L", "list", {{"en", "List L"}}, {}},
           {"L/a", "technology", {{"en", "Alpha"}, {"ja", "アルファ"}}, {}},
           {"L/b", "technology", {{"en", "B <b> & \"q\""}}, {}}},
          {{"L/a", "part_of", "L", {}}, {"L/b", "part_of", "L", {}}}, {},
          "2021-01-01", "l-2021");
    Write({{"M", "list", {{"en", "List M"}}, {}},
           {"M/m", "technology", {{"en", "Em"}}, {}}},
          {{"M/m", "part_of", "M", {}}}, {}, "2022-01-01", "m-2022");
    Write(
        {{"L/c", "technology", {{"en", "See \\ back"}}, {}}},
        {{"L/c", "part_of", "L", {}},
         {"L/c", "supersedes", "L/b", {}},
         {"L/a", "maps_to", "M/m", {{"relation", std::string("equivalent")}}}},
        {{"L/b", "part_of", "L"}}, "2023-01-01", "l-2023");
  }

  void Write(const std::vector<Node>& nodes, const std::vector<Edge>& edges,
             const std::vector<EdgeId>& removed, const std::string& date,
             const std::string& tag) {
    auto txn = db_->Begin();
    ASSERT_TRUE(txn.ok()) << txn.status();
    for (const auto& n : nodes) ASSERT_TRUE((*txn)->PutNode(n).ok());
    for (const auto& e : removed) {
      ASSERT_TRUE((*txn)->DeleteEdge(e.from, e.type, e.to).ok());
    }
    for (const auto& e : edges) ASSERT_TRUE((*txn)->PutEdge(e).ok());
    CommitInfo info;
    info.effective_date = date;
    info.tags = {tag};
    ASSERT_TRUE((*txn)->Commit(info).ok());
  }

  std::unique_ptr<DB> db_;
};

TEST_F(ReportTest, HtmlShowsVersionsLineageCrosswalkAndFooter) {
  io::ReportOptions options;
  options.generated_at = "2026-12-03T00:00:00Z";
  auto html = io::ReportHtml(*db_, options);
  ASSERT_TRUE(html.ok()) << html.status();
  for (const char* id : {"overview", "lists", "crosswalk", "dependencies",
                         "footer", "list-L", "list-M"}) {
    EXPECT_NE(html->find(std::string("id=\"") + id + "\""), std::string::npos)
        << id;
  }
  EXPECT_EQ(html->find("<script"), std::string::npos);
  // L: 2021 (a, b), 2023 (a, c); the rename b -> c is an event row and an
  // arrow in the lineage picture.
  EXPECT_EQ(Count(*html, "<tr data-list=\"L\">"), 2);
  EXPECT_NE(html->find("class=\"k-renamed\">renamed</td><td><code>L/b "
                       "\u2192 L/c"),
            std::string::npos);
  EXPECT_NE(html->find("<figure class=\"lineage\" data-list=\"L\">"),
            std::string::npos);
  EXPECT_NE(html->find("アルファ"), std::string::npos);
  // One link L <-> M, in the matrix both ways and in one pair table.
  EXPECT_NE(html->find("data-a=\"L\" data-b=\"M\" data-links=\"1\""),
            std::string::npos);
  EXPECT_NE(html->find("data-a=\"M\" data-b=\"L\" data-links=\"1\""),
            std::string::npos);
  EXPECT_EQ(Count(*html, "class=\"crosswalk-pair\""), 1);
  EXPECT_NE(html->find(db_->GetSnapshot(db_->Head()).value()->digest().ToHex()),
            std::string::npos);
  EXPECT_NE(html->find("generated 2026-12-03T00:00:00Z"), std::string::npos);
  // Names are escaped in the page; raw markup from data never appears.
  EXPECT_EQ(html->find("<b> & \"q\""), std::string::npos);
  EXPECT_NE(html->find("B &lt;b&gt; &amp; &quot;q&quot;"), std::string::npos);
}

TEST_F(ReportTest, OptionsChooseRevisionListsAndSince) {
  io::ReportOptions options;
  options.lists = {"L"};
  options.at = *db_->Resolve("m-2022");
  auto html = io::ReportHtml(*db_, options);
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_EQ(Count(*html, "<tr data-list=\"L\">"), 1);  // 2023 not yet
  EXPECT_EQ(html->find("id=\"list-M\""), std::string::npos);

  options = {};
  options.lists = {"L"};
  options.since = "2022-06-01";
  html = io::ReportHtml(*db_, options);
  ASSERT_TRUE(html.ok()) << html.status();
  // The version in force on 2022-06-01 stays as the baseline.
  EXPECT_NE(html->find("<td>l-2021</td>"), std::string::npos);
  EXPECT_NE(html->find("<td>l-2023</td>"), std::string::npos);
  options.since = "2024-01-01";
  html = io::ReportHtml(*db_, options);
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_EQ(html->find("<td>l-2021</td>"), std::string::npos);
}

TEST_F(ReportTest, UnknownListOrRevisionIsNotFound) {
  io::ReportOptions options;
  options.lists = {"nosuch"};
  auto html = io::ReportHtml(*db_, options);
  EXPECT_EQ(html.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(html.status().message().find("nosuch"), std::string::npos);
  options = {};
  options.at = 99;
  EXPECT_EQ(io::ReportHtml(*db_, options).status().code(),
            absl::StatusCode::kNotFound);
  options.lists = {"L/a"};  // a node, not a list
  options.at = 0;
  EXPECT_EQ(io::ReportHtml(*db_, options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ReportTest, MarkdownLinksEveryPictureItWrites) {
  auto md = io::ReportMarkdown(*db_, {});
  ASSERT_TRUE(md.ok()) << md.status();
  ASSERT_FALSE(md->pictures.empty());
  for (const auto& [name, svg] : md->pictures) {
    EXPECT_NE(md->markdown.find("(" + name + ")"), std::string::npos) << name;
    EXPECT_NE(svg.find("<svg"), std::string::npos) << name;
  }
}

TEST(RenderDotToSvg, LaysOutGoodDotAndRejectsBadDot) {
  auto svg = io::RenderDotToSvg("digraph { a -> b }", "a test graph");
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("class=\"node\""), std::string::npos);
  auto bad = io::RenderDotToSvg("digraph { a -> ", "a broken graph");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(bad.status().message().find("a broken graph"), std::string::npos);
  EXPECT_NE(bad.status().message().find("syntax error"), std::string::npos);
}

}  // namespace
}  // namespace critgraph
