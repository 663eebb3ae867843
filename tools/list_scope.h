// The CLI side of `--list KEY` (diff, export, reach, stats) and of the
// warning for a scope (--scope or --list) that holds only its root. The
// definitions themselves are in critgraph/lists.h.
#ifndef CRITGRAPH_TOOLS_LIST_SCOPE_H_
#define CRITGRAPH_TOOLS_LIST_SCOPE_H_

#include <string>
#include <vector>

#include "critgraph/lists.h"
#include "critgraph/snapshot.h"

namespace critgraph::cli {

// Prints "critgraph: warning: scope 'ROOT' holds only its root at revision
// R" (or "at revisions A and B") to stderr when `spec` (one source) reaches
// nothing besides its root at every one of `snaps`, with a hint when the
// root is a list walked away from its entries (direction out): --list.
// Prints nothing when a check fails (the command's own error will say so).
// Returns whether it warned.
bool WarnIfOnlyRoot(const std::vector<const Snapshot*>& snaps,
                    const ReachSpec& spec, bool from_list_option);

// The ReachSpec of a diff's scope (its root, direction, edge types, depth).
ReachSpec ScopeSpec(const DiffOptions& options);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_LIST_SCOPE_H_
