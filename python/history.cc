// DB.history: one node's history as a list of dicts, the entries of the
// CLI's `history --json` (io::HistoryJson, parsed with Python's json
// module), so both have one shape, documented once (docs/FORMATS.md).
#include "critgraph/history.h"

#include "critgraph/io/history_format.h"
#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {

void RegisterHistory(py::module_& m, DbClass& db) {
  (void)m;
  db.def(
      "history",
      [](PyDB& d, const std::string& key, bool edges, bool follow,
         py::object at) {
        RevSpec spec = RevSpecFromPy(at);
        std::string json = d.Run([&](DB& db) -> absl::StatusOr<std::string> {
          auto rev = ResolveRev(db, spec);
          if (!rev.ok()) return rev.status();
          HistoryOptions options{.edges = edges, .follow = follow, .at = *rev};
          auto entries = History(db, key, options);
          if (!entries.ok()) return entries.status();
          return io::HistoryJson(key, *rev, options, *entries);
        });
        py::object doc = py::module_::import("json").attr("loads")(json);
        // A py::object, not the accessor (which refers to `doc`).
        return py::object(doc["history"]);
      },
      py::arg("key"), py::arg("edges") = false, py::arg("follow") = false,
      py::arg("at") = "HEAD",
      "Every change of node `key` up to revision `at` (int or name), newest "
      "first, as dicts (the entries of `critgraph history --json`). "
      "edges=True adds its edges' changes; follow=True the history of what "
      "it supersedes, transitively. NotFoundError if the key has no version "
      "up to `at`.");
}

}  // namespace critgraph::python
