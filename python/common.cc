#include "python/common.h"

#include <cstdint>
#include <limits>

namespace critgraph::python {

namespace {

// The exception classes, created in RegisterErrors. Owned by the module
// (intentionally leaked references so they outlive interpreter teardown).
PyObject* g_error = nullptr;
PyObject* g_not_found = nullptr;
PyObject* g_invalid = nullptr;
PyObject* g_corruption = nullptr;
PyObject* g_locked = nullptr;

PyObject* ExceptionFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kNotFound:
      return g_not_found;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
      return g_invalid;
    case absl::StatusCode::kDataLoss:
      return g_corruption;
    case absl::StatusCode::kUnavailable:
      return g_locked;
    default:
      return g_error;
  }
}

PyObject* MakeException(py::module_& m, const char* name, py::tuple bases,
                        const char* doc) {
  py::dict ns;
  ns["__module__"] = "critgraph";
  ns["__doc__"] = doc;
  // KeyError quotes its message in str(); keep the C++ message verbatim.
  ns["__str__"] =
      py::module_::import("builtins").attr("Exception").attr("__str__");
  py::object cls =
      py::module_::import("builtins").attr("type")(name, bases, ns);
  m.attr(name) = cls;
  return cls.release().ptr();
}

}  // namespace

absl::Status ClosedError() {
  return absl::FailedPreconditionError("the database is closed");
}

void Raise(const absl::Status& status) {
  PyErr_SetString(ExceptionFor(status.code()),
                  std::string(status.message()).c_str());
  throw py::error_already_set();
}

void RaiseWith(const absl::Status& status, const char* attr, py::handle value) {
  py::object type =
      py::reinterpret_borrow<py::object>(ExceptionFor(status.code()));
  py::object exc = type(std::string(status.message()));
  exc.attr(attr) = value;
  PyErr_SetObject(type.ptr(), exc.ptr());
  throw py::error_already_set();
}

void RaiseInvalid(const std::string& message) {
  Raise(absl::InvalidArgumentError(message));
}

void RegisterErrors(py::module_& m) {
  py::object builtins = py::module_::import("builtins");
  py::object exc = builtins.attr("Exception");
  g_error = MakeException(
      m, "Error", py::make_tuple(exc),
      "Base class of every critgraph error. Carries the C++ status message.");
  py::object error = py::reinterpret_borrow<py::object>(g_error);
  g_not_found = MakeException(
      m, "NotFoundError", py::make_tuple(error, builtins.attr("KeyError")),
      "An unknown key, edge, revision or tag (absl NotFound). Also a "
      "KeyError.");
  g_invalid = MakeException(
      m, "InvalidInputError",
      py::make_tuple(error, builtins.attr("ValueError")),
      "Bad input: a malformed name, key, property, change line, unknown kind "
      "or edge type, a tag that exists (absl InvalidArgument, AlreadyExists). "
      "Also a ValueError.");
  g_corruption =
      MakeException(m, "CorruptionError", py::make_tuple(error),
                    "Stored data failed verification (absl DataLoss).");
  g_locked =
      MakeException(m, "LockedError", py::make_tuple(error),
                    "Another process has the database open for writing (absl "
                    "Unavailable).");
}

py::object ToPy(const PropertyValue& v) {
  return std::visit(
      [](const auto& x) -> py::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return py::str(x);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return py::int_(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return py::float_(x);
        } else if constexpr (std::is_same_v<T, bool>) {
          return py::bool_(x);
        } else {
          py::list l;
          for (const auto& s : x) l.append(py::str(s));
          return l;
        }
      },
      v);
}

py::dict ToPy(const Properties& props) {
  py::dict d;
  for (const auto& [k, v] : props) d[py::str(k)] = ToPy(v);
  return d;
}

py::dict ToPy(const Names& names) {
  py::dict d;
  for (const auto& [k, v] : names) d[py::str(k)] = py::str(v);
  return d;
}

PropertyValue PropertyFromPy(const std::string& name, py::handle v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow != 0) {
      RaiseInvalid("property '" + name + "': integer does not fit in int64");
    }
    if (x == -1 && PyErr_Occurred()) throw py::error_already_set();
    return static_cast<int64_t>(x);
  }
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    std::vector<std::string> out;
    for (py::handle item : v) {
      if (!py::isinstance<py::str>(item)) {
        RaiseInvalid("property '" + name +
                     "': a list value must hold strings only");
      }
      out.push_back(item.cast<std::string>());
    }
    return out;
  }
  RaiseInvalid("property '" + name + "': unsupported value type '" +
               std::string(py::str(v.get_type().attr("__name__"))) +
               "' (str, int, float, bool or list of str)");
}

Properties PropertiesFromPy(py::handle obj) {
  Properties props;
  if (obj.is_none()) return props;
  if (!py::isinstance<py::dict>(obj)) {
    RaiseInvalid("props must be a dict of name -> value");
  }
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(obj)) {
    if (!py::isinstance<py::str>(k)) RaiseInvalid("property names must be str");
    std::string name = k.cast<std::string>();
    props.emplace(name, PropertyFromPy(name, v));
  }
  return props;
}

Names NamesFromPy(py::handle obj) {
  Names names;
  if (obj.is_none()) return names;
  if (!py::isinstance<py::dict>(obj)) {
    RaiseInvalid("names must be a dict of language -> text");
  }
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(obj)) {
    if (!py::isinstance<py::str>(k) || !py::isinstance<py::str>(v)) {
      RaiseInvalid("names must map str language tags to str texts");
    }
    names.emplace(k.cast<std::string>(), v.cast<std::string>());
  }
  return names;
}

std::vector<std::string> StrList(py::handle obj, const char* what) {
  std::vector<std::string> out;
  if (obj.is_none()) return out;
  if (py::isinstance<py::str>(obj)) {
    out.push_back(obj.cast<std::string>());
    return out;
  }
  if (!py::isinstance<py::iterable>(obj)) {
    RaiseInvalid(std::string(what) + " must be a str or an iterable of str");
  }
  for (py::handle item : obj) {
    if (!py::isinstance<py::str>(item)) {
      RaiseInvalid(std::string(what) + " must hold str items only");
    }
    out.push_back(item.cast<std::string>());
  }
  return out;
}

Direction DirectionFromPy(const std::string& s) {
  if (s == "out") return Direction::kOut;
  if (s == "in") return Direction::kIn;
  if (s == "both") return Direction::kBoth;
  RaiseInvalid("direction must be 'out', 'in' or 'both', not '" + s + "'");
}

std::optional<uint32_t> DepthFromPy(std::optional<int64_t> d) {
  if (!d) return std::nullopt;
  if (*d < 0 || *d > std::numeric_limits<uint32_t>::max()) {
    RaiseInvalid("max_depth must be None or an int in [0, 2^32)");
  }
  return static_cast<uint32_t>(*d);
}

RevSpec RevSpecFromPy(py::handle obj) {
  RevSpec spec;
  if (py::isinstance<py::bool_>(obj)) {
    RaiseInvalid("a revision is an int or a name (str), not a bool");
  }
  if (py::isinstance<py::int_>(obj)) {
    int64_t n = obj.cast<int64_t>();
    if (n < 0) RaiseInvalid("revision numbers are >= 0");
    spec.number = static_cast<Revision>(n);
  } else if (py::isinstance<py::str>(obj)) {
    spec.name = obj.cast<std::string>();
  } else {
    RaiseInvalid("a revision is an int or a name (str)");
  }
  return spec;
}

absl::StatusOr<Revision> ResolveRev(const DB& db, const RevSpec& spec) {
  // Numbers are checked by the call they are passed to (same messages as
  // the C++ API).
  if (spec.number) return *spec.number;
  return db.Resolve(spec.name);
}

ReachSpec MakeReachSpec(py::handle sources, const std::string& direction,
                        py::handle edge_types, py::handle kinds,
                        std::optional<int64_t> max_depth) {
  ReachSpec spec;
  spec.sources = StrList(sources, "sources");
  spec.direction = DirectionFromPy(direction);
  spec.edge_types = StrList(edge_types, "edge_types");
  spec.kinds = StrList(kinds, "kinds");
  spec.max_depth = DepthFromPy(max_depth);
  return spec;
}

namespace {
py::dict CountsToPy(const ChangeCounts& c) {
  py::dict d;
  d["added"] = c.added;
  d["removed"] = c.removed;
  d["modified"] = c.modified;
  return d;
}
}  // namespace

py::dict StatToPy(const DiffStat& stat) {
  py::dict d;
  d["nodes"] = CountsToPy(stat.nodes);
  d["edges"] = CountsToPy(stat.edges);
  py::dict by_kind, by_type;
  for (const auto& [k, c] : stat.nodes_by_kind)
    by_kind[py::str(k)] = CountsToPy(c);
  for (const auto& [t, c] : stat.edges_by_type)
    by_type[py::str(t)] = CountsToPy(c);
  d["nodes_by_kind"] = by_kind;
  d["edges_by_type"] = by_type;
  return d;
}

py::list ReachedToPy(const std::vector<ReachedNode>& r, bool parents) {
  py::list l;
  for (const auto& n : r) {
    if (parents) {
      l.append(py::make_tuple(
          n.key, n.depth,
          n.parent ? py::object(py::str(*n.parent)) : py::object(py::none())));
    } else {
      l.append(py::make_tuple(n.key, n.depth));
    }
  }
  return l;
}

std::vector<ReachSpec> MakeReachSpecs(py::iterable sources_list,
                                      const std::string& direction,
                                      py::handle edge_types, py::handle kinds,
                                      std::optional<int64_t> max_depth) {
  std::vector<ReachSpec> specs;
  for (py::handle sources : sources_list) {
    specs.push_back(
        MakeReachSpec(sources, direction, edge_types, kinds, max_depth));
  }
  return specs;
}

py::list ReachManyToPy(const std::vector<std::vector<ReachedNode>>& r) {
  py::list out;
  for (const auto& one : r) out.append(ReachedToPy(one, false));
  return out;
}

}  // namespace critgraph::python
