// Partitioned scans: one revision split into key ranges that separate
// processes (or machines on a shared filesystem) read independently.
//
// A Partition names a database path, a revision and a half-open range of
// internal node ids [first_id, end_id). Its nodes are the nodes of that id
// range alive at the revision; its edges are the out-edges of those nodes
// alive at the revision. Node ids are allocated once per key and never
// reused, so the parts of one Partitions() call are disjoint and their union
// is exactly the revision: every node once, every edge once (with its
// source node's part).
//
// Sizes: Partitions(n) places the boundaries so that each part holds about
// 1/n of the bytes RocksDB stores for the `nodes` and `out_edges` families
// over its id range (rocksdb::DB::GetApproximateSizes, memtables included).
// Those bytes count every stored version, so on a long history a part's
// share of the revision's live elements is only about equal. A database too
// small to measure (under 1 MiB) is split by id count instead.
#ifndef CRITGRAPH_PARTITION_H_
#define CRITGRAPH_PARTITION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/types.h"

namespace critgraph {

class Snapshot;

struct Partition {
  std::string db_path;    // DB::path() of the database it was made from
  Revision revision = 0;  // the snapshot's revision
  uint64_t first_id = 0;  // first internal node id of the range
  uint64_t end_id = 0;    // one past the last (UINT64_MAX: no bound)
  uint32_t index = 0;     // this part's position, 0-based
  uint32_t count = 0;     // parts in the split

  // One line of text (no newline), safe to ship to another process:
  // "critgraph-partition/1 REV FIRST END INDEX COUNT PATH".
  std::string Serialize() const;
  // Parses Serialize()'s output; InvalidArgument naming the problem.
  static absl::StatusOr<Partition> Parse(std::string_view text);

  friend bool operator==(const Partition& a, const Partition& b) {
    return a.db_path == b.db_path && a.revision == b.revision &&
           a.first_id == b.first_id && a.end_id == b.end_id &&
           a.index == b.index && a.count == b.count;
  }
};

// Splits `snap`'s revision into `n` parts (1 <= n <= 65536, else
// InvalidArgument) of about equal stored size; returns exactly n parts in
// id order, covering ids [0, UINT64_MAX) without gap or overlap (some may
// be empty when the revision has fewer nodes than parts). O(n log(ids))
// size estimates, reading no record.
absl::StatusOr<std::vector<Partition>> Partitions(const Snapshot& snap, int n);

// Visits the nodes of `part` alive at `snap`'s revision, in id order (not
// key order). `snap` must be a snapshot of part.revision (else
// InvalidArgument); it may come from any process that opened the same
// database, read-only or not. A sequential pass over the part's range of
// the `nodes` family (and `ids`, for the keys). Stops at, and returns, the
// first non-OK status of fn; DataLoss for a damaged record.
absl::Status ScanPartitionNodes(
    const Snapshot& snap, const Partition& part,
    const std::function<absl::Status(const Node&)>& fn);
// Visits the out-edges of `part`'s nodes alive at the revision, ordered by
// (source id, type id, target id). As ScanPartitionNodes otherwise. The
// endpoint keys are resolved per batch of 65,536 edges in one ascending
// sweep over the `ids` family, not one lookup per edge.
absl::Status ScanPartitionEdges(
    const Snapshot& snap, const Partition& part,
    const std::function<absl::Status(const Edge&)>& fn);

}  // namespace critgraph

#endif  // CRITGRAPH_PARTITION_H_
