// Revision names on the command line and revision labels in output.
#ifndef CRITGRAPH_TOOLS_REVISIONS_H_
#define CRITGRAPH_TOOLS_REVISIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "critgraph/db.h"

namespace critgraph::cli {

// DB::Resolve with messages for people: NotFound "unknown revision 'X'"
// (exit 1), InvalidArgument for a malformed name (exit 2).
absl::StatusOr<Revision> ResolveRevision(const DB& db, const std::string& name);

// "12" or "12 (curated-links)" (tags joined with ", ").
std::string RevisionLabel(const DB& db, Revision rev);

// Commit time as "YYYY-MM-DDTHH:MM:SSZ" (UTC).
std::string FormatTime(int64_t micros);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_REVISIONS_H_
