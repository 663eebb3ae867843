// One operation of the change stream, critgraph's native import format and
// the diff patch format (one operation per JSON line; see docs/FORMATS.md).
// Parsing, serializing and applying ops: critgraph/io/change_stream.h
// (library critgraph::critgraph_io).
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

#include <cstdint>
#include <string>

#include "absl/status/status.h"
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

class Transaction;

// Applies one non-commit op to `txn` (its errors: critgraph/transaction.h).
// InvalidArgument for kCommit.
absl::Status ApplyChange(Transaction& txn, const ChangeOp& op);

}  // namespace critgraph

#endif  // CRITGRAPH_CHANGE_H_
