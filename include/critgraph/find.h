// Find nodes by text: a case-insensitive substring match over keys and
// names in every language (`critgraph find`, Python `snapshot.find`).
//
// Matching: the text and each candidate (the key, every name) are folded
// with FoldForSearch and the folded text must occur in the folded candidate
// as a byte substring. Folding lowers ASCII, Latin-1, Greek and Cyrillic
// letters and maps full-width ASCII forms (U+FF01..U+FF5E, common in
// Japanese text) to ASCII, so "ai" finds "ＡＩ" and "quantum" finds
// "Quantum". Everything else (CJK, kana) is compared as is, so "量子"
// finds "量子情報科学". An empty text matches every node.
//
// Cost: with no list filter and no kind, one scan of the revision's nodes
// (ForEachNode); with a kind, that kind's nodes only (the kind index); with
// a list, the list's scope (critgraph/lists.h) and one read per entry.
//
// Ownership: results are plain values. Thread-safety: as Snapshot.
#ifndef CRITGRAPH_FIND_H_
#define CRITGRAPH_FIND_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/snapshot.h"

namespace critgraph {

struct FindOptions {
  // The text to look for; empty = every node (use with kind or list).
  std::string text;
  // Only nodes of this kind (nullopt = any). Must be registered at the
  // revision, else InvalidArgument naming it.
  std::optional<std::string> kind;
  // Only the entries of this list (critgraph/lists.h), the list node left
  // out. CheckList's errors: NotFound "no list 'L' at revision N",
  // InvalidArgument if L is not a list.
  std::optional<std::string> list;
};

struct FindMatch {
  Node node;
  // Where the text was found: "key" and/or "name:<lang>", in that order
  // (languages sorted). Empty when the text is empty.
  std::vector<std::string> matched;

  friend bool operator==(const FindMatch&, const FindMatch&) = default;
};

// The matching nodes at `snapshot`'s revision, sorted by key.
absl::StatusOr<std::vector<FindMatch>> Find(const Snapshot& snapshot,
                                            const FindOptions& options);

// The folded form used for matching (see above). Invalid UTF-8 bytes are
// kept as they are.
std::string FoldForSearch(std::string_view text);

}  // namespace critgraph

#endif  // CRITGRAPH_FIND_H_
