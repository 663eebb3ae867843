// ExportElements: the whole revision or one list's scope. See
// io/export_elements.h.
#include "io/export_elements.h"

#include <algorithm>
#include <utility>

#include "critgraph/lists.h"
#include "io/export_view.h"
#include "storage/export_scan.h"
#include "util/status_macros.h"

namespace critgraph::io {

absl::StatusOr<ExportElements> ExportElements::Make(
    const Snapshot& snap, const ExportOptions& options) {
  ExportElements e(snap);
  if (!options.list) return e;
  ASSIGN_OR_RETURN(std::vector<std::string> keys,
                   ListScopeKeys(snap, *options.list));
  for (const std::string& key : keys) {  // sorted: edges come out sorted
    ASSIGN_OR_RETURN(std::vector<Edge> out, snap.OutEdges(key));
    for (Edge& edge : out) {  // sorted by (type, to)
      if (std::binary_search(keys.begin(), keys.end(), edge.to)) {
        e.edges_.push_back(std::move(edge));
      }
    }
  }
  e.keys_ = std::move(keys);
  return e;
}

absl::Status ExportElements::ForEachNode(
    const std::function<absl::Status(const NodeView&)>& fn) const {
  if (!keys_) return snap_->ForEachNodeView(fn);
  ElementViews views;
  for (const std::string& key : *keys_) {
    ASSIGN_OR_RETURN(Node node, snap_->GetNode(key));
    RETURN_IF_ERROR(fn(views.Of(node)));
  }
  return absl::OkStatus();
}

absl::Status ExportElements::ForEachEdge(
    const std::function<absl::Status(const EdgeView&)>& fn) const {
  if (!keys_) return snap_->ForEachEdgeView(fn);
  ElementViews views;
  for (const Edge& edge : edges_) RETURN_IF_ERROR(fn(views.Of(edge)));
  return absl::OkStatus();
}

absl::Status ExportElements::ForEachNodeAnyOrder(
    const std::function<absl::Status(const NodeView&)>& fn) const {
  if (!keys_) return storage::ForEachNodeViewById(*snap_, fn);
  return ForEachNode(fn);
}

absl::Status ExportElements::ForEachEdgePropsAnyOrder(
    const std::function<absl::Status(absl::Span<const PropertyView>)>& fn)
    const {
  if (!keys_) return storage::ForEachEdgePropsById(*snap_, fn);
  return ForEachEdge([&](const EdgeView& e) { return fn(e.props); });
}

namespace {

// Inserts only what is new: most elements repeat known columns.
void AddProps(std::set<ExportColumns::Prop, ExportColumns::PropLess>* set,
              absl::Span<const PropertyView> props) {
  for (const PropertyView& p : props) {
    const std::pair<std::string_view, CsvType> col(p.name, CsvTypeOf(p));
    auto it = set->lower_bound(col);
    if (it == set->end() || ExportColumns::PropLess()(col, *it)) {
      set->emplace_hint(it, std::string(p.name), col.second);
    }
  }
}

}  // namespace

// The order does not matter here: the cheaper scans.
absl::Status ExportColumns::AddNodes(const ExportElements& elements) {
  return elements.ForEachNodeAnyOrder([&](const NodeView& n) {
    for (const NameView& name : n.names) {
      auto it = langs.lower_bound(name.lang);
      if (it == langs.end() || *it != name.lang) {
        langs.emplace_hint(it, name.lang);
      }
    }
    AddProps(&node_props, n.props);
    return absl::OkStatus();
  });
}

absl::Status ExportColumns::AddEdges(const ExportElements& elements) {
  return elements.ForEachEdgePropsAnyOrder(
      [&](absl::Span<const PropertyView> p) {
        AddProps(&edge_props, p);
        return absl::OkStatus();
      });
}

absl::StatusOr<ExportColumns> ExportColumns::Of(
    const ExportElements& elements) {
  ExportColumns cols;
  RETURN_IF_ERROR(cols.AddNodes(elements));
  RETURN_IF_ERROR(cols.AddEdges(elements));
  return cols;
}

uint64_t ExportElements::total() const {
  if (!keys_) return snap_->node_count() + snap_->edge_count();
  return keys_->size() + edges_.size();
}

}  // namespace critgraph::io
