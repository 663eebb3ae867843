// Consistent copies of a database while a writer runs: checkpoints
// (hard links where possible), incremental backups (RocksDB BackupEngine),
// and restores. Design, guarantees and limits: docs/RELIABILITY.md,
// "Backups and followers".
#ifndef CRITGRAPH_BACKUP_H_
#define CRITGRAPH_BACKUP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/types.h"

namespace critgraph {

struct BackupOptions {
  // false: `dest` becomes a checkpoint, itself a database directory that
  // opens anywhere (read-only or read-write) and verifies clean. Table files
  // are hard links when `dest` is on the database's filesystem, copies
  // otherwise.
  // true: `dest` is a RocksDB BackupEngine directory (created if missing)
  // and gets one more backup, sharing the table files it already holds with
  // earlier backups. Restore one with Restore().
  bool incremental = false;
};

// What a backup holds.
struct BackupResult {
  std::string path;       // `dest`
  Revision revision = 0;  // the copy's HEAD: a complete revision
  Digest digest;          // its content digest (RevisionInfo::digest)
  // Incremental backups: the id in `dest` (1, 2, ...); 0 for a checkpoint.
  uint32_t backup_id = 0;
  // Whether the copy held an in-flight commit's chunks above HEAD, removed
  // before it was finished (never visible either way).
  bool removed_pending = false;
  // Whether the copy was made through a follower: it then holds what the
  // writer had flushed (see Options::follow), not necessarily its HEAD.
  bool through_follower = false;
};

// Copies `db` as it is at one moment: the copy's HEAD is the revision that
// was the writer's HEAD at that moment, complete, with the same digest. The
// writer is not blocked: a checkpoint links or copies files and never
// stops commits (it flushes the memtables, as RocksDB does for any
// checkpoint). An in-flight commit's invisible chunks may be caught in the
// copy; they are removed from it before this returns, so the copy opens
// read-only with nothing to replay and `Verify` passes.
//
// `db` must be the writer's own handle (DB::Open: the copy holds every
// commit published before the call) or a follower (Options::follow: it is
// refreshed first and the copy is at its HEAD, the newest revision the
// writer has flushed; the copy is retried while the writer replaces files
// under it, Unavailable after many attempts). A read-only DB opened without
// follow: FailedPrecondition.
//
// Checkpoint: `dest` must not exist or be an empty directory, else
// AlreadyExists naming it; its parent folders are created. Incremental:
// `dest` must not exist, be empty, or be a backup directory made by this
// function (else AlreadyExists); one backup into a given `dest` at a time.
// On error nothing is left at `dest` by a checkpoint (an incremental backup
// leaves earlier backups untouched). Thread-safe like any DB method.
absl::StatusOr<BackupResult> Backup(DB& db, const std::string& dest,
                                    const BackupOptions& options = {});

// As Backup, from the database at `db_path`: opened read-write if no other
// process writes it (the copy then holds every commit), else (or if this
// process may not write there) as a follower: the copy holds what the writer
// has flushed, every commit if it runs with Options::flush_on_commit.
// NotFound if there is no database.
absl::StatusOr<BackupResult> BackupPath(const std::string& db_path,
                                        const std::string& dest,
                                        const BackupOptions& options = {});

// One backup in an incremental backup directory.
struct BackupEntry {
  uint32_t id = 0;
  int64_t timestamp = 0;  // seconds since the epoch, when it was taken
  uint64_t size = 0;      // bytes of its files (shared ones included)
  uint32_t files = 0;
  Revision revision = 0;  // its HEAD
  Digest digest;
};

// The backups in the incremental backup directory `dir`, oldest first.
// InvalidArgument if `dir` is not one (no meta/ folder); DataLoss if a
// backup lacks critgraph's metadata.
absl::StatusOr<std::vector<BackupEntry>> ListBackups(const std::string& dir);

struct RestoreOptions {
  // Incremental backup directories: the backup to restore (default the
  // newest). Ignored for a checkpoint.
  std::optional<uint32_t> backup_id;
};

// Restores into `dest` (must not exist or be empty: else AlreadyExists) from
// `src`: an incremental backup directory (its newest backup, or
// options.backup_id: NotFound if it has no such backup, listing those it
// has), or a checkpoint or any database directory (copied as by BackupPath).
// InvalidArgument if `src` is neither. The restored database opens and
// verifies; for an incremental backup its HEAD and digest are checked
// against those recorded when the backup was taken (DataLoss if they
// differ). On error `dest` is removed if this call created it.
absl::StatusOr<BackupResult> Restore(const std::string& src,
                                     const std::string& dest,
                                     const RestoreOptions& options = {});

}  // namespace critgraph

#endif  // CRITGRAPH_BACKUP_H_
