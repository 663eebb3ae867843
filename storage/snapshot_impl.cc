#include "storage/snapshot_impl.h"

#include <algorithm>
#include <cstring>

#include "storage/edge_scanner.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "util/sort_moving.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {

// Point and neighbour reads. Each read leases pooled iterators (one seek
// each, no iterator construction), resolves keys <-> ids through the DB's
// id cache, and decodes records straight from the iterator's value without
// copying them. Whole-revision scans live in snapshot_scan.cc.

absl::StatusOr<bool> SnapshotImpl::SeekNode(rocksdb::Iterator* it, NodeId id,
                                            std::string_view* raw,
                                            Revision* found_rev) const {
  char k[kNodeKeySize];
  EncodeNodeKey(id, info_.number, k);
  it->Seek(rocksdb::Slice(k, sizeof k));
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocks(it->status(), "read node"));
    return false;
  }
  const rocksdb::Slice found = it->key();
  if (found.size() != kNodeKeySize || GetBE64(found.data()) != id) {
    return false;
  }
  if (it->value().empty()) return false;  // deleted at or before R
  *raw = it->value().ToStringView();
  *found_rev = GetInvRev(found.data() + 8);
  return true;
}

absl::StatusOr<std::optional<NodeId>> SnapshotImpl::FindNodeWith(
    rocksdb::Iterator* it, std::string_view key) const {
  ASSIGN_OR_RETURN(std::optional<NodeId> id, db_->LookupId(key));
  if (!id) return id;
  std::string_view raw;
  Revision found_rev = 0;
  ASSIGN_OR_RETURN(bool exists, SeekNode(it, *id, &raw, &found_rev));
  if (!exists) return std::optional<NodeId>();
  if (!DecodeNodeKind(raw).ok()) {
    return db_->DataLoss("corrupted record", *id, found_rev);
  }
  return id;
}

absl::StatusOr<std::optional<NodeId>> SnapshotImpl::FindNode(
    std::string_view key) const {
  IteratorPool::Lease it = pool_.Acquire(Cf::kNodes);
  return FindNodeWith(it.get(), key);
}

absl::StatusOr<Node> SnapshotImpl::GetNode(std::string_view key) const {
  ASSIGN_OR_RETURN(std::optional<NodeId> id, db_->LookupId(key));
  if (id) {
    IteratorPool::Lease it = pool_.Acquire(Cf::kNodes);
    std::string_view raw;
    Revision found_rev = 0;
    ASSIGN_OR_RETURN(bool exists, SeekNode(it.get(), *id, &raw, &found_rev));
    // Decoding verifies the record; an error names the revision that wrote
    // it.
    if (exists) return db_->MaterializeNode(raw, *id, found_rev, *registry_);
  }
  return absl::NotFoundError(
      StrCat("node '", key, "' does not exist at revision ", info_.number));
}

absl::StatusOr<bool> SnapshotImpl::HasNode(std::string_view key) const {
  auto id = FindNode(key);
  if (!id.ok()) return id.status();
  return id->has_value();
}

absl::StatusOr<Edge> SnapshotImpl::GetEdge(std::string_view from,
                                           std::string_view type,
                                           std::string_view to) const {
  auto not_found = [&] {
    return absl::NotFoundError(StrCat("edge ", from, " -[", type, "]-> ", to,
                                      " does not exist at revision ",
                                      info_.number));
  };
  auto t = registry_->FindEdgeType(type, info_.number);
  if (!t) return not_found();
  auto f = db_->LookupId(from);
  if (!f.ok()) return f.status();
  auto d = db_->LookupId(to);
  if (!d.ok()) return d.status();
  if (!f->has_value() || !d->has_value()) return not_found();
  auto raw = db_->ReadEdgeRaw(**f, *t, **d, info_.number);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return not_found();
  auto props = DecodeEdgeRecord(**raw);
  if (!props.ok())
    return db_->DataLoss("corrupted out-edge", **f, info_.number);
  return Edge{std::string(from), std::string(type), std::string(to),
              *std::move(props)};
}

absl::StatusOr<std::vector<Edge>> SnapshotImpl::Edges(
    std::string_view key, absl::Span<const std::string> types,
    bool outgoing) const {
  auto not_found = [&] {
    return absl::NotFoundError(
        StrCat("node '", key, "' does not exist at revision ", info_.number));
  };
  // Whether the node exists at R is checked only when the scan finds no
  // edge: an edge alive at R implies both its ends are (PutEdge requires
  // them, DeleteNode deletes a node's edges, Verify checks it), and the node
  // seek costs as much as the edge scan.
  auto node_exists = [&]() -> absl::StatusOr<bool> {
    IteratorPool::Lease nodes = pool_.Acquire(Cf::kNodes);
    ASSIGN_OR_RETURN(std::optional<NodeId> found,
                     FindNodeWith(nodes.get(), key));
    return found.has_value();
  };
  ASSIGN_OR_RETURN(std::optional<NodeId> id, db_->LookupId(key));
  if (!id) return not_found();
  std::vector<TypeId> type_ids;
  for (const auto& n : types) {
    // An edge type not registered here simply has no edges.
    if (auto t = registry_->FindEdgeType(n, info_.number))
      type_ids.push_back(*t);
  }
  if (!types.empty() && type_ids.empty()) {
    ASSIGN_OR_RETURN(bool exists, node_exists());
    if (!exists) return not_found();
    return std::vector<Edge>();
  }
  std::vector<Edge> out;
  IteratorPool::Lease scan_it =
      pool_.Acquire(outgoing ? Cf::kOutEdges : Cf::kInEdges);
  // In-edges carry no properties: each is completed from its out-edge.
  std::optional<IteratorPool::Lease> out_it;
  if (!outgoing) out_it.emplace(pool_.Acquire(Cf::kOutEdges));
  EdgeScanner scanner(scan_it.get(), outgoing);
  const NodeId self = *id;
  const Revision rev = info_.number;
  auto st = scanner.Scan(
      self, rev, type_ids,
      [&](TypeId type, NodeId other, std::string_view value) -> absl::Status {
        const std::string* type_name = registry_->Name(type);
        if (type_name == nullptr) {
          return db_->DataLoss(StrCat("unknown edge type id ", type), self,
                               rev);
        }
        if (out.empty()) out.reserve(8);
        Edge& e = out.emplace_back();
        e.type = *type_name;
        std::string& other_key = outgoing ? e.to : e.from;
        RETURN_IF_ERROR(db_->KeyOfInto(other, &other_key));
        (outgoing ? e.from : e.to) = key;
        if (!outgoing) {
          rocksdb::Iterator* it = out_it->get();
          char k[kEdgeKeySize];
          EncodeEdgeKey(other, type, self, rev, k);
          it->Seek(rocksdb::Slice(k, sizeof k));
          if (!it->Valid())
            RETURN_IF_ERROR(FromRocks(it->status(), "read edge"));
          if (!it->Valid() || it->key().size() != kEdgeKeySize ||
              std::memcmp(it->key().data(), k, kEdgePrefixSize) != 0 ||
              it->value().empty()) {
            return db_->DataLoss(
                StrCat("in-edge from '", e.from, "' without its out-edge"),
                self, rev);
          }
          value = it->value().ToStringView();
        }
        auto props = DecodeEdgeRecord(value);
        if (!props.ok()) {
          return outgoing ? db_->DataLoss(
                                StrCat("corrupted out-edge to '", e.to, "'"),
                                self, rev)
                          : db_->DataLoss(
                                StrCat("corrupted out-edge record"), other,
                                GetInvRev(out_it->get()->key().data() + 20));
        }
        e.props = *std::move(props);
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  if (out.empty()) {
    ASSIGN_OR_RETURN(bool exists, node_exists());
    if (!exists) return not_found();
    return out;
  }
  // Swapping whole Edges (four strings and a map) cost more than the
  // comparisons: sort by moving each edge once.
  SortMoving(out, [&](const Edge& a, const Edge& b) {
    return outgoing ? std::tie(a.type, a.to) < std::tie(b.type, b.to)
                    : std::tie(a.type, a.from) < std::tie(b.type, b.from);
  });
  return out;
}

absl::StatusOr<std::vector<Edge>> SnapshotImpl::OutEdges(
    std::string_view key, absl::Span<const std::string> types) const {
  return Edges(key, types, /*outgoing=*/true);
}

absl::StatusOr<std::vector<Edge>> SnapshotImpl::InEdges(
    std::string_view key, absl::Span<const std::string> types) const {
  return Edges(key, types, /*outgoing=*/false);
}

absl::StatusOr<std::vector<Node>> SnapshotImpl::NodesOfKind(
    std::string_view kind) const {
  auto kind_id = registry_->FindNodeKind(kind, info_.number);
  if (!kind_id) {
    return absl::InvalidArgumentError(
        StrCat("unknown node kind '", kind, "' at revision ", info_.number));
  }
  std::string prefix;
  PutBE32(&prefix, *kind_id);
  std::string upper;
  PutBE32(&upper, *kind_id + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->rdb()->NewIterator(ro, db_->cf(Cf::kKindIndex)));
  NodeReader reader(*db_);
  std::vector<Node> out;
  NodeId last = 0;
  bool have_last = false;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    if (k.size() != kKindKeySize) {
      return absl::DataLossError(
          StrCat("kind index entry of kind '", kind, "' is damaged"));
    }
    NodeId id = GetBE64(k.data() + 4);
    if (GetInvRev(k.data() + 12) > info_.number) continue;
    if (have_last && id == last) continue;
    have_last = true;
    last = id;
    if (it->value() != rocksdb::Slice("A")) continue;
    auto raw = reader.Read(id, info_.number);
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) {
      return db_->DataLoss("kind index names a missing node", id, info_.number);
    }
    auto node = db_->MaterializeNode(**raw, id, info_.number, *registry_);
    if (!node.ok()) return node.status();
    out.push_back(*std::move(node));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan kind index");
  std::sort(out.begin(), out.end(),
            [](const Node& a, const Node& b) { return a.key < b.key; });
  return out;
}

std::vector<std::string> SnapshotImpl::NodeKinds() const {
  return registry_->NodeKinds(info_.number);
}

std::vector<std::string> SnapshotImpl::EdgeTypes() const {
  return registry_->EdgeTypes(info_.number);
}

}  // namespace critgraph::storage
