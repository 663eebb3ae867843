// Checkpoints, incremental backups and restores (critgraph/backup.h).
// Design and guarantees: docs/RELIABILITY.md, "Backups and followers".
#include "critgraph/backup.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/db_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

namespace fs = std::filesystem;
using storage::DBImpl;
using storage::FromRocks;

// How many times a follower's copy is retried while the writer changes
// its files under it.
constexpr int kFollowerCopyAttempts = 30;
constexpr std::string_view kMetadataHeader = "critgraph-backup 1";

bool IsEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

// OK if `dest` does not exist or is an empty directory (which is removed,
// since RocksDB creates the checkpoint directory itself); creates its
// parent folders.
// `name`: `dest` as the caller spelled it, for messages.
absl::Status PrepareCheckpointDest(const fs::path& dest,
                                   const std::string& name) {
  std::error_code ec;
  if (fs::exists(dest, ec)) {
    if (!IsEmptyDir(dest)) {
      return absl::AlreadyExistsError(
          StrCat("backup destination '", name,
                 "' exists and is not an empty directory"));
    }
    fs::remove(dest, ec);
  }
  if (dest.has_parent_path()) fs::create_directories(dest.parent_path(), ec);
  if (ec) {
    return absl::InternalError(
        StrCat("create the parent of '", dest.string(), "': ", ec.message()));
  }
  return absl::OkStatus();
}

// The writer's current MANIFEST and its size: every flush, compaction or
// ingestion appends to it (or starts a new one) before any file it made
// obsolete is deleted.
absl::StatusOr<std::pair<std::string, uintmax_t>> ManifestMark(
    const std::string& db_path) {
  std::ifstream in(fs::path(db_path) / "CURRENT");
  std::string name;
  if (!(in >> name)) {
    return absl::NotFoundError(
        StrCat("no critgraph database at '", db_path, "' (no CURRENT)"));
  }
  std::error_code ec;
  const uintmax_t size = fs::file_size(fs::path(db_path) / name, ec);
  return std::pair{name, ec ? uintmax_t{0} : size};
}

absl::Status CheckpointOnce(DBImpl& db, const fs::path& dest) {
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db.rdb(), &raw),
                            StrCat("checkpoint '", db.path(), "'")));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(
      checkpoint->CreateCheckpoint(dest.string()),
      StrCat("checkpoint '", db.path(), "' into '", dest.string(), "'"));
}

// A RocksDB checkpoint of `db` at `dest` (absolute; must not exist).
//
// The writer's handle: RocksDB disables its file deletions, flushes, links
// the table files of one version and copies the MANIFEST and the logs up to
// that moment.
//
// A follower is a secondary instance reading the writer's table files (no
// log; see Options::follow): the copy is its version's table files and
// MANIFEST, a state the writer had. The writer may delete files (after a
// flush, compaction or ingestion) while they are being linked, and nothing
// tells it not to; any such change appends to the MANIFEST first, so the
// copy is kept only if the MANIFEST was the same before the catch-up and
// after the copy: every file the follower's version names existed
// throughout. Otherwise it is made again.
absl::Status MakeCheckpoint(DBImpl& db, const fs::path& dest) {
  if (!db.read_only()) return CheckpointOnce(db, dest);
  if (!db.follower()) {
    return absl::FailedPreconditionError(
        StrCat("cannot back up '", db.path(),
               "' from a read-only handle: open it read-write or with "
               "Options::follow"));
  }
  absl::Status last;
  for (int attempt = 0; attempt < kFollowerCopyAttempts; ++attempt) {
    ASSIGN_OR_RETURN(auto before, ManifestMark(db.path()));
    auto head = db.Refresh();
    absl::Status st = head.ok() ? CheckpointOnce(db, dest) : head.status();
    ASSIGN_OR_RETURN(auto after, ManifestMark(db.path()));
    if (st.ok() && before == after) return absl::OkStatus();
    std::error_code ec;
    fs::remove_all(dest, ec);
    const bool transient =
        st.ok() || st.code() == absl::StatusCode::kUnavailable ||
        st.code() == absl::StatusCode::kNotFound ||
        st.message().find("No such file") != std::string_view::npos;
    if (!transient) return st;
    last =
        st.ok() ? absl::UnavailableError("the writer changed its files") : st;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(2 << std::min(attempt, 7)));
  }
  return absl::UnavailableError(StrCat(
      "back up '", db.path(), "': the writer changed its files during all ",
      kFollowerCopyAttempts, " attempts (", last.message(),
      "); retry, or back up from the writer's own handle (critgraph::Backup)"));
}

// Opens the fresh copy at `dir` read-write once: removes whatever an
// in-flight commit left above HEAD and flushes at close, so that the copy
// opens read-only with nothing to replay. Fills the result from its HEAD.
absl::StatusOr<std::unique_ptr<DB>> OpenCopy(const fs::path& dir,
                                             bool through_follower,
                                             BackupResult* result) {
  Options options;
  options.create_if_missing = false;
  ASSIGN_OR_RETURN(std::unique_ptr<DB> db, DB::Open(dir.string(), options));
  result->removed_pending = static_cast<DBImpl&>(*db).had_pending_at_open();
  result->through_follower = through_follower;
  result->revision = db->Head();
  ASSIGN_OR_RETURN(RevisionInfo info, db->GetRevision(result->revision));
  result->digest = info.digest;
  return db;
}

std::string EncodeMetadata(Revision rev, const Digest& digest) {
  return StrCat(kMetadataHeader, "\nrevision ", rev, "\ndigest ",
                digest.ToHex(), "\n");
}

absl::Status DecodeMetadata(const std::string& dir, uint32_t id,
                            const std::string& text, Revision* rev,
                            Digest* digest) {
  std::istringstream in(text);
  std::string header, k1, k2, hex;
  uint64_t r = 0;
  std::getline(in, header);
  if (header != kMetadataHeader || !(in >> k1 >> r >> k2 >> hex) ||
      k1 != "revision" || k2 != "digest") {
    return absl::DataLossError(
        StrCat("backup ", id, " in '", dir, "' has no critgraph metadata"));
  }
  auto d = Digest::FromHex(hex);
  if (!d.ok()) {
    return absl::DataLossError(
        StrCat("backup ", id, " in '", dir, "' has a damaged digest"));
  }
  *rev = r;
  *digest = *d;
  return absl::OkStatus();
}

bool IsBackupEngineDir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "meta", ec);
}

// `name`: `dest` as the caller spelled it, for the result.
absl::StatusOr<BackupResult> IncrementalBackup(DBImpl& db, const fs::path& dest,
                                               const std::string& name) {
  std::error_code ec;
  if (fs::exists(dest, ec) && !IsEmptyDir(dest) && !IsBackupEngineDir(dest)) {
    return absl::AlreadyExistsError(
        StrCat("backup destination '", name,
               "' exists and is neither empty nor an incremental backup "
               "directory"));
  }
  fs::create_directories(dest, ec);
  if (ec) {
    return absl::InternalError(
        StrCat("create '", dest.string(), "': ", ec.message()));
  }
  // The backup is taken from a clean checkpoint staged inside `dest` (hard
  // links when on the database's filesystem): its revision and digest are
  // then known exactly, and a restore has nothing to remove or replay.
  const fs::path staging = dest / ".staging";
  fs::remove_all(staging, ec);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(p, e);
    }
  } cleanup{staging};
  RETURN_IF_ERROR(MakeCheckpoint(db, staging));
  BackupResult result;
  result.path = name;
  ASSIGN_OR_RETURN(std::unique_ptr<DB> copy,
                   OpenCopy(staging, db.follower(), &result));

  rocksdb::BackupEngine* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(
      rocksdb::BackupEngine::Open(rocksdb::BackupEngineOptions(dest.string()),
                                  rocksdb::Env::Default(), &raw),
      StrCat("open backup directory '", dest.string(), "'")));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions cbo;
  cbo.flush_before_backup = true;  // the removal of leftovers, if any
  rocksdb::BackupID id = 0;
  RETURN_IF_ERROR(FromRocks(
      engine->CreateNewBackupWithMetadata(
          cbo, static_cast<DBImpl&>(*copy).rdb(),
          EncodeMetadata(result.revision, result.digest), &id),
      StrCat("back up '", db.path(), "' into '", dest.string(), "'")));
  result.backup_id = id;
  return result;
}

absl::StatusOr<BackupResult> BackupThroughFollower(
    const std::string& db_path, const std::string& dest,
    const BackupOptions& options) {
  Options follow;
  follow.follow = true;
  ASSIGN_OR_RETURN(std::unique_ptr<DB> db, DB::OpenReadOnly(db_path, follow));
  return Backup(*db, dest, options);
}

}  // namespace

absl::StatusOr<BackupResult> Backup(DB& db, const std::string& dest,
                                    const BackupOptions& options) {
  // DBImpl is the only implementation of DB (its constructor is private).
  DBImpl& impl = static_cast<DBImpl&>(db);
  std::error_code ec;
  const fs::path abs = fs::absolute(dest, ec);
  if (ec || dest.empty()) {
    return absl::InvalidArgumentError(
        StrCat("bad backup destination '", dest, "'"));
  }
  if (options.incremental) return IncrementalBackup(impl, abs, dest);
  RETURN_IF_ERROR(PrepareCheckpointDest(abs, dest));
  BackupResult result;
  result.path = dest;
  absl::Status st = MakeCheckpoint(impl, abs);
  if (st.ok()) st = OpenCopy(abs, impl.follower(), &result).status();
  if (!st.ok()) {
    fs::remove_all(abs, ec);
    return st;
  }
  return result;
}

absl::StatusOr<BackupResult> BackupPath(const std::string& db_path,
                                        const std::string& dest,
                                        const BackupOptions& options) {
  Options writer;
  writer.create_if_missing = false;
  auto db = DB::Open(db_path, writer);
  if (db.ok()) return Backup(**db, dest, options);
  // Another process writes (Unavailable), or this one may not write here
  // (Internal: a read-only filesystem, permissions): copy what is flushed,
  // through a follower.
  if (db.status().code() != absl::StatusCode::kUnavailable &&
      db.status().code() != absl::StatusCode::kInternal) {
    return db.status();
  }
  return BackupThroughFollower(db_path, dest, options);
}

absl::StatusOr<std::vector<BackupEntry>> ListBackups(const std::string& dir) {
  if (!IsBackupEngineDir(dir)) {
    return absl::InvalidArgumentError(StrCat(
        "'", dir, "' is not an incremental backup directory (no meta/)"));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(
      rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(dir),
                                          rocksdb::Env::Default(), &raw),
      StrCat("open backup directory '", dir, "'")));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupEntry> out;
  for (const auto& info : infos) {
    BackupEntry e;
    e.id = info.backup_id;
    e.timestamp = info.timestamp;
    e.size = info.size;
    e.files = info.number_files;
    RETURN_IF_ERROR(
        DecodeMetadata(dir, e.id, info.app_metadata, &e.revision, &e.digest));
    out.push_back(std::move(e));
  }
  std::sort(
      out.begin(), out.end(),
      [](const BackupEntry& a, const BackupEntry& b) { return a.id < b.id; });
  return out;
}

absl::StatusOr<BackupResult> Restore(const std::string& src,
                                     const std::string& dest,
                                     const RestoreOptions& options) {
  std::error_code ec;
  if (!IsBackupEngineDir(src)) {
    if (fs::exists(fs::path(src) / "CURRENT", ec)) {
      // Through a follower: the source is read, never opened for writing.
      return BackupThroughFollower(src, dest, {});
    }
    return absl::InvalidArgumentError(
        StrCat("'", src,
               "' is neither an incremental backup directory (no meta/) nor "
               "a checkpoint or database (no CURRENT)"));
  }
  const fs::path abs = fs::absolute(dest, ec);
  if (fs::exists(abs, ec) && !IsEmptyDir(abs)) {
    return absl::AlreadyExistsError(
        StrCat("restore destination '", dest,
               "' exists and is not an empty directory"));
  }
  ASSIGN_OR_RETURN(std::vector<BackupEntry> backups, ListBackups(src));
  if (backups.empty()) {
    return absl::NotFoundError(StrCat("'", src, "' holds no backup"));
  }
  const BackupEntry* chosen = &backups.back();
  if (options.backup_id) {
    auto it = std::find_if(
        backups.begin(), backups.end(),
        [&](const BackupEntry& e) { return e.id == *options.backup_id; });
    if (it == backups.end()) {
      std::string ids;
      for (const auto& e : backups) {
        ids += StrCat(ids.empty() ? "" : ", ", e.id);
      }
      return absl::NotFoundError(StrCat("no backup ", *options.backup_id,
                                        " in '", src, "' (it holds ", ids,
                                        ")"));
    }
    chosen = &*it;
  }
  const bool created = !fs::exists(abs, ec);
  fs::create_directories(abs, ec);
  auto fail = [&](absl::Status st) {
    std::error_code e;
    if (created) {
      fs::remove_all(abs, e);
    } else {
      for (const auto& entry : fs::directory_iterator(abs, e)) {
        fs::remove_all(entry.path(), e);
      }
    }
    return st;
  };
  {
    rocksdb::BackupEngineReadOnly* raw = nullptr;
    auto s = rocksdb::BackupEngineReadOnly::Open(
        rocksdb::BackupEngineOptions(src), rocksdb::Env::Default(), &raw);
    if (!s.ok()) {
      return fail(FromRocks(s, StrCat("open backup directory '", src, "'")));
    }
    std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
    s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), chosen->id,
                                    abs.string(), abs.string());
    if (!s.ok()) {
      return fail(FromRocks(s, StrCat("restore backup ", chosen->id, " of '",
                                      src, "' into '", dest, "'")));
    }
  }
  BackupResult result;
  result.path = dest;
  result.backup_id = chosen->id;
  auto db = OpenCopy(abs, /*through_follower=*/false, &result);
  if (!db.ok()) return fail(db.status());
  db->reset();  // closed (and flushed) before it is checked or removed
  if (result.revision != chosen->revision ||
      !(result.digest == chosen->digest)) {
    return fail(absl::DataLossError(
        StrCat("backup ", chosen->id, " of '", src, "' restored HEAD ",
               result.revision, " digest ", result.digest.ToHex(),
               " but was taken at revision ", chosen->revision, " digest ",
               chosen->digest.ToHex())));
  }
  return result;
}

}  // namespace critgraph
