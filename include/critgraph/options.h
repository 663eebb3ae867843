// Options for opening a critgraph database.
#ifndef CRITGRAPH_OPTIONS_H_
#define CRITGRAPH_OPTIONS_H_

#include <cstddef>
#include <cstdint>

namespace critgraph {

struct Options {
  // Create the database if the directory holds none. Ignored by OpenReadOnly.
  bool create_if_missing = true;

  // Open as a follower: a read-only view of a database that a writer in
  // another process (or this one) keeps committing to, on storage both can
  // reach. DB::Refresh() then brings in the revisions committed since, without
  // reopening; a refresh never exposes part of a revision. A follower reads
  // the writer's table files, not its write-ahead log: it sees a commit once
  // the writer has flushed it (at once with flush_on_commit below; otherwise
  // when RocksDB flushes, about every memtable_budget_bytes of writes, and
  // when the writer closes). Implies read-only, also through DB::Open.
  // Backed by a RocksDB secondary instance whose private directory (under
  // the system temp directory) is removed at close. docs/RELIABILITY.md,
  // "Backups and followers".
  bool follow = false;

  // Writer: flush the memtables after every commit and tag change, so that
  // followers see each one at their next Refresh. Costs a flush (small table
  // files, later compacted) per commit; off by default.
  bool flush_on_commit = false;

  // Sync the write-ahead log on every commit (durable against power loss).
  // Turning it off keeps commits atomic but may lose the last commits on an
  // OS crash; a process crash loses nothing.
  bool sync = true;

  // A transaction stages changes in memory and writes them to disk, still
  // invisible, in chunks of about this many bytes; memory used by a commit
  // stays bounded whatever its size.
  size_t txn_chunk_bytes = size_t{32} << 20;

  // A chunk of at least this many key writes is written as SST files built
  // directly and ingested (rocksdb::SstFileWriter + IngestExternalFiles)
  // instead of through the memtables and the log: a bulk load is then
  // written once, not three times (log, flush, compaction of small files).
  // Smaller chunks, and every chunk when 0, go through a WriteBatch. The
  // result on disk, the digests and the guarantees are the same either way
  // (docs/ARCHITECTURE.md, "Commit protocol").
  size_t bulk_ingest_min_entries = 65536;

  // Operations one transaction may stage; more are refused with
  // InvalidArgument. Memory is bounded by txn_chunk_bytes regardless; this
  // bounds the time and disk a single commit may take.
  uint64_t max_txn_ops = uint64_t{1} << 32;

  // RocksDB block cache shared by all column families.
  size_t block_cache_bytes = size_t{256} << 20;

  // Bound on the in-memory cache of key <-> id mappings that point reads,
  // neighbour reads and traversals consult before RocksDB (estimated bytes,
  // both directions together; 0 disables it). Mappings never change, so
  // the cache is never stale.
  size_t id_cache_bytes = size_t{64} << 20;

  // Memtable size per column family before a flush.
  size_t write_buffer_bytes = size_t{64} << 20;

  // Budget for all memtables together (RocksDB's db_write_buffer_size):
  // eleven column families at write_buffer_bytes each, twice over while one
  // flushes, would otherwise let a bulk import hold over 1 GiB in memtables.
  size_t memtable_budget_bytes = size_t{256} << 20;
};

// Hard limits; inputs above them are refused with InvalidArgument.
inline constexpr size_t kMaxKeyBytes = 1024;
inline constexpr size_t kMaxNameBytes = 64 * 1024;        // one localized name
inline constexpr size_t kMaxPropertyBytes = 1024 * 1024;  // one property value
inline constexpr size_t kMaxRecordBytes = 16 * 1024 * 1024;  // one node or edge
inline constexpr size_t kMaxTypeNameBytes = 64;  // node kind / edge type names
inline constexpr size_t kMaxMessageBytes = 64 * 1024;  // commit message

}  // namespace critgraph

#endif  // CRITGRAPH_OPTIONS_H_
