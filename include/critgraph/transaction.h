// The single write transaction of a database.
#ifndef CRITGRAPH_TRANSACTION_H_
#define CRITGRAPH_TRANSACTION_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/types.h"

namespace critgraph {

// Stages changes on top of HEAD and commits them as one new revision.
//
// Every operation validates its input against the transaction's own view
// (HEAD plus the changes staged so far) and, on error, changes nothing:
// InvalidArgument for a bad key, name, property, unknown kind or edge type,
// or an edge whose endpoint does not exist; NotFound for deleting what does
// not exist. After Commit or Rollback the transaction is finished and every
// further call returns FailedPrecondition.
//
// Staged changes are invisible to readers until Commit returns. Large
// transactions spill to disk in chunks (Options::txn_chunk_bytes); the chunks
// stay invisible until the final atomic head update, and are removed on
// rollback or at the next open after a crash.
//
// Destroying an uncommitted transaction rolls it back. Not thread-safe: use a
// transaction from one thread at a time. Must not outlive its DB.
class Transaction {
 public:
  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  virtual ~Transaction() = default;

  // The revision this transaction will create if it commits.
  virtual Revision pending_revision() const = 0;

  // Inserts or replaces the node `node.key` (names and props are replaced
  // whole).
  virtual absl::Status PutNode(const Node& node) = 0;
  // Deletes the node and every edge into or out of it.
  virtual absl::Status DeleteNode(std::string_view key) = 0;
  // Inserts or replaces the edge (from, type, to); both endpoints must exist.
  virtual absl::Status PutEdge(const Edge& edge) = 0;
  virtual absl::Status DeleteEdge(std::string_view from, std::string_view type,
                                  std::string_view to) = 0;

  // Registers a new node kind or edge type, visible from this revision on.
  // Registering an existing name is a no-op. Names: [a-z0-9_]{1,64}, starting
  // with a letter.
  virtual absl::Status RegisterNodeKind(std::string_view name) = 0;
  virtual absl::Status RegisterEdgeType(std::string_view name) = 0;

  // Reads through the transaction's view.
  virtual absl::StatusOr<Node> GetNode(std::string_view key) = 0;

  // Atomically and durably creates the new revision. Returns its number.
  // InvalidArgument for bad CommitInfo (effective date, tag name),
  // AlreadyExists for a tag that exists; in both cases nothing is committed
  // and the transaction stays open so the caller can fix and retry.
  virtual absl::StatusOr<Revision> Commit(const CommitInfo& info) = 0;

  // Discards everything staged.
  virtual void Rollback() = 0;
};

}  // namespace critgraph

#endif  // CRITGRAPH_TRANSACTION_H_
