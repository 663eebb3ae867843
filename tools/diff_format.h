// Output formats of `critgraph diff` (text, json, jsonl patch, dot) and the
// DiffStat summaries used by `diff --stat` and `log --stat`.
#ifndef CRITGRAPH_TOOLS_DIFF_FORMAT_H_
#define CRITGRAPH_TOOLS_DIFF_FORMAT_H_

#include <ostream>
#include <string>

#include "critgraph/diff.h"

namespace critgraph::cli {

// {"nodes":{"added":a,"removed":r,"modified":m},"edges":{...},
//  "nodes_by_kind":{"kind":{...}},"edges_by_type":{"type":{...}}}
std::string DiffStatJson(const DiffStat& stat);
// "nodes +a -r ~m, edges +a -r ~m" then one indented line per kind / type.
void PrintDiffStatText(std::ostream& out, const DiffStat& stat,
                       const std::string& indent);

// For people: a header, counts, then one line per change ("+ node", "- edge",
// "~ node" with its name/prop changes indented). ANSI colours if `colour`.
void PrintDiffText(std::ostream& out, const DiffResult& diff,
                   const std::string& from_label, const std::string& to_label,
                   bool colour);

// The patch: ToPatch() as change lines, then a commit line with `message`.
std::string DiffPatchJsonl(const DiffResult& diff, const std::string& message);

// A Graphviz digraph of the changes: added green, removed red, modified
// orange; unchanged endpoints of changed edges grey.
std::string DiffDot(const DiffResult& diff);

// "old" -> "new" for people; absent values print as "(none)".
std::string ChangeText(const std::optional<PropertyValue>& before,
                       const std::optional<PropertyValue>& after);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_DIFF_FORMAT_H_
