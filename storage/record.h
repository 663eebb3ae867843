// FlatBuffers encoding of node, edge and revision records, and the canonical
// byte form hashed into revision digests.
//
// Every Decode* runs a bounded flatbuffers::Verifier first and returns
// DataLoss (without context; callers add key and revision) for bytes that
// fail it. Nothing from disk is dereferenced unverified.
#ifndef CRITGRAPH_STORAGE_RECORD_H_
#define CRITGRAPH_STORAGE_RECORD_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/snapshot.h"
#include "critgraph/types.h"
#include "storage/keys.h"
#include "storage/registry.h"

namespace critgraph::storage {

struct NodeRecordData {
  std::string key;
  TypeId kind = 0;
  Names names;
  Properties props;
};

std::string EncodeNodeRecord(std::string_view key, TypeId kind,
                             const Names& names, const Properties& props);
absl::StatusOr<NodeRecordData> DecodeNodeRecord(std::string_view bytes);
// Only the verified key and kind, without materializing names and props.
absl::StatusOr<TypeId> DecodeNodeKind(std::string_view bytes);

std::string EncodeEdgeRecord(const Properties& props);
absl::StatusOr<Properties> DecodeEdgeRecord(std::string_view bytes);
// Verifies without decoding.
bool VerifyEdgeRecord(std::string_view bytes);

// Decodes records into views (critgraph/snapshot.h: NodeView, EdgeView)
// without copying their strings: the views point into the record, or into
// this decoder's copy of it when the record is not 8-byte aligned. Verifies
// like Decode*; names and props come out sorted with each name once, as the
// map-based decoders leave them (a record is written sorted; a verified but
// unsorted one reads as the maps would: sorted, the last duplicate kept).
// Buffers are reused: the views of one call live until the next call on
// this decoder, its destruction, or the record's bytes going away. Not
// thread-safe; one per scan.
class ViewDecoder {
 public:
  struct NodeParts {
    std::string_view key;
    TypeId kind = 0;
    absl::Span<const NameView> names;
    absl::Span<const PropertyView> props;
  };
  // DataLoss without context (callers add key and revision).
  absl::StatusOr<NodeParts> DecodeNode(std::string_view raw);
  absl::StatusOr<absl::Span<const PropertyView>> DecodeEdge(
      std::string_view raw);

 private:
  // `raw`, or an aligned copy of it in aligned_.
  std::string_view Align(std::string_view raw);

  std::vector<uint64_t> aligned_;
  std::vector<NameView> names_;
  std::vector<PropertyView> props_;
  std::vector<std::string_view> items_;  // every list's items, in order
};

// Per-type counts of a revision as stored: keyed by registry TypeId, sorted
// by id, zero counts omitted.
using TypeCounts = std::vector<std::pair<TypeId, uint64_t>>;
// Per-type changes of a revision as stored: keyed by TypeId, sorted by id,
// zero entries omitted.
using TypeChanges = std::vector<std::pair<TypeId, ChangeCounts>>;
struct RevisionTypeCounts {
  TypeCounts nodes_by_kind;
  TypeCounts edges_by_type;
  // Absent in records written before the changes were maintained.
  std::optional<TypeChanges> node_changes;
  std::optional<TypeChanges> edge_changes;
};

// `counts` null writes a record without per-type counts, as written before
// they existed (tests use it to make old-format records).
std::string EncodeRevisionRecord(const RevisionInfo& info,
                                 const RevisionTypeCounts* counts);
// The record's per-type counts go to `*counts` (nullopt when the record has
// none); RevisionInfo's by-name counts are left for the caller to resolve.
absl::StatusOr<RevisionInfo> DecodeRevisionRecord(
    std::string_view bytes,
    std::optional<RevisionTypeCounts>* counts = nullptr);
// Fills info->nodes_by_kind and info->edges_by_type (and the changed-by
// maps when `counts` has changes) with the names of `counts`; DataLoss
// naming the revision for an id the registry lacks.
absl::Status ResolveTypeCounts(const RevisionTypeCounts& counts,
                               const Registry& registry, RevisionInfo* info);

// Canonical, unambiguous byte forms of a node and of an edge, independent of
// internal ids and of FlatBuffers layout. Frozen: digests depend on them.
std::string CanonicalNode(const Node& node);
std::string CanonicalEdge(const Edge& edge);
Digest NodeDigest(const Node& node);
Digest EdgeDigest(const Edge& edge);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_RECORD_H_
