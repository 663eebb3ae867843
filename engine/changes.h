// What differs between two versions of a node or of an edge's properties:
// the NameChange / PropertyChange lists of critgraph::Diff and
// critgraph::History, computed one way for both.
#ifndef CRITGRAPH_ENGINE_CHANGES_H_
#define CRITGRAPH_ENGINE_CHANGES_H_

#include <vector>

#include "critgraph/diff.h"
#include "critgraph/types.h"

namespace critgraph::engine {

// The properties that differ, sorted by name; absent values are nullopt.
// Values are compared with PropertyValue's ==: stored values are canonical
// (storage::CanonicalDouble, no NaN), so == is bit equality of the
// canonical value, as the digest sees it. docs/FORMATS-ON-DISK.md,
// "Property value equality".
std::vector<PropertyChange> PropDiff(const Properties& before,
                                     const Properties& after);

// The change from `before` to `after` (names and properties that differ,
// both kinds, both whole nodes). The key is after's.
NodeChange MakeNodeChange(Node before, Node after);

}  // namespace critgraph::engine

#endif  // CRITGRAPH_ENGINE_CHANGES_H_
