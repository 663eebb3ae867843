// A self-contained report of how the lists evolved (`critgraph report`,
// Python `critgraph.report`, the demo's critgraph-report.html;
// docs/REPORT.md): an overview timeline of every list's versions, per list
// a lineage picture and a change table per version, the crosswalk matrix and
// per-pair tables, the materials -> technologies dependencies, and a footer
// citing the revision and its digest.
//
// A list's versions are the revisions that changed it
// (ListChangeRevisions, critgraph/lists.h), up to the report's revision.
// Lineage between two versions is DiffLineage of the list-scoped diff;
// crosswalk counts are io::CrosswalkAll's (the same as `critgraph
// crosswalk A --all`).
//
// The HTML has no script and fetches nothing: styles and pictures are
// inline. Graph pictures are laid out by Graphviz (libgvc) in-process and
// embedded as SVG; the timeline is plain SVG, the matrix an HTML table.
//
// Errors: NotFound for an unknown revision or list (naming it), the errors
// of the reads, Internal if Graphviz fails to lay out a picture.
// Thread-safety: as Snapshot; Graphviz calls are serialized inside.
#ifndef CRITGRAPH_IO_REPORT_H_
#define CRITGRAPH_IO_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/io/crosswalk.h"
#include "critgraph/lineage.h"

namespace critgraph::io {

struct ReportOptions {
  Revision at = 0;                 // 0 = HEAD
  std::vector<std::string> lists;  // empty = every list at `at`
  // "YYYY-MM-DD": only versions effective on or after it (the version
  // before it stays as the baseline of the first change). "" = all.
  std::string since;
  // The footer's generation time; "" = now (UTC). Tests fix it.
  std::string generated_at;
};

// The report as one HTML document.
absl::StatusOr<std::string> ReportHtml(const DB& db,
                                       const ReportOptions& options);

// The report as Markdown; pictures are separate SVG files that the
// Markdown links to by file name.
struct MarkdownReport {
  std::string markdown;
  // (file name, SVG document), in the order the Markdown links them.
  std::vector<std::pair<std::string, std::string>> pictures;
};
absl::StatusOr<MarkdownReport> ReportMarkdown(const DB& db,
                                              const ReportOptions& options);

// One diff as an HTML document (`critgraph diff --format html`, Python's
// Diff._repr_html_ uses DiffHtmlFragment): counts, the lineage, and tables
// of added, removed and modified nodes with English and Japanese names.
std::string DiffHtml(const DiffResult& diff,
                     const std::vector<LineageEvent>& lineage,
                     const std::string& from_label,
                     const std::string& to_label);
std::string DiffHtmlFragment(const DiffResult& diff,
                             const std::vector<LineageEvent>& lineage,
                             const std::string& from_label,
                             const std::string& to_label);

// One crosswalk table as an HTML fragment (a <div> with its own styles),
// unmapped entries highlighted: Python's crosswalk _repr_html_.
std::string CrosswalkHtmlFragment(const CrosswalkTable& table);

// A Graphviz DOT graph laid out with `engine` ("dot") and rendered to an
// SVG document, in-process. Internal naming `what` if Graphviz rejects it.
absl::StatusOr<std::string> RenderDotToSvg(const std::string& dot,
                                           const std::string& what);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_REPORT_H_
