// Scans the edges of nodes at one revision: one contiguous key range per
// node. Reused across calls so a traversal creates one iterator, not one per
// node. Not thread-safe; make one per thread.
#ifndef CRITGRAPH_STORAGE_EDGE_SCANNER_H_
#define CRITGRAPH_STORAGE_EDGE_SCANNER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {

class EdgeScanner {
 public:
  // `outgoing` picks the out_edges (true) or in_edges (false) family.
  EdgeScanner(const DBImpl& db, bool outgoing) : outgoing_(outgoing) {
    rocksdb::ReadOptions ro;
    ro.prefix_same_as_start = true;
    owned_.reset(db.rdb()->NewIterator(
        ro, db.cf(outgoing ? Cf::kOutEdges : Cf::kInEdges)));
    it_ = owned_.get();
  }
  // Scans with `it`, a prefix iterator (prefix_same_as_start) over the
  // out_edges (outgoing) or in_edges family that outlives the scanner, e.g.
  // one lent by a snapshot's IteratorPool.
  EdgeScanner(rocksdb::Iterator* it, bool outgoing)
      : outgoing_(outgoing), it_(it) {}
  EdgeScanner(const EdgeScanner&) = delete;
  EdgeScanner& operator=(const EdgeScanner&) = delete;

  // Calls fn(TypeId type, NodeId other, std::string_view value) for every
  // edge of `node` alive at `rev` whose type is in `types` (empty = all), in
  // (type, other id) order. `value` is the EdgeRecord for out-edges and "A"
  // for in-edges; it is valid only during the call.
  template <typename Fn>
  absl::Status Scan(NodeId node, Revision rev, absl::Span<const TypeId> types,
                    Fn&& fn) {
    char start[8];
    EncodeBE64(node, start);
    it_->Seek(rocksdb::Slice(start, 8));
    uint64_t last_type = ~uint64_t{0};
    NodeId last_other = 0;
    for (; it_->Valid(); it_->Next()) {
      rocksdb::Slice k = it_->key();
      if (k.size() != kEdgeKeySize) {
        return absl::DataLossError(StrCat(outgoing_ ? "out" : "in",
                                          "-edge key of node id ", node,
                                          " is damaged"));
      }
      const char* p = k.data();
      if (GetBE64(p) != node) break;
      TypeId type = GetBE32(p + 8);
      NodeId other = GetBE64(p + 12);
      if (GetInvRev(p + 20) > rev) continue;  // newer than the snapshot
      if (type == last_type && other == last_other) continue;  // older version
      last_type = type;
      last_other = other;
      rocksdb::Slice v = it_->value();
      const bool alive =
          outgoing_ ? !v.empty() : (v.size() == 1 && v[0] == 'A');
      if (!alive) continue;
      if (!types.empty() &&
          std::find(types.begin(), types.end(), type) == types.end()) {
        continue;
      }
      RETURN_IF_ERROR(fn(type, other, v.ToStringView()));
    }
    if (!it_->status().ok()) {
      return absl::InternalError(StrCat("scan edges of node id ", node, ": ",
                                        it_->status().ToString()));
    }
    return absl::OkStatus();
  }

 private:
  const bool outgoing_;
  std::unique_ptr<rocksdb::Iterator> owned_;
  rocksdb::Iterator* it_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_EDGE_SCANNER_H_
