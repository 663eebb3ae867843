// The report's pictures: the overview timeline (plain SVG) and the Graphviz
// graphs of a list's lineage and of the dependencies.
#ifndef CRITGRAPH_IO_REPORT_PICTURES_H_
#define CRITGRAPH_IO_REPORT_PICTURES_H_

#include <string>

#include "absl/status/statusor.h"
#include "io/report_model.h"

namespace critgraph::io::report {

// Every list a row, every version a dot at its date with its entry count
// and +added / -removed. An SVG document.
std::string TimelineSvg(const Model& model);

// Alluvial picture of one list: a column per version; entries that were
// added, removed, renamed, split or merged drawn one by one, the rest of a
// column as one "N unchanged" block; flows between columns as wide as the
// entries they carry, lineage events coloured. DOT for RenderDotToSvg.
std::string LineageDot(const ListReport& list);

// Materials -> the technologies that depend on them.
std::string DependenciesDot(const Model& model);

}  // namespace critgraph::io::report

#endif  // CRITGRAPH_IO_REPORT_PICTURES_H_
