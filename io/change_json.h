// The "what changed" parts of the diff and history outputs, in one place:
// the JSON "changes" object of a modified node or edge, and the indented
// text lines under a "~ node" / "~ edge" line. Internal to io/.
#ifndef CRITGRAPH_IO_CHANGE_JSON_H_
#define CRITGRAPH_IO_CHANGE_JSON_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "critgraph/diff.h"

namespace critgraph::io {

// {"kind":{"old":..,"new":..},"names":{"<lang>":{"old":..,"new":..}},
//  "props":{"<name>":{"old":..,"new":..}}}: "kind" only when it changed,
// "names" and "props" only when non-empty; absent values are null.
void AppendNodeChangesJson(std::string* out, const NodeChange& change);
// {"props":{...}}, or {} when no property changed.
void AppendPropChangesJson(std::string* out,
                           const std::vector<PropertyChange>& props);
// {"old":..,"new":..} of two optional strings (absent: null).
void AppendStringOldNewJson(std::string* out,
                            const std::optional<std::string>& before,
                            const std::optional<std::string>& after);

// One line per changed kind, name and property, each starting with
// `indent`: `kind: a -> b`, `name en: "x" -> "y"`, `p: 1 -> 2` (absent:
// "(none)").
void PrintNodeChangeLines(std::ostream& out, const NodeChange& change,
                          const std::string& indent);
void PrintPropChangeLines(std::ostream& out,
                          const std::vector<PropertyChange>& props,
                          const std::string& indent);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_CHANGE_JSON_H_
