// Output formats of a node's history (critgraph::History): the JSON printed
// by `critgraph history --json` (and parsed by Python's DB.history) and the
// text for people.
#ifndef CRITGRAPH_IO_HISTORY_FORMAT_H_
#define CRITGRAPH_IO_HISTORY_FORMAT_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "critgraph/history.h"

namespace critgraph::io {

// One JSON document, one line, no trailing newline (docs/FORMATS.md,
// "history --json"):
//   {"key":K,"at":R,"edges":bool,"follow":bool,"history":[ENTRY,...]}
// ENTRY, in the order of `entries`:
//   {"revision":N,"tags":[..],"effective":"YYYY-MM-DD"|null,"message":..,
//    "author":..,"subject":..,"lineage":[K,..],"action":"added"|"removed"|
//    "modified", then for a node "entity":"node","key":..,"kind":..,
//    "changes":{"kind"?,"names"?,"props"?} and for an edge "entity":"edge",
//    "edge":[from,type,to],"changes":{"props"?}, and "lineage_step":true
//    on a lineage step}.
// "changes" is a diff's changes object (absent values null): an added
// entity lists every name and property with "old":null.
std::string HistoryJson(std::string_view key, Revision at,
                        const HistoryOptions& options,
                        const std::vector<HistoryEntry>& entries);

// For people: a header line naming `key` and `at_label` (e.g. "12
// (curated-links)"), then per revision (newest first) a line
// "revision N (tags)  effective D  message" and its changes, "+"/"-"/"~"
// node or edge lines with each name and property change indented under
// them. Entries of a superseded node say which lineage they come through;
// a lineage step is marked. ANSI colours if `colour`.
void PrintHistoryText(std::ostream& out, std::string_view key,
                      const std::string& at_label,
                      const std::vector<HistoryEntry>& entries, bool colour);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_HISTORY_FORMAT_H_
