// The report `critgraph demo` prints about the bundled dataset.
#ifndef CRITGRAPH_TOOLS_DEMO_REPORT_H_
#define CRITGRAPH_TOOLS_DEMO_REPORT_H_

#include <ostream>

#include "absl/status/status.h"
#include "critgraph/db.h"

namespace critgraph::cli {

// Prints the revision log, each list's changes between consecutive versions
// (scoped diffs), the foreign-list entries Japan's 20 areas map to, and the
// K Program technologies that depend on critical minerals or permanent
// magnets (a reach query). Deterministic for a given database content.
absl::Status PrintDemoReport(const DB& db, std::ostream& out);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_DEMO_REPORT_H_
