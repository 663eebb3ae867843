// The exporters format views of the stored records (issue 12, item 4);
// their output must stay byte-identical to what formatting Nodes and Edges
// gives. Here every format, whole-revision and --list, is compared with a
// reference that writes the same formats from the in-memory model
// (tests/model.h) through the Node/Edge helpers, over random histories with
// unicode, quotes, commas, newlines and every property type, at every
// revision, with the scan's chunking and key-table paths forced.
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/csv.h"
#include "critgraph/io/export.h"
#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "flatbuffers/flatbuffers.h"
#include "gtest/gtest.h"
#include "node_generated.h"
#include "storage/record.h"
#include "storage/snapshot_impl.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::Model;
using testing::ModelState;

// ---- Reference exporters: Node/Edge in, the documented formats out. ----

using PropCol = std::pair<std::string, io::CsvType>;

struct RefColumns {
  std::set<std::string> langs;
  std::set<PropCol> node_props;
  std::set<PropCol> edge_props;
};

RefColumns Columns(const ModelState& s) {
  RefColumns c;
  for (const auto& [key, n] : s.nodes) {
    for (const auto& [lang, text] : n.names) c.langs.insert(lang);
    for (const auto& [name, v] : n.props) {
      c.node_props.emplace(name, io::CsvTypeOf(v));
    }
  }
  for (const auto& [id, e] : s.edges) {
    for (const auto& [name, v] : e.props) {
      c.edge_props.emplace(name, io::CsvTypeOf(v));
    }
  }
  return c;
}

void RefCsvProps(std::string* line, const std::set<PropCol>& cols,
                 const Properties& props) {
  for (const auto& [name, type] : cols) {
    line->push_back(',');
    auto it = props.find(name);
    if (it == props.end() || io::CsvTypeOf(it->second) != type) continue;
    bool force = false;
    std::string cell = io::EncodeCsvValue(it->second, &force);
    io::AppendCsvField(line, cell, force);
  }
}

void RefCsv(const ModelState& s, std::string* nodes, std::string* edges) {
  const RefColumns c = Columns(s);
  std::string line = "key,kind";
  for (const auto& lang : c.langs) {
    line += ',';
    io::AppendCsvField(&line, "name:" + lang);
  }
  for (const auto& [name, type] : c.node_props) {
    line += ',';
    io::AppendCsvField(&line, name + ":" + io::CsvTypeName(type));
  }
  *nodes = line + "\n";
  for (const auto& [key, n] : s.nodes) {
    line.clear();
    io::AppendCsvField(&line, n.key);
    line += ',';
    io::AppendCsvField(&line, n.kind);
    for (const auto& lang : c.langs) {
      line += ',';
      auto it = n.names.find(lang);
      if (it != n.names.end()) {
        io::AppendCsvField(&line, it->second, it->second.empty());
      }
    }
    RefCsvProps(&line, c.node_props, n.props);
    *nodes += line + "\n";
  }
  line = "from,type,to";
  for (const auto& [name, type] : c.edge_props) {
    line += ',';
    io::AppendCsvField(&line, name + ":" + io::CsvTypeName(type));
  }
  *edges = line + "\n";
  for (const auto& [id, e] : s.edges) {
    line.clear();
    io::AppendCsvField(&line, e.from);
    line += ',';
    io::AppendCsvField(&line, e.type);
    line += ',';
    io::AppendCsvField(&line, e.to);
    RefCsvProps(&line, c.edge_props, e.props);
    *edges += line + "\n";
  }
}

std::string RefJsonl(const Snapshot& snap, const ModelState& s) {
  const std::set<std::string> builtin_kinds(std::begin(kBuiltinNodeKinds),
                                            std::end(kBuiltinNodeKinds));
  const std::set<std::string> builtin_types(std::begin(kBuiltinEdgeTypes),
                                            std::end(kBuiltinEdgeTypes));
  std::string out;
  ChangeOp op;
  for (const auto& k : snap.NodeKinds()) {
    if (builtin_kinds.count(k)) continue;
    op.kind = ChangeOp::Kind::kRegisterNodeKind;
    op.name = k;
    out += io::ToChangeLine(op) + "\n";
  }
  for (const auto& t : snap.EdgeTypes()) {
    if (builtin_types.count(t)) continue;
    op.kind = ChangeOp::Kind::kRegisterEdgeType;
    op.name = t;
    out += io::ToChangeLine(op) + "\n";
  }
  for (const auto& [key, n] : s.nodes) {
    ChangeOp node_op;
    node_op.kind = ChangeOp::Kind::kNode;
    node_op.node = n;
    out += io::ToChangeLine(node_op) + "\n";
  }
  for (const auto& [id, e] : s.edges) {
    ChangeOp edge_op;
    edge_op.kind = ChangeOp::Kind::kEdge;
    edge_op.edge = e;
    out += io::ToChangeLine(edge_op) + "\n";
  }
  ChangeOp commit;
  commit.kind = ChangeOp::Kind::kCommit;
  commit.commit.message = snap.info().message;
  commit.commit.author = snap.info().author;
  commit.commit.effective_date = snap.info().effective_date;
  return out + io::ToChangeLine(commit) + "\n";
}

std::string RefDot(Revision rev, const ModelState& s) {
  std::string out = "digraph critgraph {\n  graph [rankdir=LR, label=" +
                    io::DotQuote("critgraph revision " + std::to_string(rev)) +
                    "];\n  node [shape=box, style=rounded, fontsize=10];\n"
                    "  edge [fontsize=8];\n";
  for (const auto& [key, n] : s.nodes) {
    const std::string name = io::DisplayName(n);
    out += "  " + io::DotQuote(n.key) + " [label=" +
           io::DotQuote(name.empty() ? n.key : name + "\n" + n.key) +
           ", kind=" + io::DotQuote(n.kind) + "];\n";
  }
  for (const auto& [id, e] : s.edges) {
    out += "  " + io::DotQuote(e.from) + " -> " + io::DotQuote(e.to) +
           " [label=" + io::DotQuote(e.type) + "];\n";
  }
  return out + "}\n";
}

std::string RefGraphmlValue(const PropertyValue& v) {
  if (v.index() != 4) return io::PropertyText(v);
  std::string json;
  io::AppendJsonValue(&json, v);
  return json;
}

std::string RefGraphml(const ModelState& s) {
  const RefColumns c = Columns(s);
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  auto key = [&](const std::string& id, const char* for_what,
                 const std::string& name, const char* type) {
    out += "  <key id=\"" + io::XmlEscape(id) + "\" for=\"" + for_what +
           "\" attr.name=\"" + io::XmlEscape(name) + "\" attr.type=\"" + type +
           "\"/>\n";
  };
  auto type_name = [](io::CsvType t) {
    switch (t) {
      case io::CsvType::kInt64:
        return "long";
      case io::CsvType::kDouble:
        return "double";
      case io::CsvType::kBool:
        return "boolean";
      default:
        return "string";
    }
  };
  auto attr = [](const std::string& name, bool edge) {
    const bool reserved = edge ? name == "type"
                               : (name == "kind" || name == "label" ||
                                  name.rfind("name:", 0) == 0);
    return reserved ? "prop:" + name : name;
  };
  key("kind", "node", "kind", "string");
  key("label", "node", "label", "string");
  std::map<std::string, std::string> lang_ids;
  std::map<PropCol, std::string> node_ids, edge_ids;
  for (const auto& lang : c.langs) {
    lang_ids[lang] = StrCat("name", lang_ids.size());
    key(lang_ids[lang], "node", "name:" + lang, "string");
  }
  for (const auto& p : c.node_props) {
    node_ids[p] = StrCat("n", node_ids.size());
    key(node_ids[p], "node", attr(p.first, false), type_name(p.second));
  }
  key("type", "edge", "type", "string");
  for (const auto& p : c.edge_props) {
    edge_ids[p] = StrCat("e", edge_ids.size());
    key(edge_ids[p], "edge", attr(p.first, true), type_name(p.second));
  }
  out += "  <graph id=\"G\" edgedefault=\"directed\">\n";
  auto data = [&](const std::string& id, const std::string& value) {
    out += "      <data key=\"" + io::XmlEscape(id) + "\">" +
           io::XmlEscape(value) + "</data>\n";
  };
  for (const auto& [k, n] : s.nodes) {
    out += "    <node id=\"" + io::XmlEscape(n.key) + "\">\n";
    data("kind", n.kind);
    const std::string label = io::DisplayName(n);
    data("label", label.empty() ? n.key : label);
    for (const auto& [lang, text] : n.names) data(lang_ids[lang], text);
    for (const auto& [name, v] : n.props) {
      data(node_ids[{name, io::CsvTypeOf(v)}], RefGraphmlValue(v));
    }
    out += "    </node>\n";
  }
  size_t edge_no = 0;
  for (const auto& [id, e] : s.edges) {
    out += StrCat("    <edge id=\"e", edge_no++, "\" source=\"",
                  io::XmlEscape(e.from), "\" target=\"", io::XmlEscape(e.to),
                  "\">\n");
    data("type", e.type);
    for (const auto& [name, v] : e.props) {
      data(edge_ids[{name, io::CsvTypeOf(v)}], RefGraphmlValue(v));
    }
    out += "    </edge>\n";
  }
  return out + "  </graph>\n</graphml>\n";
}

// ---- Random histories with awkward text. ----

const std::vector<std::string> kTexts = {
    "",          "plain",    "a,b",        "say \"hi\"",  "line\nbreak",
    "cr\r\nlf",  "tab\tx",   "semi;colon", "back\\slash", "\\e",
    "<&>'\"",    "量子技術", "Ünïcödé",    "🦀 emoji",  "ctl\x01x",
    " leading ", "a;b\\;c",  "\"",         ",",           "x\ry"};
const std::vector<std::string> kKeys = {
    "k/plain",  "k/a,b",    "k/\"q\"",  "k/量子", "k/semi;",
    "k/<xml&>", "k/sp ace", "k/back\\", "k/🦀", "k/z"};
const std::vector<std::string> kLangs = {"en", "ja", "zh", "de-CH", "x1"};
const std::vector<std::string> kPropNames = {
    "a", "b", "kind", "label", "name:x", "type", "w,\"x\"", "名前", "s;c"};

PropertyValue RandomValue(std::mt19937_64& rng) {
  auto text = [&] { return kTexts[rng() % kTexts.size()]; };
  switch (rng() % 5) {
    case 0:
      return text();
    case 1: {
      const int64_t ints[] = {0, -1, 42, std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max()};
      return ints[rng() % 5];
    }
    case 2: {
      const double ds[] = {0.0, 0.1, -2.5e-300, 1e300, 123456789.0, -7.25};
      return ds[rng() % 6];
    }
    case 3:
      return rng() % 2 == 0;
    default: {
      std::vector<std::string> list(rng() % 4);
      for (auto& item : list) item = text();
      return list;
    }
  }
}

Properties RandomProps(std::mt19937_64& rng) {
  Properties props;
  for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
    props[kPropNames[rng() % kPropNames.size()]] = RandomValue(rng);
  }
  return props;
}

// One revision of random changes, applied to the database and the model.
void RandomRevision(DB& db, Model& model, std::mt19937_64& rng, int ops) {
  static const char* kKinds[] = {"domain", "technology", "gadget", "list"};
  static const char* kTypes[] = {"part_of", "maps_to", "links_to"};
  auto txn = *db.Begin();
  ASSERT_TRUE(txn->RegisterNodeKind("gadget").ok());
  ASSERT_TRUE(txn->RegisterEdgeType("links_to").ok());
  for (int i = 0; i < ops; ++i) {
    ModelState& w = model.working();
    auto pick_key = [&] {
      return StrCat(kKeys[rng() % kKeys.size()], "/", rng() % 4);
    };
    const std::string key = pick_key();
    const int op = static_cast<int>(rng() % 10);
    if (op < 4) {
      Node n{key, kKinds[rng() % 4], {}, RandomProps(rng)};
      for (int j = static_cast<int>(rng() % 3); j > 0; --j) {
        n.names[kLangs[rng() % kLangs.size()]] = kTexts[rng() % kTexts.size()];
      }
      ASSERT_TRUE(txn->PutNode(n).ok()) << key;
      model.PutNode(n);
    } else if (op < 5) {
      if (!w.nodes.count(key)) continue;
      ASSERT_TRUE(txn->DeleteNode(key).ok());
      model.DeleteNode(key);
    } else if (op < 9) {
      Edge e{key, kTypes[rng() % 3], pick_key(), RandomProps(rng)};
      if (!w.nodes.count(e.from) || !w.nodes.count(e.to)) continue;
      ASSERT_TRUE(txn->PutEdge(e).ok());
      model.PutEdge(e);
    } else if (!w.edges.empty()) {
      auto it = w.edges.begin();
      std::advance(it, rng() % w.edges.size());
      const EdgeId id = it->first;
      ASSERT_TRUE(txn->DeleteEdge(id.from, id.type, id.to).ok());
      model.DeleteEdge(id);
    }
  }
  ASSERT_TRUE(txn->Commit({.message = "m, \"quoted\"\nnext",
                           .author = "名前",
                           .effective_date = std::nullopt})
                  .ok());
  model.Commit();
}

// The elements of `s` in the scope of `list` at `snap` (the scope itself
// comes from the library: what is compared is the formatting).
ModelState Scope(const Snapshot& snap, const ModelState& s,
                 const std::string& list) {
  ModelState out;
  auto keys = ListScopeKeys(snap, list);
  EXPECT_TRUE(keys.ok()) << keys.status();
  for (const auto& k : *keys) out.nodes[k] = s.nodes.at(k);
  for (const auto& [id, e] : s.edges) {
    if (out.nodes.count(id.from) && out.nodes.count(id.to)) out.edges[id] = e;
  }
  return out;
}

void ExpectExportsEqual(const Snapshot& snap, const ModelState& want,
                        const io::ExportOptions& options) {
  const std::string where = StrCat(
      "r", snap.revision(), options.list ? " list " + *options.list : "");
  std::ostringstream nodes, edges, jsonl, graphml, dot;
  ASSERT_TRUE(io::ExportCsv(snap, nodes, edges, options).ok()) << where;
  ASSERT_TRUE(io::ExportJsonl(snap, jsonl, options).ok()) << where;
  ASSERT_TRUE(io::ExportGraphml(snap, graphml, options).ok()) << where;
  ASSERT_TRUE(io::ExportDot(snap, dot, options).ok()) << where;
  std::string ref_nodes, ref_edges;
  RefCsv(want, &ref_nodes, &ref_edges);
  EXPECT_EQ(nodes.str(), ref_nodes) << where;
  EXPECT_EQ(edges.str(), ref_edges) << where;
  EXPECT_EQ(jsonl.str(), RefJsonl(snap, want)) << where;
  EXPECT_EQ(graphml.str(), RefGraphml(want)) << where;
  EXPECT_EQ(dot.str(), RefDot(snap.revision(), want)) << where;
}

// Views, converted, equal the materialised scans, element for element.
void ExpectViewsEqualScans(const Snapshot& snap) {
  std::vector<Node> nodes, viewed_nodes;
  ASSERT_TRUE(snap.ForEachNode([&](const Node& n) {
                    nodes.push_back(n);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(snap.ForEachNodeView([&](const NodeView& n) {
                    viewed_nodes.push_back(n.ToNode());
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(viewed_nodes, nodes) << "r" << snap.revision();
  std::vector<Edge> edges, viewed_edges;
  ASSERT_TRUE(snap.ForEachEdge([&](const Edge& e) {
                    edges.push_back(e);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(snap.ForEachEdgeView([&](const EdgeView& e) {
                    viewed_edges.push_back(e.ToEdge());
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(viewed_edges, edges) << "r" << snap.revision();
}

TEST(ExportView, EveryFormatMatchesTheModelAtEveryRevision) {
  int list_exports = 0;
  for (uint64_t seed : {1, 2, 3}) {
    Options opt;
    opt.sync = false;
    auto db = *DB::Open(testing::TempDir(StrCat("export_view_", seed)), opt);
    Model model;
    std::mt19937_64 rng(seed);
    for (int r = 0; r < 8; ++r) {
      RandomRevision(*db, model, rng, r == 0 ? 150 : 30);
      if (::testing::Test::HasFatalFailure()) return;
    }
    // Default limits, then many small chunks, then no id -> key table.
    for (auto [chunk_keys, table_bytes] :
         {std::pair<size_t, size_t>{
              storage::DBImpl::ScanLimits().chunk_keys,
              storage::DBImpl::ScanLimits().key_table_bytes},
          {3, size_t{1} << 30},
          {2, 16}}) {
      storage::Impl(*db).SetScanLimitsForTesting(chunk_keys, table_bytes);
      for (Revision r = 1; r <= model.head(); ++r) {
        auto snap = *db->GetSnapshot(r);
        const ModelState& want = model.at(r);
        ASSERT_EQ(testing::CompareSnapshot(*snap, want), "") << "seed " << seed;
        ExpectViewsEqualScans(*snap);
        ExpectExportsEqual(*snap, want, {});
        for (const auto& [key, node] : want.nodes) {
          if (node.kind != kListKind) continue;
          io::ExportOptions list_options;
          list_options.list = key;
          const ModelState scope = Scope(*snap, want, key);
          list_exports += scope.nodes.size() > 1;
          ExpectExportsEqual(*snap, scope, list_options);
        }
      }
    }
  }
  EXPECT_GT(list_exports, 0) << "no list had entries: --list untested";
}

// Records are written sorted; one that verifies but is not (names and
// props out of order, a name twice) still reads as the map-based decoder
// reads it, and a misaligned record decodes from the decoder's own copy.
// nodes.csv and edges.csv are written on two threads; progress still comes
// from the caller's thread, ends at the total, and a failing stream fails
// the export. One stream given twice gets the nodes, then the edges.
TEST(ExportView, CsvFilesWrittenInParallelKeepTheContract) {
  Options opt;
  opt.sync = false;
  auto db = *DB::Open(testing::TempDir("export_csv_threads"), opt);
  Model model;
  std::mt19937_64 rng(11);
  for (int r = 0; r < 3; ++r) {
    RandomRevision(*db, model, rng, 200);
    if (::testing::Test::HasFatalFailure()) return;
  }
  auto snap = *db->GetSnapshot(model.head());
  std::string ref_nodes, ref_edges;
  RefCsv(model.at(model.head()), &ref_nodes, &ref_edges);
  const uint64_t total = snap->node_count() + snap->edge_count();
  ASSERT_GT(snap->edge_count(), 0u);

  std::vector<std::pair<uint64_t, uint64_t>> calls;
  bool other_thread = false;
  const std::thread::id caller = std::this_thread::get_id();
  io::ExportOptions options;
  options.progress = [&](uint64_t done, uint64_t t) {
    other_thread |= std::this_thread::get_id() != caller;
    calls.emplace_back(done, t);
  };
  std::ostringstream nodes, edges;
  ASSERT_TRUE(io::ExportCsv(*snap, nodes, edges, options).ok());
  EXPECT_EQ(nodes.str(), ref_nodes);
  EXPECT_EQ(edges.str(), ref_edges);
  EXPECT_FALSE(other_thread);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), std::make_pair(total, total));
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_LE(calls[i - 1].first, calls[i].first) << "call " << i;
  }

  std::ostringstream both;
  ASSERT_TRUE(io::ExportCsv(*snap, both, both).ok());
  EXPECT_EQ(both.str(), ref_nodes + ref_edges);

  for (bool fail_nodes : {true, false}) {
    std::ostringstream good, bad;
    bad.setstate(std::ios::badbit);
    const absl::Status st = fail_nodes ? io::ExportCsv(*snap, bad, good)
                                       : io::ExportCsv(*snap, good, bad);
    EXPECT_FALSE(st.ok()) << (fail_nodes ? "nodes" : "edges");
    EXPECT_NE(st.message().find("write error"), std::string::npos) << st;
  }
}

TEST(ExportView, DecoderReadsUnsortedAndMisalignedRecordsAsTheMapsDo) {
  flatbuffers::FlatBufferBuilder b;
  auto prop = [&](const char* name, int64_t i) {
    auto n = b.CreateString(name);
    fb::PropertyBuilder pb(b);
    pb.add_name(n);
    pb.add_type(fb::PropertyType::Int64);
    pb.add_i(i);
    return pb.Finish();
  };
  std::vector<flatbuffers::Offset<fb::Property>> props = {
      prop("b", 1), prop("a", 2), prop("b", 3)};
  std::vector<flatbuffers::Offset<fb::LocalizedName>> names = {
      fb::CreateLocalizedName(b, b.CreateString("ja"), b.CreateString("J")),
      fb::CreateLocalizedName(b, b.CreateString("en"), b.CreateString("E")),
      fb::CreateLocalizedName(b, b.CreateString("en"), b.CreateString("E2"))};
  auto key = b.CreateString("k");
  auto nv = b.CreateVector(names);
  auto pv = b.CreateVector(props);
  b.Finish(fb::CreateNodeRecord(b, key, 1, nv, pv), fb::NodeRecordIdentifier());
  const std::string raw(reinterpret_cast<const char*>(b.GetBufferPointer()),
                        b.GetSize());
  auto rec = storage::DecodeNodeRecord(raw);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->props, (Properties{{"a", int64_t{2}}, {"b", int64_t{3}}}));
  EXPECT_EQ(rec->names, (Names{{"en", "E2"}, {"ja", "J"}}));
  storage::ViewDecoder decoder;
  std::string shifted = "x" + raw;  // the record one byte in: misaligned
  auto parts = decoder.DecodeNode(std::string_view(shifted).substr(1));
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(NodeView({parts->key, "kind", parts->names, parts->props}).ToNode(),
            (Node{"k", "kind", rec->names, rec->props}));
  // Damaged bytes: DataLoss, never a crash.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string bad = raw;
    bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    if (rng() % 4 == 0) bad.resize(rng() % bad.size());
    auto node = decoder.DecodeNode(bad);
    if (!node.ok()) {
      EXPECT_EQ(node.status().code(), absl::StatusCode::kDataLoss);
    }
    auto edge = decoder.DecodeEdge(bad);
    if (!edge.ok()) {
      EXPECT_EQ(edge.status().code(), absl::StatusCode::kDataLoss);
    }
  }
}

}  // namespace
}  // namespace critgraph
