// CSV export: nodes.csv and edges.csv (docs/FORMATS.md, "CSV"), formatted
// straight from the stored records' views into block buffers.
#include <ostream>
#include <string>
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

}  // namespace

absl::Status ExportCsv(const Snapshot& snap, std::ostream& nodes,
                       std::ostream& edges, const ExportOptions& options) {
  ASSIGN_OR_RETURN(const ExportElements elements,
                   ExportElements::Make(snap, options));  // --list
  // Pass 1: the columns.
  ASSIGN_OR_RETURN(const ExportColumns cols, ExportColumns::Of(elements));
  const std::vector<std::string> langs(cols.langs.begin(), cols.langs.end());
  const std::vector<PropColumn> node_cols(cols.node_props.begin(),
                                          cols.node_props.end());
  const std::vector<PropColumn> edge_cols(cols.edge_props.begin(),
                                          cols.edge_props.end());

  const uint64_t total = elements.total();
  auto progress = [&](uint64_t done) {
    if (options.progress) options.progress(done, total);
  };
  uint64_t done = 0;
  BlockWriter node_out(&nodes);
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
    progress(++done);
    return absl::OkStatus();
  }));
  node_out.Flush();

  BlockWriter edge_out(&edges);
  line = edge_out.buffer();
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
    progress(++done);
    return absl::OkStatus();
  }));
  edge_out.Flush();
  nodes.flush();
  edges.flush();
  if (!nodes || !edges) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace critgraph::io
