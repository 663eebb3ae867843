#include <map>
#include <set>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/csv.h"
#include "critgraph/io/export.h"
#include "critgraph/io/json_out.h"
#include "io/export_elements.h"
#include "io/export_view.h"
#include "util/status_macros.h"

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

void AppendGraphmlValue(std::string* out, const PropertyView& v) {
  if (v.index == 4) {
    AppendJsonValue(out, v);  // a JSON array of strings
  } else {
    AppendPropertyText(out, v);
  }
}

using PropKey = ExportColumns::Prop;

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
  ASSIGN_OR_RETURN(const ExportColumns cols, ExportColumns::Of(*elements));
  const auto& langs = cols.langs;
  const auto& node_props = cols.node_props;
  const auto& edge_props = cols.edge_props;

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
  std::map<std::string, std::string, std::less<>> lang_ids;
  int i = 0;
  for (const auto& lang : langs) {
    lang_ids[lang] = "name" + std::to_string(i++);
    key(lang_ids[lang], "node", "name:" + lang, "string");
  }
  std::map<PropKey, std::string, ExportColumns::PropLess> node_ids;
  i = 0;
  for (const auto& p : node_props) {
    node_ids[p] = "n" + std::to_string(i++);
    key(node_ids[p], "node", AttrName(p.first, false), GraphmlType(p.second));
  }
  key("type", "edge", "type", "string");
  std::map<PropKey, std::string, ExportColumns::PropLess> edge_ids;
  i = 0;
  for (const auto& p : edge_props) {
    edge_ids[p] = "e" + std::to_string(i++);
    key(edge_ids[p], "edge", AttrName(p.first, true), GraphmlType(p.second));
  }
  out << "  <graph id=\"G\" edgedefault=\"directed\">\n";
  BlockWriter lines(&out);
  std::string* buf = lines.buffer();
  // Key ids (kind, label, type, nameN, nN, eN) need no XML escaping.
  auto open_data = [&](std::string_view id) {
    buf->append("      <data key=\"");
    buf->append(id);
    buf->append("\">");
  };
  auto data = [&](std::string_view id, std::string_view value) {
    open_data(id);
    buf->append(XmlEscape(value));
    buf->append("</data>\n");
  };
  auto prop_data =
      [&](const std::map<PropKey, std::string, ExportColumns::PropLess>& ids,
          const PropertyView& v) {
        open_data(
            ids.find(std::pair<std::string_view, CsvType>(v.name, CsvTypeOf(v)))
                ->second);
        std::string text;
        AppendGraphmlValue(&text, v);
        buf->append(XmlEscape(text));
        buf->append("</data>\n");
      };
  const uint64_t total = elements->total();
  auto progress = [&](uint64_t done) {
    if (options.progress) options.progress(done, total);
  };
  uint64_t done = 0;
  auto st = elements->ForEachNode([&](const NodeView& n) {
    buf->append("    <node id=\"");
    buf->append(XmlEscape(n.key));
    buf->append("\">\n");
    data("kind", n.kind);
    const std::string_view label = DisplayName(n);
    data("label", label.empty() ? n.key : label);
    for (const NameView& name : n.names) {
      data(lang_ids.find(name.lang)->second, name.text);
    }
    for (const PropertyView& p : n.props) prop_data(node_ids, p);
    buf->append("    </node>");
    lines.EndRow();
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  uint64_t edge_no = 0;
  // Mirrors the node loop (edges: generated id, own key ids, no names); the
  // checked tail matches the other exporters, each of which owns its stream.
  st = elements->ForEachEdge([&](const EdgeView& e) {
    buf->append("    <edge id=\"e");
    buf->append(std::to_string(edge_no++));
    buf->append("\" source=\"");
    buf->append(XmlEscape(e.from));
    buf->append("\" target=\"");
    buf->append(XmlEscape(e.to));
    buf->append("\">\n");
    data("type", e.type);
    for (const PropertyView& p : e.props) prop_data(edge_ids, p);
    buf->append("    </edge>");
    lines.EndRow();
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  lines.Flush();
  out << "  </graph>\n</graphml>\n";
  out.flush();
  if (!out) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace critgraph::io
