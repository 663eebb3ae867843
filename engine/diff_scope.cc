#include "engine/diff_scope.h"

#include <algorithm>
#include <vector>

#include "critgraph/traversal.h"

namespace critgraph::diff_internal {

absl::StatusOr<Scope> ComputeScope(const Snapshot& snap,
                                   const DiffOptions& options) {
  Scope scope;
  scope.all = false;
  const std::string& root = *options.scope_root;
  auto has = snap.HasNode(root);
  if (!has.ok()) return has.status();
  if (!*has) return scope;  // the root is absent here: empty scope
  ReachSpec spec;
  spec.sources = {root};
  spec.direction = options.direction;
  spec.max_depth = options.max_depth;
  if (!options.edge_types.empty()) {
    // Names not registered at this revision match no edge here.
    const std::vector<std::string> registered = snap.EdgeTypes();
    for (const auto& t : options.edge_types) {
      if (std::binary_search(registered.begin(), registered.end(), t)) {
        spec.edge_types.push_back(t);
      }
    }
    if (spec.edge_types.empty()) spec.max_depth = 0;
  }
  auto reached = Reach(snap, spec);
  if (!reached.ok()) return reached.status();
  scope.keys.reserve(reached->size());
  for (auto& r : *reached) scope.keys.insert(std::move(r.key));
  return scope;
}

}  // namespace critgraph::diff_internal
