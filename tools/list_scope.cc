#include "tools/list_scope.h"

#include <iostream>

namespace critgraph::cli {

ReachSpec ScopeSpec(const DiffOptions& options) {
  ReachSpec spec;
  if (options.scope_root) spec.sources = {*options.scope_root};
  spec.direction = options.direction;
  spec.edge_types = options.edge_types;
  spec.max_depth = options.max_depth;
  return spec;
}

bool WarnIfOnlyRoot(const std::vector<const Snapshot*>& snaps,
                    const ReachSpec& spec, bool from_list_option) {
  if (spec.sources.size() != 1 || snaps.empty()) return false;
  bool root_is_list = false, any_root = false;
  for (const Snapshot* snap : snaps) {
    // An edge type registered at only one end matches nothing at the other
    // (as in the diff): only that end is checked.
    auto more = ScopeHasMoreThanRoot(*snap, spec);
    if (!more.ok()) {
      if (more.status().code() == absl::StatusCode::kInvalidArgument) continue;
      return false;
    }
    if (*more) return false;
    auto exists = snap->HasNode(spec.sources[0]);
    if (exists.ok() && *exists) any_root = true;
    if (CheckList(*snap, spec.sources[0]).ok()) root_is_list = true;
  }
  if (!any_root) return false;  // no scope at all: the command says so
  std::string revs = std::to_string(snaps.front()->revision());
  if (snaps.size() == 2 && snaps[1]->revision() != snaps[0]->revision()) {
    revs = "s " + revs + " and " + std::to_string(snaps[1]->revision());
  }
  std::cerr << "critgraph: warning: " << (from_list_option ? "list" : "scope")
            << " '" << spec.sources[0] << "' holds only its root at revision"
            << (revs[0] == 's' ? "" : " ") << revs;
  if (from_list_option) {
    std::cerr << " (it has no entries)";
  } else if (root_is_list && spec.direction == Direction::kOut) {
    std::cerr << " (a list's entries point to it: use --list "
              << spec.sources[0] << ")";
  }
  std::cerr << "\n";
  return true;
}

}  // namespace critgraph::cli
