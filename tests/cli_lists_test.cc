// CLI tests of lists as a first-class idea (issue 13, items 3-5 and
// `log --list`): `--list` on diff, export, reach and stats; `lists`;
// `crosswalk`; `find`; `log --list`. Runs the built binary (CRITGRAPH_CLI)
// on the bundled dataset. Expectations are derived from the dataset file
// and from the pre-existing commands (three-flag scoped diffs, reach,
// stats, log tags), not copied from the new commands' output.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/cli_run.h"

#ifndef CRITGRAPH_CLI
#define CRITGRAPH_CLI ""
#endif
#ifndef CRITGRAPH_SOURCE_DIR
#define CRITGRAPH_SOURCE_DIR ""
#endif

namespace {

namespace fs = std::filesystem;
using critgraph::testing::Quote;
using critgraph::testing::ReadFile;
using critgraph::testing::RunResult;

const std::string kCli = CRITGRAPH_CLI;
const std::string kDataset =
    std::string(CRITGRAPH_SOURCE_DIR) + "/data/critgraph-dataset.jsonl";

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool StartsWith(const std::string& s, const std::string& p) {
  return s.rfind(p, 0) == 0;
}

class CliListsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kCli.empty()) GTEST_SKIP() << "CRITGRAPH_CLI not defined";
    const char* base = std::getenv("CRITGRAPH_TEST_TMP");
    fs::path root = base ? fs::path(base) : fs::temp_directory_path();
    fs::create_directories(root);
    std::string templ = (root / "cli-lists-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    db_ = dir_ + "/db";
    auto r = Run({"import", kDataset});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Runs the CLI on db_ (or `db`).
  RunResult Run(const std::vector<std::string>& args, std::string db = "") {
    std::string cmd = "cd " + Quote(dir_) + " && env -u CRITGRAPH_DB " +
                      Quote(kCli) + " --db " + Quote(db.empty() ? db_ : db);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd +=
        " </dev/null >" + Quote(dir_ + "/.out") + " 2>" + Quote(dir_ + "/.err");
    int status = std::system(cmd.c_str());
    RunResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(dir_ + "/.out");
    r.err = ReadFile(dir_ + "/.err");
    return r;
  }

  // Keys `reach --json` returns for these arguments (pre-existing command).
  std::vector<std::string> ReachKeys(std::vector<std::string> args) {
    args.insert(args.begin(), "reach");
    args.push_back("--json");
    auto r = Run(args);
    EXPECT_EQ(r.code, 0) << r.err;
    std::vector<std::string> keys;
    simdjson::dom::parser parser;  // callers may hold parser_'s documents
    simdjson::dom::element doc = parser.parse(r.out);
    for (auto n : simdjson::dom::array(doc["nodes"])) {
      keys.emplace_back(std::string_view(n["key"]));
    }
    return keys;
  }

  // The entries of a list, by the three-flag reach (list node left out).
  std::set<std::string> Members(const std::string& list,
                                const std::string& at = "HEAD") {
    auto keys = ReachKeys(
        {list, "--direction", "in", "--edge-types", "part_of", "--at", at});
    return std::set<std::string>(keys.begin() + 1, keys.end());
  }

  simdjson::dom::parser parser_;
  std::string dir_, db_;
};

// ------------------------------------------------------------ --list

TEST_F(CliListsTest, DiffListEqualsTheThreeFlagScope) {
  const std::vector<std::string> three = {
      "--scope", "us-cet", "--direction", "in", "--edge-types", "part_of"};
  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{
           {}, {"--format", "json"}, {"--stat"}, {"--format", "dot"}}) {
    std::vector<std::string> a = {"diff", "us-cet-2020", "us-cet-2024",
                                  "--list", "us-cet"};
    std::vector<std::string> b = {"diff", "us-cet-2020", "us-cet-2024"};
    a.insert(a.end(), extra.begin(), extra.end());
    b.insert(b.end(), three.begin(), three.end());
    b.insert(b.end(), extra.begin(), extra.end());
    auto ra = Run(a), rb = Run(b);
    ASSERT_EQ(ra.code, 0) << ra.err;
    ASSERT_EQ(rb.code, 0) << rb.err;
    EXPECT_EQ(ra.out, rb.out);
    EXPECT_EQ(ra.err, "");  // the list has entries: no warning
  }
  // Not the empty answer: the members that entered and left, as reach sees
  // them at both ends.
  auto r = Run({"diff", "us-cet-2020", "us-cet-2024", "--list", "us-cet",
                "--format", "json"});
  simdjson::dom::element doc = parser_.parse(r.out);
  std::set<std::string> added, removed;
  for (auto k : simdjson::dom::array(doc["nodes"]["added"])) {
    added.emplace(
        std::string_view(k.is_string() ? k : simdjson::dom::element(k["key"])));
  }
  for (auto k : simdjson::dom::array(doc["nodes"]["removed"])) {
    removed.emplace(
        std::string_view(k.is_string() ? k : simdjson::dom::element(k["key"])));
  }
  auto before = Members("us-cet", "us-cet-2020");
  auto after = Members("us-cet", "us-cet-2024");
  std::set<std::string> entered, left;
  for (const auto& k : after) {
    if (!before.count(k)) entered.insert(k);
  }
  for (const auto& k : before) {
    if (!after.count(k)) left.insert(k);
  }
  EXPECT_FALSE(entered.empty());
  EXPECT_EQ(added, entered);
  EXPECT_EQ(removed, left);
  // The patch names the list.
  r = Run({"diff", "us-cet-2020", "us-cet-2024", "--list", "us-cet", "--format",
           "jsonl"});
  EXPECT_NE(r.out.find("(list us-cet)"), std::string::npos) << r.out;
}

TEST_F(CliListsTest, ScopeHoldingOnlyItsRootWarns) {
  // The trap of the issue: --scope alone walks out of the list node.
  auto r = Run({"diff", "us-cet-2020", "us-cet-2024", "--scope", "us-cet"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("warning: scope 'us-cet' holds only its root at "
                       "revisions 1 and 10"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("use --list us-cet"), std::string::npos) << r.err;
  // A scope with members: no warning.
  r = Run({"diff", "us-cet-2020", "us-cet-2024", "--scope", "us-cet",
           "--direction", "in"});
  EXPECT_EQ(r.err, "");
  // An empty list warns on every --list command, exit code unchanged.
  const std::string patch = dir_ + "/empty-list.jsonl";
  std::ofstream(patch) << "{\"op\":\"node\",\"key\":\"empty\",\"kind\":"
                          "\"list\",\"names\":{\"en\":\"Empty\"}}\n";
  ASSERT_EQ(Run({"import", patch}).code, 0);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"stats", "--list", "empty"},
           {"reach", "--list", "empty"},
           {"export", "--list", "empty"},
           {"diff", "HEAD~1", "HEAD", "--list", "empty"}}) {
    r = Run(args);
    EXPECT_EQ(r.code, 0) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("warning: list 'empty' holds only its root"),
              std::string::npos)
        << args[0] << ": " << r.err;
  }
}

TEST_F(CliListsTest, ListOptionBadPaths) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"diff", "1", "12", "--list", "nosuch"},
           {"export", "--list", "nosuch", "--out", dir_ + "/never.jsonl"},
           {"reach", "--list", "nosuch"},
           {"reach", "us-cet", "--list", "nosuch"},
           {"stats", "--list", "nosuch"},
           {"log", "--list", "nosuch"},
           {"find", "x", "--list", "nosuch"},
           {"crosswalk", "nosuch", "us-cet"},
           {"crosswalk", "us-cet", "nosuch"},
           {"crosswalk", "nosuch", "--all"}}) {
    auto r = Run(args);
    EXPECT_EQ(r.code, 1) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("'nosuch'"), std::string::npos)
        << args[0] << ": " << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ + "/never.jsonl"));
  // A node that is not a list: usage error naming it.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"diff", "1", "12", "--list", "us-cet/quantum"},
           {"stats", "--list", "us-cet/quantum"},
           {"log", "--list", "us-cet/quantum"},
           {"crosswalk", "us-cet/quantum", "eu-cta"}}) {
    auto r = Run(args);
    EXPECT_EQ(r.code, 2) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("'us-cet/quantum' is a foreign_list_entry, not a "
                         "list"),
              std::string::npos)
        << r.err;
  }
  // Conflicting options.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"diff", "1", "12", "--list", "us-cet", "--scope", "us-cet"},
           {"diff", "1", "12", "--list", "us-cet", "--direction", "in"},
           {"reach", "--list", "us-cet", "--edge-types", "part_of"},
           {"reach"}}) {
    EXPECT_EQ(Run(args).code, 2) << args[0];
  }
  // A list that exists at only one end of a diff is fine (all added).
  auto r = Run({"diff", "us-cet-2020", "us-cet-2024", "--list", "eu-cta",
                "--stat", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::element doc = parser_.parse(r.out);
  EXPECT_EQ(uint64_t(doc["stat"]["nodes"]["removed"]), 0u);
}

TEST_F(CliListsTest, ExportReachStatsList) {
  const auto members = Members("jp-kprogram");
  // stats --list: the scope's counts, list node included.
  auto r = Run({"stats", "--list", "jp-kprogram", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::element doc = parser_.parse(r.out);
  EXPECT_EQ(uint64_t(doc["nodes"]), members.size() + 1);
  EXPECT_EQ(uint64_t(doc["entries"]), members.size());
  EXPECT_EQ(std::string_view(doc["list"]), "jp-kprogram");
  EXPECT_EQ(uint64_t(doc["nodes_by_kind"]["list"]), 1u);
  const uint64_t stat_edges = uint64_t(doc["edges"]);
  // export --list re-imports to exactly that scope.
  const std::string out = dir_ + "/kprogram.jsonl";
  r = Run({"export", "--list", "jp-kprogram", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("exported list jp-kprogram"), std::string::npos);
  const std::string copy = dir_ + "/copy";
  ASSERT_EQ(Run({"import", out}, copy).code, 0);
  r = Run({"stats", "--json"}, copy);
  doc = parser_.parse(r.out);
  EXPECT_EQ(uint64_t(doc["nodes"]), members.size() + 1);
  EXPECT_EQ(uint64_t(doc["edges"]), stat_edges);
  // Every part_of edge inside the scope is there; no node outside it.
  r = Run({"export", "--format", "jsonl"}, copy);
  for (const auto& m : members) {
    EXPECT_NE(r.out.find("\"key\":\"" + m + "\""), std::string::npos) << m;
  }
  EXPECT_EQ(r.out.find("\"key\":\"us-cet"), std::string::npos);
  // Other formats take --list too.
  r = Run({"export", "--list", "us-cet", "--format", "dot"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"us-cet/quantum\""), std::string::npos);
  EXPECT_EQ(r.out.find("\"eu-cta"), std::string::npos);

  // reach --list L (no KEY): the list's own entries, as the three flags.
  auto own = ReachKeys({"--list", "jp-kprogram"});
  auto three = ReachKeys(
      {"jp-kprogram", "--direction", "in", "--edge-types", "part_of"});
  EXPECT_EQ(own, three);
  own = ReachKeys({"--list", "jp-kprogram", "--kinds", "technology"});
  three = ReachKeys({"jp-kprogram", "--direction", "in", "--edge-types",
                     "part_of", "--kinds", "technology"});
  EXPECT_EQ(own, three);
  // reach KEY --list L: the full reach, filtered to L's scope.
  const std::vector<std::string> walk = {"jp-materials/critical-minerals",
                                         "--direction", "in", "--edge-types",
                                         "depends_on,part_of"};
  auto full = ReachKeys(walk);
  auto with_list = walk;
  with_list.insert(with_list.end(), {"--list", "jp-kprogram"});
  auto filtered = ReachKeys(with_list);
  std::vector<std::string> want = {full[0]};
  for (size_t i = 1; i < full.size(); ++i) {
    if (members.count(full[i]) || full[i] == "jp-kprogram") {
      want.push_back(full[i]);
    }
  }
  EXPECT_GT(want.size(), 1u);
  EXPECT_EQ(filtered, want);
}

// ------------------------------------------------------------ lists, log

TEST_F(CliListsTest, ListsAndLogList) {
  // The tag of each list's versions (data/README.md) -> the list.
  const std::map<std::string, std::string> kTagPrefix = {
      {"us-cet-", "us-cet"},          {"cn-14fyp-", "cn-14fyp"},
      {"kprogram-", "jp-kprogram"},   {"jp-20-areas-", "jp-20-areas"},
      {"materials-", "jp-materials"}, {"eu-cta-", "eu-cta"}};
  std::map<std::string, std::vector<uint64_t>> versions;
  auto r = Run({"log", "--json"});
  simdjson::dom::element log = parser_.parse(r.out);
  for (auto rev : simdjson::dom::array(log)) {
    for (auto tag : simdjson::dom::array(rev["tags"])) {
      for (const auto& [prefix, list] : kTagPrefix) {
        if (StartsWith(std::string(std::string_view(tag)), prefix)) {
          versions[list].insert(versions[list].begin(),
                                uint64_t(rev["revision"]));
        }
      }
    }
  }
  ASSERT_EQ(versions.size(), 6u);
  r = Run({"lists", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Run({"lists", "--format", "json"}).out, r.out);
  simdjson::dom::element doc = parser_.parse(r.out);
  EXPECT_EQ(uint64_t(doc["revision"]), 12u);
  size_t n = 0;
  for (auto l : simdjson::dom::array(doc["lists"])) {
    ++n;
    std::string key{std::string_view(l["key"])};
    EXPECT_EQ(uint64_t(l["entries"]), Members(key).size()) << key;
    // Lists are changed by their own versions only (the curated links join
    // entries of different lists).
    EXPECT_EQ(uint64_t(l["last_change"]), versions[key].back()) << key;
    // log --list: exactly the list's versions.
    auto lr = Run({"log", "--list", key, "--json"});
    ASSERT_EQ(lr.code, 0) << lr.err;
    std::vector<uint64_t> revs;
    simdjson::dom::parser log_parser;
    for (auto rev : simdjson::dom::array(log_parser.parse(lr.out))) {
      revs.insert(revs.begin(), uint64_t(rev["revision"]));
    }
    EXPECT_EQ(revs, versions[key]) << key;
  }
  EXPECT_EQ(n, 6u);
  // At an earlier revision: only the lists that existed.
  r = Run({"lists", "--at", "us-cet-2022"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(StartsWith(r.out, "2 lists at revision 3 (us-cet-2022)\n"))
      << r.out;
  EXPECT_NE(r.out.find("us-cet "), std::string::npos);
  EXPECT_NE(r.out.find("cn-14fyp "), std::string::npos);
  // An empty database has no lists; bad options.
  const std::string empty = dir_ + "/empty";
  ASSERT_EQ(Run({"init"}, empty).code, 0);
  r = Run({"lists", "--json"}, empty);
  EXPECT_EQ(r.out, "{\"revision\":0,\"lists\":[]}\n");
  EXPECT_EQ(Run({"lists", "--format", "xml"}).code, 2);
  EXPECT_EQ(Run({"lists", "extra"}).code, 2);
  EXPECT_EQ(Run({"lists", "--at", "nope"}).code, 1);
}

// ------------------------------------------------------------ crosswalk

TEST_F(CliListsTest, CrosswalkAgainstTheDatasetFile) {
  // The dataset's maps_to edges between entries of jp-20-areas and us-cet
  // (either direction), ends that are members at HEAD.
  const auto jp = Members("jp-20-areas");
  const auto us = Members("us-cet");
  std::set<std::pair<std::string, std::string>> links;  // (jp, us)
  std::ifstream in(kDataset);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"maps_to\"") == std::string::npos) continue;
    simdjson::dom::element op = parser_.parse(line);
    std::string from{std::string_view(op["from"])};
    std::string to{std::string_view(op["to"])};
    if (jp.count(from) && us.count(to)) links.insert({from, to});
    if (us.count(from) && jp.count(to)) links.insert({to, from});
  }
  ASSERT_FALSE(links.empty());
  std::set<std::string> mapped_jp, mapped_us;
  for (const auto& [a, b] : links) {
    mapped_jp.insert(a);
    mapped_us.insert(b);
  }
  auto r = Run({"crosswalk", "jp-20-areas", "us-cet", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Run({"crosswalk", "jp-20-areas", "us-cet", "--json"}).out, r.out);
  simdjson::dom::element doc = parser_.parse(r.out);
  simdjson::dom::element counts = doc["counts"];
  EXPECT_EQ(uint64_t(counts["entries_a"]), jp.size());
  EXPECT_EQ(uint64_t(counts["entries_b"]), us.size());
  EXPECT_EQ(uint64_t(counts["links"]), links.size());
  EXPECT_EQ(uint64_t(counts["mapped_a"]), mapped_jp.size());
  EXPECT_EQ(uint64_t(counts["mapped_b"]), mapped_us.size());
  EXPECT_EQ(uint64_t(counts["unmapped_b"]), us.size() - mapped_us.size());
  std::set<std::pair<std::string, std::string>> got;
  for (auto row : simdjson::dom::array(doc["rows"])) {
    for (auto l : simdjson::dom::array(row["links"])) {
      got.insert({std::string(std::string_view(row["key"])),
                  std::string(std::string_view(l["key"]))});
      EXPECT_EQ(std::string_view(l["direction"]), "out");
      EXPECT_TRUE(simdjson::dom::element(l["props"]["relation"]).is_string());
      EXPECT_TRUE(simdjson::dom::element(l["props"]["confidence"]).is_string());
    }
  }
  EXPECT_EQ(got, links);
  // Reversed: the same links, read against the edges' direction.
  r = Run({"crosswalk", "us-cet", "jp-20-areas", "--json"});
  doc = parser_.parse(r.out);
  EXPECT_EQ(uint64_t(doc["counts"]["links"]), links.size());
  for (auto row : simdjson::dom::array(doc["rows"])) {
    for (auto l : simdjson::dom::array(row["links"])) {
      EXPECT_EQ(std::string_view(l["direction"]), "in");
    }
  }
  // CSV: a header, one row per link, one per unmapped entry of each side.
  r = Run({"crosswalk", "jp-20-areas", "us-cet", "--format", "csv"});
  ASSERT_EQ(r.code, 0);
  size_t rows = 0;
  for (char c : r.out) rows += c == '\n';
  EXPECT_TRUE(StartsWith(r.out,
                         "a_key,a_name,b_key,b_name,type,direction,"
                         "relation,confidence\n"));
  EXPECT_EQ(rows, 1 + links.size() + (jp.size() - mapped_jp.size()) +
                      (us.size() - mapped_us.size()));
  r = Run({"crosswalk", "jp-20-areas", "us-cet", "--format", "markdown"});
  EXPECT_TRUE(StartsWith(r.out, "| jp-20-areas | name | us-cet |")) << r.out;
  r = Run({"crosswalk", "jp-20-areas", "us-cet"});
  EXPECT_NE(r.out.find("unmapped in us-cet (" +
                       std::to_string(us.size() - mapped_us.size()) + ")"),
            std::string::npos)
      << r.out;
  // --all: a row per other list; the us-cet row has the same counts.
  r = Run({"crosswalk", "jp-20-areas", "--all", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  doc = parser_.parse(r.out);
  size_t n = 0;
  for (auto row : simdjson::dom::array(doc["lists"])) {
    ++n;
    if (std::string_view(row["list_b"]) == "us-cet") {
      EXPECT_EQ(uint64_t(row["links"]), links.size());
      EXPECT_EQ(uint64_t(row["mapped_a"]), mapped_jp.size());
    }
    EXPECT_NE(std::string_view(row["list_b"]), "jp-20-areas");
  }
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(Run({"crosswalk", "jp-20-areas", "--all"}).code, 0);
  // No links at all: everything unmapped, exit 0.
  r = Run({"crosswalk", "us-cet", "jp-materials", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  doc = parser_.parse(r.out);
  EXPECT_EQ(uint64_t(doc["counts"]["links"]), 0u);
  EXPECT_EQ(uint64_t(doc["counts"]["unmapped_a"]), us.size());
  // Before the links existed.
  r = Run(
      {"crosswalk", "jp-20-areas", "us-cet", "--at", "us-cet-2024", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(uint64_t(parser_.parse(r.out)["counts"]["links"]), 0u);
  // Usage errors.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"crosswalk", "jp-20-areas"},
           {"crosswalk", "jp-20-areas", "us-cet", "--all"},
           {"crosswalk", "jp-20-areas", "us-cet", "--format", "xml"},
           {"crosswalk", "jp-20-areas", "us-cet", "--edge-types", "nosuch"},
           {"crosswalk", "us-cet", "us-cet"}}) {
    EXPECT_EQ(Run(args).code, 2) << args.back();
  }
}

// ------------------------------------------------------------ find

TEST_F(CliListsTest, FindAgainstTheExport) {
  // Every node of the HEAD export, with its key and names.
  auto exp = Run({"export", "--format", "jsonl"});
  struct N {
    std::string kind;
    std::vector<std::string> texts;
  };
  std::map<std::string, N> nodes;
  std::istringstream lines(exp.out);
  std::string line;
  while (std::getline(lines, line)) {
    simdjson::dom::element op = parser_.parse(line);
    if (std::string_view(op["op"]) != "node") continue;
    N n;
    n.kind = std::string(std::string_view(op["kind"]));
    std::string key{std::string_view(op["key"])};
    n.texts.push_back(key);
    simdjson::dom::object names;
    if (op["names"].get(names) == simdjson::SUCCESS) {
      for (auto [lang, text] : names) {
        n.texts.emplace_back(std::string_view(text));
      }
    }
    nodes[key] = n;
  }
  auto want = [&](const std::string& text, const std::string& kind) {
    std::vector<std::string> keys;
    for (const auto& [k, n] : nodes) {
      if (!kind.empty() && n.kind != kind) continue;
      for (const auto& t : n.texts) {
        if (Lower(t).find(Lower(text)) != std::string::npos) {
          keys.push_back(k);
          break;
        }
      }
    }
    return keys;
  };
  auto got = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "find");
    args.push_back("--json");
    auto r = Run(args);
    EXPECT_EQ(r.code, 0) << r.err;
    std::vector<std::string> keys;
    for (auto m : simdjson::dom::array(parser_.parse(r.out)["matches"])) {
      keys.emplace_back(std::string_view(m["key"]));
    }
    return keys;
  };
  for (const std::string text : {"quantum", "QUANTUM", "Rare", "量子", "磁石",
                                 "us-cet/", "semiconductor"}) {
    auto w = want(text, "");
    EXPECT_FALSE(w.empty()) << text;
    EXPECT_EQ(got({text}), w) << text;
  }
  EXPECT_EQ(got({"", "--kind", "material"}), want("", "material"));
  EXPECT_EQ(got({"quantum", "--kind", "foreign_list_entry"}),
            want("quantum", "foreign_list_entry"));
  // --list: the list's entries only.
  auto members = Members("jp-materials");
  auto in_list = got({"--list", "jp-materials"});
  EXPECT_EQ(std::set<std::string>(in_list.begin(), in_list.end()), members);
  // Text form: a count line, then one line per node; empty results exit 0.
  auto r = Run({"find", "Quantum", "--kind", "foreign_list_entry"});
  ASSERT_EQ(r.code, 0);
  EXPECT_TRUE(StartsWith(
      r.out, std::to_string(want("quantum", "foreign_list_entry").size()) +
                 " nodes matching \"Quantum\" of kind foreign_list_entry"))
      << r.out;
  r = Run({"find", "no-such-text-anywhere"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(StartsWith(r.out, "0 nodes matching")) << r.out;
  r = Run({"find", "no-such-text-anywhere", "--json"});
  EXPECT_NE(r.out.find("\"matches\":[]"), std::string::npos);
  // Bad input.
  EXPECT_EQ(Run({"find"}).code, 2);
  EXPECT_EQ(Run({"find", "a", "b"}).code, 2);
  r = Run({"find", "x", "--kind", "nosuch"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'nosuch'"), std::string::npos);
  EXPECT_EQ(Run({"find", "x", "--at", "99"}).code, 1);
}

// ------------------------------------------------------------ help

TEST_F(CliListsTest, HelpAndExamplesRun) {
  for (const char* cmd : {"lists", "crosswalk", "find"}) {
    auto h = Run({cmd, "--help"});
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_TRUE(StartsWith(h.out, std::string("usage: critgraph ") + cmd));
    EXPECT_NE(h.out.find("\noptions:\n"), std::string::npos) << h.out;
    // The example runs on the dataset's database.
    const std::string mark = "\nexample:\n  critgraph ";
    size_t at = h.out.find(mark);
    ASSERT_NE(at, std::string::npos) << h.out;
    std::string example = h.out.substr(at + mark.size());
    example = example.substr(0, example.find('\n'));
    std::vector<std::string> args;
    std::istringstream words(example);
    for (std::string w; words >> w;) args.push_back(w);
    auto r = Run(args);
    EXPECT_EQ(r.code, 0) << example << ": " << r.err;
    EXPECT_FALSE(r.out.empty()) << example;
  }
  for (const char* cmd : {"diff", "export", "reach", "stats", "log"}) {
    auto h = Run({cmd, "--help"});
    EXPECT_NE(h.out.find("--list LIST"), std::string::npos) << cmd;
  }
}

// Every `$ critgraph ...` example of docs/CLI.md that uses lists, crosswalk,
// find or --list runs on the dataset's database, exits 0 and prints the
// lines the docs show under it (stdout or, for warnings, stderr).
TEST_F(CliListsTest, DocsExamplesRun) {
  std::istringstream doc(
      ReadFile(std::string(CRITGRAPH_SOURCE_DIR) + "/docs/CLI.md"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(doc, line);) lines.push_back(line);
  size_t examples = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!StartsWith(l, "$ critgraph ")) continue;
    std::vector<std::string> args;
    std::istringstream words(l.substr(12));
    for (std::string w; words >> w;) args.push_back(w);
    const bool ours = args[0] == "lists" || args[0] == "crosswalk" ||
                      args[0] == "find" ||
                      l.find(" --list ") != std::string::npos ||
                      (i + 1 < lines.size() &&
                       StartsWith(lines[i + 1], "critgraph: warning: scope"));
    if (!ours) continue;
    ++examples;
    auto r = Run(args);
    EXPECT_EQ(r.code, 0) << l << ": " << r.err;
    for (size_t j = i + 1; j < lines.size(); ++j) {
      const std::string& want = lines[j];
      if (StartsWith(want, "$ ") || StartsWith(want, "```")) break;
      if (want == "...") continue;
      EXPECT_NE((r.out + r.err).find(want), std::string::npos)
          << l << "\nmissing: " << want << "\ngot:\n"
          << r.out << r.err;
    }
  }
  EXPECT_GE(examples, 10u);
}

}  // namespace
