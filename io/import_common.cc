#include <utility>

#include "io/import_internal.h"
#include "util/status_macros.h"

namespace critgraph::io::internal {

absl::Status At(const std::string& where, const absl::Status& st) {
  std::string msg = where + ": " + std::string(st.message());
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

absl::Status AtLine(const std::string& name, uint64_t line,
                    const absl::Status& st, bool unterminated) {
  absl::Status out = At(name + ":" + std::to_string(line), st);
  if (!unterminated) return out;
  return absl::Status(out.code(),
                      std::string(out.message()) +
                          " (the last line has no newline: is the file "
                          "truncated?)");
}

absl::StatusOr<Transaction*> StagedImport::txn() {
  if (!txn_) {
    auto t = db_.Begin();
    if (!t.ok()) return t.status();
    txn_ = *std::move(t);
  }
  return txn_.get();
}

absl::Status StagedImport::CheckCancel() const {
  if (options_.cancel != nullptr && options_.cancel->load()) {
    return absl::CancelledError(name_ + ": import interrupted");
  }
  return absl::OkStatus();
}

absl::StatusOr<Revision> StagedImport::Seal(CommitInfo info) {
  auto t = txn();
  if (!t.ok()) return t.status();
  if (info.author.empty()) info.author = options_.default_author;
  if (options_.force_author) info.author = *options_.force_author;
  if (options_.backdate) info.backdate = true;
  auto rev = (*t)->Seal(info);
  if (!rev.ok()) return rev.status();
  revisions_.push_back(*rev);
  if (!options_.atomic) {
    RETURN_IF_ERROR(Publish());
  }
  return *rev;
}

absl::Status StagedImport::Publish() {
  if (!txn_) return absl::OkStatus();
  if (txn_->sealed_revisions() == 0) {
    Rollback();
    return absl::OkStatus();
  }
  auto rev = txn_->Publish();
  txn_.reset();  // finished either way: Publish rolls back on failure
  if (!rev.ok()) {
    revisions_.resize(published_);
    return rev.status();
  }
  published_ = revisions_.size();
  return absl::OkStatus();
}

void StagedImport::Rollback() {
  if (txn_) txn_->Rollback();
  txn_.reset();
  revisions_.resize(published_);
}

absl::Status StagedImport::Fail(const absl::Status& st) {
  Rollback();
  if (published_ == 0) return st;
  return absl::Status(st.code(),
                      std::string(st.message()) + " [revisions " +
                          std::to_string(revisions_.front()) + ".." +
                          std::to_string(revisions_.back()) +
                          " of this import were committed before the failure]");
}

}  // namespace critgraph::io::internal
