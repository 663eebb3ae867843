// Revision diffs: what changed between two revisions of one database, as
// nodes and edges added, removed and modified, optionally restricted to the
// subgraph reachable from one root (a "scoped" diff, e.g. one list's
// members). Semantics, cost and the JSON form: docs/QUERIES.md, "Diff".
// The output formats (JSON, text, patch, DOT): critgraph/io/diff_format.h.
//
// Cost: an unscoped Diff reads the per-revision change log of every revision
// in (min(from, to), max(from, to)] and then each changed entity at both
// ends: O(changes), independent of the graph's size. It never scans the
// graph. A scoped diff adds two reachability walks: O(scope + changes).
//
// Identity is the key: a node renamed or given new properties is one
// modified node (with NameChange / PropertyChange entries), never an
// add + remove. An entity changed and changed back inside the range compares
// equal at both ends and does not appear.
//
// Ownership: results are plain values owning their strings; nothing in them
// points into the database, so they may outlive it.
//
// Thread-safety: Diff and RevisionStat may be called from many threads at
// once, on the same DB, also while a writer commits (committed revisions
// never change). Each call creates its own RocksDB iterators. A DiffResult is
// an ordinary value: const methods may be called concurrently.
//
// Errors:
//   - NotFound: `from` or `to` (or `rev`) is not a revision of the database;
//     or the scope root exists at neither revision.
//   - InvalidArgument: a name in DiffOptions::edge_types is registered at
//     neither revision; or `db` is not a database opened by critgraph.
//   - DataLoss: a change-log entry, record or id mapping failed
//     verification (the message names the key or id and the revision).
//   - Internal: an unexpected RocksDB error.
#ifndef CRITGRAPH_DIFF_H_
#define CRITGRAPH_DIFF_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/change.h"
#include "critgraph/db.h"
#include "critgraph/types.h"

namespace critgraph {

// A localized name that differs; nullopt = absent on that side.
struct NameChange {
  std::string lang;
  std::optional<std::string> before, after;

  friend bool operator==(const NameChange&, const NameChange&) = default;
};

// A property that differs; nullopt = absent on that side. Values are
// compared with PropertyValue's ==, the one equality rule the digest also
// follows (docs/FORMATS-ON-DISK.md, "Property value equality"): a different
// type (int64 1 vs double 1.0) is a change.
struct PropertyChange {
  std::string name;
  std::optional<PropertyValue> before, after;

  friend bool operator==(const PropertyChange&,
                         const PropertyChange&) = default;
};

// A node present (in scope) at both ends with different content.
struct NodeChange {
  std::string key;
  // Equal unless the kind changed.
  std::string kind_before, kind_after;
  std::vector<NameChange> names;      // sorted by lang
  std::vector<PropertyChange> props;  // sorted by name
  Node before, after;                 // the whole node at `from` and at `to`

  friend bool operator==(const NodeChange&, const NodeChange&) = default;
};

// An edge present (in scope) at both ends with different properties.
struct EdgeChange {
  EdgeId id;
  std::vector<PropertyChange> props;  // sorted by name
  Properties before, after;

  friend bool operator==(const EdgeChange&, const EdgeChange&) = default;
};

// Summary counts of a diff (`diff --stat`, `log --stat`). A node is counted
// under its kind at the side it exists on; a modified node under its kind at
// `to` (kind_after).
struct DiffStat {
  ChangeCounts nodes, edges;
  std::map<std::string, ChangeCounts> nodes_by_kind, edges_by_type;

  friend bool operator==(const DiffStat&, const DiffStat&) = default;
};

// Restricts a diff to the subgraph reachable from one root. With a root,
// scope(X) = the nodes reachable from scope_root at revision X following
// edges in `direction`, of `edge_types` only (empty = all), at most
// `max_depth` edges away (nullopt = unlimited), root included; empty if the
// root does not exist at X. The diff is then the diff of the two induced
// subgraphs: a node in scope(to) but not scope(from) is added (even if it
// exists at `from` outside the scope), the reverse removed, in both with
// different content modified; an edge is in the subgraph at X when it exists
// at X and both its endpoints are in scope(X).
//
// An edge type registered at only one of the two revisions matches no edge
// at the other one. Example: the members of a list point to it with
// part_of, so one list's scope is {scope_root = "us-cet", direction = kIn,
// edge_types = {"part_of"}}.
struct DiffOptions {
  // Empty (nullopt) = the whole graph.
  std::optional<std::string> scope_root;
  Direction direction = Direction::kOut;
  std::vector<std::string> edge_types;
  std::optional<uint32_t> max_depth;
};

struct DiffResult {
  Revision from = 0, to = 0;
  std::vector<Node> nodes_added, nodes_removed;  // sorted by key
  std::vector<NodeChange> nodes_modified;        // sorted by key
  // Sorted by (from, type, to).
  std::vector<Edge> edges_added, edges_removed;
  std::vector<EdgeChange> edges_modified;  // sorted by id
  // Node kinds / edge types registered in (from, to], sorted. Empty when
  // from >= to: registrations are never undone. Registrations are not
  // content: they do not change the digest and do not make a diff non-empty.
  std::vector<std::string> node_kinds_registered, edge_types_registered;

  DiffStat Stat() const;
  // No node or edge was added, removed or modified. Two revisions with equal
  // digests have an empty diff, and an empty unscoped diff means equal
  // digests.
  bool empty() const;

  // The change-stream ops turning `from` into `to`, without a commit op:
  // registrations, then del_edge for removed edges, del_node for removed
  // nodes, node upserts for added and modified nodes (sorted by key), edge
  // upserts for added and modified edges (sorted by id). Applied in order
  // (ApplyChange) to a database whose content equals revision `from`, they
  // give content equal to revision `to` (same digest). For a scoped diff
  // they turn the induced subgraph scope(from) into scope(to): applied to a
  // database holding exactly that subgraph. (Applied to the whole graph, a
  // del_node of a node that only left the scope would delete it.)
  std::vector<ChangeOp> ToPatch() const;

  friend bool operator==(const DiffResult&, const DiffResult&) = default;
};

// The diff from revision `from` to revision `to` (from > to gives the
// reversed diff: added and removed swap, before and after swap). `db` must
// be a database opened with DB::Open or DB::OpenReadOnly.
absl::StatusOr<DiffResult> Diff(const DB& db, Revision from, Revision to,
                                const DiffOptions& options = {});

// Diff(parent(rev), rev).Stat(): what revision `rev` changed. Read from the
// counts maintained at commit (RevisionInfo::nodes_changed_by_kind), O(types);
// for a revision written before they were stored, from its change log,
// O(changes of rev). Revision 0 gives an empty stat.
absl::StatusOr<DiffStat> RevisionStat(const DB& db, Revision rev);

}  // namespace critgraph

#endif  // CRITGRAPH_DIFF_H_
