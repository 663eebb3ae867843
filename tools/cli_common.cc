#include "tools/cli_common.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>

namespace critgraph::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
      return kExitUsage;
    default:
      return kExitDbError;
  }
}

std::string StatusText(const absl::Status& status) {
  return std::string(status.message());
}

int Fail(int code, std::string_view message) {
  std::cout.flush();
  std::cerr << "critgraph: " << message << "\n";
  return code;
}

int FailStatus(const absl::Status& status) {
  std::string msg = StatusText(status);
  if (status.code() == absl::StatusCode::kUnavailable) {
    msg += " (another process has the database open for writing)";
  }
  return Fail(ExitCodeFor(status), msg);
}

absl::StatusOr<std::unique_ptr<DB>> OpenDb(const std::string& path,
                                           bool read_only,
                                           bool create_if_missing) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !create_if_missing) {
    // Not NotFound: a missing database is not an unknown key (exit 1).
    return absl::FailedPreconditionError(
        "no database at " + path +
        " (create one with `critgraph init` or `critgraph import`, or pass "
        "--db DIR / set CRITGRAPH_DB)");
  }
  if (read_only) {
    auto db = DB::OpenReadOnly(path);
    if (!db.ok() && db.status().code() == absl::StatusCode::kNotFound) {
      return absl::FailedPreconditionError("no database at " + path + ": " +
                                           StatusText(db.status()));
    }
    return db;
  }
  Options options;
  options.create_if_missing = create_if_missing;
  auto db = DB::Open(path, options);
  if (!db.ok() && db.status().code() == absl::StatusCode::kNotFound) {
    return absl::FailedPreconditionError("no database at " + path + ": " +
                                         StatusText(db.status()));
  }
  return db;
}

absl::Status CheckDbDirForWriting(const std::string& path, bool parents) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) {
      return absl::InvalidArgumentError(
          path + " exists and is not a directory (nor a critgraph database)");
    }
    if (fs::is_empty(p, ec)) return absl::OkStatus();
    auto db = DB::OpenReadOnly(path);
    if (db.ok()) return absl::OkStatus();
    switch (db.status().code()) {
      case absl::StatusCode::kDataLoss:     // damaged: the open reports it
      case absl::StatusCode::kUnavailable:  // held by a writer: likewise
        return absl::OkStatus();
      default:
        return absl::InvalidArgumentError(
            path +
            " is a folder that holds files and is not a critgraph database; "
            "give --db a new or empty folder");
    }
  }
  fs::path abs = fs::absolute(p, ec).lexically_normal();
  if (!abs.has_filename()) abs = abs.parent_path();  // "dir/" -> "dir"
  fs::path parent = abs.parent_path();
  if (parent.empty() || fs::is_directory(parent, ec)) return absl::OkStatus();
  if (!parents) {
    return absl::InvalidArgumentError(
        "the folder " + parent.string() + " (that would hold " + path +
        ") does not exist; pass --parents to create it");
  }
  fs::create_directories(parent, ec);
  if (ec) {
    return absl::InternalError("cannot create " + parent.string() + ": " +
                               ec.message());
  }
  return absl::OkStatus();
}

std::string ErrnoText(const std::string& what, const std::string& path,
                      int err) {
  return what + " " + path + ": " + std::strerror(err);
}

bool StdoutIsTty() { return isatty(STDOUT_FILENO) == 1; }
bool StderrIsTty() { return isatty(STDERR_FILENO) == 1; }

}  // namespace critgraph::cli
