// The `critgraph` Python module (pybind11). API: docs/PYTHON.md and
// python/critgraph.pyi.
#include "python/common.h"
#include "python/db_classes.h"

PYBIND11_MODULE(critgraph, m) {
  namespace cp = critgraph::python;
  namespace py = pybind11;
  m.doc() =
      "critgraph: an embedded graph database with immutable revision "
      "snapshots. Start with critgraph.open(path).";
  m.attr("__version__") = CRITGRAPH_VERSION;
  cp::RegisterErrors(m);
  cp::RegisterValues(m);
  auto db = cp::RegisterDb(m);
  cp::RegisterDiff(m, db);
  cp::RegisterTransaction(m, db);
  cp::RegisterHistory(m, db);
  cp::RegisterLists(m, db);
  cp::RegisterBackup(m, db);
  cp::RegisterDrafts(m, db);
  cp::RegisterReport(m);
  cp::RegisterScale(m);
  py::list kinds, types;
  for (const char* k : critgraph::kBuiltinNodeKinds) kinds.append(k);
  for (const char* t : critgraph::kBuiltinEdgeTypes) types.append(t);
  m.attr("BUILTIN_NODE_KINDS") = py::tuple(kinds);
  m.attr("BUILTIN_EDGE_TYPES") = py::tuple(types);
}
