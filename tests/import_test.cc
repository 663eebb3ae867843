// io::ImportChangeStream and io::ImportCsv against an independent in-memory
// model (tests/model.h): random multi-revision streams, written here as JSON
// text by hand (not by the serializer under test), must give revisions equal
// to the model's; bad input, cancellation and a duplicate tag must leave
// HEAD and its digest as they were.
#include "critgraph/io/import.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/io/change_stream.h"
#include "gtest/gtest.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using testing::CompareSnapshot;
using testing::Model;
using testing::TempDir;

std::unique_ptr<DB> OpenNew(const std::string& name) {
  auto db = DB::Open(TempDir(name));
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? *std::move(db) : nullptr;
}

// Imports `text` named s.jsonl: from a stream, read inline, or (via_file)
// from a regular file, read and parsed ahead on a second thread. The two
// must not differ in any result or message.
absl::StatusOr<io::ImportResult> Import(DB& db, const std::string& text,
                                        const io::ImportOptions& opts = {},
                                        bool via_file = false) {
  if (!via_file) {
    std::istringstream in(text);
    return io::ImportChangeStream(db, in, "s.jsonl", opts);
  }
  const std::string dir = TempDir("stream");
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/s.jsonl";
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return io::ImportChangeStreamFile(db, path, opts);
}

// What must not move when an import fails.
struct Visible {
  Revision head;
  std::string digest;
  size_t revisions;
  friend bool operator==(const Visible&, const Visible&) = default;
};

Visible Observe(const DB& db) {
  auto snap = db.GetSnapshot(db.Head());
  return {db.Head(), snap.ok() ? (*snap)->digest().ToHex() : "?",
          db.Log().size()};
}

// Minimal JSON string quoting for the ASCII keys this test generates.
std::string Q(const std::string& s) { return "\"" + s + "\""; }

std::string NodeLine(const Node& n) {
  std::string line = "{\"op\":\"node\",\"key\":" + Q(n.key) +
                     ",\"kind\":" + Q(n.kind) + ",\"names\":{";
  bool first = true;
  for (const auto& [lang, text] : n.names) {
    if (!first) line += ",";
    first = false;
    line += Q(lang) + ":" + Q(text);
  }
  line += "},\"props\":{";
  first = true;
  for (const auto& [name, v] : n.props) {
    if (!first) line += ",";
    first = false;
    line += Q(name) + ":" + std::to_string(std::get<int64_t>(v));
  }
  return line + "}}\n";
}

std::string EdgeLine(const Edge& e) {
  return "{\"op\":\"edge\",\"from\":" + Q(e.from) + ",\"type\":" + Q(e.type) +
         ",\"to\":" + Q(e.to) + "}\n";
}

std::string CommitLine(const std::string& message, const std::string& tag) {
  std::string line = "{\"op\":\"commit\",\"message\":" + Q(message);
  if (!tag.empty()) line += ",\"tag\":" + Q(tag);
  return line + "}\n";
}

// Random valid ops over a small key space, as text and in the model; every
// commit line closes a model revision.
class StreamGen {
 public:
  explicit StreamGen(uint64_t seed) : rng_(seed) {}

  // `ops` random ops into the model's working state, as lines.
  std::string Ops(Model& model, int ops) {
    std::string out;
    static const char* kKinds[] = {"domain", "technology", "material"};
    static const char* kTypes[] = {"part_of", "depends_on"};
    for (int i = 0; i < ops; ++i) {
      auto& w = model.working();
      int what = Pick(10);
      std::string key = "k" + std::to_string(Pick(12));
      if (what < 5 || w.nodes.empty()) {
        Node n{key, kKinds[Pick(3)], {}, {}};
        if (Pick(2)) n.names["en"] = "name " + std::to_string(Pick(100));
        if (Pick(2)) n.props["rank"] = static_cast<int64_t>(Pick(1000)) - 500;
        model.PutNode(n);
        out += NodeLine(n);
      } else if (what < 8) {
        auto from = Nth(w.nodes, Pick(w.nodes.size()));
        auto to = Nth(w.nodes, Pick(w.nodes.size()));
        Edge e{from, kTypes[Pick(2)], to, {}};
        model.PutEdge(e);
        out += EdgeLine(e);
      } else if (what == 8) {
        std::string k = Nth(w.nodes, Pick(w.nodes.size()));
        model.DeleteNode(k);
        out += "{\"op\":\"del_node\",\"key\":" + Q(k) + "}\n";
      } else if (!w.edges.empty()) {
        auto it = w.edges.begin();
        std::advance(it, Pick(w.edges.size()));
        EdgeId id = it->first;
        model.DeleteEdge(id);
        out += "{\"op\":\"del_edge\",\"from\":" + Q(id.from) +
               ",\"type\":" + Q(id.type) + ",\"to\":" + Q(id.to) + "}\n";
      }
    }
    return out;
  }

  uint64_t Pick(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

 private:
  template <typename Map>
  static std::string Nth(const Map& m, size_t i) {
    auto it = m.begin();
    std::advance(it, i);
    return it->first;
  }
  std::mt19937_64 rng_;
};

// ---------------------------------------------------------------- JSONL

TEST(ImportChangeStream, RandomMultiRevisionStreamsMatchTheModel) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const bool via_file = seed % 2 == 0;
    SCOPED_TRACE("seed " + std::to_string(seed) + (via_file ? " file" : ""));
    auto db = OpenNew("db" + std::to_string(seed));
    ASSERT_NE(db, nullptr);
    Model model;
    StreamGen gen(seed);
    // Two imports: the second one starts on top of the first one's HEAD.
    for (int round = 0; round < 2; ++round) {
      std::string text;
      int revisions = 1 + static_cast<int>(gen.Pick(5));
      Revision first = model.head() + 1;
      for (int r = 0; r < revisions; ++r) {
        text += gen.Ops(model, 1 + static_cast<int>(gen.Pick(25)));
        std::string tag =
            gen.Pick(2) ? "t" + std::to_string(round) + "-" + std::to_string(r)
                        : "";
        text += CommitLine("rev " + std::to_string(r), tag);
        model.Commit();
      }
      // Trailing ops without a commit line: one more revision.
      bool trailing = gen.Pick(2) == 1;
      if (trailing) {
        text += gen.Ops(model, 1 + static_cast<int>(gen.Pick(10)));
        model.Commit();
      }
      io::ImportOptions opts;
      opts.message = "tail";
      opts.default_author = "tester";
      auto res = Import(*db, text, opts, via_file);
      ASSERT_TRUE(res.ok()) << res.status() << "\n" << text;
      ASSERT_EQ(res->revisions.size(), model.head() - first + 1);
      EXPECT_EQ(res->trailing_revision, trailing);
      ASSERT_EQ(db->Head(), model.head());
      for (Revision r = first; r <= model.head(); ++r) {
        EXPECT_EQ(res->revisions[r - first], r);
        auto snap = db->GetSnapshot(r);
        ASSERT_TRUE(snap.ok()) << snap.status();
        EXPECT_EQ(CompareSnapshot(**snap, model.at(r)), "") << "revision " << r;
        EXPECT_EQ((*snap)->info().author, "tester");
      }
      if (trailing) {
        EXPECT_EQ((*db->GetSnapshot(db->Head()))->info().message, "tail");
      }
    }
  }
}

TEST(ImportChangeStream, EmptyStreamImportsNothing) {
  auto db = OpenNew("db");
  auto res = Import(*db, "\n   \n\r\n");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_TRUE(res->revisions.empty());
  EXPECT_EQ(db->Head(), 0u);
  // The writer is free again.
  EXPECT_TRUE(db->Begin().ok());
}

// Each case runs twice: read inline from a stream, and read ahead from a
// file (the parameter).
class ImportBadInput : public ::testing::TestWithParam<bool> {
 protected:
  absl::StatusOr<io::ImportResult> Import(DB& db, const std::string& text,
                                          const io::ImportOptions& opts = {}) {
    return critgraph::Import(db, text, opts, GetParam());
  }
  void SetUp() override {
    db_ = OpenNew("db");
    ASSERT_NE(db_, nullptr);
    auto res = Import(*db_,
                      "{\"op\":\"node\",\"key\":\"l\",\"kind\":\"list\"}\n"
                      "{\"op\":\"node\",\"key\":\"a\",\"kind\":\"domain\"}\n" +
                          CommitLine("v1", "v1") +
                          "{\"op\":\"edge\",\"from\":\"a\",\"type\":"
                          "\"part_of\",\"to\":\"l\"}\n" +
                          CommitLine("v2", "v2"));
    ASSERT_TRUE(res.ok()) << res.status();
    base_ = Observe(*db_);
    ASSERT_EQ(base_.head, 2u);
  }
  // The import fails with InvalidArgument naming `where`, mentioning
  // `reason`, and nothing moved; a good import still works afterwards.
  void ExpectRefused(const std::string& text, const std::string& where,
                     const std::string& reason,
                     const io::ImportOptions& opts = {}) {
    auto res = Import(*db_, text, opts);
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.status().code(), absl::StatusCode::kInvalidArgument)
        << res.status();
    EXPECT_NE(res.status().message().find(where), std::string::npos)
        << res.status();
    EXPECT_NE(res.status().message().find(reason), std::string::npos)
        << res.status();
    EXPECT_EQ(Observe(*db_), base_);
    VerifyReport report;
    EXPECT_TRUE(db_->Verify(&report).ok());
  }
  std::unique_ptr<DB> db_;
  Visible base_;
};

const std::string kNode =
    "{\"op\":\"node\",\"key\":\"n\",\"kind\":\"domain\"}\n";

TEST_P(ImportBadInput, BadLineMidFileOfAMultiRevisionStream) {
  const std::string rev = kNode + CommitLine("c", "");
  ExpectRefused(rev + rev + "{\"op\":\"node\",\"key\":\n" + rev,
                "s.jsonl:5:", "malformed JSON");
  ExpectRefused(rev + rev +
                    "{\"op\":\"edge\",\"from\":\"n\",\"type\":\"part_of\","
                    "\"to\":\"missing\"}\n" +
                    rev,
                "s.jsonl:5:", "missing");
  ExpectRefused(rev + "{\"op\":\"del_node\",\"key\":\"a\"}\n" + rev +
                    "{\"op\":\"node\",\"key\":\"q\",\"kind\":\"nokind\"}\n",
                "s.jsonl:6:", "nokind");
  ExpectRefused(rev + "{\"op\":\"commit\",\"effective\":\"2024-02-30\"}\n",
                "s.jsonl:3:", "2024-02-30");
  // Afterwards a good stream imports.
  auto res = Import(*db_, rev + rev);
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->revisions, (std::vector<Revision>{3, 4}));
}

TEST_P(ImportBadInput, DuplicateTag) {
  ExpectRefused(kNode + CommitLine("c", "v1"), "s.jsonl:2:", "v1");
  ExpectRefused(kNode + CommitLine("c", "dup") + kNode + CommitLine("c", "dup"),
                "s.jsonl:4:", "dup");
  io::ImportOptions opts;
  opts.tag = "v2";
  ExpectRefused(kNode, "s.jsonl: trailing revision", "v2", opts);
}

TEST_P(ImportBadInput, UnterminatedLastLine) {
  ExpectRefused(kNode + CommitLine("c", "") + "{\"op\":\"node\",\"key\":\"x\"",
                "s.jsonl:3:", "truncated");
  // A complete last line without its newline is fine.
  std::string last = CommitLine("c", "");
  last.pop_back();
  auto res = Import(*db_, kNode + last);
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->revisions.size(), 1u);
}

TEST_P(ImportBadInput, TooLongLine) {
  std::string big =
      "{\"op\":\"node\",\"key\":\"big\",\"kind\":\"domain\","
      "\"props\":{\"p\":\"" +
      std::string(io::kMaxChangeLineBytes, 'x') + "\"}}\n";
  ExpectRefused(kNode + CommitLine("c", "") + big + kNode,
                "s.jsonl:3:", "line is longer than");
}

TEST_P(ImportBadInput, NonAtomicKeepsTheRevisionsBeforeTheError) {
  io::ImportOptions opts;
  opts.atomic = false;
  auto res =
      Import(*db_, kNode + CommitLine("c", "") + "{\"op\":\"bogus\"}\n", opts);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("s.jsonl:3:"), std::string::npos);
  EXPECT_NE(res.status().message().find("revisions 3..3"), std::string::npos)
      << res.status();
  EXPECT_EQ(db_->Head(), 3u);
}

TEST_P(ImportBadInput, CancelRollsBackEverything) {
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += "{\"op\":\"node\",\"key\":\"c" + std::to_string(i) +
            "\",\"kind\":\"domain\"}\n" + CommitLine("c", "");
  }
  // Set from the progress callback, halfway through the stream.
  std::atomic<bool> cancel{false};
  uint64_t calls_after = 0;
  io::ImportOptions opts;
  opts.cancel = &cancel;
  opts.progress = [&](uint64_t, uint64_t) {
    if (cancel.load()) ++calls_after;
    cancel.store(true);
  };
  auto res = Import(*db_, text, opts);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), absl::StatusCode::kCancelled) << res.status();
  EXPECT_EQ(calls_after, 0u) << "the import went on after the cancel";
  EXPECT_EQ(Observe(*db_), base_);
  // Already cancelled before the first line.
  res = Import(*db_, text, opts);
  EXPECT_EQ(res.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(Observe(*db_), base_);
  // And the database takes the same stream once nobody cancels.
  cancel.store(false);
  opts.progress = nullptr;
  res = Import(*db_, text, opts);
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->revisions.size(), 50u);
}

TEST_P(ImportBadInput, MissingFile) {
  auto res = io::ImportChangeStreamFile(*db_, TempDir("nothing") + ".jsonl",
                                        io::ImportOptions{});
  EXPECT_EQ(res.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(res.status().message().find("cannot open"), std::string::npos);
  EXPECT_EQ(Observe(*db_), base_);
}

INSTANTIATE_TEST_SUITE_P(Readers, ImportBadInput, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "ReadAhead" : "Inline";
                         });

TEST(ImportChangeStream, ReadAheadAndInlineAgreeAcrossBatches) {
  // Streams of several thousand lines cross the reader's 1,024-line
  // batches; a good one imports the same revisions both ways, and a bad
  // line deep in the stream is refused with the same message.
  StreamGen gen(77);
  Model model;
  std::string good;
  for (int r = 0; r < 3; ++r) {
    good += gen.Ops(model, 1500);
    good += CommitLine("r" + std::to_string(r), "");
    model.Commit();
  }
  std::string bad = good;
  size_t pos = 0;
  for (int line = 1; line < 3001; ++line) pos = bad.find('\n', pos) + 1;
  bad.insert(pos, "{\"op\":\"node\",\"key\":\"x\",\"kind\":\"nosuch\"}\n");
  std::string digests[2];
  for (bool via_file : {false, true}) {
    auto db = OpenNew(via_file ? "agree-file" : "agree-inline");
    auto refused = Import(*db, bad, {}, via_file);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().message().find("s.jsonl:3001:"),
              std::string::npos)
        << refused.status();
    EXPECT_EQ(db->Head(), 0u);
    auto res = Import(*db, good, {}, via_file);
    ASSERT_TRUE(res.ok()) << res.status();
    ASSERT_EQ(db->Head(), 3u);
    for (Revision r = 1; r <= 3; ++r) {
      EXPECT_EQ(CompareSnapshot(**db->GetSnapshot(r), model.at(r)), "");
    }
    digests[via_file] = (*db->GetSnapshot(3))->digest().ToHex();
  }
  EXPECT_EQ(digests[0], digests[1]);
}

// ---------------------------------------------------------------- CSV

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ImportCsv, RandomFilesMatchTheModel) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto db = OpenNew("db" + std::to_string(seed));
    ASSERT_NE(db, nullptr);
    std::string dir = TempDir("csv" + std::to_string(seed));
    std::filesystem::create_directories(dir);
    std::mt19937_64 rng(seed);
    Model model;
    std::string nodes = "key,kind,name:en,rank:int64\n";
    std::string edges = "from,type,to,weight:double\n";
    int n = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      Node node{"k" + std::to_string(rng() % 20), "org", {}, {}};
      std::string name = rng() % 2 ? "N" + std::to_string(i) : "";
      if (!name.empty()) node.names["en"] = name;
      int64_t rank = static_cast<int64_t>(rng() % 100);
      node.props["rank"] = rank;
      model.PutNode(node);  // a key given twice: the later row wins
      nodes += node.key + ",org," + name + "," + std::to_string(rank) + "\n";
    }
    const auto& keys = model.working().nodes;
    int m = static_cast<int>(rng() % 30);
    for (int i = 0; i < m; ++i) {
      auto a = keys.begin(), b = keys.begin();
      std::advance(a, rng() % keys.size());
      std::advance(b, rng() % keys.size());
      Edge e{a->first, "funds", b->first, {}};
      double w = static_cast<double>(rng() % 8) / 4;
      e.props["weight"] = w;
      model.PutEdge(e);
      edges += e.from + ",funds," + e.to + "," + std::to_string(w) + "\n";
    }
    model.Commit();
    Write(dir + "/nodes.csv", nodes);
    Write(dir + "/edges.csv", edges);
    auto files = io::CsvFilesInDir(dir);
    ASSERT_TRUE(files.ok()) << files.status();
    io::ImportOptions opts;
    opts.tag = "csv";
    uint64_t last_done = 0, total = 0;
    opts.progress = [&](uint64_t done, uint64_t t) {
      EXPECT_GE(done, last_done);
      last_done = done;
      total = t;
    };
    auto res = io::ImportCsv(*db, *files, opts);
    ASSERT_TRUE(res.ok()) << res.status();
    ASSERT_EQ(res->revisions, (std::vector<Revision>{1}));
    EXPECT_EQ(res->nodes, static_cast<uint64_t>(n));
    EXPECT_EQ(res->edges, static_cast<uint64_t>(m));
    EXPECT_EQ(last_done, nodes.size() + edges.size());
    EXPECT_EQ(total, nodes.size() + edges.size());
    auto snap = db->GetSnapshot("csv");
    ASSERT_TRUE(snap.ok()) << snap.status();
    EXPECT_EQ(CompareSnapshot(**snap, model.at(1)), "");
  }
}

TEST(ImportCsv, BadInputAndCancelChangeNothing) {
  auto db = OpenNew("db");
  auto base = Import(*db, kNode + CommitLine("c", "base"));
  ASSERT_TRUE(base.ok()) << base.status();
  Visible before = Observe(*db);
  std::string dir = TempDir("csv");
  std::filesystem::create_directories(dir);
  Write(dir + "/nodes.csv", "key,kind,rank:int64\nx,org,1\ny,org,seven\n");
  io::CsvFiles files{dir + "/nodes.csv", std::nullopt};
  auto res = io::ImportCsv(*db, files, {});
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(res.status().message().find("nodes.csv:3:"), std::string::npos)
      << res.status();
  EXPECT_EQ(Observe(*db), before);
  // An edge to a key that does not exist, in the second file.
  Write(dir + "/nodes.csv", "key,kind\nx,org\n");
  Write(dir + "/edges.csv", "from,type,to\nx,funds,nowhere\n");
  res = io::ImportCsv(*db, *io::CsvFilesInDir(dir), {});
  EXPECT_NE(res.status().message().find("edges.csv:2:"), std::string::npos)
      << res.status();
  EXPECT_EQ(Observe(*db), before);
  // An existing tag.
  Write(dir + "/edges.csv", "from,type,to\nx,funds,x\n");
  io::ImportOptions opts;
  opts.tag = "base";
  res = io::ImportCsv(*db, *io::CsvFilesInDir(dir), opts);
  EXPECT_EQ(res.status().code(), absl::StatusCode::kInvalidArgument)
      << res.status();
  EXPECT_EQ(Observe(*db), before);
  // Cancelled.
  std::atomic<bool> cancel{true};
  opts.tag.reset();
  opts.cancel = &cancel;
  res = io::ImportCsv(*db, *io::CsvFilesInDir(dir), opts);
  EXPECT_EQ(res.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(Observe(*db), before);
  // Not a CSV directory.
  EXPECT_FALSE(io::CsvFilesInDir(dir + "/nodes.csv").ok());
  EXPECT_FALSE(io::CsvFilesInDir(TempDir("empty")).ok());
  cancel.store(false);
  res = io::ImportCsv(*db, *io::CsvFilesInDir(dir), opts);
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(db->Head(), before.head + 1);
}

}  // namespace
}  // namespace critgraph
