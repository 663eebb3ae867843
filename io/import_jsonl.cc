// ImportChangeStream: one pass over the stream, one transaction, one Seal
// per commit line, one Publish at the end (include/critgraph/io/import.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/fd_stream.h"
#include "critgraph/io/import.h"
#include "io/import_internal.h"
#include "io/parsed_lines.h"
#include "util/status_macros.h"

namespace critgraph::io {

namespace {

using internal::AtLine;
using internal::ParsedLine;
using internal::ParsedLines;
using internal::StagedImport;

CommitInfo TrailingCommitInfo(const std::string& name,
                              const ImportOptions& options) {
  CommitInfo info;
  info.message = options.message ? *options.message : "import " + name;
  info.author = options.default_author;
  info.effective_date = options.effective;
  if (options.tag) info.tags.push_back(*options.tag);
  return info;
}

// The whole import; the caller rolls back on error (StagedImport::Fail).
absl::Status Run(StagedImport& staged, ParsedLines& lines,
                 const std::string& name, const ImportOptions& options,
                 ImportResult* result) {
  uint64_t pending_ops = 0;  // applied since the last Seal
  for (;;) {
    const ParsedLine& line = lines.Next();
    // Between lines; also catches a read that a signal interrupted, before
    // its partial line is looked at.
    RETURN_IF_ERROR(staged.CheckCancel());
    if (line.kind == ParsedLine::Kind::kEnd) break;
    if (line.kind == ParsedLine::Kind::kReadError) {
      return absl::InvalidArgumentError(name + ": read error after line " +
                                        std::to_string(line.line_number));
    }
    if (line.kind == ParsedLine::Kind::kTooLong) {
      return absl::InvalidArgumentError(
          name + ":" + std::to_string(line.line_number) +
          ": line is longer than " + std::to_string(kMaxChangeLineBytes) +
          " bytes; refused");
    }
    if (options.progress) options.progress(line.bytes_read, options.size_hint);
    if (!line.op.ok()) {
      return AtLine(name, line.line_number, line.op.status(),
                    line.unterminated);
    }
    const ChangeOp& op = *line.op;
    if (op.kind == ChangeOp::Kind::kCommit) {
      auto rev = staged.Seal(op.commit);
      if (!rev.ok()) {
        return AtLine(name, line.line_number, rev.status(), line.unterminated);
      }
      pending_ops = 0;
      continue;
    }
    auto txn = staged.txn();
    if (!txn.ok()) return txn.status();
    if (auto st = ApplyChange(**txn, op); !st.ok()) {
      return AtLine(name, line.line_number, st, line.unterminated);
    }
    ++pending_ops;
    ++result->ops;
  }
  if (pending_ops > 0) {
    auto rev = staged.Seal(TrailingCommitInfo(name, options));
    if (!rev.ok()) {
      return internal::At(name + ": trailing revision", rev.status());
    }
    result->trailing_revision = true;
  }
  RETURN_IF_ERROR(staged.CheckCancel());
  return staged.Publish();
}

absl::StatusOr<ImportResult> Import(DB& db, ParsedLines& lines,
                                    const std::string& name,
                                    const ImportOptions& options) {
  StagedImport staged(db, options, name);
  ImportResult result;
  if (auto st = Run(staged, lines, name, options, &result); !st.ok()) {
    return staged.Fail(st);
  }
  result.revisions = staged.revisions();
  return result;
}

}  // namespace

absl::StatusOr<ImportResult> ImportChangeStream(DB& db, std::istream& in,
                                                const std::string& name,
                                                const ImportOptions& options) {
  auto lines = internal::ParseInline(in);
  return Import(db, *lines, name, options);
}

absl::StatusOr<ImportResult> ImportChangeStreamFile(
    DB& db, const std::string& path, const ImportOptions& options) {
  int fd = -1;
  do {
    // Opening a FIFO blocks until a writer opens it; a signal ends the wait.
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR &&
           !(options.cancel != nullptr && options.cancel->load()));
  if (fd < 0 && errno == EINTR) {
    return absl::CancelledError(path + ": import interrupted");
  }
  if (fd < 0) {
    return absl::InvalidArgumentError("cannot open " + path + ": " +
                                      std::strerror(errno));
  }
  struct stat st {};
  const bool have_stat = ::fstat(fd, &st) == 0;
  if (have_stat && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError("cannot open " + path +
                                      ": is a directory");
  }
  ImportOptions opts = options;
  if (opts.size_hint == 0 && have_stat && S_ISREG(st.st_mode)) {
    opts.size_hint = static_cast<uint64_t>(st.st_size);
  }
  absl::StatusOr<ImportResult> result;
  {
    FdInputBuf buf(fd, options.cancel);
    std::istream in(&buf);
    // A regular file's reads return promptly, so a second thread may read
    // and parse ahead of the transaction; a pipe or FIFO is read inline,
    // where a blocked read never outlives the import.
    const bool regular = have_stat && S_ISREG(st.st_mode);
    auto lines = regular ? internal::ParseAhead(in, options.cancel)
                         : internal::ParseInline(in);
    result = Import(db, *lines, path, opts);
  }
  ::close(fd);
  return result;
}

}  // namespace critgraph::io
