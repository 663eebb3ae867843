#include <set>
#include <utility>

#include "critgraph/io/csv.h"
#include "critgraph/io/export.h"
#include "io/export_elements.h"

namespace critgraph::io {

namespace {

using PropColumn = std::pair<std::string, CsvType>;

void AppendProps(std::string* line, const std::set<PropColumn>& cols,
                 const Properties& props) {
  for (const auto& [name, type] : cols) {
    line->push_back(',');
    auto it = props.find(name);
    if (it == props.end() || CsvTypeOf(it->second) != type) continue;
    bool force = false;
    std::string cell = EncodeCsvValue(it->second, &force);
    AppendCsvField(line, cell, force);
  }
}

void AppendPropHeader(std::string* line, const std::set<PropColumn>& cols) {
  for (const auto& [name, type] : cols) {
    line->push_back(',');
    AppendCsvField(line, name + ":" + CsvTypeName(type));
  }
}

}  // namespace

absl::Status ExportCsv(const Snapshot& snap, std::ostream& nodes,
                       std::ostream& edges, const ExportOptions& options) {
  auto elements = ExportElements::Make(snap, options);  // --list
  if (!elements.ok()) return elements.status();
  // Pass 1: the columns.
  std::set<std::string> langs;
  std::set<PropColumn> node_cols;
  std::set<PropColumn> edge_cols;
  auto st = elements->ForEachNode([&](const Node& n) {
    for (const auto& [lang, text] : n.names) langs.insert(lang);
    for (const auto& [name, v] : n.props) node_cols.emplace(name, CsvTypeOf(v));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  st = elements->ForEachEdge([&](const Edge& e) {
    for (const auto& [name, v] : e.props) edge_cols.emplace(name, CsvTypeOf(v));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;

  const uint64_t total = elements->total();
  auto progress = [&](uint64_t done) {
    if (options.progress) options.progress(done, total);
  };
  uint64_t done = 0;
  std::string line = "key,kind";
  for (const auto& lang : langs) {
    line.push_back(',');
    AppendCsvField(&line, "name:" + lang);
  }
  AppendPropHeader(&line, node_cols);
  nodes << line << '\n';
  st = elements->ForEachNode([&](const Node& n) {
    line.clear();
    AppendCsvField(&line, n.key);
    line.push_back(',');
    AppendCsvField(&line, n.kind);
    for (const auto& lang : langs) {
      line.push_back(',');
      auto it = n.names.find(lang);
      if (it != n.names.end())
        AppendCsvField(&line, it->second, it->second.empty());
    }
    AppendProps(&line, node_cols, n.props);
    nodes << line << '\n';
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;

  line = "from,type,to";
  AppendPropHeader(&line, edge_cols);
  edges << line << '\n';
  // Mirrors the node rows: edges have from/type/to columns and no names, so
  // the loops share only the snapshot-walk outline.
  st = elements->ForEachEdge([&](const Edge& e) {
    line.clear();
    AppendCsvField(&line, e.from);
    line.push_back(',');
    AppendCsvField(&line, e.type);
    line.push_back(',');
    AppendCsvField(&line, e.to);
    AppendProps(&line, edge_cols, e.props);
    edges << line << '\n';
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  nodes.flush();
  edges.flush();
  if (!nodes || !edges) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace critgraph::io
