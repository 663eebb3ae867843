// Drafts: named, persistent change sets on top of a base revision, kept
// apart from the main history, and their three-way merge into it.
// Design, semantics and the on-disk layout: docs/DRAFTS.md.
//
// A draft lives in `<db>/drafts/NAME/`: a critgraph database of its own
// (made from a checkpoint of the main database, so its table files start as
// hard links) whose revision `start` holds exactly the content of the main
// revision `base`; each draft commit is one revision above `start`. Reading
// a draft is reading that database, so every API that takes a Snapshot
// (reach, path, export, show, the AdjacencySnapshot) works on it unchanged;
// DB::GetSnapshot("draft:NAME") returns its newest commit.
//
// Concurrency: a draft has its own write lock. Writing a draft never blocks
// the main writer and the main writer never blocks a draft. One writer per
// draft at a time (Unavailable "locked" otherwise). Drafts survive restarts
// and crashes: create, rebase and drop are made atomic by directory renames,
// commits by the draft database's own transactions.
//
// Errors: InvalidArgument for a malformed draft name (names:
// [a-z0-9][a-z0-9_.-]{0,63}); NotFound for an unknown draft ("no draft
// 'x'"); AlreadyExists when creating a draft that exists; errors of the
// underlying database calls otherwise, naming the draft.
#ifndef CRITGRAPH_DRAFT_H_
#define CRITGRAPH_DRAFT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/change.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/types.h"

namespace critgraph {

// The prefix that names a draft wherever a revision name is accepted.
inline constexpr std::string_view kDraftPrefix = "draft:";

struct DraftInfo {
  std::string name;
  Revision base = 0;   // the main revision the draft starts from
  Digest base_digest;  // its digest (checked when the draft is read)
  // The draft database's revision holding base's content; draft commits
  // are the revisions above it.
  Revision start = 0;
  Revision head = 0;     // the draft database's newest revision
  uint64_t commits = 0;  // head - start
  int64_t created_micros = 0;
  std::string path;  // the draft's database directory
};

// An open draft, for writing. Holds the draft's write lock until destroyed.
// Thread-safety: as DB (the draft database is a DB). Must not outlive the
// main DB it came from.
class Draft {
 public:
  Draft(const Draft&) = delete;
  Draft& operator=(const Draft&) = delete;
  virtual ~Draft() = default;

  virtual const DraftInfo& info() const = 0;
  // Begins a draft commit: a transaction on the draft's newest revision
  // (DB::Begin on the draft database; the same contract).
  virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin() = 0;
  // The draft's newest revision. The snapshot must not outlive this Draft.
  virtual absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot() const = 0;
  // The draft commits, newest first (the revisions above start).
  virtual std::vector<RevisionInfo> Log() const = 0;
  // The draft's own database, for any other DB call.
  virtual DB& db() = 0;

 protected:
  Draft() = default;
};

// Creates draft `name` on main revision `base` (default HEAD). `db` may be
// read-write or read-only (then the copy is made through a follower).
// AlreadyExists if the draft exists. O(database files) hard links plus
// O(changes between base and HEAD) to roll the copy back to base.
absl::StatusOr<DraftInfo> CreateDraft(DB& db, std::string_view name,
                                      std::optional<Revision> base = {});
// Every draft, sorted by name. Leftovers of interrupted operations are
// cleaned or recovered first (docs/DRAFTS.md, "Crashes").
absl::StatusOr<std::vector<DraftInfo>> ListDrafts(const DB& db);
absl::StatusOr<DraftInfo> GetDraftInfo(const DB& db, std::string_view name);
// Opens the draft for writing; Unavailable if another writer holds it.
absl::StatusOr<std::unique_ptr<Draft>> OpenDraft(const DB& db,
                                                 std::string_view name);
// Deletes the draft and its database. Unavailable while it is being
// written.
absl::Status DropDraft(const DB& db, std::string_view name);

// What `name` names: "draft:NAME" gives NAME, anything else nullopt.
std::optional<std::string_view> DraftName(std::string_view revision_name);

// A diff between two revision names of which one or both may be drafts
// ("HEAD", "draft:x", "us-cet-2024", ...). Without drafts, exactly Diff.
// With one, O(changes): the keys changed between the draft's base and each
// side (the main change logs plus the draft's own) are read at both sides.
// DiffResult::from/to are the two sides' revision numbers in their own
// databases. Scoped options are supported as for Diff.
absl::StatusOr<DiffResult> DiffNamed(const DB& db, std::string_view from,
                                     std::string_view to,
                                     const DiffOptions& options = {});

// ---- Three-way merge. ----

struct MergeConflict {
  // Do not renumber: the JSON report carries the names, tests the values.
  enum class Kind : uint8_t {
    // The same node or edge changed differently on both sides; `fields`
    // names the clashing names ("name:ja") and properties ("prop:x").
    kContent = 0,
    // Deleted on one side, modified (or, for an edge, re-added) on the other.
    kDeleteModify = 1,
    // An edge added or modified on one side whose endpoint node the other
    // side deleted.
    kEdgeToDeletedNode = 2,
    // Both sides hold the node with different kinds.
    kKind = 3,
  };
  Kind kind = Kind::kContent;
  bool is_edge = false;
  std::string key;  // the node key, or for an edge its endpoint in question
  EdgeId edge;      // set when is_edge
  std::vector<std::string> fields;
  // The entity at base, head and draft (nullopt = absent there).
  std::optional<Node> base_node, head_node, draft_node;
  std::optional<Edge> base_edge, head_edge, draft_edge;
  // How it was resolved: "draft", "head", "file", or "" (unresolved).
  std::string resolution;
  friend bool operator==(const MergeConflict&, const MergeConflict&) = default;
};

std::string_view ConflictKindName(MergeConflict::Kind kind);

enum class MergePrefer : uint8_t { kNone = 0, kDraft = 1, kHead = 2 };

struct MergeOptions {
  bool dry_run = false;
  MergePrefer prefer = MergePrefer::kNone;
  // Resolutions in the change-stream format: each node or edge op sets the
  // merged state of its entity (del_node / del_edge: absent). Every
  // conflict's entity must be covered, by this or by `prefer`.
  std::vector<ChangeOp> resolutions;
  CommitInfo commit;  // message defaults to "merge draft NAME"
};

struct MergeReport {
  std::string draft;
  Revision base = 0;                     // the draft's base on main
  Revision head = 0;                     // main's HEAD merged into
  Revision draft_head = 0;               // the draft database's revision merged
  std::vector<MergeConflict> conflicts;  // sorted: nodes by key, then edges
  uint64_t unresolved = 0;
  // What the merge changes on main (the merged state against HEAD).
  ChangeCounts nodes, edges;
  bool dry_run = false;
  // The new main revision; nullopt for a dry run, an empty merge, or when
  // conflicts are unresolved.
  std::optional<Revision> committed;
  std::optional<Digest> digest;  // the merged content's digest, if committed
};

// Merges base->draft into base->HEAD and commits one new revision on main.
// `db` must be read-write. With unresolved conflicts nothing is committed
// and the status is FailedPrecondition (the report is in `report`, which is
// filled whenever the merge could be computed). A dry run fills the report
// and changes nothing.
absl::Status Merge(DB& db, std::string_view name, const MergeOptions& options,
                   MergeReport* report);

// Moves draft `name` onto main revision `onto` (default HEAD): the draft's
// changes (base->draft head) are merged into base->onto with the same
// conflict rules and resolutions, and the draft becomes one commit on top
// of `onto` (its earlier commits are squashed). Atomic: after a crash the
// draft is either the old one or the rebased one.
absl::Status Rebase(DB& db, std::string_view name, std::optional<Revision> onto,
                    const MergeOptions& options, MergeReport* report);

}  // namespace critgraph

#endif  // CRITGRAPH_DRAFT_H_
