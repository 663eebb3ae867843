// diff A B [--scope KEY | --list KEY] [--edge-types T,..] [--direction
// out|in|both]
//      [--max-depth N] [--stat] [--format text|json|jsonl|dot|html]
#include <iostream>

#include "critgraph/diff.h"
#include "critgraph/draft.h"
#include "critgraph/io/diff_format.h"
#include "critgraph/io/report.h"
#include "critgraph/lineage.h"
#include "critgraph/lists.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/list_scope.h"
#include "tools/revisions.h"

namespace critgraph::cli {

int CmdDiff(const Context& ctx, const Args& args) {
  if (args.positional.size() != 2) return UsageError("diff", "want A B");
  std::string format = args.ValueOr("format", "text");
  if (format != "text" && format != "json" && format != "jsonl" &&
      format != "dot" && format != "html") {
    return UsageError("diff", "unknown --format '" + format +
                                  "' (text, json, jsonl, dot or html)");
  }
  const bool stat = args.Flag("stat");
  if (stat && format != "text" && format != "json") {
    return UsageError("diff", "--stat goes with --format text or json");
  }
  DiffOptions opts;
  opts.scope_root = args.Value("scope");
  auto dir = args.GetDirection();
  if (!dir.ok()) return UsageError("diff", StatusText(dir.status()));
  opts.direction = *dir;
  opts.edge_types = args.List("edge-types");
  auto depth = args.MaxDepth();
  if (!depth.ok()) return UsageError("diff", StatusText(depth.status()));
  opts.max_depth = *depth;
  const auto list = args.Value("list");
  if (list) {  // --list KEY: the list's entries (critgraph/lists.h)
    if (opts.scope_root) {
      return UsageError("diff", "give --list or --scope, not both");
    }
    if (args.Value("direction") || args.Value("edge-types") || *depth) {
      return UsageError("diff",
                        "--list takes no --direction, --edge-types or "
                        "--max-depth (use --scope for other walks)");
    }
    opts = ListDiffOptions(*list);
  }
  if (!opts.scope_root &&
      (args.Value("direction") || args.Value("edge-types") || *depth)) {
    return UsageError("diff",
                      "--direction, --edge-types and --max-depth need --scope");
  }

  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  // Either side may be a draft ("draft:NAME"): DiffNamed reads across the
  // two databases; lineage needs one database's history and is left out.
  const std::string& name_a = args.positional[0];
  const std::string& name_b = args.positional[1];
  const bool drafts = DraftName(name_a) || DraftName(name_b);
  auto sa = SnapshotAt(**db, name_a);
  if (!sa.ok()) return FailStatus(sa.status());
  auto sb = SnapshotAt(**db, name_b);
  if (!sb.ok()) return FailStatus(sb.status());
  const Revision a = (*sa)->revision(), b = (*sb)->revision();
  if (opts.scope_root) {
    if (list) {
      auto st = CheckListAtEither(**sa, **sb, *list);
      if (!st.ok()) return FailStatus(st);
    }
    WarnIfOnlyRoot({sa->get(), sb->get()}, ScopeSpec(opts), list.has_value());
  }
  auto diff =
      drafts ? DiffNamed(**db, name_a, name_b, opts) : Diff(**db, a, b, opts);
  if (!diff.ok()) return FailStatus(diff.status());

  if (stat) {
    DiffStat s = diff->Stat();
    if (format == "json") {
      std::cout << "{\"from\":" << a << ",\"to\":" << b
                << ",\"stat\":" << io::DiffStatJson(s) << "}\n";
    } else {
      std::cout << "diff " << AtLabel(**db, name_a, a) << " -> "
                << AtLabel(**db, name_b, b) << "\n";
      io::PrintDiffStatText(std::cout, s, "");
    }
    return kExitOk;
  }
  // Lineage (split / merged / renamed) goes with the text and JSON forms;
  // the patch and DOT forms are the changes alone.
  std::vector<LineageEvent> lineage;
  if (!drafts && (format == "text" || format == "json" || format == "html")) {
    auto l = DiffLineage(**db, *diff, opts);
    if (!l.ok()) return FailStatus(l.status());
    lineage = *std::move(l);
  }
  if (format == "json") {
    std::cout << io::DiffJson(*diff, lineage) << "\n";
  } else if (format == "jsonl") {
    std::string msg = drafts ? "patch: diff " + name_a + " -> " + name_b
                             : "patch: diff " + std::to_string(a) + " -> " +
                                   std::to_string(b);
    if (opts.scope_root) {
      msg += (list ? " (list " : " (scope ") + *opts.scope_root + ")";
    }
    std::cout << io::DiffPatchJsonl(*diff, msg);
  } else if (format == "dot") {
    std::cout << io::DiffDot(*diff);
  } else if (format == "html") {
    std::cout << io::DiffHtml(*diff, lineage, AtLabel(**db, name_a, a),
                              AtLabel(**db, name_b, b));
  } else {
    io::PrintDiffText(std::cout, *diff, lineage, AtLabel(**db, name_a, a),
                      AtLabel(**db, name_b, b), ctx.color);
  }
  return kExitOk;
}

}  // namespace critgraph::cli
