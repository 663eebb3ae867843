// Whole-revision exports: JSONL snapshot, CSV, GraphML, DOT
// (docs/FORMATS.md). All are deterministic: the same revision gives
// byte-identical output.
#ifndef CRITGRAPH_TOOLS_EXPORT_H_
#define CRITGRAPH_TOOLS_EXPORT_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "critgraph/snapshot.h"

namespace critgraph::cli {

// register lines for non-built-in kinds and types, node lines by key, edge
// lines by (from, type, to), then a commit line carrying the revision's
// message, effective date and author (not its tags).
absl::Status ExportJsonl(const Snapshot& snap, std::ostream& out);
// Two files in the CSV import format (header row, one record per element).
absl::Status ExportCsv(const Snapshot& snap, std::ostream& nodes,
                       std::ostream& edges);
absl::Status ExportGraphml(const Snapshot& snap, std::ostream& out);
absl::Status ExportDot(const Snapshot& snap, std::ostream& out);

// Escaping shared by the XML and DOT writers.
std::string XmlEscape(std::string_view s);
std::string DotQuote(std::string_view s);  // with the surrounding quotes

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_EXPORT_H_
