// FlatBuffers encoding of node, edge and revision records, and the canonical
// byte form hashed into revision digests.
//
// Every Decode* runs a bounded flatbuffers::Verifier first and returns
// DataLoss (without context; callers add key and revision) for bytes that
// fail it. Nothing from disk is dereferenced unverified.
#ifndef CRITGRAPH_STORAGE_RECORD_H_
#define CRITGRAPH_STORAGE_RECORD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "critgraph/types.h"
#include "storage/keys.h"

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

std::string EncodeRevisionRecord(const RevisionInfo& info);
absl::StatusOr<RevisionInfo> DecodeRevisionRecord(std::string_view bytes);

// Canonical, unambiguous byte forms of a node and of an edge, independent of
// internal ids and of FlatBuffers layout. Frozen: digests depend on them.
std::string CanonicalNode(const Node& node);
std::string CanonicalEdge(const Edge& edge);
Digest NodeDigest(const Node& node);
Digest EdgeDigest(const Edge& edge);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_RECORD_H_
