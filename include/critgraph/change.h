// The change stream: critgraph's native import format and the diff patch
// format. One operation per JSON line; see docs/FORMATS.md.
//
//   {"op":"node","key":"us-cet/ai","kind":"foreign_list_entry",
//    "names":{"en":"Artificial Intelligence"},"props":{"rank":6}}
//   {"op":"edge","from":"us-cet/ai","type":"part_of","to":"us-cet","props":{}}
//   {"op":"del_node","key":"..."}
//   {"op":"del_edge","from":"...","type":"...","to":"..."}
//   {"op":"commit","message":"...","tag":"us-cet-2024",
//    "effective":"2024-02-12","author":"..."}
//   {"op":"register","node_kind":"organization"}
//   {"op":"register","edge_type":"funds"}
#ifndef CRITGRAPH_CHANGE_H_
#define CRITGRAPH_CHANGE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/transaction.h"
#include "critgraph/types.h"

namespace critgraph {

struct ChangeOp {
  enum class Kind : uint8_t {
    kNode,              // upsert `node` (names and props replaced whole)
    kEdge,              // upsert `edge`
    kDeleteNode,        // delete node `key` and its edges
    kDeleteEdge,        // delete edge `edge.from/type/to`
    kCommit,            // close a revision with `commit`
    kRegisterNodeKind,  // register `name`
    kRegisterEdgeType,  // register `name`
  };
  Kind kind = Kind::kNode;
  Node node;
  Edge edge;
  std::string key;
  std::string name;
  CommitInfo commit;

  friend bool operator==(const ChangeOp&, const ChangeOp&) = default;
};

// Lines longer than this are refused by ParseChangeLine.
inline constexpr size_t kMaxChangeLineBytes = size_t{32} << 20;

// Parses one JSON line (without its newline). InvalidArgument naming the
// reason for malformed JSON, an unknown "op" or field, a missing or wrongly
// typed field, invalid UTF-8, or a property value that is not a string,
// integer, number, bool or array of strings. Integers become int64, other
// numbers double. Does not check keys, kinds or dates against a database.
absl::StatusOr<ChangeOp> ParseChangeLine(std::string_view line);

// Serializes one op as a single JSON line without the trailing newline.
// Deterministic: names and props in key order, doubles in shortest
// round-trip form (always with a '.' or exponent so they re-parse as double).
std::string ToChangeLine(const ChangeOp& op);

// Applies one non-commit op to `txn`. InvalidArgument for kCommit.
absl::Status ApplyChange(Transaction& txn, const ChangeOp& op);

// Appends `s` to `out` as a JSON string literal (quotes included).
void AppendJsonString(std::string* out, std::string_view s);

// Appends a property value as JSON: string, integer, number (shortest
// round-trip form, always with '.' or an exponent), boolean, or array of
// strings — the encoding the change stream uses.
void AppendJsonValue(std::string* out, const PropertyValue& v);

}  // namespace critgraph

#endif  // CRITGRAPH_CHANGE_H_
