// import FILE|- [--format jsonl|csv --nodes F --edges F] [--message M]
//        [--tag T] [--effective YYYY-MM-DD] [--author A]
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "import_csv.h"
#include "import_jsonl.h"

namespace critgraph::cli {

namespace {

std::string DefaultAuthor() {
  for (const char* var : {"CRITGRAPH_AUTHOR", "USER", "LOGNAME"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "critgraph";
}

int ImportError(const absl::Status& st) {
  if (st.code() == absl::StatusCode::kInvalidArgument) {
    return Fail(kExitBadInput, "import: " + StatusText(st));
  }
  return Fail(kExitDbError, "import: " + StatusText(st) +
                                (st.code() == absl::StatusCode::kUnavailable
                                     ? " (another process has the database "
                                       "open for writing)"
                                     : ""));
}

void PrintSummary(const DB& db, const std::vector<Revision>& revs) {
  auto snap = db.GetSnapshot(db.Head());
  std::cout << "imported " << revs.size()
            << (revs.size() == 1 ? " revision" : " revisions");
  if (!revs.empty()) {
    std::cout << " (" << revs.front();
    if (revs.size() > 1) std::cout << ".." << revs.back();
    std::cout << ")";
  }
  std::cout << "; head " << db.Head();
  if (snap.ok()) {
    std::cout << ", " << (*snap)->node_count() << " nodes, "
              << (*snap)->edge_count() << " edges, digest "
              << (*snap)->digest().ToHex();
  }
  std::cout << "\n";
}

int ImportCsvCommand(const Context& ctx, const Args& args) {
  CsvImportOptions opts;
  opts.nodes_path = args.Value("nodes");
  opts.edges_path = args.Value("edges");
  if (args.positional.size() > 1) {
    return UsageError("import", "want at most one DIR with --format csv");
  }
  if (args.positional.size() == 1) {
    if (opts.nodes_path || opts.edges_path) {
      return UsageError("import", "give DIR or --nodes/--edges, not both");
    }
    std::string dir = args.positional[0];
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return UsageError("import", "'" + dir +
                                      "' is not a directory (with --format "
                                      "csv, give DIR or --nodes F --edges F)");
    }
    if (std::filesystem::exists(dir + "/nodes.csv", ec)) {
      opts.nodes_path = dir + "/nodes.csv";
    }
    if (std::filesystem::exists(dir + "/edges.csv", ec)) {
      opts.edges_path = dir + "/edges.csv";
    }
  }
  if (!opts.nodes_path && !opts.edges_path) {
    return UsageError("import",
                      "--format csv needs --nodes F and/or --edges F");
  }
  for (const auto* p : {&opts.nodes_path, &opts.edges_path}) {
    if (*p && !std::ifstream(**p)) {
      return Fail(kExitBadInput, "import: cannot open " + **p);
    }
  }
  opts.message = args.ValueOr(
      "message", "import CSV " + opts.nodes_path.value_or("") +
                     (opts.nodes_path && opts.edges_path ? " + " : "") +
                     opts.edges_path.value_or(""));
  opts.author = args.ValueOr("author", DefaultAuthor());
  opts.tag = args.Value("tag");
  opts.effective = args.Value("effective");
  auto db =
      OpenDb(ctx.db_path, /*read_only=*/false, /*create_if_missing=*/true);
  if (!db.ok()) return FailStatus(db.status());
  auto res = ImportCsv(**db, opts);
  if (!res.ok()) return ImportError(res.status());
  std::cout << "imported " << res->nodes << " nodes, " << res->edges
            << " edges\n";
  PrintSummary(**db, {res->revision});
  return kExitOk;
}

}  // namespace

int CmdImport(const Context& ctx, const Args& args) {
  std::string format = args.ValueOr("format", "jsonl");
  if (format == "csv") return ImportCsvCommand(ctx, args);
  if (format != "jsonl") {
    return UsageError("import",
                      "unknown --format '" + format + "' (jsonl or csv)");
  }
  if (args.Value("nodes") || args.Value("edges")) {
    return UsageError("import", "--nodes/--edges need --format csv");
  }
  if (args.positional.size() != 1) {
    return UsageError("import", "want one FILE (or - for stdin)");
  }
  std::string file = args.positional[0];
  ImportOptions opts;
  opts.message = args.Value("message");
  opts.tag = args.Value("tag");
  opts.effective = args.Value("effective");
  opts.default_author = args.ValueOr("author", DefaultAuthor());

  TempDir spool_dir;
  std::string path = file;
  std::string name = file;
  if (file == "-") {
    if (auto st = spool_dir.Create("critgraph-stdin"); !st.ok()) {
      return FailStatus(st);
    }
    auto spooled = SpoolToFile(std::cin, spool_dir.path());
    if (!spooled.ok()) return ImportError(spooled.status());
    path = *spooled;
    name = "<stdin>";
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
      return Fail(kExitBadInput, "import: " + file +
                                     " is a directory (CSV? use --format csv)");
    }
    if (!std::ifstream(file)) {
      return Fail(kExitBadInput, "import: cannot open " + file);
    }
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  opts.size_hint = ec ? 0 : size;
  auto db =
      OpenDb(ctx.db_path, /*read_only=*/false, /*create_if_missing=*/true);
  if (!db.ok()) return FailStatus(db.status());
  StreamOpener open =
      [path]() -> absl::StatusOr<std::unique_ptr<std::istream>> {
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in) return absl::InvalidArgumentError("cannot open " + path);
    return std::unique_ptr<std::istream>(std::move(in));
  };
  auto res = ImportJsonl(**db, name, open, opts);
  if (!res.ok()) return ImportError(res.status());
  if (res->revisions.empty()) {
    std::cout << "nothing to import: " << name << " holds no ops\n";
    return kExitOk;
  }
  PrintSummary(**db, res->revisions);
  if (!res->trailing_revision && (opts.message || opts.tag || opts.effective)) {
    std::cerr << "critgraph: import: note: --message, --tag and --effective "
                 "apply to ops after the last commit line; "
              << name << " has none, so they were not used\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
