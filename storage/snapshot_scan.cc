// Whole-revision scans of a snapshot (ForEachLiveNode, ForEachNode,
// ForEachEdge, and their views ForEachNodeView, ForEachEdgeView):
// sequential passes, not a lookup per element. The view scans hand out the
// verified records themselves (storage::ViewDecoder), no Node/Edge built.
// Last in this file, the storage-order scans of storage/export_scan.h.
//
// Output is in key order, storage is in id order. The `keys` family is read
// in key order in chunks; each chunk's ids are sorted and its node records
// and out-edges are read with forward cursors over `nodes` and `out_edges`,
// which step with Next() between nearby ids and seek only over gaps (ids are
// allocated in creation order, so a chunk of keys usually covers a dense id
// range). Edge targets are resolved through an id -> key table built from the
// same pass over `keys` when it fits DBImpl::ScanLimits::key_table_bytes,
// else through DBImpl::KeyOf (cached). Memory: one chunk
// (ScanLimits::chunk_keys keys) of records and edges, plus the table.
#include <algorithm>
#include <cstring>
#include <deque>
#include <numeric>

#include "storage/export_scan.h"
#include "storage/forward_cursor.h"
#include "storage/record.h"
#include "storage/snapshot_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

// (key, id) pairs in key order; keys live in one arena.
struct KeyChunk {
  // 16 bytes: a key ends where the next begins (the table of a whole
  // 10M-node revision is held in memory; a size field cost 80 MB more).
  struct Entry {
    NodeId id;
    size_t offset;
  };
  std::string arena;
  std::vector<Entry> entries;

  std::string_view key(size_t i) const {
    const size_t end =
        i + 1 < entries.size() ? entries[i + 1].offset : arena.size();
    return std::string_view(arena).substr(entries[i].offset,
                                          end - entries[i].offset);
  }
  size_t bytes() const { return arena.size() + entries.size() * sizeof(Entry); }
  void Clear() {
    arena.clear();
    entries.clear();
  }
};

// The `keys` family in key order.
class KeyReader {
 public:
  explicit KeyReader(const DBImpl& db) {
    rocksdb::ReadOptions ro;
    it_.reset(db.rdb()->NewIterator(ro, db.cf(Cf::kKeys)));
    it_->SeekToFirst();
  }
  // Appends mappings to `chunk` until it holds `max_entries` or `max_bytes`,
  // or the family ends.
  absl::Status Read(size_t max_entries, size_t max_bytes, KeyChunk* chunk) {
    for (; it_->Valid() && chunk->entries.size() < max_entries &&
           chunk->bytes() < max_bytes;
         it_->Next()) {
      if (it_->value().size() != 8) {
        return absl::DataLossError(StrCat(
            "id mapping of key '", it_->key().ToStringView(), "' is damaged"));
      }
      chunk->entries.push_back(
          {GetBE64(it_->value().data()), chunk->arena.size()});
      chunk->arena.append(it_->key().data(), it_->key().size());
    }
    return FromRocks(it_->status(), "scan keys");
  }
  bool done() const { return !it_->Valid(); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Pads `arena` to a multiple of 8 bytes, so the record appended next starts
// 8-byte aligned (std::string's buffer is) and FlatBuffers decoding reads
// it in place instead of copying it to an aligned buffer (record.cc).
void AlignArena(std::string* arena) {
  arena->resize((arena->size() + 7) & ~size_t{7});
}

// Positions of chunk entries [begin, end) sorted by id.
std::vector<uint32_t> ById(const KeyChunk& chunk, size_t begin, size_t end) {
  std::vector<uint32_t> order(end - begin);
  std::iota(order.begin(), order.end(), static_cast<uint32_t>(begin));
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return chunk.entries[a].id < chunk.entries[b].id;
  });
  return order;
}

// A chunk entry's node at the scanned revision.
struct NodeSlot {
  static constexpr size_t kAbsent = std::string::npos;
  size_t offset = 0;      // of its record in the chunk's record arena
  size_t size = kAbsent;  // kAbsent: the node does not exist at rev
  Revision written = 0;   // the revision that wrote the record
  bool live() const { return size != kAbsent; }
};

// The node records visible at `rev` of chunk entries [begin, end), read in
// id order through `cursor`: (*found)[i - begin] locates entry i's record in
// `*records`. With `copy` false, records are not kept (liveness only). With
// `verify`, a record failing verification is DataLoss naming the key and
// the revision that wrote it; without, the caller must verify (decoding
// does).
absl::Status ReadChunkNodes(const DBImpl& db, Revision rev,
                            const KeyChunk& chunk, size_t begin, size_t end,
                            const std::vector<uint32_t>& by_id, bool verify,
                            bool copy, ForwardCursor* cursor,
                            std::string* records,
                            std::vector<NodeSlot>* found) {
  records->clear();
  found->assign(end - begin, NodeSlot());
  rocksdb::Iterator* it = cursor->it();
  char target[kNodeKeySize];
  for (uint32_t pos : by_id) {
    const NodeId id = chunk.entries[pos].id;
    EncodeNodeKey(id, rev, target);
    cursor->SeekForward(std::string_view(target, kNodeKeySize), id);
    if (!it->Valid()) {
      RETURN_IF_ERROR(FromRocks(it->status(), "scan nodes"));
      continue;
    }
    rocksdb::Slice k = it->key();
    if (k.size() != kNodeKeySize || GetBE64(k.data()) != id) continue;
    if (it->value().empty()) continue;  // deleted at or before rev
    std::string_view v = it->value().ToStringView();
    const Revision written = GetInvRev(k.data() + 8);
    if (verify && !DecodeNodeKind(v).ok()) {
      return db.DataLoss("corrupted record", id, written);
    }
    NodeSlot& slot = (*found)[pos - begin];
    if (copy) AlignArena(records);
    slot.offset = records->size();
    slot.size = copy ? v.size() : 0;
    slot.written = written;
    if (copy) records->append(v);
  }
  return absl::OkStatus();
}

// Among out-edge versions visited in key order, picks the one visible at
// `rev`: versions of an edge (from, type, to) sort newest first, so it is
// the first not newer than `rev` (a deletion when its value is empty).
class EdgeVersionPicker {
 public:
  explicit EdgeVersionPicker(Revision rev) : rev_(rev) {}
  // `key`: kEdgeKeySize bytes.
  bool Visible(const char* key) {
    if (GetInvRev(key + kIdentity) > rev_) return false;  // newer than rev
    if (have_last_ && std::memcmp(key, last_, kIdentity) == 0) {
      return false;  // an older version of the edge just picked
    }
    std::memcpy(last_, key, kIdentity);
    have_last_ = true;
    return true;
  }

 private:
  static constexpr size_t kIdentity = 20;  // from (8), type (4), to (8)
  const Revision rev_;
  char last_[kIdentity];
  bool have_last_ = false;
};

// One alive out-edge of a chunk's node, as stored.
struct EdgeRef {
  TypeId type;
  NodeId to;
  size_t value_offset;
  size_t value_size;
};

// The out-edges alive at `rev` of chunk entries [begin, begin +
// by_id.size()), in id order through `cursor`: the edges of entry i are
// (*edges)[ranges[i - begin].first, .second), values in `*values`. No node
// record is read: an edge alive at R implies both its ends are (PutEdge
// requires them, DeleteNode deletes a node's edges, Verify checks it).
absl::Status ReadChunkEdges(Revision rev, const KeyChunk& chunk, size_t begin,
                            const std::vector<uint32_t>& by_id,
                            ForwardCursor* cursor, std::string* values,
                            std::vector<EdgeRef>* edges,
                            std::vector<std::pair<size_t, size_t>>* ranges) {
  values->clear();
  edges->clear();
  ranges->assign(by_id.size(), {0, 0});
  rocksdb::Iterator* it = cursor->it();
  EdgeVersionPicker picker(rev);
  char prefix[8];
  for (uint32_t pos : by_id) {
    const NodeId id = chunk.entries[pos].id;
    EncodeBE64(id, prefix);
    cursor->SeekForward(std::string_view(prefix, 8), id);
    const size_t first = edges->size();
    for (; it->Valid(); cursor->Next()) {
      rocksdb::Slice k = it->key();
      if (k.size() != kEdgeKeySize) {
        return absl::DataLossError(
            StrCat("out-edge key of node id ", id, " is damaged"));
      }
      const char* p = k.data();
      if (GetBE64(p) != id) break;
      if (!picker.Visible(p)) continue;
      if (it->value().empty()) continue;  // deleted
      AlignArena(values);
      edges->push_back({GetBE32(p + 8), GetBE64(p + 12), values->size(),
                        it->value().size()});
      values->append(it->value().data(), it->value().size());
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "scan out-edges"));
    (*ranges)[pos - begin] = {first, edges->size()};
  }
  return absl::OkStatus();
}

// id -> position in a complete KeyChunk, when ids are dense enough for a
// flat vector (ids are allocated consecutively, so they normally are).
class KeyTable {
 public:
  static constexpr uint32_t kAbsent = ~uint32_t{0};
  // Returns false (and builds nothing) when the ids are too sparse.
  bool Build(const KeyChunk& chunk) {
    NodeId max_id = 0;
    for (const auto& e : chunk.entries) max_id = std::max(max_id, e.id);
    const size_t n = chunk.entries.size();
    if (n >= kAbsent || max_id > 8 * n + 4096) return false;
    index_.assign(max_id + 1, kAbsent);
    for (size_t i = 0; i < n; ++i) {
      index_[chunk.entries[i].id] = static_cast<uint32_t>(i);
    }
    return true;
  }
  uint32_t Find(NodeId id) const {
    return id < index_.size() ? index_[id] : kAbsent;
  }

 private:
  std::vector<uint32_t> index_;
};

// Every node alive at `rev` in key order: fn(id, key, raw record, revision
// that wrote it); see ReadChunkNodes for `verify`.
template <typename Fn>
absl::Status ScanLiveNodes(const DBImpl& db, Revision rev, bool verify,
                           Fn&& fn) {
  const size_t chunk_keys = db.scan_limits().chunk_keys;
  KeyReader keys(db);
  ForwardCursor nodes(db, Cf::kNodes);
  KeyChunk chunk;
  std::string records;
  std::vector<NodeSlot> found;
  while (!keys.done()) {
    chunk.Clear();
    RETURN_IF_ERROR(keys.Read(chunk_keys, SIZE_MAX, &chunk));
    const size_t n = chunk.entries.size();
    nodes.Reset();  // ids restart with each chunk
    RETURN_IF_ERROR(ReadChunkNodes(db, rev, chunk, 0, n, ById(chunk, 0, n),
                                   verify, /*copy=*/true, &nodes, &records,
                                   &found));
    for (size_t i = 0; i < n; ++i) {
      if (!found[i].live()) continue;
      RETURN_IF_ERROR(
          fn(chunk.entries[i].id, chunk.key(i),
             std::string_view(records).substr(found[i].offset, found[i].size),
             found[i].written));
    }
  }
  return absl::OkStatus();
}

// Every edge alive at `info.number` ordered by (from key, type, to key):
// fn(from id, from key, type name, to key, raw unverified record); the views
// live until fn returns.
template <typename Fn>
absl::Status ScanEdges(const DBImpl& db, const RevisionInfo& info,
                       const Registry& registry, Fn&& fn) {
  const Revision rev = info.number;
  // A chunk buffers its nodes' edges: at the revision's mean degree, about
  // kEdgeBytes bytes each, keep them within edge_buffer_bytes.
  constexpr size_t kEdgeBytes = 64;
  const size_t degree =
      info.node_count == 0 ? 1 : 1 + info.edge_count / info.node_count;
  const size_t chunk_keys =
      std::min(db.scan_limits().chunk_keys,
               std::max<size_t>(1024, db.scan_limits().edge_buffer_bytes /
                                          (degree * kEdgeBytes)));
  KeyReader keys(db);
  KeyChunk chunk;
  // First try to hold every mapping: then targets resolve from memory.
  RETURN_IF_ERROR(
      keys.Read(SIZE_MAX, db.scan_limits().key_table_bytes, &chunk));
  KeyTable table;
  const bool have_table = keys.done() && table.Build(chunk);

  ForwardCursor out_edges(db, Cf::kOutEdges);
  std::string values;
  std::vector<std::pair<size_t, size_t>> ranges;
  std::vector<EdgeRef> edges;
  struct Pending {
    const std::string* type;
    std::string_view to;
    const EdgeRef* ref;
  };
  std::vector<Pending> pending;
  std::deque<std::string> fetched_keys;  // targets not in the table

  auto emit_slice = [&](size_t begin, size_t end) -> absl::Status {
    const std::vector<uint32_t> by_id = ById(chunk, begin, end);
    out_edges.Reset();
    RETURN_IF_ERROR(ReadChunkEdges(rev, chunk, begin, by_id, &out_edges,
                                   &values, &edges, &ranges));
    for (size_t i = begin; i < end; ++i) {
      const auto [first, last] = ranges[i - begin];
      if (first == last) continue;
      const NodeId id = chunk.entries[i].id;
      pending.clear();
      fetched_keys.clear();
      for (size_t j = first; j < last; ++j) {
        const EdgeRef& ref = edges[j];
        const std::string* type_name = registry.Name(ref.type);
        if (type_name == nullptr) {
          return db.DataLoss(StrCat("unknown edge type id ", ref.type), id,
                             rev);
        }
        std::string_view to;
        const uint32_t at = have_table ? table.Find(ref.to) : KeyTable::kAbsent;
        if (at != KeyTable::kAbsent) {
          to = chunk.key(at);
        } else {
          ASSIGN_OR_RETURN(std::string key, db.KeyOf(ref.to));
          to = fetched_keys.emplace_back(std::move(key));
        }
        pending.push_back({type_name, to, &ref});
      }
      std::sort(pending.begin(), pending.end(),
                [](const Pending& a, const Pending& b) {
                  const int c = a.type->compare(*b.type);
                  return c != 0 ? c < 0 : a.to < b.to;
                });
      for (const Pending& p : pending) {
        RETURN_IF_ERROR(fn(id, chunk.key(i), *p.type, p.to,
                           std::string_view(values).substr(p.ref->value_offset,
                                                           p.ref->value_size)));
      }
    }
    return absl::OkStatus();
  };

  if (have_table) {
    for (size_t b = 0; b < chunk.entries.size(); b += chunk_keys) {
      RETURN_IF_ERROR(
          emit_slice(b, std::min(b + chunk_keys, chunk.entries.size())));
    }
    return absl::OkStatus();
  }
  // Too many keys to hold (or too sparse ids): chunk by chunk.
  while (true) {
    for (size_t b = 0; b < chunk.entries.size(); b += chunk_keys) {
      RETURN_IF_ERROR(
          emit_slice(b, std::min(b + chunk_keys, chunk.entries.size())));
    }
    if (keys.done()) return absl::OkStatus();
    chunk.Clear();
    RETURN_IF_ERROR(keys.Read(chunk_keys, SIZE_MAX, &chunk));
  }
}

// A record of an edge from `id` that fails to decode.
absl::Status CorruptEdge(const DBImpl& db, NodeId id, std::string_view to,
                         Revision rev) {
  return db.DataLoss(StrCat("corrupted out-edge to '", to, "'"), id, rev);
}

// A node record as a view for `fn`, verified as MaterializeNode verifies it,
// with its errors (DataLoss naming the key and the revision that wrote it).
absl::Status EmitNodeView(
    const DBImpl& db, const Registry& registry, ViewDecoder* decoder,
    std::string_view raw, NodeId id, Revision written,
    const std::function<absl::Status(const NodeView&)>& fn) {
  auto parts = decoder->DecodeNode(raw);
  if (!parts.ok()) return db.DataLoss("corrupted record", id, written);
  const std::string* kind = registry.Name(parts->kind);
  if (kind == nullptr) {
    return db.DataLoss(StrCat("unknown kind id ", parts->kind, " in record"),
                       id, written);
  }
  return fn(NodeView{parts->key, *kind, parts->names, parts->props});
}

}  // namespace

absl::Status SnapshotImpl::ForEachLiveNode(
    const std::function<absl::Status(NodeId id, std::string_view key,
                                     std::string_view raw)>& fn) const {
  return ScanLiveNodes(
      *db_, info_.number, /*verify=*/true,
      [&](NodeId id, std::string_view key, std::string_view raw, Revision) {
        return fn(id, key, raw);
      });
}

absl::Status SnapshotImpl::ForEachNode(
    const std::function<absl::Status(const Node&)>& fn) const {
  // Decoding verifies each record once; an error names the revision that
  // wrote it.
  return ScanLiveNodes(
      *db_, info_.number, /*verify=*/false,
      [&](NodeId id, std::string_view, std::string_view raw,
          Revision written) -> absl::Status {
        ASSIGN_OR_RETURN(Node node,
                         db_->MaterializeNode(raw, id, written, *registry_));
        return fn(node);
      });
}

absl::Status SnapshotImpl::ForEachNodeView(
    const std::function<absl::Status(const NodeView&)>& fn) const {
  ViewDecoder decoder;
  return ScanLiveNodes(
      *db_, info_.number, /*verify=*/false,
      [&](NodeId id, std::string_view, std::string_view raw, Revision written) {
        return EmitNodeView(*db_, *registry_, &decoder, raw, id, written, fn);
      });
}

absl::Status SnapshotImpl::ForEachEdge(
    const std::function<absl::Status(const Edge&)>& fn) const {
  Edge edge;
  return ScanEdges(
      *db_, info_, *registry_,
      [&](NodeId id, std::string_view from, std::string_view type,
          std::string_view to, std::string_view raw) -> absl::Status {
        auto props = DecodeEdgeRecord(raw);
        if (!props.ok()) {
          return CorruptEdge(*db_, id, to, info_.number);
        }
        edge.from.assign(from);
        edge.type.assign(type);
        edge.to.assign(to);
        edge.props = *std::move(props);
        return fn(edge);
      });
}

absl::Status SnapshotImpl::ForEachEdgeView(
    const std::function<absl::Status(const EdgeView&)>& fn) const {
  ViewDecoder decoder;
  return ScanEdges(
      *db_, info_, *registry_,
      [&](NodeId id, std::string_view from, std::string_view type,
          std::string_view to, std::string_view raw) -> absl::Status {
        auto props = decoder.DecodeEdge(raw);
        if (!props.ok()) {
          return CorruptEdge(*db_, id, to, info_.number);
        }
        return fn(EdgeView{from, type, to, *props});
      });
}

// ---- Storage-order scans (storage/export_scan.h). ----

namespace {

// A plain forward iterator over all of `cf`.
std::unique_ptr<rocksdb::Iterator> ScanAll(const DBImpl& db, Cf cf) {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;  // the whole family, across id prefixes
  std::unique_ptr<rocksdb::Iterator> it(db.rdb()->NewIterator(ro, db.cf(cf)));
  it->SeekToFirst();
  return it;
}

}  // namespace

absl::Status ForEachNodeViewById(
    const Snapshot& snap,
    const std::function<absl::Status(const NodeView&)>& fn) {
  const SnapshotImpl& s = Impl(snap);
  const DBImpl& db = s.db();
  const Revision rev = s.revision();
  ViewDecoder decoder;
  NodeId picked = 0;  // the last id whose version at rev was found
  bool have_picked = false;
  auto it = ScanAll(db, Cf::kNodes);
  for (; it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != kNodeKeySize) {
      return absl::DataLossError(
          StrCat("node key of ", k.size(), " bytes is damaged"));
    }
    // Versions of an id sort newest first: the first not newer than rev is
    // the node at rev (deleted if empty); the older ones are skipped.
    const NodeId id = GetBE64(k.data());
    if (have_picked && id == picked) continue;
    const Revision written = GetInvRev(k.data() + 8);
    if (written > rev) continue;
    picked = id;
    have_picked = true;
    if (it->value().empty()) continue;
    RETURN_IF_ERROR(EmitNodeView(db, s.registry(), &decoder,
                                 it->value().ToStringView(), id, written, fn));
  }
  return FromRocks(it->status(), "scan nodes");
}

absl::Status ForEachEdgePropsById(
    const Snapshot& snap,
    const std::function<absl::Status(absl::Span<const PropertyView>)>& fn) {
  const SnapshotImpl& s = Impl(snap);
  const DBImpl& db = s.db();
  const Revision rev = s.revision();
  ViewDecoder decoder;
  EdgeVersionPicker picker(rev);
  auto it = ScanAll(db, Cf::kOutEdges);
  for (; it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != kEdgeKeySize) {
      return absl::DataLossError(
          StrCat("out-edge key of ", k.size(), " bytes is damaged"));
    }
    if (!picker.Visible(k.data()) || it->value().empty()) continue;
    auto props = decoder.DecodeEdge(it->value().ToStringView());
    if (!props.ok()) {
      // Name the target as the ordered scan does, when its key reads.
      const NodeId to = GetBE64(k.data() + 12);
      auto to_key = db.KeyOf(to);
      return CorruptEdge(db, GetBE64(k.data()),
                         to_key.ok() ? *to_key : StrCat("id ", to), rev);
    }
    RETURN_IF_ERROR(fn(*props));
  }
  return FromRocks(it->status(), "scan out-edges");
}

}  // namespace critgraph::storage
