// critgraph.report(db, ...) and Snapshot.crosswalk_table -> CrosswalkTable
// (with _repr_html_ for Jupyter). The report is io/'s (critgraph/io/report.h),
// the same code as `critgraph report`.
#include "critgraph/io/report.h"

#include <fstream>

#include "critgraph/io/crosswalk.h"
#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {

namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) RaiseInvalid("cannot write " + path);
}

}  // namespace

void RegisterReport(py::module_& m) {
  m.def(
      "report",
      [](PyDB& d, py::object at, py::object lists, std::string since,
         std::optional<std::string> out) {
        RevSpec spec;
        spec.name = "HEAD";
        if (!at.is_none()) spec = RevSpecFromPy(at);
        io::ReportOptions options;
        options.lists = StrList(lists, "lists");
        options.since = since;
        std::string html = d.Run([&](DB& db) -> absl::StatusOr<std::string> {
          auto rev = ResolveRev(db, spec);
          if (!rev.ok()) return rev.status();
          io::ReportOptions o = options;
          o.at = *rev;
          return io::ReportHtml(db, o);
        });
        if (out) WriteText(*out, html);
        return html;
      },
      py::arg("db"), py::arg("at") = py::none(), py::arg("lists") = py::none(),
      py::arg("since") = "", py::arg("out") = py::none(),
      "The HTML report of `critgraph report` (docs/REPORT.md) as a str; "
      "written to `out` too when given. In Jupyter: "
      "IPython.display.HTML(critgraph.report(db)).");

  py::class_<io::CrosswalkTable>(
      m, "CrosswalkTable",
      "One crosswalk table (Snapshot.crosswalk_table); shows as an HTML "
      "table in Jupyter, unmapped entries highlighted.")
      .def_readonly("list_a", &io::CrosswalkTable::list_a)
      .def_readonly("list_b", &io::CrosswalkTable::list_b)
      .def_readonly("revision", &io::CrosswalkTable::revision)
      .def_readonly("links", &io::CrosswalkTable::links)
      .def_readonly("entries_a", &io::CrosswalkTable::entries_a)
      .def_readonly("entries_b", &io::CrosswalkTable::entries_b)
      .def_readonly("mapped_a", &io::CrosswalkTable::mapped_a)
      .def_readonly("mapped_b", &io::CrosswalkTable::mapped_b)
      .def("to_json",
           [](const io::CrosswalkTable& t) { return io::CrosswalkJson(t); })
      .def("_repr_html_",
           [](const io::CrosswalkTable& t) {
             return io::CrosswalkHtmlFragment(t);
           })
      .def("__repr__", [](const io::CrosswalkTable& t) {
        return "<critgraph.CrosswalkTable " + t.list_a + " x " + t.list_b +
               " links=" + std::to_string(t.links) + ">";
      });

  auto snap = py::reinterpret_borrow<SnapshotClass>(m.attr("Snapshot"));
  snap.def(
      "crosswalk_table",
      [](PySnapshot& s, const std::string& list_a, const std::string& list_b,
         py::object edge_types) {
        io::CrosswalkOptions options;
        if (!edge_types.is_none()) {
          options.edge_types = StrList(edge_types, "edge_types");
        }
        return s.Run([&](const Snapshot& snap) {
          return io::Crosswalk(snap, list_a, list_b, options);
        });
      },
      py::arg("list_a"), py::arg("list_b"), py::arg("edge_types") = py::none(),
      "The crosswalk of `critgraph crosswalk A B` as a CrosswalkTable.");
}

}  // namespace critgraph::python
