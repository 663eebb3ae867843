// critgraph.open, DB and Snapshot.
#include "critgraph/gc.h"
#include "critgraph/io/export.h"
#include "critgraph/lists.h"
#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {

// ---------------------------------------------------------------- Snapshot

PySnapshot::PySnapshot(std::shared_ptr<DbHandle> h,
                       std::unique_ptr<Snapshot> snap)
    : h_(std::move(h)), snap_(std::move(snap)) {
  info_ = snap_->info();
  rev_ = snap_->revision();
  h_->Register(this);
}

PySnapshot::~PySnapshot() {
  std::shared_lock l(h_->mu);
  h_->Unregister(this);
  snap_.reset();
}

void PySnapshot::ReleaseForClose() { snap_.reset(); }

void PySnapshot::Close() {
  py::gil_scoped_release release;
  // Exclusive: other threads may be reading through this snapshot.
  std::unique_lock l(h_->mu);
  h_->Unregister(this);
  snap_.reset();
}

namespace {

absl::StatusOr<std::vector<Node>> AllNodes(const Snapshot& s) {
  std::vector<Node> out;
  out.reserve(s.node_count());
  auto st = s.ForEachNode([&](const Node& n) {
    out.push_back(n);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<Edge>> AllEdges(const Snapshot& s) {
  std::vector<Edge> out;
  out.reserve(s.edge_count());
  auto st = s.ForEachEdge([&](const Edge& e) {
    out.push_back(e);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace

// ---------------------------------------------------------------- DB

PyDB::PyDB(std::shared_ptr<DbHandle> h, std::string path, bool read_only)
    : h_(std::move(h)), path_(std::move(path)), read_only_(read_only) {}

void PyDB::Close() {
  py::gil_scoped_release release;
  std::unique_lock l(h_->mu);
  h_->CloseLocked();
}

bool PyDB::closed() const {
  std::shared_lock l(h_->mu);
  return h_->db == nullptr;
}

std::shared_ptr<PySnapshot> PyDB::GetSnapshot(py::handle rev) {
  RevSpec spec = RevSpecFromPy(rev);
  // Made and registered under the handle's lock, so that a concurrent
  // close() releases it.
  return Unlocked([&]() -> absl::StatusOr<std::shared_ptr<PySnapshot>> {
    std::shared_lock l(h_->mu);
    if (!h_->db) return ClosedError();
    auto snap = spec.number ? h_->db->GetSnapshot(*spec.number)
                            : h_->db->GetSnapshot(spec.name);
    if (!snap.ok()) return snap.status();
    return std::make_shared<PySnapshot>(h_, *std::move(snap));
  });
}

DbClass RegisterDb(py::module_& m) {
  py::class_<PySnapshot, std::shared_ptr<PySnapshot>>(
      m, "Snapshot",
      "An immutable view of one revision. Every method may be called from "
      "many threads at once; the GIL is released while the database works. "
      "Closed (unusable) once its DB is closed.")
      .def_property_readonly("revision", &PySnapshot::revision)
      .def_property_readonly(
          "digest", [](const PySnapshot& s) { return s.info().digest.ToHex(); },
          "The revision's 128-bit content digest, 32 hex digits.")
      .def_property_readonly("info",
                             [](const PySnapshot& s) { return s.info(); })
      .def_property_readonly(
          "node_count", [](const PySnapshot& s) { return s.info().node_count; })
      .def_property_readonly(
          "edge_count", [](const PySnapshot& s) { return s.info().edge_count; })
      .def(
          "node",
          [](PySnapshot& s, const std::string& key) {
            return s.Run(
                [&](const Snapshot& snap) { return snap.GetNode(key); });
          },
          py::arg("key"), "The node; NotFoundError if it does not exist.")
      .def(
          "has_node",
          [](PySnapshot& s, const std::string& key) {
            return s.Run(
                [&](const Snapshot& snap) { return snap.HasNode(key); });
          },
          py::arg("key"))
      .def(
          "__contains__",
          [](PySnapshot& s, py::handle key) {
            if (!py::isinstance<py::str>(key)) return false;
            std::string k = key.cast<std::string>();
            return s.Run([&](const Snapshot& snap) { return snap.HasNode(k); });
          })
      .def(
          "edge",
          [](PySnapshot& s, const std::string& from, const std::string& type,
             const std::string& to) {
            return s.Run([&](const Snapshot& snap) {
              return snap.GetEdge(from, type, to);
            });
          },
          py::arg("from_key"), py::arg("type"), py::arg("to_key"),
          "The edge; NotFoundError if it does not exist.")
      .def(
          "nodes",
          [](PySnapshot& s, std::optional<std::string> kind) {
            return s.Run(
                [&](const Snapshot& snap) -> absl::StatusOr<std::vector<Node>> {
                  if (kind) return snap.NodesOfKind(*kind);
                  return AllNodes(snap);
                });
          },
          py::arg("kind") = py::none(),
          "Every node (of `kind`, if given), sorted by key.")
      .def(
          "edges",
          [](PySnapshot& s) {
            return s.Run([&](const Snapshot& snap) { return AllEdges(snap); });
          },
          "Every edge, sorted by (from, type, to).")
      .def(
          "out_edges",
          [](PySnapshot& s, const std::string& key, py::object types) {
            auto t = StrList(types, "types");
            return s.Run(
                [&](const Snapshot& snap) { return snap.OutEdges(key, t); });
          },
          py::arg("key"), py::arg("types") = py::none(),
          "Edges leaving `key` (of the given types), sorted by (type, to).")
      .def(
          "in_edges",
          [](PySnapshot& s, const std::string& key, py::object types) {
            auto t = StrList(types, "types");
            return s.Run(
                [&](const Snapshot& snap) { return snap.InEdges(key, t); });
          },
          py::arg("key"), py::arg("types") = py::none(),
          "Edges entering `key` (of the given types), sorted by (type, from).")
      .def("node_kinds",
           [](PySnapshot& s) {
             return s.Run([](const Snapshot& snap)
                              -> absl::StatusOr<std::vector<std::string>> {
               return snap.NodeKinds();
             });
           })
      .def("edge_types",
           [](PySnapshot& s) {
             return s.Run([](const Snapshot& snap)
                              -> absl::StatusOr<std::vector<std::string>> {
               return snap.EdgeTypes();
             });
           })
      .def(
          "reach",
          [](PySnapshot& s, py::object sources, const std::string& direction,
             py::object edge_types, py::object kinds,
             std::optional<int64_t> max_depth, bool parents,
             std::optional<std::string> list, const std::string& plan) {
            ReachSpec spec =
                MakeReachSpec(sources, direction, edge_types, kinds, max_depth);
            std::optional<ReachPlan> p = ParseReachPlan(plan);
            if (!p) {
              RaiseInvalid("unknown plan '" + plan +
                           "' (auto, seek, scan or adjacency)");
            }
            spec.plan = *p;
            auto r = s.Run([&](const Snapshot& snap) {
              return list ? ReachInList(snap, spec, *list) : Reach(snap, spec);
            });
            return ReachedToPy(r, parents);
          },
          py::arg("sources"), py::arg("direction") = "out",
          py::arg("edge_types") = py::none(), py::arg("kinds") = py::none(),
          py::arg("max_depth") = py::none(), py::arg("parents") = false,
          py::arg("list") = py::none(), py::kw_only(), py::arg("plan") = "auto",
          "Nodes reachable from `sources` as [(key, depth)] sorted by "
          "(depth, key); with parents=True [(key, depth, parent)]. With "
          "list, only the sources and the reached entries of that list. "
          "`plan` (auto, seek, scan, adjacency) picks how storage is read, as "
          "the CLI's --plan; every plan gives the same answer.")
      .def(
          "reach_many",
          [](PySnapshot& s, py::iterable sources_list,
             const std::string& direction, py::object edge_types,
             py::object kinds, std::optional<int64_t> max_depth, int threads) {
            std::vector<ReachSpec> specs = MakeReachSpecs(
                sources_list, direction, edge_types, kinds, max_depth);
            if (threads < 0) RaiseInvalid("threads must be >= 0");
            auto r = s.Run([&](const Snapshot& snap) {
              return ReachMany(snap, specs, threads);
            });
            return ReachManyToPy(r);
          },
          py::arg("sources_list"), py::arg("direction") = "out",
          py::arg("edge_types") = py::none(), py::arg("kinds") = py::none(),
          py::arg("max_depth") = py::none(), py::arg("threads") = 0,
          "One reach per element of `sources_list` (each a key or a list of "
          "keys), run in parallel on `threads` worker threads (0 = the "
          "hardware's) with the GIL released; [[(key, depth)]] in the order "
          "of `sources_list`, each as reach() returns it. On error, the error "
          "of the first failing element.")
      .def(
          "neighbourhood",
          [](PySnapshot& s, const std::string& key, int64_t k,
             const std::string& direction, py::object edge_types,
             py::object kinds) {
            ReachSpec spec = MakeReachSpec(py::none(), direction, edge_types,
                                           kinds, std::nullopt);
            if (k < 0 || k > std::numeric_limits<uint32_t>::max()) {
              RaiseInvalid("k must be an int in [0, 2^32)");
            }
            auto r = s.Run([&](const Snapshot& snap) {
              return Neighbourhood(snap, key, static_cast<uint32_t>(k), spec);
            });
            return ReachedToPy(r, false);
          },
          py::arg("key"), py::arg("k"), py::arg("direction") = "out",
          py::arg("edge_types") = py::none(), py::arg("kinds") = py::none(),
          "The k-hop neighbourhood of `key` as [(key, depth)].")
      .def(
          "path",
          [](PySnapshot& s, const std::string& a, const std::string& b,
             const std::string& direction, py::object edge_types,
             py::object kinds, std::optional<int64_t> max_depth) {
            ReachSpec spec = MakeReachSpec(py::none(), direction, edge_types,
                                           kinds, max_depth);
            return s.Run([&](const Snapshot& snap) {
              return ShortestPath(snap, a, b, spec);
            });
          },
          py::arg("a"), py::arg("b"), py::arg("direction") = "out",
          py::arg("edge_types") = py::none(), py::arg("kinds") = py::none(),
          py::arg("max_depth") = py::none(),
          "A shortest path from a to b as a list of keys, or None.")
      .def(
          "export",
          [](PySnapshot& s, const std::string& path, const std::string& format,
             std::optional<std::string> list) {
            auto f = io::ParseExportFormat(format);
            if (!f) {
              RaiseInvalid("unknown export format '" + format +
                           "' (jsonl, csv, graphml or dot)");
            }
            io::ExportOptions options;
            options.list = list;
            s.RunStatus([&](const Snapshot& snap) {
              if (list) {  // before any file is written
                if (auto st = CheckList(snap, *list); !st.ok()) return st;
              }
              return io::ExportToPath(snap, *f, path, options);
            });
          },
          py::arg("path"), py::arg("format") = "jsonl",
          py::arg("list") = py::none(),
          "Writes the revision as the CLI's `export` does (byte-identical). "
          "csv: `path` is a directory receiving nodes.csv and edges.csv.")
      .def(
          "to_networkx",
          [](PySnapshot& s) {
            py::module_ nx = py::module_::import("networkx");
            struct All {
              std::vector<Node> nodes;
              std::vector<Edge> edges;
            };
            auto all = s.Run([&](const Snapshot& snap) -> absl::StatusOr<All> {
              auto n = AllNodes(snap);
              if (!n.ok()) return n.status();
              auto e = AllEdges(snap);
              if (!e.ok()) return e.status();
              return All{*std::move(n), *std::move(e)};
            });
            py::object g = nx.attr("MultiDiGraph")();
            g.attr("graph")["revision"] = s.revision();
            g.attr("graph")["digest"] = s.info().digest.ToHex();
            py::list nodes;
            for (const auto& n : all.nodes) {
              py::dict attrs;
              attrs["kind"] = n.kind;
              attrs["names"] = ToPy(n.names);
              attrs["props"] = ToPy(n.props);
              nodes.append(py::make_tuple(n.key, attrs));
            }
            g.attr("add_nodes_from")(nodes);
            py::list edges;
            for (const auto& e : all.edges) {
              py::dict attrs;
              attrs["type"] = e.type;
              attrs["props"] = ToPy(e.props);
              edges.append(py::make_tuple(e.from, e.to, e.type, attrs));
            }
            g.attr("add_edges_from")(edges);
            return g;
          },
          "A networkx.MultiDiGraph: node attributes kind, names, props; edges "
          "keyed by their type, with attributes type, props.")
      .def("close", &PySnapshot::Close,
           "Releases the snapshot (also done when it is garbage collected).")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](PySnapshot& s, py::args) {
             s.Close();
             return false;
           })
      .def("__repr__", [](const PySnapshot& s) {
        std::string tags;
        for (const auto& t : s.info().tags)
          tags += (tags.empty() ? "" : ",") + t;
        return "<critgraph.Snapshot revision=" + std::to_string(s.revision()) +
               (tags.empty() ? "" : " tags=" + tags) +
               " nodes=" + std::to_string(s.info().node_count) +
               " edges=" + std::to_string(s.info().edge_count) + ">";
      });

  DbClass dbcls(
      m, "DB",
      "An open database (critgraph.open). A context manager: leaving the "
      "`with` block closes it. Methods may be called from many threads; the "
      "GIL is released while the database works.");
  dbcls.def_property_readonly("path", &PyDB::path)
      .def_property_readonly("read_only", &PyDB::read_only)
      .def_property_readonly("closed", &PyDB::closed)
      .def_property_readonly(
          "head",
          [](PyDB& d) {
            return d.Run(
                [](DB& db) -> absl::StatusOr<Revision> { return db.Head(); });
          },
          "The newest revision (0 for an empty database).")
      .def(
          "resolve",
          [](PyDB& d, py::object rev) {
            RevSpec spec = RevSpecFromPy(rev);
            return d.Run([&](DB& db) -> absl::StatusOr<Revision> {
              auto r = ResolveRev(db, spec);
              if (!r.ok()) return r;
              if (auto info = db.GetRevision(*r); !info.ok()) {
                return info.status();
              }
              return r;
            });
          },
          py::arg("name"),
          "The revision number of a name: a number, tag, 'HEAD', 'HEAD~N' or "
          "'@YYYY-MM-DD'.")
      .def(
          "log",
          [](PyDB& d) {
            return d.Run(
                [](DB& db) -> absl::StatusOr<std::vector<RevisionInfo>> {
                  return db.Log();
                });
          },
          "Every revision, newest first.")
      .def(
          "revision",
          [](PyDB& d, py::object rev) {
            RevSpec spec = RevSpecFromPy(rev);
            return d.Run([&](DB& db) -> absl::StatusOr<RevisionInfo> {
              auto r = ResolveRev(db, spec);
              if (!r.ok()) return r.status();
              return db.GetRevision(*r);
            });
          },
          py::arg("rev"), "Metadata of one revision (int or name).")
      .def(
          "tag",
          [](PyDB& d, const std::string& name, py::object rev, bool force) {
            RevSpec spec = RevSpecFromPy(rev);
            d.RunStatus([&](DB& db) -> absl::Status {
              auto r = ResolveRev(db, spec);
              if (!r.ok()) return r.status();
              return db.Tag(name, *r, force);
            });
          },
          py::arg("name"), py::arg("rev") = "HEAD", py::arg("force") = false,
          "Tags a revision. InvalidInputError if the tag names another "
          "revision and not force.")
      .def(
          "delete_tag",
          [](PyDB& d, const std::string& name, bool force) {
            d.RunStatus([&](DB& db) -> absl::Status {
              return db.DeleteTag(name, force);
            });
          },
          py::arg("name"), py::arg("force") = false,
          "Deletes a tag. A tag on a revision with an effective date, or on "
          "one other than HEAD, may be cited elsewhere: deleting it needs "
          "force (else critgraph.Error, nothing changes). NotFoundError if "
          "there is no such tag.")
      .def("snapshot", &PyDB::GetSnapshot, py::arg("rev") = "HEAD",
           "A snapshot of a revision (int or name). NotFoundError for an "
           "unknown revision.")
      .def(
          "revision_stat",
          [](PyDB& d, py::object rev) {
            RevSpec spec = RevSpecFromPy(rev);
            auto stat = d.Run([&](DB& db) -> absl::StatusOr<DiffStat> {
              auto r = ResolveRev(db, spec);
              if (!r.ok()) return r.status();
              return RevisionStat(db, *r);
            });
            return StatToPy(stat);
          },
          py::arg("rev"), "What one revision changed, as Diff.stat().")
      .def(
          "verify",
          [](PyDB& d) {
            auto report = d.Run([](DB& db) -> absl::StatusOr<VerifyReport> {
              VerifyReport r;
              auto st = db.Verify(&r);
              if (!st.ok()) return st;
              return r;
            });
            py::dict out;
            out["ok"] = report.ok();
            out["revisions_checked"] = report.revisions_checked;
            out["records_checked"] = report.records_checked;
            out["problems"] = report.problems;
            return out;
          },
          "Recomputes digests and checks every record: {'ok', "
          "'revisions_checked', 'records_checked', 'problems'}.")
      .def(
          "gc",
          [](PyDB& d, bool keep_tags, std::optional<uint64_t> keep_last,
             std::optional<std::string> keep_since, py::object keep,
             bool dry_run) {
            GcRules rules;
            rules.keep_tags = keep_tags;
            rules.keep_last = keep_last;
            rules.keep_since = std::move(keep_since);
            rules.dry_run = dry_run;
            if (!keep.is_none()) {
              // Revision numbers or names, as the CLI's --keep.
              for (py::handle item : keep) {
                rules.keep.push_back(py::str(item).cast<std::string>());
              }
            }
            auto r = d.Run([&](DB& db) -> absl::StatusOr<GcReport> {
              return Gc(db, rules);
            });
            py::dict out;
            out["dry_run"] = r.dry_run;
            out["date"] = r.date;
            out["kept"] = r.kept;
            out["removed"] = r.removed;
            out["tags_removed"] = r.tags_removed;
            out["versions_deleted"] = r.versions_deleted;
            out["bytes_deleted"] = r.bytes_deleted;
            out["sst_bytes_before"] = r.sst_bytes_before;
            out["sst_bytes_after"] = r.sst_bytes_after;
            return out;
          },
          py::arg("keep_tags") = false, py::arg("keep_last") = py::none(),
          py::arg("keep_since") = py::none(), py::arg("keep") = py::none(),
          py::arg("dry_run") = false,
          "Retention (critgraph gc): removes every revision no rule keeps "
          "(0 and HEAD always kept; at least one rule). Returns {'dry_run', "
          "'date', 'kept', 'removed', 'tags_removed', 'versions_deleted', "
          "'bytes_deleted', 'sst_bytes_before', 'sst_bytes_after'}. A removed "
          "revision then raises NotFoundError 'revision 7 was removed by gc "
          "on DATE (kept: ...)'.")
      .def("close", &PyDB::Close,
           "Closes the database: open transactions roll back, snapshots "
           "become unusable, the write lock is released.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](PyDB& d, py::args) {
             d.Close();
             return false;
           })
      .def("__repr__", [](const PyDB& d) {
        return "<critgraph.DB " + d.path() +
               (d.read_only() ? " read-only" : "") +
               (d.closed() ? " closed" : "") + ">";
      });

  m.def(
      "open",
      [](const std::string& path, bool read_only, bool create, bool sync,
         bool follow, bool flush_on_commit) {
        Options options;
        options.create_if_missing = create;
        options.sync = sync;
        options.follow = follow;
        options.flush_on_commit = flush_on_commit;
        read_only = read_only || follow;
        auto db = Unlocked([&]() -> absl::StatusOr<std::unique_ptr<DB>> {
          return read_only ? DB::OpenReadOnly(path, options)
                           : DB::Open(path, options);
        });
        auto h = std::make_shared<DbHandle>();
        h->db = std::move(db);
        return std::make_shared<PyDB>(std::move(h), path, read_only);
      },
      py::arg("path"), py::arg("read_only") = false, py::arg("create") = true,
      py::arg("sync") = true, py::arg("follow") = false,
      py::arg("flush_on_commit") = false,
      "Opens (creating unless create=False or read_only) the database "
      "directory. LockedError if another process has it open for writing. "
      "follow=True opens a read-only follower of a live writer (see "
      "DB.refresh); flush_on_commit=True makes a writer flush every commit "
      "so that followers see it at once.");
  return dbcls;
}

}  // namespace critgraph::python
