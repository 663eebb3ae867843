#include "storage/transaction_impl.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "critgraph/options.h"
#include "rocksdb/write_batch.h"
#include "storage/db_impl.h"
#include "storage/edge_scanner.h"
#include "storage/hash.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "storage/str_cat.h"
#include "storage/validate.h"

namespace critgraph::storage {
namespace {

constexpr size_t kEntryOverhead = 64;  // rough bytes of bookkeeping per op
// Bound on each in-memory cache of a transaction (key->id, known-alive ids,
// id->key), so memory stays bounded however large the transaction.
constexpr size_t kMaxCachedIds = size_t{1} << 20;

std::string U64(uint64_t v) {
  std::string s;
  PutBE64(&s, v);
  return s;
}

}  // namespace

TransactionImpl::TransactionImpl(DBImpl* db, const RevisionInfo& base,
                                 const Registry& registry, NodeId next_node_id,
                                 TypeId next_type_id)
    : db_(db),
      base_(base.number),
      registry_(registry),
      next_type_id_(next_type_id),
      next_node_id_(next_node_id),
      first_new_id_(next_node_id),
      digest_(base.digest),
      node_count_(static_cast<int64_t>(base.node_count)),
      edge_count_(static_cast<int64_t>(base.edge_count)) {}

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
  const absl::string_view akey(key.data(), key.size());
  if (auto it = ids_.find(akey); it != ids_.end()) {
    return std::optional<NodeId>(it->second);
  }
  auto id = db_->LookupId(key);
  if (!id.ok()) return id;
  if (id->has_value()) {
    ids_.emplace(std::string(key), **id);
    return id;
  }
  if (!create) return id;
  NodeId fresh = next_node_id_++;
  ids_.emplace(std::string(key), fresh);
  unflushed_keys_.emplace_back(std::string(key), fresh);
  staged_bytes_ += 2 * key.size() + kEntryOverhead;
  return std::optional<NodeId>(fresh);
}

void TransactionImpl::NoteAlive(NodeId id) {
  if (alive_.size() >= kMaxCachedIds) alive_.clear();
  alive_.insert(id);
}

absl::StatusOr<bool> TransactionImpl::ViewNodeExists(NodeId id) {
  if (auto it = nodes_.find(id); it != nodes_.end()) {
    return it->second.record.has_value();
  }
  if (alive_.contains(id)) return true;
  // Nothing of this transaction has reached disk: a new id cannot exist.
  if (id >= first_new_id_ && flushes_ == 0) return false;
  if (!view_nodes_) view_nodes_ = std::make_unique<NodeReader>(*db_);
  auto raw = view_nodes_->Read(id, pending_revision());
  if (!raw.ok()) return raw.status();
  if (raw->has_value()) NoteAlive(id);
  return raw->has_value();
}

absl::StatusOr<bool> TransactionImpl::ViewEdgeExists(const EdgeTuple& e) {
  if (auto it = edges_.find(e); it != edges_.end()) {
    return it->second.record.has_value();
  }
  if (!view_edges_) view_edges_ = std::make_unique<EdgeReader>(*db_);
  auto raw = view_edges_->Read(std::get<0>(e), std::get<1>(e), std::get<2>(e),
                               pending_revision());
  if (!raw.ok()) return raw.status();
  return raw->has_value();
}

absl::StatusOr<std::string> TransactionImpl::KeyOf(NodeId id) {
  if (auto it = keys_.find(id); it != keys_.end()) return it->second;
  auto key = db_->KeyOf(id);
  if (!key.ok()) return key.status();
  if (keys_.size() >= kMaxCachedIds) keys_.clear();
  keys_.emplace(id, *key);
  return key;
}

absl::StatusOr<Node> TransactionImpl::GetNode(std::string_view key) {
  if (auto st = CheckNotFinished(); !st.ok()) return st;
  auto id = IdOf(key, /*create=*/false);
  if (!id.ok()) return id.status();
  if (id->has_value()) {
    std::optional<std::string> raw;
    if (auto it = nodes_.find(**id); it != nodes_.end()) {
      raw = it->second.record;
    } else {
      auto disk = db_->ReadNodeRaw(**id, pending_revision());
      if (!disk.ok()) return disk.status();
      raw = *std::move(disk);
    }
    if (raw.has_value()) {
      return db_->MaterializeNode(*raw, **id, pending_revision(), registry_);
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
    return absl::InvalidArgumentError(
        StrCat("node '", node.key, "': unknown node kind '", node.kind,
               "' (register it first)"));
  }
  auto id = IdOf(node.key, /*create=*/true);
  if (!id.ok()) return id.status();
  std::string record =
      EncodeNodeRecord(node.key, *kind, node.names, node.props);
  if (record.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(
        StrCat("node '", node.key, "' encodes to ", record.size(),
               " bytes; the maximum is ", kMaxRecordBytes));
  }
  staged_bytes_ += record.size() + kEntryOverhead;
  nodes_[**id] = StagedNode{std::move(record), *kind, NodeDigest(node)};
  NoteAlive(**id);
  return MaybeFlush();
}

void TransactionImpl::StageEdge(const EdgeTuple& e, StagedEdge staged) {
  staged_bytes_ +=
      (staged.record ? staged.record->size() : 0) + 2 * kEntryOverhead;
  edges_[e] = std::move(staged);
  staged_in_.insert({std::get<2>(e), std::get<1>(e), std::get<0>(e)});
}

absl::Status TransactionImpl::DeleteNode(std::string_view key) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  auto not_found = [&] {
    return absl::NotFoundError(
        StrCat("cannot delete node '", key, "': it does not exist"));
  };
  auto id = IdOf(key, /*create=*/false);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return not_found();
  const NodeId self = **id;
  auto exists = ViewNodeExists(self);
  if (!exists.ok()) return exists.status();
  if (!*exists) return not_found();

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
  for (const auto& e : doomed) StageEdge(e, StagedEdge{});
  staged_bytes_ += kEntryOverhead;
  nodes_[self] = StagedNode{};
  alive_.erase(self);
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
      auto alive = ViewNodeExists(**id);
      if (!alive.ok()) return alive.status();
      exists = *alive;
    }
    if (!exists) {
      return absl::InvalidArgumentError(
          StrCat(what, ": node '", *key, "' does not exist"));
    }
    ends[i++] = **id;
  }
  std::string record = EncodeEdgeRecord(edge.props);
  if (record.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(
        StrCat(what, " encodes to ", record.size(), " bytes; the maximum is ",
               kMaxRecordBytes));
  }
  StageEdge({ends[0], *type, ends[1]},
            StagedEdge{std::move(record), EdgeDigest(edge)});
  return MaybeFlush();
}

absl::Status TransactionImpl::DeleteEdge(std::string_view from,
                                         std::string_view type,
                                         std::string_view to) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  auto not_found = [&] {
    return absl::NotFoundError(StrCat("cannot delete edge ", from, " -[", type,
                                      "]-> ", to, ": it does not exist"));
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
  StageEdge(e, StagedEdge{});
  return MaybeFlush();
}

absl::Status TransactionImpl::MaybeFlush() {
  if (staged_bytes_ < db_->options().txn_chunk_bytes &&
      ids_.size() < kMaxCachedIds) {
    return absl::OkStatus();
  }
  return Flush();
}

absl::Status TransactionImpl::Flush() {
  const Revision p = pending_revision();
  rocksdb::WriteBatch batch;
  for (const auto& [key, id] : unflushed_keys_) {
    batch.Put(db_->cf(Cf::kKeys), key, U64(id));
    batch.Put(db_->cf(Cf::kIds), U64(id), key);
  }
  // Readers created now see every earlier chunk: the previous version of an
  // entity at P is either this transaction's earlier write or HEAD's.
  NodeReader nodes(*db_);
  EdgeReader edges(*db_);
  // Keys of the in_edges and changelog families are collected and appended
  // in sorted order: sorted inserts into a memtable skip list are cheaper.
  std::vector<std::pair<std::string, const char*>> in_puts;
  std::vector<std::string> changelog_puts;
  for (auto& entry : nodes_) {
    // Named variables, not structured bindings: the lambdas below capture
    // them, which clang rejects for bindings before C++20.
    const NodeId id = entry.first;
    StagedNode& staged = entry.second;
    std::optional<std::string> prev;
    Revision prev_rev = 0;
    if (!(id >= first_new_id_ && flushes_ == 0)) {
      auto raw = nodes.Read(id, p);
      if (!raw.ok()) return raw.status();
      if (raw->has_value()) prev = std::string(**raw);
      prev_rev = nodes.found_rev();
    }
    if (prev == staged.record) continue;  // changes nothing
    auto kind_of =
        [](const std::optional<std::string>& r) -> std::optional<TypeId> {
      if (!r) return std::nullopt;
      auto k = DecodeNodeKind(*r);
      return k.ok() ? std::optional<TypeId>(*k) : std::nullopt;
    };
    auto digest_of = [&](const std::string& raw) -> absl::StatusOr<Digest> {
      auto node = db_->MaterializeNode(raw, id, p, registry_);
      if (!node.ok()) return node.status();
      return NodeDigest(*node);
    };
    if (prev) {
      auto h = digest_of(*prev);
      if (!h.ok()) return h.status();
      digest_ = DigestSub(digest_, *h);
      --node_count_;
    }
    if (prev_rev == p) {
      // Written by an earlier chunk. If this version restores HEAD's, the
      // entity did not change at all: remove what the earlier chunk wrote.
      auto raw = nodes.Read(id, base_);
      if (!raw.ok()) return raw.status();
      std::optional<std::string> base_value;
      if (raw->has_value()) base_value = std::string(**raw);
      if (base_value == staged.record) {
        for (const auto& r : {prev, base_value}) {
          if (auto k = kind_of(r)) {
            batch.Delete(db_->cf(Cf::kKindIndex), KindIndexKey(*k, id, p));
          }
        }
        batch.Delete(db_->cf(Cf::kNodes), NodeKey(id, p));
        batch.Delete(db_->cf(Cf::kChangelog), ChangeNodeKey(p, id));
        if (base_value) {
          auto h = digest_of(*base_value);
          if (!h.ok()) return h.status();
          digest_ = DigestAdd(digest_, *h);
          ++node_count_;
        }
        --changes_;
        continue;
      }
    } else {
      ++changes_;
    }
    if (staged.record) {
      digest_ = DigestAdd(digest_, staged.digest);
      ++node_count_;
    }
    // The kind index records only entering and leaving a kind.
    std::optional<TypeId> old_kind = kind_of(prev);
    std::optional<TypeId> new_kind;
    if (staged.record) new_kind = staged.kind;
    if (old_kind != new_kind) {
      if (old_kind) {
        batch.Put(db_->cf(Cf::kKindIndex), KindIndexKey(*old_kind, id, p), "D");
      }
      if (new_kind) {
        batch.Put(db_->cf(Cf::kKindIndex), KindIndexKey(*new_kind, id, p), "A");
      }
    }
    batch.Put(db_->cf(Cf::kNodes), NodeKey(id, p),
              staged.record ? *staged.record : "");
    changelog_puts.push_back(ChangeNodeKey(p, id));
  }
  for (auto& entry : edges_) {
    const EdgeTuple& e = entry.first;
    StagedEdge& staged = entry.second;
    const NodeId from = std::get<0>(e);
    const TypeId type = std::get<1>(e);
    const NodeId to = std::get<2>(e);
    std::optional<std::string> prev;
    Revision prev_rev = 0;
    if (!((from >= first_new_id_ || to >= first_new_id_) && flushes_ == 0)) {
      auto raw = edges.Read(from, type, to, p);
      if (!raw.ok()) return raw.status();
      if (raw->has_value()) prev = std::string(**raw);
      prev_rev = edges.found_rev();
    }
    if (prev == staged.record) continue;
    auto digest_of = [&](const std::string& raw) -> absl::StatusOr<Digest> {
      const std::string* type_name = registry_.Name(type);
      if (type_name == nullptr) {
        return absl::DataLossError(StrCat("unknown edge type id ", type));
      }
      auto props = DecodeEdgeRecord(raw);
      if (!props.ok()) return db_->DataLoss("corrupted out-edge", from, p);
      auto fk = KeyOf(from);
      if (!fk.ok()) return fk.status();
      auto tk = KeyOf(to);
      if (!tk.ok()) return tk.status();
      return EdgeDigest(Edge{*fk, *type_name, *tk, *std::move(props)});
    };
    if (prev) {
      auto h = digest_of(*prev);
      if (!h.ok()) return h.status();
      digest_ = DigestSub(digest_, *h);
      --edge_count_;
    }
    if (prev_rev == p) {
      auto raw = edges.Read(from, type, to, base_);
      if (!raw.ok()) return raw.status();
      std::optional<std::string> base_value;
      if (raw->has_value()) base_value = std::string(**raw);
      if (base_value == staged.record) {
        batch.Delete(db_->cf(Cf::kOutEdges), EdgeKey(from, type, to, p));
        batch.Delete(db_->cf(Cf::kInEdges), EdgeKey(to, type, from, p));
        batch.Delete(db_->cf(Cf::kChangelog), ChangeEdgeKey(p, from, type, to));
        if (base_value) {
          auto h = digest_of(*base_value);
          if (!h.ok()) return h.status();
          digest_ = DigestAdd(digest_, *h);
          ++edge_count_;
        }
        --changes_;
        continue;
      }
    } else {
      ++changes_;
    }
    if (staged.record) {
      digest_ = DigestAdd(digest_, staged.digest);
      ++edge_count_;
    }
    batch.Put(db_->cf(Cf::kOutEdges), EdgeKey(from, type, to, p),
              staged.record ? *staged.record : "");
    in_puts.emplace_back(EdgeKey(to, type, from, p), staged.record ? "A" : "D");
    changelog_puts.push_back(ChangeEdgeKey(p, from, type, to));
  }
  std::sort(in_puts.begin(), in_puts.end());
  for (const auto& [key, value] : in_puts) {
    batch.Put(db_->cf(Cf::kInEdges), key, value);
  }
  std::sort(changelog_puts.begin(), changelog_puts.end());
  for (const auto& key : changelog_puts) {
    batch.Put(db_->cf(Cf::kChangelog), key, "");
  }
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaNextNodeId),
            U64(next_node_id_));
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaPending), U64(p));
  rocksdb::WriteOptions wo;
  wo.sync = false;  // the commit's final write syncs the log up to here
  auto st = FromRocks(db_->rdb()->Write(wo, &batch),
                      StrCat("write chunk of revision ", p));
  if (!st.ok()) return st;
  ++flushes_;
  unflushed_keys_.clear();
  if (ids_.size() >= kMaxCachedIds) ids_.clear();
  nodes_.clear();
  edges_.clear();
  staged_in_.clear();
  staged_bytes_ = 0;
  view_nodes_.reset();
  view_edges_.reset();
  return absl::OkStatus();
}

absl::Status TransactionImpl::ValidateCommitInfo(const CommitInfo& info) const {
  if (info.message.size() > kMaxMessageBytes || !IsValidUtf8(info.message)) {
    return absl::InvalidArgumentError(
        StrCat("commit message must be valid UTF-8 of at most ",
               kMaxMessageBytes, " bytes"));
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
    return absl::Status(st.code(),
                        StrCat("commit of revision ", p,
                               " failed and was rolled back: ", st.message()));
  };
  if (auto st = Flush(); !st.ok()) return fail(st);

  rocksdb::WriteBatch batch;
  RevisionInfo rev;
  rev.number = p;
  rev.parent = base_;
  rev.commit_time_micros = absl::ToUnixMicros(absl::Now());
  rev.author = info.author;
  rev.message = info.message;
  rev.effective_date = info.effective_date;
  rev.digest = digest_;
  rev.node_count = static_cast<uint64_t>(node_count_);
  rev.edge_count = static_cast<uint64_t>(edge_count_);
  rev.change_count = changes_;
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

absl::StatusOr<Revision> TransactionImpl::Seal(const CommitInfo&) {
  return absl::UnimplementedError("Seal");
}

absl::StatusOr<Revision> TransactionImpl::Publish() {
  return absl::UnimplementedError("Publish");
}

void TransactionImpl::Rollback() {
  if (finished_) return;
  bool leftovers = false;
  if (flushes_ > 0) {
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
  ids_.clear();
  unflushed_keys_.clear();
  alive_.clear();
  keys_.clear();
  view_nodes_.reset();
  view_edges_.reset();
  db_->EndTransaction(next_node_id_, leftovers);
}

}  // namespace critgraph::storage
