// DB.diff -> Diff, DB.reach_diff -> ReachDiff.
#include "critgraph/draft.h"
#include "critgraph/io/diff_format.h"
#include "critgraph/io/report.h"
#include "critgraph/lists.h"
#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {

namespace {

struct DiffPart {
  py::list added, removed, modified;
};

struct PyDiff {
  DiffResult r;
  std::vector<LineageEvent> lineage;  // DiffLineage(r), computed with r
  DiffPart nodes, edges;
};

// One LineageEvent as the dict of LineageJson's objects, with names as
// {lang: (old, new)}.
py::dict LineageToPy(const LineageEvent& ev) {
  py::dict d;
  d["kind"] = std::string(LineageKindName(ev.kind));
  d["from"] = ev.from;
  d["to"] = ev.to;
  d["via"] = ev.via;
  py::dict names;
  for (const auto& n : ev.names) {
    names[py::str(n.lang)] = py::make_tuple(*n.before, *n.after);
  }
  d["names"] = names;
  d["text"] = io::LineageText(ev);
  return d;
}

std::string Counts(const DiffPart& p) {
  return "added=" + std::to_string(py::len(p.added)) +
         " removed=" + std::to_string(py::len(p.removed)) +
         " modified=" + std::to_string(py::len(p.modified));
}

py::list ReachedPairs(const std::vector<ReachedNode>& v) {
  py::list l;
  for (const auto& n : v) l.append(py::make_tuple(n.key, n.depth));
  return l;
}

py::list DepthChanges(const ReachDiff& d) {
  py::list l;
  for (const auto& c : d.depth_changed) {
    l.append(py::make_tuple(c.key, c.old_depth, c.new_depth));
  }
  return l;
}

}  // namespace

void RegisterDiff(py::module_& m, DbClass& db) {
  py::class_<DiffPart>(m, "DiffPart",
                       "The nodes or the edges of a Diff: added, removed "
                       "(Node or Edge lists) and modified (NodeChange or "
                       "EdgeChange list), each sorted.")
      .def_readonly("added", &DiffPart::added)
      .def_readonly("removed", &DiffPart::removed)
      .def_readonly("modified", &DiffPart::modified)
      .def("__repr__", [](const DiffPart& p) {
        return "<critgraph.DiffPart " + Counts(p) + ">";
      });

  py::class_<PyDiff, std::shared_ptr<PyDiff>>(
      m, "Diff",
      "What changed between two revisions (DB.diff). A plain value: usable "
      "after the database is closed.")
      .def_property_readonly("from_revision",
                             [](const PyDiff& d) { return d.r.from; })
      .def_property_readonly("to_revision",
                             [](const PyDiff& d) { return d.r.to; })
      .def_readonly("nodes", &PyDiff::nodes)
      .def_property_readonly(
          "lineage",
          [](const PyDiff& d) {
            py::list l;
            for (const auto& ev : d.lineage) l.append(LineageToPy(ev));
            return l;
          },
          "Splits, merges and renames between the two revisions (supersedes "
          "edges and names changed under a kept key): a list of dicts "
          "{'kind': 'split'|'merged'|'renamed'|'replaced', 'from': [keys], "
          "'to': [keys], 'via': [keys], 'names': {lang: (old, new)}, 'text': "
          "str}, as in `critgraph diff`; see docs/CLI.md, \"Lineage\".")
      .def_readonly("edges", &PyDiff::edges)
      .def_property_readonly(
          "node_kinds_registered",
          [](const PyDiff& d) { return d.r.node_kinds_registered; })
      .def_property_readonly(
          "edge_types_registered",
          [](const PyDiff& d) { return d.r.edge_types_registered; })
      .def_property_readonly(
          "empty", [](const PyDiff& d) { return d.r.empty(); },
          "No node or edge was added, removed or modified.")
      .def(
          "stat", [](const PyDiff& d) { return StatToPy(d.r.Stat()); },
          "Counts: {'nodes': {'added', 'removed', 'modified'}, 'edges': {...}, "
          "'nodes_by_kind': {kind: {...}}, 'edges_by_type': {type: {...}}}.")
      .def(
          "to_json",
          [](const PyDiff& d) { return io::DiffJson(d.r, d.lineage); },
          "The JSON text of `critgraph diff --format json` (one line).")
      .def(
          "to_dict",
          [](const PyDiff& d) {
            return py::module_::import("json").attr("loads")(
                io::DiffJson(d.r, d.lineage));
          },
          "json.loads(to_json()).")
      .def(
          "to_jsonl", [](const PyDiff& d) { return io::DiffPatchLines(d.r); },
          "The patch as change-stream lines (each ending in a newline), "
          "without a commit line; see docs/FORMATS.md.")
      .def(
          "_repr_html_",
          [](const PyDiff& d) {
            return io::DiffHtmlFragment(d.r, d.lineage,
                                        "revision " + std::to_string(d.r.from),
                                        "revision " + std::to_string(d.r.to));
          },
          "HTML for Jupyter: counts, lineage, changed entries with English "
          "and Japanese names (as `critgraph diff --format html`).")
      .def("__repr__", [](const PyDiff& d) {
        return "<critgraph.Diff " + std::to_string(d.r.from) + ".." +
               std::to_string(d.r.to) + " nodes: " + Counts(d.nodes) +
               "; edges: " + Counts(d.edges) + ">";
      });

  py::class_<ReachDiff>(m, "ReachDiff",
                        "How the nodes reachable from some sources changed "
                        "between two revisions (DB.reach_diff).")
      .def_property_readonly(
          "entered", [](const ReachDiff& d) { return ReachedPairs(d.entered); },
          "[(key, depth at b)] reached at b but not at a, by (depth, key)")
      .def_property_readonly(
          "left", [](const ReachDiff& d) { return ReachedPairs(d.left); },
          "[(key, depth at a)] reached at a but not at b, by (depth, key)")
      .def_property_readonly(
          "depth_changed", [](const ReachDiff& d) { return DepthChanges(d); },
          "[(key, old_depth, new_depth)] by key")
      .def_property_readonly("empty", &ReachDiff::empty)
      .def("to_dict",
           [](const ReachDiff& d) {
             py::dict out;
             out["entered"] = ReachedPairs(d.entered);
             out["left"] = ReachedPairs(d.left);
             out["depth_changed"] = DepthChanges(d);
             return out;
           })
      .def("__repr__", [](const ReachDiff& d) {
        return "<critgraph.ReachDiff entered=" +
               std::to_string(d.entered.size()) +
               " left=" + std::to_string(d.left.size()) +
               " depth_changed=" + std::to_string(d.depth_changed.size()) + ">";
      });

  db.def(
      "diff",
      [](PyDB& d, py::object a, py::object b, std::optional<std::string> scope,
         const std::string& direction, py::object edge_types,
         std::optional<int64_t> max_depth, std::optional<std::string> list) {
        RevSpec ra = RevSpecFromPy(a), rb = RevSpecFromPy(b);
        DiffOptions options;
        options.scope_root = scope;
        options.direction = DirectionFromPy(direction);
        options.edge_types = StrList(edge_types, "edge_types");
        options.max_depth = DepthFromPy(max_depth);
        auto out = std::make_shared<PyDiff>();
        if (list) {  // the list's entries (critgraph/lists.h)
          if (scope || direction != "out" || !edge_types.is_none() ||
              max_depth) {
            RaiseInvalid(
                "list= takes no scope, direction, edge_types or max_depth");
          }
          options = ListDiffOptions(*list);
        }
        // A draft on either side: DiffNamed, which reads the draft's own
        // database. Numbers become names ("7" resolves to revision 7).
        const bool drafts = DraftName(ra.name) || DraftName(rb.name);
        auto name_of = [](const RevSpec& s) {
          return s.number ? std::to_string(*s.number) : s.name;
        };
        auto r = d.Run([&](DB& db) -> absl::StatusOr<DiffResult> {
          if (drafts) {
            const std::string an = name_of(ra), bn = name_of(rb);
            if (list) {
              auto sa = db.GetSnapshot(an);
              if (!sa.ok()) return sa.status();
              auto sb = db.GetSnapshot(bn);
              if (!sb.ok()) return sb.status();
              auto st = CheckListAtEither(**sa, **sb, *list);
              if (!st.ok()) return st;
            }
            // No lineage: DiffLineage reads both revisions in `db`, and a
            // draft's revision numbers are its own database's.
            return DiffNamed(db, an, bn, options);
          }
          auto from = ResolveRev(db, ra);
          if (!from.ok()) return from.status();
          auto to = ResolveRev(db, rb);
          if (!to.ok()) return to.status();
          if (list) {
            auto sa = db.GetSnapshot(*from);
            if (!sa.ok()) return sa.status();
            auto sb = db.GetSnapshot(*to);
            if (!sb.ok()) return sb.status();
            auto st = CheckListAtEither(**sa, **sb, *list);
            if (!st.ok()) return st;
          }
          auto diff = Diff(db, *from, *to, options);
          if (!diff.ok()) return diff.status();
          auto lineage = DiffLineage(db, *diff, options);
          if (!lineage.ok()) return lineage.status();
          out->lineage = *std::move(lineage);
          return diff;
        });
        out->r = std::move(r);
        for (const auto& n : out->r.nodes_added) out->nodes.added.append(n);
        for (const auto& n : out->r.nodes_removed) out->nodes.removed.append(n);
        for (const auto& c : out->r.nodes_modified) {
          out->nodes.modified.append(c);
        }
        for (const auto& e : out->r.edges_added) out->edges.added.append(e);
        for (const auto& e : out->r.edges_removed) out->edges.removed.append(e);
        for (const auto& c : out->r.edges_modified) {
          out->edges.modified.append(c);
        }
        return out;
      },
      py::arg("a"), py::arg("b"), py::arg("scope") = py::none(),
      py::arg("direction") = "out", py::arg("edge_types") = py::none(),
      py::arg("max_depth") = py::none(), py::arg("list") = py::none(),
      "The diff from revision a to revision b (ints or names). With scope, "
      "only the subgraph reachable from that root (direction, edge_types, "
      "max_depth) at each end. With list, only that list's entries (= "
      "scope=list, direction='in', edge_types=['part_of']). Either side may "
      "be a draft, 'draft:NAME' (then from_revision/to_revision are the "
      "sides' revisions in their own databases, and lineage is empty).");

  db.def(
      "reach_diff",
      [](PyDB& d, py::object a, py::object b, py::object sources,
         const std::string& direction, py::object edge_types, py::object kinds,
         std::optional<int64_t> max_depth) {
        RevSpec ra = RevSpecFromPy(a), rb = RevSpecFromPy(b);
        ReachSpec spec =
            MakeReachSpec(sources, direction, edge_types, kinds, max_depth);
        return d.Run([&](DB& db) -> absl::StatusOr<ReachDiff> {
          auto from = ResolveRev(db, ra);
          if (!from.ok()) return from.status();
          auto to = ResolveRev(db, rb);
          if (!to.ok()) return to.status();
          auto sa = db.GetSnapshot(*from);
          if (!sa.ok()) return sa.status();
          auto sb = db.GetSnapshot(*to);
          if (!sb.ok()) return sb.status();
          return DiffReach(**sa, **sb, spec);
        });
      },
      py::arg("a"), py::arg("b"), py::arg("sources"),
      py::arg("direction") = "out", py::arg("edge_types") = py::none(),
      py::arg("kinds") = py::none(), py::arg("max_depth") = py::none(),
      "How reach(sources, ...) changed from revision a to revision b.");
}

}  // namespace critgraph::python
