// Lists, crosswalks and find: Snapshot.find, Snapshot.crosswalk,
// Snapshot.list_entries, Snapshot.stats, DB.lists, DB.list_changes. The
// engine (critgraph/lists.h, critgraph/find.h) and io/ (crosswalk.h) do
// the work; this file only converts.
#include "critgraph/lists.h"

#include "critgraph/find.h"
#include "critgraph/io/crosswalk.h"
#include "critgraph/io/json_out.h"
#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {

namespace {

py::dict CountsToPy(const std::map<std::string, uint64_t>& counts) {
  py::dict d;
  for (const auto& [name, n] : counts) d[py::str(name)] = n;
  return d;
}

// A list of dicts, or a pandas DataFrame of them when `dataframe` is true,
// or None (auto) and pandas can be imported.
py::object Table(py::list rows, py::object dataframe) {
  bool want = false;
  py::object pandas;
  if (dataframe.is_none()) {
    try {
      pandas = py::module_::import("pandas");
      want = true;
    } catch (const py::error_already_set&) {
      want = false;
    }
  } else if (dataframe.cast<bool>()) {
    pandas = py::module_::import("pandas");  // ImportError if missing
    want = true;
  }
  if (!want) return rows;
  return pandas.attr("DataFrame")(rows);
}

}  // namespace

void RegisterLists(py::module_& m, DbClass& db) {
  auto snap = py::reinterpret_borrow<SnapshotClass>(m.attr("Snapshot"));
  snap.def(
          "find",
          [](PySnapshot& s, const std::string& text,
             std::optional<std::string> kind, std::optional<std::string> list) {
            FindOptions options{text, kind, list};
            auto found = s.Run(
                [&](const Snapshot& snap) { return Find(snap, options); });
            py::list out;
            for (const FindMatch& f : found) {
              py::dict d;
              d["key"] = f.node.key;
              d["kind"] = f.node.kind;
              d["names"] = ToPy(f.node.names);
              d["props"] = ToPy(f.node.props);
              d["matched"] = f.matched;
              out.append(d);
            }
            return out;
          },
          py::arg("text") = "", py::arg("kind") = py::none(),
          py::arg("list") = py::none(),
          "Nodes whose key or any name contains `text`, ignoring case (as "
          "`critgraph find`): [{'key', 'kind', 'names', 'props', 'matched'}] "
          "by key; 'matched' lists 'key' and/or 'name:<lang>'.")
      .def(
          "list_entries",
          [](PySnapshot& s, const std::string& list) {
            auto entries = s.Run(
                [&](const Snapshot& snap) { return ListEntries(snap, list); });
            py::list out;
            for (const ReachedNode& n : entries) {
              out.append(py::make_tuple(n.key, n.depth, *n.parent));
            }
            return out;
          },
          py::arg("list"),
          "The entries of a list (nodes reaching it over part_of, "
          "transitively) as [(key, depth, parent)] by (depth, key).")
      .def(
          "stats",
          [](PySnapshot& s, std::optional<std::string> list) {
            auto counts = s.Run(
                [&](const Snapshot& snap) -> absl::StatusOr<TypeCountsByName> {
                  if (list) return CountByTypeInList(snap, *list);
                  return CountByType(snap);
                });
            uint64_t nodes = 0, edges = 0;
            for (const auto& [k, n] : counts.nodes_by_kind) nodes += n;
            for (const auto& [t, n] : counts.edges_by_type) edges += n;
            py::dict d;
            d["revision"] = s.revision();
            d["nodes"] = nodes;
            d["edges"] = edges;
            if (list) {
              d["list"] = *list;
              d["entries"] = nodes - 1;
            }
            d["nodes_by_kind"] = CountsToPy(counts.nodes_by_kind);
            d["edges_by_type"] = CountsToPy(counts.edges_by_type);
            return d;
          },
          py::arg("list") = py::none(),
          "Counts by node kind and edge type (as `critgraph stats --json`); "
          "with list, of that list's scope (the list, its entries, the edges "
          "between them).")
      .def(
          "crosswalk",
          [](PySnapshot& s, const std::string& list_a,
             std::optional<std::string> list_b, py::object edge_types, bool all,
             py::object dataframe) {
            io::CrosswalkOptions options;
            if (!edge_types.is_none()) {
              options.edge_types = StrList(edge_types, "edge_types");
              if (options.edge_types.empty()) {
                RaiseInvalid("edge_types wants at least one type");
              }
            }
            if (all == list_b.has_value()) {
              RaiseInvalid("give list_b or all=True");
            }
            py::list rows;
            if (all) {
              auto m = s.Run([&](const Snapshot& snap) {
                return io::CrosswalkAll(snap, list_a, options);
              });
              for (const io::CrosswalkMatrixRow& r : m.rows) {
                py::dict d;
                d["list_a"] = m.list_a;
                d["entries_a"] = m.entries_a;
                d["list_b"] = r.list_b;
                d["entries_b"] = r.entries_b;
                d["links"] = r.links;
                d["mapped_a"] = r.mapped_a;
                d["mapped_b"] = r.mapped_b;
                rows.append(d);
              }
              return Table(rows, dataframe);
            }
            auto t = s.Run([&](const Snapshot& snap) {
              return io::Crosswalk(snap, list_a, *list_b, options);
            });
            for (const io::CrosswalkFlatRow& r : io::FlattenCrosswalk(t)) {
              py::dict d;
              d["a_key"] = r.a_key;
              d["a_name"] = r.a_name;
              d["b_key"] = r.b_key;
              d["b_name"] = r.b_name;
              d["type"] = r.type;
              d["direction"] = r.direction;
              d["relation"] = r.relation;
              d["confidence"] = r.confidence;
              rows.append(d);
            }
            return Table(rows, dataframe);
          },
          py::arg("list_a"), py::arg("list_b") = py::none(),
          py::arg("edge_types") = py::none(), py::arg("all") = false,
          py::arg("dataframe") = py::none(),
          "The crosswalk table of `critgraph crosswalk` as rows (one per "
          "link, then unmapped entries of A, then of B): a pandas DataFrame "
          "when pandas is importable (dataframe=None) or asked for "
          "(dataframe=True), else a list of dicts. all=True: the counts of "
          "list_a against every other list.")
      .def(
          "crosswalk_json",
          [](PySnapshot& s, const std::string& list_a,
             const std::string& list_b, py::object edge_types) {
            io::CrosswalkOptions options;
            if (!edge_types.is_none()) {
              options.edge_types = StrList(edge_types, "edge_types");
            }
            auto t = s.Run([&](const Snapshot& snap) {
              return io::Crosswalk(snap, list_a, list_b, options);
            });
            return io::CrosswalkJson(t);
          },
          py::arg("list_a"), py::arg("list_b"),
          py::arg("edge_types") = py::none(),
          "The JSON of `critgraph crosswalk A B --format json` (one line).");

  db.def(
        "lists",
        [](PyDB& d, py::object rev) {
          RevSpec spec = RevSpecFromPy(rev);
          auto lists =
              d.Run([&](DB& db) -> absl::StatusOr<std::vector<ListSummary>> {
                auto r = ResolveRev(db, spec);
                if (!r.ok()) return r.status();
                auto snap = db.GetSnapshot(*r);
                if (!snap.ok()) return snap.status();
                return ListSummaries(db, **snap);
              });
          py::list out;
          for (const ListSummary& l : lists) {
            py::dict e;
            e["key"] = l.key;
            e["names"] = ToPy(l.node.names);
            e["entries"] = l.entries;
            e["entries_by_kind"] = CountsToPy(l.entries_by_kind);
            e["last_change"] = l.last_change;
            out.append(e);
          }
          return out;
        },
        py::arg("rev") = "HEAD",
        "Every list at a revision (as `critgraph lists --json`): [{'key', "
        "'names', 'entries', 'entries_by_kind', 'last_change'}] by key.")
      .def(
          "list_changes",
          [](PyDB& d, const std::string& list) {
            return d.Run(
                [&](DB& db) { return RevisionsChangingList(db, list); });
          },
          py::arg("list"),
          "The revisions that changed a list (its entries, an entry, or the "
          "list itself), ascending: what `critgraph log --list` shows.");
}

}  // namespace critgraph::python
