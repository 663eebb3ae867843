#include "storage/transaction_impl.h"

#include "storage/str_cat.h"
#include "absl/time/clock.h"
#include "critgraph/options.h"
#include "rocksdb/write_batch.h"
#include "storage/db_impl.h"
#include "storage/edge_scanner.h"
#include "storage/hash.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "storage/validate.h"

namespace critgraph::storage {
namespace {

constexpr size_t kEntryOverhead = 64;  // rough bytes of bookkeeping per op

std::string U64(uint64_t v) {
  std::string s;
  PutBE64(&s, v);
  return s;
}

}  // namespace

TransactionImpl::TransactionImpl(DBImpl* db, Revision base,
                                 const Registry& registry, NodeId next_node_id,
                                 TypeId next_type_id)
    : db_(db),
      base_(base),
      registry_(registry),
      next_type_id_(next_type_id),
      next_node_id_(next_node_id) {}

TransactionImpl::~TransactionImpl() {
  if (!finished_) Rollback();
}

absl::Status TransactionImpl::CheckNotFinished() const {
  if (finished_) {
    return absl::FailedPreconditionError(
        "transaction is finished (committed or rolled back)");
  }
  return absl::OkStatus();
}

absl::Status TransactionImpl::CheckOpen() {
  if (auto st = CheckNotFinished(); !st.ok()) return st;
  if (++ops_ > db_->options().max_txn_ops) {
    return absl::InvalidArgumentError(
        StrCat("transaction exceeds the limit of ", db_->options().max_txn_ops,
               " operations (Options::max_txn_ops); split it into several "
               "commits"));
  }
  return absl::OkStatus();
}

absl::Status TransactionImpl::Register(std::string_view name, bool edge_type) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  if (auto st = ValidateTypeName(name); !st.ok()) return st;
  const Revision p = pending_revision();
  if (edge_type ? registry_.FindEdgeType(name, p).has_value()
                : registry_.FindNodeKind(name, p).has_value()) {
    return absl::OkStatus();
  }
  RegistryEntry e{std::string(name), edge_type, next_type_id_++, p};
  registry_.Add(e);
  registrations_.push_back(std::move(e));
  return absl::OkStatus();
}

absl::Status TransactionImpl::RegisterNodeKind(std::string_view name) {
  return Register(name, false);
}

absl::Status TransactionImpl::RegisterEdgeType(std::string_view name) {
  return Register(name, true);
}

absl::StatusOr<std::optional<NodeId>> TransactionImpl::IdOf(
    std::string_view key, bool create) {
  if (auto it = new_ids_.find(absl::string_view(key.data(), key.size()));
      it != new_ids_.end()) {
    return std::optional<NodeId>(it->second);
  }
  auto id = db_->LookupId(key);
  if (!id.ok() || id->has_value() || !create) return id;
  NodeId fresh = next_node_id_++;
  new_ids_.emplace(std::string(key), fresh);
  staged_bytes_ += key.size() + kEntryOverhead;
  return std::optional<NodeId>(fresh);
}

absl::StatusOr<std::optional<std::string>> TransactionImpl::ViewNode(
    NodeId id) {
  if (auto it = nodes_.find(id); it != nodes_.end()) return it->second;
  return db_->ReadNodeRaw(id, pending_revision());
}

absl::StatusOr<bool> TransactionImpl::ViewEdgeExists(const EdgeTuple& e) {
  if (auto it = edges_.find(e); it != edges_.end()) {
    return it->second.has_value();
  }
  auto raw = db_->ReadEdgeRaw(std::get<0>(e), std::get<1>(e), std::get<2>(e),
                              pending_revision());
  if (!raw.ok()) return raw.status();
  return raw->has_value();
}

absl::StatusOr<Node> TransactionImpl::GetNode(std::string_view key) {
  if (auto st = CheckNotFinished(); !st.ok()) return st;
  auto id = IdOf(key, /*create=*/false);
  if (!id.ok()) return id.status();
  if (id->has_value()) {
    auto raw = ViewNode(**id);
    if (!raw.ok()) return raw.status();
    if (raw->has_value()) {
      return db_->MaterializeNode(**raw, **id, pending_revision(), registry_);
    }
  }
  return absl::NotFoundError(
      StrCat("node '", key, "' does not exist in this transaction"));
}

absl::Status TransactionImpl::PutNode(const Node& node) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  if (auto st = ValidateNodeContent(node); !st.ok()) return st;
  auto kind = registry_.FindNodeKind(node.kind, pending_revision());
  if (!kind) {
    return absl::InvalidArgumentError(StrCat(
        "node '", node.key, "': unknown node kind '", node.kind,
        "' (register it first)"));
  }
  auto id = IdOf(node.key, /*create=*/true);
  if (!id.ok()) return id.status();
  std::string record = EncodeNodeRecord(node.key, *kind, node.names, node.props);
  if (record.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(StrCat(
        "node '", node.key, "' encodes to ", record.size(),
        " bytes; the maximum is ", kMaxRecordBytes));
  }
  staged_bytes_ += record.size() + kEntryOverhead;
  nodes_[**id] = std::move(record);
  return MaybeFlush();
}

void TransactionImpl::StageEdge(const EdgeTuple& e,
                                std::optional<std::string> record) {
  staged_bytes_ += (record ? record->size() : 0) + 2 * kEntryOverhead;
  edges_[e] = std::move(record);
  staged_in_.insert({std::get<2>(e), std::get<1>(e), std::get<0>(e)});
}

absl::Status TransactionImpl::DeleteNode(std::string_view key) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  auto not_found = [&] {
    return absl::NotFoundError(StrCat("cannot delete node '", key,
                                            "': it does not exist"));
  };
  auto id = IdOf(key, /*create=*/false);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return not_found();
  const NodeId self = **id;
  auto raw = ViewNode(self);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return not_found();

  // Every edge touching the node: on disk at the pending revision, then
  // staged. Collect first, stage after, so scans do not see their own writes.
  std::vector<EdgeTuple> doomed;
  for (bool outgoing : {true, false}) {
    EdgeScanner scanner(*db_, outgoing);
    auto st = scanner.Scan(
        self, pending_revision(), {},
        [&](TypeId type, NodeId other, std::string_view) -> absl::Status {
          doomed.push_back(outgoing ? EdgeTuple{self, type, other}
                                    : EdgeTuple{other, type, self});
          return absl::OkStatus();
        });
    if (!st.ok()) return st;
  }
  for (auto it = edges_.lower_bound({self, 0, 0});
       it != edges_.end() && std::get<0>(it->first) == self; ++it) {
    doomed.push_back(it->first);
  }
  for (auto it = staged_in_.lower_bound({self, 0, 0});
       it != staged_in_.end() && std::get<0>(*it) == self; ++it) {
    doomed.push_back({std::get<2>(*it), std::get<1>(*it), self});
  }
  for (const auto& e : doomed) StageEdge(e, std::nullopt);
  staged_bytes_ += kEntryOverhead;
  nodes_[self] = std::nullopt;
  return MaybeFlush();
}

absl::Status TransactionImpl::PutEdge(const Edge& edge) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  const std::string what =
      StrCat("edge ", edge.from, " -[", edge.type, "]-> ", edge.to);
  auto type = registry_.FindEdgeType(edge.type, pending_revision());
  if (!type) {
    return absl::InvalidArgumentError(StrCat(
        what, ": unknown edge type '", edge.type, "' (register it first)"));
  }
  if (auto st = ValidateProperties(edge.props, what); !st.ok()) return st;
  NodeId ends[2];
  int i = 0;
  for (const std::string* key : {&edge.from, &edge.to}) {
    if (auto st = ValidateKey(*key); !st.ok()) {
      return absl::InvalidArgumentError(StrCat(what, ": ", st.message()));
    }
    auto id = IdOf(*key, /*create=*/false);
    if (!id.ok()) return id.status();
    bool exists = false;
    if (id->has_value()) {
      auto raw = ViewNode(**id);
      if (!raw.ok()) return raw.status();
      exists = raw->has_value();
    }
    if (!exists) {
      return absl::InvalidArgumentError(
          StrCat(what, ": node '", *key, "' does not exist"));
    }
    ends[i++] = **id;
  }
  std::string record = EncodeEdgeRecord(edge.props);
  if (record.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(StrCat(
        what, " encodes to ", record.size(), " bytes; the maximum is ",
        kMaxRecordBytes));
  }
  StageEdge({ends[0], *type, ends[1]}, std::move(record));
  return MaybeFlush();
}

absl::Status TransactionImpl::DeleteEdge(std::string_view from,
                                         std::string_view type,
                                         std::string_view to) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  auto not_found = [&] {
    return absl::NotFoundError(StrCat("cannot delete edge ", from, " -[",
                                            type, "]-> ", to,
                                            ": it does not exist"));
  };
  auto t = registry_.FindEdgeType(type, pending_revision());
  if (!t) return not_found();
  auto f = IdOf(from, false);
  if (!f.ok()) return f.status();
  auto d = IdOf(to, false);
  if (!d.ok()) return d.status();
  if (!f->has_value() || !d->has_value()) return not_found();
  EdgeTuple e{**f, *t, **d};
  auto exists = ViewEdgeExists(e);
  if (!exists.ok()) return exists.status();
  if (!*exists) return not_found();
  StageEdge(e, std::nullopt);
  return MaybeFlush();
}

absl::Status TransactionImpl::MaybeFlush() {
  if (staged_bytes_ < db_->options().txn_chunk_bytes) return absl::OkStatus();
  return Flush();
}

absl::Status TransactionImpl::Flush() {
  const Revision p = pending_revision();
  rocksdb::WriteBatch batch;
  for (const auto& [key, id] : new_ids_) {
    batch.Put(db_->cf(Cf::kKeys), key, U64(id));
    batch.Put(db_->cf(Cf::kIds), U64(id), key);
  }
  for (const auto& [id, record] : nodes_) {
    batch.Put(db_->cf(Cf::kNodes), NodeKey(id, p), record ? *record : "");
    batch.Put(db_->cf(Cf::kChangelog), ChangeNodeKey(p, id), "");
  }
  for (const auto& [e, record] : edges_) {
    auto [from, type, to] = e;
    batch.Put(db_->cf(Cf::kOutEdges), EdgeKey(from, type, to, p),
              record ? *record : "");
    batch.Put(db_->cf(Cf::kInEdges), EdgeKey(to, type, from, p),
              record ? "A" : "D");
    batch.Put(db_->cf(Cf::kChangelog), ChangeEdgeKey(p, from, type, to), "");
  }
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaNextNodeId),
            U64(next_node_id_));
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaPending), U64(p));
  rocksdb::WriteOptions wo;
  wo.sync = false;  // the commit's final write syncs the log up to here
  auto st = FromRocks(db_->rdb()->Write(wo, &batch),
                      StrCat("write chunk of revision ", p));
  if (!st.ok()) return st;
  flushed_ = true;
  new_ids_.clear();
  nodes_.clear();
  edges_.clear();
  staged_in_.clear();
  staged_bytes_ = 0;
  return absl::OkStatus();
}

absl::Status TransactionImpl::ValidateCommitInfo(const CommitInfo& info) const {
  if (info.message.size() > kMaxMessageBytes ||
      !IsValidUtf8(info.message)) {
    return absl::InvalidArgumentError(StrCat(
        "commit message must be valid UTF-8 of at most ", kMaxMessageBytes,
        " bytes"));
  }
  if (info.author.size() > 1024 || !IsValidUtf8(info.author)) {
    return absl::InvalidArgumentError(
        "commit author must be valid UTF-8 of at most 1024 bytes");
  }
  if (info.effective_date) {
    if (auto st = ValidateDate(*info.effective_date); !st.ok()) {
      return absl::InvalidArgumentError(
          StrCat("effective date: ", st.message()));
    }
  }
  for (size_t i = 0; i < info.tags.size(); ++i) {
    if (auto st = ValidateTagName(info.tags[i]); !st.ok()) return st;
    for (size_t j = 0; j < i; ++j) {
      if (info.tags[j] == info.tags[i]) {
        return absl::InvalidArgumentError(
            StrCat("tag '", info.tags[i], "' given twice"));
      }
    }
    auto existing = db_->Resolve(info.tags[i]);
    if (existing.ok()) {
      return absl::AlreadyExistsError(StrCat(
          "tag '", info.tags[i], "' already names revision ", *existing));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Revision> TransactionImpl::Commit(const CommitInfo& info) {
  if (auto st = CheckNotFinished(); !st.ok()) return st;
  if (auto st = ValidateCommitInfo(info); !st.ok()) return st;
  const Revision p = pending_revision();
  auto fail = [&](absl::Status st) -> absl::Status {
    Rollback();
    return absl::Status(st.code(), StrCat("commit of revision ", p,
                                                " failed and was rolled back: ",
                                                st.message()));
  };
  if (auto st = Flush(); !st.ok()) return fail(st);

  // Finalize: walk the change log once, drop changes that changed nothing,
  // and derive the digest, the counts and the kind index from the rest.
  auto base_info = db_->GetRevision(base_);
  if (!base_info.ok()) return fail(base_info.status());
  Digest digest = base_info->digest;
  int64_t nodes = static_cast<int64_t>(base_info->node_count);
  int64_t edges = static_cast<int64_t>(base_info->edge_count);
  uint64_t changes = 0;
  NodeReader node_reader(*db_);
  EdgeReader edge_reader(*db_);
  absl::flat_hash_map<NodeId, std::string> key_cache;
  auto key_of = [&](NodeId id) -> absl::StatusOr<std::string> {
    if (auto it = key_cache.find(id); it != key_cache.end()) return it->second;
    auto k = db_->KeyOf(id);
    if (!k.ok()) return k.status();
    if (key_cache.size() > (1 << 20)) key_cache.clear();
    key_cache.emplace(id, *k);
    return k;
  };
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions unsynced;
  auto st = db_->ForEachChange(p, [&](std::string_view ckey) -> absl::Status {
    const char* q = ckey.data() + 9;
    if (ckey[8] == kChangeNode) {
      NodeId id = GetBE64(q);
      std::optional<std::string> before, after;
      for (auto [rev, out] : {std::pair{base_, &before}, std::pair{p, &after}}) {
        auto raw = node_reader.Read(id, rev);
        if (!raw.ok()) return raw.status();
        if (raw->has_value()) *out = std::string(**raw);
      }
      if (before == after) {
        batch.Delete(db_->cf(Cf::kNodes), NodeKey(id, p));
        batch.Delete(db_->cf(Cf::kChangelog), std::string(ckey));
      } else {
        ++changes;
        for (auto [raw, sign] : {std::pair{&before, -1}, std::pair{&after, 1}}) {
          if (!raw->has_value()) continue;
          auto node = db_->MaterializeNode(**raw, id, p, registry_);
          if (!node.ok()) return node.status();
          Digest h = NodeDigest(*node);
          digest = sign > 0 ? DigestAdd(digest, h) : DigestSub(digest, h);
          nodes += sign;
          auto kind = DecodeNodeKind(**raw);
          if (!kind.ok()) return kind.status();
          // Index only kind changes: a node keeping its kind keeps its entry.
          auto other_kind = DecodeNodeKind(
              sign > 0 ? (before ? *before : std::string())
                       : (after ? *after : std::string()));
          bool same_kind = other_kind.ok() && *other_kind == *kind;
          if (!same_kind) {
            batch.Put(db_->cf(Cf::kKindIndex), KindIndexKey(*kind, id, p),
                      sign > 0 ? "A" : "D");
          }
        }
      }
    } else {
      NodeId from = GetBE64(q);
      TypeId type = GetBE32(q + 8);
      NodeId to = GetBE64(q + 12);
      std::optional<std::string> before, after;
      for (auto [rev, out] : {std::pair{base_, &before}, std::pair{p, &after}}) {
        auto raw = edge_reader.Read(from, type, to, rev);
        if (!raw.ok()) return raw.status();
        if (raw->has_value()) *out = std::string(**raw);
      }
      if (before == after) {
        batch.Delete(db_->cf(Cf::kOutEdges), EdgeKey(from, type, to, p));
        batch.Delete(db_->cf(Cf::kInEdges), EdgeKey(to, type, from, p));
        batch.Delete(db_->cf(Cf::kChangelog), std::string(ckey));
      } else {
        ++changes;
        const std::string* type_name = registry_.Name(type);
        if (type_name == nullptr) {
          return absl::DataLossError(
              StrCat("unknown edge type id ", type));
        }
        auto fk = key_of(from);
        if (!fk.ok()) return fk.status();
        auto tk = key_of(to);
        if (!tk.ok()) return tk.status();
        for (auto [raw, sign] : {std::pair{&before, -1}, std::pair{&after, 1}}) {
          if (!raw->has_value()) continue;
          auto props = DecodeEdgeRecord(**raw);
          if (!props.ok()) return props.status();
          Digest h = EdgeDigest(Edge{*fk, *type_name, *tk, *std::move(props)});
          digest = sign > 0 ? DigestAdd(digest, h) : DigestSub(digest, h);
          edges += sign;
        }
      }
    }
    if (batch.GetDataSize() >= db_->options().txn_chunk_bytes) {
      auto s = db_->rdb()->Write(unsynced, &batch);
      if (!s.ok()) return FromRocks(s, "write commit index");
      batch.Clear();
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return fail(st);

  RevisionInfo rev;
  rev.number = p;
  rev.parent = base_;
  rev.commit_time_micros = absl::ToUnixMicros(absl::Now());
  rev.author = info.author;
  rev.message = info.message;
  rev.effective_date = info.effective_date;
  rev.digest = digest;
  rev.node_count = static_cast<uint64_t>(nodes);
  rev.edge_count = static_cast<uint64_t>(edges);
  rev.change_count = changes;
  batch.Put(db_->cf(Cf::kRevisions), RevKey(p), EncodeRevisionRecord(rev));
  for (const auto& t : info.tags) batch.Put(db_->cf(Cf::kTags), t, RevKey(p));
  for (const auto& e : registrations_) {
    batch.Put(db_->cf(Cf::kRegistry), Registry::EncodeKey(e),
              Registry::EncodeValue(e));
  }
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaNextTypeId),
            U64(next_type_id_));
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaNextNodeId),
            U64(next_node_id_));
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaHead), U64(p));
  batch.Delete(db_->cf(Cf::kDefault), std::string(kMetaPending));
  rocksdb::WriteOptions final_write;
  final_write.sync = db_->options().sync;
  if (auto s = db_->rdb()->Write(final_write, &batch); !s.ok()) {
    return fail(FromRocks(s, "write head"));
  }
  // Durable from here on: publish to readers.
  rev.tags = info.tags;
  auto published =
      db_->PublishCommit(rev, registrations_, info.tags, next_node_id_);
  Finish(false);
  if (!published.ok()) return published;
  return p;
}

void TransactionImpl::Rollback() {
  if (finished_) return;
  bool leftovers = false;
  if (flushed_) {
    // If this fails, the pending marker stays; the next Begin or open
    // removes the leftovers, which are invisible meanwhile.
    leftovers = !db_->RemovePending(pending_revision()).ok();
  }
  Finish(leftovers);
}

void TransactionImpl::Finish(bool leftovers) {
  finished_ = true;
  nodes_.clear();
  edges_.clear();
  staged_in_.clear();
  new_ids_.clear();
  db_->EndTransaction(next_node_id_, leftovers);
}

}  // namespace critgraph::storage
