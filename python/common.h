// Shared pieces of the critgraph Python binding: the database handle that
// snapshots and transactions share, exception mapping, value conversions.
//
// Locking rules (to avoid deadlocks with the GIL):
//   - DbHandle::mu is taken shared by every call that uses the database and
//     exclusively by close(). It is only ever taken with the GIL released,
//     except in destructors (which then only wait for a close() that never
//     needs the GIL).
//   - No Python object is created or touched while DbHandle::mu is held.
#ifndef CRITGRAPH_PYTHON_COMMON_H_
#define CRITGRAPH_PYTHON_COMMON_H_

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/critgraph.h"
#include "critgraph/draft.h"

namespace critgraph::python {

namespace py = pybind11;

// Something that must be released before its database closes (a snapshot or
// an open transaction).
class Resource {
 public:
  virtual ~Resource() = default;
  // Called by DbHandle::Close with `mu` held exclusively.
  virtual void ReleaseForClose() = 0;
};

struct DbHandle {
  std::shared_mutex mu;
  std::unique_ptr<DB> db;  // null once closed
  // Set instead of `db` on the handle of an open draft (python/draft.cc):
  // the Draft owns its database and write lock, so closing the handle
  // releases them; the draft's transactions and snapshots register here.
  std::unique_ptr<Draft> draft;
  std::mutex reg_mu;
  std::set<Resource*> resources;

  void Register(Resource* r) {
    std::lock_guard l(reg_mu);
    resources.insert(r);
  }
  void Unregister(Resource* r) {
    std::lock_guard l(reg_mu);
    resources.erase(r);
  }
  // With mu held exclusively: releases every snapshot and transaction, then
  // the database (and its lock).
  void CloseLocked() {
    {
      std::lock_guard l(reg_mu);
      for (Resource* r : resources) r->ReleaseForClose();
      resources.clear();
    }
    db.reset();
    draft.reset();
  }
  ~DbHandle() {
    std::unique_lock l(mu);
    CloseLocked();
  }
};

absl::Status ClosedError();

// Raises the Python exception for a non-OK status (GIL must be held).
[[noreturn]] void Raise(const absl::Status& status);
[[noreturn]] void RaiseInvalid(const std::string& message);
// Raises as Raise does, with `value` set as the exception's attribute
// `attr` (a merge's conflict report on its FailedPrecondition).
[[noreturn]] void RaiseWith(const absl::Status& status, const char* attr,
                            py::handle value);
inline void Check(const absl::Status& status) {
  if (!status.ok()) Raise(status);
}

// Runs `f` (returning absl::StatusOr<T>) with the GIL released; raises on
// error, else returns the value.
template <typename F>
auto Unlocked(F&& f) {
  decltype(f()) r = absl::UnknownError("not run");
  {
    py::gil_scoped_release release;
    r = f();
  }
  if (!r.ok()) Raise(r.status());
  return *std::move(r);
}
// Same for a function returning absl::Status.
template <typename F>
void UnlockedStatus(F&& f) {
  absl::Status st;
  {
    py::gil_scoped_release release;
    st = f();
  }
  Check(st);
}

// Conversions.
py::object ToPy(const PropertyValue& v);
py::dict ToPy(const Properties& props);
py::dict ToPy(const Names& names);
PropertyValue PropertyFromPy(const std::string& name, py::handle v);
Properties PropertiesFromPy(py::handle obj);
Names NamesFromPy(py::handle obj);
// None -> {}, "a" -> {"a"}, iterable of str -> its items.
std::vector<std::string> StrList(py::handle obj, const char* what);
Direction DirectionFromPy(const std::string& s);
std::optional<uint32_t> DepthFromPy(std::optional<int64_t> d);
// An int revision or a revision name (number, tag, HEAD, HEAD~N, @date).
struct RevSpec {
  std::optional<Revision> number;
  std::string name;
};
RevSpec RevSpecFromPy(py::handle obj);
absl::StatusOr<Revision> ResolveRev(const DB& db, const RevSpec& spec);

ReachSpec MakeReachSpec(py::handle sources, const std::string& direction,
                        py::handle edge_types, py::handle kinds,
                        std::optional<int64_t> max_depth);

py::dict StatToPy(const DiffStat& stat);
// One ReachSpec per element of `sources_list` (a key or keys each), all with
// the same filters: the argument of reach_many.
std::vector<ReachSpec> MakeReachSpecs(py::iterable sources_list,
                                      const std::string& direction,
                                      py::handle edge_types, py::handle kinds,
                                      std::optional<int64_t> max_depth);
// Reach results as [(key, depth)], or [(key, depth, parent)] with parents.
py::list ReachedToPy(const std::vector<ReachedNode>& r, bool parents);
// ReachMany's results as [[(key, depth)]].
py::list ReachManyToPy(const std::vector<std::vector<ReachedNode>>& r);

// Registration of the module's parts.
void RegisterErrors(py::module_& m);
void RegisterValues(py::module_& m);

// Value wrappers shared between files.
py::object MakeNode(Node node);
py::object MakeEdge(Edge edge);
py::object MakeRevisionInfo(const RevisionInfo& info);
// A Node or Edge as a plain dict (the keys of the mapping), as to_dict().
py::dict NodeToDict(const Node& n);
py::dict EdgeToDict(const Edge& e);

}  // namespace critgraph::python

#endif  // CRITGRAPH_PYTHON_COMMON_H_
