#include "critgraph/io/export.h"
#include "critgraph/io/json_out.h"
#include "io/export_elements.h"

namespace critgraph::io {

std::string DotQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      // dropped: Graphviz has no escape for it
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

absl::Status ExportDot(const Snapshot& snap, std::ostream& out,
                       const ExportOptions& options) {
  auto elements = ExportElements::Make(snap, options);  // --list
  if (!elements.ok()) return elements.status();
  out << "digraph critgraph {\n"
      << "  graph [rankdir=LR, label="
      << DotQuote("critgraph revision " + std::to_string(snap.revision()))
      << "];\n"
      << "  node [shape=box, style=rounded, fontsize=10];\n"
      << "  edge [fontsize=8];\n";
  const uint64_t total = elements->total();
  auto progress = [&](uint64_t done) {
    if (options.progress) options.progress(done, total);
  };
  uint64_t done = 0;
  auto st = elements->ForEachNode([&](const Node& n) {
    std::string name = DisplayName(n);
    std::string label = name.empty() ? n.key : name + "\n" + n.key;
    out << "  " << DotQuote(n.key) << " [label=" << DotQuote(label)
        << ", kind=" << DotQuote(n.kind) << "];\n";
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  // The progress and write-and-check tail is shared by every exporter; each
  // owns its stream and format, so a helper would save three lines only.
  st = elements->ForEachEdge([&](const Edge& e) {
    out << "  " << DotQuote(e.from) << " -> " << DotQuote(e.to)
        << " [label=" << DotQuote(e.type) << "];\n";
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  out << "}\n";
  out.flush();
  if (!out) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace critgraph::io
