// Imports: the JSONL change stream (docs/FORMATS.md) and CSV node/edge
// files, one implementation for the CLI and the Python module.
//
// Both read their input once, streaming, with bounded memory, inside ONE
// write transaction: every op is applied to it, every commit line seals a
// revision (Transaction::Seal: closed, still invisible), and at the end one
// Transaction::Publish makes all of them visible with a single durable head
// move. On any error, or when cancelled, the transaction is rolled back:
// nothing is visible, HEAD and its digest are unchanged, and nothing is left
// on disk (no scratch copy, no spool file). See docs/CLI.md, "Import
// atomicity".
#ifndef CRITGRAPH_IO_IMPORT_H_
#define CRITGRAPH_IO_IMPORT_H_

#include <atomic>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/io/progress.h"

namespace critgraph::io {

struct ImportOptions {
  // For the revision made of the ops after the last commit line (JSONL), or
  // the one revision of a CSV import. Default message: "import <name>"
  // (JSONL), "import CSV <nodes> + <edges>" (CSV).
  std::optional<std::string> message;
  std::optional<std::string> tag;
  std::optional<std::string> effective;  // YYYY-MM-DD
  // Author for commit lines without one, and for the revision above.
  std::string default_author;
  // If set, every revision gets this author whatever its line says.
  std::optional<std::string> force_author;
  // Sets CommitInfo::backdate on every revision of the import: allows
  // effective dates earlier than those already committed (else such a
  // revision is refused, InvalidArgument naming both dates).
  bool backdate = false;
  // CSV: a node row replaces the node. When that would drop properties the
  // node has and the row has no value for (a column deleted in a
  // spreadsheet), the import is refused with FailedPrecondition ("would
  // drop ...", naming the count and the first node) and nothing is imported,
  // unless merge_props (keep those properties) or replace_props (drop them,
  // the row is the whole node) says which. merge_props wins if both are set.
  bool merge_props = false;
  bool replace_props = false;
  // true (default): all or nothing, as above. false: each revision is
  // published as soon as its commit line is read, so an error keeps the
  // revisions before it (the message says which).
  bool atomic = true;
  // Bytes read so far of size_hint (0 = unknown total).
  ProgressFn progress;
  uint64_t size_hint = 0;
  // Checked between lines (records): once it is true the import rolls back
  // and returns absl::CancelledError. May be set from a signal handler.
  const std::atomic<bool>* cancel = nullptr;
};

struct ImportResult {
  std::vector<Revision> revisions;  // created, oldest first
  uint64_t ops = 0;                 // non-commit ops applied
  bool trailing_revision = false;   // JSONL: ops after the last commit line
  uint64_t nodes = 0, edges = 0;    // CSV: records imported
  // CSV with replace_props: nodes whose properties the import dropped, and
  // the first such as "key: prop, prop" (empty if none).
  uint64_t dropped_props = 0;
  std::string dropped_example;
};

// Imports the change stream `in`, named `name` in messages. A stream
// without ops or commit lines imports nothing (empty `revisions`).
// Errors:
//   - InvalidArgument "name:line: reason" for bad input (malformed or
//     unknown op, a line longer than kMaxChangeLineBytes, an op the database
//     refuses such as an edge to an unknown key, a bad date, an existing or
//     repeated tag); "name: trailing revision: reason" for a bad
//     message/tag/effective of the trailing revision; "name: read error".
//     The CLI exits 3 for these.
//   - Cancelled: options.cancel was set.
//   - Other codes: database errors (Unavailable: the database is locked).
absl::StatusOr<ImportResult> ImportChangeStream(DB& db, std::istream& in,
                                                const std::string& name,
                                                const ImportOptions& options);

// ImportChangeStream of the file at `path` (named `path`), read through
// FdInputBuf so a cancel interrupts a blocking read (a FIFO). size_hint is
// taken from the file when options.size_hint is 0. InvalidArgument
// "cannot open PATH" if it cannot be opened, or if it is a directory.
absl::StatusOr<ImportResult> ImportChangeStreamFile(
    DB& db, const std::string& path, const ImportOptions& options);

// The CSV files of one import (docs/FORMATS.md, "CSV"); at least one.
struct CsvFiles {
  std::optional<std::string> nodes;
  std::optional<std::string> edges;
};

// DIR/nodes.csv and DIR/edges.csv, those that exist. InvalidArgument if
// `dir` is not a directory or holds neither.
absl::StatusOr<CsvFiles> CsvFilesInDir(const std::string& dir);

// Imports the nodes file, then the edges file, as one revision (message,
// tag, effective and author from `options`). Node kinds and edge types named
// in the files are registered if new. Errors as for ImportChangeStream,
// naming "file:line"; "cannot open FILE" for a missing file.
absl::StatusOr<ImportResult> ImportCsv(DB& db, const CsvFiles& files,
                                       const ImportOptions& options);

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_IMPORT_H_
