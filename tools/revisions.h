// Revision names on the command line and revision labels in output.
#ifndef CRITGRAPH_TOOLS_REVISIONS_H_
#define CRITGRAPH_TOOLS_REVISIONS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "critgraph/db.h"

namespace critgraph::cli {

// DB::Resolve with messages for people: NotFound "unknown revision 'X'"
// (exit 1), InvalidArgument for a malformed name (exit 2).
absl::StatusOr<Revision> ResolveRevision(const DB& db, const std::string& name);

// The snapshot `name` names: a revision name (ResolveRevision's messages)
// or "draft:NAME", a draft's newest commit (critgraph/draft.h).
absl::StatusOr<std::unique_ptr<Snapshot>> SnapshotAt(const DB& db,
                                                     const std::string& name);

// RevisionLabel for a revision of main; "draft:NAME (draft revision 5)" for
// a draft's snapshot (`rev` is then the draft database's revision).
std::string AtLabel(const DB& db, const std::string& name, Revision rev);

// "12" or "12 (curated-links)" (tags joined with ", ").
std::string RevisionLabel(const DB& db, Revision rev);

// Commit time as "YYYY-MM-DDTHH:MM:SSZ" (UTC).
std::string FormatTime(int64_t micros);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_REVISIONS_H_
