// export [--at REV] [--format jsonl|csv|graphml|dot] [--out PATH]
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "export.h"
#include "revisions.h"

namespace critgraph::cli {

int CmdExport(const Context& ctx, const Args& args) {
  if (!args.positional.empty()) {
    return UsageError("export",
                      "unexpected argument '" + args.positional[0] + "'");
  }
  std::string format = args.ValueOr("format", "jsonl");
  if (format != "jsonl" && format != "csv" && format != "graphml" &&
      format != "dot") {
    return UsageError("export", "unknown --format '" + format +
                                    "' (jsonl, csv, graphml or dot)");
  }
  auto out_path = args.Value("out");
  if (format == "csv" && !out_path) {
    return UsageError("export", "--format csv needs --out DIR");
  }
  auto db = OpenDb(ctx.db_path, /*read_only=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto rev = ResolveRevision(**db, args.ValueOr("at", "HEAD"));
  if (!rev.ok()) return FailStatus(rev.status());
  auto snap = (*db)->GetSnapshot(*rev);
  if (!snap.ok()) return FailStatus(snap.status());

  absl::Status st;
  if (format == "csv") {
    std::error_code ec;
    std::filesystem::create_directories(*out_path, ec);
    if (ec) return Fail(kExitUsage, "export: cannot create " + *out_path);
    std::ofstream nodes(*out_path + "/nodes.csv", std::ios::binary);
    std::ofstream edges(*out_path + "/edges.csv", std::ios::binary);
    if (!nodes || !edges) {
      return Fail(kExitUsage, "export: cannot write in " + *out_path);
    }
    st = ExportCsv(**snap, nodes, edges);
  } else {
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (out_path && *out_path != "-") {
      file.open(*out_path, std::ios::binary);
      if (!file) return Fail(kExitUsage, "export: cannot write " + *out_path);
      out = &file;
    }
    if (format == "jsonl") {
      st = ExportJsonl(**snap, *out);
    } else if (format == "graphml") {
      st = ExportGraphml(**snap, *out);
    } else {
      st = ExportDot(**snap, *out);
    }
  }
  if (!st.ok()) return FailStatus(st);
  if (out_path && *out_path != "-") {
    std::cerr << "exported revision " << *rev << " (" << (*snap)->node_count()
              << " nodes, " << (*snap)->edge_count() << " edges) as " << format
              << " to " << *out_path << "\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
