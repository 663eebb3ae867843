// What a write transaction knows exactly about the nodes it created (ids it
// allocated, which are dense from its first one): whether one of its chunks
// wrote the node, and whether the last version written is alive. Two bits
// per id (2.5 MB for a 10M-node load), where bounded caches forgot: a bulk
// load's edges check that both endpoints exist, and a node created
// millions of nodes earlier would otherwise cost a disk read per endpoint
// (the 10M-node import spent a third of its time in those reads).
//
// Not thread-safe: owned by one transaction.
#ifndef CRITGRAPH_STORAGE_NEW_NODE_STATES_H_
#define CRITGRAPH_STORAGE_NEW_NODE_STATES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "storage/keys.h"

namespace critgraph::storage {

class NewNodeStates {
 public:
  // Ids >= `first` are this transaction's.
  explicit NewNodeStates(NodeId first) : first_(first) {}
  NewNodeStates(const NewNodeStates&) = delete;
  NewNodeStates& operator=(const NewNodeStates&) = delete;

  // Records that a chunk wrote node `id` (one of this transaction's), alive
  // or deleted.
  void SetWritten(NodeId id, bool alive) {
    const size_t i = id - first_;
    if (i / 64 >= written_.size()) {
      written_.resize(i / 64 + 1);
      alive_.resize(i / 64 + 1);
    }
    const uint64_t bit = uint64_t{1} << (i % 64);
    written_[i / 64] |= bit;
    alive_[i / 64] = alive ? alive_[i / 64] | bit : alive_[i / 64] & ~bit;
  }
  // Whether any chunk wrote `id`; false for ids that are not this
  // transaction's.
  bool written(NodeId id) const { return Get(written_, id); }
  // Whether the last version a chunk wrote of `id` is alive.
  bool alive(NodeId id) const { return Get(alive_, id); }

 private:
  bool Get(const std::vector<uint64_t>& bits, NodeId id) const {
    if (id < first_) return false;
    const size_t i = id - first_;
    return i / 64 < bits.size() && (bits[i / 64] >> (i % 64)) & 1;
  }

  const NodeId first_;
  std::vector<uint64_t> written_;
  std::vector<uint64_t> alive_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_NEW_NODE_STATES_H_
