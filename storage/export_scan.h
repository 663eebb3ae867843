// Whole-revision scans in storage (id) order, for readers that need every
// element of a revision but not the key order: the column pass of the CSV
// and GraphML exports. Each is one sequential pass over `nodes` or
// `out_edges`: no pass over `keys`, no sort, no key lookups, so cheaper
// than Snapshot::ForEachNodeView / ForEachEdgeView. Records are verified
// as there, errors are the same (DataLoss naming key and revision).
// Implemented in storage/snapshot_scan.cc.
//
// Views are valid only during the callback. Thread-safe as the Snapshot
// methods are: each call has its own iterator and buffers.
#ifndef CRITGRAPH_STORAGE_EXPORT_SCAN_H_
#define CRITGRAPH_STORAGE_EXPORT_SCAN_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "critgraph/snapshot.h"

namespace critgraph::storage {

// Every node alive at `snap`'s revision, in id order.
absl::Status ForEachNodeViewById(
    const Snapshot& snap,
    const std::function<absl::Status(const NodeView&)>& fn);

// The properties of every edge alive at `snap`'s revision, in (from id,
// type id, to id) order; the edge's keys are not resolved (that would be a
// lookup per edge).
absl::Status ForEachEdgePropsById(
    const Snapshot& snap,
    const std::function<absl::Status(absl::Span<const PropertyView>)>& fn);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_EXPORT_SCAN_H_
