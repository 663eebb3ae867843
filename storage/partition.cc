// Partitions of a revision by node id range (include/critgraph/partition.h).
#include "critgraph/partition.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "storage/forward_cursor.h"
#include "storage/record.h"
#include "storage/snapshot_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using storage::Cf;
using storage::DBImpl;
using storage::NodeId;

constexpr std::string_view kMagic = "critgraph-partition/1";
constexpr uint64_t kNoBound = std::numeric_limits<uint64_t>::max();
// Below this many stored bytes the size estimates are too coarse (a few
// blocks, or memtables only) to place boundaries: split by id count.
constexpr uint64_t kMinMeasurableBytes = uint64_t{1} << 20;

std::string IdBound(uint64_t id) {
  std::string s;
  PutBE64(&s, id);
  return s;
}

// Stored bytes of `nodes` and `out_edges` for node ids [first, end).
absl::StatusOr<uint64_t> RangeBytes(const DBImpl& db, uint64_t first,
                                    uint64_t end) {
  if (end <= first) return 0;
  const std::string lo = IdBound(first), hi = IdBound(end);
  rocksdb::Range range(lo, hi);
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  uint64_t total = 0;
  for (Cf c : {Cf::kNodes, Cf::kOutEdges}) {
    uint64_t size = 0;
    RETURN_IF_ERROR(storage::FromRocks(
        db.rdb()->GetApproximateSizes(options, db.cf(c), &range, 1, &size),
        "estimate partition size"));
    total += size;
  }
  return total;
}

// One past the largest node id ever allocated (ids start at 1).
absl::StatusOr<uint64_t> IdLimit(const DBImpl& db) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.rdb()->NewIterator(rocksdb::ReadOptions(), db.cf(Cf::kIds)));
  it->SeekToLast();
  RETURN_IF_ERROR(storage::FromRocks(it->status(), "read last node id"));
  if (!it->Valid()) return 1;
  if (it->key().size() != 8) {
    return absl::DataLossError("key mapping of the last node id is damaged");
  }
  return GetBE64(it->key().data()) + 1;
}

absl::Status CheckRevision(const Snapshot& snap, const Partition& part) {
  if (snap.revision() != part.revision) {
    return absl::InvalidArgumentError(
        StrCat("partition ", part.index, "/", part.count, " is of revision ",
               part.revision, ", the snapshot of revision ", snap.revision()));
  }
  if (part.end_id < part.first_id) {
    return absl::InvalidArgumentError(
        StrCat("partition ", part.index, "/", part.count, " has an empty ",
               "range [", part.first_id, ", ", part.end_id, ")"));
  }
  return absl::OkStatus();
}

// An iterator over family `c` restricted to node ids [first, end), in key
// order across ids (total order, not one prefix), not filling the block
// cache: a partition is read once.
class RangeIterator {
 public:
  RangeIterator(const DBImpl& db, Cf c, uint64_t first, uint64_t end)
      : lower_(IdBound(first)), upper_(IdBound(end)), upper_slice_(upper_) {
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;
    ro.fill_cache = false;
    ro.readahead_size = size_t{2} << 20;
    if (end != kNoBound) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db.rdb()->NewIterator(ro, db.cf(c)));
    it_->Seek(lower_);
  }
  rocksdb::Iterator* operator->() { return it_.get(); }

 private:
  const std::string lower_, upper_;
  const rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The keys of a batch of node ids, read in one ascending sweep over `ids`.
class KeyResolver {
 public:
  explicit KeyResolver(const DBImpl& db) : cursor_(db, Cf::kIds) {}

  // Replaces the resolved set with the keys of `ids` (any order, repeats
  // allowed). DataLoss for an id without a key.
  absl::Status Resolve(std::vector<NodeId> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ids_ = std::move(ids);
    offsets_.assign(1, 0);
    arena_.clear();
    cursor_.Reset();
    char target[8];
    for (NodeId id : ids_) {
      EncodeBE64(id, target);
      cursor_.SeekForward(std::string_view(target, 8), id);
      rocksdb::Iterator* it = cursor_.it();
      if (!it->Valid() || it->key().size() != 8 ||
          GetBE64(it->key().data()) != id) {
        RETURN_IF_ERROR(storage::FromRocks(it->status(), "scan ids"));
        return absl::DataLossError(StrCat("node id ", id, " has no key"));
      }
      arena_.append(it->value().data(), it->value().size());
      offsets_.push_back(arena_.size());
    }
    return absl::OkStatus();
  }
  // The key of `id`, which the last Resolve must have held.
  absl::StatusOr<std::string_view> Key(NodeId id) const {
    auto at = std::lower_bound(ids_.begin(), ids_.end(), id);
    if (at == ids_.end() || *at != id) {
      return absl::InternalError(StrCat("node id ", id, " was not resolved"));
    }
    const size_t i = at - ids_.begin();
    return std::string_view(arena_).substr(offsets_[i],
                                           offsets_[i + 1] - offsets_[i]);
  }

 private:
  storage::ForwardCursor cursor_;
  std::vector<NodeId> ids_;
  std::vector<size_t> offsets_;
  std::string arena_;
};

}  // namespace

std::string Partition::Serialize() const {
  return StrCat(kMagic, " ", revision, " ", first_id, " ", end_id, " ", index,
                " ", count, " ", db_path);
}

absl::StatusOr<Partition> Partition::Parse(std::string_view text) {
  // The path is last and may hold spaces: split the first six fields only.
  std::vector<std::string_view> f;
  std::string_view rest = text;
  while (f.size() < 6) {
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) break;
    f.push_back(rest.substr(0, space));
    rest.remove_prefix(space + 1);
  }
  f.push_back(rest);
  if (f.size() != 7 || f[0] != kMagic) {
    return absl::InvalidArgumentError(StrCat(
        "not a critgraph partition (expected '", kMagic,
        " REV FIRST END INDEX COUNT PATH'): '", text.substr(0, 80), "'"));
  }
  auto number = [&](std::string_view s, const char* what,
                    uint64_t* out) -> absl::Status {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    if (ec != std::errc() || p != s.data() + s.size()) {
      return absl::InvalidArgumentError(
          StrCat("partition: bad ", what, " '", s, "'"));
    }
    return absl::OkStatus();
  };
  Partition p;
  uint64_t index = 0, count = 0;
  RETURN_IF_ERROR(number(f[1], "revision", &p.revision));
  RETURN_IF_ERROR(number(f[2], "first id", &p.first_id));
  RETURN_IF_ERROR(number(f[3], "end id", &p.end_id));
  RETURN_IF_ERROR(number(f[4], "index", &index));
  RETURN_IF_ERROR(number(f[5], "count", &count));
  if (count == 0 || count > 65536 || index >= count || p.end_id < p.first_id ||
      f[6].empty()) {
    return absl::InvalidArgumentError(
        StrCat("partition: inconsistent fields in '", text.substr(0, 80), "'"));
  }
  p.index = static_cast<uint32_t>(index);
  p.count = static_cast<uint32_t>(count);
  p.db_path = std::string(f[6]);
  return p;
}

absl::StatusOr<std::vector<Partition>> Partitions(const Snapshot& snap, int n) {
  if (n < 1 || n > 65536) {
    return absl::InvalidArgumentError(
        StrCat("partitions: n must be in [1, 65536], not ", n));
  }
  const DBImpl& db = storage::Impl(snap).db();
  ASSIGN_OR_RETURN(const uint64_t limit, IdLimit(db));
  ASSIGN_OR_RETURN(const uint64_t total, RangeBytes(db, 1, limit));
  // Boundaries b[1..n-1] in [1, limit]; part k is [b[k], b[k+1]).
  std::vector<uint64_t> bounds(n + 1);
  bounds[0] = 0;
  bounds[n] = kNoBound;
  uint64_t lo = 1;
  for (int k = 1; k < n; ++k) {
    uint64_t b;
    if (total < kMinMeasurableBytes) {
      b = 1 + static_cast<uint64_t>(static_cast<unsigned __int128>(limit - 1) *
                                    k / n);
    } else {
      // The smallest id x with bytes([1, x)) >= k/n of the total.
      const uint64_t target =
          static_cast<uint64_t>(static_cast<unsigned __int128>(total) * k / n);
      uint64_t hi = limit;
      while (lo < hi) {
        const uint64_t mid = lo + (hi - lo) / 2;
        ASSIGN_OR_RETURN(const uint64_t bytes, RangeBytes(db, 1, mid));
        if (bytes >= target) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      b = lo;
    }
    bounds[k] = std::max(b, bounds[k - 1]);
    lo = bounds[k];
  }
  std::vector<Partition> parts(n);
  for (int k = 0; k < n; ++k) {
    Partition& p = parts[k];
    p.db_path = db.path();
    p.revision = snap.revision();
    p.first_id = bounds[k];
    p.end_id = bounds[k + 1];
    p.index = static_cast<uint32_t>(k);
    p.count = static_cast<uint32_t>(n);
  }
  return parts;
}

absl::Status ScanPartitionNodes(
    const Snapshot& snap, const Partition& part,
    const std::function<absl::Status(const Node&)>& fn) {
  RETURN_IF_ERROR(CheckRevision(snap, part));
  const storage::SnapshotImpl& impl = storage::Impl(snap);
  const DBImpl& db = impl.db();
  const Revision rev = snap.revision();
  RangeIterator it(db, Cf::kNodes, part.first_id, part.end_id);
  // Versions of one id sort newest first; the first at or below rev decides.
  NodeId decided = 0;
  bool any = false;
  for (; it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != storage::kNodeKeySize) {
      return absl::DataLossError(StrCat("node key of size ", k.size(),
                                        " in partition ", part.index, "/",
                                        part.count, " is damaged"));
    }
    const NodeId id = GetBE64(k.data());
    if (any && id == decided) continue;
    const Revision written = storage::GetInvRev(k.data() + 8);
    if (written > rev) continue;
    decided = id;
    any = true;
    if (it->value().empty()) continue;  // deleted at or before rev
    ASSIGN_OR_RETURN(Node node,
                     db.MaterializeNode(it->value().ToStringView(), id, written,
                                        impl.registry()));
    RETURN_IF_ERROR(fn(node));
  }
  return storage::FromRocks(it->status(),
                            StrCat("scan nodes of partition ", part.index));
}

absl::Status ScanPartitionEdges(
    const Snapshot& snap, const Partition& part,
    const std::function<absl::Status(const Edge&)>& fn) {
  RETURN_IF_ERROR(CheckRevision(snap, part));
  const storage::SnapshotImpl& impl = storage::Impl(snap);
  const DBImpl& db = impl.db();
  const Revision rev = snap.revision();
  // Edges are buffered in batches whose endpoint keys are then resolved in
  // one ascending sweep over `ids` (targets are scattered over the whole id
  // space: one Get each would cost a random read per edge).
  constexpr size_t kBatchEdges = size_t{1} << 16;
  struct Pending {
    NodeId from, to;
    storage::TypeId type;
    size_t value_offset, value_size;
  };
  std::vector<Pending> batch;
  std::string values;
  KeyResolver keys(db);
  Edge edge;
  auto flush = [&]() -> absl::Status {
    std::vector<NodeId> ids;
    ids.reserve(batch.size() * 2);
    for (const Pending& p : batch) {
      ids.push_back(p.from);
      ids.push_back(p.to);
    }
    RETURN_IF_ERROR(keys.Resolve(std::move(ids)));
    for (const Pending& p : batch) {
      const std::string* type_name = impl.registry().Name(p.type);
      if (type_name == nullptr) {
        return db.DataLoss(StrCat("unknown edge type id ", p.type), p.from,
                           rev);
      }
      auto props = storage::DecodeEdgeRecord(
          std::string_view(values).substr(p.value_offset, p.value_size));
      if (!props.ok()) {
        return db.DataLoss(StrCat("corrupted out-edge to node id ", p.to),
                           p.from, rev);
      }
      ASSIGN_OR_RETURN(std::string_view from, keys.Key(p.from));
      ASSIGN_OR_RETURN(std::string_view to, keys.Key(p.to));
      edge.from.assign(from);
      edge.to.assign(to);
      edge.type.assign(*type_name);
      edge.props = *std::move(props);
      RETURN_IF_ERROR(fn(edge));
    }
    batch.clear();
    values.clear();
    return absl::OkStatus();
  };

  RangeIterator it(db, Cf::kOutEdges, part.first_id, part.end_id);
  // (from, type, to) of the edge whose visible version was decided last.
  std::string decided;
  for (; it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != storage::kEdgeKeySize) {
      return absl::DataLossError(StrCat("out-edge key of size ", k.size(),
                                        " in partition ", part.index, "/",
                                        part.count, " is damaged"));
    }
    const std::string_view identity(k.data(), storage::kEdgeKeySize - 8);
    if (identity == decided) continue;
    if (storage::GetInvRev(k.data() + 20) > rev) continue;
    decided.assign(identity);
    if (it->value().empty()) continue;  // deleted at or before rev
    // 8-byte aligned, so decoding reads the record in place.
    values.resize((values.size() + 7) & ~size_t{7});
    batch.push_back({GetBE64(k.data()), GetBE64(k.data() + 12),
                     GetBE32(k.data() + 8), values.size(), it->value().size()});
    values.append(it->value().data(), it->value().size());
    if (batch.size() == kBatchEdges) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(storage::FromRocks(
      it->status(), StrCat("scan out-edges of partition ", part.index)));
  return flush();
}

absl::StatusOr<std::vector<Partition>> Snapshot::Partitions(int n) const {
  return critgraph::Partitions(*this, n);
}

}  // namespace critgraph
