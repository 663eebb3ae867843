// ApplyChange (critgraph/change.h): one change-stream op through a
// transaction. Here, below io/, because merges and drafts apply patches too.
#include "critgraph/change.h"
#include "critgraph/transaction.h"

namespace critgraph {

absl::Status ApplyChange(Transaction& txn, const ChangeOp& op) {
  switch (op.kind) {
    case ChangeOp::Kind::kNode:
      return txn.PutNode(op.node);
    case ChangeOp::Kind::kEdge:
      return txn.PutEdge(op.edge);
    case ChangeOp::Kind::kDeleteNode:
      return txn.DeleteNode(op.key);
    case ChangeOp::Kind::kDeleteEdge:
      return txn.DeleteEdge(op.edge.from, op.edge.type, op.edge.to);
    case ChangeOp::Kind::kRegisterNodeKind:
      return txn.RegisterNodeKind(op.name);
    case ChangeOp::Kind::kRegisterEdgeType:
      return txn.RegisterEdgeType(op.name);
    case ChangeOp::Kind::kCommit:
      return absl::InvalidArgumentError(
          "a commit op cannot be applied inside a transaction");
  }
  return absl::InternalError("unknown op");
}

}  // namespace critgraph
