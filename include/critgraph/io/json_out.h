// JSON writing helpers for the JSON outputs (strings via
// io::AppendJsonString, typed property values, nodes and edges), and the
// plain-text forms of values and names that the text outputs share.
#ifndef CRITGRAPH_IO_JSON_OUT_H_
#define CRITGRAPH_IO_JSON_OUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/snapshot.h"
#include "critgraph/types.h"

namespace critgraph::io {

// Shortest round-trip form of a double, always with '.' or an exponent.
std::string FormatDouble(double d);

// {"name":value,...} in name order.
void AppendProps(std::string* out, const Properties& props);
// {"lang":"text",...} in tag order.
void AppendNames(std::string* out, const Names& names);
// [ "a", "b" ]
void AppendStringArray(std::string* out, const std::vector<std::string>& v);
// {"key":...,"kind":...,"names":{...},"props":{...}}
void AppendNode(std::string* out, const Node& node);
// {"from":...,"type":...,"to":...,"props":{...}}
void AppendEdge(std::string* out, const Edge& edge);
// ["from","type","to"]
void AppendEdgeId(std::string* out, const EdgeId& id);

// A property value for people: strings as is, lists as [a, b].
std::string PropertyText(const PropertyValue& v);

// The display name of a node: "en", else "ja", else the first, else "".
std::string DisplayName(const Node& node);

// The display names of the nodes `keys` at `snap`, in the same order: ""
// for a node without names or a key with no node at that revision. Reads
// each node by key when the keys are few next to the revision's node count,
// else makes one pass over the revision's nodes (a reach or a list that
// spans most of the graph: one sequential read instead of a lookup per
// node). Errors are the snapshot's read errors (e.g. DataLoss naming the
// record).
absl::StatusOr<std::vector<std::string>> DisplayNames(
    const Snapshot& snap, const std::vector<std::string_view>& keys);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_JSON_OUT_H_
