// Crosswalk tables between lists (`critgraph crosswalk`, Python
// `snapshot.crosswalk`): for each entry of list A, the entries of list B it
// is linked to (by default over `maps_to` edges), with the link's
// properties (relation, confidence, ...); the entries of either side that
// have no link; counts. And the matrix of counts of one list against every
// other list. Entries are those of critgraph/lists.h (reaching the list
// over part_of, transitively). Output formats: text, CSV, JSON, Markdown
// (docs/FORMATS.md, "Crosswalk").
//
// Links are followed in both directions: an edge from an entry of A to an
// entry of B is direction "out", one from B to A direction "in"; the edge's
// properties are reported as stored (a "narrower" relation read "in" is the
// B entry's relation to the A entry).
//
// Cost: the two lists' scopes, then one out- and one in-edge read per entry
// of A: O(|A| + |B| + their link edges).
//
// Errors: CheckList's for A and B (NotFound "no list 'X' at revision N",
// InvalidArgument if not a list); InvalidArgument if A == B or an edge type
// is not registered at the revision; DataLoss/Internal from the reads.
// Ownership: plain values. Thread-safety: as Snapshot.
#ifndef CRITGRAPH_IO_CROSSWALK_H_
#define CRITGRAPH_IO_CROSSWALK_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/snapshot.h"

namespace critgraph::io {

struct CrosswalkOptions {
  // The edge types that link entries (empty = every type except part_of).
  std::vector<std::string> edge_types = {"maps_to"};
};

struct CrosswalkEntry {
  std::string key;
  std::string name;  // io::DisplayName of the node ("" if it has none)

  friend bool operator==(const CrosswalkEntry&,
                         const CrosswalkEntry&) = default;
};

struct CrosswalkLink {
  CrosswalkEntry other;  // the entry of B
  std::string type;      // the edge type
  bool outgoing = true;  // the edge goes from the A entry to the B entry
  Properties props;      // the edge's properties

  friend bool operator==(const CrosswalkLink&, const CrosswalkLink&) = default;
};

struct CrosswalkRow {
  CrosswalkEntry entry;  // an entry of A
  // Sorted by (other key, type, outgoing first); empty = unmapped.
  std::vector<CrosswalkLink> links;

  friend bool operator==(const CrosswalkRow&, const CrosswalkRow&) = default;
};

struct CrosswalkTable {
  Revision revision = 0;
  std::string list_a, list_b;
  std::vector<std::string> edge_types;  // as given (empty = all but part_of)
  std::vector<CrosswalkRow> rows;       // every entry of A, by key
  // Entries of B with no link to an entry of A, by key.
  std::vector<CrosswalkEntry> unmapped_b;
  uint64_t entries_a = 0, entries_b = 0;
  uint64_t links = 0;                   // edges counted once
  uint64_t mapped_a = 0, mapped_b = 0;  // entries with at least one link

  uint64_t unmapped_a() const { return entries_a - mapped_a; }
  friend bool operator==(const CrosswalkTable&,
                         const CrosswalkTable&) = default;
};

absl::StatusOr<CrosswalkTable> Crosswalk(const Snapshot& snapshot,
                                         std::string_view list_a,
                                         std::string_view list_b,
                                         const CrosswalkOptions& options = {});

// One row per link, then one per unmapped entry of A (b_* empty), then one
// per unmapped entry of B (a_* empty): the rows of the CSV output and of
// Python's crosswalk(). relation / confidence are the link's string
// properties of those names ("" when absent).
struct CrosswalkFlatRow {
  std::string a_key, a_name, b_key, b_name, type, direction, relation,
      confidence;
};
std::vector<CrosswalkFlatRow> FlattenCrosswalk(const CrosswalkTable& table);

// Counts of list A against each other list.
struct CrosswalkMatrixRow {
  std::string list_b;
  uint64_t entries_b = 0, links = 0, mapped_a = 0, mapped_b = 0;

  friend bool operator==(const CrosswalkMatrixRow&,
                         const CrosswalkMatrixRow&) = default;
};
struct CrosswalkMatrix {
  Revision revision = 0;
  std::string list_a;
  std::vector<std::string> edge_types;
  uint64_t entries_a = 0;
  std::vector<CrosswalkMatrixRow> rows;  // every other list, by key

  friend bool operator==(const CrosswalkMatrix&,
                         const CrosswalkMatrix&) = default;
};
// Crosswalk(A, B) counts for every list B != A at the revision.
absl::StatusOr<CrosswalkMatrix> CrosswalkAll(
    const Snapshot& snapshot, std::string_view list_a,
    const CrosswalkOptions& options = {});

enum class CrosswalkFormat { kText, kCsv, kJson, kMarkdown };
// "text", "csv", "json", "markdown"; nullopt otherwise.
std::optional<CrosswalkFormat> ParseCrosswalkFormat(std::string_view name);

// The table or matrix in `format`. Deterministic. `revision_label` is the
// text form's name of the revision ("12 (curated-links)").
void WriteCrosswalk(std::ostream& out, const CrosswalkTable& table,
                    CrosswalkFormat format, const std::string& revision_label);
void WriteCrosswalkMatrix(std::ostream& out, const CrosswalkMatrix& matrix,
                          CrosswalkFormat format,
                          const std::string& revision_label);

// The JSON documents (one line, no newline) of the two.
std::string CrosswalkJson(const CrosswalkTable& table);
std::string CrosswalkMatrixJson(const CrosswalkMatrix& matrix);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_CROSSWALK_H_
