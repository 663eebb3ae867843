// DB.transaction -> Transaction, DB.import_jsonl, DB.import_csv.
#include "critgraph/io/change_stream.h"
#include "critgraph/io/import.h"
#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {

namespace {

class PyTransaction : public Resource {
 public:
  // Call with h->mu held (shared).
  PyTransaction(std::shared_ptr<DbHandle> h, std::unique_ptr<Transaction> txn,
                CommitInfo info)
      : h_(std::move(h)), txn_(std::move(txn)), info_(std::move(info)) {
    pending_ = txn_->pending_revision();
    h_->Register(this);
  }
  ~PyTransaction() override {
    std::shared_lock l(h_->mu);
    h_->Unregister(this);
    if (txn_) txn_->Rollback();
    txn_.reset();
  }
  void ReleaseForClose() override {
    if (txn_) txn_->Rollback();
    txn_.reset();
  }

  template <typename F>
  auto Run(F&& f) {
    using R = decltype(f(std::declval<Transaction&>()));
    return Unlocked([&]() -> R {
      std::shared_lock l(h_->mu);
      std::lock_guard tl(mu_);
      if (!txn_) return Finished();
      return f(*txn_);
    });
  }
  template <typename F>
  void RunStatus(F&& f) {
    UnlockedStatus([&]() -> absl::Status {
      std::shared_lock l(h_->mu);
      std::lock_guard tl(mu_);
      if (!txn_) return Finished();
      return f(*txn_);
    });
  }

  Revision Commit(const CommitInfo& info) {
    return Unlocked([&]() -> absl::StatusOr<Revision> {
      std::shared_lock l(h_->mu);
      std::lock_guard tl(mu_);
      if (!txn_) return Finished();
      auto rev = txn_->Commit(info);
      if (!rev.ok()) return rev;  // still open: fix and retry, or roll back
      revision_ = *rev;
      txn_.reset();
      h_->Unregister(this);
      return rev;
    });
  }

  void Rollback() {
    py::gil_scoped_release release;
    std::shared_lock l(h_->mu);
    std::lock_guard tl(mu_);
    if (txn_) {
      txn_->Rollback();
      txn_.reset();
      rolled_back_ = true;
      h_->Unregister(this);
    }
  }

  bool active() {
    std::lock_guard tl(mu_);
    return txn_ != nullptr;
  }
  const CommitInfo& info() const { return info_; }
  Revision pending() const { return pending_; }
  std::optional<Revision> revision() const { return revision_; }
  bool rolled_back() const { return rolled_back_; }

 private:
  absl::Status Finished() const {
    if (revision_) {
      return absl::FailedPreconditionError(
          "the transaction is finished (committed as revision " +
          std::to_string(*revision_) + ")");
    }
    return absl::FailedPreconditionError(
        "the transaction is finished (rolled back)");
  }

  std::shared_ptr<DbHandle> h_;
  std::mutex mu_;
  std::unique_ptr<Transaction> txn_;  // guarded by mu_ (and h_->mu)
  CommitInfo info_;
  Revision pending_ = 0;
  std::optional<Revision> revision_;
  bool rolled_back_ = false;
};

std::vector<std::string> Tags(py::handle tag) { return StrList(tag, "tag"); }

}  // namespace

CommitInfo MakeCommitInfo(const std::string& message, py::handle tag,
                          std::optional<std::string> effective,
                          const std::string& author) {
  CommitInfo info;
  info.message = message;
  info.author = author;
  info.effective_date = std::move(effective);
  info.tags = StrList(tag, "tag");
  return info;
}

py::object NewTransaction(
    const std::shared_ptr<DbHandle>& h,
    const std::function<
        absl::StatusOr<std::unique_ptr<Transaction>>(DbHandle& h)>& begin,
    CommitInfo info) {
  return py::cast(
      Unlocked([&]() -> absl::StatusOr<std::shared_ptr<PyTransaction>> {
        // Made and registered under the handle's lock, so that a
        // concurrent close() rolls it back.
        std::shared_lock l(h->mu);
        auto txn = begin(*h);
        if (!txn.ok()) return txn.status();
        return std::make_shared<PyTransaction>(h, *std::move(txn),
                                               std::move(info));
      }));
}

namespace {

// The import options shared by import_jsonl and import_csv.
io::ImportOptions MakeImportOptions(std::optional<std::string> message,
                                    py::handle tag,
                                    std::optional<std::string> effective,
                                    std::optional<std::string> author) {
  io::ImportOptions opts;
  opts.message = std::move(message);
  auto tags = Tags(tag);
  if (tags.size() > 1) RaiseInvalid("an import takes at most one tag");
  if (!tags.empty()) opts.tag = tags[0];
  opts.effective = std::move(effective);
  opts.default_author = author.value_or("");
  return opts;
}

}  // namespace

void RegisterTransaction(py::module_& m, DbClass& db) {
  py::class_<PyTransaction, std::shared_ptr<PyTransaction>>(
      m, "Transaction",
      "The database's single write transaction (DB.transaction). As a "
      "context manager it commits when the block ends normally and rolls "
      "back when it raises. Use from one thread at a time.")
      .def_property_readonly("pending_revision", &PyTransaction::pending,
                             "The revision a commit will create.")
      .def_property_readonly(
          "revision",
          [](const PyTransaction& t) -> py::object {
            if (auto r = t.revision()) return py::int_(*r);
            return py::none();
          },
          "The committed revision, or None before the commit.")
      .def_property_readonly("active", &PyTransaction::active,
                             "Neither committed nor rolled back yet.")
      .def(
          "put_node",
          [](PyTransaction& t, const std::string& key, const std::string& kind,
             py::object names, py::object props) {
            Node n{key, kind, NamesFromPy(names), PropertiesFromPy(props)};
            t.RunStatus([&](Transaction& txn) { return txn.PutNode(n); });
          },
          py::arg("key"), py::arg("kind"), py::arg("names") = py::none(),
          py::arg("props") = py::none(),
          "Inserts or replaces a node (names and props replaced whole).")
      .def(
          "put_edge",
          [](PyTransaction& t, const std::string& from, const std::string& type,
             const std::string& to, py::object props) {
            Edge e{from, type, to, PropertiesFromPy(props)};
            t.RunStatus([&](Transaction& txn) { return txn.PutEdge(e); });
          },
          py::arg("from_key"), py::arg("type"), py::arg("to_key"),
          py::arg("props") = py::none(),
          "Inserts or replaces an edge; both endpoints must exist.")
      .def(
          "delete_node",
          [](PyTransaction& t, const std::string& key) {
            t.RunStatus([&](Transaction& txn) { return txn.DeleteNode(key); });
          },
          py::arg("key"), "Deletes a node and every edge into or out of it.")
      .def(
          "delete_edge",
          [](PyTransaction& t, const std::string& from, const std::string& type,
             const std::string& to) {
            t.RunStatus([&](Transaction& txn) {
              return txn.DeleteEdge(from, type, to);
            });
          },
          py::arg("from_key"), py::arg("type"), py::arg("to_key"))
      .def(
          "register_node_kind",
          [](PyTransaction& t, const std::string& name) {
            t.RunStatus(
                [&](Transaction& txn) { return txn.RegisterNodeKind(name); });
          },
          py::arg("name"))
      .def(
          "register_edge_type",
          [](PyTransaction& t, const std::string& name) {
            t.RunStatus(
                [&](Transaction& txn) { return txn.RegisterEdgeType(name); });
          },
          py::arg("name"))
      .def(
          "get_node",
          [](PyTransaction& t, const std::string& key) {
            return t.Run([&](Transaction& txn) { return txn.GetNode(key); });
          },
          py::arg("key"), "Reads a node through the transaction's view.")
      .def(
          "apply",
          [](PyTransaction& t, const std::string& line) {
            auto op = io::ParseChangeLine(line);
            if (!op.ok()) Raise(op.status());
            t.RunStatus(
                [&](Transaction& txn) { return io::ApplyChange(txn, *op); });
          },
          py::arg("line"),
          "Applies one change-stream line (not a commit line).")
      .def(
          "commit",
          [](PyTransaction& t, std::optional<std::string> message,
             py::object tag, std::optional<std::string> effective,
             std::optional<std::string> author, std::optional<bool> backdate) {
            CommitInfo info = t.info();
            if (message) info.message = *message;
            if (!tag.is_none()) info.tags = Tags(tag);
            if (effective) info.effective_date = effective;
            if (author) info.author = *author;
            if (backdate) info.backdate = *backdate;
            return t.Commit(info);
          },
          py::arg("message") = py::none(), py::arg("tag") = py::none(),
          py::arg("effective") = py::none(), py::arg("author") = py::none(),
          py::arg("backdate") = py::none(),
          "Commits (arguments override those given to DB.transaction) and "
          "returns the new revision. On InvalidInputError (bad date, existing "
          "tag) nothing is committed and the transaction stays open.")
      .def("rollback", &PyTransaction::Rollback,
           "Discards everything staged. No-op once finished.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](PyTransaction& t, py::object exc_type, py::object, py::object) {
             if (!exc_type.is_none()) {
               t.Rollback();
               return false;
             }
             if (!t.active()) return false;
             try {
               t.Commit(t.info());
             } catch (...) {
               t.Rollback();
               throw;
             }
             return false;
           })
      .def("__repr__", [](PyTransaction& t) {
        std::string state =
            t.active() ? "open, pending revision " + std::to_string(t.pending())
            : t.revision()
                ? "committed as revision " + std::to_string(*t.revision())
                : "rolled back";
        return "<critgraph.Transaction " + state + ">";
      });

  db.def(
      "transaction",
      [](PyDB& d, const std::string& message, py::object tag,
         std::optional<std::string> effective, const std::string& author,
         bool backdate) {
        CommitInfo info =
            MakeCommitInfo(message, tag, std::move(effective), author);
        info.backdate = backdate;
        return NewTransaction(
            d.handle(),
            [](DbHandle& h) -> absl::StatusOr<std::unique_ptr<Transaction>> {
              if (!h.db) return ClosedError();
              return h.db->Begin();
            },
            std::move(info));
      },
      py::arg("message") = "", py::arg("tag") = py::none(),
      py::arg("effective") = py::none(), py::arg("author") = "",
      py::arg("backdate") = false,
      "Begins the write transaction. tag: a str or a list of str; effective: "
      "'YYYY-MM-DD'; backdate: allow an effective date earlier than one "
      "committed below (else InvalidInputError naming both dates). Error if "
      "another transaction is open or the database is read-only.");

  db.def(
      "import_jsonl",
      [](PyDB& d, const std::string& path, std::optional<std::string> message,
         py::object tag, std::optional<std::string> effective,
         std::optional<std::string> author, bool atomic, bool backdate) {
        io::ImportOptions opts = MakeImportOptions(
            std::move(message), tag, std::move(effective), std::move(author));
        opts.atomic = atomic;
        opts.backdate = backdate;
        auto r = d.Run(
            [&](DB& db) { return io::ImportChangeStreamFile(db, path, opts); });
        return r.revisions;
      },
      py::arg("path"), py::arg("message") = py::none(),
      py::arg("tag") = py::none(), py::arg("effective") = py::none(),
      py::arg("author") = py::none(), py::arg("atomic") = true,
      py::arg("backdate") = false,
      "Imports a JSONL change stream: one revision per commit line (plus one "
      "for ops after the last commit line, with message/tag/effective/author). "
      "Returns the new revision numbers. One pass, one transaction, all "
      "revisions published together: InvalidInputError naming file:line on "
      "bad input, and nothing is committed then (with atomic=False each "
      "revision is published at its commit line, so those before the bad one "
      "stay committed).");

  db.def(
      "import_csv",
      [](PyDB& d, std::optional<std::string> dir,
         std::optional<std::string> nodes, std::optional<std::string> edges,
         std::optional<std::string> message, py::object tag,
         std::optional<std::string> effective,
         std::optional<std::string> author, bool backdate, bool merge_props,
         bool replace_props) {
        if (dir && (nodes || edges)) {
          RaiseInvalid("give dir or nodes/edges, not both");
        }
        io::CsvFiles files{std::move(nodes), std::move(edges)};
        if (dir) {
          auto found = io::CsvFilesInDir(*dir);
          if (!found.ok()) Raise(found.status());
          files = *found;
        }
        if (!files.nodes && !files.edges) {
          RaiseInvalid("import_csv needs dir, or nodes and/or edges");
        }
        io::ImportOptions opts = MakeImportOptions(
            std::move(message), tag, std::move(effective), std::move(author));
        opts.backdate = backdate;
        opts.merge_props = merge_props;
        opts.replace_props = replace_props;
        auto r = d.Run([&](DB& db) { return io::ImportCsv(db, files, opts); });
        return r.revisions.front();
      },
      py::arg("dir") = py::none(), py::arg("nodes") = py::none(),
      py::arg("edges") = py::none(), py::arg("message") = py::none(),
      py::arg("tag") = py::none(), py::arg("effective") = py::none(),
      py::arg("author") = py::none(), py::arg("backdate") = false,
      py::arg("merge_props") = false, py::arg("replace_props") = false,
      "Imports CSV files (docs/FORMATS.md, \"CSV\") as one revision, as "
      "`critgraph import --format csv` does: `dir` holding nodes.csv and/or "
      "edges.csv, or the files as nodes=/edges=. Node kinds and edge types "
      "are registered if new. Returns the new revision. InvalidInputError "
      "naming file:line on bad input; nothing is committed then. A re-import "
      "that would drop properties of existing nodes raises critgraph.Error "
      "unless merge_props (keep them) or replace_props (drop them).");
}

}  // namespace critgraph::python
