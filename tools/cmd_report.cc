// report [--at REV] [--lists L,..] [--since DATE] [--format html|markdown]
// --out PATH: the self-contained report of how the lists evolved. Built by
// io/ (critgraph/io/report.h); this file only parses and writes files.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "critgraph/io/report.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {

namespace {

absl::Status WriteFile(const std::filesystem::path& path,
                       const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    // A path the user gave: a usage error (exit 2), not a database one.
    return absl::InvalidArgumentError("cannot write " + path.string() + ": " +
                                      std::strerror(errno));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteReportFile(const DB& db, const io::ReportOptions& options,
                             const std::string& out_path) {
  auto html = io::ReportHtml(db, options);
  if (!html.ok()) return html.status();
  return WriteFile(out_path, *html);
}

int CmdReport(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("report",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  const auto out = args.Value("out");
  if (!out || out->empty())
    return UsageError("report", "--out PATH is required");
  const std::string format = args.ValueOr("format", "html");
  if (format != "html" && format != "markdown") {
    return UsageError("report",
                      "unknown --format '" + format + "' (html or markdown)");
  }
  const std::string since = args.ValueOr("since", "");
  if (!since.empty() &&
      (since.size() != 10 || since[4] != '-' || since[7] != '-')) {
    return UsageError("report",
                      "--since wants YYYY-MM-DD, not '" + since + "'");
  }
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto rev = ResolveRevision(**db, args.ValueOr("at", "HEAD"));
  if (!rev.ok()) return FailStatus(rev.status());
  io::ReportOptions options;
  options.at = *rev;
  options.since = since;
  if (args.Value("lists")) options.lists = args.List("lists");
  if (format == "html") {
    if (auto st = WriteReportFile(**db, options, *out); !st.ok()) {
      return FailStatus(st);
    }
    std::cout << *out << "\n";
    return kExitOk;
  }
  auto md = io::ReportMarkdown(**db, options);
  if (!md.ok()) return FailStatus(md.status());
  const std::filesystem::path dir = std::filesystem::path(*out).parent_path();
  for (const auto& [name, svg] : md->pictures) {
    if (auto st = WriteFile(dir / name, svg); !st.ok()) return FailStatus(st);
  }
  if (auto st = WriteFile(*out, md->markdown); !st.ok()) return FailStatus(st);
  std::cout << *out << " (and " << md->pictures.size() << " SVG files)\n";
  return kExitOk;
}

}  // namespace critgraph::cli
