#include "critgraph/io/json_out.h"

#include <charconv>
#include <cmath>

#include "critgraph/io/change_stream.h"

namespace critgraph::io {

std::string FormatDouble(double d) {
  if (!std::isfinite(d))
    return std::isnan(d) ? "null" : (d > 0 ? "1e999" : "-1e999");
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

void AppendStringArray(std::string* out, const std::vector<std::string>& v) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, v[i]);
  }
  out->push_back(']');
}

namespace {

// A JSON object of `map`'s entries in map order, each value by `append_value`.
template <typename Map, typename AppendValue>
void AppendObject(std::string* out, const Map& map, AppendValue append_value) {
  out->push_back('{');
  bool first = true;
  for (const auto& [name, value] : map) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, name);
    out->push_back(':');
    append_value(out, value);
  }
  out->push_back('}');
}

}  // namespace

void AppendProps(std::string* out, const Properties& props) {
  AppendObject(out, props, [](std::string* o, const PropertyValue& v) {
    AppendJsonValue(o, v);
  });
}

void AppendNames(std::string* out, const Names& names) {
  AppendObject(out, names, [](std::string* o, const std::string& text) {
    AppendJsonString(o, text);
  });
}

void AppendNode(std::string* out, const Node& node) {
  *out += "{\"key\":";
  AppendJsonString(out, node.key);
  *out += ",\"kind\":";
  AppendJsonString(out, node.kind);
  *out += ",\"names\":";
  AppendNames(out, node.names);
  *out += ",\"props\":";
  AppendProps(out, node.props);
  out->push_back('}');
}

// Same outline as AppendNode: each writes its own struct's fields in the
// documented key order, which a generic field list would only obscure.
void AppendEdge(std::string* out, const Edge& edge) {
  *out += "{\"from\":";
  AppendJsonString(out, edge.from);
  *out += ",\"type\":";
  AppendJsonString(out, edge.type);
  *out += ",\"to\":";
  AppendJsonString(out, edge.to);
  *out += ",\"props\":";
  AppendProps(out, edge.props);
  out->push_back('}');
}

void AppendEdgeId(std::string* out, const EdgeId& id) {
  out->push_back('[');
  AppendJsonString(out, id.from);
  out->push_back(',');
  AppendJsonString(out, id.type);
  out->push_back(',');
  AppendJsonString(out, id.to);
  out->push_back(']');
}

std::string PropertyText(const PropertyValue& v) {
  switch (v.index()) {
    case 0:
      return std::get<std::string>(v);
    case 1:
      return std::to_string(std::get<int64_t>(v));
    case 2:
      return FormatDouble(std::get<double>(v));
    case 3:
      return std::get<bool>(v) ? "true" : "false";
    default: {
      std::string s = "[";
      const auto& list = std::get<std::vector<std::string>>(v);
      for (size_t i = 0; i < list.size(); ++i) {
        if (i) s += ", ";
        s += list[i];
      }
      return s + "]";
    }
  }
}

std::string DisplayName(const Node& node) {
  for (const char* lang : {"en", "ja"}) {
    auto it = node.names.find(lang);
    if (it != node.names.end()) return it->second;
  }
  if (!node.names.empty()) return node.names.begin()->second;
  return "";
}

}  // namespace critgraph::io
