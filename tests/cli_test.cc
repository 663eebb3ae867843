// Integration tests of the critgraph CLI: runs the built binary
// (CRITGRAPH_CLI) on temporary databases and checks outputs, exit codes and
// that failed imports leave the database unchanged. Golden outputs live in
// tests/golden/ (regenerate with CRITGRAPH_UPDATE_GOLDEN=1; review the diff).
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "critgraph/critgraph.h"
#include "gtest/gtest.h"
#include "simdjson.h"

#ifndef CRITGRAPH_CLI
#define CRITGRAPH_CLI ""
#endif
#ifndef CRITGRAPH_SOURCE_DIR
#define CRITGRAPH_SOURCE_DIR ""
#endif

namespace {

namespace fs = std::filesystem;

const std::string kCli = CRITGRAPH_CLI;
const std::string kSource = CRITGRAPH_SOURCE_DIR;
const std::string kDataset = kSource + "/data/critgraph-dataset.jsonl";
const std::string kGolden = kSource + "/tests/golden/";

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q.push_back(c);
    }
  }
  return q + "'";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kCli.empty()) GTEST_SKIP() << "CRITGRAPH_CLI not defined";
    const char* base = std::getenv("CRITGRAPH_TEST_TMP");
    fs::path root = base ? fs::path(base) : fs::temp_directory_path();
    fs::create_directories(root);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("cli-") + info->name() + "-XXXXXX";
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    std::string templ = (root / name).string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    db_ = dir_ + "/db";
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // Runs the CLI with `args`; `stdin_path` (default /dev/null); extra
  // environment assignments ("A=b"); working directory (default dir_).
  RunResult Run(const std::vector<std::string>& args,
                const std::string& stdin_path = "/dev/null",
                const std::string& env = "", const std::string& cwd = "") {
    std::string out = dir_ + "/.stdout";
    std::string err = dir_ + "/.stderr";
    std::string cmd = "cd " + ShellQuote(cwd.empty() ? dir_ : cwd) +
                      " && env -u CRITGRAPH_DB " + env + " " + ShellQuote(kCli);
    for (const auto& a : args) cmd += " " + ShellQuote(a);
    cmd += " <" + ShellQuote(stdin_path) + " >" + ShellQuote(out) + " 2>" +
           ShellQuote(err);
    int status = std::system(cmd.c_str());
    RunResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }
  // Runs with --db db_ appended.
  RunResult Db(std::vector<std::string> args,
               const std::string& stdin_path = "/dev/null") {
    args.push_back("--db");
    args.push_back(db_);
    return Run(args, stdin_path);
  }

  void ImportDataset(const std::string& db) {
    auto r = Run({"--db", db, "import", kDataset});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Head revision and digest, via `log --json` and `stats --json`.
  std::pair<uint64_t, std::string> HeadAndDigest(const std::string& db) {
    auto r = Run({"--db", db, "stats", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(r.out).get(doc) != simdjson::SUCCESS) {
      ADD_FAILURE() << "stats --json is not JSON: " << r.out;
      return {};
    }
    return {uint64_t(doc["revision"]),
            std::string(std::string_view(doc["digest"]))};
  }

  // Number of nodes `reach --json` returns (sources included).
  size_t ReachCount(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--db", db_, "reach"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("--json");
    auto r = Run(args);
    EXPECT_EQ(r.code, 0) << r.err;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(r.out).get(doc) != simdjson::SUCCESS) {
      ADD_FAILURE() << r.out;
      return 0;
    }
    return simdjson::dom::array(doc["nodes"]).size();
  }

  void ExpectGolden(const std::string& name, const std::string& actual) {
    std::string path = kGolden + name;
    if (std::getenv("CRITGRAPH_UPDATE_GOLDEN") != nullptr) {
      WriteFile(path, actual);
      return;
    }
    std::string want = ReadFile(path);
    ASSERT_FALSE(want.empty()) << "missing golden file " << path;
    EXPECT_EQ(actual, want) << "differs from " << path;
  }

  std::string dir_;
  std::string db_;
};

// ---------------------------------------------------------------- help

TEST_F(CliTest, HelpEverywhere) {
  auto r = Run({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* cmd :
       {"init", "import", "log", "tag", "show", "export", "diff", "reach",
        "path", "reach-diff", "stats", "verify", "demo", "report"}) {
    EXPECT_NE(r.out.find(std::string("  ") + cmd + " "), std::string::npos)
        << cmd;
    auto h = Run({cmd, "--help"});
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_NE(h.out.find(std::string("usage: critgraph ") + cmd),
              std::string::npos)
        << cmd << ": " << h.out;
    auto h2 = Run({"--help", cmd});
    EXPECT_EQ(h2.out, h.out) << cmd;
  }
  EXPECT_EQ(Run({}).code, 2);
  EXPECT_EQ(Run({"frobnicate"}).code, 2);
  auto bad = Run({"log", "--frob"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown option '--frob'"), std::string::npos);
}

TEST_F(CliTest, DatabasePathBeforeAfterEnvDefault) {
  ASSERT_EQ(Run({"--db", Path("a"), "init"}).code, 0);
  EXPECT_TRUE(fs::exists(Path("a")));
  ASSERT_EQ(Run({"init", "--db", Path("b")}).code, 0);
  EXPECT_TRUE(fs::exists(Path("b")));
  ASSERT_EQ(Run({"init"}, "/dev/null", "CRITGRAPH_DB=" + Path("c")).code, 0);
  EXPECT_TRUE(fs::exists(Path("c")));
  ASSERT_EQ(Run({"init"}).code, 0);
  EXPECT_TRUE(fs::exists(Path("critgraph.db")));
  // Read commands on a missing database: exit 4 with a hint.
  auto r = Run({"--db", Path("missing"), "log"});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("no database at"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Path("missing")));
}

TEST_F(CliTest, InitLogStatsVerifyOnEmpty) {
  auto r = Db({"init"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("initialized"), std::string::npos);
  EXPECT_EQ(Db({"init"}).code, 0);  // idempotent
  r = Db({"log", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "[]\n");
  r = Db({"stats", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("\"revision\":0"), std::string::npos) << r.out;
  EXPECT_EQ(Db({"verify"}).code, 0);
}

// ---------------------------------------------------------------- gc

TEST_F(CliTest, GcRemovesRevisionsAndSaysSo) {
  ImportDataset(db_);
  const uint64_t head = HeadAndDigest(db_).first;
  ASSERT_GE(head, 4u);
  // No rule: a usage error, nothing removed.
  auto r = Db({"gc"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--keep-last 1"), std::string::npos) << r.err;
  EXPECT_EQ(Db({"gc", "--keep-last", "zero"}).code, 2);
  EXPECT_EQ(Db({"gc", "--keep", "no-such-tag"}).code, 1);
  // Dry run: reports, changes nothing.
  r = Db({"gc", "--keep-last", "2", "--dry-run", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.out).get(doc), simdjson::SUCCESS) << r.out;
  EXPECT_TRUE(bool(doc["dry_run"]));
  const size_t removed = simdjson::dom::array(doc["removed"]).size();
  EXPECT_EQ(removed, head - 2);
  EXPECT_GT(uint64_t(doc["bytes_deleted"]), 0u);
  EXPECT_EQ(Db({"export", "--at", "1"}).code, 0);
  // The real thing, keeping revision 1 as well.
  r = Db({"gc", "--keep-last", "2", "--keep", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("removed " + std::to_string(head - 3) + " revisions"),
            std::string::npos)
      << r.out;
  r = Db({"export", "--at", "2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("revision 2 was removed by gc on "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(kept: 1, " + std::to_string(head - 1) + "-" +
                       std::to_string(head) + ")"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Db({"diff", "1", "HEAD", "--stat"}).code, 0);
  EXPECT_EQ(Db({"diff", "2", "HEAD"}).code, 1);
  r = Db({"log", "--json"});
  ASSERT_EQ(r.code, 0);
  ASSERT_EQ(parser.parse(r.out).get(doc), simdjson::SUCCESS) << r.out;
  EXPECT_EQ(simdjson::dom::array(doc).size(), 3u);
  EXPECT_EQ(Db({"verify"}).code, 0);
  // Again: nothing left to remove.
  r = Db({"gc", "--keep-last", "2", "--keep", "1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(parser.parse(r.out).get(doc), simdjson::SUCCESS) << r.out;
  EXPECT_EQ(simdjson::dom::array(doc["removed"]).size(), 0u);
}

// ---------------------------------------------------------------- dataset

TEST_F(CliTest, DatasetCounts) {
  ImportDataset(db_);
  auto members = [&](const std::string& list, const std::string& at,
                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        list,      "--at",        at, "--direction", "in", "--edge-types",
        "part_of", "--max-depth", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ReachCount(args) - 1;  // minus the list itself
  };
  EXPECT_EQ(members("us-cet", "us-cet-2020"), 20u);
  EXPECT_EQ(members("us-cet", "us-cet-2022"), 19u);
  EXPECT_EQ(members("us-cet", "us-cet-2024"), 18u);
  EXPECT_EQ(members("eu-cta", "HEAD"), 10u);
  EXPECT_EQ(members("cn-14fyp", "HEAD"), 7u);
  EXPECT_EQ(members("jp-20-areas", "HEAD"), 20u);
  EXPECT_EQ(
      members("jp-kprogram", "kprogram-vision-1", {"--kinds", "technology"}),
      27u);
  EXPECT_EQ(
      members("jp-kprogram", "kprogram-vision-2", {"--kinds", "technology"}),
      50u);
  EXPECT_EQ(members("jp-kprogram", "kprogram-vision-2-rev-2025-03",
                    {"--kinds", "technology"}),
            51u);
  EXPECT_EQ(members("jp-materials", "materials-2022"), 11u);
  EXPECT_EQ(members("jp-materials", "materials-2024"), 12u);

  auto r = Db({"stats", "--json"});
  ASSERT_EQ(r.code, 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.out);
  EXPECT_EQ(uint64_t(doc["revision"]), 12u);
  EXPECT_EQ(uint64_t(doc["nodes"]), 206u);
  EXPECT_EQ(uint64_t(doc["edges"]), 455u);
  EXPECT_EQ(uint64_t(doc["edges_by_type"]["supersedes"]), 10u);
  EXPECT_EQ(uint64_t(doc["edges_by_type"]["maps_to"]), 74u);
  EXPECT_EQ(uint64_t(doc["edges_by_type"]["depends_on"]), 33u);
  EXPECT_EQ(uint64_t(doc["edges_by_type"]["covers"]), 96u);
  EXPECT_EQ(uint64_t(doc["edges_by_type"]["part_of"]), 242u);
  EXPECT_EQ(Db({"verify"}).code, 0);
}

TEST_F(CliTest, LogTextJsonStat) {
  ImportDataset(db_);
  auto r = Db({"log", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::array log = parser.parse(r.out);
  ASSERT_EQ(log.size(), 12u);
  simdjson::dom::element first = log.at(0);
  EXPECT_EQ(uint64_t(first["revision"]), 12u);
  EXPECT_EQ(uint64_t(first["parent"]), 11u);
  EXPECT_EQ(std::string_view(first["tags"].at(0)), "curated-links");
  EXPECT_EQ(std::string_view(first["effective"]), "2025-10-28");
  EXPECT_EQ(std::string_view(first["digest"]).size(), 32u);
  EXPECT_NE(std::string_view(first["message"]).find("Curated"),
            std::string_view::npos);
  simdjson::dom::element last = log.at(11);
  EXPECT_EQ(uint64_t(last["revision"]), 1u);
  EXPECT_EQ(std::string_view(last["tags"].at(0)), "us-cet-2020");

  r = Db({"log", "--stat", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::array with_stat = parser.parse(r.out);
  EXPECT_EQ(
      uint64_t(with_stat.at(0)["stat"]["edges_by_type"]["maps_to"]["added"]),
      74u);
  r = Db({"log", "--stat"});
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("edge maps_to +74 -0 ~0"), std::string::npos) << r.out;
  // us-cet-2022: 7 entries added, 3 deleted (5 dropped entries stay as nodes,
  // data/README.md judgment call 10), 4 renamed; 5 supersedes edges.
  EXPECT_NE(r.out.find("node foreign_list_entry +7 -3 ~4"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("edge supersedes +5 -0 ~0"), std::string::npos);
  r = Db({"log"});
  EXPECT_EQ(Count(r.out, "\nrevision "), 11u);
  EXPECT_EQ(r.out.rfind("revision 12  tag curated-links", 0), 0u) << r.out;
}

TEST_F(CliTest, TagShowStats) {
  ImportDataset(db_);
  auto r = Db({"tag", "mine", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Db({"tag", "mine", "4"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(Db({"tag", "mine", "4", "--force"}).code, 0);
  EXPECT_EQ(Db({"tag", "other", "99"}).code, 1);
  EXPECT_EQ(Db({"tag", "bad name!", "1"}).code, 2);

  r = Db({"show", "us-cet/pnt", "--at", "mine"});  // added in 2024
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(Db({"show", "us-cet/pnt", "--at", "us-cet-2024"}).code, 0);
  r = Db({"show", "us-cet/quantum", "--at", "us-cet-2022"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("name en: Quantum Information Technologies"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("part_of -> us-cet"), std::string::npos);
  r = Db({"show", "us-cet/quantum", "--json"});
  ASSERT_EQ(r.code, 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.out);
  EXPECT_EQ(uint64_t(doc["revision"]), 12u);
  EXPECT_EQ(std::string_view(doc["node"]["names"]["en"]),
            "Quantum Information and Enabling Technologies");
  EXPECT_GE(simdjson::dom::array(doc["in"]).size(), 1u);  // maps_to into it
  r = Db({"show", "no/such/key"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no node 'no/such/key'"), std::string::npos);
  EXPECT_EQ(Db({"show", "us-cet", "--at", "nope"}).code, 1);
  EXPECT_EQ(Db({"show", "us-cet", "--at", "HEAD~x"}).code, 2);

  r = Db({"stats", "--at", "@2022-12-31"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("revision 6 (materials-2022)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("nodes 151"), std::string::npos);
}

// ---------------------------------------------------------------- export

TEST_F(CliTest, JsonlExportImportExportIdentity) {
  ImportDataset(db_);
  for (const char* rev : {"HEAD", "us-cet-2022", "1"}) {
    SCOPED_TRACE(rev);
    auto e1 = Db({"export", "--at", rev});
    ASSERT_EQ(e1.code, 0) << e1.err;
    EXPECT_EQ(Db({"export", "--at", rev}).out, e1.out);  // byte-identical
    WriteFile(Path("e1.jsonl"), e1.out);
    std::string db2 = Path(std::string("db-") + rev);
    auto r = Run({"--db", db2, "import", Path("e1.jsonl")});
    ASSERT_EQ(r.code, 0) << r.err;
    auto e2 = Run({"--db", db2, "export"});
    ASSERT_EQ(e2.code, 0);
    EXPECT_EQ(e2.out, e1.out);
    auto s1 = Db({"stats", "--at", rev, "--json"});
    auto s2 = Run({"--db", db2, "stats", "--json"});
    simdjson::dom::parser p1, p2;
    simdjson::dom::element d1 = p1.parse(s1.out), d2 = p2.parse(s2.out);
    EXPECT_EQ(std::string_view(d1["digest"]), std::string_view(d2["digest"]));
  }
  // Layout: nodes sorted by key, then edges, then one commit line.
  auto e = Db({"export", "--out", Path("head.jsonl")});
  ASSERT_EQ(e.code, 0);
  std::string text = ReadFile(Path("head.jsonl"));
  EXPECT_EQ(Count(text, "{\"op\":\"node\""), 206u);
  EXPECT_EQ(Count(text, "{\"op\":\"edge\""), 455u);
  EXPECT_EQ(Count(text, "{\"op\":\"commit\""), 1u);
  EXPECT_EQ(text.rfind("{\"op\":\"node\",\"key\":\"cn-14fyp\"", 0), 0u);
}

// A graph with custom kinds and every property type, including values that
// need escaping in CSV, XML and DOT.
const char kTypedGraph[] =
    R"({"op":"register","node_kind":"organization"}
{"op":"register","edge_type":"funds"}
{"op":"node","key":"org/a","kind":"organization","names":{"en":"A, \"quoted\" <&> org","ja":"組織"},"props":{"budget":12.5,"count":-3,"active":true,"tags":["x;y","back\\slash",""],"empty":"","none":[],"note":"line1\nline2"}}
{"op":"node","key":"org/b","kind":"organization","names":{"en":"B"},"props":{"count":"three","one":[""],"big":9007199254740993}}
{"op":"node","key":"tech/c","kind":"technology","props":{"ratio":1e-300,"neg":-0.0}}
{"op":"edge","from":"org/a","type":"funds","to":"tech/c","props":{"amount":100,"via":"grant, \"2024\""}}
{"op":"edge","from":"org/b","type":"funds","to":"tech/c","props":{}}
{"op":"edge","from":"tech/c","type":"part_of","to":"org/a","props":{"since":"x"}}
{"op":"commit","message":"typed graph","tag":"typed","effective":"2024-01-02"}
)";

TEST_F(CliTest, TypedGraphExportsMatchGolden) {
  // Every export format of awkward values (quotes, separators, markup,
  // newlines, unicode, empty lists, -0.0, 1e-300, 2^53 + 1), byte for byte.
  // The golden files are the reference the formatters are held to; they
  // share no code with them.
  WriteFile(Path("typed.jsonl"), kTypedGraph);
  ASSERT_EQ(Db({"import", Path("typed.jsonl")}).code, 0);
  for (const char* format : {"jsonl", "graphml", "dot"}) {
    auto r = Db({"export", "--format", format});
    ASSERT_EQ(r.code, 0) << r.err;
    ExpectGolden(std::string("typed_export.") + format, r.out);
  }
  auto r = Db({"export", "--format", "csv", "--out", Path("csv")});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* file : {"nodes.csv", "edges.csv"}) {
    ExpectGolden(std::string("typed_export_") + file,
                 ReadFile(Path("csv/") + file));
  }
}

TEST_F(CliTest, TypedGraphJsonlAndCsvRoundTrip) {
  WriteFile(Path("typed.jsonl"), kTypedGraph);
  auto r = Db({"import", Path("typed.jsonl")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto [rev, digest] = HeadAndDigest(db_);
  EXPECT_EQ(rev, 1u);

  // JSONL keeps the registrations.
  auto e1 = Db({"export"});
  EXPECT_EQ(
      e1.out.rfind("{\"op\":\"register\",\"node_kind\":\"organization\"}\n"
                   "{\"op\":\"register\",\"edge_type\":\"funds\"}\n",
                   0),
      0u)
      << e1.out;
  WriteFile(Path("e1.jsonl"), e1.out);
  ASSERT_EQ(Run({"--db", Path("j2"), "import", Path("e1.jsonl")}).code, 0);
  EXPECT_EQ(HeadAndDigest(Path("j2")).second, digest);
  EXPECT_EQ(Run({"--db", Path("j2"), "export"}).out, e1.out);

  // CSV: export to a directory, import it back (two forms), same digest.
  r = Db({"export", "--format", "csv", "--out", Path("csv")});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string nodes = ReadFile(Path("csv/nodes.csv"));
  EXPECT_EQ(nodes.substr(0, nodes.find('\n')),
            "key,kind,name:en,name:ja,active:bool,big:int64,budget:double,"
            "count:string,count:int64,empty:string,neg:double,none:string[],"
            "note:string,one:string[],ratio:double,tags:string[]");
  r = Run({"--db", Path("c2"), "import", "--format", "csv", "--nodes",
           Path("csv/nodes.csv"), "--edges", Path("csv/edges.csv")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(HeadAndDigest(Path("c2")).second, digest);
  r = Run({"--db", Path("c3"), "import", Path("csv"), "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(HeadAndDigest(Path("c3")).second, digest);
  // The same content lines; only the commit line differs.
  auto without_commit = [](const std::string& s) {
    return s.substr(0, s.rfind("{\"op\":\"commit\""));
  };
  EXPECT_EQ(without_commit(Run({"--db", Path("c3"), "export"}).out),
            without_commit(e1.out));
}

TEST_F(CliTest, CsvOfDatasetReimportsWithSameDigest) {
  ImportDataset(db_);
  auto r = Db({"export", "--format", "csv", "--out", Path("csv")});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Run({"--db", Path("c2"), "import", "--format", "csv", "--nodes",
           Path("csv/nodes.csv"), "--edges", Path("csv/edges.csv"), "--tag",
           "from-csv", "--message", "CSV copy"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(HeadAndDigest(Path("c2")).second, HeadAndDigest(db_).second);
  r = Run({"--db", Path("c2"), "log", "--json"});
  EXPECT_NE(r.out.find("\"tags\":[\"from-csv\"]"), std::string::npos);
  EXPECT_NE(r.out.find("\"message\":\"CSV copy\""), std::string::npos);
  EXPECT_EQ(Db({"export", "--format", "csv"}).code, 2);  // needs --out
}

bool Has(const std::string& shell_test) {
  return std::system((shell_test + " >/dev/null 2>&1").c_str()) == 0;
}

TEST_F(CliTest, GraphmlParsesBack) {
  WriteFile(Path("typed.jsonl"), kTypedGraph);
  ASSERT_EQ(Db({"import", Path("typed.jsonl")}).code, 0);
  ImportDataset(Path("ds"));
  for (const auto& [db, nodes, edges] :
       {std::tuple{db_, 3, 3}, std::tuple{Path("ds"), 206, 455}}) {
    std::string file = Path("g.graphml");
    auto r = Run({"--db", db, "export", "--format", "graphml", "--out", file});
    ASSERT_EQ(r.code, 0) << r.err;
    std::string xml = ReadFile(file);
    EXPECT_EQ(
        xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml", 0),
        0u);
    EXPECT_EQ(Count(xml, "<node id="), size_t(nodes));
    EXPECT_EQ(Count(xml, "<edge id="), size_t(edges));
    EXPECT_NE(xml.find("attr.type=\"string\""), std::string::npos);
    std::string check;
    if (Has("python3 -c 'import networkx'")) {
      // NetworkX's read_graphml: the reader the issue names.
      check =
          "import networkx as nx, sys\n"
          "g = nx.read_graphml(sys.argv[1])\n"
          "print(g.number_of_nodes(), g.number_of_edges())\n";
    } else if (Has("python3 -c 'import xml.dom.minidom'")) {
      // NetworkX is not installed: parse with the standard library's XML
      // parser and count the elements.
      check =
          "import xml.dom.minidom as m, sys\n"
          "d = m.parse(sys.argv[1])\n"
          "print(len(d.getElementsByTagName('node')), "
          "len(d.getElementsByTagName('edge')))\n";
    } else {
      GTEST_SKIP() << "no python3 to parse GraphML with";
    }
    WriteFile(Path("check.py"), check);
    std::string out = Path("check.out");
    ASSERT_EQ(std::system(("python3 " + ShellQuote(Path("check.py")) + " " +
                           ShellQuote(file) + " > " + ShellQuote(out))
                              .c_str()),
              0);
    EXPECT_EQ(ReadFile(out),
              std::to_string(nodes) + " " + std::to_string(edges) + "\n");
  }
  // Typed attributes survive in NetworkX.
  if (Has("python3 -c 'import networkx'")) {
    std::string file = Path("t.graphml");
    ASSERT_EQ(Db({"export", "--format", "graphml", "--out", file}).code, 0);
    WriteFile(Path("attrs.py"),
              "import networkx as nx, sys\n"
              "g = nx.read_graphml(sys.argv[1])\n"
              "a = g.nodes['org/a']\n"
              "print(a['kind'], a['name:en'], a['budget'], a['active'], "
              "a['note'] == 'line1\\nline2')\n"
              "print(g.edges['org/a', 'tech/c']['amount'])\n");
    std::string out = Path("attrs.out");
    ASSERT_EQ(std::system(("python3 " + ShellQuote(Path("attrs.py")) + " " +
                           ShellQuote(file) + " > " + ShellQuote(out))
                              .c_str()),
              0);
    EXPECT_EQ(ReadFile(out),
              "organization A, \"quoted\" <&> org 12.5 True True\n100\n");
  }
}

TEST_F(CliTest, DotExport) {
  WriteFile(Path("typed.jsonl"), kTypedGraph);
  ASSERT_EQ(Db({"import", Path("typed.jsonl")}).code, 0);
  auto r = Db({"export", "--format", "dot"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("digraph critgraph {", 0), 0u);
  EXPECT_EQ(Count(r.out, " -> "), 3u);
  EXPECT_NE(r.out.find("\"A, \\\"quoted\\\" <&> org\\norg/a\""),
            std::string::npos)
      << r.out;
  if (Has("command -v dot")) {
    WriteFile(Path("g.dot"), r.out);
    EXPECT_EQ(
        std::system(("dot -Tsvg " + ShellQuote(Path("g.dot")) + " > /dev/null")
                        .c_str()),
        0);
  }
}

// ---------------------------------------------------------------- import

TEST_F(CliTest, ImportStdinTrailingOpsAndOptions) {
  WriteFile(Path("s.jsonl"),
            "\n{\"op\":\"node\",\"key\":\"a\",\"kind\":\"domain\"}\n"
            "   \n"
            "{\"op\":\"commit\",\"message\":\"first\",\"author\":\"me\"}\n"
            "{\"op\":\"node\",\"key\":\"b\",\"kind\":\"domain\"}\n"
            "{\"op\":\"edge\",\"from\":\"b\",\"type\":\"part_of\",\"to\":"
            "\"a\"}\r\n");
  auto r = Db({"import", "-", "--message", "second", "--tag", "t2",
               "--effective", "2024-05-06"},
              Path("s.jsonl"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 2 revisions (1..2)"), std::string::npos)
      << r.out;
  EXPECT_TRUE(r.err.empty())
      << "no progress bar when stderr is not a tty: " << r.err;
  r = Db({"log", "--json"});
  simdjson::dom::parser parser;
  simdjson::dom::array log = parser.parse(r.out);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(std::string_view(log.at(0)["message"]), "second");
  EXPECT_EQ(std::string_view(log.at(0)["tags"].at(0)), "t2");
  EXPECT_EQ(std::string_view(log.at(0)["effective"]), "2024-05-06");
  EXPECT_EQ(std::string_view(log.at(1)["author"]), "me");
  EXPECT_TRUE(log.at(1)["effective"].is_null());
  // An empty stream imports nothing.
  WriteFile(Path("empty.jsonl"), "\n\n");
  r = Db({"import", Path("empty.jsonl")});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("nothing to import"), std::string::npos);
}

struct BadCase {
  const char* name;
  std::string content;  // the file imported after the base history
  std::string where;    // expected "file:line" suffix, e.g. ":2:"
  std::string reason;   // expected substring of the message
};

class CliBadInputTest : public CliTest {
 protected:
  // A small base history: two revisions.
  void MakeBase() {
    WriteFile(Path("base.jsonl"),
              "{\"op\":\"node\",\"key\":\"l\",\"kind\":\"list\"}\n"
              "{\"op\":\"node\",\"key\":\"l/a\",\"kind\":\"domain\"}\n"
              "{\"op\":\"edge\",\"from\":\"l/a\",\"type\":\"part_of\",\"to\":"
              "\"l\"}\n"
              "{\"op\":\"commit\",\"message\":\"v1\",\"tag\":\"v1\"}\n"
              "{\"op\":\"node\",\"key\":\"l/b\",\"kind\":\"domain\"}\n"
              "{\"op\":\"commit\",\"message\":\"v2\",\"tag\":\"v2\"}\n");
    auto r = Db({"import", Path("base.jsonl")});
    ASSERT_EQ(r.code, 0) << r.err;
    base_ = HeadAndDigest(db_);
    ASSERT_EQ(base_.first, 2u);
  }
  void ExpectUnchanged() {
    EXPECT_EQ(HeadAndDigest(db_), base_);
    auto v = Db({"verify"});
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    auto log = Db({"log", "--json"});
    simdjson::dom::parser parser;
    simdjson::dom::array a = parser.parse(log.out);
    EXPECT_EQ(a.size(), 2u);
  }
  std::pair<uint64_t, std::string> base_;
};

TEST_F(CliBadInputTest, JsonlErrorsExit3AndChangeNothing) {
  MakeBase();
  const std::string ok_node =
      "{\"op\":\"node\",\"key\":\"n1\",\"kind\":\"domain\"}\n";
  const std::string commit = "{\"op\":\"commit\",\"message\":\"c\"}\n";
  std::vector<BadCase> cases = {
      {"malformed_json", ok_node + "{\"op\":\"node\",\"key\":\n",
       ":2:", "malformed JSON"},
      {"unknown_op", ok_node + "{\"op\":\"upsert\",\"key\":\"x\"}\n",
       ":2:", "unknown op \"upsert\""},
      {"missing_field", ok_node + "{\"op\":\"node\",\"kind\":\"domain\"}\n",
       ":2:", "key"},
      {"wrong_type",
       ok_node + "{\"op\":\"node\",\"key\":5,\"kind\":\"domain\"}\n",
       ":2:", "key"},
      {"unknown_field",
       ok_node +
           "{\"op\":\"node\",\"key\":\"x\",\"kind\":\"domain\",\"x\":1}\n",
       ":2:", "x"},
      {"edge_to_unknown_key",
       ok_node + "{\"op\":\"edge\",\"from\":\"n1\",\"type\":\"part_of\",\"to\":"
                 "\"nowhere\"}\n",
       ":2:", "nowhere"},
      {"unknown_kind",
       ok_node + "{\"op\":\"node\",\"key\":\"x\",\"kind\":\"wizard\"}\n",
       ":2:", "wizard"},
      {"invalid_utf8",
       ok_node + "{\"op\":\"node\",\"key\":\"x\xff\",\"kind\":\"domain\"}\n",
       ":2:", "UTF-8"},
      {"truncated", ok_node + "{\"op\":\"node\",\"key\":\"x\",\"ki",
       ":2:", "truncated"},
      {"delete_missing", ok_node + "{\"op\":\"del_node\",\"key\":\"ghost\"}\n",
       ":2:", "ghost"},
      {"bad_effective_date",
       ok_node + "{\"op\":\"commit\",\"message\":\"c\",\"effective\":"
                 "\"2024-02-30\"}\n",
       ":2:", "2024-02-30"},
      {"existing_tag",
       ok_node + "{\"op\":\"commit\",\"message\":\"c\",\"tag\":"
                 "\"v1\"}\n",
       ":2:", "v1"},
      // Atomicity across revisions: revision 1 of the file is fine, revision
      // 2 refers to a key that does not exist. Nothing may be committed.
      {"second_revision_fails",
       ok_node + commit +
           "{\"op\":\"edge\",\"from\":\"n1\",\"type\":\"part_of\",\"to\":"
           "\"missing\"}\n" +
           commit,
       ":3:", "missing"},
      {"third_revision_unknown_kind",
       ok_node + commit + "{\"op\":\"del_node\",\"key\":\"l/b\"}\n" + commit +
           "{\"op\":\"node\",\"key\":\"q\",\"kind\":\"nokind\"}\n",
       ":5:", "nokind"},
      {"tag_twice_in_file",
       ok_node + "{\"op\":\"commit\",\"message\":\"c\",\"tag\":\"dup\"}\n" +
           ok_node + "{\"op\":\"commit\",\"message\":\"c\",\"tag\":\"dup\"}\n",
       ":4:", "dup"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string file = Path(std::string(c.name) + ".jsonl");
    WriteFile(file, c.content);
    auto r = Db({"import", file});
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find(file + c.where), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
    ExpectUnchanged();
  }
  // The same through stdin names <stdin>.
  WriteFile(Path("s.jsonl"), cases[1].content);
  auto r = Db({"import", "-"}, Path("s.jsonl"));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("<stdin>:2:"), std::string::npos) << r.err;
  // A bad --tag / --effective for the trailing revision.
  WriteFile(Path("t.jsonl"), ok_node);
  r = Db({"import", Path("t.jsonl"), "--tag", "v2"});
  EXPECT_EQ(r.code, 3) << r.err;
  r = Db({"import", Path("t.jsonl"), "--effective", "yesterday"});
  EXPECT_EQ(r.code, 3) << r.err;
  ExpectUnchanged();
}

TEST_F(CliBadInputTest, HundredMegabyteLine) {
  MakeBase();
  std::string file = Path("huge.jsonl");
  {
    std::ofstream out(file, std::ios::binary);
    out << "{\"op\":\"node\",\"key\":\"n1\",\"kind\":\"domain\"}\n";
    out << "{\"op\":\"node\",\"key\":\"big\",\"kind\":\"domain\",\"props\":"
           "{\"p\":\"";
    std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "\"}}\n";
    out << "{\"op\":\"node\",\"key\":\"n2\",\"kind\":\"domain\"}\n";
  }
  ASSERT_GT(fs::file_size(file), size_t{100} << 20);
  auto r = Db({"import", file});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(file + ":2: line is longer than"), std::string::npos)
      << r.err;
  ExpectUnchanged();
  fs::remove(file);
}

TEST_F(CliBadInputTest, CsvErrorsExit3AndChangeNothing) {
  MakeBase();
  struct CsvCase {
    const char* name;
    std::string nodes, edges, where, reason;
  };
  const std::string header = "key,kind,name:en,rank:int64\n";
  std::vector<CsvCase> cases = {
      {"bad_int", header + "x,domain,X,seven\n", "", "nodes.csv:2:", "int64"},
      {"unknown_type", "key,kind,rank:integer\n", "",
       "nodes.csv:1:", "unknown type 'integer'"},
      {"missing_key_column", "kind,name:en\n", "", "nodes.csv:1:", "'key'"},
      {"field_count", header + "x,domain\n", "",
       "nodes.csv:2:", "expected 4 fields"},
      {"unterminated_quote", header + "x,domain,\"open\n", "",
       "nodes.csv:2:", "unterminated"},
      {"edge_to_unknown_key", header + "x,domain,X,1\n",
       "from,type,to\nx,part_of,nowhere\n", "edges.csv:2:", "nowhere"},
      {"invalid_utf8", header + "x\xfe,domain,X,1\n", "",
       "nodes.csv:2:", "UTF-8"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string d = Path(std::string("csv-") + c.name);
    fs::create_directories(d);
    WriteFile(d + "/nodes.csv", c.nodes);
    std::vector<std::string> args = {"import", "--format", "csv", "--nodes",
                                     d + "/nodes.csv"};
    if (!c.edges.empty()) {
      WriteFile(d + "/edges.csv", c.edges);
      args.push_back("--edges");
      args.push_back(d + "/edges.csv");
    }
    auto r = Db(args);
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find(c.where), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
    ExpectUnchanged();
  }
}

TEST_F(CliBadInputTest, UnknownRevisionsAndUsageErrors) {
  MakeBase();
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"export", "--at", "nope"}, 1, "unknown revision 'nope'"},
      {{"export", "--at", "7"}, 1, "unknown revision '7'"},
      {{"diff", "v1", "v9"}, 1, "unknown revision 'v9'"},
      {{"reach", "l", "--at", "@1999-01-01"}, 1, "unknown revision"},
      {{"reach", "ghost"}, 1, "ghost"},
      {{"path", "l", "ghost"}, 1, "ghost"},
      {{"diff", "v1"}, 2, "want A B"},
      {{"reach", "l", "--direction", "sideways"}, 2, "--direction"},
      {{"reach", "l", "--max-depth", "-1"}, 2, "--max-depth"},
      {{"reach", "l", "--edge-types", "nosuchtype"}, 2, "nosuchtype"},
      {{"export", "--format", "xml"}, 2, "unknown --format 'xml'"},
      {{"diff", "v1", "v2", "--format", "yaml"}, 2, "--format"},
      {{"diff", "v1", "v2", "--direction", "in"}, 2, "need --scope"},
      {{"import"}, 2, "want one FILE"},
      {{"import", "--format", "csv"}, 2, "--nodes"},
      {{"import", Path("does-not-exist.jsonl")}, 3, "cannot open"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args[0] + " " + (c.args.size() > 1 ? c.args[1] : ""));
    auto r = Db(c.args);
    EXPECT_EQ(r.code, c.code) << r.out << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  ExpectUnchanged();
}

TEST_F(CliBadInputTest, LockedDatabaseIsExit4) {
  MakeBase();
  auto db = critgraph::DB::Open(db_);
  ASSERT_TRUE(db.ok()) << db.status();
  WriteFile(Path("n.jsonl"),
            "{\"op\":\"node\",\"key\":\"z\",\"kind\":\"domain\"}\n");
  auto r = Db({"import", Path("n.jsonl")});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("another process"), std::string::npos) << r.err;
  EXPECT_EQ(Db({"tag", "x"}).code, 4);
  // Readers are not blocked by the writer.
  EXPECT_EQ(Db({"log"}).code, 0);
  EXPECT_EQ(Db({"verify"}).code, 0);
  db->reset();
  ExpectUnchanged();
}

// SIGINT (and SIGTERM) during an import of a multi-revision stream that
// arrives through a FIFO (FILE) or a pipe (stdin): the CLI is blocked in a
// read when the signal comes; it must exit 130 with "interrupted: nothing
// imported", leave HEAD and its digest unchanged, leave nothing in $TMPDIR,
// and the same import must succeed afterwards.
TEST_F(CliBadInputTest, InterruptedImportExits130AndImportsNothing) {
  MakeBase();
  std::string first_half, second_half;
  for (int r = 0; r < 6; ++r) {
    std::string rev;
    for (int i = 0; i < 20; ++i) {
      rev += "{\"op\":\"node\",\"key\":\"s" + std::to_string(r) + "-" +
             std::to_string(i) + "\",\"kind\":\"domain\"}\n";
    }
    rev += "{\"op\":\"commit\",\"message\":\"r" + std::to_string(r) + "\"}\n";
    (r < 3 ? first_half : second_half) += rev;
  }
  WriteFile(Path("whole.jsonl"), first_half + second_half);
  const std::string tmp = Path("tmpdir");
  fs::create_directories(tmp);

  struct Case {
    const char* name;
    bool fifo;  // FILE is a FIFO; else `import -` with stdin a pipe
    int sig;
  };
  for (const Case& c :
       {Case{"fifo_sigint", true, SIGINT}, Case{"stdin_sigint", false, SIGINT},
        Case{"stdin_sigterm", false, SIGTERM}}) {
    SCOPED_TRACE(c.name);
    std::string fifo = Path(std::string(c.name) + ".fifo");
    int pipe_fds[2] = {-1, -1};
    if (c.fifo) {
      ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    } else {
      ASSERT_EQ(pipe(pipe_fds), 0);
    }
    std::string out = Path(std::string(c.name) + ".out");
    std::string err = Path(std::string(c.name) + ".err");
    std::string tmp_env = "TMPDIR=" + tmp;
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (!c.fifo) {
        dup2(pipe_fds[0], STDIN_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
      }
      int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(o, STDOUT_FILENO);
      dup2(e, STDERR_FILENO);
      putenv(tmp_env.data());
      execl(kCli.c_str(), kCli.c_str(), "--db", db_.c_str(), "import",
            c.fifo ? fifo.c_str() : "-", static_cast<char*>(nullptr));
      _exit(127);
    }
    int wfd = -1;
    if (c.fifo) {
      wfd = open(fifo.c_str(), O_WRONLY);  // waits for the CLI to open it
    } else {
      close(pipe_fds[0]);
      wfd = pipe_fds[1];
    }
    ASSERT_GE(wfd, 0);
    // Three whole revisions, then silence: the CLI has read them and waits
    // in read(2) for more when the signal arrives.
    ASSERT_EQ(write(wfd, first_half.data(), first_half.size()),
              static_cast<ssize_t>(first_half.size()));
    // Wait until it has read them all (so its handlers are installed), then
    // a little more for it to apply them and block in the next read.
    for (int i = 0; i < 2000; ++i) {
      int unread = 0;
      if (ioctl(wfd, FIONREAD, &unread) != 0 || unread == 0) break;
      usleep(10 * 1000);
    }
    usleep(300 * 1000);
    ASSERT_EQ(kill(pid, c.sig), 0);
    // It must end by itself, without more input (the write end stays open).
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 3000 && done == 0; ++i) {
      done = waitpid(pid, &status, WNOHANG);
      if (done == 0) usleep(10 * 1000);
    }
    if (done == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      close(wfd);
      FAIL() << "still running 30 s after the signal";
    }
    ASSERT_EQ(done, pid);
    close(wfd);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by the signal instead of exiting";
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_NE(ReadFile(err).find("interrupted: nothing imported"),
              std::string::npos)
        << ReadFile(err);
    ExpectUnchanged();
    for (const auto& entry : fs::directory_iterator(tmp)) {
      ADD_FAILURE() << "left in $TMPDIR: " << entry.path();
    }
  }
  // The same stream imports when nobody interrupts it.
  auto r = Run({"--db", db_, "import", "-"}, Path("whole.jsonl"),
               "TMPDIR=" + ShellQuote(tmp));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 6 revisions (3..8)"), std::string::npos)
      << r.out;
  EXPECT_EQ(HeadAndDigest(db_).first, 8u);
  EXPECT_TRUE(fs::is_empty(tmp));
}

// ---------------------------------------------------------------- diff

TEST_F(CliTest, DiffFormatsAndGolden) {
  ImportDataset(db_);
  const std::vector<std::string> scope = {
      "--scope", "us-cet", "--direction", "in", "--edge-types", "part_of"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), scope.begin(), scope.end());
    return Db(args);
  };
  auto text = with({"diff", "us-cet-2020", "us-cet-2022"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(text.out.find("\033["), std::string::npos) << "no colour off a tty";
  ExpectGolden("diff_us_cet_2020_2022.txt", text.out);
  auto json = with({"diff", "us-cet-2020", "us-cet-2022", "--format", "json"});
  ASSERT_EQ(json.code, 0);
  ExpectGolden("diff_us_cet_2020_2022.json", json.out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json.out);
  EXPECT_EQ(uint64_t(doc["from"]), 1u);
  EXPECT_EQ(uint64_t(doc["to"]), 3u);
  EXPECT_EQ(simdjson::dom::array(doc["nodes"]["added"]).size(), 7u);
  EXPECT_EQ(simdjson::dom::array(doc["nodes"]["removed"]).size(), 8u);
  EXPECT_EQ(simdjson::dom::array(doc["nodes"]["modified"]).size(), 4u);

  auto stat = with({"diff", "us-cet-2022", "us-cet-2024", "--stat"});
  ASSERT_EQ(stat.code, 0);
  EXPECT_NE(stat.out.find("nodes +3 -4 ~3"), std::string::npos) << stat.out;
  auto stat_json = with(
      {"diff", "us-cet-2022", "us-cet-2024", "--stat", "--format", "json"});
  simdjson::dom::element sj = parser.parse(stat_json.out);
  EXPECT_EQ(uint64_t(sj["stat"]["nodes"]["modified"]), 3u);

  auto dot = Db({"diff", "us-cet-2020", "us-cet-2022", "--format", "dot"});
  ASSERT_EQ(dot.code, 0);
  EXPECT_EQ(dot.out.rfind("digraph critgraph_diff {", 0), 0u);
  EXPECT_NE(dot.out.find("color=green"), std::string::npos);
  EXPECT_NE(dot.out.find("color=red"), std::string::npos);
  EXPECT_NE(dot.out.find("fillcolor=orange"), std::string::npos);
  EXPECT_NE(dot.out.find("fillcolor=palegreen"), std::string::npos);
  EXPECT_NE(dot.out.find("fillcolor=lightpink"), std::string::npos);
  EXPECT_EQ(
      with({"diff", "us-cet-2020", "us-cet-2022", "--stat", "--format", "dot"})
          .code,
      2);
}

TEST_F(CliTest, DiffPatchIsImportable) {
  ImportDataset(db_);
  // Patch from revision 1 to 10 (unscoped), applied to a copy of revision 1.
  // (From 1: the dataset deletes nodes only in revision 3, us-cet-2022; the
  // entries dropped later stay as nodes, data/README.md judgment call 10.)
  auto base = Db({"export", "--at", "1", "--out", Path("r3.jsonl")});
  ASSERT_EQ(base.code, 0);
  ASSERT_EQ(Run({"--db", Path("copy"), "import", Path("r3.jsonl")}).code, 0);
  auto patch = Db({"diff", "1", "10", "--format", "jsonl"});
  ASSERT_EQ(patch.code, 0) << patch.err;
  EXPECT_NE(patch.out.find("{\"op\":\"del_node\""), std::string::npos);
  WriteFile(Path("patch.jsonl"), patch.out);
  auto r = Run({"--db", Path("copy"), "import", Path("patch.jsonl")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto s10 = Db({"stats", "--at", "10", "--json"});
  simdjson::dom::parser parser;
  simdjson::dom::element d10 = parser.parse(s10.out);
  EXPECT_EQ(HeadAndDigest(Path("copy")).second,
            std::string(std::string_view(d10["digest"])));
  // Diffing equal revisions is empty.
  auto same = Db({"diff", "HEAD", "12", "--format", "json"});
  EXPECT_EQ(same.out,
            "{\"from\":12,\"to\":12,\"nodes\":{\"added\":[],\"removed\":[],"
            "\"modified\":[],\"added_nodes\":[],\"removed_nodes\":[]},"
            "\"edges\":{\"added\":[],\"removed\":[],\"modified\":[]},"
            "\"lineage\":[]}\n");
}

// Lineage in diff text and JSON, checked against the relations data/README.md
// ("Lineage") records for US CET 2022 -> 2024; JSON node details.
TEST_F(CliTest, DiffLineageTextAndJson) {
  ImportDataset(db_);
  const std::vector<std::string> list = {
      "diff",        "us-cet-2022", "us-cet-2024",  "--scope", "us-cet",
      "--direction", "in",          "--edge-types", "part_of"};
  auto text = Db(list);
  ASSERT_EQ(text.code, 0) << text.err;
  for (const char* line :
       {"\nlineage: 1 split, 2 merged, 4 renamed\n",
        "\n= us-cet/clean-energy-generation-storage merged from "
        "us-cet/advanced-nuclear-energy, "
        "us-cet/renewable-energy-generation-storage\n",
        "\n= us-cet/financial-technologies renamed to "
        "us-cet/data-privacy-security-cybersecurity\n",
        "\n= us-cet/sensing-signature-management merged from "
        "us-cet/networked-sensors, us-cet/sensing-signature-management\n",
        "\n= us-cet/space-technologies split into us-cet/pnt, "
        "us-cet/space-technologies\n",
        "\n= us-cet/quantum renamed: en \"Quantum Information Technologies\" "
        "-> \"Quantum Information and Enabling Technologies\"\n"}) {
    EXPECT_NE(text.out.find(line), std::string::npos) << line << text.out;
  }
  // The lineage block comes before the first change line.
  EXPECT_LT(text.out.find("lineage:"), text.out.find("\n+ node"));

  std::vector<std::string> json_args = list;
  json_args.insert(json_args.end(), {"--format", "json"});
  auto json = Db(json_args);
  ASSERT_EQ(json.code, 0) << json.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json.out);
  std::map<std::string, std::string> kind_by_to;  // key-change events
  for (simdjson::dom::element ev : simdjson::dom::array(doc["lineage"])) {
    simdjson::dom::array from = ev["from"], to = ev["to"];
    std::string first = std::string(std::string_view(to.at(0)));
    std::string kind = std::string(std::string_view(ev["kind"]));
    if (!ev["names"].error()) {  // a same-key rename
      EXPECT_EQ(kind, "renamed");
      EXPECT_EQ(std::string_view(from.at(0)), first);
      continue;
    }
    kind_by_to[first + "/" + std::to_string(to.size())] = kind;
  }
  EXPECT_EQ(kind_by_to,
            (std::map<std::string, std::string>{
                {"us-cet/clean-energy-generation-storage/1", "merged"},
                {"us-cet/data-privacy-security-cybersecurity/1", "renamed"},
                {"us-cet/pnt/2", "split"},
                {"us-cet/sensing-signature-management/1", "merged"}}))
      << json.out;
  // Added and removed nodes carry kind and names; the key lists stay.
  simdjson::dom::array added = doc["nodes"]["added_nodes"];
  ASSERT_EQ(added.size(), simdjson::dom::array(doc["nodes"]["added"]).size());
  simdjson::dom::element pnt = added.at(2);
  EXPECT_EQ(std::string_view(pnt["key"]), "us-cet/pnt");
  EXPECT_EQ(std::string_view(pnt["kind"]), "foreign_list_entry");
  EXPECT_EQ(std::string_view(pnt["names"]["en"]),
            "Positioning, Navigation, and Timing (PNT) Technologies");
  simdjson::dom::array removed = doc["nodes"]["removed_nodes"];
  EXPECT_EQ(removed.size(), 4u);
  EXPECT_EQ(std::string_view(removed.at(0)["names"]["en"]),
            "Advanced Nuclear Energy Technologies");

  // Over 2020 -> 2024 the steps compose through entries neither end lists.
  std::vector<std::string> long_args = list;
  long_args[1] = "us-cet-2020";
  auto longer = Db(long_args);
  ASSERT_EQ(longer.code, 0);
  EXPECT_NE(longer.out.find("\n= us-cet/advanced-sensing renamed to "
                            "us-cet/sensing-signature-management (via "
                            "us-cet/networked-sensors)\n"),
            std::string::npos)
      << longer.out;

  // A superseded entry stays addressable at HEAD, outside its list.
  auto show = Db({"show", "us-cet/networked-sensors", "--json"});
  ASSERT_EQ(show.code, 0) << show.err;
  simdjson::dom::element s = parser.parse(show.out);
  size_t part_of = 0, superseded_by = 0;
  for (simdjson::dom::element e : simdjson::dom::array(s["out"])) {
    part_of += std::string_view(e["type"]) == "part_of";
  }
  for (simdjson::dom::element e : simdjson::dom::array(s["in"])) {
    superseded_by += std::string_view(e["type"]) == "supersedes";
  }
  EXPECT_EQ(part_of, 0u);
  EXPECT_EQ(superseded_by, 1u);

  // The patch and DOT forms carry no lineage; bad input is still refused.
  std::vector<std::string> jsonl = list;
  jsonl.insert(jsonl.end(), {"--format", "jsonl"});
  // (Nodes have a "lineage" property: the JSON lineage member is an array.)
  auto patch = Db(jsonl);
  ASSERT_EQ(patch.code, 0);
  EXPECT_EQ(patch.out.find("\"lineage\":["), std::string::npos);
  EXPECT_NE(json.out.find("\"lineage\":["), std::string::npos);
  std::vector<std::string> bad = list;
  bad[2] = "us-cet-2099";
  auto r = Db(bad);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("us-cet-2099"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------- reach

TEST_F(CliTest, ReachPathReachDiff) {
  ImportDataset(db_);
  auto r = Db({"reach", "jp-materials/critical-minerals/rare-earths",
               "--direction", "in", "--edge-types", "depends_on", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  // The shape of issue 9 (key, depth) with issue 13's name and parent added.
  EXPECT_EQ(r.out.rfind("{\"revision\":12,\"nodes\":[{\"key\":\"jp-materials/"
                        "critical-minerals/rare-earths\",\"depth\":0,"
                        "\"name\":\"Rare earths\",\"parent\":null},{\"key\":"
                        "\"jp-kprogram/cross-domain-cyber/"
                        "heavy-rare-earth-free-magnets\",\"depth\":1,\"name\":",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find(",\"parent\":\"jp-materials/critical-minerals/"
                       "rare-earths\"}],\"plan\":\"seek\"}\n"),
            std::string::npos)
      << r.out;
  // Every plan gives the same nodes and says which one ran.
  for (const char* plan : {"auto", "seek", "scan", "adjacency"}) {
    auto p =
        Db({"reach", "us-cet", "--direction", "in", "--plan", plan, "--json"});
    ASSERT_EQ(p.code, 0) << p.err;
    const std::string ran = std::string(plan) == "auto" ? "" : plan;
    EXPECT_NE(p.out.find("\"plan\":\"" + ran), std::string::npos) << p.out;
    auto want = Db({"reach", "us-cet", "--direction", "in", "--plan", "seek"});
    auto got = Db({"reach", "us-cet", "--direction", "in", "--plan", plan});
    // Same lines after the header (which names the plan).
    EXPECT_EQ(got.out.substr(got.out.find('\n')),
              want.out.substr(want.out.find('\n')))
        << plan;
  }
  r = Db({"reach", "us-cet", "--direction", "in", "--plan", "scan"});
  EXPECT_NE(r.out.find("; plan scan from depth 0\n"), std::string::npos)
      << r.out;
  r = Db({"reach", "us-cet", "--plan", "fastest"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--plan"), std::string::npos) << r.err;
  r = Db({"reach", "us-cet", "--direction", "in", "--edge-types", "part_of",
          "--at", "us-cet-2020"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("21 nodes reached at revision 1 (us-cet-2020)", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("  1  us-cet/quantum  \"Quantum Information Science\"  "
                       "via us-cet\n"),
            std::string::npos)
      << r.out;

  r = Db({"path",
          "jp-kprogram/cross-domain-cyber/heavy-rare-earth-free-magnets",
          "jp-materials", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"revision\":12,\"path\":[\"jp-kprogram/cross-domain-cyber/"
            "heavy-rare-earth-free-magnets\",\"jp-materials/critical-"
            "minerals\",\"jp-materials\"]}\n");
  r = Db({"path", "us-cet", "jp-materials", "--json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "{\"revision\":12,\"path\":null}\n");
  r = Db({"path", "us-cet", "jp-materials"});
  EXPECT_NE(r.out.find("no path from us-cet to jp-materials"),
            std::string::npos);

  r = Db({"reach-diff", "us-cet-2022", "us-cet-2024", "us-cet", "--direction",
          "in", "--edge-types", "part_of", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.out);
  EXPECT_EQ(uint64_t(doc["from"]), 3u);
  EXPECT_EQ(uint64_t(doc["to"]), 10u);
  EXPECT_EQ(simdjson::dom::array(doc["entered"]).size(), 3u);
  EXPECT_EQ(simdjson::dom::array(doc["left"]).size(), 4u);
  EXPECT_EQ(simdjson::dom::array(doc["depth_changed"]).size(), 0u);
  r = Db({"reach-diff", "us-cet-2022", "us-cet-2024", "us-cet", "--direction",
          "in", "--edge-types", "part_of"});
  EXPECT_NE(r.out.find("3 entered, 4 left, 0 depth changed"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("+ us-cet/pnt  depth 1"), std::string::npos);
}

// ---------------------------------------------------------------- demo

TEST_F(CliTest, DemoReportGoldenAndSafety) {
  auto r = Run({"demo", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  // First line names the directory, the last two the HTML report's path
  // and the time: not golden.
  std::string out = r.out;
  size_t first_nl = out.find('\n');
  size_t time_line = out.rfind('\n', out.size() - 2);
  size_t last_line = out.rfind('\n', time_line - 1);
  ASSERT_NE(first_nl, std::string::npos);
  EXPECT_NE(out.substr(0, first_nl).find("12 revisions, 206 nodes, 455 edges"),
            std::string::npos);
  EXPECT_EQ(out.substr(time_line + 1, 8), "done in ");
  // The report is written next to the database, not inside it.
  const std::string report =
      (fs::path(db_).parent_path() / "critgraph-report.html").string();
  EXPECT_EQ(out.substr(last_line + 1, time_line - last_line - 1),
            "report: " + report);
  EXPECT_NE(ReadFile(report).find("id=\"crosswalk-matrix\""),
            std::string::npos);
  ExpectGolden("demo_report.txt",
               out.substr(first_nl + 1, last_line - first_nl));
  EXPECT_EQ(Db({"verify"}).code, 0);
  // The report's history and crosswalk sections are what the commands print
  // at the dataset's last revision (the demo then merges a draft on top).
  auto history = Db({"history", "us-cet/clean-energy-generation-storage",
                     "--follow", "--at", "curated-links"});
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_NE(out.find(history.out), std::string::npos) << history.out;
  // The lineage reaches back through the 2022 entries to the 2020 one.
  EXPECT_NE(history.out.find("us-cet/energy-technologies"), std::string::npos)
      << history.out;
  auto crosswalk =
      Db({"crosswalk", "jp-20-areas", "eu-cta", "--at", "curated-links"});
  ASSERT_EQ(crosswalk.code, 0) << crosswalk.err;
  EXPECT_NE(out.find(crosswalk.out), std::string::npos) << crosswalk.out;

  // A second run rebuilds the demo database.
  Db({"tag", "extra"});
  r = Run({"demo", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Db({"show", "us-cet", "--at", "extra"}).code, 1);

  // A database with a revision the demo did not write is refused.
  WriteFile(Path("n.jsonl"),
            "{\"op\":\"node\",\"key\":\"mine\",\"kind\":\"domain\"}\n");
  ASSERT_EQ(Db({"import", Path("n.jsonl")}).code, 0);
  auto before = HeadAndDigest(db_);
  r = Run({"demo", "--db", db_});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("refusing"), std::string::npos) << r.err;
  EXPECT_EQ(HeadAndDigest(db_), before);
  // So is a directory holding anything else.
  fs::create_directories(Path("docs"));
  WriteFile(Path("docs/thesis.txt"), "precious");
  r = Run({"demo", "--db", Path("docs")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(ReadFile(Path("docs/thesis.txt")), "precious");
  // Default directory, from another working directory.
  fs::create_directories(Path("elsewhere"));
  r = Run({"demo"}, "/dev/null", "", Path("elsewhere"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(Path("elsewhere/critgraph.db")));
}

}  // namespace

// ---------------------------------------------------------------- history

namespace {

// A split: "old" is superseded by "new-a" and "new-b" (revision 3), then
// deleted (revision 4, which removes the supersedes edges with it).
constexpr const char* kLineage =
    R"({"op":"node","key":"old","kind":"technology","names":{"en":"Old"}}
{"op":"node","key":"list","kind":"list"}
{"op":"edge","from":"old","type":"part_of","to":"list"}
{"op":"commit","message":"first","tag":"v1","effective":"2020-01-01"}
{"op":"node","key":"old","kind":"technology","names":{"en":"Old, renamed"},"props":{"rank":2}}
{"op":"commit","message":"rename","tag":"v2"}
{"op":"node","key":"new-a","kind":"technology","names":{"en":"A"}}
{"op":"node","key":"new-b","kind":"technology","names":{"en":"B"}}
{"op":"edge","from":"new-a","type":"supersedes","to":"old","props":{"how":"split"}}
{"op":"edge","from":"new-b","type":"supersedes","to":"old"}
{"op":"commit","message":"split","tag":"v3"}
{"op":"del_node","key":"old"}
{"op":"commit","message":"drop old","tag":"v4"}
)";

}  // namespace

TEST_F(CliTest, HistoryMatchesShowAtEveryRevision) {
  ImportDataset(db_);
  const std::string key = "us-cet/quantum";
  // The revisions in which the node's content differs from the revision
  // before, found independently with `show --at` on every revision.
  std::vector<uint64_t> want;
  std::string prev = "";
  for (uint64_t rev = 1; rev <= 12; ++rev) {
    auto s = Db({"show", key, "--at", std::to_string(rev), "--json"});
    std::string node;
    if (s.code == 0) {
      simdjson::dom::parser p;
      node = simdjson::to_string(p.parse(s.out)["node"]);
    } else {
      ASSERT_EQ(s.code, 1) << s.err;
    }
    if (node != prev) want.insert(want.begin(), rev);  // newest first
    prev = node;
  }
  ASSERT_FALSE(want.empty());
  auto r = Db({"history", key, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Db({"history", key, "--format", "json"}).out, r.out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.out);
  EXPECT_EQ(std::string_view(doc["key"]), key);
  EXPECT_EQ(uint64_t(doc["at"]), 12u);
  std::vector<uint64_t> got;
  for (simdjson::dom::element e : simdjson::dom::array(doc["history"])) {
    EXPECT_EQ(std::string_view(e["entity"]), "node");
    EXPECT_EQ(std::string_view(e["subject"]), key);
    got.push_back(uint64_t(e["revision"]));
  }
  EXPECT_EQ(got, want);
  // The oldest entry adds the node with its first English name.
  simdjson::dom::element first =
      simdjson::dom::array(doc["history"])
          .at(simdjson::dom::array(doc["history"]).size() - 1);
  EXPECT_EQ(std::string_view(first["action"]), "added");
  EXPECT_TRUE(first["changes"]["names"]["en"]["old"].is_null());

  // Text: a header, one line per revision with its tag, the changes.
  auto t = Db({"history", key});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_EQ(t.out.rfind("history of us-cet/quantum up to revision 12 "
                        "(curated-links): " +
                            std::to_string(want.size()) + " changes\n",
                        0),
            0u)
      << t.out;
  EXPECT_NE(t.out.find("revision 1 (us-cet-2020)"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("  + node us-cet/quantum (foreign_list_entry)\n"),
            std::string::npos)
      << t.out;

  // --at: only what happened up to that revision.
  auto at = Db({"history", key, "--at", "us-cet-2020", "--json"});
  ASSERT_EQ(at.code, 0) << at.err;
  simdjson::dom::element at_doc = parser.parse(at.out);
  EXPECT_EQ(simdjson::dom::array(at_doc["history"]).size(), 1u);

  // --edges adds its part_of edge (and maps_to links), all naming the key.
  auto e = Db({"history", key, "--edges", "--json"});
  ASSERT_EQ(e.code, 0) << e.err;
  simdjson::dom::element e_doc = parser.parse(e.out);
  size_t edges = 0;
  for (simdjson::dom::element x : simdjson::dom::array(e_doc["history"])) {
    if (std::string_view(x["entity"]) != "edge") continue;
    ++edges;
    simdjson::dom::array id = x["edge"];
    EXPECT_TRUE(std::string_view(id.at(0)) == key ||
                std::string_view(id.at(2)) == key);
  }
  EXPECT_GT(edges, 0u);
  EXPECT_NE(e.out.find("[\"us-cet/quantum\",\"part_of\",\"us-cet\"]"),
            std::string::npos)
      << e.out;
}

TEST_F(CliTest, HistoryBadInput) {
  ImportDataset(db_);
  auto r = Db({"history", "no/such/key"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no node 'no/such/key' in any revision up to 12"),
            std::string::npos)
      << r.err;
  // Exists at HEAD, but not yet in 2020.
  r = Db({"history", "us-cet/pnt", "--at", "us-cet-2020"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no node 'us-cet/pnt'"), std::string::npos) << r.err;
  r = Db({"history", "us-cet/quantum", "--at", "no-such-tag"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unknown revision 'no-such-tag'"), std::string::npos)
      << r.err;
  r = Db({"history", "us-cet/quantum", "--at", "99"});
  EXPECT_EQ(r.code, 1) << r.err;
  r = Db({"history", "us-cet/quantum", "--at", "HEAD~x"});
  EXPECT_EQ(r.code, 2) << r.err;
  r = Db({"history"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("want one KEY"), std::string::npos) << r.err;
  r = Db({"history", "a", "b"});
  EXPECT_EQ(r.code, 2);
  r = Db({"history", "us-cet/quantum", "--format", "xml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--format"), std::string::npos) << r.err;
  r = Db({"history", "us-cet/quantum", "--bogus"});
  EXPECT_EQ(r.code, 2);
  // --help: every option described, and the example.
  r = Db({"history", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--edges", "--follow", "--at REV", "--json",
                          "--format FORMAT", "example:"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt << "\n" << r.out;
  }
  // No database there: a database error, not "unknown key".
  r = Run({"history", "x", "--db", Path("nothing-here")});
  EXPECT_EQ(r.code, 4) << r.err;
}

TEST_F(CliTest, HistoryFollowsSupersedes) {
  WriteFile(Path("lineage.jsonl"), kLineage);
  ASSERT_EQ(Db({"import", Path("lineage.jsonl")}).code, 0);
  // Without --follow: only new-a's own addition.
  auto r = Db({"history", "new-a", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  EXPECT_EQ(simdjson::dom::array(parser.parse(r.out)["history"]).size(), 1u);

  r = Db({"history", "new-a", "--follow", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::element doc = parser.parse(r.out);
  EXPECT_TRUE(bool(doc["follow"]));
  // Newest first: the edge's removal (4, lineage step) and old's removal
  // (4), the edge's addition (3, lineage step) and new-a's (3), then old's
  // rename (2) and addition (1), through the lineage new-a > old.
  std::vector<std::string> got;
  for (simdjson::dom::element e : simdjson::dom::array(doc["history"])) {
    std::string line = std::to_string(uint64_t(e["revision"])) + " " +
                       std::string(std::string_view(e["action"])) + " " +
                       std::string(std::string_view(e["entity"])) + " " +
                       std::string(std::string_view(e["subject"]));
    bool step = false;
    if (e["lineage_step"].error() == simdjson::SUCCESS) {
      step = bool(e["lineage_step"]);
    }
    if (step) line += " step";
    got.push_back(line);
  }
  EXPECT_EQ(got, (std::vector<std::string>{
                     "4 removed edge new-a step", "4 removed node old",
                     "3 added node new-a", "3 added edge new-a step",
                     "2 modified node old", "1 added node old"}));
  // Old's entries carry the lineage from the requested key.
  simdjson::dom::element last = simdjson::dom::array(doc["history"]).at(5);
  EXPECT_EQ(simdjson::to_string(last["lineage"]), "[\"new-a\",\"old\"]");

  // Text marks the lineage step and where entries come from.
  auto t = Db({"history", "new-a", "--follow"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.out.find("  + edge new-a -supersedes-> old  [lineage step: "
                       "new-a supersedes old]\n      how: (none) -> "
                       "\"split\"\n"),
            std::string::npos)
      << t.out;
  EXPECT_NE(t.out.find("  ~ node old (technology)  [lineage: new-a > old]\n"
                       "      name en: \"Old\" -> \"Old, renamed\"\n"
                       "      rank: (none) -> 2\n"),
            std::string::npos)
      << t.out;
  // At v2 nothing supersedes old yet, and new-a did not exist.
  EXPECT_EQ(Db({"history", "new-a", "--follow", "--at", "v2"}).code, 1);
  // --edges with --follow: old's part_of edge joins in, each edge once.
  auto e = Db({"history", "new-b", "--follow", "--edges", "--json"});
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(Count(e.out, "[\"old\",\"part_of\",\"list\"]"), 2u) << e.out;
  EXPECT_EQ(Count(e.out, "[\"new-b\",\"supersedes\",\"old\"]"), 2u) << e.out;
  // new-a's supersedes edge is an in-edge of old: reported under old.
  EXPECT_EQ(Count(e.out, "[\"new-a\",\"supersedes\",\"old\"]"), 2u) << e.out;
}

// ------------------------------------------- issue 13: JSON, tags, log, dates

namespace {

// Parses `text` as one JSON document into `doc` (owned by `parser`).
::testing::AssertionResult ParseJson(simdjson::dom::parser& parser,
                                     const std::string& text,
                                     simdjson::dom::element* doc) {
  if (parser.parse(text).get(*doc) != simdjson::SUCCESS) {
    return ::testing::AssertionFailure() << "not JSON: " << text;
  }
  return ::testing::AssertionSuccess();
}

// Files directly in `dir` (names), sorted.
std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_F(CliTest, FormatJsonIsAnAliasOfJsonEverywhere) {
  ImportDataset(db_);
  const std::vector<std::vector<std::string>> commands = {
      {"log"},
      {"tags"},
      {"show", "us-cet/quantum"},
      {"stats", "--at", "us-cet-2022"},
      {"reach", "us-cet", "--direction", "in"},
      {"path", "us-cet/quantum", "us-cet"},
      {"reach-diff", "us-cet-2020", "us-cet-2024", "us-cet", "--direction",
       "in"},
      {"verify"}};
  for (const auto& base : commands) {
    auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      return Db(args);
    };
    auto json = with({"--json"});
    ASSERT_EQ(json.code, 0) << base[0] << ": " << json.err;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    EXPECT_TRUE(ParseJson(parser, json.out, &doc)) << base[0];
    for (const char* spelled : {"--format=json", "--format json"}) {
      std::vector<std::string> extra =
          std::string(spelled) == "--format=json"
              ? std::vector<std::string>{"--format=json"}
              : std::vector<std::string>{"--format", "json"};
      auto alias = with(extra);
      EXPECT_EQ(alias.code, 0)
          << base[0] << " " << spelled << ": " << alias.err;
      EXPECT_EQ(alias.out, json.out) << base[0] << " " << spelled;
    }
    auto text = with({});
    ASSERT_EQ(text.code, 0) << base[0];
    EXPECT_EQ(with({"--format", "text"}).out, text.out) << base[0];
    EXPECT_NE(text.out, json.out) << base[0];
    auto bad = with({"--format", "xml"});
    EXPECT_EQ(bad.code, 2) << base[0];
    EXPECT_NE(bad.err.find("--format wants text or json, got 'xml'"),
              std::string::npos)
        << bad.err;
  }
}

TEST_F(CliTest, ReachJsonCarriesNameDepthAndParent) {
  ImportDataset(db_);
  auto r = Db({"reach", "jp-materials/critical-minerals", "--direction", "in",
               "--edge-types", "depends_on,part_of", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_TRUE(ParseJson(parser, r.out, &doc));
  std::map<std::string, uint64_t> depth;
  std::map<std::string, std::string> parent;
  size_t named = 0;
  for (simdjson::dom::element n : simdjson::dom::array(doc["nodes"])) {
    std::string key{std::string_view(n["key"])};
    depth[key] = uint64_t(n["depth"]);
    if (!n["parent"].is_null()) {
      parent[key] = std::string(std::string_view(n["parent"]));
    }
    // The name is the node's English name, as `show` gives it.
    auto show = Db({"show", key, "--json"});
    ASSERT_EQ(show.code, 0) << key;
    simdjson::dom::parser p2;
    simdjson::dom::element node;
    ASSERT_TRUE(ParseJson(p2, show.out, &node));
    simdjson::dom::element en;
    if (node["node"]["names"]["en"].get(en) == simdjson::SUCCESS) {
      EXPECT_EQ(std::string_view(n["name"]), std::string_view(en)) << key;
      ++named;
    }
  }
  ASSERT_GT(depth.size(), 10u);
  EXPECT_GT(named, 10u);
  EXPECT_EQ(depth["jp-materials/critical-minerals"], 0u);
  EXPECT_EQ(parent.count("jp-materials/critical-minerals"), 0u);
  // Every non-source has a parent one level up, and an edge from it to the
  // parent (direction in: the node points at its parent).
  for (const auto& [key, d] : depth) {
    if (d == 0) continue;
    ASSERT_EQ(parent.count(key), 1u) << key;
    EXPECT_EQ(depth[parent[key]] + 1, d) << key;
    auto show = Db({"show", key, "--json"});
    EXPECT_NE(show.out.find("\"to\":\"" + parent[key] + "\""),
              std::string::npos)
        << key << " -> " << parent[key];
  }
}

TEST_F(CliTest, TagsListAndDelete) {
  ImportDataset(db_);
  // `tags --json` against the tags `log --json` reports per revision.
  std::map<std::string, uint64_t> want;
  {
    auto log = Db({"log", "--json"});
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_TRUE(ParseJson(parser, log.out, &doc));
    for (simdjson::dom::element r : simdjson::dom::array(doc)) {
      for (simdjson::dom::element t : simdjson::dom::array(r["tags"])) {
        want[std::string(std::string_view(t))] = uint64_t(r["revision"]);
      }
    }
  }
  ASSERT_EQ(want.size(), 12u);
  auto tags = Db({"tags", "--json"});
  ASSERT_EQ(tags.code, 0) << tags.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_TRUE(ParseJson(parser, tags.out, &doc));
  std::map<std::string, uint64_t> got;
  std::string previous;
  for (simdjson::dom::element t : simdjson::dom::array(doc)) {
    std::string name{std::string_view(t["name"])};
    EXPECT_LT(previous, name) << "sorted by name";
    previous = name;
    got[name] = uint64_t(t["revision"]);
    EXPECT_FALSE(t["effective"].is_null()) << name;
  }
  EXPECT_EQ(got, want);
  auto text = Db({"tags"});
  ASSERT_EQ(text.code, 0);
  EXPECT_EQ(Count(text.out, "\n"), 12u);
  EXPECT_NE(text.out.find("us-cet-2024"), std::string::npos);
  EXPECT_NE(text.out.find("2024-02-12"), std::string::npos);

  // A list-version tag (dated): --force needed, said once.
  auto r = Db({"tag", "--delete", "us-cet-2024"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(Count(r.err, "--force"), 1u) << r.err;
  EXPECT_NE(r.err.find("2024-02-12"), std::string::npos) << r.err;
  EXPECT_EQ(Db({"show", "us-cet", "--at", "us-cet-2024"}).code, 0);
  r = Db({"tag", "--delete", "us-cet-2024", "--force"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Db({"show", "us-cet", "--at", "us-cet-2024"}).code, 1);
  EXPECT_EQ(Db({"tags"}).out.find("us-cet-2024"), std::string::npos);
  EXPECT_EQ(Db({"tag", "--delete", "us-cet-2024"}).code, 1);  // gone
  EXPECT_EQ(Db({"tag", "--delete"}).code, 2);
  EXPECT_EQ(Db({"tag", "--delete", "a", "b"}).code, 2);

  // A working tag on an undated HEAD goes without --force; once HEAD moves
  // on, it needs --force.
  WriteFile(Path("more.jsonl"),
            "{\"op\":\"node\",\"key\":\"x\",\"kind\":\"list\"}\n");
  ASSERT_EQ(Db({"import", Path("more.jsonl")}).code, 0);
  ASSERT_EQ(Db({"tag", "wip"}).code, 0);
  r = Db({"tag", "--delete", "wip"});
  EXPECT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(Db({"tag", "wip"}).code, 0);
  WriteFile(Path("more2.jsonl"),
            "{\"op\":\"node\",\"key\":\"y\",\"kind\":\"list\"}\n");
  ASSERT_EQ(Db({"import", Path("more2.jsonl")}).code, 0);
  r = Db({"tag", "--delete", "wip"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not HEAD"), std::string::npos) << r.err;
  EXPECT_EQ(Db({"tag", "--delete", "wip", "--force"}).code, 0);
  EXPECT_EQ(Db({"verify"}).code, 0);
}

TEST_F(CliTest, LogCountSinceUntil) {
  ImportDataset(db_);
  // The full log, as the reference the filters are checked against.
  struct Rev {
    uint64_t number;
    std::string effective;
  };
  std::vector<Rev> all;
  {
    auto log = Db({"log", "--json"});
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_TRUE(ParseJson(parser, log.out, &doc));
    for (simdjson::dom::element r : simdjson::dom::array(doc)) {
      all.push_back({uint64_t(r["revision"]),
                     std::string(std::string_view(r["effective"]))});
    }
  }
  auto numbers = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "log");
    args.push_back("--json");
    auto r = Db(args);
    EXPECT_EQ(r.code, 0) << r.err;
    std::vector<uint64_t> out;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ParseJson(parser, r.out, &doc)) return out;
    for (simdjson::dom::element e : simdjson::dom::array(doc)) {
      out.push_back(uint64_t(e["revision"]));
    }
    return out;
  };
  auto model = [&](size_t n, std::string since, std::string until) {
    std::vector<uint64_t> out;
    for (const Rev& r : all) {
      if (out.size() >= n) break;
      if (!since.empty() && r.effective < since) continue;
      if (!until.empty() && r.effective > until) continue;
      out.push_back(r.number);
    }
    return out;
  };
  EXPECT_EQ(numbers({"-n", "3"}), model(3, "", ""));
  EXPECT_EQ(numbers({"-n", "3"}), (std::vector<uint64_t>{12, 11, 10}));
  EXPECT_EQ(numbers({"-n", "0"}), model(0, "", ""));
  EXPECT_EQ(numbers({"-n", "99"}), model(99, "", ""));
  EXPECT_EQ(numbers({"--since", "2022-09-30"}), model(99, "2022-09-30", ""));
  EXPECT_EQ(numbers({"--until", "2022-09-30"}), model(99, "", "2022-09-30"));
  EXPECT_EQ(numbers({"--since", "2022-01-01", "--until", "2023-12-31"}),
            model(99, "2022-01-01", "2023-12-31"));
  EXPECT_EQ(
      numbers({"-n", "2", "--since", "2022-01-01", "--until", "2023-12-31"}),
      model(2, "2022-01-01", "2023-12-31"));
  EXPECT_TRUE(numbers({"--since", "2030-01-01"}).empty());
  auto text = Db({"log", "-n", "1"});
  EXPECT_EQ(Count(text.out, "revision "), 1u) << text.out;
  for (std::vector<std::string> bad :
       {std::vector<std::string>{"-n", "x"},
        {"-n", "-1"},
        {"-n"},
        {"--since", "2024-13-01"},
        {"--until", "yesterday"},
        {"--since", "2024-01-01", "--until", "2023-01-01"},
        {"-x"}}) {
    bad.insert(bad.begin(), "log");
    auto r = Db(bad);
    EXPECT_EQ(r.code, 2) << bad[1] << ": " << r.err;
  }
}

TEST_F(CliTest, BackdatedImportIsRefusedUnlessAsked) {
  ImportDataset(db_);
  const auto before = HeadAndDigest(db_);
  // A list version found late: dated 2024-06-01, below HEAD's 2025-10-28.
  WriteFile(Path("late.jsonl"),
            "{\"op\":\"node\",\"key\":\"late/entry\",\"kind\":\"list\"}\n"
            "{\"op\":\"commit\",\"message\":\"late\",\"effective\":"
            "\"2024-06-01\"}\n");
  auto r = Db({"import", Path("late.jsonl")});
  EXPECT_EQ(r.code, 3);
  for (const char* part : {"late.jsonl:2", "2024-06-01", "2025-10-28",
                           "revision 12, its parent", "--backdate"}) {
    EXPECT_NE(r.err.find(part), std::string::npos) << part << ": " << r.err;
  }
  EXPECT_EQ(HeadAndDigest(db_), before);

  r = Db({"import", Path("late.jsonl"), "--backdate"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto log = Db({"log", "-n", "1"});
  EXPECT_NE(log.out.find("effective 2024-06-01 (backdated)"), std::string::npos)
      << log.out;
  EXPECT_EQ(Count(Db({"log"}).out, "(backdated)"), 1u);
  auto json = Db({"log", "-n", "2", "--json"});
  EXPECT_NE(json.out.find("\"revision\":13,\"parent\":12,\"tags\":[],"
                          "\"effective\":\"2024-06-01\",\"backdated\":true"),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"revision\":12,\"parent\":11,"), std::string::npos);
  EXPECT_EQ(Count(json.out, "\"backdated\":false"), 1u);

  // @DATE: the state on that day, never data from later.
  auto stats = Db({"stats", "--at", "@2024-06-01", "--json"});
  EXPECT_NE(stats.out.find("\"revision\":10,"), std::string::npos)
      << stats.out;  // us-cet-2024 (2024-02-12); 11 is dated 2025
  EXPECT_EQ(Db({"show", "late/entry", "--at", "@2024-06-01"}).code, 1);
  EXPECT_EQ(Db({"show", "late/entry", "--at", "@2025-10-28"}).code, 0);
  EXPECT_EQ(Db({"show", "late/entry", "--at", "13"}).code, 0);
  // --backdate on the CSV path too.
  ASSERT_EQ(Db({"export", "--format", "csv", "--out", Path("csv")}).code, 0);
  r = Db(
      {"import", Path("csv"), "--format", "csv", "--effective", "2023-01-01"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_EQ(Db({"import", Path("csv"), "--format", "csv", "--effective",
                "2023-01-01", "--backdate"})
                .code,
            0);
}

TEST_F(CliTest, InitAndImportRefuseForeignFoldersAndMissingParents) {
  // A folder with someone's files in it.
  fs::create_directories(Path("papers"));
  WriteFile(Path("papers/notes.txt"), "mine");
  const auto listing = Listing(Path("papers"));
  for (std::vector<std::string> args :
       {std::vector<std::string>{"init"},
        {"import", kDataset},
        {"import", Path("x"), "--format", "csv"}}) {
    if (args.size() > 2) {
      fs::create_directories(Path("x"));
      WriteFile(Path("x/nodes.csv"), "key,kind\nk,list\n");
    }
    args.push_back("--db");
    args.push_back(Path("papers"));
    auto r = Run(args);
    EXPECT_EQ(r.code, 2) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("not a critgraph database"), std::string::npos)
        << r.err;
    EXPECT_EQ(Listing(Path("papers")), listing) << "nothing written";
  }
  // A file in the way.
  auto r = Run({"init", "--db", Path("papers/notes.txt")});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(ReadFile(Path("papers/notes.txt")), "mine");

  // A missing parent: refused, nothing created; --parents creates it.
  for (const char* cmd : {"init", "import"}) {
    std::vector<std::string> args = {cmd};
    if (std::string(cmd) == "import") args.push_back(kDataset);
    args.push_back("--db");
    args.push_back(Path("a/b/db"));
    r = Run(args);
    EXPECT_EQ(r.code, 2) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("--parents"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(Path("a"))) << cmd;
  }
  r = Run({"import", kDataset, "--parents", "--db", Path("a/b/db")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Run({"verify", "--db", Path("a/b/db")}).code, 0);
  // An existing database, and an empty folder, are fine.
  EXPECT_EQ(Run({"init", "--db", Path("a/b/db")}).code, 0);
  fs::create_directories(Path("empty"));
  EXPECT_EQ(Run({"init", "--db", Path("empty")}).code, 0);
  EXPECT_EQ(Run({"init", "--db", Path("empty/")}).code, 0);
}

TEST_F(CliTest, HelpForAnUnknownCommandIsAUsageError) {
  auto r = Run({"help", "nosuch"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'nosuch'"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(Run({"help"}).code, 0);
  EXPECT_EQ(Run({"help", "log"}).code, 0);
}

TEST_F(CliTest, FileErrorsNameTheReasonAndIoFailuresExit4) {
  ImportDataset(db_);
  auto r = Db({"import", Path("missing.jsonl")});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("missing.jsonl: No such file or directory"),
            std::string::npos)
      << r.err;
  r = Db({"import", "--format", "csv", "--nodes", Path("missing.csv")});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos)
      << r.err;
  // Export under a regular file: the path cannot be written.
  WriteFile(Path("plain"), "x");
  r = Db({"export", "--out", Path("plain/out.jsonl")});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("cannot write " + Path("plain/out.jsonl") +
                       ": Not a directory"),
            std::string::npos)
      << r.err;
  r = Db({"export", "--format", "csv", "--out", Path("plain/dir")});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("Not a directory"), std::string::npos) << r.err;
  r = Db({"export", "--out", Path("nodir/out.jsonl")});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos)
      << r.err;
  EXPECT_EQ(Db({"export", "--format", "csv", "--out", "-"}).code, 2);
}

TEST_F(CliTest, CsvWithByteOrderMarkImports) {
  const std::string bom = "\xEF\xBB\xBF";
  WriteFile(Path("nodes.csv"), bom +
                                   "key,kind,name:en\n"
                                   "l,list,The list\n"
                                   "e,technology,Entry\n");
  WriteFile(Path("edges.csv"), bom + "from,type,to\ne,part_of,l\n");
  auto r = Db({"import", "--format", "csv", "--nodes", Path("nodes.csv"),
               "--edges", Path("edges.csv")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto show = Db({"show", "e", "--json"});
  ASSERT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("\"to\":\"l\""), std::string::npos) << show.out;
  // Bytes that only start like a BOM stay text: EF BD B1 is "ｱ".
  WriteFile(Path("kana.csv"), "\xEF\xBD\xB1,kind,key\nx,list,k\n");
  r = Db({"import", "--format", "csv", "--nodes", Path("kana.csv")});
  EXPECT_EQ(r.code, 0) << r.err;
  show = Db({"show", "k", "--json"});
  EXPECT_NE(show.out.find("\"\xEF\xBD\xB1\":\"x\""), std::string::npos)
      << show.out;
  WriteFile(Path("only-bom.csv"), bom);
  r = Db({"import", "--format", "csv", "--nodes", Path("only-bom.csv")});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("empty file"), std::string::npos) << r.err;
}

TEST_F(CliTest, CsvReimportThatWouldDropPropertiesAsks) {
  WriteFile(Path("v1.csv"),
            "key,kind,name:en,source,year:int64\n"
            "a,technology,A,list 2020,2020\n"
            "b,technology,B,list 2020,2020\n");
  ASSERT_EQ(Db({"import", "--format", "csv", "--nodes", Path("v1.csv")}).code,
            0);
  const auto before = HeadAndDigest(db_);
  // Edited in a spreadsheet: the year column deleted, a name changed.
  WriteFile(Path("v2.csv"),
            "key,kind,name:en,source\n"
            "a,technology,A2,list 2020\n"
            "b,technology,B,list 2020\n");
  auto r = Db({"import", "--format", "csv", "--nodes", Path("v2.csv")});
  EXPECT_EQ(r.code, 2) << r.err;
  for (const char* part :
       {"would drop properties of 2 nodes", "a: year", "--merge-props",
        "--replace-props", "nothing imported"}) {
    EXPECT_NE(r.err.find(part), std::string::npos) << part << ": " << r.err;
  }
  EXPECT_EQ(HeadAndDigest(db_), before);

  r = Db({"import", "--format", "csv", "--nodes", Path("v2.csv"),
          "--merge-props"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto show = Db({"show", "a", "--json"});
  EXPECT_NE(show.out.find("\"year\":2020"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("\"en\":\"A2\""), std::string::npos) << show.out;

  r = Db({"import", "--format", "csv", "--nodes", Path("v2.csv"),
          "--replace-props"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("dropped properties of 2 nodes"), std::string::npos)
      << r.err;
  show = Db({"show", "a", "--json"});
  EXPECT_EQ(show.out.find("\"year\""), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("\"source\":\"list 2020\""), std::string::npos);
}

TEST_F(CliTest, ColourFollowsColorOptionAndNoColor) {
  ImportDataset(db_);
  auto diff = [&](std::vector<std::string> extra, const std::string& env) {
    std::vector<std::string> args = {"diff", "us-cet-2020", "us-cet-2022",
                                     "--db", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args, "/dev/null", env);
  };
  const std::string esc = "\033[";
  auto plain = diff({}, "");
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.out.find(esc), std::string::npos);
  auto always = diff({"--color", "always"}, "");
  ASSERT_EQ(always.code, 0);
  EXPECT_NE(always.out.find(esc), std::string::npos);
  // --color before the command, and overriding NO_COLOR.
  auto before =
      Run({"--color=always", "--db", db_, "diff", "us-cet-2020", "us-cet-2022"},
          "/dev/null", "NO_COLOR=1");
  EXPECT_EQ(before.out, always.out);
  EXPECT_EQ(diff({"--color", "never"}, "").out, plain.out);
  EXPECT_EQ(diff({"--color", "auto"}, "NO_COLOR=1").out, plain.out);
  auto bad = diff({"--color", "sometimes"}, "");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--color wants auto, always or never"),
            std::string::npos)
      << bad.err;
}

TEST_F(CliTest, MessagesSayEachThingOnce) {
  ImportDataset(db_);
  auto r = Db({"tag", "us-cet-2020", "2"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(Count(r.err, "force"), 1u) << r.err;
  EXPECT_EQ(Count(r.err, "already names revision 1"), 1u) << r.err;
  r = Db({"tag", "--delete", "us-cet-2020"});
  EXPECT_EQ(Count(r.err, "force"), 1u) << r.err;
}

// Every command's --help: the usage, an options section with a line for
// each option the usage mentions (and each listed option is accepted), and
// an example that runs.
TEST_F(CliTest, EveryCommandHelpListsItsOptionsAndARunnableExample) {
  ImportDataset(db_);
  auto global = Run({"--help"});
  std::vector<std::string> commands;
  {
    std::istringstream in(global.out.substr(global.out.find("commands:\n")));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line) && line.rfind("  ", 0) == 0) {
      commands.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  ASSERT_GE(commands.size(), 14u) << global.out;
  for (const std::string& cmd : commands) {
    auto h = Run({cmd, "--help"});
    ASSERT_EQ(h.code, 0) << cmd;
    const size_t options_at = h.out.find("\noptions:\n");
    const size_t example_at = h.out.find("\nexample:\n  critgraph " + cmd);
    ASSERT_NE(example_at, std::string::npos) << cmd << ":\n" << h.out;
    const std::string usage = h.out.substr(0, std::min(options_at, example_at));
    const std::string options =
        options_at == std::string::npos
            ? ""
            : h.out.substr(options_at, example_at - options_at);
    // Every --option the usage names has its line.
    for (size_t pos = usage.find("--"); pos != std::string::npos;
         pos = usage.find("--", pos + 2)) {
      size_t end = pos + 2;
      while (end < usage.size() &&
             (std::isalnum(static_cast<unsigned char>(usage[end])) ||
              usage[end] == '-')) {
        ++end;
      }
      const std::string opt = usage.substr(pos, end - pos);
      if (opt == "--" || opt == "--db" || opt == "--help") continue;
      EXPECT_NE(options.find("\n  " + opt + " "), std::string::npos)
          << cmd << ": " << opt << " has no line in\n"
          << h.out;
    }
    // Every listed option is real (the parser accepts it) and has a text.
    std::istringstream in(options);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("  -", 0) != 0) continue;
      std::string opt = line.substr(2, line.find(' ', 2) - 2);
      EXPECT_GT(line.size(), opt.size() + 6) << cmd << ": " << line;
      auto r = Run({cmd, opt, "--db", Path("none")});
      EXPECT_EQ(r.err.find("unknown option"), std::string::npos)
          << cmd << " " << opt << ": " << r.err;
    }
    // The example runs: against a copy of the dataset database (an empty
    // one for import/init/demo), from the source tree, /tmp/ -> the test's
    // folder.
    std::string example = h.out.substr(example_at + 11);
    example = example.substr(0, example.find('\n'));
    std::vector<std::string> words;
    std::istringstream ws(example);
    for (std::string w; ws >> w;) {
      // A shell redirection or pipe ends the command's own words.
      if (w[0] == '>' || w[0] == '|' || w[0] == '#' || w.rfind("2>", 0) == 0) {
        break;
      }
      if (w.rfind("/tmp/", 0) == 0) w = dir_ + "/" + w.substr(5);
      words.push_back(w);
    }
    words.erase(words.begin());  // "critgraph"
    const std::string db = Path("ex-" + cmd);
    if (cmd != "import" && cmd != "init" && cmd != "demo") {
      fs::copy(db_, db, fs::copy_options::recursive);
    }
    if (cmd == "merge") {  // its example merges a draft it assumes exists
      ASSERT_EQ(Run({"draft", "create", words[1], "--db", db}).code, 0);
    }
    bool has_db = false;
    for (const auto& w : words) has_db = has_db || w == "--db";
    if (!has_db) {
      words.push_back("--db");
      words.push_back(db);
    }
    auto r = Run(words, "/dev/null", "", kSource);
    EXPECT_EQ(r.code, 0) << cmd << ": " << example << "\n" << r.err;
    EXPECT_FALSE(r.out.empty() && r.err.empty()) << cmd;
  }
}

// docs/CLI.md's `$ critgraph ...` examples: each runs (against a copy of the
// dataset database, an empty one for import and init) and prints what the
// docs show: each shown line (`...` elides any text) appears in the output,
// and an error line (critgraph: ...) means a failing exit code.
TEST_F(CliTest, CliDocExamplesRun) {
  ImportDataset(db_);
  std::istringstream doc(ReadFile(kSource + "/docs/CLI.md"));
  struct Example {
    std::string command;
    std::vector<std::string> shown;
    std::optional<int> code;
  };
  std::vector<Example> examples;
  std::string line;
  bool in_block = false;
  bool attach = false;  // output lines belong to the last `$ critgraph`
  while (std::getline(doc, line)) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      attach = false;
      continue;
    }
    if (!in_block) continue;
    if (line.rfind("$ critgraph ", 0) == 0) {
      examples.push_back({line.substr(2), {}, std::nullopt});
      attach = true;
    } else if (line == "$ echo $?") {
      std::getline(doc, line);
      if (attach) examples.back().code = std::stoi(line);
    } else if (attach && !line.empty() && line != "...") {
      examples.back().shown.push_back(line);
    }
  }
  ASSERT_GE(examples.size(), 8u);
  size_t ran = 0;
  for (size_t i = 0; i < examples.size(); ++i) {
    const Example& ex = examples[i];
    std::vector<std::string> words;
    std::istringstream ws(ex.command);
    for (std::string w; ws >> w;) {
      // A shell redirection or pipe ends the command's own words.
      if (w[0] == '>' || w[0] == '|' || w[0] == '#' || w.rfind("2>", 0) == 0) {
        break;
      }
      if (w.rfind("/tmp/", 0) == 0) w = dir_ + "/" + w.substr(5);
      words.push_back(w);
    }
    words.erase(words.begin());
    // An input file the docs only imagine (bad.jsonl) cannot be run.
    if (words[0] == "import" && !fs::exists(kSource + "/" + words[1])) {
      continue;
    }
    const std::string db = Path("doc-" + std::to_string(i));
    if (words[0] != "import" && words[0] != "init") {
      fs::copy(db_, db, fs::copy_options::recursive);
    }
    bool has_db = false;
    for (const auto& w : words) has_db = has_db || w == "--db";
    if (!has_db) {
      words.push_back("--db");
      words.push_back(db);
    }
    auto r = Run(words, "/dev/null", "", kSource);
    ++ran;
    bool error_shown = false;
    std::istringstream actual_lines(r.out + r.err);
    std::vector<std::string> actual;
    for (std::string l; std::getline(actual_lines, l);) actual.push_back(l);
    for (const std::string& want : ex.shown) {
      // A warning goes to stderr with exit 0; any other message is an error.
      error_shown = error_shown || (want.rfind("critgraph: ", 0) == 0 &&
                                    want.rfind("critgraph: warning:", 0) != 0);
      // The pieces between "..." appear in order in one output line.
      std::vector<std::string> pieces;
      for (size_t from = 0;;) {
        size_t dots = want.find("...", from);
        pieces.push_back(want.substr(from, dots - from));
        if (dots == std::string::npos) break;
        from = dots + 3;
      }
      bool found = false;
      for (const std::string& got : actual) {
        size_t at = 0;
        bool all = true;
        for (const std::string& p : pieces) {
          std::string piece = p;
          // Past each replacement: the test's folder may itself hold "/tmp/".
          const std::string folder = dir_ + "/";
          for (size_t t = piece.find("/tmp/"); t != std::string::npos;
               t = piece.find("/tmp/", t + folder.size())) {
            piece.replace(t, 5, folder);
          }
          at = got.find(piece, at);
          if (at == std::string::npos) {
            all = false;
            break;
          }
          at += piece.size();
        }
        found = found || all;
      }
      EXPECT_TRUE(found) << ex.command << "\nshown: " << want << "\ngot:\n"
                         << r.out << r.err;
    }
    if (ex.code) {
      EXPECT_EQ(r.code, *ex.code) << ex.command;
    } else if (error_shown) {
      EXPECT_NE(r.code, 0) << ex.command;
    } else {
      EXPECT_EQ(r.code, 0) << ex.command << ": " << r.err;
    }
  }
  EXPECT_GE(ran, 7u);
}

TEST_F(CliTest, ImportAndVerifySummariesAsJson) {
  auto r = Db({"import", kDataset, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_TRUE(ParseJson(parser, r.out, &doc));
  const auto [head, digest] = HeadAndDigest(db_);
  EXPECT_EQ(uint64_t(doc["head"]), head);
  EXPECT_EQ(std::string_view(doc["digest"]), digest);
  EXPECT_EQ(simdjson::dom::array(doc["revisions"]).size(), head);
  ASSERT_EQ(Db({"export", "--format", "csv", "--out", Path("csv")}).code, 0);
  r = Run({"import", Path("csv"), "--format", "csv", "--json", "--db",
           Path("copy")});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::element csv;
  ASSERT_TRUE(ParseJson(parser, r.out, &csv));
  EXPECT_EQ(std::string_view(csv["digest"]), digest);
  EXPECT_EQ(uint64_t(csv["csv_nodes"]), uint64_t(csv["nodes"]));
  EXPECT_EQ(uint64_t(csv["csv_edges"]), uint64_t(csv["edges"]));
  WriteFile(Path("empty.jsonl"), "\n");
  r = Db({"import", Path("empty.jsonl"), "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind(
                "{\"revisions\":[],\"head\":" + std::to_string(head) + ",", 0),
            0u)
      << r.out;
  r = Db({"verify", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::element v;
  ASSERT_TRUE(ParseJson(parser, r.out, &v));
  EXPECT_TRUE(bool(v["ok"]));
  // The same counts as the text report.
  EXPECT_NE(Db({"verify"})
                .out.find("checked " +
                          std::to_string(uint64_t(v["revisions_checked"])) +
                          " revisions, " +
                          std::to_string(uint64_t(v["records_checked"])) +
                          " records"),
            std::string::npos);
  EXPECT_GE(uint64_t(v["revisions_checked"]), head);
  EXPECT_EQ(simdjson::dom::array(v["problems"]).size(), 0u);
}
