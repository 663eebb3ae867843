// The single write transaction of a database.
#ifndef CRITGRAPH_TRANSACTION_H_
#define CRITGRAPH_TRANSACTION_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/types.h"

namespace critgraph {

namespace storage {
class TransactionImpl;
}  // namespace storage

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
// Implemented only inside the library: the constructor is private, and
// storage::TransactionImpl, the one implementation, is its only friend.
// Obtain one from DB::Begin.
class Transaction {
 public:
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

  // Atomically and durably creates the new revision (after any sealed ones:
  // Seal(info) then Publish()). Returns its number.
  // InvalidArgument for bad CommitInfo (effective date, tag name),
  // AlreadyExists for a tag that exists; in both cases nothing is committed
  // and the transaction stays open so the caller can fix and retry.
  virtual absl::StatusOr<Revision> Commit(const CommitInfo& info) = 0;

  // Closes the pending revision without publishing it and begins the next
  // one on top of it: later operations are staged as the new
  // pending_revision(), one higher. Sealed revisions stay invisible to every
  // reader until Commit (or Publish) makes them visible together with one
  // durable head move; Rollback, destroying the transaction, or a crash
  // discards all of them. This is how a file holding many revisions is
  // imported all or nothing without copying the database.
  // Validates `info` as Commit does (InvalidArgument, or AlreadyExists also
  // for a tag an earlier sealed revision takes); on error nothing changes and
  // the transaction stays open. Returns the sealed revision's number.
  virtual absl::StatusOr<Revision> Seal(const CommitInfo& info) = 0;

  // Publishes the sealed revisions, atomically and durably, and finishes the
  // transaction; returns the newest. FailedPrecondition if nothing is sealed
  // or operations were staged after the last Seal (Commit or Rollback
  // them). If the final write fails, everything is rolled back.
  virtual absl::StatusOr<Revision> Publish() = 0;

  // Revisions sealed and not yet published.
  virtual size_t sealed_revisions() const = 0;

  // Discards everything staged and sealed.
  virtual void Rollback() = 0;

 private:
  friend class storage::TransactionImpl;
  Transaction() = default;
};

}  // namespace critgraph

#endif  // CRITGRAPH_TRANSACTION_H_
