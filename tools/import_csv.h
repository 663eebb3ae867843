// Import of a nodes CSV file and an edges CSV file (Kùzu / Neo4j bulk
// import style, docs/FORMATS.md "CSV") as one revision, all-or-nothing.
#ifndef CRITGRAPH_TOOLS_IMPORT_CSV_H_
#define CRITGRAPH_TOOLS_IMPORT_CSV_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "critgraph/db.h"

namespace critgraph::cli {

struct CsvImportOptions {
  std::optional<std::string> nodes_path;
  std::optional<std::string> edges_path;
  std::string message;
  std::string author;
  std::optional<std::string> tag;
  std::optional<std::string> effective;
};

struct CsvImportResult {
  Revision revision = 0;
  uint64_t nodes = 0;
  uint64_t edges = 0;
};

// Node kinds and edge types named in the files are registered if new.
// Errors: InvalidArgument "file:line: reason" for bad input (exit 3); other
// codes for database errors. Nothing is committed on error.
absl::StatusOr<CsvImportResult> ImportCsv(DB& db,
                                          const CsvImportOptions& options);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_IMPORT_CSV_H_
