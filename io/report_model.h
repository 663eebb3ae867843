// The facts a report shows, read once from the database; the HTML and
// Markdown writers (io/report_html.cc, io/report_markdown.cc) only format.
#ifndef CRITGRAPH_IO_REPORT_MODEL_H_
#define CRITGRAPH_IO_REPORT_MODEL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/io/crosswalk.h"
#include "critgraph/io/report.h"
#include "critgraph/lineage.h"

namespace critgraph::io::report {

struct ListVersion {
  Revision rev = 0;
  std::string label;                    // the revision's first tag, else "rN"
  std::string date;                     // effective date, else the commit date
  std::map<std::string, Node> entries;  // by key
  std::map<std::string, uint64_t> by_kind;
  uint64_t headline = 0;  // entries of the list's headline kind
};

// versions[i-1] -> versions[i] (for i == 0: from nothing).
struct VersionChange {
  DiffResult diff;
  std::vector<LineageEvent> lineage;
  int64_t added = 0, removed = 0;  // headline-kind entries
};

struct ListReport {
  std::string key;
  Node node;
  // The most numerous entry kind at the newest version ("technology" for
  // the K Program, whose domains group them): its counts head the overview.
  std::string headline_kind;
  std::vector<ListVersion> versions;
  std::vector<VersionChange> changes;  // changes[i] leads to versions[i]
};

struct Dependency {
  Node from, to;  // from depends_on to
};

struct Model {
  RevisionInfo info;
  std::string revision_label;  // "12 (curated-links)"
  std::string generated_at;
  std::vector<ListReport> lists;
  std::vector<CrosswalkMatrix> matrices;  // one per list, lists' order
  std::vector<CrosswalkTable> pairs;      // A < B with at least one link
  std::vector<Dependency> dependencies;   // technology -> material
};

absl::StatusOr<Model> BuildModel(const DB& db, const ReportOptions& options);

// Node display helpers shared by the writers.
std::string NameIn(const Node& node, const std::string& lang);
std::string EnglishName(const Node& node);  // en, else the display name

}  // namespace critgraph::io::report

#endif  // CRITGRAPH_IO_REPORT_MODEL_H_
