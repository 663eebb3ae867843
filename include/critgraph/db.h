// critgraph: an embedded graph database with immutable revisions.
#ifndef CRITGRAPH_DB_H_
#define CRITGRAPH_DB_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/options.h"
#include "critgraph/snapshot.h"
#include "critgraph/transaction.h"
#include "critgraph/types.h"

namespace critgraph {

namespace storage {
class DBImpl;
}  // namespace storage

// Result of DB::Verify.
struct VerifyReport {
  uint64_t revisions_checked = 0;
  uint64_t records_checked = 0;
  // One line per problem found, naming the revision, key or file.
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// A database directory. Open one with DB::Open (read-write, one writer
// process at a time) or DB::OpenReadOnly (any number of processes; sees the
// revisions committed before it opened, or, with Options::follow, those
// committed up to its last Refresh). Consistent copies: critgraph/backup.h.
//
// Thread-safety: every method may be called from many threads at once. One
// write transaction may be open at a time; snapshots may be taken and read on
// any thread while it commits.
//
// Errors common to all methods: DataLoss for damaged data (the message names
// the key, revision or file), Internal for an unexpected storage error.
// Implemented only inside the library: the constructor is private, and
// storage::DBImpl, the one implementation, is its only friend. Obtain a DB
// from Open or OpenReadOnly.
class DB {
 public:
  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;
  virtual ~DB() = default;

  // Opens (and, with options.create_if_missing, creates) the database at
  // `path`. Unavailable if another process holds it open for writing
  // ("locked"); FailedPrecondition for an unknown or newer on-disk format;
  // NotFound if it does not exist and create_if_missing is false.
  // Recovers from a crash: leftovers of an interrupted commit are removed,
  // and an interrupted gc (critgraph/gc.h) is completed.
  static absl::StatusOr<std::unique_ptr<DB>> Open(const std::string& path,
                                                  const Options& options = {});
  // Opens without writing anything. Begin() and Tag() return
  // FailedPrecondition. With options.follow, a follower (see Refresh).
  // FailedPrecondition too while a gc interrupted by a crash is unfinished
  // (a read-write Open completes it).
  static absl::StatusOr<std::unique_ptr<DB>> OpenReadOnly(
      const std::string& path, const Options& options = {});

  // Starts the write transaction. FailedPrecondition if one is already open
  // or the database is read-only. The transaction must not outlive the DB.
  virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin() = 0;

  // The newest committed revision (0 for an empty database).
  virtual Revision Head() const = 0;

  // Follower (opened with Options::follow): catches up with the writer and
  // makes the revisions, tags and registrations it published and flushed
  // since the open or the last Refresh visible (Options::follow says when a
  // commit is flushed); returns the new Head(). A revision becomes
  // visible only once all of its data and metadata have been read in, so no
  // reader ever sees a partial one. May run while other threads read;
  // snapshots taken before stay valid and unchanged. Calls are serialized.
  // A read-write DB is always current: returns Head(). A read-only DB opened
  // without follow: FailedPrecondition. Unavailable if the writer kept
  // replacing files while catching up (retrying later succeeds).
  virtual absl::StatusOr<Revision> Refresh() = 0;

  // A snapshot of `rev`; NotFound if rev > Head() or if gc removed `rev`
  // ("revision 7 was removed by gc on DATE (kept: 1, 4, 9-12)"; the same
  // error from every method below that takes a revision).
  virtual absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      Revision rev) const = 0;
  // Resolves `name` (see Resolve) and returns its snapshot.
  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      std::string_view name) const;
  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      const char* name) const {
    return GetSnapshot(std::string_view(name));
  }

  // Resolves a revision name: a number ("3"), a tag, "HEAD", "HEAD~N", or
  // "@YYYY-MM-DD": the newest revision with an effective date on or before
  // that day that comes before the first revision dated after it. A revision
  // holds everything below it, so once a revision dated after DATE is
  // committed, no later revision answers for DATE, even one backdated to
  // before DATE: @DATE never shows data that took effect after DATE. Without
  // backdated revisions this is simply the newest revision dated on or before
  // DATE. After a gc, numbers, HEAD~N and tags naming a removed revision are
  // NotFound with the removed-revision error, and @DATE applies this rule to
  // the kept revisions only. NotFound for a name that names no revision;
  // InvalidArgument for a malformed one.
  virtual absl::StatusOr<Revision> Resolve(std::string_view name) const = 0;

  // Metadata of one revision (NotFound if it does not exist; 0 is the root).
  virtual absl::StatusOr<RevisionInfo> GetRevision(Revision rev) const = 0;
  // Every revision, newest first (revision 0 is not listed; revisions
  // removed by gc are not listed either).
  virtual std::vector<RevisionInfo> Log() const = 0;

  // Tags `rev` as `name`. AlreadyExists if the tag names another revision
  // and !force; InvalidArgument for a bad name; NotFound for a bad rev.
  virtual absl::Status Tag(std::string_view name, Revision rev,
                           bool force = false) = 0;

  // Deletes the tag `name`. A tag may be cited by other tooling (a report,
  // a script's `--at us-cet-2024`), so deleting one that names a revision
  // with an effective date, or any revision other than HEAD, needs `force`:
  // without it that is FailedPrecondition and nothing changes. NotFound if
  // there is no such tag; InvalidArgument for a malformed name;
  // FailedPrecondition on a read-only database. One synced RocksDB delete:
  // after a crash the tag is either still there or gone, never damaged.
  virtual absl::Status DeleteTag(std::string_view name, bool force = false) = 0;

  // Recomputes every revision's digest from its stored records (incrementally
  // through the change log, and in full for HEAD), verifies every record and
  // RocksDB's block checksums. Problems are reported, not returned as errors;
  // the status is non-OK only if the check itself could not run.
  virtual absl::Status Verify(VerifyReport* report) const = 0;

  virtual const std::string& path() const = 0;
  virtual bool read_only() const = 0;
  // Opened with Options::follow (then also read_only()).
  virtual bool follower() const = 0;

 private:
  friend class storage::DBImpl;
  DB() = default;
};

// Built-in node kinds and edge types, registered in every database.
inline constexpr const char* kBuiltinNodeKinds[] = {
    "domain", "technology", "material", "foreign_list_entry", "list"};
inline constexpr const char* kBuiltinEdgeTypes[] = {
    "part_of", "maps_to", "depends_on", "covers", "supersedes"};

}  // namespace critgraph

#endif  // CRITGRAPH_DB_H_
