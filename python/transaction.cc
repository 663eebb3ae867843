// DB.transaction -> Transaction, DB.import_jsonl.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common.h"
#include "db_classes.h"

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

CommitInfo MakeInfo(const std::string& message, py::handle tag,
                    std::optional<std::string> effective,
                    const std::string& author) {
  CommitInfo info;
  info.message = message;
  info.author = author;
  info.effective_date = std::move(effective);
  info.tags = Tags(tag);
  return info;
}

// ------------------------------------------------------------ import_jsonl

bool IsBlank(const std::string& line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Input errors become InvalidArgument "file:line: reason", as in the CLI.
absl::Status AtLine(const std::string& file, uint64_t line,
                    const absl::Status& st) {
  std::string msg =
      file + ":" + std::to_string(line) + ": " + std::string(st.message());
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

// Calls fn(line_number, op) for every non-blank line; stops at the first
// error.
template <typename Fn>
absl::Status ForEachOp(const std::string& file, Fn fn) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(file + ": cannot open");
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.size() > kMaxChangeLineBytes) {
      return absl::InvalidArgumentError(
          file + ":" + std::to_string(n) + ": line is longer than " +
          std::to_string(kMaxChangeLineBytes) + " bytes; refused");
    }
    if (IsBlank(line)) continue;
    auto op = ParseChangeLine(line);
    if (!op.ok()) return AtLine(file, n, op.status());
    if (auto st = fn(n, *op); !st.ok()) return st;
  }
  if (in.bad()) {
    return absl::InvalidArgumentError(file + ": read error after line " +
                                      std::to_string(n));
  }
  return absl::OkStatus();
}

struct ImportArgs {
  std::string file;
  CommitInfo trailing;                // for ops after the last commit line
  std::optional<std::string> author;  // fills in commit lines without one
};

// Parses every line and checks tags; returns the number of revisions.
absl::StatusOr<uint64_t> Scan(const DB& db, const ImportArgs& args) {
  std::set<std::string> tags;
  for (const auto& r : db.Log()) tags.insert(r.tags.begin(), r.tags.end());
  uint64_t commits = 0, trailing = 0;
  auto st = ForEachOp(args.file, [&](uint64_t line, const ChangeOp& op) {
    if (op.kind != ChangeOp::Kind::kCommit) {
      ++trailing;
      return absl::OkStatus();
    }
    ++commits;
    trailing = 0;
    for (const auto& t : op.commit.tags) {
      if (!tags.insert(t).second) {
        return absl::InvalidArgumentError(args.file + ":" +
                                          std::to_string(line) + ": tag '" + t +
                                          "' already exists");
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (trailing > 0) {
    for (const auto& t : args.trailing.tags) {
      if (!tags.insert(t).second) {
        return absl::InvalidArgumentError("tag '" + t + "' already exists");
      }
    }
  }
  return commits + (trailing > 0 ? 1 : 0);
}

// Applies the file to `db`, one transaction per commit line (and one for
// trailing ops). Rolls back the open transaction on error.
absl::Status Replay(DB& db, const ImportArgs& args,
                    std::vector<Revision>* revisions) {
  std::unique_ptr<Transaction> txn;
  uint64_t pending = 0;
  auto ensure = [&]() -> absl::Status {
    if (txn) return absl::OkStatus();
    auto t = db.Begin();
    if (!t.ok()) return t.status();
    txn = *std::move(t);
    return absl::OkStatus();
  };
  auto commit = [&](CommitInfo info, uint64_t line) -> absl::Status {
    if (auto st = ensure(); !st.ok()) return st;
    if (info.author.empty() && args.author) info.author = *args.author;
    auto rev = txn->Commit(info);
    if (!rev.ok()) {
      if (line == 0) {
        return absl::Status(rev.status().code(),
                            args.file + ": trailing revision: " +
                                std::string(rev.status().message()));
      }
      return AtLine(args.file, line, rev.status());
    }
    revisions->push_back(*rev);
    txn.reset();
    pending = 0;
    return absl::OkStatus();
  };
  auto st = ForEachOp(args.file, [&](uint64_t line, const ChangeOp& op) {
    if (op.kind == ChangeOp::Kind::kCommit) return commit(op.commit, line);
    if (auto s = ensure(); !s.ok()) return s;
    if (auto s = ApplyChange(*txn, op); !s.ok())
      return AtLine(args.file, line, s);
    ++pending;
    return absl::OkStatus();
  });
  if (st.ok() && pending > 0) st = commit(args.trailing, 0);
  if (txn) txn->Rollback();
  return st;
}

// Copies HEAD of `src` into the empty `dst` as one revision.
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
  return (*txn)->Commit(CommitInfo{}).status();
}

// Replays into a scratch copy of HEAD first, so that an input error in a
// later revision is found before anything is committed.
absl::Status DryRun(const DB& db, const ImportArgs& args) {
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string dir = (base / "critgraph-py-import-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary directory in " +
                               base.string());
  }
  absl::Status st;
  {
    Options options;
    options.sync = false;
    auto scratch = DB::Open(dir + "/db", options);
    if (!scratch.ok()) {
      st = scratch.status();
    } else {
      if (db.Head() > 0) {
        st = SeedFrom(db, **scratch);
        if (!st.ok()) {
          st = absl::Status(
              st.code(), "preparing the dry run: " + std::string(st.message()));
        }
      }
      std::vector<Revision> ignored;
      if (st.ok()) st = Replay(**scratch, args, &ignored);
    }
  }
  std::filesystem::remove_all(dir, ec);
  return st;
}

absl::StatusOr<std::vector<Revision>> Import(DB& db, const ImportArgs& args,
                                             bool atomic) {
  auto revisions = Scan(db, args);
  if (!revisions.ok()) return revisions.status();
  std::vector<Revision> out;
  if (*revisions == 0) return out;
  if (atomic && *revisions > 1) {
    if (auto st = DryRun(db, args); !st.ok()) return st;
  }
  Revision head_before = db.Head();
  auto st = Replay(db, args, &out);
  if (!st.ok()) {
    if (!out.empty()) {
      return absl::Status(
          st.code(), std::string(st.message()) + " [revisions " +
                         std::to_string(head_before + 1) + ".." +
                         std::to_string(out.back()) +
                         " of this import were committed before the failure]");
    }
    return st;
  }
  return out;
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
            auto op = ParseChangeLine(line);
            if (!op.ok()) Raise(op.status());
            t.RunStatus(
                [&](Transaction& txn) { return ApplyChange(txn, *op); });
          },
          py::arg("line"),
          "Applies one change-stream line (not a commit line).")
      .def(
          "commit",
          [](PyTransaction& t, std::optional<std::string> message,
             py::object tag, std::optional<std::string> effective,
             std::optional<std::string> author) {
            CommitInfo info = t.info();
            if (message) info.message = *message;
            if (!tag.is_none()) info.tags = Tags(tag);
            if (effective) info.effective_date = effective;
            if (author) info.author = *author;
            return t.Commit(info);
          },
          py::arg("message") = py::none(), py::arg("tag") = py::none(),
          py::arg("effective") = py::none(), py::arg("author") = py::none(),
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
         std::optional<std::string> effective, const std::string& author) {
        CommitInfo info = MakeInfo(message, tag, std::move(effective), author);
        auto h = d.handle();
        return Unlocked(
            [&]() -> absl::StatusOr<std::shared_ptr<PyTransaction>> {
              std::shared_lock l(h->mu);
              if (!h->db) return ClosedError();
              auto txn = h->db->Begin();
              if (!txn.ok()) return txn.status();
              return std::make_shared<PyTransaction>(h, *std::move(txn),
                                                     std::move(info));
            });
      },
      py::arg("message") = "", py::arg("tag") = py::none(),
      py::arg("effective") = py::none(), py::arg("author") = "",
      "Begins the write transaction. tag: a str or a list of str; effective: "
      "'YYYY-MM-DD'. Error if another transaction is open or the database is "
      "read-only.");

  db.def(
      "import_jsonl",
      [](PyDB& d, const std::string& path, std::optional<std::string> message,
         py::object tag, std::optional<std::string> effective,
         std::optional<std::string> author, bool atomic) {
        ImportArgs args;
        args.file = path;
        args.trailing.message = message ? *message : "import " + path;
        args.trailing.tags = Tags(tag);
        args.trailing.effective_date = std::move(effective);
        args.trailing.author = author.value_or("");
        args.author = std::move(author);
        return d.Run([&](DB& db) { return Import(db, args, atomic); });
      },
      py::arg("path"), py::arg("message") = py::none(),
      py::arg("tag") = py::none(), py::arg("effective") = py::none(),
      py::arg("author") = py::none(), py::arg("atomic") = true,
      "Imports a JSONL change stream: one revision per commit line (plus one "
      "for ops after the last commit line, with message/tag/effective/author). "
      "Returns the new revision numbers. InvalidInputError naming file:line "
      "on bad input; nothing is committed then (with atomic=False, revisions "
      "before the bad one stay committed).");
}

}  // namespace critgraph::python
