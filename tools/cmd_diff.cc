// diff A B [--scope KEY | --list KEY] [--edge-types T,..] [--direction
// out|in|both]
//      [--max-depth N] [--stat] [--format text|json|jsonl|dot|html]
#include <iostream>

#include "critgraph/diff.h"
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
  auto a = ResolveRevision(**db, args.positional[0]);
  if (!a.ok()) return FailStatus(a.status());
  auto b = ResolveRevision(**db, args.positional[1]);
  if (!b.ok()) return FailStatus(b.status());
  if (opts.scope_root) {
    auto sa = (*db)->GetSnapshot(*a);
    if (!sa.ok()) return FailStatus(sa.status());
    auto sb = (*db)->GetSnapshot(*b);
    if (!sb.ok()) return FailStatus(sb.status());
    if (list) {
      auto st = CheckListAtEither(**sa, **sb, *list);
      if (!st.ok()) return FailStatus(st);
    }
    WarnIfOnlyRoot({sa->get(), sb->get()}, ScopeSpec(opts), list.has_value());
  }
  auto diff = Diff(**db, *a, *b, opts);
  if (!diff.ok()) return FailStatus(diff.status());

  if (stat) {
    DiffStat s = diff->Stat();
    if (format == "json") {
      std::cout << "{\"from\":" << *a << ",\"to\":" << *b
                << ",\"stat\":" << io::DiffStatJson(s) << "}\n";
    } else {
      std::cout << "diff " << RevisionLabel(**db, *a) << " -> "
                << RevisionLabel(**db, *b) << "\n";
      io::PrintDiffStatText(std::cout, s, "");
    }
    return kExitOk;
  }
  // Lineage (split / merged / renamed) goes with the text and JSON forms;
  // the patch and DOT forms are the changes alone.
  std::vector<LineageEvent> lineage;
  if (format == "text" || format == "json" || format == "html") {
    auto l = DiffLineage(**db, *diff, opts);
    if (!l.ok()) return FailStatus(l.status());
    lineage = *std::move(l);
  }
  if (format == "json") {
    std::cout << io::DiffJson(*diff, lineage) << "\n";
  } else if (format == "jsonl") {
    std::string msg =
        "patch: diff " + std::to_string(*a) + " -> " + std::to_string(*b);
    if (opts.scope_root) {
      msg += (list ? " (list " : " (scope ") + *opts.scope_root + ")";
    }
    std::cout << io::DiffPatchJsonl(*diff, msg);
  } else if (format == "dot") {
    std::cout << io::DiffDot(*diff);
  } else if (format == "html") {
    std::cout << io::DiffHtml(*diff, lineage, RevisionLabel(**db, *a),
                              RevisionLabel(**db, *b));
  } else {
    io::PrintDiffText(std::cout, *diff, lineage, RevisionLabel(**db, *a),
                      RevisionLabel(**db, *b), ctx.color);
  }
  return kExitOk;
}

}  // namespace critgraph::cli
