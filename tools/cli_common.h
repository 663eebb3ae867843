// Shared pieces of the critgraph CLI: exit codes, error reporting, opening
// the database, resolving revision names.
#ifndef CRITGRAPH_TOOLS_CLI_COMMON_H_
#define CRITGRAPH_TOOLS_CLI_COMMON_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/db.h"

namespace critgraph::cli {

// Exit codes (docs/CLI.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitNotFound = 1;  // unknown key or revision
inline constexpr int kExitUsage = 2;     // bad command line
inline constexpr int kExitBadInput = 3;  // bad input data (file:line: reason)
inline constexpr int kExitDbError = 4;   // corruption, lock held, bad format
inline constexpr int kExitConflict = 5;  // merge/rebase: unresolved conflicts
inline constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM (128 + 2)

// Exit code for a status returned by the database for a command-line
// argument: NotFound -> 1, InvalidArgument/AlreadyExists/OutOfRange -> 2,
// everything else (DataLoss, Unavailable, FailedPrecondition, Internal) -> 4.
int ExitCodeFor(const absl::Status& status);

// Prints "critgraph: <message>" to stderr and returns `code`.
int Fail(int code, std::string_view message);
// Fail(ExitCodeFor(status), <status message with a hint for locks>).
int FailStatus(const absl::Status& status);

// The status message without the "CODE: " prefix.
std::string StatusText(const absl::Status& status);

// Opens the database at `path`. Read-only opens do not create anything and
// report a missing database as exit 4 with a hint.
absl::StatusOr<std::unique_ptr<DB>> OpenDb(const std::string& path,
                                           bool read_only,
                                           bool create_if_missing = false);

// Before `init` or `import` creates or writes a database at `path`: OK if
// `path` holds a critgraph database, is an empty directory, or does not
// exist and its parent folder does (with `parents`, missing parents are
// created, as `mkdir -p`). InvalidArgument (exit 2) for a file, a non-empty
// folder that is not a critgraph database, or a missing parent without
// `parents`; the message names the path. Internal if a parent cannot be
// created (with the errno text).
absl::Status CheckDbDirForWriting(const std::string& path, bool parents);

// "what: path: <strerror(err)>", for file and I/O errors.
std::string ErrnoText(const std::string& what, const std::string& path,
                      int err);

// True if stdout / stderr is a terminal.
bool StdoutIsTty();
bool StderrIsTty();

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_CLI_COMMON_H_
