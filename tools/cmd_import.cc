// import FILE|- [--format jsonl|csv --nodes F --edges F] [--message M]
//        [--tag T] [--effective YYYY-MM-DD] [--author A] [--backdate]
//        [--parents] [--merge-props]
//
// The import itself is io::ImportChangeStream / io::ImportCsv; this file
// parses the command line, draws the progress bar and turns SIGINT/SIGTERM
// into a cancellation (exit 130, nothing imported).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "critgraph/draft.h"
#include "critgraph/io/fd_stream.h"
#include "critgraph/io/import.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/progress.h"

namespace critgraph::cli {

namespace {

static_assert(std::atomic<bool>::is_always_lock_free,
              "the signal handler may only touch a lock-free atomic");

// Set by the signal handler; the import checks it between lines.
std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// SIGINT and SIGTERM set g_interrupted while an import runs. No SA_RESTART:
// a read(2) blocked on a pipe or terminal returns EINTR, which the reader
// (io::FdInputBuf) turns into "cancelled". The previous handlers come back
// on destruction.
class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string DefaultAuthor() {
  for (const char* var : {"CRITGRAPH_AUTHOR", "USER", "LOGNAME"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "critgraph";
}

int ImportError(const absl::Status& st) {
  switch (st.code()) {
    case absl::StatusCode::kInvalidArgument:
      return Fail(kExitBadInput, "import: " + StatusText(st));
    case absl::StatusCode::kFailedPrecondition:  // CSV would drop props
      return Fail(kExitUsage, "import: " + StatusText(st));
    case absl::StatusCode::kCancelled:
      return Fail(kExitInterrupted, "interrupted: nothing imported");
    case absl::StatusCode::kUnavailable:
      return Fail(kExitDbError,
                  "import: " + StatusText(st) +
                      " (another process has the database open for writing)");
    default:
      return Fail(kExitDbError, "import: " + StatusText(st));
  }
}

// The summary: text, or with `json` one object
// {"revisions":[..],"head":N,"nodes":n,"edges":e,"digest":"hex"} plus, for a
// CSV import, "csv_nodes"/"csv_edges" (the records read).
void PrintSummary(const DB& db, const std::vector<Revision>& revs, bool json,
                  const io::ImportResult* csv = nullptr) {
  auto snap = db.GetSnapshot(db.Head());
  if (json) {
    std::string s = "{\"revisions\":[";
    for (size_t i = 0; i < revs.size(); ++i) {
      s += (i ? "," : "") + std::to_string(revs[i]);
    }
    s += "],\"head\":" + std::to_string(db.Head());
    if (snap.ok()) {
      s += ",\"nodes\":" + std::to_string((*snap)->node_count()) +
           ",\"edges\":" + std::to_string((*snap)->edge_count()) +
           ",\"digest\":\"" + (*snap)->digest().ToHex() + "\"";
    }
    if (csv != nullptr) {
      s += ",\"csv_nodes\":" + std::to_string(csv->nodes) +
           ",\"csv_edges\":" + std::to_string(csv->edges);
    }
    std::cout << s << "}\n";
    return;
  }
  if (csv != nullptr) {
    std::cout << "imported " << csv->nodes << " nodes, " << csv->edges
              << " edges\n";
  }
  if (revs.empty()) return;
  std::cout << "imported " << revs.size()
            << (revs.size() == 1 ? " revision" : " revisions");
  std::cout << " (" << revs.front();
  if (revs.size() > 1) std::cout << ".." << revs.back();
  std::cout << ")";
  std::cout << "; head " << db.Head();
  if (snap.ok()) {
    std::cout << ", " << (*snap)->node_count() << " nodes, "
              << (*snap)->edge_count() << " edges, digest "
              << (*snap)->digest().ToHex();
  }
  std::cout << "\n";
}

// Options common to both formats.
// Where an import commits: main (created if missing), or with --draft NAME
// the draft's own database, main then only read.
struct ImportTarget {
  std::unique_ptr<DB> main;
  std::unique_ptr<Draft> draft;
  DB* db = nullptr;

  absl::Status Open(const std::string& path,
                    const std::optional<std::string>& draft_name) {
    auto opened = OpenDb(path, /*read_only=*/draft_name.has_value(),
                         /*create_if_missing=*/!draft_name);
    if (!opened.ok()) return opened.status();
    main = *std::move(opened);
    db = main.get();
    if (draft_name) {
      auto d = OpenDraft(*main, *draft_name);
      if (!d.ok()) return d.status();
      draft = *std::move(d);
      db = &draft->db();
    }
    return absl::OkStatus();
  }
};

io::ImportOptions CommonOptions(const Args& args) {
  io::ImportOptions opts;
  opts.message = args.Value("message");
  opts.tag = args.Value("tag");
  opts.effective = args.Value("effective");
  opts.default_author = args.ValueOr("author", DefaultAuthor());
  opts.backdate = args.Flag("backdate");
  opts.merge_props = args.Flag("merge-props");
  opts.replace_props = args.Flag("replace-props");
  opts.cancel = &g_interrupted;
  return opts;
}

int ImportCsvCommand(const Context& ctx, const Args& args) {
  io::CsvFiles files;
  files.nodes = args.Value("nodes");
  files.edges = args.Value("edges");
  if (args.positional.size() > 1) {
    return UsageError("import", "want at most one DIR with --format csv");
  }
  if (args.positional.size() == 1) {
    if (files.nodes || files.edges) {
      return UsageError("import", "give DIR or --nodes/--edges, not both");
    }
    std::string dir = args.positional[0];
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return UsageError("import", "'" + dir +
                                      "' is not a directory (with --format "
                                      "csv, give DIR or --nodes F --edges F)");
    }
    if (auto found = io::CsvFilesInDir(dir); found.ok()) files = *found;
  }
  if (!files.nodes && !files.edges) {
    return UsageError("import",
                      "--format csv needs --nodes F and/or --edges F");
  }
  if (auto st = CheckDbDirForWriting(ctx.db_path, args.Flag("parents"));
      !st.ok()) {
    return FailStatus(st);
  }
  io::ImportOptions opts = CommonOptions(args);
  InterruptGuard guard;  // from before the open: a signal then cancels too
  ImportTarget t;
  if (auto st = t.Open(ctx.db_path, args.Value("draft")); !st.ok()) {
    return FailStatus(st);
  }
  DB* target = t.db;
  Progress progress("import", 0, "bytes");
  opts.progress = progress.Callback();
  auto res = io::ImportCsv(*target, files, opts);
  progress.Finish();
  if (!res.ok()) return ImportError(res.status());
  PrintSummary(*target, res->revisions, args.Flag("json"), &*res);
  if (res->dropped_props > 0) {
    std::cerr << "critgraph: import: note: --replace-props dropped properties "
                 "of "
              << res->dropped_props
              << (res->dropped_props == 1 ? " node" : " nodes")
              << " (first: " << res->dropped_example << ")\n";
  }
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
  const std::string file = args.positional[0];
  const bool from_stdin = file == "-";
  if (!from_stdin) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
      return Fail(kExitBadInput, "import: " + file +
                                     " is a directory (CSV? use --format csv)");
    }
    if (access(file.c_str(), R_OK) != 0) {
      return Fail(kExitBadInput,
                  "import: " + ErrnoText("cannot open", file, errno));
    }
  }
  if (auto st = CheckDbDirForWriting(ctx.db_path, args.Flag("parents"));
      !st.ok()) {
    return FailStatus(st);
  }
  io::ImportOptions opts = CommonOptions(args);
  InterruptGuard guard;  // from before the open: a signal then cancels too
  ImportTarget t;
  if (auto st = t.Open(ctx.db_path, args.Value("draft")); !st.ok()) {
    return FailStatus(st);
  }
  DB* target = t.db;
  const std::string name = from_stdin ? "<stdin>" : file;
  Progress progress("import", 0, "bytes");
  opts.progress = progress.Callback();
  absl::StatusOr<io::ImportResult> res;
  if (from_stdin) {
    // Read once, streaming, straight from the descriptor.
    io::FdInputBuf buf(STDIN_FILENO, opts.cancel);
    std::istream in(&buf);
    res = io::ImportChangeStream(*target, in, name, opts);
  } else {
    res = io::ImportChangeStreamFile(*target, file, opts);
  }
  progress.Finish();
  if (!res.ok()) return ImportError(res.status());
  if (res->revisions.empty() && !args.Flag("json")) {
    std::cout << "nothing to import: " << name << " holds no ops\n";
    return kExitOk;
  }
  PrintSummary(*target, res->revisions, args.Flag("json"));
  if (!res->trailing_revision && (opts.message || opts.tag || opts.effective)) {
    std::cerr << "critgraph: import: note: --message, --tag and --effective "
                 "apply to ops after the last commit line; "
              << name << " has none, so they were not used\n";
  }
  return kExitOk;
}

}  // namespace critgraph::cli
