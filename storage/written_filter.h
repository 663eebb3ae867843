// Which entities a write transaction has already put on disk, as a Bloom
// filter: MayContain is false only for an entity never added. A transaction
// uses it to skip the disk read of an entity that involves a node id it
// allocated itself: such an entity can be on disk only if one of its own
// earlier chunks wrote it, so "never added" proves "absent" — the read a
// bulk load would otherwise pay for every element after its first chunk.
//
// Memory is bounded (about 20.6 MiB at most) whatever the transaction's
// size: the filter is a stack of layers, each sized for a fixed number of
// entries (16 bits each, 3 probes, ~0.5% false positives when full), the
// next one 8 times larger, the last (16 MiB) kept once full; a false
// positive only costs the read that would have happened anyway. Not
// thread-safe; in-memory only (absl::Hash is salted per process).
#ifndef CRITGRAPH_STORAGE_WRITTEN_FILTER_H_
#define CRITGRAPH_STORAGE_WRITTEN_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace critgraph::storage {

class WrittenFilter {
 public:
  WrittenFilter() = default;
  WrittenFilter(const WrittenFilter&) = delete;
  WrittenFilter& operator=(const WrittenFilter&) = delete;

  // `hash`: a well-mixed 64-bit hash of the entity (absl::HashOf).
  void Add(uint64_t hash);
  bool MayContain(uint64_t hash) const;
  size_t bytes() const;

 private:
  static constexpr int kProbes = 3;
  static constexpr uint64_t kBitsPerEntry = 16;
  static constexpr uint64_t kFirstLayerBits = uint64_t{1} << 19;  // 64 KiB
  static constexpr uint64_t kMaxLayerBits = uint64_t{1} << 27;    // 16 MiB

  struct Layer {
    std::vector<uint64_t> words;
    uint64_t bits = 0;
    uint64_t added = 0;
  };
  static bool Test(const Layer& layer, uint64_t hash);

  std::vector<Layer> layers_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_WRITTEN_FILTER_H_
