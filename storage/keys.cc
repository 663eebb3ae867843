#include "storage/keys.h"

namespace critgraph::storage {

std::string NodeKey(NodeId id, Revision rev) {
  std::string k;
  k.reserve(kNodeKeySize);
  PutBE64(&k, id);
  PutInvRev(&k, rev);
  return k;
}

std::string EdgeKey(NodeId a, TypeId type, NodeId b, Revision rev) {
  std::string k;
  k.reserve(kEdgeKeySize);
  PutBE64(&k, a);
  PutBE32(&k, type);
  PutBE64(&k, b);
  PutInvRev(&k, rev);
  return k;
}

std::string KindIndexKey(TypeId kind, NodeId id, Revision rev) {
  std::string k;
  k.reserve(kKindKeySize);
  PutBE32(&k, kind);
  PutBE64(&k, id);
  PutInvRev(&k, rev);
  return k;
}

std::string RevKey(Revision rev) {
  std::string k;
  PutBE64(&k, rev);
  return k;
}

std::string ChangeNodeKey(Revision rev, NodeId id) {
  std::string k = RevKey(rev);
  k.push_back(kChangeNode);
  PutBE64(&k, id);
  return k;
}

std::string ChangeEdgeKey(Revision rev, NodeId from, TypeId type, NodeId to) {
  std::string k = RevKey(rev);
  k.push_back(kChangeEdge);
  PutBE64(&k, from);
  PutBE32(&k, type);
  PutBE64(&k, to);
  return k;
}

}  // namespace critgraph::storage
