// The history of one entity: every revision in which a node (and, if asked,
// each of its incident edges) was added, removed or changed, with what
// changed, optionally following `supersedes` edges to the entries the node
// replaced (as `git log --follow` follows renames). Semantics and the JSON
// form: docs/CLI.md, "history", and docs/FORMATS.md.
//
// Cost: proportional to the versions of the entity, never to the number of
// revisions or to the graph's size. A node's versions are one key range of
// the `nodes` family (`id ~rev`, newest first), its out-edges' versions one
// range of `out_edges` and its in-edges' one range of `in_edges`; each
// version is read once, plus one point read per in-edge version (for its
// properties) and one id -> key lookup per neighbour. Revision metadata comes
// from memory. With `follow`, the same again for every node of the lineage.
//
// Ownership: results are plain values owning their strings; they may outlive
// the database.
//
// Thread-safety: History may be called from many threads at once, on the
// same DB, also while a writer commits (committed revisions never change,
// and versions above HEAD are never read). Each call creates its own
// iterators.
//
// Errors:
//   - NotFound: `key` has no version at or before `options.at` (never used,
//     or created later); or `options.at` is not a revision of the database.
//   - DataLoss: a stored record or id mapping failed verification (the
//     message names the key or id and the revision).
//   - Internal: an unexpected RocksDB error.
#ifndef CRITGRAPH_HISTORY_H_
#define CRITGRAPH_HISTORY_H_

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/types.h"

namespace critgraph {

enum class HistoryAction { kAdded, kRemoved, kModified };

// "added", "removed", "modified".
const char* HistoryActionName(HistoryAction action);

struct HistoryOptions {
  // Also the changes of the node's incident edges (in and out).
  bool edges = false;
  // Also the history of every node this one supersedes (its out-edges of
  // type `supersedes`, at any revision up to `at`), transitively; each such
  // supersedes edge's own changes are reported too, marked as lineage steps.
  bool follow = false;
  // Only revisions up to and including `at`; nullopt = HEAD at the call.
  std::optional<Revision> at;
};

// One change of one entity in one revision.
struct HistoryEntry {
  // The revision that made the change and its metadata.
  Revision revision = 0;
  std::vector<std::string> tags;  // sorted
  std::optional<std::string> effective_date;
  std::string message;
  std::string author;
  int64_t commit_time_micros = 0;

  HistoryAction action = HistoryAction::kModified;
  // What changed, as in a diff. For kAdded, `before` is empty (a node of
  // the same key and kind without names or properties; an edge without
  // properties), so every name and property is listed as absent -> value;
  // kRemoved is the reverse. kind_before != kind_after only for a kModified
  // node whose kind changed.
  std::variant<NodeChange, EdgeChange> change;

  // The node whose history this entry belongs to: the requested key, or
  // (with follow) a node it supersedes. For an edge entry, the endpoint that
  // is that node.
  std::string subject;
  // The supersedes chain from the requested key to `subject`, both included
  // ({key} for the key's own entries).
  std::vector<std::string> lineage;
  // A change of a `supersedes` edge from one lineage node to the next one
  // (where `follow` steps from a node to the one it replaces).
  bool lineage_step = false;

  bool is_edge() const { return change.index() == 1; }
  const NodeChange& node() const { return std::get<NodeChange>(change); }
  const EdgeChange& edge() const { return std::get<EdgeChange>(change); }

  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

// The history of the node `key` up to `options.at`, newest revision first;
// within one revision: the lineage in the order it was reached (breadth-first
// from `key`, then by key), each node's own entry before its edges', edges
// by (from, type, to). Changes the node's versions do not record are not
// reported: a revision that rewrites a node or edge with identical content
// stores no version, so it is not in the history. An edge incident to two
// lineage nodes is reported once, under the first one reached.
absl::StatusOr<std::vector<HistoryEntry>> History(
    const DB& db, std::string_view key, const HistoryOptions& options = {});

}  // namespace critgraph

#endif  // CRITGRAPH_HISTORY_H_
