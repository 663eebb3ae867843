// Export dispatch: format names, one stream, or a path (file or CSV
// directory).
#include "critgraph/io/export.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "util/status_macros.h"

namespace critgraph::io {

namespace {

// "what path: <errno text>". The code is the errno's (PermissionDenied,
// ResourceExhausted for ENOSPC, ...), except that NotFound and
// InvalidArgument, which callers read as "unknown key" and "bad argument",
// become FailedPrecondition: the path's folder is not there. Internal if
// errno is unset.
absl::Status IoError(const std::string& what, const std::string& path,
                     int err) {
  if (err == 0) return absl::InternalError(what + " " + path);
  absl::StatusCode code = absl::ErrnoToStatusCode(err);
  if (code == absl::StatusCode::kNotFound ||
      code == absl::StatusCode::kInvalidArgument) {
    code = absl::StatusCode::kFailedPrecondition;
  }
  return absl::Status(code, what + " " + path + ": " + std::strerror(err));
}

}  // namespace

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "jsonl") return ExportFormat::kJsonl;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "graphml") return ExportFormat::kGraphml;
  if (name == "dot") return ExportFormat::kDot;
  return std::nullopt;
}

absl::Status Export(const Snapshot& snap, ExportFormat format,
                    std::ostream& out, const ExportOptions& options) {
  switch (format) {
    case ExportFormat::kJsonl:
      return ExportJsonl(snap, out, options);
    case ExportFormat::kGraphml:
      return ExportGraphml(snap, out, options);
    case ExportFormat::kDot:
      return ExportDot(snap, out, options);
    case ExportFormat::kCsv:
      break;
  }
  return absl::InvalidArgumentError(
      "CSV export writes two files: give a directory");
}

absl::Status ExportToPath(const Snapshot& snap, ExportFormat format,
                          const std::string& path,
                          const ExportOptions& options) {
  if (format == ExportFormat::kCsv) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return IoError("cannot create", path, ec.value());
    std::ofstream nodes;
    std::ofstream edges;
    for (auto [file, name] :
         {std::pair{&nodes, "/nodes.csv"}, std::pair{&edges, "/edges.csv"}}) {
      errno = 0;
      file->open(path + name, std::ios::binary);
      if (!*file) return IoError("cannot write", path + name, errno);
    }
    RETURN_IF_ERROR(ExportCsv(snap, nodes, edges, options));
    errno = 0;
    nodes.close();
    edges.close();
    if (!nodes || !edges) return IoError("write error in", path, errno);
    return absl::OkStatus();
  }
  errno = 0;
  std::ofstream out(path, std::ios::binary);
  if (!out) return IoError("cannot write", path, errno);
  RETURN_IF_ERROR(Export(snap, format, out, options));
  errno = 0;
  out.close();
  if (!out) return IoError("write error in", path, errno);
  return absl::OkStatus();
}

}  // namespace critgraph::io
