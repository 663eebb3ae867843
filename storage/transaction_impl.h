// The write transaction: staging, chunked spill to disk, and the commit
// protocol described in docs/ARCHITECTURE.md.
#ifndef CRITGRAPH_STORAGE_TRANSACTION_IMPL_H_
#define CRITGRAPH_STORAGE_TRANSACTION_IMPL_H_

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "critgraph/transaction.h"
#include "storage/keys.h"
#include "storage/new_node_states.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "storage/registry.h"
#include "storage/sorted_runs.h"
#include "storage/written_filter.h"

namespace critgraph::storage {

class DBImpl;

// A revision's running change counts within one type; signed because a
// later chunk of the revision may take back what an earlier one counted.
struct ChangeTally {
  int64_t added = 0, removed = 0, modified = 0;
};

class TransactionImpl : public Transaction {
 public:
  TransactionImpl(DBImpl* db, const RevisionInfo& base,
                  const Registry& registry, NodeId next_node_id,
                  TypeId next_type_id);
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
  absl::StatusOr<Revision> Seal(const CommitInfo& info) override;
  absl::StatusOr<Revision> Publish() override;
  size_t sealed_revisions() const override { return sealed_.size(); }
  void Rollback() override;

 private:
  using EdgeTuple = std::tuple<NodeId, TypeId, NodeId>;
  // A staged version: the encoded record (nullopt = delete) and the digest
  // of its canonical form, computed while the public value is at hand.
  struct StagedNode {
    std::optional<std::string> record;
    TypeId kind = 0;
    Digest digest;
  };
  struct StagedEdge {
    std::optional<std::string> record;
    Digest digest;
  };

  absl::Status CheckNotFinished() const;
  // CheckNotFinished, and counts one operation against max_txn_ops.
  absl::Status CheckOpen();
  absl::Status Register(std::string_view name, bool edge_type);
  // The id of `key`, allocating one if `create` and the key is new.
  absl::StatusOr<std::optional<NodeId>> IdOf(std::string_view key, bool create);
  // Whether node `id` exists in this transaction's view.
  absl::StatusOr<bool> ViewNodeExists(NodeId id);
  absl::StatusOr<bool> ViewEdgeExists(const EdgeTuple& e);
  void StageEdge(const EdgeTuple& e, StagedEdge staged);
  void NoteAlive(NodeId id);
  bool IsNewId(NodeId id) const { return id >= first_new_id_; }
  // Whether an entity is known to be absent from disk: it involves an id
  // this transaction allocated and none of its chunks wrote it.
  bool KnownAbsent(NodeId id) const;
  bool KnownAbsent(const EdgeTuple& e) const;
  absl::Status MaybeFlush();
  class NodeSpillOps;
  class EdgeSpillOps;
  template <typename Ops>
  absl::Status Spill(const std::optional<std::string>& staged,
                     const Digest& staged_digest, bool known_absent,
                     int64_t* count, Ops& ops);
  // Makes kind_counts_/edge_type_counts_ those of the base revision by one
  // scan of it, for a base written before per-type counts were stored.
  absl::Status ScanBaseTypeCounts();
  // Writes everything staged to disk at the pending revision, invisibly,
  // and folds it into the running digest, counts and kind index.
  absl::Status Flush();
  absl::StatusOr<std::string> KeyOf(NodeId id);
  absl::Status ValidateCommitInfo(const CommitInfo& info) const;
  // Rolls back and names the revision whose commit failed.
  absl::Status FailCommit(const absl::Status& st);
  void Finish(bool leftovers);

  DBImpl* const db_;
  const Revision head_;  // HEAD when the transaction began
  Revision base_;        // the revision below the pending one (HEAD or sealed)
  Registry registry_;    // the database's registry plus this transaction's
  std::vector<RegistryEntry> registrations_;
  TypeId next_type_id_;
  NodeId next_node_id_;
  const NodeId first_new_id_;  // ids >= this were allocated here
  bool finished_ = false;
  // Revisions sealed and not yet published, oldest first (tags included).
  std::vector<RevisionInfo> sealed_;
  int flushes_ = 0;  // chunks written to disk, over all sealed revisions
  // The nodes this transaction created that its chunks wrote (exact), and
  // the edges involving such a node that they wrote (a filter).
  NewNodeStates new_nodes_;
  WrittenFilter edges_written_;
  uint64_t ops_since_seal_ = 0;

  // The new revision's running totals, exact after every flush.
  Digest digest_;
  int64_t node_count_;
  int64_t edge_count_;
  uint64_t changes_ = 0;
  // Live nodes per kind and edges per edge type, by TypeId, exact after every
  // flush like the totals; carried from the base revision and across sealed
  // revisions. Unknown until the first flush when the base has none stored.
  bool type_counts_known_ = false;
  absl::flat_hash_map<TypeId, int64_t> kind_counts_;
  absl::flat_hash_map<TypeId, int64_t> edge_type_counts_;
  std::vector<RevisionTypeCounts> sealed_counts_;  // parallel to sealed_
  // What the pending revision changes against base_, per kind and per edge
  // type: exact after every flush like changes_, restarted at each seal.
  absl::flat_hash_map<TypeId, ChangeTally> kind_changes_;
  absl::flat_hash_map<TypeId, ChangeTally> edge_type_changes_;

  absl::btree_map<NodeId, StagedNode> nodes_;
  absl::btree_map<EdgeTuple, StagedEdge> edges_;
  absl::btree_set<EdgeTuple> staged_in_;  // (to, type, from) of edges_
  // Keys allocated here and not yet on disk; must be flushed before ids_ may
  // forget them.
  std::vector<std::pair<std::string, NodeId>> unflushed_keys_;
  absl::flat_hash_map<std::string, NodeId> ids_;  // bounded key -> id cache
  absl::flat_hash_set<NodeId> alive_;  // bounded: known to exist in the view
  absl::flat_hash_map<NodeId, std::string> keys_;  // bounded id -> key cache
  // Readers of the view on disk; recreated after each flush so they see it.
  std::unique_ptr<NodeReader> view_nodes_;
  std::unique_ptr<EdgeReader> view_edges_;
  size_t staged_bytes_ = 0;
  uint64_t ops_ = 0;  // operations staged, for Options::max_txn_ops
  // In-edge and kind-index writes of the pending revision, merged and
  // ingested at the seal, or before anything reads them back (DeleteNode's
  // scan of in-edges). A revision defers from its first chunk, if that chunk
  // is large, until the seal or such a read, and never again after: an
  // in-edge or kind-index key at P must be on disk exactly when its
  // change-log entry is (recovery and rollback find what to remove through
  // the change log), and a later chunk's change-log delete is written at
  // once, so it must never take back a write that reached the disk
  // differently.
  enum class Deferral { kUndecided, kOn, kOff };
  Deferral deferral_ = Deferral::kUndecided;
  SortedRuns deferred_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_TRANSACTION_IMPL_H_
