// Lists as a first-class idea: a list is a node of kind "list"; its entries
// are the nodes that reach it over `part_of` edges, transitively (an entry,
// a group of entries, a group's sub-group...). Everything list-shaped in the
// CLI (`--list KEY`, `lists`, `log --list`, `crosswalk`, `find --list`) and
// in the Python module goes through these functions, so the one definition
// lives here.
//
// The scope of list L at revision R = {L} + the entries of L at R: exactly
// the scope of a scoped diff with {scope_root = L, direction = kIn,
// edge_types = {"part_of"}} (critgraph/diff.h).
//
// Ownership: results are plain values; nothing points into the database.
// Thread-safety: every function may be called from many threads at once (on
// the same snapshot or DB), as Reach and Diff may.
// Errors common to all functions: DataLoss / Internal from the reads.
#ifndef CRITGRAPH_LISTS_H_
#define CRITGRAPH_LISTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/snapshot.h"
#include "critgraph/traversal.h"

namespace critgraph {

// The node kind of lists and the edge type of membership (both built in).
inline constexpr char kListKind[] = "list";
inline constexpr char kMembershipEdgeType[] = "part_of";

// The traversal of a list's scope: from `list_key`, direction in, over
// part_of only, no depth limit. Reach(snapshot, ListScopeSpec(L)) is the
// scope (L at depth 0, its entries after it).
ReachSpec ListScopeSpec(std::string_view list_key);
// The diff options of a diff restricted to the list's scope.
DiffOptions ListDiffOptions(std::string_view list_key);

// OK if `key` is a node of kind "list" at `snapshot`'s revision. NotFound
// "no list 'KEY' at revision N" if there is no such node; InvalidArgument
// "'KEY' is a <kind>, not a list" if it exists with another kind.
absl::Status CheckList(const Snapshot& snapshot, std::string_view key);

// CheckList at two revisions for a diff: OK if `key` is a list at one of
// them at least and not a non-list node at either. NotFound "no list 'KEY'
// at revision A or B" if it exists at neither.
absl::Status CheckListAtEither(const Snapshot& a, const Snapshot& b,
                               std::string_view key);

// The entries of list `list_key` (CheckList's errors first): the nodes
// reaching it over part_of at the snapshot's revision, the list itself left
// out, sorted by (depth, key), each with its depth and BFS parent (the list
// for direct entries).
absl::StatusOr<std::vector<ReachedNode>> ListEntries(const Snapshot& snapshot,
                                                     std::string_view list_key);

// Reach within a list (`reach --list`): Reach(snapshot, spec) keeping only
// the sources and the reached nodes of the list's scope. The walk itself is
// not restricted, so depths and parents are those of the full reach (a
// parent may lie outside the list). With no sources: the list's own scope,
// i.e. Reach from the list in over part_of with spec's kinds, max_depth and
// plan; spec's direction and edge_types must then be left at their defaults
// (InvalidArgument otherwise). Errors: CheckList's, then Reach's. `report`
// as in Reach.
absl::StatusOr<std::vector<ReachedNode>> ReachInList(
    const Snapshot& snapshot, const ReachSpec& spec, std::string_view list_key,
    ReachReport* report = nullptr);

// The keys of the list's scope (the list and its entries), sorted. Errors:
// CheckList's.
absl::StatusOr<std::vector<std::string>> ListScopeKeys(
    const Snapshot& snapshot, std::string_view list_key);

// The counts of the list's scope: its nodes by kind (the list node
// included) and the edges between two of its nodes by type. Every kind and
// type registered at the revision is present (0 when none), as in
// CountByType. Errors: CheckList's. Cost: O(scope + the scope's out-edges).
absl::StatusOr<TypeCountsByName> CountByTypeInList(const Snapshot& snapshot,
                                                   std::string_view list_key);

// Whether a traversal from `spec` (one source) reaches anything besides the
// source itself, i.e. whether a scope holds more than its root. False if
// the source does not exist at the revision. One neighbour read: O(degree).
absl::StatusOr<bool> ScopeHasMoreThanRoot(const Snapshot& snapshot,
                                          const ReachSpec& spec);

// The revisions in [1, up_to] that changed each list of `lists`, ascending:
// R changed list L when Diff(parent(R), R, ListDiffOptions(L)) is not empty
// (an entry joined or left, an entry's or the list's own content changed,
// an edge between two nodes of the scope was added, removed or modified).
// result[i] belongs to lists[i]. A list that exists at neither end of a
// revision is not changed by it. NotFound if up_to is not a revision.
//
// Cost: one unscoped diff per revision, O(changes), shared by all lists;
// a list's scope is walked again only at revisions that change a part_of
// edge or the list node itself. Not O(revisions x scope).
absl::StatusOr<std::vector<std::vector<Revision>>> ListChangeRevisions(
    const DB& db, const std::vector<std::string>& lists, Revision up_to);

// ListChangeRevisions of one list up to HEAD (`log --list`), with the
// errors a user needs: InvalidArgument if `list_key` is a node of another
// kind at HEAD; NotFound "no list 'KEY' at any revision" if no revision
// changed it (it never existed). A list deleted since is fine.
absl::StatusOr<std::vector<Revision>> RevisionsChangingList(
    const DB& db, std::string_view list_key);

// One row of `critgraph lists`.
struct ListSummary {
  std::string key;
  Node node;             // the list node itself
  uint64_t entries = 0;  // ListEntries(...).size()
  std::map<std::string, uint64_t> entries_by_kind;
  // The newest revision <= the snapshot's that changed the list
  // (ListChangeRevisions); 0 if none did (cannot happen for a list that
  // exists, since its creation changed it).
  Revision last_change = 0;

  friend bool operator==(const ListSummary&, const ListSummary&) = default;
};

// Every node of kind "list" at `snapshot`'s revision, sorted by key, with
// its entry counts and last change. `db` must be the snapshot's database.
// Cost: the list scopes at the revision, plus ListChangeRevisions up to it.
absl::StatusOr<std::vector<ListSummary>> ListSummaries(
    const DB& db, const Snapshot& snapshot);

}  // namespace critgraph

#endif  // CRITGRAPH_LISTS_H_
