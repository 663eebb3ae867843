// Snapshot of one revision, plus the id-level fast paths the engine uses.
#ifndef CRITGRAPH_STORAGE_SNAPSHOT_IMPL_H_
#define CRITGRAPH_STORAGE_SNAPSHOT_IMPL_H_

#include <memory>
#include <optional>

#include "critgraph/snapshot.h"
#include "storage/db_impl.h"
#include "storage/iterator_pool.h"
#include "storage/keys.h"
#include "storage/registry.h"

namespace critgraph::storage {

class SnapshotImpl final : public Snapshot {
 public:
  SnapshotImpl(const DBImpl* db, RevisionInfo info,
               std::shared_ptr<const Registry> registry)
      : db_(db),
        info_(std::move(info)),
        registry_(std::move(registry)),
        pool_(db),
        live_(db->live_snapshots()) {
    live_->Opened(info_.number);
  }
  ~SnapshotImpl() override { live_->Closed(info_.number); }

  Revision revision() const override { return info_.number; }
  const RevisionInfo& info() const override { return info_; }
  absl::StatusOr<Node> GetNode(std::string_view key) const override;
  absl::StatusOr<bool> HasNode(std::string_view key) const override;
  absl::StatusOr<Edge> GetEdge(std::string_view from, std::string_view type,
                               std::string_view to) const override;
  absl::StatusOr<std::vector<Edge>> OutEdges(
      std::string_view key, absl::Span<const std::string> types) const override;
  absl::StatusOr<std::vector<Edge>> InEdges(
      std::string_view key, absl::Span<const std::string> types) const override;
  absl::StatusOr<std::vector<Node>> NodesOfKind(
      std::string_view kind) const override;
  absl::Status ForEachNode(
      const std::function<absl::Status(const Node&)>& fn) const override;
  absl::Status ForEachEdge(
      const std::function<absl::Status(const Edge&)>& fn) const override;
  absl::Status ForEachNodeView(
      const std::function<absl::Status(const NodeView&)>& fn) const override;
  absl::Status ForEachEdgeView(
      const std::function<absl::Status(const EdgeView&)>& fn) const override;
  std::vector<std::string> NodeKinds() const override;
  std::vector<std::string> EdgeTypes() const override;

  // ---- Id-level access for the engine. ----
  // Calls fn(id, key, verified raw record) for every node alive at this
  // revision, in key order; the views live until fn returns. A sequential
  // pass (storage/snapshot_scan.cc), not a lookup per node.
  absl::Status ForEachLiveNode(
      const std::function<absl::Status(NodeId id, std::string_view key,
                                       std::string_view raw)>& fn) const;
  const DBImpl& db() const { return *db_; }
  // Keeps `owner` (the DB this snapshot reads) open for the snapshot's
  // lifetime: a draft's snapshot (storage/draft_store.h) is the only
  // reference to its database.
  void KeepAlive(std::shared_ptr<const DB> owner) { owner_ = std::move(owner); }
  const Registry& registry() const { return *registry_; }
  // The id of `key` if the node exists at this revision, else nullopt.
  absl::StatusOr<std::optional<NodeId>> FindNode(std::string_view key) const;

 private:
  // Positions `it` (a pooled `nodes` iterator) on the version of `id`
  // visible here. Returns false if the node does not exist at this
  // revision; else `*raw` views the unverified record (valid until `it`
  // moves) and `*found_rev` is the revision that wrote it.
  absl::StatusOr<bool> SeekNode(rocksdb::Iterator* it, NodeId id,
                                std::string_view* raw,
                                Revision* found_rev) const;
  // As FindNode, through a pooled `nodes` iterator; verifies the record.
  absl::StatusOr<std::optional<NodeId>> FindNodeWith(
      rocksdb::Iterator* it, std::string_view key) const;
  absl::StatusOr<std::vector<Edge>> Edges(std::string_view key,
                                          absl::Span<const std::string> types,
                                          bool outgoing) const;

  // Declared first, destroyed last: after every member reading it.
  std::shared_ptr<const DB> owner_;
  const DBImpl* db_;
  const RevisionInfo info_;
  const std::shared_ptr<const Registry> registry_;
  // Iterators reused by point and neighbour reads (thread-safe).
  const IteratorPool pool_;
  // Shared with the DB: outlives it if this snapshot does.
  const std::shared_ptr<LiveSnapshots> live_;
};

// The one path from a public handle to its implementation. DB and Snapshot
// have private constructors whose only friends are DBImpl and SnapshotImpl
// (include/critgraph/db.h, snapshot.h), so every DB is a DBImpl and every
// Snapshot a SnapshotImpl: the downcasts below cannot go wrong, and no
// caller needs a runtime check.
inline const DBImpl& Impl(const DB& db) {
  return static_cast<const DBImpl&>(db);
}
inline const SnapshotImpl& Impl(const Snapshot& snapshot) {
  return static_cast<const SnapshotImpl&>(snapshot);
}

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_SNAPSHOT_IMPL_H_
