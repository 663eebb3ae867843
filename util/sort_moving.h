// Sorting vectors of heavy values (strings, maps) by a permutation: the
// positions are sorted, then each element is moved once, where an in-place
// sort would swap whole values O(n log n) times.
#ifndef CRITGRAPH_UTIL_SORT_MOVING_H_
#define CRITGRAPH_UTIL_SORT_MOVING_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace critgraph {

// Sorts `v` by `less`, stably: elements that compare equal keep their
// order. At most 2^32 elements.
template <typename T, typename Less>
void SortMoving(std::vector<T>& v, Less less) {
  std::vector<uint32_t> order(v.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  // Stable on the positions: cheap to move, one comparison each.
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return less(v[a], v[b]); });
  std::vector<T> sorted;
  sorted.reserve(v.size());
  for (uint32_t i : order) sorted.push_back(std::move(v[i]));
  v = std::move(sorted);
}

}  // namespace critgraph

#endif  // CRITGRAPH_UTIL_SORT_MOVING_H_
