#include "import_jsonl.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "cli_common.h"
#include "critgraph/change.h"
#include "line_reader.h"
#include "progress.h"

namespace critgraph::cli {

namespace {

bool IsBlank(const std::string& line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

absl::Status AtLine(const std::string& name, uint64_t line,
                    const absl::Status& st, bool unterminated = false) {
  std::string msg = name + ":" + std::to_string(line) + ": " + StatusText(st);
  if (unterminated) {
    msg += " (the last line has no newline: is the file truncated?)";
  }
  switch (st.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
      return absl::InvalidArgumentError(msg);
    default:
      return absl::Status(st.code(), msg);
  }
}

absl::Status TooLong(const std::string& name, uint64_t line) {
  return absl::InvalidArgumentError(
      name + ":" + std::to_string(line) + ": line is longer than " +
      std::to_string(kMaxChangeLineBytes) + " bytes; refused");
}

// Reads the stream and calls fn(line_number, op, unterminated) for every
// non-blank line. Stops at the first error.
template <typename Fn>
absl::Status ForEachOp(const std::string& name, const StreamOpener& open,
                       Progress* progress, Fn fn) {
  auto in = open();
  if (!in.ok()) return in.status();
  LineReader reader(**in, kMaxChangeLineBytes);
  std::string line;
  for (;;) {
    auto r = reader.Next(&line);
    if (r == LineReader::Result::kEnd) break;
    if (r == LineReader::Result::kError) {
      return absl::InvalidArgumentError(name + ": read error after line " +
                                        std::to_string(reader.line_number()));
    }
    if (r == LineReader::Result::kTooLong) {
      return TooLong(name, reader.line_number());
    }
    if (progress) progress->Update(reader.bytes_read());
    if (IsBlank(line)) continue;
    auto op = ParseChangeLine(line);
    if (!op.ok()) {
      return AtLine(name, reader.line_number(), op.status(),
                    reader.last_line_unterminated());
    }
    if (auto st =
            fn(reader.line_number(), *op, reader.last_line_unterminated());
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

struct ScanResult {
  uint64_t commits = 0;
  uint64_t trailing_ops = 0;
  uint64_t ops = 0;
};

absl::StatusOr<ScanResult> Scan(const DB& db, const std::string& name,
                                const StreamOpener& open,
                                const ImportOptions& options) {
  std::set<std::string> tags;
  for (const auto& r : db.Log()) tags.insert(r.tags.begin(), r.tags.end());
  ScanResult scan;
  Progress progress("import: checking", options.size_hint, "bytes");
  auto check_tag = [&](const std::string& tag, uint64_t line) -> absl::Status {
    if (!tags.insert(tag).second) {
      std::string where =
          line ? name + ":" + std::to_string(line) : std::string("--tag");
      return absl::InvalidArgumentError(where + ": tag '" + tag +
                                        "' already exists");
    }
    return absl::OkStatus();
  };
  auto st = ForEachOp(name, open, &progress,
                      [&](uint64_t line, const ChangeOp& op, bool) {
                        if (op.kind != ChangeOp::Kind::kCommit) {
                          ++scan.ops;
                          ++scan.trailing_ops;
                          return absl::OkStatus();
                        }
                        ++scan.commits;
                        scan.trailing_ops = 0;
                        for (const auto& t : op.commit.tags) {
                          if (auto s = check_tag(t, line); !s.ok()) return s;
                        }
                        return absl::OkStatus();
                      });
  if (!st.ok()) return st;
  if (scan.trailing_ops > 0 && options.tag) {
    if (auto s = check_tag(*options.tag, 0); !s.ok()) return s;
  }
  return scan;
}

CommitInfo TrailingCommitInfo(const std::string& name,
                              const ImportOptions& options) {
  CommitInfo info;
  info.message = options.message ? *options.message : "import " + name;
  info.author =
      options.force_author ? *options.force_author : options.default_author;
  info.effective_date = options.effective;
  if (options.tag) info.tags.push_back(*options.tag);
  return info;
}

// Applies the stream to `db`, committing at each commit line and once more
// for trailing ops. Rolls back the open transaction on error.
absl::Status Replay(DB& db, const std::string& name, const StreamOpener& open,
                    const ImportOptions& options, const char* label,
                    ImportResult* result) {
  std::unique_ptr<Transaction> txn;
  uint64_t pending_ops = 0;
  Progress progress(label, options.size_hint, "bytes");
  auto ensure_txn = [&]() -> absl::Status {
    if (txn) return absl::OkStatus();
    auto t = db.Begin();
    if (!t.ok()) return t.status();
    txn = *std::move(t);
    return absl::OkStatus();
  };
  auto fail = [&](absl::Status st) {
    if (txn) txn->Rollback();
    txn.reset();
    return st;
  };
  auto commit = [&](CommitInfo info, uint64_t line, bool unterminated) {
    if (auto st = ensure_txn(); !st.ok()) return st;
    if (info.author.empty()) info.author = options.default_author;
    if (options.force_author) info.author = *options.force_author;
    auto rev = txn->Commit(info);
    if (!rev.ok()) {
      if (line == 0) {
        return absl::Status(
            rev.status().code(),
            name + ": trailing revision: " + StatusText(rev.status()));
      }
      return AtLine(name, line, rev.status(), unterminated);
    }
    result->revisions.push_back(*rev);
    txn.reset();
    pending_ops = 0;
    return absl::OkStatus();
  };
  auto st =
      ForEachOp(name, open, &progress,
                [&](uint64_t line, const ChangeOp& op, bool unterminated) {
                  if (op.kind == ChangeOp::Kind::kCommit) {
                    return commit(op.commit, line, unterminated);
                  }
                  if (auto s = ensure_txn(); !s.ok()) return s;
                  if (auto s = ApplyChange(*txn, op); !s.ok()) {
                    return AtLine(name, line, s, unterminated);
                  }
                  ++pending_ops;
                  ++result->ops;
                  return absl::OkStatus();
                });
  if (!st.ok()) return fail(st);
  progress.Finish();
  if (pending_ops > 0) {
    if (auto s = commit(TrailingCommitInfo(name, options), 0, false); !s.ok()) {
      return fail(s);
    }
  }
  if (txn) txn->Rollback();
  return absl::OkStatus();
}

// Copies HEAD of `src` into the empty database `dst` as one revision.
absl::Status SeedFrom(const DB& src, DB& dst) {
  auto snap = src.GetSnapshot(src.Head());
  if (!snap.ok()) return snap.status();
  auto txn = dst.Begin();
  if (!txn.ok()) return txn.status();
  for (const auto& k : (*snap)->NodeKinds()) {
    if (auto st = (*txn)->RegisterNodeKind(k); !st.ok()) return st;
  }
  for (const auto& t : (*snap)->EdgeTypes()) {
    if (auto st = (*txn)->RegisterEdgeType(t); !st.ok()) return st;
  }
  auto st =
      (*snap)->ForEachNode([&](const Node& n) { return (*txn)->PutNode(n); });
  if (!st.ok()) return st;
  st = (*snap)->ForEachEdge([&](const Edge& e) { return (*txn)->PutEdge(e); });
  if (!st.ok()) return st;
  CommitInfo info;
  info.message = (*snap)->info().message;
  info.author = (*snap)->info().author;
  info.effective_date = (*snap)->info().effective_date;
  auto rev = (*txn)->Commit(info);
  return rev.status();
}

}  // namespace

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
}

absl::Status TempDir::Create(const std::string& prefix) {
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string templ = (base / (prefix + "-XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary directory in " +
                               base.string());
  }
  path_ = templ;
  return absl::OkStatus();
}

absl::StatusOr<std::string> SpoolToFile(std::istream& in,
                                        const std::string& dir) {
  std::string path = dir + "/stdin.jsonl";
  std::ofstream out(path, std::ios::binary);
  if (!out) return absl::InternalError("cannot write " + path);
  std::string buf(size_t{1} << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    out.write(buf.data(), in.gcount());
  }
  if (in.bad()) return absl::InvalidArgumentError("-: read error on stdin");
  out.close();
  if (!out) return absl::InternalError("cannot write " + path);
  return path;
}

absl::StatusOr<ImportResult> ImportJsonl(DB& db, const std::string& name,
                                         const StreamOpener& open,
                                         const ImportOptions& options) {
  auto scan = Scan(db, name, open, options);
  if (!scan.ok()) return scan.status();
  uint64_t revisions = scan->commits + (scan->trailing_ops > 0 ? 1 : 0);
  ImportResult result;
  result.trailing_revision = scan->trailing_ops > 0;
  if (revisions == 0) return result;

  if (revisions > 1 && options.dry_run) {
    TempDir scratch;
    if (auto st = scratch.Create("critgraph-dryrun"); !st.ok()) return st;
    Options scratch_options;
    scratch_options.sync = false;
    auto scratch_db = DB::Open(scratch.path() + "/db", scratch_options);
    if (!scratch_db.ok()) return scratch_db.status();
    if (db.Head() > 0) {
      if (auto st = SeedFrom(db, **scratch_db); !st.ok()) {
        return absl::Status(st.code(),
                            "preparing the dry run: " + StatusText(st));
      }
    }
    ImportResult dry;
    if (auto st =
            Replay(**scratch_db, name, open, options, "import: dry run", &dry);
        !st.ok()) {
      return st;
    }
  }
  Revision head_before = db.Head();
  if (auto st = Replay(db, name, open, options, "import", &result); !st.ok()) {
    if (!result.revisions.empty()) {
      return absl::Status(
          st.code(), StatusText(st) + " [revisions " +
                         std::to_string(head_before + 1) + ".." +
                         std::to_string(result.revisions.back()) +
                         " of this import were committed before the failure]");
    }
    return st;
  }
  return result;
}

}  // namespace critgraph::cli
