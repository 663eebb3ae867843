// Export dispatch: format names, one stream, or a path (file or CSV
// directory).
#include "critgraph/io/export.h"

#include <filesystem>
#include <fstream>

#include "util/status_macros.h"

namespace critgraph::io {

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
    if (ec) return absl::InvalidArgumentError("cannot create " + path);
    std::ofstream nodes(path + "/nodes.csv", std::ios::binary);
    std::ofstream edges(path + "/edges.csv", std::ios::binary);
    if (!nodes || !edges) {
      return absl::InvalidArgumentError("cannot write in " + path);
    }
    RETURN_IF_ERROR(ExportCsv(snap, nodes, edges, options));
    nodes.close();
    edges.close();
    if (!nodes || !edges) return absl::InternalError("write error in " + path);
    return absl::OkStatus();
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) return absl::InvalidArgumentError("cannot write " + path);
  RETURN_IF_ERROR(Export(snap, format, out, options));
  out.close();
  if (!out) return absl::InternalError("write error in " + path);
  return absl::OkStatus();
}

}  // namespace critgraph::io
