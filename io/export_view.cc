// Formatting of element views for every text output. See io/export_view.h.
#include "io/export_view.h"

#include <charconv>
#include <cmath>

#include "critgraph/io/change_stream.h"

namespace critgraph::io {

std::string_view DoubleText(double d, ScalarBuffer* buf) {
  if (!std::isfinite(d)) {
    return std::isnan(d) ? "null" : (d > 0 ? "1e999" : "-1e999");
  }
  // Leaves room for ".0": the shortest form has at most 24 characters.
  char* const end = buf->data + sizeof(buf->data) - 2;
  char* p = std::to_chars(buf->data, end, d).ptr;
  bool integral = true;  // no '.', no exponent: ".0" keeps it a double
  for (const char* c = buf->data; c != p; ++c) {
    integral = integral && *c != '.' && *c != 'e' && *c != 'E';
  }
  if (integral) {
    *p++ = '.';
    *p++ = '0';
  }
  return std::string_view(buf->data, p - buf->data);
}

std::string_view ScalarText(const PropertyView& v, ScalarBuffer* buf) {
  switch (v.index) {
    case 1: {
      // std::to_string's digits, without its allocation.
      char* p =
          std::to_chars(buf->data, buf->data + sizeof(buf->data), v.i).ptr;
      return std::string_view(buf->data, p - buf->data);
    }
    case 2:
      return DoubleText(v.d, buf);
    default:
      return v.b ? "true" : "false";
  }
}

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
    default: {
      ScalarBuffer buf;
      out->append(ScalarText(v, &buf));
    }
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
    default: {
      ScalarBuffer buf;
      out->append(ScalarText(v, &buf));
    }
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

void AppendNodeFields(std::string* out, const NodeView& node) {
  out->append("\"key\":");
  AppendJsonString(out, node.key);
  out->append(",\"kind\":");
  AppendJsonString(out, node.kind);
  out->append(",\"names\":");
  AppendJsonNames(out, node.names);
  out->append(",\"props\":");
  AppendJsonProps(out, node.props);
}

void AppendEdgeIdFields(std::string* out, const EdgeView& edge) {
  out->append("\"from\":");
  AppendJsonString(out, edge.from);
  out->append(",\"type\":");
  AppendJsonString(out, edge.type);
  out->append(",\"to\":");
  AppendJsonString(out, edge.to);
}

void AppendEdgeFields(std::string* out, const EdgeView& edge) {
  AppendEdgeIdFields(out, edge);
  out->append(",\"props\":");
  AppendJsonProps(out, edge.props);
}

void AppendNodeChangeLine(std::string* out, const NodeView& node) {
  out->append("{\"op\":\"node\",");
  AppendNodeFields(out, node);
  out->push_back('}');
}

void AppendEdgeChangeLine(std::string* out, const EdgeView& edge) {
  out->append("{\"op\":\"edge\",");
  AppendEdgeFields(out, edge);
  out->push_back('}');
}

void AppendDeleteEdgeChangeLine(std::string* out, const EdgeView& edge) {
  out->append("{\"op\":\"del_edge\",");
  AppendEdgeIdFields(out, edge);
  out->push_back('}');
}

CsvCell CsvCellOf(const PropertyView& v, ScalarBuffer* scalar,
                  std::string* list) {
  switch (v.index) {
    case 0:
      return {v.s, v.s.empty()};
    case 4:
      *list = CsvListText(v.list);
      return {*list, v.list.empty()};
    default:
      return {ScalarText(v, scalar), false};
  }
}

void AppendCsvValue(std::string* out, const PropertyView& v) {
  ScalarBuffer scalar;
  std::string list;
  const CsvCell cell = CsvCellOf(v, &scalar, &list);
  AppendCsvField(out, cell.text, cell.force_quote);
}

namespace {

// A view of `value`; a list's items are appended to *items, which must not
// grow past its capacity while the view is in use.
PropertyView ViewOf(std::string_view name, const PropertyValue& value,
                    std::vector<std::string_view>* items) {
  PropertyView v;
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
      const size_t first = items->size();
      for (const auto& s : std::get<std::vector<std::string>>(value)) {
        items->push_back(s);
      }
      v.list =
          absl::MakeConstSpan(items->data() + first, items->size() - first);
    }
  }
  return v;
}

}  // namespace

PropertyView ElementViews::Of(const PropertyValue& value) {
  items_.clear();
  return ViewOf({}, value, &items_);
}

absl::Span<const PropertyView> ElementViews::Of(const Properties& props) {
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
    props_.push_back(ViewOf(name, value, &items_));
  }
  return props_;
}

NodeView ElementViews::Of(const Node& node) {
  names_.clear();
  for (const auto& [lang, text] : node.names) names_.push_back({lang, text});
  auto props = Of(node.props);
  return NodeView{node.key, node.kind, names_, props};
}

EdgeView ElementViews::Of(const Edge& edge) {
  return EdgeView{edge.from, edge.type, edge.to, Of(edge.props)};
}

}  // namespace critgraph::io
