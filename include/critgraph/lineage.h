// The lineage of a diff: which entries were split, merged or renamed
// between its two revisions, read from `supersedes` edges (successor ->
// the entry it replaces) and from name changes under a kept key. The diff
// outputs print it (critgraph/io/diff_format.h; docs/CLI.md, "Lineage").
//
// Definition. Let lo/hi be the older/newer of the diff's two revisions and
// view(X) the nodes the diff sees at X: scope(X) for a scoped diff
// (DiffOptions), every node otherwise. The supersedes edges that exist at hi
// and not at lo, and touch a node the diff added, removed or modified (or
// are among its added edges), are grouped into connected components. In
// each component, the entries in view(lo) are the "before" side, those in
// view(hi) the "after" side (an entry in both is on both: it continues), and
// those in neither are "via" (passed through inside the range, e.g. a 2022
// entry that both appeared and was merged away between 2020 and 2024):
//   - one before, several after: kSplit ("A split into B, C");
//   - several before, one after: kMerge ("C merged from A, B");
//   - one before, one other after: kRename (a key change: "A renamed to B");
//   - several and several: kReplace;
//   - nothing before, nothing after, or the same entries on both sides
//     (all continue): no event.
// Also kRename with from == to == {key}: a node the diff reports modified
// whose name in some language is present at both ends and differs
// (`names` holds those changes; a name only added or dropped is no rename).
// A supersedes edge removed in the range is not reported. In an unscoped
// diff, an entry that left its list but is kept as a node is still in view,
// so the list's scope gives the list's lineage (data/README.md, judgment
// call 10). For from > to (a reversed diff) the events are the same: they
// always describe the change from the older revision to the newer one.
//
// Cost: O(changes) edge reads at both ends, plus, for a scoped diff, the two
// reachability walks of the scope (O(scope)).
//
// Errors: NotFound if a revision of `diff` is not one of `db`'s; the errors
// of Snapshot reads (DataLoss naming the key and revision) and of Reach.
// Thread-safety: as Diff (critgraph/diff.h). Results are plain values.
#ifndef CRITGRAPH_LINEAGE_H_
#define CRITGRAPH_LINEAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"

namespace critgraph {

struct LineageEvent {
  enum class Kind { kSplit, kMerge, kRename, kReplace };
  Kind kind = Kind::kRename;
  // Keys, sorted. `from`: the entries at the older revision; `to`: at the
  // newer one; `via`: entries in the lineage that neither end's view holds.
  std::vector<std::string> from, to, via;
  // Same-key rename only: the changed names (before and after both set),
  // sorted by lang.
  std::vector<NameChange> names;

  friend bool operator==(const LineageEvent&, const LineageEvent&) = default;
};

// "split", "merged", "renamed", "replaced".
std::string_view LineageKindName(LineageEvent::Kind kind);

// The lineage of `diff`, which must be Diff(db, diff.from, diff.to, options)
// with the same options. Sorted by (from, to, kind).
absl::StatusOr<std::vector<LineageEvent>> DiffLineage(
    const DB& db, const DiffResult& diff, const DiffOptions& options = {});

}  // namespace critgraph

#endif  // CRITGRAPH_LINEAGE_H_
