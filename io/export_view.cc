// Formatting of element views for the exporters. See io/export_view.h.
#include "io/export_view.h"

#include <charconv>
#include <cmath>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/json_out.h"

namespace critgraph::io {

namespace {

// The scalar alternatives (int64, double, bool) as PropertyText writes
// them; the int64 digits are std::to_string's, without its allocation.
void AppendScalar(std::string* out, const PropertyView& v) {
  switch (v.index) {
    case 1: {
      char buf[24];
      auto res = std::to_chars(buf, buf + sizeof(buf), v.i);
      out->append(buf, res.ptr);
      break;
    }
    case 2: {
      // FormatDouble's text, without its string and its find_first_of;
      // it keeps the non-finite spellings (never stored: values are
      // validated finite).
      if (!std::isfinite(v.d)) {
        out->append(FormatDouble(v.d));
        break;
      }
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof(buf), v.d);
      const std::string_view text(buf, res.ptr - buf);
      out->append(text);
      bool integral = true;  // no '.', no exponent: add ".0"
      for (char c : text) {
        integral = integral && c != '.' && c != 'e' && c != 'E';
      }
      if (integral) out->append(".0");
      break;
    }
    default:
      out->append(v.b ? "true" : "false");
      break;
  }
}

}  // namespace

void AppendPropertyText(std::string* out, const PropertyView& v) {
  switch (v.index) {
    case 0:
      out->append(v.s);
      break;
    case 4:
      out->push_back('[');
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) out->append(", ");
        out->append(v.list[i]);
      }
      out->push_back(']');
      break;
    default:
      AppendScalar(out, v);
  }
}

void AppendJsonValue(std::string* out, const PropertyView& v) {
  switch (v.index) {
    case 0:
      AppendJsonString(out, v.s);
      break;
    case 4:
      out->push_back('[');
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) out->push_back(',');
        AppendJsonString(out, v.list[i]);
      }
      out->push_back(']');
      break;
    default:
      AppendScalar(out, v);
  }
}

void AppendJsonProps(std::string* out, absl::Span<const PropertyView> props) {
  out->push_back('{');
  for (size_t i = 0; i < props.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, props[i].name);
    out->push_back(':');
    AppendJsonValue(out, props[i]);
  }
  out->push_back('}');
}

void AppendNodeChangeLine(std::string* out, const NodeView& node) {
  out->append("{\"op\":\"node\",\"key\":");
  AppendJsonString(out, node.key);
  out->append(",\"kind\":");
  AppendJsonString(out, node.kind);
  out->append(",\"names\":{");
  for (size_t i = 0; i < node.names.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, node.names[i].lang);
    out->push_back(':');
    AppendJsonString(out, node.names[i].text);
  }
  out->append("},\"props\":");
  AppendJsonProps(out, node.props);
  out->push_back('}');
}

void AppendEdgeChangeLine(std::string* out, const EdgeView& edge) {
  out->append("{\"op\":\"edge\",\"from\":");
  AppendJsonString(out, edge.from);
  out->append(",\"type\":");
  AppendJsonString(out, edge.type);
  out->append(",\"to\":");
  AppendJsonString(out, edge.to);
  out->append(",\"props\":");
  AppendJsonProps(out, edge.props);
  out->push_back('}');
}

std::string_view DisplayName(const NodeView& node) {
  for (std::string_view lang : {"en", "ja"}) {
    for (const NameView& n : node.names) {
      if (n.lang == lang) return n.text;
    }
  }
  return node.names.empty() ? std::string_view() : node.names[0].text;
}

void AppendCsvValue(std::string* out, const PropertyView& v) {
  switch (v.index) {
    case 0:
      AppendCsvField(out, v.s, v.s.empty());
      break;
    case 4:
      if (v.list.empty()) {
        AppendCsvField(out, "", /*force_quote=*/true);
      } else {
        AppendCsvField(out, CsvListText(v.list));
      }
      break;
    default:
      AppendScalar(out, v);  // digits, '.', 'e', '-', letters: never quoted
  }
}

absl::Span<const PropertyView> ElementViews::Props(const Properties& props) {
  props_.clear();
  items_.clear();
  // Reserved first: the lists' spans point into items_ while it fills.
  size_t item_count = 0;
  for (const auto& [name, value] : props) {
    if (auto* l = std::get_if<std::vector<std::string>>(&value)) {
      item_count += l->size();
    }
  }
  items_.reserve(item_count);
  for (const auto& [name, value] : props) {
    PropertyView& v = props_.emplace_back();
    v.name = name;
    v.index = static_cast<uint8_t>(value.index());
    switch (value.index()) {
      case 0:
        v.s = std::get<std::string>(value);
        break;
      case 1:
        v.i = std::get<int64_t>(value);
        break;
      case 2:
        v.d = std::get<double>(value);
        break;
      case 3:
        v.b = std::get<bool>(value);
        break;
      default: {
        const size_t first = items_.size();
        for (const auto& s : std::get<std::vector<std::string>>(value)) {
          items_.push_back(s);
        }
        v.list =
            absl::MakeConstSpan(items_.data() + first, items_.size() - first);
      }
    }
  }
  return props_;
}

NodeView ElementViews::Of(const Node& node) {
  names_.clear();
  for (const auto& [lang, text] : node.names) names_.push_back({lang, text});
  auto props = Props(node.props);
  return NodeView{node.key, node.kind, names_, props};
}

EdgeView ElementViews::Of(const Edge& edge) {
  return EdgeView{edge.from, edge.type, edge.to, Props(edge.props)};
}

}  // namespace critgraph::io
