// The merge and rebase report (critgraph/draft.h MergeReport) as text for
// people and as JSON, for `critgraph merge`, `draft rebase` and Python.
// Every conflict shows the entity at base, head and draft as change-stream
// lines (critgraph/io/change_stream.h), so a line can be copied into a
// resolution file as it is.
#ifndef CRITGRAPH_IO_MERGE_FORMAT_H_
#define CRITGRAPH_IO_MERGE_FORMAT_H_

#include <ostream>
#include <string>

#include "critgraph/draft.h"

namespace critgraph::io {

// `verb`: "merge" or "rebase". One JSON object, no trailing newline:
// {"draft","operation","base","head","draft_head","dry_run","committed",
//  "digest","nodes":{added,removed,modified},"edges":{...},"unresolved",
//  "conflicts":[{"kind","entity","key","edge","fields","resolution",
//                "base","head","draft"}]}
// where base/head/draft are change-stream ops (absent: a del_node /
// del_edge op) and committed/digest are null when nothing was committed.
std::string MergeReportJson(const MergeReport& report, std::string_view verb);

void PrintMergeReportText(std::ostream& out, const MergeReport& report,
                          std::string_view verb);

// The change-stream line setting `conflict`'s entity to its state on one
// side ("base", "head" or "draft"): an upsert, or a deletion when absent.
std::string ConflictSideLine(const MergeConflict& conflict,
                             std::string_view side);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_MERGE_FORMAT_H_
