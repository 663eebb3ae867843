// Drafts and three-way merge (critgraph/draft.h): DB.draft -> Draft,
// DB.create_draft, DB.drafts, DB.draft_info, DB.drop_draft, DB.merge,
// DB.rebase. Reading a draft needs nothing here: DB.snapshot("draft:NAME")
// and DB.diff(..., "draft:NAME") go through the library's draft names.
#include "critgraph/draft.h"

#include "critgraph/io/change_stream.h"
#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {
namespace {

py::object Datetime(int64_t micros) {
  py::module_ dt = py::module_::import("datetime");
  py::object utc = dt.attr("timezone").attr("utc");
  return dt.attr("datetime")
      .attr("fromtimestamp")(0, utc)
      .attr("__add__")(dt.attr("timedelta")(py::arg("microseconds") = micros));
}

py::dict InfoToPy(const DraftInfo& info) {
  py::dict d;
  d["name"] = info.name;
  d["base"] = info.base;
  d["base_digest"] = info.base_digest.ToHex();
  d["start"] = info.start;
  d["head"] = info.head;
  d["commits"] = info.commits;
  d["created"] = Datetime(info.created_micros);
  d["created_micros"] = info.created_micros;
  d["path"] = info.path;
  return d;
}

// An open draft: its own DbHandle (owning the Draft, hence the draft
// database and its write lock), so that the draft's transactions and
// snapshots are the ordinary PyTransaction and PySnapshot, released when the
// draft is closed. Registered with the main database's handle because a
// Draft must not outlive the DB it came from: closing the main DB closes it.
class PyDraft : public Resource {
 public:
  // Call with main->mu held (shared).
  PyDraft(std::shared_ptr<DbHandle> main, std::unique_ptr<Draft> draft)
      : main_(std::move(main)), h_(std::make_shared<DbHandle>()) {
    info_ = draft->info();
    h_->draft = std::move(draft);
    main_->Register(this);
  }
  ~PyDraft() override {
    {
      std::shared_lock l(main_->mu);
      main_->Unregister(this);
    }
    std::unique_lock l(h_->mu);
    h_->CloseLocked();
  }
  // Called with main_->mu held exclusively; nothing takes the draft's lock
  // and then the main one, so the order main -> draft cannot deadlock.
  void ReleaseForClose() override {
    std::unique_lock l(h_->mu);
    h_->CloseLocked();
  }

  void Close() {
    py::gil_scoped_release release;
    {
      std::shared_lock l(main_->mu);
      main_->Unregister(this);
    }
    // Exclusive: rolls back the draft's open transaction and releases its
    // snapshots, then the draft database and its write lock.
    std::unique_lock l(h_->mu);
    h_->CloseLocked();
  }

  bool closed() const {
    std::shared_lock l(h_->mu);
    return h_->draft == nullptr;
  }

  // The info with the draft's current head (commits move it); once closed,
  // as last seen.
  DraftInfo info() {
    py::gil_scoped_release release;
    std::shared_lock l(h_->mu);
    std::lock_guard il(info_mu_);
    if (h_->draft) {
      info_.head = h_->draft->db().Head();
      info_.commits = info_.head - info_.start;
    }
    return info_;
  }

  const std::shared_ptr<DbHandle>& handle() const { return h_; }

  // Runs f(Draft&) -> StatusOr<T> without the GIL; returns T.
  template <typename F>
  auto Run(F&& f) {
    using R = decltype(f(std::declval<Draft&>()));
    return Unlocked([&]() -> R {
      std::shared_lock l(h_->mu);
      if (!h_->draft) return Closed();
      return f(*h_->draft);
    });
  }

  absl::Status Closed() const {
    return absl::FailedPreconditionError(
        "draft '" + info_.name +
        "' is closed (closed explicitly, or its database was closed)");
  }

 private:
  std::shared_ptr<DbHandle> main_;
  std::shared_ptr<DbHandle> h_;
  std::mutex info_mu_;
  DraftInfo info_;  // guarded by info_mu_
};

absl::Status DraftClosed(const DbHandle& h, const std::string& name) {
  if (h.draft) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "draft '" + name +
      "' is closed (closed explicitly, or its database was closed)");
}

py::object EntityOrNone(const std::optional<Node>& n) {
  return n ? py::object(NodeToDict(*n)) : py::object(py::none());
}
py::object EntityOrNone(const std::optional<Edge>& e) {
  return e ? py::object(EdgeToDict(*e)) : py::object(py::none());
}

py::dict CountsDict(const ChangeCounts& c) {
  py::dict d;
  d["added"] = c.added;
  d["removed"] = c.removed;
  d["modified"] = c.modified;
  return d;
}

py::dict ConflictToPy(const MergeConflict& c) {
  py::dict d;
  d["kind"] = std::string(ConflictKindName(c.kind));
  d["entity"] = c.is_edge ? "edge" : "node";
  d["key"] = c.key;
  if (c.is_edge) {
    py::dict e;
    e["from"] = c.edge.from;
    e["type"] = c.edge.type;
    e["to"] = c.edge.to;
    d["edge"] = e;
    d["base"] = EntityOrNone(c.base_edge);
    d["head"] = EntityOrNone(c.head_edge);
    d["draft"] = EntityOrNone(c.draft_edge);
  } else {
    d["edge"] = py::none();
    d["base"] = EntityOrNone(c.base_node);
    d["head"] = EntityOrNone(c.head_node);
    d["draft"] = EntityOrNone(c.draft_node);
  }
  d["fields"] = c.fields;
  // "" in C++ means unresolved; None reads better in Python.
  d["resolution"] = c.resolution.empty() ? py::object(py::none())
                                         : py::object(py::str(c.resolution));
  return d;
}

py::dict ReportToPy(const MergeReport& r) {
  py::dict d;
  d["draft"] = r.draft;
  d["base"] = r.base;
  d["head"] = r.head;
  d["draft_head"] = r.draft_head;
  d["dry_run"] = r.dry_run;
  d["committed"] =
      r.committed ? py::object(py::int_(*r.committed)) : py::object(py::none());
  d["digest"] = r.digest ? py::object(py::str(r.digest->ToHex()))
                         : py::object(py::none());
  d["nodes"] = CountsDict(r.nodes);
  d["edges"] = CountsDict(r.edges);
  d["unresolved"] = r.unresolved;
  py::list conflicts;
  for (const auto& c : r.conflicts) conflicts.append(ConflictToPy(c));
  d["conflicts"] = conflicts;
  return d;
}

MergePrefer PreferFromPy(const std::optional<std::string>& prefer) {
  if (!prefer) return MergePrefer::kNone;
  if (*prefer == "draft") return MergePrefer::kDraft;
  if (*prefer == "head") return MergePrefer::kHead;
  RaiseInvalid("prefer must be None, 'draft' or 'head', not '" + *prefer + "'");
}

// Resolutions as change-stream ops: each item a dict (one op, as
// json.loads of a change line) or a str of one or more JSONL lines. Parsed
// by the CLI's parser so that both accept the same resolution files.
std::vector<ChangeOp> ResolutionsFromPy(py::handle resolutions) {
  std::vector<ChangeOp> ops;
  if (resolutions.is_none()) return ops;
  if (py::isinstance<py::str>(resolutions) ||
      py::isinstance<py::dict>(resolutions)) {
    RaiseInvalid(
        "resolutions is a list of change ops (dicts or JSONL strings)");
  }
  py::object dumps = py::module_::import("json").attr("dumps");
  size_t n = 0;
  for (py::handle item : resolutions) {
    ++n;
    std::vector<std::string> lines;
    if (py::isinstance<py::dict>(item)) {
      lines.push_back(dumps(item).cast<std::string>());
    } else if (py::isinstance<py::str>(item)) {
      std::string text = item.cast<std::string>();
      size_t pos = 0;
      while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        if (line.find_first_not_of(" \t\r") != std::string::npos) {
          lines.push_back(std::move(line));
        }
        pos = end + 1;
      }
    } else {
      RaiseInvalid("resolution " + std::to_string(n) +
                   ": a change op is a dict or a JSONL string");
    }
    for (const auto& line : lines) {
      auto op = io::ParseChangeLine(line);
      if (!op.ok()) {
        RaiseInvalid("resolution " + std::to_string(n) + ": " +
                     std::string(op.status().message()));
      }
      ops.push_back(*std::move(op));
    }
  }
  return ops;
}

MergeOptions MakeMergeOptions(bool dry_run,
                              const std::optional<std::string>& prefer,
                              py::handle resolutions,
                              const std::optional<std::string>& message,
                              py::handle tag,
                              std::optional<std::string> effective,
                              const std::optional<std::string>& author) {
  MergeOptions o;
  o.dry_run = dry_run;
  o.prefer = PreferFromPy(prefer);
  o.resolutions = ResolutionsFromPy(resolutions);
  o.commit = MakeCommitInfo(message.value_or(""), tag, std::move(effective),
                            author.value_or(""));
  return o;
}

struct MergeOutcome {
  absl::Status status;
  MergeReport report;
};

// The report, or the error: unresolved conflicts raise critgraph.Error (the
// library's FailedPrecondition) with the report as `.report`, except in a
// dry run, whose purpose is to show them.
py::dict FinishMerge(const MergeOutcome& out, bool dry_run) {
  py::dict report = ReportToPy(out.report);
  if (out.status.ok()) return report;
  const bool conflicts =
      absl::IsFailedPrecondition(out.status) && out.report.unresolved > 0;
  if (conflicts && dry_run) return report;
  if (conflicts) RaiseWith(out.status, "report", report);
  Raise(out.status);
}

}  // namespace

void RegisterDrafts(py::module_& m, DbClass& db) {
  py::class_<PyDraft, std::shared_ptr<PyDraft>>(
      m, "Draft",
      "An open draft (DB.draft): holds the draft's write lock until closed. "
      "A context manager: leaving the `with` block closes it, rolling back "
      "an open draft transaction and releasing its snapshots. Closed too "
      "when its DB is closed.")
      .def_property_readonly(
          "info", [](PyDraft& d) { return InfoToPy(d.info()); },
          "{'name', 'base', 'base_digest', 'start', 'head', 'commits', "
          "'created', 'created_micros', 'path'}: base is the main revision "
          "the draft starts from, start..head the draft database's "
          "revisions (commits = head - start).")
      .def_property_readonly("name", [](PyDraft& d) { return d.info().name; })
      .def_property_readonly("closed", &PyDraft::closed)
      .def(
          "transaction",
          [](PyDraft& d, const std::string& message, py::object tag,
             std::optional<std::string> effective, const std::string& author,
             bool backdate) {
            CommitInfo info =
                MakeCommitInfo(message, tag, std::move(effective), author);
            info.backdate = backdate;
            const std::string name = d.info().name;
            return NewTransaction(
                d.handle(),
                [&](DbHandle& h)
                    -> absl::StatusOr<std::unique_ptr<Transaction>> {
                  if (auto st = DraftClosed(h, name); !st.ok()) return st;
                  return h.draft->Begin();
                },
                std::move(info));
          },
          py::arg("message") = "", py::arg("tag") = py::none(),
          py::arg("effective") = py::none(), py::arg("author") = "",
          py::arg("backdate") = false, py::keep_alive<0, 1>(),
          "Begins a draft commit: a critgraph.Transaction on the draft's "
          "newest revision, with DB.transaction's arguments and behaviour "
          "(commits on leaving a `with` block, rolls back on an exception). "
          "The commit is a revision of the draft database, not of main.")
      .def(
          "snapshot",
          [](PyDraft& d) {
            auto h = d.handle();
            return d.Run([&](Draft& draft)
                             -> absl::StatusOr<std::shared_ptr<PySnapshot>> {
              auto snap = draft.GetSnapshot();
              if (!snap.ok()) return snap.status();
              return std::make_shared<PySnapshot>(h, *std::move(snap));
            });
          },
          py::keep_alive<0, 1>(),
          "A Snapshot of the draft's newest revision (a revision number of "
          "the draft database). Closed with the draft.")
      .def(
          "log",
          [](PyDraft& d) {
            return d.Run(
                [](Draft& draft) -> absl::StatusOr<std::vector<RevisionInfo>> {
                  return draft.Log();
                });
          },
          "The draft's commits, newest first (RevisionInfo, as DB.log()).")
      .def("close", &PyDraft::Close,
           "Releases the draft's write lock (also done when it is garbage "
           "collected): an open transaction rolls back, snapshots become "
           "unusable.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](PyDraft& d, py::args) {
             d.Close();
             return false;
           })
      .def("__repr__", [](PyDraft& d) {
        DraftInfo info = d.info();
        return "<critgraph.Draft " + info.name +
               " base=" + std::to_string(info.base) +
               " commits=" + std::to_string(info.commits) +
               (d.closed() ? " closed" : "") + ">";
      });

  db.def(
        "draft",
        [](PyDB& d, const std::string& name) {
          auto h = d.handle();
          return Unlocked([&]() -> absl::StatusOr<std::shared_ptr<PyDraft>> {
            std::shared_lock l(h->mu);
            if (!h->db) return ClosedError();
            auto draft = OpenDraft(*h->db, name);
            if (!draft.ok()) return draft.status();
            return std::make_shared<PyDraft>(h, *std::move(draft));
          });
        },
        py::arg("name"),
        "Opens draft `name` for writing (Draft). NotFoundError for an "
        "unknown draft, InvalidInputError for a malformed name, LockedError "
        "while another Draft (in any process) has it open.")
      .def(
          "create_draft",
          [](PyDB& d, const std::string& name, py::object base) {
            std::optional<RevSpec> spec;
            if (!base.is_none()) spec = RevSpecFromPy(base);
            auto info = d.Run([&](DB& db) -> absl::StatusOr<DraftInfo> {
              std::optional<Revision> rev;
              if (spec) {
                auto r = ResolveRev(db, *spec);
                if (!r.ok()) return r.status();
                rev = *r;
              }
              return CreateDraft(db, name, rev);
            });
            return InfoToPy(info);
          },
          py::arg("name"), py::arg("base") = py::none(),
          "Creates draft `name` ([a-z0-9][a-z0-9_.-]{0,63}) on main revision "
          "`base` (int or name; default HEAD) and returns its info (as "
          "Draft.info). InvalidInputError for a bad name or an existing "
          "draft, NotFoundError for an unknown base.")
      .def(
          "drafts",
          [](PyDB& d) {
            auto drafts = d.Run([](DB& db) { return ListDrafts(db); });
            py::list out;
            for (const auto& info : drafts) out.append(InfoToPy(info));
            return out;
          },
          "Every draft's info (as Draft.info), sorted by name.")
      .def(
          "draft_info",
          [](PyDB& d, const std::string& name) {
            return InfoToPy(
                d.Run([&](DB& db) { return GetDraftInfo(db, name); }));
          },
          py::arg("name"), "One draft's info (as Draft.info).")
      .def(
          "drop_draft",
          [](PyDB& d, const std::string& name) {
            d.RunStatus([&](DB& db) { return DropDraft(db, name); });
          },
          py::arg("name"),
          "Deletes the draft and its database. NotFoundError if there is "
          "none; LockedError while a Draft has it open.")
      .def(
          "merge",
          [](PyDB& d, const std::string& name, bool dry_run,
             std::optional<std::string> prefer, py::object resolutions,
             std::optional<std::string> message, py::object tag,
             std::optional<std::string> effective,
             std::optional<std::string> author) {
            MergeOptions options =
                MakeMergeOptions(dry_run, prefer, resolutions, message, tag,
                                 std::move(effective), author);
            auto out = d.Run([&](DB& db) -> absl::StatusOr<MergeOutcome> {
              MergeOutcome o;
              o.status = Merge(db, name, options, &o.report);
              return o;
            });
            return FinishMerge(out, dry_run);
          },
          py::arg("name"), py::arg("dry_run") = false,
          py::arg("prefer") = py::none(), py::arg("resolutions") = py::none(),
          py::arg("message") = py::none(), py::arg("tag") = py::none(),
          py::arg("effective") = py::none(), py::arg("author") = py::none(),
          "Three-way merge of draft `name` (base -> draft head) into main's "
          "HEAD as one new revision; the draft stays. prefer: None, 'draft' "
          "or 'head' decides every conflict; resolutions: change ops (dicts "
          "or JSONL strings) setting the merged state of their entities. "
          "Returns the report {'draft', 'base', 'head', 'draft_head', "
          "'dry_run', 'committed', 'digest', 'nodes', 'edges', 'unresolved', "
          "'conflicts'}. Unresolved conflicts raise critgraph.Error with the "
          "report as `.report` and change nothing; a dry run returns the "
          "report (conflicts included) and changes nothing.")
      .def(
          "rebase",
          [](PyDB& d, const std::string& name, py::object onto,
             std::optional<std::string> prefer, py::object resolutions,
             bool dry_run, std::optional<std::string> message) {
            std::optional<RevSpec> spec;
            if (!onto.is_none()) spec = RevSpecFromPy(onto);
            MergeOptions options =
                MakeMergeOptions(dry_run, prefer, resolutions, message,
                                 py::none(), std::nullopt, std::nullopt);
            auto out = d.Run([&](DB& db) -> absl::StatusOr<MergeOutcome> {
              std::optional<Revision> target;
              if (spec) {
                auto r = ResolveRev(db, *spec);
                if (!r.ok()) return r.status();
                target = *r;
              }
              MergeOutcome o;
              o.status = Rebase(db, name, target, options, &o.report);
              return o;
            });
            return FinishMerge(out, dry_run);
          },
          py::arg("name"), py::arg("onto") = py::none(),
          py::arg("prefer") = py::none(), py::arg("resolutions") = py::none(),
          py::arg("dry_run") = false, py::arg("message") = py::none(),
          "Moves draft `name` onto main revision `onto` (int or name; default "
          "HEAD): its changes are merged into base -> onto as by merge() and "
          "become one draft commit (earlier ones squashed). Same report, "
          "with 'head' = onto and 'committed' a revision of the draft "
          "database; same errors. LockedError while a Draft has it open.");
}

}  // namespace critgraph::python
