#include "storage/transaction_impl.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/time/clock.h"
#include "critgraph/options.h"
#include "rocksdb/write_batch.h"
#include "storage/chunk_writer.h"
#include "storage/db_impl.h"
#include "storage/edge_scanner.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "storage/validate.h"
#include "util/hash.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

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
      head_(base.number),
      base_(base.number),
      registry_(registry),
      next_type_id_(next_type_id),
      next_node_id_(next_node_id),
      first_new_id_(next_node_id),
      new_nodes_(next_node_id),
      digest_(base.digest),
      node_count_(static_cast<int64_t>(base.node_count)),
      edge_count_(static_cast<int64_t>(base.edge_count)),
      deferred_(*db) {
  if (!base.nodes_by_kind || !base.edges_by_type) return;
  type_counts_known_ = true;
  for (const auto& [name, n] : *base.nodes_by_kind) {
    auto id = registry_.FindNodeKind(name, base.number);
    if (!id) type_counts_known_ = false;  // cannot happen; rescan
    if (id) kind_counts_[*id] = static_cast<int64_t>(n);
  }
  for (const auto& [name, n] : *base.edges_by_type) {
    auto id = registry_.FindEdgeType(name, base.number);
    if (!id) type_counts_known_ = false;
    if (id) edge_type_counts_[*id] = static_cast<int64_t>(n);
  }
}

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
  RETURN_IF_ERROR(CheckNotFinished());
  ++ops_since_seal_;
  if (++ops_ > db_->options().max_txn_ops) {
    return absl::InvalidArgumentError(
        StrCat("transaction exceeds the limit of ", db_->options().max_txn_ops,
               " operations (Options::max_txn_ops); split it into several "
               "commits"));
  }
  return absl::OkStatus();
}

absl::Status TransactionImpl::Register(std::string_view name, bool edge_type) {
  RETURN_IF_ERROR(CheckOpen());
  RETURN_IF_ERROR(ValidateTypeName(name));
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

bool TransactionImpl::KnownAbsent(NodeId id) const {
  return IsNewId(id) && !new_nodes_.written(id);
}

bool TransactionImpl::KnownAbsent(const EdgeTuple& e) const {
  return (IsNewId(std::get<0>(e)) || IsNewId(std::get<2>(e))) &&
         !edges_written_.MayContain(absl::HashOf(e));
}

absl::StatusOr<bool> TransactionImpl::ViewNodeExists(NodeId id) {
  if (auto it = nodes_.find(id); it != nodes_.end()) {
    return it->second.record.has_value();
  }
  // A node this transaction created is on disk as its chunks left it.
  if (IsNewId(id)) return new_nodes_.alive(id);
  if (alive_.contains(id)) return true;
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
  if (KnownAbsent(e)) return false;
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
  RETURN_IF_ERROR(CheckNotFinished());
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
  RETURN_IF_ERROR(CheckOpen());
  RETURN_IF_ERROR(ValidateNodeContent(node));
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
  RETURN_IF_ERROR(CheckOpen());
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
  // The in-edge scan must see earlier chunks' deferred writes.
  if (deferral_ == Deferral::kOn) {
    deferral_ = Deferral::kOff;
    if (auto st = deferred_.MergeAndIngest(
            StrCat("write in-edges of revision ", pending_revision()));
        !st.ok()) {
      return FailCommit(st);
    }
  }
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
  RETURN_IF_ERROR(CheckOpen());
  // Built only for an error message: a bulk load calls this per edge.
  auto what = [&] {
    return StrCat("edge ", edge.from, " -[", edge.type, "]-> ", edge.to);
  };
  auto type = registry_.FindEdgeType(edge.type, pending_revision());
  if (!type) {
    return absl::InvalidArgumentError(StrCat(
        what(), ": unknown edge type '", edge.type, "' (register it first)"));
  }
  if (!ValidateProperties(edge.props, "").ok()) {
    return ValidateProperties(edge.props, what());  // the same error, named
  }
  NodeId ends[2];
  int i = 0;
  for (const std::string* key : {&edge.from, &edge.to}) {
    if (auto st = ValidateKey(*key); !st.ok()) {
      return absl::InvalidArgumentError(StrCat(what(), ": ", st.message()));
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
          StrCat(what(), ": node '", *key, "' does not exist"));
    }
    ends[i++] = **id;
  }
  std::string record = EncodeEdgeRecord(edge.props);
  if (record.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(
        StrCat(what(), " encodes to ", record.size(), " bytes; the maximum is ",
               kMaxRecordBytes));
  }
  StageEdge({ends[0], *type, ends[1]},
            StagedEdge{std::move(record), EdgeDigest(edge)});
  return MaybeFlush();
}

absl::Status TransactionImpl::DeleteEdge(std::string_view from,
                                         std::string_view type,
                                         std::string_view to) {
  RETURN_IF_ERROR(CheckOpen());
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

// Counts one change before -> after (which differ) into `t`.
static void AddTally(ChangeTally* t, const std::optional<std::string>& before,
                     const std::optional<std::string>& after, bool same_content,
                     int delta) {
  if (!before) {
    t->added += delta;
  } else if (!after) {
    t->removed += delta;
  } else if (!same_content) {
    t->modified += delta;
  }
}

// Both versions exist and hash alike: their bytes may differ (records
// written by another encoder) but their content, as Diff compares it, does
// not.
static bool SameContent(const std::optional<std::string>& a, const Digest& da,
                        const std::optional<std::string>& b, const Digest& db) {
  return a && b && da == db;
}

// An owned copy of a reader's result, whose view dies at the next read.
absl::StatusOr<std::optional<std::string>> Owned(
    absl::StatusOr<std::optional<std::string_view>> raw) {
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<std::string>();
  return std::optional<std::string>(std::string(**raw));
}

// The part of spilling one staged entity (node or edge) that both share:
// compare with the previous version at P, keep the running digest and count
// exact, and keep the change log exact when a later chunk restores what an
// earlier chunk of the same revision changed. `Ops` supplies the entity's own
// reads and writes:
//   Read(rev) -> StatusOr<optional<string>>, found_rev() of that read;
//   DigestOf(raw) -> StatusOr<Digest>;
//   CountType(raw, delta): adjust the per-type count of the version `raw`;
//   Tally(before, after, same_content, delta): count the change before ->
//     after (added, removed, or modified unless both hold the same content
//     in different bytes, which Diff does not report) in the pending
//     revision's changes;
//   Unwrite(prev, base): remove what an earlier chunk wrote at P (the
//     record, its index entries and its change-log entry);
//   Write(old, staged): write the new version at P, relative to `old`, the
//     version at the revision below P.
template <typename Ops>
absl::Status TransactionImpl::Spill(const std::optional<std::string>& staged,
                                    const Digest& staged_digest,
                                    bool known_absent, int64_t* count,
                                    Ops& ops) {
  const Revision p = pending_revision();
  std::optional<std::string> prev;
  Revision prev_rev = 0;
  if (!known_absent) {
    ASSIGN_OR_RETURN(prev, ops.Read(p));
    prev_rev = ops.found_rev();
  }
  if (prev == staged) return absl::OkStatus();  // changes nothing
  Digest prev_digest;
  if (prev) {
    ASSIGN_OR_RETURN(prev_digest, ops.DigestOf(*prev));
    digest_ = DigestSub(digest_, prev_digest);
    --*count;
    RETURN_IF_ERROR(ops.CountType(*prev, -1));
  }
  std::optional<std::string> old = prev;
  Digest old_digest = prev_digest;
  if (prev_rev == p) {
    // Written by an earlier chunk of this revision: take that write back, so
    // what stays at P is relative to the revision below it.
    ASSIGN_OR_RETURN(old, ops.Read(base_));
    if (old) {
      ASSIGN_OR_RETURN(old_digest, ops.DigestOf(*old));
    }
    RETURN_IF_ERROR(ops.Tally(
        old, prev, SameContent(old, old_digest, prev, prev_digest), -1));
    RETURN_IF_ERROR(ops.Unwrite(prev, old));
    if (old == staged) {
      // Restored: the entity did not change in this revision at all.
      if (old) {
        digest_ = DigestAdd(digest_, old_digest);
        ++*count;
        RETURN_IF_ERROR(ops.CountType(*old, 1));
      }
      --changes_;
      return absl::OkStatus();
    }
  } else {
    ++changes_;
  }
  if (staged) {
    digest_ = DigestAdd(digest_, staged_digest);
    ++*count;
    RETURN_IF_ERROR(ops.CountType(*staged, 1));
  }
  RETURN_IF_ERROR(ops.Tally(
      old, staged, SameContent(old, old_digest, staged, staged_digest), 1));
  return ops.Write(old, staged);
}

// Spills one node: record, kind-index entries on entering or leaving a kind,
// change-log entry.
class TransactionImpl::NodeSpillOps {
 public:
  NodeSpillOps(TransactionImpl& txn, NodeReader& reader, ChunkWriter& batch,
               NodeId id, TypeId staged_kind)
      : txn_(txn),
        reader_(reader),
        batch_(batch),
        id_(id),
        staged_kind_(staged_kind),
        p_(txn.pending_revision()) {}

  absl::StatusOr<std::optional<std::string>> Read(Revision rev) {
    return Owned(reader_.Read(id_, rev));
  }
  Revision found_rev() const { return reader_.found_rev(); }
  absl::StatusOr<Digest> DigestOf(const std::string& raw) {
    ASSIGN_OR_RETURN(Node node,
                     txn_.db_->MaterializeNode(raw, id_, p_, txn_.registry_));
    return NodeDigest(node);
  }
  absl::Status CountType(const std::string& raw, int delta) {
    ASSIGN_OR_RETURN(std::optional<TypeId> kind, KindOf(raw));
    txn_.kind_counts_[*kind] += delta;
    return absl::OkStatus();
  }
  absl::Status Tally(const std::optional<std::string>& before,
                     const std::optional<std::string>& after, bool same_content,
                     int delta) {
    // Under the kind the node has after the change, as DiffStat counts it.
    ASSIGN_OR_RETURN(std::optional<TypeId> kind,
                     KindOf(after ? after : before));
    AddTally(&txn_.kind_changes_[*kind], before, after, same_content, delta);
    return absl::OkStatus();
  }
  absl::Status Unwrite(const std::optional<std::string>& prev,
                       const std::optional<std::string>& base) {
    for (const auto* r : {&prev, &base}) {
      ASSIGN_OR_RETURN(auto kind, KindOf(*r));
      if (kind) {
        batch_.Delete(Cf::kKindIndex, KindIndexKey(*kind, id_, p_));
      }
    }
    batch_.Delete(Cf::kNodes, NodeKey(id_, p_));
    batch_.Delete(Cf::kChangelog, ChangeNodeKey(p_, id_));
    return absl::OkStatus();
  }
  absl::Status Write(const std::optional<std::string>& old,
                     const std::optional<std::string>& staged) {
    ASSIGN_OR_RETURN(std::optional<TypeId> old_kind, KindOf(old));
    std::optional<TypeId> new_kind;
    if (staged) new_kind = staged_kind_;
    if (old_kind != new_kind) {
      if (old_kind) {
        batch_.Put(Cf::kKindIndex, KindIndexKey(*old_kind, id_, p_), "D");
      }
      if (new_kind) {
        batch_.Put(Cf::kKindIndex, KindIndexKey(*new_kind, id_, p_), "A");
      }
    }
    batch_.Put(Cf::kNodes, NodeKey(id_, p_), staged ? *staged : "");
    batch_.Put(Cf::kChangelog, ChangeNodeKey(p_, id_), "");
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::optional<TypeId>> KindOf(
      const std::optional<std::string>& raw) {
    if (!raw) return std::optional<TypeId>();
    auto kind = DecodeNodeKind(*raw);
    if (!kind.ok()) return txn_.db_->DataLoss("corrupted record", id_, p_);
    return std::optional<TypeId>(*kind);
  }

  TransactionImpl& txn_;
  NodeReader& reader_;
  ChunkWriter& batch_;
  const NodeId id_;
  const TypeId staged_kind_;
  const Revision p_;
};

// Spills one edge: out-edge record, in-edge entry, change-log entry.
// Mirrors NodeSpillOps member for member: both are policies of one spill
// template, and each keys its writes differently (node id vs edge triple).
class TransactionImpl::EdgeSpillOps {
 public:
  EdgeSpillOps(TransactionImpl& txn, EdgeReader& reader, ChunkWriter& batch,
               const EdgeTuple& e)
      : txn_(txn),
        reader_(reader),
        batch_(batch),
        from_(std::get<0>(e)),
        type_(std::get<1>(e)),
        to_(std::get<2>(e)),
        p_(txn.pending_revision()) {}

  absl::StatusOr<std::optional<std::string>> Read(Revision rev) {
    return Owned(reader_.Read(from_, type_, to_, rev));
  }
  Revision found_rev() const { return reader_.found_rev(); }
  absl::StatusOr<Digest> DigestOf(const std::string& raw) {
    const std::string* type_name = txn_.registry_.Name(type_);
    if (type_name == nullptr) {
      return absl::DataLossError(StrCat("unknown edge type id ", type_));
    }
    auto props = DecodeEdgeRecord(raw);
    if (!props.ok()) return txn_.db_->DataLoss("corrupted out-edge", from_, p_);
    ASSIGN_OR_RETURN(std::string from_key, txn_.KeyOf(from_));
    ASSIGN_OR_RETURN(std::string to_key, txn_.KeyOf(to_));
    return EdgeDigest(Edge{std::move(from_key), *type_name, std::move(to_key),
                           *std::move(props)});
  }
  absl::Status CountType(const std::string&, int delta) {
    txn_.edge_type_counts_[type_] += delta;
    return absl::OkStatus();
  }
  absl::Status Tally(const std::optional<std::string>& before,
                     const std::optional<std::string>& after, bool same_content,
                     int delta) {
    AddTally(&txn_.edge_type_changes_[type_], before, after, same_content,
             delta);
    return absl::OkStatus();
  }
  absl::Status Unwrite(const std::optional<std::string>&,
                       const std::optional<std::string>&) {
    batch_.Delete(Cf::kOutEdges, EdgeKey(from_, type_, to_, p_));
    batch_.Delete(Cf::kInEdges, EdgeKey(to_, type_, from_, p_));
    batch_.Delete(Cf::kChangelog, ChangeEdgeKey(p_, from_, type_, to_));
    return absl::OkStatus();
  }
  absl::Status Write(const std::optional<std::string>&,
                     const std::optional<std::string>& staged) {
    batch_.Put(Cf::kOutEdges, EdgeKey(from_, type_, to_, p_),
               staged ? *staged : "");
    batch_.Put(Cf::kInEdges, EdgeKey(to_, type_, from_, p_),
               staged ? "A" : "D");
    batch_.Put(Cf::kChangelog, ChangeEdgeKey(p_, from_, type_, to_), "");
    return absl::OkStatus();
  }

 private:
  TransactionImpl& txn_;
  EdgeReader& reader_;
  ChunkWriter& batch_;
  const NodeId from_;
  const TypeId type_;
  const NodeId to_;
  const Revision p_;
};

absl::Status TransactionImpl::ScanBaseTypeCounts() {
  kind_counts_.clear();
  edge_type_counts_.clear();
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot(base_));
  RETURN_IF_ERROR(snap->ForEachNode([&](const Node& n) -> absl::Status {
    auto kind = registry_.FindNodeKind(n.kind, base_);
    if (!kind) {
      return absl::DataLossError(StrCat("node '", n.key, "' at revision ",
                                        base_, " has unknown kind"));
    }
    ++kind_counts_[*kind];
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(snap->ForEachEdge([&](const Edge& e) -> absl::Status {
    auto type = registry_.FindEdgeType(e.type, base_);
    if (!type) {
      return absl::DataLossError(StrCat("edge ", e.from, " -[", e.type, "]-> ",
                                        e.to, " at revision ", base_,
                                        " has unknown type"));
    }
    ++edge_type_counts_[*type];
    return absl::OkStatus();
  }));
  type_counts_known_ = true;
  return absl::OkStatus();
}

absl::Status TransactionImpl::Flush() {
  // Nothing is written before the first flush, so base_ is still HEAD here.
  if (!type_counts_known_) RETURN_IF_ERROR(ScanBaseTypeCounts());
  ChunkWriter batch(*db_);
  for (const auto& [key, id] : unflushed_keys_) {
    batch.Put(Cf::kKeys, key, U64(id));
    batch.Put(Cf::kIds, U64(id), key);
  }
  // Readers created now see every earlier chunk: the previous version of an
  // entity at P is this transaction's earlier write, a sealed revision's, or
  // HEAD's.
  NodeReader nodes(*db_);
  EdgeReader edges(*db_);
  // An entity known to be absent needs no read (WrittenFilter).
  for (const auto& [id, staged] : nodes_) {
    NodeSpillOps ops(*this, nodes, batch, id, staged.kind);
    RETURN_IF_ERROR(Spill(staged.record, staged.digest, KnownAbsent(id),
                          &node_count_, ops));
    if (IsNewId(id)) new_nodes_.SetWritten(id, staged.record.has_value());
  }
  for (const auto& [e, staged] : edges_) {
    EdgeSpillOps ops(*this, edges, batch, e);
    RETURN_IF_ERROR(
        Spill(staged.record, staged.digest, KnownAbsent(e), &edge_count_, ops));
    if (IsNewId(std::get<0>(e)) || IsNewId(std::get<2>(e))) {
      edges_written_.Add(absl::HashOf(e));
    }
  }
  const std::string context =
      StrCat("write chunk of revision ", pending_revision());
  // The lowest unpublished revision: recovery removes it and everything
  // above it. A large chunk is ingested as SST files, durable at once, so
  // the marker must be durable before it; a small one rides in the chunk's
  // own batch, which the log orders before anything later.
  const size_t min_entries = db_->options().bulk_ingest_min_entries;
  const bool as_files = min_entries > 0 && batch.entries() >= min_entries;
  if (as_files) {
    rocksdb::WriteBatch meta;
    meta.Put(db_->cf(Cf::kDefault), std::string(kMetaNextNodeId),
             U64(next_node_id_));
    meta.Put(db_->cf(Cf::kDefault), std::string(kMetaPending), U64(head_ + 1));
    rocksdb::WriteOptions synced;
    synced.sync = true;
    RETURN_IF_ERROR(FromRocks(db_->rdb()->Write(synced, &meta), context));
  } else {
    batch.Put(Cf::kDefault, std::string(kMetaNextNodeId), U64(next_node_id_));
    batch.Put(Cf::kDefault, std::string(kMetaPending), U64(head_ + 1));
  }
  if (deferral_ == Deferral::kUndecided) {
    deferral_ = as_files ? Deferral::kOn : Deferral::kOff;
  }
  RETURN_IF_ERROR(batch.Write(
      as_files, deferral_ == Deferral::kOn ? &deferred_ : nullptr, context));
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
  if (info.effective_date && !info.backdate) {
    // The latest date below this revision: published ones, then those
    // sealed earlier in this transaction.
    auto latest = db_->LatestEffective();
    for (const RevisionInfo& sealed : sealed_) {
      if (sealed.effective_date &&
          (!latest || *sealed.effective_date >= latest->first)) {
        latest.emplace(*sealed.effective_date, sealed.number);
      }
    }
    if (latest && *info.effective_date < latest->first) {
      const std::string whose =
          latest->second == base_
              ? StrCat("revision ", base_, ", its parent")
              : StrCat("revision ", latest->second, " (below its parent, ",
                       "revision ", base_, ")");
      return absl::InvalidArgumentError(
          StrCat("effective date ", *info.effective_date, " is earlier than ",
                 latest->first, ", the effective date of ", whose,
                 "; commit with backdate (CLI: --backdate) to allow it"));
    }
  }
  for (size_t i = 0; i < info.tags.size(); ++i) {
    RETURN_IF_ERROR(ValidateTagName(info.tags[i]));
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
    for (const RevisionInfo& sealed : sealed_) {
      for (const std::string& t : sealed.tags) {
        if (t == info.tags[i]) {
          return absl::AlreadyExistsError(
              StrCat("tag '", t, "' already names revision ", sealed.number,
                     " of this transaction"));
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::Status TransactionImpl::FailCommit(const absl::Status& st) {
  const Revision first = head_ + 1;
  const Revision last = std::max(first, pending_revision());
  Rollback();
  return absl::Status(
      st.code(), StrCat("commit of ",
                        first == last ? StrCat("revision ", first)
                                      : StrCat("revisions ", first, "..", last),
                        " failed and was rolled back: ", st.message()));
}

absl::StatusOr<Revision> TransactionImpl::Commit(const CommitInfo& info) {
  auto sealed = Seal(info);
  if (!sealed.ok()) return sealed.status();
  return Publish();
}

absl::StatusOr<Revision> TransactionImpl::Seal(const CommitInfo& info) {
  RETURN_IF_ERROR(CheckNotFinished());
  RETURN_IF_ERROR(ValidateCommitInfo(info));
  const Revision p = pending_revision();
  if (auto st = Flush(); !st.ok()) return FailCommit(st);
  if (auto st = deferred_.MergeAndIngest(
          StrCat("write in-edges and kind index of revision ", p));
      !st.ok()) {
    return FailCommit(st);
  }
  deferral_ = Deferral::kUndecided;
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
  rev.tags = info.tags;
  RevisionTypeCounts counts;
  for (auto [running, out] :
       {std::pair{&kind_counts_, &counts.nodes_by_kind},
        std::pair{&edge_type_counts_, &counts.edges_by_type}}) {
    for (const auto& [type, n] : *running) {
      if (n < 0) {
        return FailCommit(absl::InternalError(
            StrCat("count of type id ", type, " went negative")));
      }
      if (n > 0) out->emplace_back(type, static_cast<uint64_t>(n));
    }
    std::sort(out->begin(), out->end());
  }
  for (auto [running, out] :
       {std::pair{&kind_changes_, &counts.node_changes},
        std::pair{&edge_type_changes_, &counts.edge_changes}}) {
    out->emplace();
    for (const auto& [type, t] : *running) {
      if (t.added < 0 || t.removed < 0 || t.modified < 0) {
        return FailCommit(absl::InternalError(
            StrCat("change tally of type id ", type, " went negative")));
      }
      if (t.added + t.removed + t.modified == 0) continue;
      (*out)->emplace_back(type,
                           ChangeCounts{static_cast<uint64_t>(t.added),
                                        static_cast<uint64_t>(t.removed),
                                        static_cast<uint64_t>(t.modified)});
    }
    std::sort((*out)->begin(), (*out)->end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    running->clear();
  }
  if (auto st = ResolveTypeCounts(counts, registry_, &rev); !st.ok()) {
    return FailCommit(st);
  }
  sealed_.push_back(std::move(rev));
  sealed_counts_.push_back(std::move(counts));
  // The next revision starts on top of this one; its view reads the sealed
  // chunks, which sit at or below its own number.
  base_ = p;
  changes_ = 0;
  ops_since_seal_ = 0;
  return p;
}

absl::StatusOr<Revision> TransactionImpl::Publish() {
  RETURN_IF_ERROR(CheckNotFinished());
  if (sealed_.empty()) {
    return absl::FailedPreconditionError(
        "nothing to publish: no revision has been sealed");
  }
  if (ops_since_seal_ > 0) {
    return absl::FailedPreconditionError(
        StrCat(ops_since_seal_,
               " operations are staged after the last sealed "
               "revision; seal or roll them back first"));
  }
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < sealed_.size(); ++i) {
    const RevisionInfo& rev = sealed_[i];
    batch.Put(db_->cf(Cf::kRevisions), RevKey(rev.number),
              EncodeRevisionRecord(rev, &sealed_counts_[i]));
    for (const auto& t : rev.tags) {
      batch.Put(db_->cf(Cf::kTags), t, RevKey(rev.number));
    }
  }
  for (const auto& e : registrations_) {
    batch.Put(db_->cf(Cf::kRegistry), Registry::EncodeKey(e),
              Registry::EncodeValue(e));
  }
  const Revision last = sealed_.back().number;
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaNextTypeId),
            U64(next_type_id_));
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaNextNodeId),
            U64(next_node_id_));
  batch.Put(db_->cf(Cf::kDefault), std::string(kMetaHead), U64(last));
  batch.Delete(db_->cf(Cf::kDefault), std::string(kMetaPending));
  rocksdb::WriteOptions final_write;
  final_write.sync = db_->options().sync;
  // The commit point: one synced write after every unsynced chunk in the
  // same log, so it makes them durable too.
  if (auto s = db_->rdb()->Write(final_write, &batch); !s.ok()) {
    return FailCommit(FromRocks(s, "write head"));
  }
  auto published =
      db_->PublishCommits(std::move(sealed_), registrations_, next_node_id_);
  sealed_.clear();
  sealed_counts_.clear();
  Finish(false);
  if (!published.ok()) return published;
  return last;
}

void TransactionImpl::Rollback() {
  if (finished_) return;
  bool leftovers = false;
  if (flushes_ > 0) {
    // If this fails, the pending marker stays; the next Begin or open
    // removes the leftovers, which are invisible meanwhile.
    leftovers = !db_->RemovePending(head_ + 1).ok();
  }
  Finish(leftovers);
}

void TransactionImpl::Finish(bool leftovers) {
  finished_ = true;
  sealed_.clear();
  sealed_counts_.clear();
  nodes_.clear();
  edges_.clear();
  staged_in_.clear();
  ids_.clear();
  unflushed_keys_.clear();
  alive_.clear();
  keys_.clear();
  view_nodes_.reset();
  view_edges_.reset();
  deferred_.Clear();
  db_->EndTransaction(next_node_id_, leftovers);
}

}  // namespace critgraph::storage
