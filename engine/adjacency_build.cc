// AdjacencySnapshot::Build: one sequential pass over the nodes, keys and
// out_edges column families at one revision, laid out as CSR arrays.
// Contract: include/critgraph/adjacency.h.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>

#include "engine/adjacency_internal.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "storage/record.h"
#include "storage/registry.h"
#include "storage/snapshot_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::engine {
namespace {

using storage::Cf;
using storage::DBImpl;
using storage::NodeId;
using storage::TypeId;

constexpr LocalType kNoLocalType = std::numeric_limits<LocalType>::max();

// Maps registry ids visible at the revision to dense local ids, in name
// order. ResourceExhausted past 65,535 names.
absl::Status LocalNames(const storage::Registry& reg, Revision rev,
                        bool edge_types, std::vector<std::string>* names,
                        std::vector<LocalType>* by_id) {
  *names = edge_types ? reg.EdgeTypes(rev) : reg.NodeKinds(rev);
  std::sort(names->begin(), names->end());  // lookups binary-search them
  if (names->size() >= kNoLocalType) {
    return absl::ResourceExhaustedError(
        StrCat("adjacency snapshot: ", names->size(),
               edge_types ? " edge types" : " node kinds", " at revision ", rev,
               " (at most ", kNoLocalType - 1, ")"));
  }
  by_id->assign(static_cast<size_t>(reg.max_id()) + 1, kNoLocalType);
  for (size_t i = 0; i < names->size(); ++i) {
    auto id = edge_types ? reg.FindEdgeType((*names)[i], rev)
                         : reg.FindNodeKind((*names)[i], rev);
    if (id && *id < by_id->size()) (*by_id)[*id] = static_cast<LocalType>(i);
  }
  return absl::OkStatus();
}

// An iterator over [lo, hi) of a column family keyed by an 8-byte id prefix
// (hi = 0: no upper bound), reading at one RocksDB snapshot. Not movable:
// the read options point into it.
class RangeIterator {
 public:
  RangeIterator(const DBImpl& db, Cf cf, const rocksdb::Snapshot* snapshot,
                NodeId lo, NodeId hi) {
    critgraph::PutBE64(&lo_, lo);
    critgraph::PutBE64(&hi_, hi);
    lo_slice_ = rocksdb::Slice(lo_);
    hi_slice_ = rocksdb::Slice(hi_);
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.total_order_seek = true;  // crosses id prefixes
    ro.fill_cache = false;       // one sequential pass: keep the hot blocks
    ro.iterate_lower_bound = &lo_slice_;
    if (hi != 0) ro.iterate_upper_bound = &hi_slice_;
    it_.reset(db.rdb()->NewIterator(ro, db.cf(cf)));
    it_->Seek(lo_slice_);
  }
  RangeIterator(const RangeIterator&) = delete;
  RangeIterator& operator=(const RangeIterator&) = delete;
  rocksdb::Iterator* operator->() const { return it_.get(); }

 private:
  std::string lo_, hi_;
  rocksdb::Slice lo_slice_, hi_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Live node ids -> rank (position in the sorted id list).
class IdIndex {
 public:
  explicit IdIndex(const std::vector<NodeId>& ids) : ids_(ids) {
    const NodeId max = ids.empty() ? 0 : ids.back();
    // A direct table when ids are dense enough (they are allocated in
    // sequence and never reused, so normally they are).
    if (max <= 8 * static_cast<uint64_t>(ids.size()) + (1u << 20)) {
      table_.assign(static_cast<size_t>(max) + 1, kNoSlot);
      for (size_t i = 0; i < ids.size(); ++i) {
        table_[ids[i]] = static_cast<uint32_t>(i);
      }
      direct_ = true;
    }
  }
  // The rank of `id`, or kNoSlot if it is not live.
  uint32_t Find(NodeId id) const {
    if (direct_) return id < table_.size() ? table_[id] : kNoSlot;
    auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    if (it == ids_.end() || *it != id) return kNoSlot;
    return static_cast<uint32_t>(it - ids_.begin());
  }

 private:
  const std::vector<NodeId>& ids_;
  std::vector<uint32_t> table_;
  bool direct_ = false;
};

// Runs fn(0..count-1) on up to `threads` threads; the error of the lowest
// failing index.
// Kept apart from ParallelFor (util/parallel.h), which stops handing out tasks
// after a failure: here every task runs, and folding them would change that.
absl::Status RunTasks(size_t count, size_t threads,
                      const std::function<absl::Status(size_t)>& fn) {
  std::vector<absl::Status> status(count);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < count;) status[i] = fn(i);
  };
  threads = std::min(threads, count);
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  for (auto& st : status) {
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

struct NodePart {
  std::vector<NodeId> ids;  // ascending
  std::vector<LocalType> kinds;
};

struct EdgePart {
  std::vector<uint32_t> from;  // ranks, ascending
  std::vector<uint32_t> to;    // ranks
  std::vector<LocalType> type;
};

class Builder {
 public:
  Builder(const storage::SnapshotImpl& snap, int threads,
          uint64_t min_ids_per_part)
      : snap_(snap),
        db_(snap.db()),
        rev_(snap.revision()),
        min_ids_per_part_(std::max<uint64_t>(1, min_ids_per_part)) {
    threads_ = threads > 0 ? static_cast<size_t>(threads)
                           : std::max(1u, std::thread::hardware_concurrency());
    threads_ = std::min<size_t>(threads_, 64);
  }

  absl::StatusOr<std::unique_ptr<AdjacencyRep>> Run() {
    auto rep = std::make_unique<AdjacencyRep>();
    rep->rev = rev_;
    const storage::Registry& reg = snap_.registry();
    RETURN_IF_ERROR(
        LocalNames(reg, rev_, true, &rep->type_names, &type_local_));
    RETURN_IF_ERROR(
        LocalNames(reg, rev_, false, &rep->kind_names, &kind_local_));
    rsnap_ = db_.rdb()->GetSnapshot();
    auto result = RunAtSnapshot(rep.get());
    db_.rdb()->ReleaseSnapshot(rsnap_);
    if (!result.ok()) return result;
    return rep;
  }

 private:
  absl::Status RunAtSnapshot(AdjacencyRep* rep) {
    // Id ranges for the parallel passes: [bounds_[i], bounds_[i + 1]), the
    // last one unbounded.
    NodeId max_id = 0;
    {
      rocksdb::ReadOptions ro;
      ro.snapshot = rsnap_;
      ro.total_order_seek = true;
      std::unique_ptr<rocksdb::Iterator> it(
          db_.rdb()->NewIterator(ro, db_.cf(Cf::kNodes)));
      it->SeekToLast();
      if (it->Valid() && it->key().size() >= 8) {
        max_id = critgraph::GetBE64(it->key().data());
      }
      if (!it->status().ok()) {
        return storage::FromRocks(it->status(), "scan nodes");
      }
    }
    size_t parts = std::max<size_t>(
        1, std::min<size_t>(threads_,
                            static_cast<size_t>(max_id / min_ids_per_part_)));
    bounds_.clear();
    for (size_t i = 0; i < parts; ++i) {
      bounds_.push_back(static_cast<NodeId>(
          static_cast<unsigned __int128>(max_id + 1) * i / parts));
    }
    bounds_.push_back(0);  // unbounded

    // 1. Live nodes and their kinds, in id order.
    std::vector<NodePart> node_parts(parts);
    auto st = RunTasks(parts, threads_, [&](size_t i) {
      return ScanNodes(bounds_[i], bounds_[i + 1], &node_parts[i]);
    });
    if (!st.ok()) return st;
    size_t total = 0;
    for (const auto& p : node_parts) total += p.ids.size();
    if (total >= kNoSlot) {
      return absl::ResourceExhaustedError(
          StrCat("adjacency snapshot: ", total, " nodes at revision ", rev_));
    }
    ids_.reserve(total);
    std::vector<LocalType> kind_by_rank;
    kind_by_rank.reserve(total);
    for (auto& p : node_parts) {
      ids_.insert(ids_.end(), p.ids.begin(), p.ids.end());
      kind_by_rank.insert(kind_by_rank.end(), p.kinds.begin(), p.kinds.end());
      p = NodePart();
    }
    const IdIndex index(ids_);
    const uint32_t n = static_cast<uint32_t>(ids_.size());

    // 2. Keys in key order (= local order) and out-edges, in parallel.
    std::vector<EdgePart> edge_parts(parts);
    std::vector<uint32_t> local_of(n, kNoSlot);  // rank -> local
    st = RunTasks(parts + 1, threads_, [&](size_t i) {
      if (i == 0) return ScanKeys(index, &local_of, rep);
      return ScanEdges(index, bounds_[i - 1], bounds_[i], &edge_parts[i - 1]);
    });
    if (!st.ok()) return st;

    // 3. Counts against the revision record.
    uint64_t m = 0;
    for (const auto& p : edge_parts) m += p.to.size();
    const RevisionInfo& info = snap_.info();
    if (n != info.node_count || m != info.edge_count) {
      return absl::DataLossError(
          StrCat("revision ", rev_, " holds ", n, " live nodes and ", m,
                 " live edges, but its revision record counts ",
                 info.node_count, " and ", info.edge_count));
    }
    if (m > std::numeric_limits<uint32_t>::max()) {
      return absl::ResourceExhaustedError(
          StrCat("adjacency snapshot: ", m, " edges at revision ", rev_));
    }

    // 4. CSR layout over local indices.
    rep->n = n;
    rep->m = m;
    rep->kind.resize(n);
    for (uint32_t r = 0; r < n; ++r) rep->kind[local_of[r]] = kind_by_rank[r];
    rep->out_offsets.assign(static_cast<size_t>(n) + 1, 0);
    rep->in_offsets.assign(static_cast<size_t>(n) + 1, 0);
    for (const auto& p : edge_parts) {
      for (size_t e = 0; e < p.to.size(); ++e) {
        ++rep->out_offsets[local_of[p.from[e]] + 1];
        ++rep->in_offsets[local_of[p.to[e]] + 1];
      }
    }
    for (uint32_t i = 0; i < n; ++i) {
      rep->out_offsets[i + 1] += rep->out_offsets[i];
      rep->in_offsets[i + 1] += rep->in_offsets[i];
    }
    rep->out_targets.resize(m);
    rep->out_types.resize(m);
    rep->in_sources.resize(m);
    rep->in_types.resize(m);
    std::vector<uint32_t> out_pos(rep->out_offsets.begin(),
                                  rep->out_offsets.end() - 1);
    std::vector<uint32_t> in_pos(rep->in_offsets.begin(),
                                 rep->in_offsets.end() - 1);
    for (auto& p : edge_parts) {
      for (size_t e = 0; e < p.to.size(); ++e) {
        const LocalId from = local_of[p.from[e]];
        const LocalId to = local_of[p.to[e]];
        const uint32_t o = out_pos[from]++;
        rep->out_targets[o] = to;
        rep->out_types[o] = p.type[e];
        const uint32_t i = in_pos[to]++;
        rep->in_sources[i] = from;
        rep->in_types[i] = p.type[e];
      }
      p = EdgePart();
    }
    return absl::OkStatus();
  }

  absl::Status ScanNodes(NodeId lo, NodeId hi, NodePart* out) const {
    RangeIterator it(db_, Cf::kNodes, rsnap_, lo, hi);
    NodeId last = 0;
    bool decided = false;  // `last`'s version at rev_ was seen
    for (; it->Valid(); it->Next()) {
      rocksdb::Slice k = it->key();
      if (k.size() != storage::kNodeKeySize) {
        return absl::DataLossError(
            StrCat("a node version key is damaged (", k.size(), " bytes)"));
      }
      const NodeId id = critgraph::GetBE64(k.data());
      if (decided && id == last) continue;  // older version
      const Revision r = storage::GetInvRev(k.data() + 8);
      if (r > rev_) continue;  // newer than the revision
      last = id;
      decided = true;
      if (it->value().empty()) continue;  // deleted
      auto kind = storage::DecodeNodeKind(it->value().ToStringView());
      if (!kind.ok()) return db_.DataLoss("corrupted record", id, r);
      const LocalType local =
          *kind < kind_local_.size() ? kind_local_[*kind] : kNoLocalType;
      if (local == kNoLocalType) {
        return db_.DataLoss(StrCat("unknown node kind id ", *kind), id, rev_);
      }
      out->ids.push_back(id);
      out->kinds.push_back(local);
    }
    return storage::FromRocks(it->status(), "scan nodes");
  }

  absl::Status ScanEdges(const IdIndex& index, NodeId lo, NodeId hi,
                         EdgePart* out) const {
    RangeIterator it(db_, Cf::kOutEdges, rsnap_, lo, hi);
    const char* last = nullptr;  // points into last_key
    char last_key[storage::kEdgePrefixSize];
    for (; it->Valid(); it->Next()) {
      rocksdb::Slice k = it->key();
      if (k.size() != storage::kEdgeKeySize) {
        if (k.size() < 8)
          return absl::DataLossError("an out-edge key is damaged");
        return absl::DataLossError(StrCat("out-edge key of node id ",
                                          critgraph::GetBE64(k.data()),
                                          " is damaged"));
      }
      const char* p = k.data();
      if (last != nullptr &&
          std::memcmp(last, p, storage::kEdgePrefixSize) == 0) {
        continue;  // older version
      }
      if (storage::GetInvRev(p + 20) > rev_) continue;
      std::memcpy(last_key, p, storage::kEdgePrefixSize);
      last = last_key;
      if (it->value().empty()) continue;  // deleted
      const NodeId from = critgraph::GetBE64(p);
      const TypeId type = critgraph::GetBE32(p + 8);
      const NodeId to = critgraph::GetBE64(p + 12);
      const uint32_t from_rank = index.Find(from);
      if (from_rank == kNoSlot) {
        return db_.DataLoss("an out-edge leaves the missing record", from,
                            rev_);
      }
      const uint32_t to_rank = index.Find(to);
      if (to_rank == kNoSlot) {
        return db_.DataLoss("an edge leads to the missing record", to, rev_);
      }
      const LocalType t =
          type < type_local_.size() ? type_local_[type] : kNoLocalType;
      if (t == kNoLocalType) {
        return db_.DataLoss(StrCat("unknown edge type id ", type), from, rev_);
      }
      out->from.push_back(from_rank);
      out->to.push_back(to_rank);
      out->type.push_back(t);
    }
    return storage::FromRocks(it->status(), "scan out-edges");
  }

  // Keys of the live nodes, in key order: assigns local indices.
  absl::Status ScanKeys(const IdIndex& index, std::vector<uint32_t>* local_of,
                        AdjacencyRep* rep) const {
    rocksdb::ReadOptions ro;
    ro.snapshot = rsnap_;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(
        db_.rdb()->NewIterator(ro, db_.cf(Cf::kKeys)));
    rep->key_offsets.reserve(ids_.size() + 1);
    rep->key_offsets.push_back(0);
    uint32_t next = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value().size() != 8) {
        return absl::DataLossError(StrCat(
            "id mapping of key '", it->key().ToStringView(), "' is damaged"));
      }
      const NodeId id = critgraph::GetBE64(it->value().data());
      const uint32_t rank = index.Find(id);
      if (rank == kNoSlot) continue;  // not live at the revision
      if ((*local_of)[rank] != kNoSlot) {
        return absl::DataLossError(StrCat("node id ", id,
                                          " has two keys (the second is '",
                                          it->key().ToStringView(), "')"));
      }
      (*local_of)[rank] = next++;
      rep->key_arena.append(it->key().data(), it->key().size());
      rep->key_offsets.push_back(rep->key_arena.size());
    }
    RETURN_IF_ERROR(storage::FromRocks(it->status(), "scan keys"));
    if (next != ids_.size()) {
      for (uint32_t r = 0; r < ids_.size(); ++r) {
        if ((*local_of)[r] == kNoSlot) {
          return absl::DataLossError(
              StrCat("node id ", ids_[r], " has no key"));
        }
      }
    }
    return absl::OkStatus();
  }

  const storage::SnapshotImpl& snap_;
  const DBImpl& db_;
  const Revision rev_;
  const uint64_t min_ids_per_part_;
  size_t threads_ = 1;
  const rocksdb::Snapshot* rsnap_ = nullptr;
  std::vector<LocalType> type_local_;  // registry id -> local
  std::vector<LocalType> kind_local_;
  std::vector<NodeId> bounds_;
  std::vector<NodeId> ids_;  // live ids, ascending (rank order)
};

}  // namespace

absl::StatusOr<std::unique_ptr<AdjacencyRep>> BuildAdjacencyRep(
    const Snapshot& snap, int threads, uint64_t min_ids_per_part) {
  Builder b(storage::Impl(snap), threads, min_ids_per_part);
  return b.Run();
}

}  // namespace critgraph::engine
