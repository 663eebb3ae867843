// The RocksDB-backed implementation of critgraph::DB.
// Key layout, commit protocol and recovery: docs/ARCHITECTURE.md.
#ifndef CRITGRAPH_STORAGE_DB_IMPL_H_
#define CRITGRAPH_STORAGE_DB_IMPL_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "critgraph/db.h"
#include "critgraph/gc.h"
#include "rocksdb/db.h"
#include "storage/id_cache.h"
#include "storage/keys.h"
#include "storage/live_snapshots.h"
#include "storage/registry.h"
#include "util/mutex.h"

namespace critgraph::storage {

// Column families, in the order they are opened. Do not reorder.
enum class Cf : uint8_t {
  kDefault = 0,  // meta
  kNodes,
  kOutEdges,
  kInEdges,
  kKindIndex,
  kKeys,  // external key -> id
  kIds,   // id -> external key
  kChangelog,
  kRevisions,
  kTags,
  kRegistry,
  kCount,
};

class TransactionImpl;

class DBImpl : public DB {
 public:
  static absl::StatusOr<std::unique_ptr<DB>> OpenImpl(const std::string& path,
                                                      const Options& options,
                                                      bool read_only);
  ~DBImpl() override;

  absl::StatusOr<std::unique_ptr<Transaction>> Begin() override;
  Revision Head() const override {
    return head_.load(std::memory_order_acquire);
  }
  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      Revision rev) const override;
  using DB::GetSnapshot;
  absl::StatusOr<Revision> Resolve(std::string_view name) const override;
  absl::StatusOr<RevisionInfo> GetRevision(Revision rev) const override;
  std::vector<RevisionInfo> Log() const override;
  absl::Status Tag(std::string_view name, Revision rev, bool force) override;
  absl::Status DeleteTag(std::string_view name, bool force) override;
  absl::Status Verify(VerifyReport* report) const override;
  absl::StatusOr<Revision> Refresh() override;
  const std::string& path() const override { return path_; }
  bool read_only() const override { return read_only_; }
  bool follower() const override { return follow_; }
  // Whether a read-write open found an unfinished commit's leftovers above
  // HEAD (and removed them).
  bool had_pending_at_open() const { return had_pending_at_open_; }

  // ---- Internal interface for snapshots, transactions and the engine. ----
  // The latest effective date of the published revisions and the revision
  // carrying it (the newest such), or nullopt if none has a date. A new
  // commit dated before it is backdated.
  std::optional<std::pair<std::string, Revision>> LatestEffective() const;
  rocksdb::DB* rdb() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Cf c) const {
    return handles_[static_cast<size_t>(c)];
  }
  const Options& options() const { return options_; }
  std::shared_ptr<const Registry> registry() const;

  // The internal id of an external key, or nullopt if the key was never
  // used. Ids exist independently of revisions. Served from id_cache() when
  // it holds the mapping, else one bloom-filtered Get in `keys`.
  absl::StatusOr<std::optional<NodeId>> LookupId(std::string_view key) const;
  // The key of `id` (id_cache(), else one Get in `ids`); DataLoss if none.
  absl::StatusOr<std::string> KeyOf(NodeId id) const;
  // As KeyOf, into `*key` (reusing its buffer).
  absl::Status KeyOfInto(NodeId id, std::string* key) const;
  const IdCache& id_cache() const { return id_cache_; }

  // Chunking of whole-revision scans (storage/snapshot_scan.cc): keys per
  // chunk (a chunk's node records, ~100 B each, are held at once; a chunk
  // spanning many ids lets the scan step instead of seek), the bytes of
  // edges ForEachEdge buffers per chunk (fewer keys per chunk for high
  // degrees), and the most bytes of key -> id mappings ForEachEdge holds to
  // resolve edge targets from memory. Tests shrink them to reach every
  // path; not to be changed while snapshots of this DB are read.
  struct ScanLimits {
    size_t chunk_keys = 262144;
    size_t edge_buffer_bytes = size_t{64} << 20;
    // 16 B per key plus the key (~30 MB per 1M keys of 14 bytes): a
    // 10M-node revision's table fits; past it each edge target is a Get.
    size_t key_table_bytes = size_t{512} << 20;
  };
  const ScanLimits& scan_limits() const { return scan_limits_; }
  void SetScanLimitsForTesting(size_t chunk_keys,
                               size_t key_table_bytes) const {
    scan_limits_.chunk_keys = chunk_keys;
    scan_limits_.key_table_bytes = key_table_bytes;
  }
  // The raw node record visible at `rev`, or nullopt if the node does not
  // exist there. Verifies the record (DataLoss names key and revision).
  absl::StatusOr<std::optional<std::string>> ReadNodeRaw(NodeId id,
                                                         Revision rev) const;
  // The raw out-edge record visible at `rev`, or nullopt.
  absl::StatusOr<std::optional<std::string>> ReadEdgeRaw(NodeId from,
                                                         TypeId type, NodeId to,
                                                         Revision rev) const;
  // Decodes a verified raw node record into a public Node.
  // `rev` only names the revision in errors.
  absl::StatusOr<Node> MaterializeNode(std::string_view raw, NodeId id,
                                       Revision rev,
                                       const Registry& registry) const;
  absl::Status DataLoss(std::string_view what, NodeId id, Revision rev) const;

  // Changelog entries of one revision: calls fn(key) for each.
  absl::Status ForEachChange(
      Revision rev,
      const std::function<absl::Status(std::string_view key)>& fn) const;
  // Changelog entries of the revisions first..last, in one pass (revisions
  // removed by gc have none).
  absl::Status ForEachChangeIn(
      Revision first, Revision last,
      const std::function<absl::Status(std::string_view key)>& fn) const;

  // Open snapshots per revision (SnapshotImpl's constructor and destructor):
  // gc refuses to remove a revision a snapshot reads.
  // Open snapshots per revision; every SnapshotImpl registers with it.
  const std::shared_ptr<LiveSnapshots>& live_snapshots() const {
    return live_snapshots_;
  }

  // Retention (storage/gc.cc, include/critgraph/gc.h).
  absl::StatusOr<GcReport> RunGc(const GcRules& rules);

 private:
  friend class TransactionImpl;

  DBImpl(std::string path, const Options& options, bool read_only);
  absl::Status Init();
  absl::Status CreateNew();
  // What LoadState reads: the meta keys, the registry, the revision records
  // and the tags, as of one HEAD.
  struct State {
    Revision head = 0;
    Revision pending = 0;
    uint64_t next_node_id = 0;
    uint64_t next_type_id = 0;
    std::shared_ptr<Registry> registry;
    std::vector<RevisionInfo> revisions;                // 0 .. head
    std::map<std::string, Revision, std::less<>> tags;  // those <= head
    // Revisions removed by gc: number -> the marker's text (date, kept).
    std::map<Revision, std::string> removed;
    // The intent of an interrupted gc (meta `gc_pending`), if any.
    std::optional<std::string> gc_pending;
  };
  // Reads the state from RocksDB.
  absl::StatusOr<State> ReadState() const;
  // Publishes `state` to readers: the revision list, tags and registry
  // first, HEAD last.
  void InstallState(State state);
  // Reads and installs the state at open; a read-write open then removes
  // leftovers above HEAD.
  absl::Status LoadState();
  // Follower: TryCatchUpWithPrimary, retried while the writer deletes files
  // the follower was about to open. The caller holds refresh_mu_.
  absl::Status CatchUp() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(refresh_mu_);
  // Removes every record written above HEAD (at `first` and later) by an
  // unfinished or rolled-back transaction, then clears the pending marker.
  // Revisions are removed newest first, in bounded batches, so a crash in
  // the middle leaves a state the next call completes.
  absl::Status RemovePending(Revision first);
  // The gc steps after its intent is durable (storage/gc.cc): rewrites the
  // versions, folds the change logs and publishes the new retention state
  // with one synced batch that also clears the intent. Idempotent: a
  // read-write open that finds the intent calls it again.
  struct GcIntent {
    std::string date;            // YYYY-MM-DD, UTC
    std::vector<Revision> kept;  // ascending, with 0 and HEAD
  };
  absl::Status CompleteGc(const GcIntent& intent, bool dry_run,
                          GcReport* report);
  static std::string EncodeGcIntent(const GcIntent& intent);
  static std::optional<GcIntent> DecodeGcIntent(std::string_view v);
  // NotFound "revision 7 was removed by gc on DATE (kept: 1, 4, 9-12)".
  absl::Status RemovedError(Revision rev) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool IsRemoved(Revision rev) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return removed_.contains(rev);
  }
  void EndTransaction(NodeId next_node_id, bool leftovers);
  // With Options::flush_on_commit, flushes the memtables so that followers
  // (which read table files only) see what was just written.
  void FlushForFollowers();
  // Makes durably written revisions (oldest first) visible to readers.
  absl::Status PublishCommits(std::vector<RevisionInfo> revisions,
                              const std::vector<RegistryEntry>& registrations,
                              uint64_t next_node_id);
  // Sets info->backdated against latest_effective_, then advances it.
  void TrackEffective(RevisionInfo* info) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  RevisionInfo WithTags(RevisionInfo info) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Revision> ResolveLocked(std::string_view name) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // What Verify recomputes of each revision through the change logs.
  struct VerifyTotals {
    Digest digest;
    int64_t nodes = 0;
    int64_t edges = 0;
    std::map<std::string, int64_t> by_kind;  // zero counts erased
    std::map<std::string, int64_t> by_type;
    // The revision's own changes (not running totals): cleared per revision.
    std::map<std::string, ChangeCounts> changed_by_kind;
    std::map<std::string, ChangeCounts> changed_by_type;
  };
  absl::Status VerifyRevisionChanges(Revision rev, Revision parent,
                                     const Registry& registry,
                                     VerifyTotals* totals,
                                     VerifyReport* report) const;

  const std::string path_;
  const Options options_;
  const bool read_only_;
  const bool follow_;  // a RocksDB secondary instance (implies read_only_)
  // Follower: the secondary instance's private directory, removed at close.
  std::string secondary_dir_;
  // Serializes catch-ups with each other and with Refresh's reading of the
  // state (which must see one version).
  mutable Mutex refresh_mu_;
  // Follower: the sequence number the installed state was read at.
  std::optional<uint64_t> followed_seq_ ABSL_GUARDED_BY(refresh_mu_);
  bool had_pending_at_open_ = false;  // set once by LoadState
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  std::atomic<Revision> head_{0};
  // Thread-safe itself; see storage/id_cache.h for why it is never stale.
  const IdCache id_cache_;
  mutable ScanLimits scan_limits_;

  mutable Mutex mu_;
  // revisions_[r] describes revision r; revisions_[0] is the empty root.
  std::vector<RevisionInfo> revisions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Revision, std::less<>> tags_ ABSL_GUARDED_BY(mu_);
  // LatestEffective(); kept up to date as revisions are loaded and published.
  std::optional<std::pair<std::string, Revision>> latest_effective_
      ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Registry> registry_ ABSL_GUARDED_BY(mu_);
  bool txn_open_ ABSL_GUARDED_BY(mu_) = false;
  // gc holds the write lock: Begin and another gc fail meanwhile.
  bool gc_running_ ABSL_GUARDED_BY(mu_) = false;
  // Revisions removed by gc -> the gc date. revisions_[r] of such an r is a
  // placeholder that no accessor returns.
  std::map<Revision, std::string> removed_ ABSL_GUARDED_BY(mu_);
  const std::shared_ptr<LiveSnapshots> live_snapshots_ =
      std::make_shared<LiveSnapshots>();
  // A rollback could not remove its chunks; the next Begin retries.
  bool leftovers_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_node_id_ ABSL_GUARDED_BY(mu_) = 1;
  TypeId next_type_id_ ABSL_GUARDED_BY(mu_) = 1;
};

// Maps a RocksDB status to absl, naming `context`.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view context);
// Whether `s` says a file is gone (a writer deleted it after a compaction
// while a read-only or follower instance was about to open it).
bool FileVanished(const rocksdb::Status& s);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_DB_IMPL_H_
