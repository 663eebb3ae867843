// export [--at REV] [--format jsonl|csv|graphml|dot] [--out PATH] [--list L]
#include <iostream>

#include "critgraph/io/export.h"
#include "critgraph/lists.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/list_scope.h"
#include "tools/progress.h"
#include "tools/revisions.h"

namespace critgraph::cli {

int CmdExport(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("export",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  std::string format_name = args.ValueOr("format", "jsonl");
  auto format = io::ParseExportFormat(format_name);
  if (!format) {
    return UsageError("export", "unknown --format '" + format_name +
                                    "' (jsonl, csv, graphml or dot)");
  }
  auto out_path = args.Value("out");
  if (*format == io::ExportFormat::kCsv && (!out_path || *out_path == "-")) {
    return UsageError("export", "--format csv needs --out DIR");
  }
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  const std::string at_name = args.ValueOr("at", "HEAD");
  auto snap = SnapshotAt(**db, at_name);
  if (!snap.ok()) return FailStatus(snap.status());
  const Revision rev = (*snap)->revision();

  io::ExportOptions options;
  options.list = args.Value("list");
  if (options.list) {  // checked before any file is written
    if (auto st = CheckList(**snap, *options.list); !st.ok()) {
      return FailStatus(st);
    }
    WarnIfOnlyRoot({snap->get()}, ListScopeSpec(*options.list), true);
  }
  Progress progress("export", 0, "elements");
  options.progress = progress.Callback();
  const bool to_stdout = !out_path || *out_path == "-";
  absl::Status st = to_stdout
                        ? io::Export(**snap, *format, std::cout, options)
                        : io::ExportToPath(**snap, *format, *out_path, options);
  progress.Finish();
  if (!st.ok()) {
    // The arguments were checked above: what is left is writing (a path
    // that cannot be written, a full disk) or reading the database. Both
    // are I/O failures: exit 4, whatever the code (NotFound, from ENOENT,
    // would otherwise read as an unknown key).
    return Fail(kExitDbError, "export: " + StatusText(st));
  }
  if (!to_stdout && options.list) {
    std::cerr << "exported list " << *options.list << " of revision " << rev
              << " as " << format_name << " to " << *out_path << "\n";
  } else if (!to_stdout) {
    std::cerr << "exported revision " << rev << " (" << (*snap)->node_count()
              << " nodes, " << (*snap)->edge_count() << " edges) as "
              << format_name << " to " << *out_path << "\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
