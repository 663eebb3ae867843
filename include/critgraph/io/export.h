// Whole-revision exports: JSONL snapshot, CSV, GraphML, DOT
// (docs/FORMATS.md). All are deterministic: the same revision gives
// byte-identical output.
#ifndef CRITGRAPH_IO_EXPORT_H_
#define CRITGRAPH_IO_EXPORT_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "critgraph/io/progress.h"
#include "critgraph/snapshot.h"

namespace critgraph::io {

struct ExportOptions {
  // Elements (nodes + edges) written so far, of snap.node_count() +
  // snap.edge_count().
  ProgressFn progress;
  // Only this list's scope (critgraph/lists.h): the list node, its entries
  // and the edges between two of them, in the same order and format. An
  // export of a list that is not one at the revision fails with CheckList's
  // NotFound / InvalidArgument. nullopt = the whole revision.
  std::optional<std::string> list;
};

enum class ExportFormat { kJsonl, kCsv, kGraphml, kDot };
// "jsonl", "csv", "graphml", "dot"; nullopt for anything else.
std::optional<ExportFormat> ParseExportFormat(std::string_view name);

// register lines for non-built-in kinds and types, node lines by key, edge
// lines by (from, type, to), then a commit line carrying the revision's
// message, effective date and author (not its tags).
absl::Status ExportJsonl(const Snapshot& snap, std::ostream& out,
                         const ExportOptions& options = {});
// Two files in the CSV import format (header row, one record per element).
absl::Status ExportCsv(const Snapshot& snap, std::ostream& nodes,
                       std::ostream& edges, const ExportOptions& options = {});

// One of the single-stream formats to `out`; InvalidArgument for kCsv.
absl::Status Export(const Snapshot& snap, ExportFormat format,
                    std::ostream& out, const ExportOptions& options = {});
// To the file `path`, or for kCsv to the directory `path` (created if
// missing; nodes.csv and edges.csv inside). InvalidArgument if the path
// cannot be created or written, Internal for a write error.
absl::Status ExportToPath(const Snapshot& snap, ExportFormat format,
                          const std::string& path,
                          const ExportOptions& options = {});
absl::Status ExportGraphml(const Snapshot& snap, std::ostream& out,
                           const ExportOptions& options = {});
absl::Status ExportDot(const Snapshot& snap, std::ostream& out,
                       const ExportOptions& options = {});

// Escaping shared by the XML and DOT writers.
std::string XmlEscape(std::string_view s);
std::string DotQuote(std::string_view s);  // with the surrounding quotes

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_EXPORT_H_
