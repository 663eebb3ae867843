// Output formats of a DiffResult (`critgraph diff --format text|json|jsonl|
// dot`, Python's Diff.to_json/to_patch) and the DiffStat summaries used by
// `diff --stat` and `log --stat`.
#ifndef CRITGRAPH_IO_DIFF_FORMAT_H_
#define CRITGRAPH_IO_DIFF_FORMAT_H_

#include <optional>
#include <ostream>
#include <string>

#include "critgraph/diff.h"

namespace critgraph::io {

// The JSON form printed by `critgraph diff --format json`; one line, no
// trailing newline, every list sorted:
//   {"from":A,"to":B,
//    "nodes":{"added":["key",...],"removed":[...],
//             "modified":[{"key":"k","changes":{
//                 "kind":{"old":"x","new":"y"},
//                 "names":{"en":{"old":"..","new":".."}},
//                 "props":{"p":{"old":1,"new":2}}}}]},
//    "edges":{"added":[["from","type","to"],...],"removed":[...],
//             "modified":[{"edge":["f","t","to"],
//                          "changes":{"props":{...}}}]}}
// An absent old or new value is null; "kind", "names" and "props" appear
// only when something in them changed. Property values use the change
// stream's encoding (doubles always carry '.' or an exponent).
std::string DiffJson(const DiffResult& diff);

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

// ToPatch() as change lines, each ending in a newline, no commit line.
std::string DiffPatchLines(const DiffResult& diff);
// The patch: DiffPatchLines, then a commit line with `message`.
std::string DiffPatchJsonl(const DiffResult& diff, const std::string& message);

// A Graphviz digraph of the changes: added green, removed red, modified
// orange; unchanged endpoints of changed edges grey.
std::string DiffDot(const DiffResult& diff);

// "old" -> "new" for people; absent values print as "(none)".
std::string ChangeText(const std::optional<PropertyValue>& before,
                       const std::optional<PropertyValue>& after);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_DIFF_FORMAT_H_
