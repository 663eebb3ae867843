// The Python-facing DB and Snapshot classes.
#ifndef CRITGRAPH_PYTHON_DB_CLASSES_H_
#define CRITGRAPH_PYTHON_DB_CLASSES_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "python/common.h"

namespace critgraph::python {

class PySnapshot : public Resource {
 public:
  // Call with h->mu held (shared): registers itself with the handle.
  PySnapshot(std::shared_ptr<DbHandle> h, std::unique_ptr<Snapshot> snap);
  ~PySnapshot() override;
  void ReleaseForClose() override;

  Revision revision() const { return rev_; }
  const RevisionInfo& info() const { return info_; }
  void Close();

  // Runs f(const Snapshot&) -> StatusOr<T> without the GIL; returns T.
  template <typename F>
  auto Run(F&& f) {
    using R = decltype(f(std::declval<const Snapshot&>()));
    return Unlocked([&]() -> R {
      std::shared_lock l(h_->mu);
      if (!snap_) return Closed();
      return f(*snap_);
    });
  }
  template <typename F>
  void RunStatus(F&& f) {
    UnlockedStatus([&]() -> absl::Status {
      std::shared_lock l(h_->mu);
      if (!snap_) return Closed();
      return f(*snap_);
    });
  }

 private:
  absl::Status Closed() const {
    return absl::FailedPreconditionError(
        "snapshot of revision " + std::to_string(rev_) +
        " is closed (closed explicitly, or its database was closed)");
  }

  std::shared_ptr<DbHandle> h_;
  std::unique_ptr<Snapshot> snap_;  // guarded by h_->mu
  Revision rev_ = 0;
  RevisionInfo info_;
};

class PyDB {
 public:
  PyDB(std::shared_ptr<DbHandle> h, std::string path, bool read_only);

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  bool closed() const;
  void Close();
  const std::shared_ptr<DbHandle>& handle() const { return h_; }

  std::shared_ptr<PySnapshot> GetSnapshot(py::handle rev);

  // Runs f(DB&) -> StatusOr<T> without the GIL; returns T.
  template <typename F>
  auto Run(F&& f) {
    using R = decltype(f(std::declval<DB&>()));
    return Unlocked([&]() -> R {
      std::shared_lock l(h_->mu);
      if (!h_->db) return ClosedError();
      return f(*h_->db);
    });
  }
  template <typename F>
  void RunStatus(F&& f) {
    UnlockedStatus([&]() -> absl::Status {
      std::shared_lock l(h_->mu);
      if (!h_->db) return ClosedError();
      return f(*h_->db);
    });
  }

 private:
  std::shared_ptr<DbHandle> h_;
  std::string path_;
  bool read_only_;
};

// The CommitInfo of DB.transaction's arguments (tag: None, str or list).
CommitInfo MakeCommitInfo(const std::string& message, py::handle tag,
                          std::optional<std::string> effective,
                          const std::string& author);
// A critgraph.Transaction on the handle `h`: `begin` runs with h->mu held
// shared and the GIL released (DB.transaction on the main database,
// Draft.transaction on a draft's; python/transaction.cc).
py::object NewTransaction(
    const std::shared_ptr<DbHandle>& h,
    const std::function<
        absl::StatusOr<std::unique_ptr<Transaction>>(DbHandle& h)>& begin,
    CommitInfo info);

using DbClass = py::class_<PyDB, std::shared_ptr<PyDB>>;
using SnapshotClass = py::class_<PySnapshot, std::shared_ptr<PySnapshot>>;
DbClass RegisterDb(py::module_& m);
void RegisterDiff(py::module_& m, DbClass& db);
void RegisterTransaction(py::module_& m, DbClass& db);
void RegisterHistory(py::module_& m, DbClass& db);
void RegisterLists(py::module_& m, DbClass& db);
// Followers and backups (python/backup.cc).
void RegisterBackup(py::module_& m, DbClass& db);
// Drafts, merge and rebase (python/draft.cc).
void RegisterDrafts(py::module_& m, DbClass& db);
// critgraph.report, Snapshot.crosswalk_table (python/report.cc).
void RegisterReport(py::module_& m);
// Partitions, the AdjacencySnapshot and the critgraph.dask submodule.
void RegisterScale(py::module_& m);

}  // namespace critgraph::python

#endif  // CRITGRAPH_PYTHON_DB_CLASSES_H_
