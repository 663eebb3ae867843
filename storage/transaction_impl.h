// The write transaction: staging, chunked spill to disk, and the commit
// protocol described in docs/ARCHITECTURE.md.
#ifndef CRITGRAPH_STORAGE_TRANSACTION_IMPL_H_
#define CRITGRAPH_STORAGE_TRANSACTION_IMPL_H_

#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "critgraph/transaction.h"
#include "storage/coding.h"
#include "storage/registry.h"

namespace critgraph::storage {

class DBImpl;

class TransactionImpl : public Transaction {
 public:
  TransactionImpl(DBImpl* db, Revision base, const Registry& registry,
                  NodeId next_node_id, TypeId next_type_id);
  ~TransactionImpl() override;

  Revision pending_revision() const override { return base_ + 1; }
  absl::Status PutNode(const Node& node) override;
  absl::Status DeleteNode(std::string_view key) override;
  absl::Status PutEdge(const Edge& edge) override;
  absl::Status DeleteEdge(std::string_view from, std::string_view type,
                          std::string_view to) override;
  absl::Status RegisterNodeKind(std::string_view name) override;
  absl::Status RegisterEdgeType(std::string_view name) override;
  absl::StatusOr<Node> GetNode(std::string_view key) override;
  absl::StatusOr<Revision> Commit(const CommitInfo& info) override;
  void Rollback() override;

 private:
  using EdgeTuple = std::tuple<NodeId, TypeId, NodeId>;

  absl::Status CheckNotFinished() const;
  // CheckNotFinished, and counts one operation against max_txn_ops.
  absl::Status CheckOpen();
  absl::Status Register(std::string_view name, bool edge_type);
  // The id of `key`, allocating one if `create` and the key is new.
  absl::StatusOr<std::optional<NodeId>> IdOf(std::string_view key,
                                             bool create);
  // The node's record in this transaction's view, or nullopt if absent.
  absl::StatusOr<std::optional<std::string>> ViewNode(NodeId id);
  absl::StatusOr<bool> ViewEdgeExists(const EdgeTuple& e);
  void StageEdge(const EdgeTuple& e, std::optional<std::string> record);
  absl::Status MaybeFlush();
  // Writes everything staged to disk at the pending revision, invisibly.
  absl::Status Flush();
  absl::Status ValidateCommitInfo(const CommitInfo& info) const;
  void Finish(bool leftovers);

  DBImpl* const db_;
  const Revision base_;
  Registry registry_;  // the database's registry plus this transaction's
  std::vector<RegistryEntry> registrations_;
  TypeId next_type_id_;
  NodeId next_node_id_;
  bool finished_ = false;
  bool flushed_ = false;  // something of this transaction is on disk

  absl::btree_map<NodeId, std::optional<std::string>> nodes_;
  absl::btree_map<EdgeTuple, std::optional<std::string>> edges_;
  absl::btree_set<EdgeTuple> staged_in_;  // (to, type, from) of edges_
  absl::flat_hash_map<std::string, NodeId> new_ids_;  // not yet on disk
  size_t staged_bytes_ = 0;
  uint64_t ops_ = 0;  // operations staged, for Options::max_txn_ops
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_TRANSACTION_IMPL_H_
