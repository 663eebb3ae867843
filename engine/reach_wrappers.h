// Neighbourhood, ReachMany and ReachFromEachOfKind, written once for both
// traversal backends: the storage traversal over a Snapshot
// (engine/traversal.cc) and the in-memory AdjacencySnapshot
// (engine/adjacency.cc). Semantics: include/critgraph/traversal.h.
//
// A Backend is a small view type providing:
//   State MakeState() const;
//       per-thread traversal state (returned by value, need not be movable)
//   absl::StatusOr<std::vector<ReachedNode>> Run(State&, const ReachSpec&)
//       const;  as critgraph::Reach
//   absl::StatusOr<std::vector<std::string>> KeysOfKind(std::string_view)
//       const;  keys of the nodes of a kind, sorted; InvalidArgument naming
//               the kind if it is not registered
//   absl::Status CheckFilter(const ReachSpec&) const;
//       InvalidArgument for an unknown edge type or kind name
#ifndef CRITGRAPH_ENGINE_REACH_WRAPPERS_H_
#define CRITGRAPH_ENGINE_REACH_WRAPPERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/traversal.h"
#include "util/parallel.h"
#include "util/status_macros.h"

namespace critgraph::engine {

template <typename Backend>
absl::StatusOr<std::vector<ReachedNode>> NeighbourhoodOn(
    const Backend& backend, std::string_view key, uint32_t k,
    const ReachSpec& filters) {
  if (!filters.sources.empty() || filters.max_depth) {
    return absl::InvalidArgumentError(
        "Neighbourhood: filters.sources must be empty and filters.max_depth "
        "unset (use key and k)");
  }
  ReachSpec spec = filters;
  spec.sources = {std::string(key)};
  spec.max_depth = k;
  auto state = backend.MakeState();
  return backend.Run(state, spec);
}

template <typename Backend>
absl::StatusOr<std::vector<std::vector<ReachedNode>>> ReachManyOn(
    const Backend& backend, const std::vector<ReachSpec>& specs, int threads) {
  std::vector<std::vector<ReachedNode>> results(specs.size());
  if (specs.empty()) return results;
  auto st = ParallelFor(
      specs.size(), PoolSize(threads, specs.size()),
      [&] { return backend.MakeState(); },
      [&](auto& state, size_t i) -> absl::Status {
        auto r = backend.Run(state, specs[i]);
        if (!r.ok()) return r.status();
        results[i] = *std::move(r);
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  return results;
}

template <typename Backend>
absl::StatusOr<std::vector<SourceReach>> ReachFromEachOfKindOn(
    const Backend& backend, std::string_view source_kind,
    const ReachSpec& filters, int threads) {
  if (!filters.sources.empty()) {
    return absl::InvalidArgumentError(
        "ReachFromEachOfKind: filters.sources must be empty");
  }
  auto keys = backend.KeysOfKind(source_kind);
  if (!keys.ok()) return keys.status();
  if (keys->empty()) {
    // Still report unknown filter names.
    RETURN_IF_ERROR(backend.CheckFilter(filters));
    return std::vector<SourceReach>();
  }
  std::vector<ReachSpec> specs;
  specs.reserve(keys->size());
  for (auto& key : *keys) {
    ReachSpec spec = filters;
    spec.sources = {std::move(key)};
    specs.push_back(std::move(spec));
  }
  auto results = ReachManyOn(backend, specs, threads);
  if (!results.ok()) return results.status();
  std::vector<SourceReach> out;
  out.reserve(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    out.push_back({std::move(specs[i].sources[0]), std::move((*results)[i])});
  }
  return out;
}

}  // namespace critgraph::engine

#endif  // CRITGRAPH_ENGINE_REACH_WRAPPERS_H_
