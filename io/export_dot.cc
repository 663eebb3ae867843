#include "critgraph/io/export.h"
#include "critgraph/io/json_out.h"
#include "io/export_elements.h"
#include "io/export_view.h"

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
  BlockWriter lines(&out);
  std::string* buf = lines.buffer();
  auto st = elements->ForEachNode([&](const NodeView& n) {
    const std::string_view name = DisplayName(n);
    std::string label(name);
    if (name.empty()) {
      label = n.key;
    } else {
      label.push_back('\n');
      label.append(n.key);
    }
    buf->append("  ");
    buf->append(DotQuote(n.key));
    buf->append(" [label=");
    buf->append(DotQuote(label));
    buf->append(", kind=");
    buf->append(DotQuote(n.kind));
    buf->append("];");
    lines.EndRow();
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  // The progress and write-and-check tail is shared by every exporter; each
  // owns its stream and format, so a helper would save three lines only.
  st = elements->ForEachEdge([&](const EdgeView& e) {
    buf->append("  ");
    buf->append(DotQuote(e.from));
    buf->append(" -> ");
    buf->append(DotQuote(e.to));
    buf->append(" [label=");
    buf->append(DotQuote(e.type));
    buf->append("];");
    lines.EndRow();
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  lines.Flush();
  out << "}\n";
  out.flush();
  if (!out) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace critgraph::io
