// Point reads of node versions through one reusable iterator.
#ifndef CRITGRAPH_STORAGE_NODE_READER_H_
#define CRITGRAPH_STORAGE_NODE_READER_H_

#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "storage/record.h"

namespace critgraph::storage {

// The value under a reader's iterator: nullopt for a deletion marker, else
// the record if `verify` accepts it, else DataLoss naming `id` and `rev`.
template <typename Verify>
absl::StatusOr<std::optional<std::string_view>> VerifiedValue(
    const rocksdb::Iterator& it, NodeId id, Revision rev, std::string_view what,
    const DBImpl& db, Verify verify) {
  if (it.value().empty()) return std::optional<std::string_view>();
  std::string_view v = it.value().ToStringView();
  if (!verify(v)) return db.DataLoss(what, id, rev);
  return std::optional<std::string_view>(v);
}

// Not thread-safe; one per thread.
class NodeReader {
 public:
  explicit NodeReader(const DBImpl& db) : db_(db) {
    rocksdb::ReadOptions ro;
    ro.prefix_same_as_start = true;
    it_.reset(db.rdb()->NewIterator(ro, db.cf(Cf::kNodes)));
  }
  NodeReader(const NodeReader&) = delete;
  NodeReader& operator=(const NodeReader&) = delete;

  // The verified record of `id` visible at `rev`, or nullopt if the node does
  // not exist there. The view is valid until the next call.
  absl::StatusOr<std::optional<std::string_view>> Read(NodeId id,
                                                       Revision rev) {
    found_rev_ = 0;
    it_->Seek(NodeKey(id, rev));
    if (!it_->Valid()) {
      if (!it_->status().ok()) {
        return FromRocks(it_->status(), "read node");
      }
      return std::optional<std::string_view>();
    }
    rocksdb::Slice k = it_->key();
    if (k.size() != kNodeKeySize || GetBE64(k.data()) != id) {
      return std::optional<std::string_view>();
    }
    found_rev_ = GetInvRev(k.data() + 8);
    return VerifiedValue(
        *it_, id, found_rev_, "corrupted record", db_,
        [](std::string_view v) { return DecodeNodeKind(v).ok(); });
  }

  // The revision of the version the last Read found (live or deleted), or 0
  // if it found none.
  Revision found_rev() const { return found_rev_; }

 private:
  const DBImpl& db_;
  std::unique_ptr<rocksdb::Iterator> it_;
  Revision found_rev_ = 0;
};

// Point reads of out-edge versions through one reusable iterator.
// Built like NodeReader over another column family; key layout and Read's
// arguments differ, so only the constructor is alike.
class EdgeReader {
 public:
  explicit EdgeReader(const DBImpl& db) : db_(db) {
    rocksdb::ReadOptions ro;
    ro.prefix_same_as_start = true;
    it_.reset(db.rdb()->NewIterator(ro, db.cf(Cf::kOutEdges)));
  }
  EdgeReader(const EdgeReader&) = delete;
  EdgeReader& operator=(const EdgeReader&) = delete;

  // The verified record of the edge visible at `rev`, or nullopt if it does
  // not exist there. The view is valid until the next call.
  absl::StatusOr<std::optional<std::string_view>> Read(NodeId from, TypeId type,
                                                       NodeId to,
                                                       Revision rev) {
    found_rev_ = 0;
    std::string k = EdgeKey(from, type, to, rev);
    it_->Seek(k);
    if (!it_->Valid()) {
      if (!it_->status().ok()) return FromRocks(it_->status(), "read edge");
      return std::optional<std::string_view>();
    }
    rocksdb::Slice found = it_->key();
    if (found.size() != kEdgeKeySize ||
        std::string_view(found.data(), kEdgePrefixSize) !=
            std::string_view(k).substr(0, kEdgePrefixSize)) {
      return std::optional<std::string_view>();
    }
    found_rev_ = GetInvRev(found.data() + 20);
    return VerifiedValue(*it_, from, found_rev_, "corrupted out-edge record",
                         db_, VerifyEdgeRecord);
  }

  // As NodeReader::found_rev.
  Revision found_rev() const { return found_rev_; }

 private:
  const DBImpl& db_;
  std::unique_ptr<rocksdb::Iterator> it_;
  Revision found_rev_ = 0;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_NODE_READER_H_
