// crosswalk LIST_A LIST_B | LIST_A --all [--at REV] [--edge-types T,..]
// [--format text|csv|json|markdown] [--json]: the mapping table between two
// lists, or the counts of one list against every other list. The tables
// are built and written by io/ (critgraph/io/crosswalk.h).
#include <iostream>

#include "critgraph/io/crosswalk.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {

int CmdCrosswalk(const Context& ctx, const Args& args) {
  const bool all = args.Flag("all");
  if (all ? args.positional.size() != 1 : args.positional.size() != 2) {
    return UsageError("crosswalk",
                      all ? "--all wants one LIST_A"
                          : "want LIST_A LIST_B (or LIST_A --all)");
  }
  std::string format_name = args.ValueOr("format", "text");
  if (args.Flag("json")) {
    if (args.Value("format") && format_name != "json") {
      return UsageError("crosswalk", "--json and --format " + format_name);
    }
    format_name = "json";
  }
  auto format = io::ParseCrosswalkFormat(format_name);
  if (!format) {
    return UsageError("crosswalk", "unknown --format '" + format_name +
                                       "' (text, csv, json or markdown)");
  }
  io::CrosswalkOptions options;
  if (args.Value("edge-types")) options.edge_types = args.List("edge-types");
  if (options.edge_types.empty()) {
    return UsageError("crosswalk", "--edge-types wants at least one type");
  }
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  const std::string at_name = args.ValueOr("at", "HEAD");
  auto snap = SnapshotAt(**db, at_name);
  if (!snap.ok()) return FailStatus(snap.status());
  const Revision rev = (*snap)->revision();
  const std::string label = AtLabel(**db, at_name, rev);
  if (all) {
    auto matrix = io::CrosswalkAll(**snap, args.positional[0], options);
    if (!matrix.ok()) return FailStatus(matrix.status());
    io::WriteCrosswalkMatrix(std::cout, *matrix, *format, label);
    return kExitOk;
  }
  auto table =
      io::Crosswalk(**snap, args.positional[0], args.positional[1], options);
  if (!table.ok()) return FailStatus(table.status());
  io::WriteCrosswalk(std::cout, *table, *format, label);
  return kExitOk;
}

}  // namespace critgraph::cli
