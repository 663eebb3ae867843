// Scale-out support: Partition (critgraph/partition.h), the in-memory
// AdjacencySnapshot, and the critgraph.dask submodule, whose Python source
// (python/critgraph_dask.py) is compiled into this extension.
#include <pybind11/eval.h>

#include <map>

#include "critgraph/adjacency.h"
#include "critgraph/partition.h"
#include "python/common.h"
#include "python/dask_source.h"
#include "python/db_classes.h"

namespace critgraph::python {
namespace {

// An AdjacencySnapshot owns its data and outlives the DB it was built from.
struct PyAdjacency {
  std::unique_ptr<AdjacencySnapshot> adj;
  Revision revision = 0;
};

py::object PartitionFromText(const std::string& text) {
  auto p = Partition::Parse(text);
  if (!p.ok()) Raise(p.status());
  return py::cast(*std::move(p));
}

}  // namespace

void RegisterScale(py::module_& m) {
  py::class_<Partition>(
      m, "Partition",
      "One part of a revision split by Snapshot.partitions(n): a database "
      "path, a revision and a node-id range. Picklable (its text form), so "
      "it can be shipped to another process, which opens the database "
      "read-only and reads it with Snapshot.partition_nodes/edges.")
      .def_readonly("db_path", &Partition::db_path)
      .def_readonly("revision", &Partition::revision)
      .def_readonly("first_id", &Partition::first_id)
      .def_readonly("end_id", &Partition::end_id)
      .def_readonly("index", &Partition::index)
      .def_readonly("count", &Partition::count)
      .def("serialize", &Partition::Serialize,
           "One line of text: 'critgraph-partition/1 REV FIRST END INDEX "
           "COUNT PATH'.")
      .def_static("parse", &PartitionFromText, py::arg("text"),
                  "The Partition serialize() wrote; InvalidArgumentError "
                  "otherwise.")
      .def(py::pickle(
          [](const Partition& p) { return py::make_tuple(p.Serialize()); },
          [](py::tuple t) {
            if (t.size() != 1) RaiseInvalid("bad pickled Partition");
            auto p = Partition::Parse(t[0].cast<std::string>());
            if (!p.ok()) Raise(p.status());
            return *std::move(p);
          }))
      .def("__eq__",
           [](const Partition& a, const Partition& b) { return a == b; })
      .def("__hash__",
           [](const Partition& p) { return py::hash(py::str(p.Serialize())); })
      .def("__repr__", [](const Partition& p) {
        return "Partition(" + std::to_string(p.index) + "/" +
               std::to_string(p.count) +
               ", revision=" + std::to_string(p.revision) + ", ids=[" +
               std::to_string(p.first_id) + ", " + std::to_string(p.end_id) +
               "), db_path=" +
               py::repr(py::str(p.db_path)).cast<std::string>() + ")";
      });

  py::class_<PyAdjacency, std::shared_ptr<PyAdjacency>>(
      m, "Adjacency",
      "An in-memory adjacency (CSR) of one revision, built by "
      "Snapshot.adjacency(). Independent of the database once built: it "
      "stays usable after the snapshot or the database is closed.")
      .def_property_readonly("revision",
                             [](const PyAdjacency& a) { return a.revision; })
      .def_property_readonly(
          "node_count",
          [](const PyAdjacency& a) { return a.adj->node_count(); })
      .def_property_readonly(
          "edge_count",
          [](const PyAdjacency& a) { return a.adj->edge_count(); })
      .def(
          "reach",
          [](const PyAdjacency& a, py::object sources,
             const std::string& direction, py::object edge_types,
             py::object kinds, std::optional<int64_t> max_depth, bool parents) {
            ReachSpec spec =
                MakeReachSpec(sources, direction, edge_types, kinds, max_depth);
            auto r = Unlocked([&] { return Reach(*a.adj, spec); });
            return ReachedToPy(r, parents);
          },
          py::arg("sources"), py::arg("direction") = "out",
          py::arg("edge_types") = py::none(), py::arg("kinds") = py::none(),
          py::arg("max_depth") = py::none(), py::arg("parents") = false,
          "As Snapshot.reach, in memory.")
      .def(
          "reach_many",
          [](const PyAdjacency& a, py::iterable sources_list,
             const std::string& direction, py::object edge_types,
             py::object kinds, std::optional<int64_t> max_depth, int threads) {
            std::vector<ReachSpec> specs = MakeReachSpecs(
                sources_list, direction, edge_types, kinds, max_depth);
            if (threads < 0) RaiseInvalid("threads must be >= 0");
            auto r =
                Unlocked([&] { return ReachMany(*a.adj, specs, threads); });
            return ReachManyToPy(r);
          },
          py::arg("sources_list"), py::arg("direction") = "out",
          py::arg("edge_types") = py::none(), py::arg("kinds") = py::none(),
          py::arg("max_depth") = py::none(), py::arg("threads") = 0,
          "As Snapshot.reach_many, in memory: [[(key, depth)]] in the order "
          "of `sources_list`.");

  auto snap = py::reinterpret_borrow<SnapshotClass>(m.attr("Snapshot"));
  snap.def(
          "partitions",
          [](PySnapshot& s, int n) {
            return s.Run(
                [&](const Snapshot& snap) { return snap.Partitions(n); });
          },
          py::arg("n"),
          "Splits this revision into n Partitions of about equal stored "
          "size (node-id ranges); their union is exactly the revision.")
      .def(
          "partition_nodes",
          [](PySnapshot& s, const Partition& part) {
            auto nodes = s.Run(
                [&](const Snapshot& snap) -> absl::StatusOr<std::vector<Node>> {
                  std::vector<Node> out;
                  absl::Status st =
                      ScanPartitionNodes(snap, part, [&](const Node& n) {
                        out.push_back(n);
                        return absl::OkStatus();
                      });
                  if (!st.ok()) return st;
                  return out;
                });
            py::list out;
            for (Node& n : nodes) {
              out.append(
                  py::make_tuple(n.key, n.kind, ToPy(n.names), ToPy(n.props)));
            }
            return out;
          },
          py::arg("part"),
          "The nodes of `part` alive at this revision as [(key, kind, "
          "names, props)], in id order. The snapshot must be of "
          "part.revision.")
      .def(
          "partition_edges",
          [](PySnapshot& s, const Partition& part, bool columns) -> py::object {
            auto edges = s.Run(
                [&](const Snapshot& snap) -> absl::StatusOr<std::vector<Edge>> {
                  std::vector<Edge> out;
                  absl::Status st =
                      ScanPartitionEdges(snap, part, [&](const Edge& e) {
                        out.push_back(e);
                        return absl::OkStatus();
                      });
                  if (!st.ok()) return st;
                  return out;
                });
            if (!columns) {
              py::list out;
              for (Edge& e : edges) {
                out.append(py::make_tuple(e.from, e.type, e.to, ToPy(e.props)));
              }
              return out;
            }
            // Columns, with one str object per distinct type and per run of
            // edges from the same node: most of the cost here is creating
            // Python objects.
            py::list from(edges.size()), type(edges.size()), to(edges.size()),
                props(edges.size());
            std::map<std::string, py::str> types;
            py::str last_from;
            for (size_t i = 0; i < edges.size(); ++i) {
              Edge& e = edges[i];
              if (i == 0 || e.from != edges[i - 1].from) {
                last_from = py::str(e.from);
              }
              from[i] = last_from;
              auto t = types.find(e.type);
              if (t == types.end())
                t = types.emplace(e.type, py::str(e.type)).first;
              type[i] = t->second;
              to[i] = py::str(e.to);
              props[i] = ToPy(e.props);
            }
            py::dict out;
            out["from"] = from;
            out["type"] = type;
            out["to"] = to;
            out["props"] = props;
            return out;
          },
          py::arg("part"), py::arg("columns") = false,
          "The out-edges of `part`'s nodes alive at this revision as "
          "[(from, type, to, props)]; with columns=True as a dict of four "
          "equally long lists (keys from, type, to, props), which builds a "
          "pandas DataFrame faster.")
      .def(
          "adjacency",
          [](PySnapshot& s) {
            auto adj = s.Run([](const Snapshot& snap) {
              return AdjacencySnapshot::Build(snap);
            });
            auto out = std::make_shared<PyAdjacency>();
            out->adj = std::move(adj);
            out->revision = s.revision();
            return out;
          },
          "Builds the in-memory Adjacency of this revision (one pass over "
          "its nodes, keys and out-edges).");

  // critgraph.dask: registered in sys.modules so that `import critgraph.dask`
  // finds it; dask itself is imported only when its functions run.
  py::module_ dask = m.def_submodule(
      "dask", "Dask dataframes and cluster jobs over a critgraph database.");
  py::dict globals = dask.attr("__dict__");
  globals["__builtins__"] = py::module_::import("builtins");
  py::exec(py::str(std::string(DaskSource())), globals);
  py::module_::import("sys").attr("modules")["critgraph.dask"] = dask;
}

}  // namespace critgraph::python
