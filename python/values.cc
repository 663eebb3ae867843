// Value classes: Node and Edge (read-only mappings), RevisionInfo,
// NodeChange and EdgeChange.
#include <ctime>
#include <map>

#include "python/common.h"

namespace critgraph::python {

namespace {

const char* const kNodeFields[] = {"key", "kind", "names", "props"};
const char* const kEdgeFields[] = {"from", "type", "to", "props"};

py::object NodeField(const Node& n, const std::string& f) {
  if (f == "key") return py::str(n.key);
  if (f == "kind") return py::str(n.kind);
  if (f == "names") return ToPy(n.names);
  if (f == "props") return ToPy(n.props);
  throw py::key_error(f);
}

py::object EdgeField(const Edge& e, const std::string& f) {
  if (f == "from") return py::str(e.from);
  if (f == "type") return py::str(e.type);
  if (f == "to") return py::str(e.to);
  if (f == "props") return ToPy(e.props);
  throw py::key_error(f);
}

std::string Repr(py::handle h) { return py::repr(h).cast<std::string>(); }

py::dict NodeDict(const Node& n) {
  py::dict d;
  for (const char* f : kNodeFields) d[f] = NodeField(n, f);
  return d;
}

py::dict EdgeDict(const Edge& e) {
  py::dict d;
  for (const char* f : kEdgeFields) d[f] = EdgeField(e, f);
  return d;
}

// The mapping protocol shared by Node and Edge.
template <typename T, typename Field, size_t N>
void AddMapping(py::class_<T>& cls, const char* const (&fields)[N],
                Field field) {
  cls.def("__getitem__",
          [field](const T& v, const std::string& f) { return field(v, f); })
      .def("__len__", [](const T&) { return N; })
      .def("__iter__",
           [fields](const T&) {
             py::list l;
             for (const char* f : fields) l.append(f);
             return py::iter(l);
           })
      .def("__contains__",
           [fields](const T&, py::handle k) {
             if (!py::isinstance<py::str>(k)) return false;
             std::string s = k.cast<std::string>();
             for (const char* f : fields) {
               if (s == f) return true;
             }
             return false;
           })
      .def("keys",
           [fields](const T&) {
             py::list l;
             for (const char* f : fields) l.append(f);
             return l;
           })
      .def("values",
           [fields, field](const T& v) {
             py::list l;
             for (const char* f : fields) l.append(field(v, f));
             return l;
           })
      .def("items",
           [fields, field](const T& v) {
             py::list l;
             for (const char* f : fields)
               l.append(py::make_tuple(f, field(v, f)));
             return l;
           })
      .def(
          "get",
          [fields, field](const T& v, const std::string& f,
                          py::object dflt) -> py::object {
            for (const char* x : fields) {
              if (f == x) return field(v, f);
            }
            return dflt;
          },
          py::arg("key"), py::arg("default") = py::none());
}

py::object ChangePairs(const std::vector<PropertyChange>& changes) {
  py::dict d;
  for (const auto& c : changes) {
    d[py::str(c.name)] = py::make_tuple(c.before ? ToPy(*c.before) : py::none(),
                                        c.after ? ToPy(*c.after) : py::none());
  }
  return d;
}

// Per-type counts as a dict, or None when the revision does not store them.
py::object OptCounts(
    const std::optional<std::map<std::string, uint64_t>>& counts) {
  if (!counts) return py::none();
  py::dict d;
  for (const auto& [name, n] : *counts) d[py::str(name)] = n;
  return d;
}

py::object OptStr(const std::optional<std::string>& s) {
  return s ? py::object(py::str(*s)) : py::object(py::none());
}

}  // namespace

void RegisterValues(py::module_& m) {
  py::module_ abc = py::module_::import("collections.abc");

  py::class_<Node> node(m, "Node",
                        "A node at one revision: a read-only mapping with the "
                        "keys 'key', 'kind', 'names', 'props' (also "
                        "attributes). names and props are fresh dicts.");
  node.def_property_readonly("key", [](const Node& n) { return n.key; })
      .def_property_readonly("kind", [](const Node& n) { return n.kind; })
      .def_property_readonly("names",
                             [](const Node& n) { return ToPy(n.names); })
      .def_property_readonly("props",
                             [](const Node& n) { return ToPy(n.props); })
      .def(
          "name",
          [](const Node& n, const std::string& lang) -> py::object {
            auto it = n.names.find(lang);
            if (it == n.names.end()) return py::none();
            return py::str(it->second);
          },
          py::arg("lang") = "en", "The name in `lang`, or None.")
      .def("to_dict", [](const Node& n) { return NodeDict(n); })
      .def("__eq__",
           [](const Node& a, py::object b) -> py::object {
             if (py::isinstance<Node>(b))
               return py::bool_(a == b.cast<const Node&>());
             if (py::isinstance<py::dict>(b))
               return NodeDict(a).equal(b) ? py::bool_(true) : py::bool_(false);
             return py::reinterpret_borrow<py::object>(Py_NotImplemented);
           })
      .def("__hash__", [](const Node& n) { return py::hash(py::str(n.key)); })
      .def("__repr__", [](const Node& n) {
        return "Node(key=" + Repr(py::str(n.key)) +
               ", kind=" + Repr(py::str(n.kind)) +
               ", names=" + Repr(ToPy(n.names)) +
               ", props=" + Repr(ToPy(n.props)) + ")";
      });
  AddMapping(node, kNodeFields, NodeField);
  abc.attr("Mapping").attr("register")(node);

  py::class_<Edge> edge(m, "Edge",
                        "An edge at one revision: a read-only mapping with the "
                        "keys 'from', 'type', 'to', 'props'; attributes "
                        "from_key, type, to_key, props, id.");
  edge.def_property_readonly("from_key", [](const Edge& e) { return e.from; })
      .def_property_readonly("type", [](const Edge& e) { return e.type; })
      .def_property_readonly("to_key", [](const Edge& e) { return e.to; })
      .def_property_readonly("props",
                             [](const Edge& e) { return ToPy(e.props); })
      .def_property_readonly(
          "id",
          [](const Edge& e) { return py::make_tuple(e.from, e.type, e.to); },
          "(from_key, type, to_key)")
      .def("to_dict", [](const Edge& e) { return EdgeDict(e); })
      .def("__eq__",
           [](const Edge& a, py::object b) -> py::object {
             if (py::isinstance<Edge>(b))
               return py::bool_(a == b.cast<const Edge&>());
             if (py::isinstance<py::dict>(b))
               return EdgeDict(a).equal(b) ? py::bool_(true) : py::bool_(false);
             return py::reinterpret_borrow<py::object>(Py_NotImplemented);
           })
      .def("__hash__",
           [](const Edge& e) {
             return py::hash(py::make_tuple(e.from, e.type, e.to));
           })
      .def("__repr__", [](const Edge& e) {
        return "Edge(" + Repr(py::str(e.from)) + " -" + e.type + "-> " +
               Repr(py::str(e.to)) + ", props=" + Repr(ToPy(e.props)) + ")";
      });
  AddMapping(edge, kEdgeFields, EdgeField);
  abc.attr("Mapping").attr("register")(edge);

  py::class_<RevisionInfo>(m, "RevisionInfo",
                           "Metadata of one committed revision.")
      .def_readonly("number", &RevisionInfo::number)
      .def_readonly("parent", &RevisionInfo::parent)
      .def_readonly("commit_time_micros", &RevisionInfo::commit_time_micros)
      .def_property_readonly(
          "commit_time",
          [](const RevisionInfo& r) {
            py::module_ dt = py::module_::import("datetime");
            py::object utc = dt.attr("timezone").attr("utc");
            return dt.attr("datetime")
                .attr("fromtimestamp")(0, utc)
                .attr("__add__")(dt.attr("timedelta")(
                    py::arg("microseconds") = r.commit_time_micros));
          },
          "commit_time_micros as a timezone-aware UTC datetime")
      .def_readonly("author", &RevisionInfo::author)
      .def_readonly("message", &RevisionInfo::message)
      .def_property_readonly(
          "effective_date",
          [](const RevisionInfo& r) { return OptStr(r.effective_date); })
      .def_readonly("tags", &RevisionInfo::tags)
      .def_readonly("backdated", &RevisionInfo::backdated,
                    "effective_date is earlier than that of a revision below")
      .def_property_readonly(
          "digest", [](const RevisionInfo& r) { return r.digest.ToHex(); })
      .def_readonly("node_count", &RevisionInfo::node_count)
      .def_readonly("edge_count", &RevisionInfo::edge_count)
      .def_readonly("change_count", &RevisionInfo::change_count)
      .def_property_readonly(
          "nodes_by_kind",
          [](const RevisionInfo& r) { return OptCounts(r.nodes_by_kind); },
          "live nodes per kind at this revision (None if not stored)")
      .def_property_readonly(
          "edges_by_type",
          [](const RevisionInfo& r) { return OptCounts(r.edges_by_type); },
          "live edges per edge type at this revision (None if not stored)")
      .def("to_dict",
           [](const RevisionInfo& r) {
             py::dict d;
             d["number"] = r.number;
             d["parent"] = r.parent;
             d["commit_time_micros"] = r.commit_time_micros;
             d["author"] = r.author;
             d["message"] = r.message;
             d["effective_date"] = OptStr(r.effective_date);
             d["tags"] = r.tags;
             d["backdated"] = r.backdated;
             d["digest"] = r.digest.ToHex();
             d["node_count"] = r.node_count;
             d["edge_count"] = r.edge_count;
             d["change_count"] = r.change_count;
             d["nodes_by_kind"] = OptCounts(r.nodes_by_kind);
             d["edges_by_type"] = OptCounts(r.edges_by_type);
             return d;
           })
      .def("__repr__", [](const RevisionInfo& r) {
        std::string tags;
        for (const auto& t : r.tags) tags += (tags.empty() ? "" : ",") + t;
        return "RevisionInfo(number=" + std::to_string(r.number) + ", tags=[" +
               tags + "], effective_date=" + r.effective_date.value_or("None") +
               ", nodes=" + std::to_string(r.node_count) +
               ", edges=" + std::to_string(r.edge_count) +
               ", message=" + Repr(py::str(r.message)) + ")";
      });

  py::class_<NodeChange>(m, "NodeChange",
                         "A node present at both ends of a diff with "
                         "different content.")
      .def_readonly("key", &NodeChange::key)
      .def_readonly("kind_before", &NodeChange::kind_before)
      .def_readonly("kind_after", &NodeChange::kind_after)
      .def_property_readonly(
          "names",
          [](const NodeChange& c) {
            py::dict d;
            for (const auto& n : c.names) {
              d[py::str(n.lang)] =
                  py::make_tuple(OptStr(n.before), OptStr(n.after));
            }
            return d;
          },
          "lang -> (before, after); None = absent on that side")
      .def_property_readonly(
          "props", [](const NodeChange& c) { return ChangePairs(c.props); },
          "property name -> (before, after); None = absent on that side")
      .def_readonly("before", &NodeChange::before)
      .def_readonly("after", &NodeChange::after)
      .def("__repr__", [](const NodeChange& c) {
        std::string what;
        if (c.kind_before != c.kind_after) what += " kind";
        for (const auto& n : c.names) what += " names." + n.lang;
        for (const auto& p : c.props) what += " props." + p.name;
        return "NodeChange(" + Repr(py::str(c.key)) + ":" + what + ")";
      });

  py::class_<EdgeChange>(m, "EdgeChange",
                         "An edge present at both ends of a diff with "
                         "different properties.")
      .def_property_readonly("from_key",
                             [](const EdgeChange& c) { return c.id.from; })
      .def_property_readonly("type",
                             [](const EdgeChange& c) { return c.id.type; })
      .def_property_readonly("to_key",
                             [](const EdgeChange& c) { return c.id.to; })
      .def_property_readonly("id",
                             [](const EdgeChange& c) {
                               return py::make_tuple(c.id.from, c.id.type,
                                                     c.id.to);
                             })
      .def_property_readonly(
          "props", [](const EdgeChange& c) { return ChangePairs(c.props); },
          "property name -> (before, after); None = absent on that side")
      .def_property_readonly("before",
                             [](const EdgeChange& c) { return ToPy(c.before); })
      .def_property_readonly("after",
                             [](const EdgeChange& c) { return ToPy(c.after); })
      .def("__repr__", [](const EdgeChange& c) {
        std::string what;
        for (const auto& p : c.props) what += " props." + p.name;
        return "EdgeChange(" + c.id.from + " -" + c.id.type + "-> " + c.id.to +
               ":" + what + ")";
      });
}

py::dict NodeToDict(const Node& n) { return NodeDict(n); }
py::dict EdgeToDict(const Edge& e) { return EdgeDict(e); }
py::object MakeNode(Node node) { return py::cast(std::move(node)); }
py::object MakeEdge(Edge edge) { return py::cast(std::move(edge)); }
py::object MakeRevisionInfo(const RevisionInfo& info) { return py::cast(info); }

}  // namespace critgraph::python
