// Traversals over an in-memory AdjacencySnapshot. Contract:
// include/critgraph/adjacency.h; semantics as include/critgraph/traversal.h.
#include "critgraph/adjacency.h"

#include <algorithm>
#include <thread>

#include "engine/adjacency_internal.h"
#include "engine/reach_wrappers.h"
#include "util/str_cat.h"

namespace critgraph {
namespace engine {

std::optional<LocalId> AdjacencyRep::Find(std::string_view k) const {
  // Local indices are in key order.
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (key(mid) < k) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < n && key(lo) == k) return lo;
  return std::nullopt;
}

size_t AdjacencyRep::MemoryBytes() const {
  auto bytes = [](const auto& v) {
    return v.capacity() *
           sizeof(typename std::decay_t<decltype(v)>::value_type);
  };
  size_t total = sizeof(*this) + key_arena.capacity() + bytes(key_offsets) +
                 bytes(kind) + bytes(out_offsets) + bytes(out_targets) +
                 bytes(out_types) + bytes(in_offsets) + bytes(in_sources) +
                 bytes(in_types) + bytes(type_names) + bytes(kind_names);
  for (const auto& s : type_names) total += s.capacity();
  for (const auto& s : kind_names) total += s.capacity();
  return total;
}

std::unique_ptr<AdjacencyScratch> AdjacencyRep::AcquireScratch() const {
  {
    MutexLock lock(&pool_mu);
    if (!pool.empty()) {
      auto s = std::move(pool.back());
      pool.pop_back();
      return s;
    }
  }
  return std::make_unique<AdjacencyScratch>(n);
}

void AdjacencyRep::ReleaseScratch(std::unique_ptr<AdjacencyScratch> s) const {
  MutexLock lock(&pool_mu);
  pool.push_back(std::move(s));
}

namespace {

// Borrows a scratch from the rep's pool for one scope.
class ScratchLease {
 public:
  explicit ScratchLease(const AdjacencyRep& rep)
      : rep_(rep), s_(rep.AcquireScratch()) {}
  ~ScratchLease() { rep_.ReleaseScratch(std::move(s_)); }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  AdjacencyScratch& operator*() { return *s_; }

 private:
  const AdjacencyRep& rep_;
  std::unique_ptr<AdjacencyScratch> s_;
};

// A ReachSpec's filters over local ids.
struct Filter {
  Direction direction = Direction::kOut;
  bool filter_types = false;
  std::vector<uint8_t> type_ok;  // by local type
  bool filter_kinds = false;
  std::vector<uint8_t> kind_ok;  // by local kind
  std::optional<uint32_t> max_depth;

  bool KindOk(const AdjacencyRep& rep, LocalId v) const {
    return !filter_kinds || kind_ok[rep.kind[v]];
  }
};

std::optional<size_t> IndexOf(const std::vector<std::string>& sorted,
                              const std::string& name) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), name);
  if (it == sorted.end() || *it != name) return std::nullopt;
  return static_cast<size_t>(it - sorted.begin());
}

// As CompileFilter (strict): an unknown name is InvalidArgument.
absl::StatusOr<Filter> Compile(const AdjacencyRep& rep, const ReachSpec& spec) {
  Filter f;
  f.direction = spec.direction;
  f.max_depth = spec.max_depth;
  if (!spec.edge_types.empty()) {
    f.filter_types = true;
    f.type_ok.assign(rep.type_names.size(), 0);
    for (const auto& name : spec.edge_types) {
      auto i = IndexOf(rep.type_names, name);
      if (!i) {
        return absl::InvalidArgumentError(
            StrCat("unknown edge type '", name, "' at revision ", rep.rev));
      }
      f.type_ok[*i] = 1;
    }
  }
  // Same as the edge-type block: kinds and types have separate name tables,
  // bitmaps and error wording.
  if (!spec.kinds.empty()) {
    f.filter_kinds = true;
    f.kind_ok.assign(rep.kind_names.size(), 0);
    for (const auto& name : spec.kinds) {
      auto i = IndexOf(rep.kind_names, name);
      if (!i) {
        return absl::InvalidArgumentError(
            StrCat("unknown node kind '", name, "' at revision ", rep.rev));
      }
      f.kind_ok[*i] = 1;
    }
  }
  return f;
}

absl::StatusOr<LocalId> FindExisting(const AdjacencyRep& rep,
                                     std::string_view key) {
  auto i = rep.Find(key);
  if (!i) {
    return absl::NotFoundError(
        StrCat("node '", key, "' does not exist at revision ", rep.rev));
  }
  return *i;
}

// Calls fn(LocalId neighbour) -> bool (false stops) for every edge of `u`
// followed by `f` (reverse: against the traversal direction). Returns false
// if stopped.
template <typename Fn>
inline bool ForEachNeighbour(const AdjacencyRep& rep, const Filter& f,
                             LocalId u, bool reverse, Fn&& fn) {
  const Direction d = f.direction;
  const bool use_out =
      d == Direction::kBoth || (d == Direction::kOut) != reverse;
  const bool use_in = d == Direction::kBoth || (d == Direction::kIn) != reverse;
  if (use_out) {
    const uint32_t end = rep.out_offsets[u + 1];
    for (uint32_t e = rep.out_offsets[u]; e < end; ++e) {
      if (f.filter_types && !f.type_ok[rep.out_types[e]]) continue;
      if (!fn(rep.out_targets[e])) return false;
    }
  }
  if (use_in) {
    const uint32_t end = rep.in_offsets[u + 1];
    for (uint32_t e = rep.in_offsets[u]; e < end; ++e) {
      if (f.filter_types && !f.type_ok[rep.in_types[e]]) continue;
      if (!fn(rep.in_sources[e])) return false;
    }
  }
  return true;
}

// Breadth-first reach. Each level is expanded in index (= key) order, so the
// first node of a level to touch a new node is its smallest-key parent.
std::vector<ReachedNode> RunReach(const AdjacencyRep& rep,
                                  const std::vector<LocalId>& sources,
                                  const Filter& f, AdjacencyScratch& s) {
  s.Begin();
  std::vector<LocalId>& order = s.order;
  std::vector<uint32_t>& parent = s.parent;
  for (LocalId src : sources) {  // sorted, unique
    s.Touch(src, 0);
    order.push_back(src);
    parent.push_back(kNoSlot);
  }
  std::vector<size_t> level_begin{0};
  for (uint32_t depth = 0;; ++depth) {
    const size_t begin = level_begin.back();
    const size_t end = order.size();
    if (begin == end) break;
    if (f.max_depth && depth >= *f.max_depth) break;
    for (size_t i = begin; i < end; ++i) {
      const uint32_t from = static_cast<uint32_t>(i);
      ForEachNeighbour(rep, f, order[i], /*reverse=*/false, [&](LocalId v) {
        if (s.Touched(v)) return true;
        if (!f.KindOk(rep, v)) {
          s.Touch(v, kNoSlot);
          return true;
        }
        s.Touch(v, 0);
        order.push_back(v);
        parent.push_back(from);
        return true;
      });
    }
    // Sort the new level by index (= key), parents alongside.
    const size_t next_end = order.size();
    if (next_end - end > 1) {
      s.pairs.clear();
      for (size_t i = end; i < next_end; ++i) {
        s.pairs.push_back(uint64_t{order[i]} << 32 | parent[i]);
      }
      std::sort(s.pairs.begin(), s.pairs.end());
      for (size_t i = end; i < next_end; ++i) {
        order[i] = static_cast<LocalId>(s.pairs[i - end] >> 32);
        parent[i] = static_cast<uint32_t>(s.pairs[i - end]);
      }
    }
    level_begin.push_back(end);
  }
  level_begin.push_back(order.size());

  std::vector<ReachedNode> out(order.size());
  uint32_t depth = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    while (i >= level_begin[depth + 1]) ++depth;
    ReachedNode& r = out[i];
    r.key.assign(rep.key(order[i]));
    r.depth = depth;
    if (parent[i] != kNoSlot) r.parent.emplace(rep.key(order[parent[i]]));
  }
  return out;
}

// Compiles `spec`, resolves its sources and runs it.
// Same steps as RunSpec in traversal.cc, over the other backend: LocalIds and
// an AdjacencyRep here, NodeIds and a snapshot there.
absl::StatusOr<std::vector<ReachedNode>> RunSpec(const AdjacencyRep& rep,
                                                 const ReachSpec& spec,
                                                 AdjacencyScratch& s) {
  auto f = Compile(rep, spec);
  if (!f.ok()) return f.status();
  std::vector<LocalId> sources;
  sources.reserve(spec.sources.size());
  for (const auto& key : spec.sources) {
    auto id = FindExisting(rep, key);
    if (!id.ok()) return id.status();
    sources.push_back(*id);
  }
  std::sort(sources.begin(), sources.end());
  sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
  return RunReach(rep, sources, *f, s);
}

// The adjacency backend of engine/reach_wrappers.h.
struct AdjacencyBackend {
  const AdjacencyRep& rep;

  ScratchLease MakeState() const { return ScratchLease(rep); }
  absl::StatusOr<std::vector<ReachedNode>> Run(ScratchLease& s,
                                               const ReachSpec& spec) const {
    return RunSpec(rep, spec, *s);
  }
  absl::StatusOr<std::vector<std::string>> KeysOfKind(
      std::string_view kind) const {
    auto k = IndexOf(rep.kind_names, std::string(kind));
    if (!k) {
      return absl::InvalidArgumentError(
          StrCat("unknown node kind '", kind, "' at revision ", rep.rev));
    }
    std::vector<std::string> keys;
    for (LocalId i = 0; i < rep.n; ++i) {  // key order
      if (rep.kind[i] == *k) keys.emplace_back(rep.key(i));
    }
    return keys;
  }
  absl::Status CheckFilter(const ReachSpec& filters) const {
    return Compile(rep, filters).status();
  }
};

absl::StatusOr<std::optional<std::vector<std::string>>> RunPath(
    const AdjacencyRep& rep, LocalId from, LocalId to, const Filter& f,
    AdjacencyScratch& s) {
  using Result = std::optional<std::vector<std::string>>;
  if (from == to) {
    return Result(std::vector<std::string>{std::string(rep.key(from))});
  }
  if (!f.KindOk(rep, to)) return Result();
  s.Begin();
  // slot = depth, or kNoSlot for a node failing the kind filter.
  s.Touch(from, 0);
  std::vector<LocalId>& frontier = s.order;
  std::vector<LocalId>& next = s.parent;
  frontier.push_back(from);
  bool found = false;
  uint32_t to_depth = 0;
  for (uint32_t depth = 0; !found && !frontier.empty(); ++depth) {
    if (f.max_depth && depth >= *f.max_depth) break;
    next.clear();
    for (LocalId u : frontier) {
      const bool go_on =
          ForEachNeighbour(rep, f, u, /*reverse=*/false, [&](LocalId v) {
            if (s.Touched(v)) return true;
            if (v == to) {
              s.Touch(v, depth + 1);
              to_depth = depth + 1;
              found = true;
              return false;
            }
            if (!f.KindOk(rep, v)) {
              s.Touch(v, kNoSlot);
              return true;
            }
            s.Touch(v, depth + 1);
            next.push_back(v);
            return true;
          });
      if (!go_on) break;
    }
    frontier.swap(next);
  }
  if (!found) return Result();

  // Walk back from `to`, each step to the smallest-index (= smallest-key)
  // predecessor one level closer. The levels below to_depth are complete.
  std::vector<std::string> path{std::string(rep.key(to))};
  LocalId v = to;
  for (uint32_t d = to_depth; d > 0; --d) {
    LocalId best = kNoSlot;
    ForEachNeighbour(rep, f, v, /*reverse=*/true, [&](LocalId p) {
      if (s.Touched(p) && s.slot[p] == d - 1 && p < best) best = p;
      return true;
    });
    if (best == kNoSlot) {
      return absl::InternalError(StrCat("shortest path: no predecessor of '",
                                        rep.key(v), "' at depth ", d - 1,
                                        " at revision ", rep.rev));
    }
    path.emplace_back(rep.key(best));
    v = best;
  }
  std::reverse(path.begin(), path.end());
  return Result(std::move(path));
}

}  // namespace
}  // namespace engine

AdjacencySnapshot::AdjacencySnapshot(std::unique_ptr<engine::AdjacencyRep> rep)
    : rep_(std::move(rep)) {}
AdjacencySnapshot::~AdjacencySnapshot() = default;

absl::StatusOr<std::unique_ptr<AdjacencySnapshot>> AdjacencySnapshot::Build(
    const Snapshot& snap, int threads) {
  auto rep = engine::BuildAdjacencyRep(snap, threads);
  if (!rep.ok()) return rep.status();
  return engine::AdjacencyAccess::Make(*std::move(rep));
}

Revision AdjacencySnapshot::revision() const { return rep_->rev; }
uint64_t AdjacencySnapshot::node_count() const { return rep_->n; }
uint64_t AdjacencySnapshot::edge_count() const { return rep_->m; }
size_t AdjacencySnapshot::memory_bytes() const { return rep_->MemoryBytes(); }

absl::StatusOr<std::vector<ReachedNode>> Reach(const AdjacencySnapshot& adj,
                                               const ReachSpec& spec) {
  const auto& rep = engine::AdjacencyAccess::Rep(adj);
  engine::ScratchLease s(rep);
  return engine::RunSpec(rep, spec, *s);
}

absl::StatusOr<std::optional<std::vector<std::string>>> ShortestPath(
    const AdjacencySnapshot& adj, std::string_view from, std::string_view to,
    const ReachSpec& filters) {
  if (!filters.sources.empty()) {
    return absl::InvalidArgumentError(
        "ShortestPath: filters.sources must be empty (use from and to)");
  }
  const auto& rep = engine::AdjacencyAccess::Rep(adj);
  auto f = engine::Compile(rep, filters);
  if (!f.ok()) return f.status();
  auto from_id = engine::FindExisting(rep, from);
  if (!from_id.ok()) return from_id.status();
  auto to_id = engine::FindExisting(rep, to);
  if (!to_id.ok()) return to_id.status();
  engine::ScratchLease s(rep);
  return engine::RunPath(rep, *from_id, *to_id, *f, *s);
}

absl::StatusOr<std::vector<ReachedNode>> Neighbourhood(
    const AdjacencySnapshot& adj, std::string_view key, uint32_t k,
    const ReachSpec& filters) {
  return engine::NeighbourhoodOn(
      engine::AdjacencyBackend{engine::AdjacencyAccess::Rep(adj)}, key, k,
      filters);
}

absl::StatusOr<std::vector<std::vector<ReachedNode>>> ReachMany(
    const AdjacencySnapshot& adj, const std::vector<ReachSpec>& specs,
    int threads) {
  return engine::ReachManyOn(
      engine::AdjacencyBackend{engine::AdjacencyAccess::Rep(adj)}, specs,
      threads);
}

absl::StatusOr<std::vector<SourceReach>> ReachFromEachOfKind(
    const AdjacencySnapshot& adj, std::string_view source_kind,
    const ReachSpec& filters, int threads) {
  return engine::ReachFromEachOfKindOn(
      engine::AdjacencyBackend{engine::AdjacencyAccess::Rep(adj)}, source_kind,
      filters, threads);
}

}  // namespace critgraph
