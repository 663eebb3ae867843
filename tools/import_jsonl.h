// Import of the JSONL change stream (docs/FORMATS.md), all-or-nothing.
//
// Pass 1 parses every line (bounded memory: one line at a time) and checks
// the commit lines' tags against the database and each other. If the stream
// makes more than one revision, a dry run then replays it into a scratch
// database seeded with a copy of the target's HEAD, so every error the
// engine can raise (unknown kind, edge to an unknown key, deleting what does
// not exist, a bad tag or date) is found before anything is committed to the
// target. Pass 2 applies the stream to the target. See docs/CLI.md, "Import
// atomicity".
#ifndef CRITGRAPH_TOOLS_IMPORT_JSONL_H_
#define CRITGRAPH_TOOLS_IMPORT_JSONL_H_

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"

namespace critgraph::cli {

// Opens the stream afresh (the importer reads it more than once).
using StreamOpener =
    std::function<absl::StatusOr<std::unique_ptr<std::istream>>()>;

struct ImportOptions {
  // For the revision made of the ops after the last commit line.
  std::optional<std::string> message;
  std::optional<std::string> tag;
  std::optional<std::string> effective;
  // Author for commits whose line has none (and for the trailing revision).
  std::string default_author;
  // If set, every commit gets this author whatever its line says.
  std::optional<std::string> force_author;
  // Dry-run multi-revision streams in a scratch database first (see above).
  bool dry_run = true;
  // Total size of the stream in bytes for the progress bar (0 = unknown).
  uint64_t size_hint = 0;
};

struct ImportResult {
  std::vector<Revision> revisions;  // created, oldest first
  uint64_t ops = 0;                 // non-commit ops applied
  bool trailing_revision = false;   // ops after the last commit line
};

// Imports the stream named `name` (used in messages: "name:line: reason").
// Errors: InvalidArgument "name:line: reason" for bad input (the CLI exits
// 3); other codes for database errors (exit 4). On any error nothing has
// been committed, except as described in docs/CLI.md for a database failure
// during pass 2.
absl::StatusOr<ImportResult> ImportJsonl(DB& db, const std::string& name,
                                         const StreamOpener& open,
                                         const ImportOptions& options);

// Copies the stream `in` to a new file in `dir`; returns its path.
absl::StatusOr<std::string> SpoolToFile(std::istream& in,
                                        const std::string& dir);

// A scratch directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir() = default;
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  absl::Status Create(const std::string& prefix);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_IMPORT_JSONL_H_
