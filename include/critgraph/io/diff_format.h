// Output formats of a DiffResult (`critgraph diff --format text|json|jsonl|
// dot`, Python's Diff.to_json/to_patch) and the DiffStat summaries used by
// `diff --stat` and `log --stat`.
#ifndef CRITGRAPH_IO_DIFF_FORMAT_H_
#define CRITGRAPH_IO_DIFF_FORMAT_H_

#include <optional>
#include <ostream>
#include <string>

#include "critgraph/diff.h"
#include "critgraph/lineage.h"

namespace critgraph::io {

// The JSON form printed by `critgraph diff --format json`; one line, no
// trailing newline, every list sorted:
//   {"from":A,"to":B,
//    "nodes":{"added":["key",...],"removed":[...],
//             "modified":[{"key":"k","changes":{
//                 "kind":{"old":"x","new":"y"},
//                 "names":{"en":{"old":"..","new":".."}},
//                 "props":{"p":{"old":1,"new":2}}}}],
//             "added_nodes":[{"key":"k","kind":"x","names":{"en":".."}},...],
//             "removed_nodes":[...]},
//    "edges":{"added":[["from","type","to"],...],"removed":[...],
//             "modified":[{"edge":["f","t","to"],
//                          "changes":{"props":{...}}}]}}
// An absent old or new value is null; "kind", "names" and "props" appear
// only when something in them changed. Property values use the change
// stream's encoding (doubles always carry '.' or an exponent).
// "added_nodes" / "removed_nodes" repeat "added" / "removed" with each node's
// kind and names (the key lists stay for older readers).
std::string DiffJson(const DiffResult& diff);
// The same with the diff's lineage (DiffLineage) as a last member:
//   ...,"lineage":LINEAGE}  with LINEAGE = LineageJson(lineage).
std::string DiffJson(const DiffResult& diff,
                     const std::vector<LineageEvent>& lineage);
// [{"kind":"split"|"merged"|"renamed"|"replaced","from":[keys],"to":[keys],
//   "via":[keys] (only if any),
//   "names":{"en":{"old":"..","new":".."}} (same-key renames only)},...]
// in the order given (DiffLineage's).
std::string LineageJson(const std::vector<LineageEvent>& lineage);
// One event for people: "A split into B, C", "C merged from A, B",
// "A renamed to B", "K renamed: en \"old\" -> \"new\"", "A, B replaced by
// C, D", each followed by " (via X)" when the event passed through entries
// neither end holds.
std::string LineageText(const LineageEvent& event);

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
// The same with a lineage block after the counts, when `lineage` is not
// empty: "lineage: 2 split, 1 merged" then one "= " + LineageText line per
// event.
void PrintDiffText(std::ostream& out, const DiffResult& diff,
                   const std::vector<LineageEvent>& lineage,
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
