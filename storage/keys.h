// The RocksDB key layout (keys of every column family, meta keys, the
// format version).
// The layout is frozen; docs/FORMATS-ON-DISK.md describes it.
#ifndef CRITGRAPH_STORAGE_KEYS_H_
#define CRITGRAPH_STORAGE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "critgraph/types.h"
#include "util/coding.h"

namespace critgraph::storage {

using NodeId = uint64_t;  // internal, never reused
using TypeId = uint32_t;  // registry id of a node kind or edge type

// Versions sort newest first under a key prefix: ~rev, big-endian.
inline void PutInvRev(std::string* dst, Revision rev) { PutBE64(dst, ~rev); }
inline Revision GetInvRev(const char* p) { return ~GetBE64(p); }

// nodes CF:     id(8) | ~rev(8)                     -> NodeRecord | ""
// (deleted)
inline constexpr size_t kNodeKeySize = 16;
std::string NodeKey(NodeId id, Revision rev);
// The same bytes into `out` (kNodeKeySize bytes), without allocating.
inline void EncodeNodeKey(NodeId id, Revision rev, char* out) {
  EncodeBE64(id, out);
  EncodeBE64(~rev, out + 8);
}

// out_edges CF: from(8) | type(4) | to(8) | ~rev(8) -> EdgeRecord | ""
// (deleted) in_edges CF:  to(8) | type(4) | from(8) | ~rev(8) -> "A" | "D"
inline constexpr size_t kEdgeKeySize = 28;
inline constexpr size_t kEdgePrefixSize = 20;  // without the revision
std::string EdgeKey(NodeId a, TypeId type, NodeId b, Revision rev);
// The same bytes into `out` (kEdgeKeySize bytes), without allocating.
inline void EncodeEdgeKey(NodeId a, TypeId type, NodeId b, Revision rev,
                          char* out) {
  EncodeBE64(a, out);
  EncodeBE32(type, out + 8);
  EncodeBE64(b, out + 12);
  EncodeBE64(~rev, out + 20);
}

// kind_index CF: kind(4) | id(8) | ~rev(8) -> "A" | "D"
inline constexpr size_t kKindKeySize = 20;
std::string KindIndexKey(TypeId kind, NodeId id, Revision rev);

// changelog CF: rev(8) | 'N' | id(8)                       -> ""
//               rev(8) | 'E' | from(8) | type(4) | to(8)   -> ""
inline constexpr char kChangeNode = 'N';
inline constexpr char kChangeEdge = 'E';
std::string ChangeNodeKey(Revision rev, NodeId id);
std::string ChangeEdgeKey(Revision rev, NodeId from, TypeId type, NodeId to);
std::string RevKey(Revision rev);  // revisions CF key and changelog prefix

// Meta keys in the default column family.
inline constexpr std::string_view kMetaFormatVersion = "format_version";
inline constexpr std::string_view kMetaHead = "head";
inline constexpr std::string_view kMetaPending = "pending";
inline constexpr std::string_view kMetaNextNodeId = "next_node_id";
inline constexpr std::string_view kMetaNextTypeId = "next_type_id";
// An unfinished gc: date(10, "YYYY-MM-DD") then the kept revisions, uint64
// BE each, ascending. Written (synced) before gc deletes anything, removed in
// the batch that publishes the new retention state; a read-write open that
// finds it completes the gc. docs/FORMATS-ON-DISK.md, "Retention (gc)".
inline constexpr std::string_view kMetaGcPending = "gc_pending";

// The `revisions` value of a revision removed by gc: this prefix, then the
// gc date "YYYY-MM-DD". Not a FlatBuffer (bytes 4..7 are not "CGRV").
inline constexpr std::string_view kRemovedMarkerPrefix = "gc-removed ";

// The on-disk format this build reads and writes. Bump on any incompatible
// change to keys or records; Open refuses other values.
inline constexpr uint32_t kFormatVersion = 1;
// Written by gc (with its intent): the database may hold removed-revision
// markers and revisions whose parent is not number - 1, which builds that
// read only version 1 would misread. This build reads both.
inline constexpr uint32_t kFormatVersionGc = 2;

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_KEYS_H_
