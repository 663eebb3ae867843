// Value types of critgraph's public API: nodes, edges, properties, revisions.
//
// All types here are plain values: copyable, owning their data, safe to move
// between threads. Nothing in them points into the database.
#ifndef CRITGRAPH_TYPES_H_
#define CRITGRAPH_TYPES_H_

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace critgraph {

// Revision numbers start at 1. Revision 0 is the empty root that exists in
// every database; it is never listed in the log but can be read and diffed.
using Revision = uint64_t;

// A typed property value: string, int64, double, bool or list of strings.
// The variant index is part of the on-disk format (see PropertyType).
// Equality (==) is the one rule the diff and the digest follow: doubles are
// stored canonical (-0.0 as 0.0; NaN and infinities are refused), see
// docs/FORMATS-ON-DISK.md, "Property value equality".
using PropertyValue =
    std::variant<std::string, int64_t, double, bool, std::vector<std::string>>;

// Property name -> value, ordered by name.
using Properties = std::map<std::string, PropertyValue, std::less<>>;

// Language tag (e.g. "ja", "en", "zh") -> text, ordered by tag.
using Names = std::map<std::string, std::string, std::less<>>;

struct Node {
  std::string key;   // stable external identity, UTF-8
  std::string kind;  // a registered node kind, e.g. "technology"
  Names names;
  Properties props;

  friend bool operator==(const Node&, const Node&) = default;
};

// Identity of an edge: (from key, type, to key).
struct EdgeId {
  std::string from;
  std::string type;
  std::string to;

  friend auto operator<=>(const EdgeId&, const EdgeId&) = default;
  friend bool operator==(const EdgeId&, const EdgeId&) = default;
};

struct Edge {
  std::string from;
  std::string type;
  std::string to;
  Properties props;

  EdgeId id() const { return EdgeId{from, type, to}; }
  friend bool operator==(const Edge&, const Edge&) = default;
};

// 128-bit content digest of a revision: an order-independent (multiset) sum
// of a stable XXH3-128 hash over every node and edge record. Two revisions
// with equal content have equal digests whatever their histories.
struct Digest {
  uint64_t hi = 0;
  uint64_t lo = 0;

  // 32 lowercase hex digits, hi first.
  std::string ToHex() const;
  static absl::StatusOr<Digest> FromHex(std::string_view hex);

  friend bool operator==(const Digest&, const Digest&) = default;
};

// What the writer supplies with a commit.
struct CommitInfo {
  std::string message;
  std::string author;
  // When the list version took effect, "YYYY-MM-DD"; distinct from the commit
  // time. Used by "@YYYY-MM-DD" revision names.
  std::optional<std::string> effective_date;
  // Tags to create on the new revision (must not exist yet).
  std::vector<std::string> tags;
  // Allows an effective date earlier than the latest effective date of the
  // revisions below (a list version imported late). Without it such a commit
  // is InvalidArgument. See RevisionInfo::backdated and "@DATE" in DB::Resolve.
  bool backdate = false;

  friend bool operator==(const CommitInfo&, const CommitInfo&) = default;
};

// How many entities a change added, removed and modified.
struct ChangeCounts {
  uint64_t added = 0, removed = 0, modified = 0;

  uint64_t total() const { return added + removed + modified; }
  friend bool operator==(const ChangeCounts&, const ChangeCounts&) = default;
};

struct RevisionInfo {
  Revision number = 0;
  Revision parent = 0;
  int64_t commit_time_micros = 0;  // wall clock at commit, microseconds
  std::string author;
  std::string message;
  std::optional<std::string> effective_date;
  std::vector<std::string> tags;  // sorted
  Digest digest;
  uint64_t node_count = 0;
  uint64_t edge_count = 0;
  uint64_t change_count = 0;  // nodes and edges changed by this revision
  // True if effective_date is earlier than the effective date of some
  // revision below it (committed with CommitInfo::backdate). Derived from
  // the revisions' dates when the database is opened; not stored.
  bool backdated = false;
  // Live nodes per node kind and edges per edge type, zero counts omitted.
  // Maintained at commit; absent (unknown) for revisions written before
  // critgraph stored them. See docs/FORMATS-ON-DISK.md.
  std::optional<std::map<std::string, uint64_t>> nodes_by_kind;
  std::optional<std::map<std::string, uint64_t>> edges_by_type;
  // What this revision changed against its parent: per node kind (a modified
  // node under its kind after the change) and per edge type, zero entries
  // omitted; equal to Diff(parent, number).Stat()'s maps. Maintained at
  // commit; absent for revisions written before critgraph stored them.
  std::optional<std::map<std::string, ChangeCounts>> nodes_changed_by_kind;
  std::optional<std::map<std::string, ChangeCounts>> edges_changed_by_type;
};

enum class Direction { kOut, kIn, kBoth };

}  // namespace critgraph

#endif  // CRITGRAPH_TYPES_H_
