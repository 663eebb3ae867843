#include "critgraph/io/json_out.h"

#include "absl/container/flat_hash_map.h"
#include "critgraph/io/change_stream.h"
#include "io/export_view.h"
#include "storage/export_scan.h"

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

absl::StatusOr<std::vector<std::string>> DisplayNames(
    const Snapshot& snap, const std::vector<std::string_view>& keys) {
  std::vector<std::string> names(keys.size());
  // A lookup by key (key -> id, then the record at the revision) is taken to
  // cost as much as decoding this many records of a sequential pass: a
  // judgment, not a measurement (docs/PERFORMANCE.md, "Large revisions").
  constexpr uint64_t kLookupCostInRecords = 16;
  if (keys.size() * kLookupCostInRecords < snap.info().node_count) {
    for (size_t i = 0; i < keys.size(); ++i) {
      auto node = snap.GetNode(keys[i]);
      if (node.ok()) {
        names[i] = DisplayName(*node);
      } else if (!absl::IsNotFound(node.status())) {
        return node.status();
      }
    }
    return names;
  }
  // Each key's first position; a repeated key copies it after the pass.
  absl::flat_hash_map<std::string_view, size_t> first;
  first.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) first.emplace(keys[i], i);
  // Storage order: no pass over the key -> id family, no sort, no seek.
  absl::Status st =
      storage::ForEachNodeViewById(snap, [&](const NodeView& node) {
        if (auto it = first.find(node.key); it != first.end()) {
          names[it->second] = std::string(DisplayNameOf(node.names));
        }
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  for (size_t i = 0; i < keys.size(); ++i) {
    const size_t f = first.at(keys[i]);
    if (f != i) names[i] = names[f];
  }
  return names;
}

}  // namespace critgraph::io
