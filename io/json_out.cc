#include "critgraph/io/json_out.h"

#include "critgraph/io/change_stream.h"
#include "io/export_view.h"

namespace critgraph::io {

// The values, names, nodes and edges are written by the view formatters
// (io/export_view.h), which the exporters use: one text for each output.

std::string FormatDouble(double d) {
  ScalarBuffer buf;
  return std::string(DoubleText(d, &buf));
}

void AppendStringArray(std::string* out, const std::vector<std::string>& v) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, v[i]);
  }
  out->push_back(']');
}

void AppendProps(std::string* out, const Properties& props) {
  AppendJsonProps(out, ElementViews().Of(props));
}

void AppendNames(std::string* out, const Names& names) {
  AppendJsonNames(out, names);
}

void AppendNode(std::string* out, const Node& node) {
  out->push_back('{');
  AppendNodeFields(out, ElementViews().Of(node));
  out->push_back('}');
}

void AppendEdge(std::string* out, const Edge& edge) {
  out->push_back('{');
  AppendEdgeFields(out, ElementViews().Of(edge));
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
  ElementViews views;
  std::string out;
  AppendPropertyText(&out, views.Of(v));
  return out;
}

std::string DisplayName(const Node& node) {
  return std::string(DisplayNameOf(node.names));
}

}  // namespace critgraph::io
