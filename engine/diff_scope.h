// The scope of a scoped diff at one revision (DiffOptions: the nodes
// reachable from scope_root), shared by the diff engine and the lineage of a
// diff, so that both read "in scope" the same way. Internal to engine/.
#ifndef CRITGRAPH_ENGINE_DIFF_SCOPE_H_
#define CRITGRAPH_ENGINE_DIFF_SCOPE_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "critgraph/diff.h"
#include "critgraph/snapshot.h"

namespace critgraph::diff_internal {

// The node keys in scope at one revision; `all` for an unscoped diff.
struct Scope {
  bool all = true;
  absl::flat_hash_set<std::string> keys;

  bool Contains(const std::string& key) const {
    return all || keys.contains(key);
  }
};

// scope(snap) for options.scope_root (which must be set): empty if the root
// does not exist at this revision. Edge types not registered here match no
// edge here. Errors: those of Reach.
absl::StatusOr<Scope> ComputeScope(const Snapshot& snap,
                                   const DiffOptions& options);

}  // namespace critgraph::diff_internal

#endif  // CRITGRAPH_ENGINE_DIFF_SCOPE_H_
