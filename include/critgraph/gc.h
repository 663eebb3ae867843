// Retention: removing revisions no rule keeps (`critgraph gc`).
// How it works and why it is crash-safe: docs/ARCHITECTURE.md, "Retention
// (gc)"; the records it writes: docs/FORMATS-ON-DISK.md.
#ifndef CRITGRAPH_GC_H_
#define CRITGRAPH_GC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/types.h"

namespace critgraph {

class DB;

// Which revisions gc keeps. Revision 0 and HEAD are always kept; every other
// revision is kept when at least one rule keeps it. At least one rule must be
// given (gc without one would remove everything but HEAD).
struct GcRules {
  // Every revision a tag names.
  bool keep_tags = false;
  // The N newest revisions (N >= 1), counting only revisions not removed.
  std::optional<uint64_t> keep_last;
  // "YYYY-MM-DD": every revision with an effective date on or after DATE,
  // every revision without one committed (UTC) on or after DATE, and the
  // revision "@DATE" names (the state in effect on DATE), if any.
  std::optional<std::string> keep_since;
  // Revision names (numbers, tags, HEAD~N, @DATE), resolved before gc.
  std::vector<std::string> keep;
  // Computes the report without changing anything.
  bool dry_run = false;
};

struct GcReport {
  bool dry_run = false;
  std::string date;            // the gc date recorded in removed revisions, UTC
  std::vector<Revision> kept;  // ascending, 0 and HEAD included
  std::vector<Revision> removed;  // removed by this gc, ascending
  // Tags that named removed revisions: deleted with them (never with
  // keep_tags, which keeps their revisions).
  std::vector<std::string> tags_removed;
  // Node and edge versions visible at no kept revision, deleted (dry run:
  // to delete).
  uint64_t versions_deleted = 0;
  // Key + value sizes of every entry deleted (versions, in-edge mirrors,
  // kind-index and change-log entries) minus the change-log entries the
  // folding writes at kept revisions: the bytes freed before compression,
  // an estimate of the space returned.
  uint64_t bytes_deleted = 0;
  // Total SST bytes of the database before gc and after its compaction
  // (the dry run reports the current size in both).
  uint64_t sst_bytes_before = 0;
  uint64_t sst_bytes_after = 0;
};

// Removes every revision of `db` that no rule of `rules` keeps. Kept
// revisions keep their content, digest and metadata; their change logs are
// folded so that diffs between kept revisions stay exact and O(changes).
// A removed revision afterwards answers NotFound "revision 7 was removed by
// gc on 2026-12-03 (kept: 1, 4, 9-12)" wherever a revision is accepted.
//
// InvalidArgument: no rule, keep_last of 0, a malformed date or name.
// NotFound: a name in `keep` that names no (kept) revision.
// FailedPrecondition: read-only database, a write transaction open, or an
// open snapshot of a revision that would be removed.
// Crash-safe: a kill at any point leaves the old retention state or, once
// gc has recorded its intent, a state the next read-write open completes.
absl::StatusOr<GcReport> Gc(DB& db, const GcRules& rules);

}  // namespace critgraph

#endif  // CRITGRAPH_GC_H_
