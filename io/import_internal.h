// The transaction path shared by the importers (io/import_jsonl.cc,
// io/import_csv.cc): one write transaction, Seal per revision, one Publish.
#ifndef CRITGRAPH_IO_IMPORT_INTERNAL_H_
#define CRITGRAPH_IO_IMPORT_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "critgraph/db.h"
#include "critgraph/io/import.h"
#include "critgraph/transaction.h"

namespace critgraph::io::internal {

// "where: reason"; input errors (InvalidArgument, NotFound, AlreadyExists,
// OutOfRange) become InvalidArgument, other codes are kept.
absl::Status At(const std::string& where, const absl::Status& st);
// At(name + ":" + line, st), noting an unterminated last line.
absl::Status AtLine(const std::string& name, uint64_t line,
                    const absl::Status& st, bool unterminated = false);

// The revisions of one import, staged in one transaction.
class StagedImport {
 public:
  StagedImport(DB& db, const ImportOptions& options, std::string name)
      : db_(db), options_(options), name_(std::move(name)) {}
  ~StagedImport() { Rollback(); }
  StagedImport(const StagedImport&) = delete;
  StagedImport& operator=(const StagedImport&) = delete;

  // The transaction, begun on first use.
  absl::StatusOr<Transaction*> txn();
  // absl::CancelledError once options.cancel is set, else OK.
  absl::Status CheckCancel() const;
  // Seals the staged ops as a revision (filling in the author); with
  // options.atomic == false publishes it at once. Errors are the
  // transaction's, unchanged; nothing is sealed then.
  absl::StatusOr<Revision> Seal(CommitInfo info);
  // Publishes what is sealed (nothing to do if nothing is). On error
  // everything is rolled back.
  absl::Status Publish();
  // Discards what is staged and not published; returns `st` with a note
  // naming the revisions already published (non-atomic imports only).
  absl::Status Fail(const absl::Status& st);
  void Rollback();

  const std::vector<Revision>& revisions() const { return revisions_; }

 private:
  DB& db_;
  const ImportOptions& options_;
  std::string name_;
  std::unique_ptr<Transaction> txn_;
  std::vector<Revision> revisions_;  // sealed or published, oldest first
  size_t published_ = 0;             // how many of revisions_ are visible
};

}  // namespace critgraph::io::internal

#endif  // CRITGRAPH_IO_IMPORT_INTERNAL_H_
