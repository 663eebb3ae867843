#include <set>

#include "critgraph/db.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/export.h"
#include "io/export_elements.h"
#include "io/export_view.h"

namespace critgraph::io {

absl::Status ExportJsonl(const Snapshot& snap, std::ostream& out,
                         const ExportOptions& options) {
  auto elements = ExportElements::Make(snap, options);  // --list
  if (!elements.ok()) return elements.status();
  std::set<std::string> builtin_kinds(std::begin(kBuiltinNodeKinds),
                                      std::end(kBuiltinNodeKinds));
  std::set<std::string> builtin_types(std::begin(kBuiltinEdgeTypes),
                                      std::end(kBuiltinEdgeTypes));
  ChangeOp op;
  for (const auto& k : snap.NodeKinds()) {
    if (builtin_kinds.count(k)) continue;
    op.kind = ChangeOp::Kind::kRegisterNodeKind;
    op.name = k;
    out << ToChangeLine(op) << '\n';
  }
  for (const auto& t : snap.EdgeTypes()) {
    if (builtin_types.count(t)) continue;
    op.kind = ChangeOp::Kind::kRegisterEdgeType;
    op.name = t;
    out << ToChangeLine(op) << '\n';
  }
  const uint64_t total = elements->total();
  auto progress = [&](uint64_t done) {
    if (options.progress) options.progress(done, total);
  };
  uint64_t done = 0;
  BlockWriter lines(&out);
  auto st = elements->ForEachNode([&](const NodeView& n) {
    AppendNodeChangeLine(lines.buffer(), n);
    lines.EndRow();
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  st = elements->ForEachEdge([&](const EdgeView& e) {
    AppendEdgeChangeLine(lines.buffer(), e);
    lines.EndRow();
    progress(++done);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  lines.Flush();
  ChangeOp commit;
  commit.kind = ChangeOp::Kind::kCommit;
  commit.commit.message = snap.info().message;
  commit.commit.author = snap.info().author;
  commit.commit.effective_date = snap.info().effective_date;
  out << ToChangeLine(commit) << '\n';
  out.flush();
  if (!out) return absl::InternalError("write error");
  return absl::OkStatus();
}

}  // namespace critgraph::io
