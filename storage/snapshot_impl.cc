#include "storage/snapshot_impl.h"

#include <algorithm>

#include "storage/edge_scanner.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {

absl::StatusOr<std::optional<NodeId>> SnapshotImpl::FindNode(
    std::string_view key) const {
  auto id = db_->LookupId(key);
  if (!id.ok() || !id->has_value()) return id;
  auto raw = db_->ReadNodeRaw(**id, info_.number);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<NodeId>();
  return id;
}

absl::StatusOr<Node> SnapshotImpl::GetNode(std::string_view key) const {
  auto id = db_->LookupId(key);
  if (!id.ok()) return id.status();
  if (id->has_value()) {
    auto raw = db_->ReadNodeRaw(**id, info_.number);
    if (!raw.ok()) return raw.status();
    if (raw->has_value()) {
      return db_->MaterializeNode(**raw, **id, info_.number, *registry_);
    }
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
  auto id = FindNode(key);
  if (!id.ok()) return id.status();
  if (!id->has_value()) {
    return absl::NotFoundError(
        StrCat("node '", key, "' does not exist at revision ", info_.number));
  }
  std::vector<TypeId> type_ids;
  for (const auto& n : types) {
    // An edge type not registered here simply has no edges.
    if (auto t = registry_->FindEdgeType(n, info_.number))
      type_ids.push_back(*t);
  }
  if (!types.empty() && type_ids.empty()) return std::vector<Edge>();
  std::vector<Edge> out;
  EdgeScanner scanner(*db_, outgoing);
  const NodeId self = **id;
  auto st = scanner.Scan(
      self, info_.number, type_ids,
      [&](TypeId type, NodeId other, std::string_view value) -> absl::Status {
        auto other_key = db_->KeyOf(other);
        if (!other_key.ok()) return other_key.status();
        const std::string* type_name = registry_->Name(type);
        if (type_name == nullptr) {
          return db_->DataLoss(StrCat("unknown edge type id ", type), self,
                               info_.number);
        }
        Edge e;
        e.type = *type_name;
        if (outgoing) {
          e.from = std::string(key);
          e.to = *std::move(other_key);
          auto props = DecodeEdgeRecord(value);
          if (!props.ok()) {
            return db_->DataLoss(StrCat("corrupted out-edge to '", e.to, "'"),
                                 self, info_.number);
          }
          e.props = *std::move(props);
        } else {
          e.from = *std::move(other_key);
          e.to = std::string(key);
          auto raw = db_->ReadEdgeRaw(other, type, self, info_.number);
          if (!raw.ok()) return raw.status();
          if (!raw->has_value()) {
            return db_->DataLoss(
                StrCat("in-edge from '", e.from, "' without its out-edge"),
                self, info_.number);
          }
          auto props = DecodeEdgeRecord(**raw);
          if (!props.ok()) return props.status();
          e.props = *std::move(props);
        }
        out.push_back(std::move(e));
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  std::sort(out.begin(), out.end(), [&](const Edge& a, const Edge& b) {
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
    auto node =
        db_->MaterializeNode(std::string(**raw), id, info_.number, *registry_);
    if (!node.ok()) return node.status();
    out.push_back(*std::move(node));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan kind index");
  std::sort(out.begin(), out.end(),
            [](const Node& a, const Node& b) { return a.key < b.key; });
  return out;
}

absl::Status SnapshotImpl::ForEachLiveNode(
    const std::function<absl::Status(NodeId id, std::string_view key,
                                     std::string_view raw)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->rdb()->NewIterator(rocksdb::ReadOptions(), db_->cf(Cf::kKeys)));
  NodeReader reader(*db_);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->value().size() != 8) {
      return absl::DataLossError(StrCat(
          "id mapping of key '", it->key().ToStringView(), "' is damaged"));
    }
    const NodeId id = GetBE64(it->value().data());
    ASSIGN_OR_RETURN(std::optional<std::string_view> raw,
                     reader.Read(id, info_.number));
    if (!raw) continue;
    RETURN_IF_ERROR(fn(id, it->key().ToStringView(), *raw));
  }
  return FromRocks(it->status(), "scan keys");
}

absl::Status SnapshotImpl::ForEachNode(
    const std::function<absl::Status(const Node&)>& fn) const {
  return ForEachLiveNode([&](NodeId id, std::string_view,
                             std::string_view raw) -> absl::Status {
    ASSIGN_OR_RETURN(Node node, db_->MaterializeNode(std::string(raw), id,
                                                     info_.number, *registry_));
    return fn(node);
  });
}

absl::Status SnapshotImpl::ForEachEdge(
    const std::function<absl::Status(const Edge&)>& fn) const {
  EdgeScanner scanner(*db_, /*outgoing=*/true);
  std::vector<Edge> edges;
  return ForEachLiveNode([&](NodeId id, std::string_view key,
                             std::string_view) -> absl::Status {
    const std::string from(key);
    edges.clear();
    RETURN_IF_ERROR(scanner.Scan(
        id, info_.number, {},
        [&](TypeId type, NodeId other, std::string_view value) -> absl::Status {
          const std::string* type_name = registry_->Name(type);
          if (type_name == nullptr) {
            return db_->DataLoss(StrCat("unknown edge type id ", type), id,
                                 info_.number);
          }
          ASSIGN_OR_RETURN(std::string to, db_->KeyOf(other));
          auto props = DecodeEdgeRecord(value);
          if (!props.ok()) {
            return db_->DataLoss(StrCat("corrupted out-edge to '", to, "'"), id,
                                 info_.number);
          }
          edges.push_back(
              Edge{from, *type_name, std::move(to), *std::move(props)});
          return absl::OkStatus();
        }));
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
      return std::tie(a.type, a.to) < std::tie(b.type, b.to);
    });
    for (const auto& e : edges) RETURN_IF_ERROR(fn(e));
    return absl::OkStatus();
  });
}

std::vector<std::string> SnapshotImpl::NodeKinds() const {
  return registry_->NodeKinds(info_.number);
}

std::vector<std::string> SnapshotImpl::EdgeTypes() const {
  return registry_->EdgeTypes(info_.number);
}

}  // namespace critgraph::storage
