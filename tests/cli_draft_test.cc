// The CLI's drafts and merge, as an analyst runs them: the built binary
// (CRITGRAPH_CLI) on a small list, results checked through the library.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/draft.h"
#include "gtest/gtest.h"
#include "tests/cli_run.h"
#include "tests/model.h"

#ifndef CRITGRAPH_CLI
#define CRITGRAPH_CLI ""
#endif

namespace critgraph {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::ReadFile;
using testing::RunResult;

class CliDraft : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CRITGRAPH_CLI).empty()) {
      GTEST_SKIP() << "CRITGRAPH_CLI not defined";
    }
    dir_ = testing::TempDir("cli");
    fs::create_directories(dir_);
    db_ = dir_ + "/db";
  }

  RunResult Run(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    const std::string out = dir_ + "/.stdout", err = dir_ + "/.stderr";
    std::string cmd = "cd " + Quote(dir_) + " && " + Quote(CRITGRAPH_CLI);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " </dev/null >" + Quote(out) + " 2>" + Quote(err);
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out),
            ReadFile(err)};
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_, db_;
};

constexpr char kList[] =
    R"({"op":"node","key":"cet","kind":"list","names":{"en":"CET"}}
{"op":"node","key":"cet/ai","kind":"foreign_list_entry","names":{"en":"AI"}}
{"op":"node","key":"cet/bio","kind":"foreign_list_entry","names":{"en":"Biotech"}}
{"op":"edge","from":"cet/ai","type":"part_of","to":"cet"}
{"op":"edge","from":"cet/bio","type":"part_of","to":"cet"}
{"op":"commit","message":"CET v1","tag":"cet-v1"}
)";

TEST_F(CliDraft, ProposalConflictReportAndMerge) {
  ASSERT_EQ(Run({"import", Write("list.jsonl", kList)}).code, 0);
  auto r = Run({"draft", "create", "proposal"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Run(
      {"import", "--draft", "proposal",
       Write(
           "p.jsonl",
           R"({"op":"node","key":"cet/ai","kind":"foreign_list_entry","names":{"en":"Artificial Intelligence"}}
{"op":"node","key":"cet/space","kind":"foreign_list_entry","names":{"en":"Space"}}
{"op":"edge","from":"cet/space","type":"part_of","to":"cet"}
{"op":"commit","message":"proposal"}
)")});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(
      Run({"import",
           Write(
               "m.jsonl",
               R"({"op":"node","key":"cet/ai","kind":"foreign_list_entry","names":{"en":"AI and ML"}}
{"op":"commit","message":"main rename"}
)")})
          .code,
      0);
  // Reads of the draft through the natural commands.
  r = Run({"show", "cet/space", "--at", "draft:proposal"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Space"), std::string::npos);
  r = Run({"diff", "HEAD", "draft:proposal", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("cet/space"), std::string::npos);
  EXPECT_NE(r.out.find("Artificial Intelligence"), std::string::npos);
  r = Run({"draft", "log", "proposal", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"commits\":1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"message\":\"proposal\""), std::string::npos);

  // The conflict report: a dry run shows it and exits 0; a plain merge
  // refuses (exit 5) and changes nothing.
  r = Run({"merge", "proposal", "--dry-run", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"unresolved\":1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"kind\":\"content\""), std::string::npos);
  EXPECT_NE(r.out.find("\"fields\":[\"name:en\"]"), std::string::npos);
  r = Run({"merge", "proposal"});
  EXPECT_EQ(r.code, 5);
  EXPECT_NE(r.out.find("[unresolved]"), std::string::npos) << r.out;
  {
    auto db = DB::OpenReadOnly(db_);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*db)->Head(), 2u);
  }
  r = Run({"merge", "proposal", "--prefer", "draft", "--tag", "cet-v2",
           "--message", "accept the proposal", "--effective", "2026-12-01"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("committed revision 3"), std::string::npos) << r.out;
  auto db = DB::OpenReadOnly(db_);
  ASSERT_TRUE(db.ok());
  auto snap = (*db)->GetSnapshot("cet-v2");
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ((*snap)->GetNode("cet/ai")->names.at("en"),
            "Artificial Intelligence");
  EXPECT_TRUE((*snap)->GetEdge("cet/space", "part_of", "cet").ok());
  auto info = (*db)->GetRevision(3);
  EXPECT_EQ(info->message, "accept the proposal");
  EXPECT_EQ(info->effective_date, "2026-12-01");
}

TEST_F(CliDraft, ResolutionFileListDropAndErrors) {
  ASSERT_EQ(Run({"import", Write("list.jsonl", kList)}).code, 0);
  ASSERT_EQ(Run({"draft", "create", "d", "--from", "cet-v1"}).code, 0);
  ASSERT_EQ(Run({"import", "--draft", "d",
                 Write("d.jsonl",
                       R"({"op":"del_node","key":"cet/bio"}
{"op":"commit","message":"drop bio"}
)")})
                .code,
            0);
  ASSERT_EQ(
      Run({"import",
           Write(
               "m.jsonl",
               R"({"op":"node","key":"cet/bio","kind":"foreign_list_entry","names":{"en":"Biotechnology"}}
{"op":"commit","message":"rename bio"}
)")})
          .code,
      0);
  auto r = Run({"merge", "d", "--dry-run"});
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("delete-modify  node cet/bio"), std::string::npos)
      << r.out;
  // Keep head's node through a resolution file.
  r = Run(
      {"merge", "d", "--resolve",
       Write(
           "res.jsonl",
           R"({"op":"node","key":"cet/bio","kind":"foreign_list_entry","names":{"en":"Biotechnology, kept"}}
)")});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("[took file]"), std::string::npos);
  {
    auto db = DB::OpenReadOnly(db_);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*(*db)->GetSnapshot("HEAD"))->GetNode("cet/bio")->names.at("en"),
              "Biotechnology, kept");
  }
  r = Run({"merge", "d", "--resolve", Write("bad.jsonl", "{not json\n")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.jsonl:1"), std::string::npos) << r.err;
  r = Run({"merge", "d", "--prefer", "mine"});
  EXPECT_EQ(r.code, 2);

  r = Run({"draft", "list", "--json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("\"name\":\"d\",\"base\":1"), std::string::npos)
      << r.out;
  // gc keeps a draft's base or says why it cannot.
  r = Run({"gc", "--keep-last", "1"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("base of draft 'd'"), std::string::npos) << r.err;
  EXPECT_EQ(Run({"lists", "--at", "draft:d"}).code, 2);
  EXPECT_EQ(Run({"diff", "HEAD", "draft:nope"}).code, 1);
  EXPECT_EQ(Run({"draft", "create", "Bad Name"}).code, 2);
  EXPECT_EQ(Run({"draft", "create", "d"}).code, 2);  // exists
  EXPECT_EQ(Run({"draft", "frobnicate", "d"}).code, 2);
  ASSERT_EQ(Run({"draft", "drop", "d"}).code, 0);
  EXPECT_EQ(Run({"draft", "drop", "d"}).code, 1);
  r = Run({"draft", "list"});
  EXPECT_NE(r.out.find("no drafts"), std::string::npos);
  EXPECT_EQ(Run({"gc", "--keep-last", "1"}).code, 0);
}

}  // namespace
}  // namespace critgraph
