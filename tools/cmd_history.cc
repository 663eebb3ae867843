// history: every change of one node (and its edges, and what it supersedes).
#include <iostream>

#include "critgraph/history.h"
#include "critgraph/io/history_format.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {

int CmdHistory(const Context& ctx, const Args& args) {
  if (args.positional.size() != 1) return UsageError("history", "want one KEY");
  const std::string& key = args.positional[0];
  const std::string format = args.ValueOr("format", "text");
  if (format != "text" && format != "json") {
    return UsageError("history",
                      "unknown --format '" + format + "' (want text or json)");
  }
  const bool json = args.Flag("json") || format == "json";
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto at = ResolveRevision(**db, args.ValueOr("at", "HEAD"));
  if (!at.ok()) return FailStatus(at.status());
  HistoryOptions options;
  options.edges = args.Flag("edges");
  options.follow = args.Flag("follow");
  options.at = *at;
  auto entries = History(**db, key, options);
  if (!entries.ok()) {
    if (entries.status().code() == absl::StatusCode::kNotFound) {
      return Fail(kExitNotFound, "history: no node '" + key +
                                     "' in any revision up to " +
                                     RevisionLabel(**db, *at));
    }
    return FailStatus(entries.status());
  }
  if (json) {
    std::cout << io::HistoryJson(key, *at, options, *entries) << "\n";
  } else {
    io::PrintHistoryText(std::cout, key, RevisionLabel(**db, *at), *entries,
                         StdoutIsTty());
  }
  return kExitOk;
}

}  // namespace critgraph::cli
