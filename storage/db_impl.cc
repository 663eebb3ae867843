#include "storage/db_impl.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/chunk_writer.h"
#include "storage/draft_store.h"
#include "storage/record.h"
#include "storage/revision_name.h"
#include "storage/snapshot_impl.h"
#include "storage/transaction_impl.h"
#include "storage/validate.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

constexpr const char* kCfNames[] = {
    "default", "nodes",     "out_edges", "in_edges", "kind_index", "keys",
    "ids",     "changelog", "revisions", "tags",     "registry",
};
static_assert(std::size(kCfNames) == static_cast<size_t>(Cf::kCount));

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(
    const Options& options) {
  rocksdb::BlockBasedTableOptions table;
  table.checksum = rocksdb::kXXH3;
  // Four shards, not RocksDB's default of 64 (4 MiB each at 256 MiB): a
  // block larger than its shard is read again on every use, and the whole
  // (unpartitioned) filter of a table file written before partitioning
  // was switched on is several MiB (measured: a diff of 1,166 changes at
  // 1M nodes spent 8 s re-reading one). Shared by a few threads at most.
  table.block_cache =
      rocksdb::NewLRUCache(options.block_cache_bytes, /*num_shard_bits=*/2);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;
  // Index and filter blocks are read when a query first needs them and kept
  // in the block cache, not read for every table file at open: RocksDB
  // opens every table at DB::Open (max_open_files = -1), and reading each
  // file's whole index and filter made a read-only open cost ~20 ms per
  // 350 MB of data (1 s at 10M nodes), whatever the command then reads.
  // Partitioned (4 KiB partitions under a small pinned top level), so a
  // lookup reads the few KiB it needs, not a table's whole filter. Level-0
  // blocks are not pinned: a load that outruns the compactions has dozens
  // of level-0 files, and pinning their blocks took a 10M-node import to
  // 3 GB of memory; the cache bounds them like every other block.
  table.cache_index_and_filter_blocks = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.pin_top_level_index_and_filter = true;
  auto factory = std::shared_ptr<rocksdb::TableFactory>(
      rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (size_t i = 0; i < std::size(kCfNames); ++i) {
    rocksdb::ColumnFamilyOptions cf;
    cf.table_factory = factory;
    cf.write_buffer_size = options.write_buffer_bytes;
    cf.compression = rocksdb::kLZ4Compression;
    cf.bottommost_compression = rocksdb::kZSTD;
    Cf c = static_cast<Cf>(i);
    if (c == Cf::kNodes || c == Cf::kOutEdges || c == Cf::kInEdges) {
      // A node's versions and a node's edges share the 8-byte id prefix.
      cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(8));
      cf.memtable_prefix_bloom_size_ratio = 0.02;
    }
    out.emplace_back(kCfNames[i], cf);
  }
  return out;
}

// RocksDB's own info log asserts if it writes after a failed write (seen on
// ENOSPC, in the Debian build which keeps assertions), so the LOG file is
// written through stdio instead, ignoring errors: losing a diagnostic line
// must never take the process down.
class StdioLogger : public rocksdb::Logger {
 public:
  StdioLogger(const std::string& path, rocksdb::InfoLogLevel level)
      : rocksdb::Logger(level), file_(std::fopen(path.c_str(), "a")) {}
  ~StdioLogger() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (file_ == nullptr) return;
    std::vfprintf(file_, format, ap);
    std::fputc('\n', file_);
    std::fflush(file_);
  }

 private:
  std::FILE* file_;
};

std::string MetaU64(uint64_t v) {
  std::string s;
  PutBE64(&s, v);
  return s;
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = StrCat(context, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  if (s.IsNoSpace()) return absl::ResourceExhaustedError(msg);
  if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
    return absl::UnavailableError(
        StrCat(context, ": database is locked by another writer (",
               s.ToString(), ")"));
  }
  return absl::InternalError(msg);
}

DBImpl::DBImpl(std::string path, const Options& options, bool read_only)
    : path_(std::move(path)),
      options_(options),
      read_only_(read_only || options.follow),
      follow_(options.follow),
      id_cache_(options.id_cache_bytes) {}

DBImpl::~DBImpl() {
  if (db_ && !read_only_) {
    // Nothing may be left for the next open to replay from the log: every
    // open, read-only ones included, would pay for it (seconds after a large
    // import). The log is already durable, so a failure here loses nothing.
    rocksdb::FlushOptions fo;
    fo.wait = true;
    db_->Flush(fo, handles_).PermitUncheckedError();
  }
  for (auto* h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
  }
  if (db_) db_->Close();
  db_.reset();
  if (!secondary_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_dir_, ec);
  }
}

absl::StatusOr<std::unique_ptr<DB>> DBImpl::OpenImpl(const std::string& path,
                                                     const Options& options,
                                                     bool read_only) {
  std::unique_ptr<DBImpl> db(new DBImpl(path, options, read_only));
  RETURN_IF_ERROR(db->Init());
  return std::unique_ptr<DB>(std::move(db));
}

absl::Status DBImpl::Init() {
  std::error_code ec;
  const bool exists =
      std::filesystem::exists(std::filesystem::path(path_) / "CURRENT", ec);
  if (!exists && (read_only_ || !options_.create_if_missing)) {
    return absl::NotFoundError(
        StrCat("no critgraph database at '", path_, "'"));
  }
  if (exists) {
    // Refuse early, with a clear message, a RocksDB directory that is not
    // ours or comes from a newer build with other column families.
    std::vector<std::string> names;
    auto s =
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path_, &names);
    if (!s.ok()) return FromRocks(s, StrCat("open '", path_, "'"));
    for (const auto& n : names) {
      if (std::find_if(std::begin(kCfNames), std::end(kCfNames),
                       [&](const char* k) { return n == k; }) ==
          std::end(kCfNames)) {
        return absl::FailedPreconditionError(StrCat(
            "'", path_, "' has column family '", n,
            "' unknown to this build: not a critgraph database, or written "
            "by a newer version"));
      }
    }
  }
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.paranoid_checks = true;
  // A torn last record after a crash is expected and dropped; damage
  // anywhere else in the log fails the open instead of silently losing
  // commits.
  dbo.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  dbo.max_background_jobs = 2;
  dbo.db_write_buffer_size = options_.memtable_budget_bytes;
  // Column families flush together, so a small family (revisions, tags,
  // meta) never pins old log files, and the log never holds more than about
  // one memtable budget for a crash recovery to replay.
  dbo.atomic_flush = true;
  dbo.max_total_wal_size = options_.memtable_budget_bytes;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // RocksDB opens every table file at open with 16 threads per column
  // family by default: 160+ thread starts, about half of a read-only
  // command's open time on a fresh import (measured: 31 -> 16 ms at s100k).
  dbo.max_file_opening_threads = 1;
  if (!read_only_) {
    std::filesystem::create_directories(path_, ec);
    dbo.info_log =
        std::make_shared<StdioLogger>(path_ + "/LOG", dbo.info_log_level);
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (follow_) {
    // The secondary instance keeps its info log and state in a directory of
    // its own; every table file stays open (max_open_files = -1, as RocksDB
    // requires for secondaries) so that files the writer deletes after a
    // compaction remain readable by snapshots taken before.
    std::string tmpl =
        (std::filesystem::temp_directory_path(ec) / "critgraph-follow-XXXXXX")
            .string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return absl::InternalError(StrCat("open '", path_,
                                        "' as a follower: cannot create ", tmpl,
                                        ": ", std::strerror(errno)));
    }
    secondary_dir_ = tmpl;
    dbo.max_open_files = -1;
    // The follower reads the writer's table files only, never its
    // write-ahead log: its log directory is an empty one of its own. A
    // secondary that replays the log keeps what it read in memtables, and
    // RocksDB 7.8 drops such a memtable only when that column family gets
    // writes in a newer log; meanwhile the writer may have deleted or
    // rewritten those keys (a crashed commit's leftovers, removed and then
    // written again at the same revision) and compacted or ingested the new
    // versions with sequence number 0, below the stale entry, which then
    // wins. follower_test reproduced it (nodes missing at a published
    // revision). Table files alone are always a state the writer had: each
    // flush (atomic over all column families) and each ingestion is one
    // MANIFEST record.
    const std::string wal_dir = secondary_dir_ + "/wal";
    std::filesystem::create_directories(wal_dir, ec);
    dbo.wal_dir = wal_dir;
  }
  if (read_only_) {
    // A writer in the same directory may compact or ingest between the
    // read-only open's read of the MANIFEST and its opening of a table file
    // that the MANIFEST still names; the file is then gone ("No such
    // file"). Reading the newer MANIFEST again succeeds, so retry a few
    // times before reporting it.
    for (int attempt = 0;; ++attempt) {
      s = follow_ ? rocksdb::DB::OpenAsSecondary(dbo, path_, secondary_dir_,
                                                 Descriptors(options_),
                                                 &handles_, &raw)
                  : rocksdb::DB::OpenForReadOnly(
                        dbo, path_, Descriptors(options_), &handles_, &raw);
      const bool vanished =
          s.IsPathNotFound() ||
          (s.IsIOError() &&
           s.ToString().find("No such file") != std::string::npos);
      if (s.ok() || !vanished || attempt == 4) break;
      handles_.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
    }
  } else {
    std::filesystem::create_directories(path_, ec);
    s = rocksdb::DB::Open(dbo, path_, Descriptors(options_), &handles_, &raw);
  }
  if (!s.ok()) return FromRocks(s, StrCat("open '", path_, "'"));
  db_.reset(raw);
  if (!read_only_) {
    // SST files a crash left half-built or not yet ingested; the chunk they
    // belonged to is removed as pending (LoadState), so they are garbage.
    std::filesystem::remove_all(ChunkWriter::StagingDir(path_), ec);
  }

  std::string version;
  s = db_->Get(rocksdb::ReadOptions(), cf(Cf::kDefault),
               std::string(kMetaFormatVersion), &version);
  if (s.IsNotFound()) {
    // An empty store: ours to initialize, unless it already holds data.
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cf(Cf::kDefault)));
    it->SeekToFirst();
    if (it->Valid() || read_only_) {
      return absl::FailedPreconditionError(StrCat(
          "'", path_, "' is not a critgraph database (no format version)"));
    }
    RETURN_IF_ERROR(CreateNew());
  } else if (!s.ok()) {
    return FromRocks(s, "read format version");
  } else if (version.size() != 4 ||
             (GetBE32(version.data()) != kFormatVersion &&
              GetBE32(version.data()) != kFormatVersionGc)) {
    return absl::FailedPreconditionError(
        StrCat("'", path_, "' has on-disk format version ",
               version.size() == 4 ? std::to_string(GetBE32(version.data()))
                                   : std::string("(unreadable)"),
               "; this build reads versions ", kFormatVersion, " and ",
               kFormatVersionGc));
  }
  if (follow_) return Refresh().status();
  return LoadState();
}

absl::Status DBImpl::CreateNew() {
  rocksdb::WriteBatch batch;
  std::string v;
  PutBE32(&v, kFormatVersion);
  batch.Put(cf(Cf::kDefault), std::string(kMetaFormatVersion), v);
  batch.Put(cf(Cf::kDefault), std::string(kMetaHead), MetaU64(0));
  batch.Put(cf(Cf::kDefault), std::string(kMetaNextNodeId), MetaU64(1));
  TypeId id = 1;
  for (const char* k : kBuiltinNodeKinds) {
    RegistryEntry e{k, false, id++, 0};
    batch.Put(cf(Cf::kRegistry), Registry::EncodeKey(e),
              Registry::EncodeValue(e));
  }
  for (const char* t : kBuiltinEdgeTypes) {
    RegistryEntry e{t, true, id++, 0};
    batch.Put(cf(Cf::kRegistry), Registry::EncodeKey(e),
              Registry::EncodeValue(e));
  }
  batch.Put(cf(Cf::kDefault), std::string(kMetaNextTypeId), MetaU64(id));
  RevisionInfo root;
  const RevisionTypeCounts none;
  batch.Put(cf(Cf::kRevisions), RevKey(0), EncodeRevisionRecord(root, &none));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch), "initialize database"));
  // Into a table file at once: followers read table files only, and must
  // find a database here from the start.
  rocksdb::FlushOptions fo;
  fo.wait = true;
  return FromRocks(db_->Flush(fo, handles_), "initialize database");
}

absl::StatusOr<DBImpl::State> DBImpl::ReadState() const {
  rocksdb::ReadOptions ro;
  auto get_u64 = [&](std::string_view key, uint64_t* out) -> absl::Status {
    std::string v;
    auto s = db_->Get(ro, cf(Cf::kDefault), std::string(key), &v);
    if (s.IsNotFound()) {
      *out = 0;
      return absl::OkStatus();
    }
    if (!s.ok()) return FromRocks(s, StrCat("read meta '", key, "'"));
    if (v.size() != 8) {
      return absl::DataLossError(StrCat("meta record '", key, "' is damaged"));
    }
    *out = GetBE64(v.data());
    return absl::OkStatus();
  };
  State state;
  uint64_t head = 0;
  for (auto [key, out] :
       {std::pair{kMetaHead, &head}, std::pair{kMetaPending, &state.pending},
        std::pair{kMetaNextNodeId, &state.next_node_id},
        std::pair{kMetaNextTypeId, &state.next_type_id}}) {
    RETURN_IF_ERROR(get_u64(key, out));
  }
  state.head = head;

  state.registry = std::make_shared<Registry>();
  Registry& registry = *state.registry;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(ro, cf(Cf::kRegistry)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto e = Registry::Decode(it->key().ToStringView(),
                                it->value().ToStringView());
      if (!e) {
        return absl::DataLossError(StrCat(
            "registry record '", it->key().ToStringView(), "' is damaged"));
      }
      if (e->rev <= head) registry.Add(*std::move(e));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read registry"));
  }

  {
    std::string gc_pending;
    auto s = db_->Get(ro, cf(Cf::kDefault), std::string(kMetaGcPending),
                      &gc_pending);
    if (!s.ok() && !s.IsNotFound()) {
      return FromRocks(s, "read meta 'gc_pending'");
    }
    if (s.ok()) state.gc_pending = std::move(gc_pending);
  }
  if (state.gc_pending && read_only_) {
    return absl::FailedPreconditionError(
        StrCat("'", path_,
               "' has an unfinished gc (interrupted); open it read-write "
               "once (any write command) to complete it"));
  }

  std::vector<RevisionInfo>& revisions = state.revisions;
  std::map<Revision, std::string>& removed = state.removed;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(ro, cf(Cf::kRevisions)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != 8) {
        return absl::DataLossError("revision key is damaged");
      }
      Revision r = GetBE64(it->key().data());
      if (r > head) break;  // never published
      if (it->value().ToStringView().starts_with(kRemovedMarkerPrefix) &&
          r == revisions.size() && r > 0 && r < head) {
        removed[r] = std::string(
            it->value().ToStringView().substr(kRemovedMarkerPrefix.size()));
        RevisionInfo placeholder;
        placeholder.number = r;
        revisions.push_back(std::move(placeholder));
        continue;
      }
      std::optional<RevisionTypeCounts> counts;
      auto info = DecodeRevisionRecord(it->value().ToStringView(), &counts);
      if (!info.ok() || info->number != r || r != revisions.size()) {
        return absl::DataLossError(
            StrCat("revision record ", r, " is damaged or missing"));
      }
      if (counts) {
        RETURN_IF_ERROR(ResolveTypeCounts(*counts, registry, &*info));
      }
      revisions.push_back(*std::move(info));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read revisions"));
  }
  if (revisions.size() != head + 1) {
    return absl::DataLossError(StrCat("head is revision ", head, " but only ",
                                      revisions.size(),
                                      " revision records exist"));
  }

  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(Cf::kTags)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value().size() != 8) {
        return absl::DataLossError(
            StrCat("tag '", it->key().ToStringView(), "' is damaged"));
      }
      const Revision r = GetBE64(it->value().data());
      if (r <= head) state.tags[it->key().ToString()] = r;
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read tags"));
  }
  return state;
}

void DBImpl::InstallState(State state) {
  {
    MutexLock lock(&mu_);
    revisions_ = std::move(state.revisions);
    removed_ = std::move(state.removed);
    tags_ = std::move(state.tags);
    latest_effective_.reset();
    for (size_t r = 1; r < revisions_.size(); ++r) {
      if (!removed_.contains(r)) TrackEffective(&revisions_[r]);
    }
    next_node_id_ = std::max<uint64_t>(state.next_node_id, 1);
    next_type_id_ = std::max<TypeId>(static_cast<TypeId>(state.next_type_id),
                                     state.registry->max_id() + 1);
    registry_ = std::move(state.registry);
  }
  head_.store(state.head, std::memory_order_release);
}

absl::Status DBImpl::LoadState() {
  ASSIGN_OR_RETURN(State state, ReadState());
  const Revision head = state.head, pending = state.pending;
  const std::optional<std::string> gc_pending = state.gc_pending;
  InstallState(std::move(state));
  // Leftovers are invisible to readers (they sit above HEAD); a read-write
  // open removes them. They are known by the pending marker, or by change-log
  // entries above HEAD without it: a copy of the writer's table files alone
  // (a follower's checkpoint, docs/RELIABILITY.md) may hold an ingested
  // chunk but not the marker, which went through the log.
  if (read_only_) return absl::OkStatus();
  bool leftovers = pending > head;
  if (!leftovers) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cf(Cf::kChangelog)));
    it->SeekToLast();
    RETURN_IF_ERROR(FromRocks(it->status(), "read change log"));
    leftovers = it->Valid() && it->key().size() >= 8 &&
                GetBE64(it->key().data()) > head;
  }
  if (leftovers) {
    had_pending_at_open_ = true;
    RETURN_IF_ERROR(RemovePending(head + 1));
  }
  if (gc_pending) {
    // A gc was interrupted after recording its intent: complete it before
    // anything else, then load the new retention state.
    auto intent = DecodeGcIntent(*gc_pending);
    if (!intent) return absl::DataLossError("meta 'gc_pending' is damaged");
    GcReport report;
    RETURN_IF_ERROR(CompleteGc(*intent, /*dry_run=*/false, &report));
    return LoadState();
  }
  return absl::OkStatus();
}

bool FileVanished(const rocksdb::Status& s) {
  return s.IsPathNotFound() ||
         (s.IsIOError() &&
          s.ToString().find("No such file") != std::string::npos);
}

absl::Status DBImpl::CatchUp() const {
  for (int attempt = 0;; ++attempt) {
    auto s = db_->TryCatchUpWithPrimary();
    const bool vanished = FileVanished(s);
    if (s.ok() || !vanished || attempt == 6) {
      if (vanished) {
        return absl::UnavailableError(
            StrCat("follow '", path_,
                   "': the writer kept deleting files while catching up (",
                   s.ToString(), "); retry"));
      }
      return FromRocks(s, StrCat("follow '", path_, "'"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
  }
}

absl::StatusOr<Revision> DBImpl::Refresh() {
  if (!follow_) {
    if (!read_only_) return Head();
    return absl::FailedPreconditionError(
        StrCat("database '", path_,
               "' is open read-only without Options::follow: reopen it to see "
               "newer revisions"));
  }
  MutexLock refresh_lock(&refresh_mu_);
  // One catch-up applies whole MANIFEST records (the follower reads no
  // log), so the version it installs is a state the writer had, and no
  // other catch-up runs until the state below has been read from it.
  RETURN_IF_ERROR(CatchUp());
  // Every change a follower can see (a HEAD, a tag, a registration) comes
  // with a flush, which advances the sequence number its reads use; an
  // unchanged one means an unchanged state.
  const rocksdb::SequenceNumber seq = db_->GetLatestSequenceNumber();
  if (followed_seq_ == seq) return Head();
  ASSIGN_OR_RETURN(State state, ReadState());
  const Revision head = state.head;
  if (head < Head()) {
    return absl::DataLossError(StrCat(
        "follow '", path_, "': head went back from ", Head(), " to ", head));
  }
  InstallState(std::move(state));
  followed_seq_ = seq;
  return head;
}

absl::Status DBImpl::RemovePending(Revision first) {
  // The newest revision with change-log entries; nothing above HEAD is ever
  // published, so every entry at or above `first` is a leftover.
  Revision last = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cf(Cf::kChangelog)));
    it->SeekToLast();
    RETURN_IF_ERROR(FromRocks(it->status(), "read change log"));
    if (it->Valid()) {
      if (it->key().size() < 8) {
        return absl::DataLossError("change log entry is damaged");
      }
      last = GetBE64(it->key().data());
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  constexpr size_t kBatchEntries = size_t{1} << 16;
  rocksdb::WriteBatch batch;
  // One iterator for the whole removal, created before any batch is
  // written: it sees every leftover version as it was.
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(Cf::kNodes)));
  // Newest first: the kind of a node's previous version (at r - 1) is read
  // from records that a later batch removes, never an earlier one.
  for (Revision r = last; r >= first && r > 0; --r) {
    auto st = ForEachChange(r, [&](std::string_view key) -> absl::Status {
      const char* p = key.data() + 9;
      if (key[8] == kChangeNode) {
        NodeId id = GetBE64(p);
        // Kind index entries may exist for the old and the new kind.
        for (Revision at : {r - 1, r}) {
          it->Seek(NodeKey(id, at));
          if (it->Valid() && it->key().size() == kNodeKeySize &&
              GetBE64(it->key().data()) == id && !it->value().empty()) {
            auto kind = DecodeNodeKind(it->value().ToStringView());
            if (kind.ok()) {
              batch.Delete(cf(Cf::kKindIndex), KindIndexKey(*kind, id, r));
            }
          }
        }
        batch.Delete(cf(Cf::kNodes), NodeKey(id, r));
      } else {
        NodeId from = GetBE64(p);
        TypeId type = GetBE32(p + 8);
        NodeId to = GetBE64(p + 12);
        batch.Delete(cf(Cf::kOutEdges), EdgeKey(from, type, to, r));
        batch.Delete(cf(Cf::kInEdges), EdgeKey(to, type, from, r));
      }
      batch.Delete(cf(Cf::kChangelog), std::string(key));
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
    if (batch.Count() >= kBatchEntries) {
      RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch),
                                StrCat("remove unfinished revision ", r)));
      batch.Clear();
    }
  }
  // Registrations and tags are written only with the head update, so none
  // can be left over; revision records likewise.
  batch.Delete(cf(Cf::kDefault), std::string(kMetaPending));
  return FromRocks(db_->Write(wo, &batch),
                   StrCat("remove unfinished revisions from ", first));
}

std::shared_ptr<const Registry> DBImpl::registry() const {
  MutexLock lock(&mu_);
  return registry_;
}

absl::StatusOr<std::optional<NodeId>> DBImpl::LookupId(
    std::string_view key) const {
  if (auto id = id_cache_.FindId(key)) return id;
  // A miss is not cached: the key may be given an id by a later commit.
  rocksdb::PinnableSlice v;
  auto s = db_->Get(rocksdb::ReadOptions(), cf(Cf::kKeys), key, &v);
  if (s.IsNotFound()) return std::optional<NodeId>();
  if (!s.ok()) return FromRocks(s, StrCat("look up key '", key, "'"));
  if (v.size() != 8) {
    return absl::DataLossError(
        StrCat("id mapping of key '", key, "' is damaged"));
  }
  const NodeId id = GetBE64(v.data());
  id_cache_.Insert(key, id);
  return std::optional<NodeId>(id);
}

absl::Status DBImpl::KeyOfInto(NodeId id, std::string* key) const {
  if (id_cache_.FindKey(id, key)) return absl::OkStatus();
  char k[8];
  EncodeBE64(id, k);
  auto s = db_->Get(rocksdb::ReadOptions(), cf(Cf::kIds),
                    rocksdb::Slice(k, sizeof k), key);
  if (s.IsNotFound()) {
    return absl::DataLossError(StrCat("node id ", id, " has no key"));
  }
  if (!s.ok()) return FromRocks(s, StrCat("read key of node id ", id));
  id_cache_.Insert(*key, id);
  return absl::OkStatus();
}

absl::StatusOr<std::string> DBImpl::KeyOf(NodeId id) const {
  std::string key;
  RETURN_IF_ERROR(KeyOfInto(id, &key));
  return key;
}

absl::Status DBImpl::DataLoss(std::string_view what, NodeId id,
                              Revision rev) const {
  auto key = KeyOf(id);
  return absl::DataLossError(StrCat(what, " of node '",
                                    key.ok() ? *key : StrCat("#", id),
                                    "' at revision ", rev));
}

absl::StatusOr<std::optional<std::string>> DBImpl::ReadNodeRaw(
    NodeId id, Revision rev) const {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(Cf::kNodes)));
  it->Seek(NodeKey(id, rev));
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocks(it->status(), "read node"));
    return std::optional<std::string>();
  }
  if (it->key().size() != kNodeKeySize || GetBE64(it->key().data()) != id) {
    return std::optional<std::string>();
  }
  if (it->value().empty()) return std::optional<std::string>();
  std::string raw = it->value().ToString();
  if (!DecodeNodeKind(raw).ok()) {
    return DataLoss("corrupted record", id, GetInvRev(it->key().data() + 8));
  }
  return std::optional<std::string>(std::move(raw));
}

absl::StatusOr<std::optional<std::string>> DBImpl::ReadEdgeRaw(
    NodeId from, TypeId type, NodeId to, Revision rev) const {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ro, cf(Cf::kOutEdges)));
  std::string k = EdgeKey(from, type, to, rev);
  it->Seek(k);
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocks(it->status(), "read edge"));
    return std::optional<std::string>();
  }
  if (it->key().size() != kEdgeKeySize ||
      it->key().ToStringView().substr(0, kEdgePrefixSize) !=
          std::string_view(k).substr(0, kEdgePrefixSize) ||
      it->value().empty()) {
    return std::optional<std::string>();
  }
  if (!VerifyEdgeRecord(it->value().ToStringView())) {
    return DataLoss("corrupted out-edge record", from,
                    GetInvRev(it->key().data() + 20));
  }
  return std::optional<std::string>(it->value().ToString());
}

absl::StatusOr<Node> DBImpl::MaterializeNode(std::string_view raw, NodeId id,
                                             Revision rev,
                                             const Registry& registry) const {
  auto rec = DecodeNodeRecord(raw);
  if (!rec.ok()) return DataLoss("corrupted record", id, rev);
  const std::string* kind = registry.Name(rec->kind);
  if (kind == nullptr) {
    return DataLoss(StrCat("unknown kind id ", rec->kind, " in record"), id,
                    rev);
  }
  return Node{std::move(rec->key), *kind, std::move(rec->names),
              std::move(rec->props)};
}

absl::Status DBImpl::ForEachChange(
    Revision rev,
    const std::function<absl::Status(std::string_view key)>& fn) const {
  rocksdb::ReadOptions ro;
  std::string prefix = RevKey(rev);
  std::string upper = RevKey(rev + 1);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ro, cf(Cf::kChangelog)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view k = it->key().ToStringView();
    bool ok = (k.size() == 17 && k[8] == kChangeNode) ||
              (k.size() == 29 && k[8] == kChangeEdge);
    if (!ok) {
      return absl::DataLossError(
          StrCat("change log entry of revision ", rev, " is damaged"));
    }
    RETURN_IF_ERROR(fn(k));
  }
  return FromRocks(it->status(), StrCat("read change log of revision ", rev));
}

absl::Status DBImpl::ForEachChangeIn(
    Revision first, Revision last,
    const std::function<absl::Status(std::string_view key)>& fn) const {
  if (first > last) return absl::OkStatus();
  rocksdb::ReadOptions ro;
  std::string upper = RevKey(last + 1);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ro, cf(Cf::kChangelog)));
  for (it->Seek(RevKey(first)); it->Valid(); it->Next()) {
    std::string_view k = it->key().ToStringView();
    bool ok = (k.size() == 17 && k[8] == kChangeNode) ||
              (k.size() == 29 && k[8] == kChangeEdge);
    if (!ok) {
      return absl::DataLossError(StrCat("change log entry of revision ",
                                        k.size() >= 8 ? GetBE64(k.data()) : 0,
                                        " is damaged"));
    }
    RETURN_IF_ERROR(fn(k));
  }
  return FromRocks(it->status(),
                   StrCat("read change log of revisions ", first, "..", last));
}

absl::Status DBImpl::RemovedError(Revision rev) const {
  // The kept revisions as ranges: "1, 4, 9-12".
  std::vector<std::pair<Revision, Revision>> ranges;
  for (Revision r = 1; r < revisions_.size(); ++r) {
    if (removed_.contains(r)) continue;
    if (!ranges.empty() && ranges.back().second + 1 == r) {
      ranges.back().second = r;
    } else {
      ranges.emplace_back(r, r);
    }
  }
  auto range = [](const std::pair<Revision, Revision>& p) {
    return p.first == p.second ? std::to_string(p.first)
                               : StrCat(p.first, "-", p.second);
  };
  std::string kept;
  constexpr size_t kMaxRanges = 12;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges.size() > kMaxRanges && i == kMaxRanges - 1) {
      kept += ", ..., " + range(ranges.back());
      break;
    }
    kept += (i > 0 ? ", " : "") + range(ranges[i]);
  }
  auto it = removed_.find(rev);
  return absl::NotFoundError(StrCat("revision ", rev, " was removed by gc on ",
                                    it == removed_.end() ? "?" : it->second,
                                    " (kept: ", kept, ")"));
}

absl::StatusOr<std::unique_ptr<Transaction>> DBImpl::Begin() {
  if (read_only_) {
    return absl::FailedPreconditionError(
        StrCat("database '", path_, "' is open read-only"));
  }
  MutexLock lock(&mu_);
  if (txn_open_) {
    return absl::FailedPreconditionError(
        "a write transaction is already open on this database");
  }
  if (gc_running_) {
    return absl::FailedPreconditionError("gc is running on this database");
  }
  if (leftovers_) {
    // Records of a failed rollback sit at head+1, exactly where this
    // transaction would write; they must go first.
    RETURN_IF_ERROR(RemovePending(head_.load() + 1));
    leftovers_ = false;
  }
  txn_open_ = true;
  return std::unique_ptr<Transaction>(
      new TransactionImpl(this, revisions_[head_.load()], *registry_,
                          next_node_id_, next_type_id_));
}

void DBImpl::EndTransaction(NodeId next_node_id, bool leftovers) {
  MutexLock lock(&mu_);
  leftovers_ = leftovers_ || leftovers;
  // Ids handed out by a rolled-back transaction may be on disk in the keys
  // family; never hand them out again.
  next_node_id_ = std::max(next_node_id_, next_node_id);
  txn_open_ = false;
}

absl::Status DBImpl::PublishCommits(
    std::vector<RevisionInfo> revisions,
    const std::vector<RegistryEntry>& registrations, uint64_t next_node_id) {
  FlushForFollowers();
  MutexLock lock(&mu_);
  if (!registrations.empty()) {
    auto reg = std::make_shared<Registry>(*registry_);
    for (const auto& e : registrations) {
      next_type_id_ = std::max(next_type_id_, e.id + 1);
      reg->Add(e);
    }
    registry_ = std::move(reg);
  }
  next_node_id_ = std::max(next_node_id_, next_node_id);
  Revision head = head_.load();
  for (RevisionInfo& info : revisions) {
    for (const auto& t : info.tags) tags_[t] = info.number;
    TrackEffective(&info);
    head = info.number;
    revisions_.push_back(std::move(info));
  }
  head_.store(head, std::memory_order_release);
  return absl::OkStatus();
}

void DBImpl::FlushForFollowers() {
  if (!options_.flush_on_commit) return;
  // The write is durable in the log already; a failed flush only delays
  // followers until the next one.
  rocksdb::FlushOptions fo;
  fo.wait = true;
  db_->Flush(fo, handles_).PermitUncheckedError();
}

absl::StatusOr<std::unique_ptr<Snapshot>> DBImpl::GetSnapshot(
    Revision rev) const {
  MutexLock lock(&mu_);
  if (rev >= revisions_.size()) {
    return absl::NotFoundError(StrCat("revision ", rev,
                                      " does not exist (head is ",
                                      revisions_.size() - 1, ")"));
  }
  if (IsRemoved(rev)) return RemovedError(rev);
  return std::unique_ptr<Snapshot>(
      new SnapshotImpl(this, WithTags(revisions_[rev]), registry_));
}

void DBImpl::TrackEffective(RevisionInfo* info) {
  if (!info->effective_date) return;
  if (!latest_effective_) {
    latest_effective_.emplace(*info->effective_date, info->number);
    return;
  }
  info->backdated = *info->effective_date < latest_effective_->first;
  if (*info->effective_date >= latest_effective_->first) {
    latest_effective_.emplace(*info->effective_date, info->number);
  }
}

std::optional<std::pair<std::string, Revision>> DBImpl::LatestEffective()
    const {
  MutexLock lock(&mu_);
  return latest_effective_;
}

RevisionInfo DBImpl::WithTags(RevisionInfo info) const {
  info.tags.clear();
  for (const auto& [name, r] : tags_) {
    if (r == info.number) info.tags.push_back(name);
  }
  return info;
}

absl::StatusOr<Revision> DBImpl::Resolve(std::string_view name) const {
  if (DraftName(name)) {
    return absl::InvalidArgumentError(
        StrCat("'", name,
               "' names a draft, not a revision of the main history; read it "
               "with GetSnapshot(\"",
               name, "\")"));
  }
  MutexLock lock(&mu_);
  return ResolveLocked(name);
}

absl::StatusOr<Revision> DBImpl::ResolveLocked(std::string_view name) const {
  auto parsed = ParseRevisionName(name);
  if (!parsed.ok()) return parsed.status();
  const Revision head = revisions_.size() - 1;
  switch (parsed->form) {
    case RevisionName::Form::kHead:
      if (parsed->number > head) {
        return absl::NotFoundError(StrCat(
            "revision '", name, "' does not exist (head is ", head, ")"));
      }
      if (IsRemoved(head - parsed->number)) {
        return RemovedError(head - parsed->number);
      }
      return head - parsed->number;
    case RevisionName::Form::kNumber:
      if (parsed->number > head) {
        return absl::NotFoundError(StrCat("revision ", parsed->number,
                                          " does not exist (head is ", head,
                                          ")"));
      }
      if (IsRemoved(parsed->number)) return RemovedError(parsed->number);
      return parsed->number;
    case RevisionName::Form::kDate: {
      // Oldest first: every revision from the first one dated after the day
      // on holds that later data, whatever its own date (see DB::Resolve).
      std::optional<Revision> found;
      // Only kept revisions take part: one removed by gc is not there.
      for (Revision r = 1; r <= head; ++r) {
        if (IsRemoved(r)) continue;
        const auto& eff = revisions_[r].effective_date;
        if (!eff) continue;
        if (*eff > parsed->text) break;
        found = r;
      }
      if (found) return *found;
      return absl::NotFoundError(
          StrCat("no revision has an effective date on or before ",
                 parsed->text, " (before the first revision dated after it)"));
    }
    case RevisionName::Form::kTag: {
      auto it = tags_.find(parsed->text);
      if (it == tags_.end()) {
        return absl::NotFoundError(
            StrCat("unknown revision or tag '", name, "'"));
      }
      if (IsRemoved(it->second)) return RemovedError(it->second);
      return it->second;
    }
  }
  return absl::InternalError("unreachable");
}

absl::StatusOr<RevisionInfo> DBImpl::GetRevision(Revision rev) const {
  MutexLock lock(&mu_);
  if (rev >= revisions_.size()) {
    return absl::NotFoundError(StrCat("revision ", rev,
                                      " does not exist (head is ",
                                      revisions_.size() - 1, ")"));
  }
  if (IsRemoved(rev)) return RemovedError(rev);
  return WithTags(revisions_[rev]);
}

std::vector<RevisionInfo> DBImpl::Log() const {
  MutexLock lock(&mu_);
  std::vector<RevisionInfo> out;
  for (size_t r = revisions_.size(); r-- > 1;) {
    if (IsRemoved(r)) continue;
    out.push_back(WithTags(revisions_[r]));
  }
  return out;
}

absl::Status DBImpl::Tag(std::string_view name, Revision rev, bool force) {
  if (read_only_) {
    return absl::FailedPreconditionError(
        StrCat("database '", path_, "' is open read-only"));
  }
  RETURN_IF_ERROR(ValidateTagName(name));
  MutexLock lock(&mu_);
  if (rev >= revisions_.size()) {
    return absl::NotFoundError(StrCat("revision ", rev, " does not exist"));
  }
  if (IsRemoved(rev)) return RemovedError(rev);
  auto it = tags_.find(name);
  if (it != tags_.end() && it->second != rev && !force) {
    return absl::AlreadyExistsError(
        StrCat("tag '", name, "' already names revision ", it->second,
               " (tags are immutable; use force to move it)"));
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  auto s = db_->Put(wo, cf(Cf::kTags), std::string(name), RevKey(rev));
  if (!s.ok()) return FromRocks(s, StrCat("write tag '", name, "'"));
  tags_[std::string(name)] = rev;
  FlushForFollowers();
  return absl::OkStatus();
}

absl::Status DBImpl::DeleteTag(std::string_view name, bool force) {
  if (read_only_) {
    return absl::FailedPreconditionError(
        StrCat("database '", path_, "' is open read-only"));
  }
  RETURN_IF_ERROR(ValidateTagName(name));
  MutexLock lock(&mu_);
  auto it = tags_.find(name);
  if (it == tags_.end()) {
    return absl::NotFoundError(StrCat("no tag '", name, "'"));
  }
  const Revision rev = it->second;
  if (!force) {
    if (revisions_[rev].effective_date) {
      return absl::FailedPreconditionError(StrCat(
          "tag '", name, "' names revision ", rev, ", effective ",
          *revisions_[rev].effective_date, ": a list version others may cite"));
    }
    if (rev != head_.load()) {
      return absl::FailedPreconditionError(
          StrCat("tag '", name, "' names revision ", rev,
                 ", not HEAD: others may cite it"));
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  // A single key: the write is atomic, so a crash leaves it or removes it.
  auto s = db_->Delete(wo, cf(Cf::kTags), std::string(name));
  if (!s.ok()) return FromRocks(s, StrCat("delete tag '", name, "'"));
  tags_.erase(it);
  FlushForFollowers();
  return absl::OkStatus();
}

}  // namespace critgraph::storage

namespace critgraph {

absl::StatusOr<std::unique_ptr<DB>> DB::Open(const std::string& path,
                                             const Options& options) {
  return storage::DBImpl::OpenImpl(path, options, /*read_only=*/false);
}

absl::StatusOr<std::unique_ptr<DB>> DB::OpenReadOnly(const std::string& path,
                                                     const Options& options) {
  return storage::DBImpl::OpenImpl(path, options, /*read_only=*/true);
}

absl::StatusOr<std::unique_ptr<Snapshot>> DB::GetSnapshot(
    std::string_view name) const {
  if (auto draft = DraftName(name)) {
    return storage::DraftHeadSnapshot(path(), *draft);
  }
  auto rev = Resolve(name);
  if (!rev.ok()) return rev.status();
  return GetSnapshot(*rev);
}

}  // namespace critgraph
