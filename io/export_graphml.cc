#include <map>
#include <set>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/csv.h"
#include "critgraph/io/export.h"
#include "critgraph/io/json_out.h"
#include "io/export_elements.h"

namespace critgraph::io {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (c < 0x20) {
          out += "\xEF\xBF\xBD";  // not representable in XML 1.0: U+FFFD
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

namespace {

// Same shape as CsvTypeName, but GraphML spells the types differently
// (long, boolean), so the two tables stay apart.
const char* GraphmlType(CsvType t) {
  switch (t) {
    case CsvType::kInt64:
      return "long";
    case CsvType::kDouble:
      return "double";
    case CsvType::kBool:
      return "boolean";
    default:
      return "string";
  }
}

std::string GraphmlValue(const PropertyValue& v) {
  if (v.index() == 4) {
    std::string json;
    AppendJsonValue(&json, v);  // a JSON array of strings
    return json;
  }
  return PropertyText(v);
}

using PropKey = std::pair<std::string, CsvType>;

// attr.name for a property: its name unless it collides with the reserved
// attributes (kind, label, name:*, type), then "prop:" + name.
std::string AttrName(const std::string& name, bool edge) {
  bool reserved =
      edge ? name == "type"
           : (name == "kind" || name == "label" || name.rfind("name:", 0) == 0);
  return reserved ? "prop:" + name : name;
}

}  // namespace

absl::Status ExportGraphml(const Snapshot& snap, std::ostream& out,
                           const ExportOptions& options) {
  auto elements = ExportElements::Make(snap, options);  // --list
  if (!elements.ok()) return elements.status();
  std::set<std::string> langs;
  std::set<PropKey> node_props;
  std::set<PropKey> edge_props;
  auto st = elements->ForEachNode([&](const Node& n) {
    for (const auto& [lang, text] : n.names) langs.insert(lang);
    for (const auto& [name, v] : n.props)
      node_props.emplace(name, CsvTypeOf(v));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  st = elements->ForEachEdge([&](const Edge& e) {
    for (const auto& [name, v] : e.props)
      edge_props.emplace(name, CsvTypeOf(v));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  auto key = [&](const std::string& id, const char* for_what,
                 const std::string& name, const char* type) {
    out << "  <key id=\"" << XmlEscape(id) << "\" for=\"" << for_what
        << "\" attr.name=\"" << XmlEscape(name) << "\" attr.type=\"" << type
        << "\"/>\n";
  };
  key("kind", "node", "kind", "string");
  key("label", "node", "label", "string");
  std::map<std::string, std::string> lang_ids;
  int i = 0;
  for (const auto& lang : langs) {
    lang_ids[lang] = "name" + std::to_string(i++);
    key(lang_ids[lang], "node", "name:" + lang, "string");
  }
  std::map<PropKey, std::string> node_ids;
  i = 0;
  for (const auto& p : node_props) {
    node_ids[p] = "n" + std::to_string(i++);
    key(node_ids[p], "node", AttrName(p.first, false), GraphmlType(p.second));
  }
  key("type", "edge", "type", "string");
  std::map<PropKey, std::string> edge_ids;
  i = 0;
  for (const auto& p : edge_props) {
    edge_ids[p] = "e" + std::to_string(i++);
    key(edge_ids[p], "edge", AttrName(p.first, true), GraphmlType(p.second));
  }
  out << "  <graph id=\"G\" edgedefault=\"directed\">\n";
  auto data = [&](const std::string& id, std::string_view value) {
    out << "      <data key=\"" << XmlEscape(id) << "\">" << XmlEscape(value)
        << "</data>\n";
  };
  const uint64_t total = elements->total();
  auto progress = [&](uint64_t done) {
    if (options.progress) options.progress(done, total);
  };
  uint64_t done = 0;
  st = elements->ForEachNode([&](const Node& n) {
    out << "    <node id=\"" << XmlEscape(n.key) << "\">\n";
    data("kind", n.kind);
    std::string label = DisplayName(n);
    data("label", label.empty() ? n.key : label);
    for (const auto& [lang, text] : n.names) data(lang_ids[lang], text);
    for (const auto& [name, v] : n.props) {
      data(node_ids[{name, CsvTypeOf(v)}], GraphmlValue(v));
    }
    out << "    </node>\n";
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  uint64_t edge_no = 0;
  // Mirrors the node loop (edges: generated id, own key ids, no names); the
  // checked tail matches the other exporters, each of which owns its stream.
  st = elements->ForEachEdge([&](const Edge& e) {
    out << "    <edge id=\"e" << edge_no++ << "\" source=\""
        << XmlEscape(e.from) << "\" target=\"" << XmlEscape(e.to) << "\">\n";
    data("type", e.type);
    for (const auto& [name, v] : e.props) {
      data(edge_ids[{name, CsvTypeOf(v)}], GraphmlValue(v));
    }
    out << "    </edge>\n";
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  out << "  </graph>\n</graphml>\n";
  out.flush();
  if (!out) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace critgraph::io
