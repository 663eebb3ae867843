// CSV export: nodes.csv and edges.csv (docs/FORMATS.md, "CSV"), formatted
// straight from the stored records' views into block buffers.
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "critgraph/io/csv.h"
#include "critgraph/io/export.h"
#include "io/export_elements.h"
#include "io/export_view.h"
#include "util/status_macros.h"

namespace critgraph::io {

namespace {

using PropColumn = ExportColumns::Prop;

// One cell per column: the property of that name and type, else empty.
// Both are sorted by name, so one merge pass; a name can have several
// columns (one per type seen), hence `j` stays on a match.
void AppendProps(std::string* line, const std::vector<PropColumn>& cols,
                 absl::Span<const PropertyView> props) {
  size_t j = 0;
  for (const auto& [name, type] : cols) {
    line->push_back(',');
    while (j < props.size() && props[j].name < name) ++j;
    if (j < props.size() && props[j].name == name &&
        CsvTypeOf(props[j]) == type) {
      AppendCsvValue(line, props[j]);
    }
  }
}

void AppendPropHeader(std::string* line, const std::vector<PropColumn>& cols) {
  for (const auto& [name, type] : cols) {
    line->push_back(',');
    AppendCsvField(line, name + ":" + CsvTypeName(type));
  }
}

// Writes the header and rows of nodes.csv; `count` is called per row.
absl::Status WriteNodes(const ExportElements& elements, std::ostream& out,
                        const std::function<absl::Status()>& count) {
  ExportColumns cols;
  RETURN_IF_ERROR(cols.AddNodes(elements));  // pass 1: the columns
  const std::vector<std::string> langs(cols.langs.begin(), cols.langs.end());
  const std::vector<PropColumn> node_cols(cols.node_props.begin(),
                                          cols.node_props.end());
  BlockWriter node_out(&out);
  std::string* line = node_out.buffer();
  line->append("key,kind");
  for (const auto& lang : langs) {
    line->push_back(',');
    AppendCsvField(line, "name:" + lang);
  }
  AppendPropHeader(line, node_cols);
  node_out.EndRow();
  RETURN_IF_ERROR(elements.ForEachNode([&](const NodeView& n) {
    AppendCsvField(line, n.key);
    line->push_back(',');
    AppendCsvField(line, n.kind);
    size_t j = 0;  // names and langs are both sorted
    for (const auto& lang : langs) {
      line->push_back(',');
      while (j < n.names.size() && n.names[j].lang < lang) ++j;
      if (j < n.names.size() && n.names[j].lang == lang) {
        AppendCsvField(line, n.names[j].text, n.names[j].text.empty());
      }
    }
    AppendProps(line, node_cols, n.props);
    node_out.EndRow();
    return count();
  }));
  node_out.Flush();
  out.flush();
  if (!out) return absl::InternalError("write error");
  return absl::OkStatus();
}

// Writes the header and rows of edges.csv; `count` is called per row.
absl::Status WriteEdges(const ExportElements& elements, std::ostream& out,
                        const std::function<absl::Status()>& count) {
  ExportColumns cols;
  RETURN_IF_ERROR(cols.AddEdges(elements));  // pass 1: the columns
  const std::vector<PropColumn> edge_cols(cols.edge_props.begin(),
                                          cols.edge_props.end());
  BlockWriter edge_out(&out);
  std::string* line = edge_out.buffer();
  line->append("from,type,to");
  AppendPropHeader(line, edge_cols);
  edge_out.EndRow();
  // Mirrors the node rows: edges have from/type/to columns and no names, so
  // the loops share only the snapshot-walk outline.
  RETURN_IF_ERROR(elements.ForEachEdge([&](const EdgeView& e) {
    AppendCsvField(line, e.from);
    line->push_back(',');
    AppendCsvField(line, e.type);
    line->push_back(',');
    AppendCsvField(line, e.to);
    AppendProps(line, edge_cols, e.props);
    edge_out.EndRow();
    return count();
  }));
  edge_out.Flush();
  out.flush();
  if (!out) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace

absl::Status ExportCsv(const Snapshot& snap, std::ostream& nodes,
                       std::ostream& edges, const ExportOptions& options) {
  ASSIGN_OR_RETURN(const ExportElements elements,
                   ExportElements::Make(snap, options));  // --list
  const uint64_t total = elements.total();
  std::atomic<uint64_t> edges_done{0};
  uint64_t nodes_done = 0;
  auto report = [&] {
    if (options.progress) options.progress(nodes_done + edges_done, total);
  };
  if (&nodes == &edges) {  // one stream: no thread may write it alongside
    RETURN_IF_ERROR(WriteNodes(elements, nodes, [&] {
      ++nodes_done;
      report();
      return absl::OkStatus();
    }));
    return WriteEdges(elements, edges, [&] {
      ++edges_done;
      report();
      return absl::OkStatus();
    });
  }
  // The two files share nothing but the snapshot (safe from many threads),
  // so edges.csv is written on a second thread while this one writes
  // nodes.csv: the export takes as long as the longer file, not the sum.
  // Progress is reported from this thread only.
  std::atomic<bool> stop{false};
  std::promise<absl::Status> edge_promise;
  std::future<absl::Status> edge_status = edge_promise.get_future();
  std::thread edge_thread([&] {
    edge_promise.set_value(WriteEdges(elements, edges, [&] {
      edges_done.fetch_add(1, std::memory_order_relaxed);
      return stop.load(std::memory_order_relaxed)
                 ? absl::CancelledError("export stopped")
                 : absl::OkStatus();
    }));
  });
  absl::Status node_status = WriteNodes(elements, nodes, [&] {
    ++nodes_done;
    report();
    return absl::OkStatus();
  });
  if (!node_status.ok()) stop = true;
  while (edge_status.wait_for(std::chrono::milliseconds(50)) !=
         std::future_status::ready) {
    report();
  }
  edge_thread.join();
  absl::Status st = edge_status.get();
  // After a node error the edge thread stops with Cancelled: not news.
  if (!node_status.ok()) return node_status;
  if (st.ok()) report();
  return st;
}

}  // namespace critgraph::io
