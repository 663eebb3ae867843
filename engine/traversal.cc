// Traversal engine: breadth-first search at the internal-id level over one
// snapshot. Semantics: include/critgraph/traversal.h, docs/QUERIES.md.
#include "critgraph/traversal.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "critgraph/adjacency.h"
#include "engine/reach_wrappers.h"
#include "engine/traversal_internal.h"
#include "storage/keys_of.h"
#include "storage/record.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {
namespace engine {
namespace {

constexpr uint32_t kRejected = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kNoParent = std::numeric_limits<uint32_t>::max();

void SortUnique(std::vector<TypeId>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

bool Contains(const std::vector<TypeId>& sorted, TypeId t) {
  // Filters are short; a linear scan beats a binary search here.
  for (TypeId x : sorted) {
    if (x == t) return true;
  }
  return false;
}

// Sentinel returned by a scan callback to stop a scan early.
absl::Status StopScan() { return absl::CancelledError("stop scan"); }

}  // namespace

absl::StatusOr<CompiledFilter> CompileFilter(const storage::SnapshotImpl& snap,
                                             const ReachSpec& spec,
                                             bool lenient) {
  CompiledFilter f;
  f.direction = spec.direction;
  f.max_depth = spec.max_depth;
  const Revision rev = snap.revision();
  const storage::Registry& reg = snap.registry();
  for (const auto& name : spec.edge_types) {
    if (auto id = reg.FindEdgeType(name, rev)) {
      f.edge_types.push_back(*id);
    } else if (!lenient) {
      return absl::InvalidArgumentError(
          StrCat("unknown edge type '", name, "' at revision ", rev));
    }
  }
  f.no_edges = !spec.edge_types.empty() && f.edge_types.empty();
  // Same as the edge-type loop: the registry resolves kinds and types by
  // different calls into different id spaces.
  for (const auto& name : spec.kinds) {
    if (auto id = reg.FindNodeKind(name, rev)) {
      f.kinds.push_back(*id);
    } else if (!lenient) {
      return absl::InvalidArgumentError(
          StrCat("unknown node kind '", name, "' at revision ", rev));
    }
  }
  f.no_kinds = !spec.kinds.empty() && f.kinds.empty();
  SortUnique(&f.edge_types);
  SortUnique(&f.kinds);
  return f;
}

absl::StatusOr<NodeId> ResolveExisting(const storage::SnapshotImpl& snap,
                                       std::string_view key) {
  auto id = snap.FindNode(key);
  if (!id.ok()) return id.status();
  if (!id->has_value()) {
    return absl::NotFoundError(StrCat(
        "node '", key, "' does not exist at revision ", snap.revision()));
  }
  return **id;
}

Traverser::Traverser(const storage::SnapshotImpl& snap)
    : snap_(snap),
      rev_(snap.revision()),
      out_(snap.db(), /*outgoing=*/true),
      in_(snap.db(), /*outgoing=*/false),
      reader_(snap.db()) {}

template <typename Fn>
absl::Status Traverser::ForEachNeighbour(NodeId node,
                                         const CompiledFilter& filter,
                                         bool reverse, Fn&& fn) {
  if (filter.no_edges) return absl::OkStatus();
  const Direction d = filter.direction;
  const bool use_out =
      d == Direction::kBoth || (d == Direction::kOut) != reverse;
  const bool use_in = d == Direction::kBoth || (d == Direction::kIn) != reverse;
  if (use_pass_ && !reverse) {
    auto cb = [&](NodeId other) -> absl::Status {
      ++edges_scanned_;
      return fn(other);
    };
    if (use_out) RETURN_IF_ERROR(pass_[0]->ForEach(node, cb));
    if (use_in) return pass_[1]->ForEach(node, cb);
    return absl::OkStatus();
  }
  auto cb = [&](TypeId, NodeId other, std::string_view) -> absl::Status {
    ++edges_scanned_;
    return fn(other);
  };
  if (use_out) {
    RETURN_IF_ERROR(out_.Scan(node, rev_, filter.edge_types, cb));
  }
  if (use_in) return in_.Scan(node, rev_, filter.edge_types, cb);
  return absl::OkStatus();
}

absl::StatusOr<bool> Traverser::PassesKind(NodeId id,
                                           const CompiledFilter& filter) {
  if (filter.no_kinds) return false;
  auto raw = reader_.Read(id, rev_);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) {
    return snap_.db().DataLoss("an edge leads to the missing record", id, rev_);
  }
  auto kind = storage::DecodeNodeKind(**raw);
  if (!kind.ok()) return snap_.db().DataLoss("corrupted record", id, rev_);
  return Contains(filter.kinds, *kind);
}

uint64_t Traverser::FamilyKeys(storage::Cf cf, uint64_t at_least) {
  // A pass reads every stored version, also those above the revision:
  // RocksDB's estimate (table properties plus memtables, no I/O) covers
  // them, the revision's own count is the floor when it is stale.
  uint64_t& cached = family_keys_[static_cast<int>(cf)];
  if (cached == 0) {
    uint64_t estimate = 0;
    const storage::DBImpl& db = snap_.db();
    if (!db.rdb()->GetIntProperty(db.cf(cf), "rocksdb.estimate-num-keys",
                                  &estimate)) {
      estimate = 0;
    }
    cached = std::max<uint64_t>(estimate, 1);
  }
  return std::max(cached, at_least);
}

uint64_t Traverser::PassCost(const CompiledFilter& filter) {
  uint64_t keys = 0;
  for (int f = 0; f < 2; ++f) {
    const bool wanted = f == 0 ? filter.direction != Direction::kIn
                               : filter.direction != Direction::kOut;
    if (!wanted) continue;
    if (pass_[f] && pass_[f]->types() == filter.edge_types) continue;
    keys += FamilyKeys(f == 0 ? storage::Cf::kOutEdges : storage::Cf::kInEdges,
                       snap_.info().edge_count);
  }
  return keys;
}

absl::Status Traverser::PreparePasses(const CompiledFilter& filter,
                                      uint64_t* keys_read) {
  for (int f = 0; f < 2; ++f) {
    const bool wanted = f == 0 ? filter.direction != Direction::kIn
                               : filter.direction != Direction::kOut;
    if (!wanted) continue;
    if (pass_[f] && pass_[f]->types() == filter.edge_types) continue;
    pass_[f].reset();  // free the old one before reading the new one
    auto pass = EdgePass::Read(snap_.db(), rev_, /*outgoing=*/f == 0,
                               filter.edge_types);
    if (!pass.ok()) return pass.status();
    *keys_read += pass->keys_read();
    pass_[f] = *std::move(pass);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ReachedNode>> Traverser::Reach(
    absl::Span<const NodeId> sources, const CompiledFilter& filter,
    const PlanOptions& plan, ReachReport* report) {
  // The pass is used only inside this call (Path always seeks).
  use_pass_ = false;
  struct ResetPass {
    bool& flag;
    ~ResetPass() { flag = false; }
  } reset_pass{use_pass_};
  const uint64_t seeks_per_node = filter.direction == Direction::kBoth ? 2 : 1;
  const uint64_t edges_before = edges_scanned_;
  uint64_t seeks = 0;
  uint64_t pass_keys = 0;
  std::optional<uint32_t> scan_from_depth;
  uint64_t previous_size = 0;  // nodes of the level expanded last
  // nodes[i] / keys[i]: the i-th reached node. Levels are contiguous and,
  // once complete, sorted by key, so the index order is the output order
  // and "smallest index" among nodes of one level means "smallest key".
  struct Slot {
    NodeId id;
    uint32_t depth;
    uint32_t parent;  // index into nodes, or kNoParent
  };
  std::vector<Slot> nodes;
  std::vector<std::string> keys;
  // id -> index into nodes, or kRejected for a node failing the kind filter.
  absl::flat_hash_map<NodeId, uint32_t> seen;
  const storage::DBImpl& db = snap_.db();

  // Resolves the keys of nodes[begin, end) and sorts that range by key,
  // keeping `seen` in step.
  std::vector<uint32_t> perm;
  std::vector<NodeId> level_ids;
  uint64_t resolved = 0;  // keys resolved so far
  bool use_key_pass = false;
  uint64_t key_pass_keys = 0;
  std::vector<uint32_t> ranks;  // by index - begin, with the key pass
  auto finish_level = [&](size_t begin, size_t end) -> absl::Status {
    keys.resize(end);
    perm.resize(end - begin);
    std::iota(perm.begin(), perm.end(), static_cast<uint32_t>(begin));
    if (!use_key_pass && use_pass_ &&
        ShouldReadKeyPass(resolved, end - begin,
                          key_pass_ ? 0
                                    : FamilyKeys(storage::Cf::kKeys,
                                                 snap_.info().node_count))) {
      if (!key_pass_) {
        auto kp = KeyPass::Read(db);
        if (!kp.ok()) return kp.status();
        key_pass_keys = kp->keys_read();
        key_pass_ = *std::move(kp);
      }
      use_key_pass = true;
    }
    resolved += end - begin;
    if (use_key_pass) {
      // Ranks are in key order: an integer sort, and no lookup per node.
      ranks.resize(end - begin);
      for (size_t i = begin; i < end; ++i) {
        const uint32_t rank = key_pass_->Rank(nodes[i].id);
        if (rank == KeyPass::kNoRank) {
          return absl::DataLossError(
              StrCat("node id ", nodes[i].id, " has no key"));
        }
        ranks[i - begin] = rank;
      }
      std::sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) {
        return ranks[a - begin] < ranks[b - begin];
      });
      for (size_t i = begin; i < end; ++i) {
        keys[i] = key_pass_->KeyAt(ranks[i - begin]);
      }
    } else {
      level_ids.clear();
      for (size_t i = begin; i < end; ++i) level_ids.push_back(nodes[i].id);
      RETURN_IF_ERROR(storage::KeysOf(
          db, level_ids,
          absl::MakeSpan(keys).subspan(begin, level_ids.size())));
      std::sort(perm.begin(), perm.end(),
                [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
    }
    std::vector<Slot> sorted_nodes;
    std::vector<std::string> sorted_keys;
    sorted_nodes.reserve(perm.size());
    sorted_keys.reserve(perm.size());
    for (uint32_t p : perm) {
      sorted_nodes.push_back(nodes[p]);
      sorted_keys.push_back(std::move(keys[p]));
    }
    for (size_t i = begin; i < end; ++i) {
      nodes[i] = sorted_nodes[i - begin];
      keys[i] = std::move(sorted_keys[i - begin]);
      seen[nodes[i].id] = static_cast<uint32_t>(i);
    }
    return absl::OkStatus();
  };

  for (NodeId s : sources) {
    auto [it, inserted] =
        seen.try_emplace(s, static_cast<uint32_t>(nodes.size()));
    if (inserted) nodes.push_back({s, 0, kNoParent});
  }
  RETURN_IF_ERROR(finish_level(0, nodes.size()));

  std::vector<std::pair<NodeId, uint32_t>> frontier;  // (id, index)
  size_t level_begin = 0;
  for (uint32_t depth = 0;; ++depth) {
    const size_t level_end = nodes.size();
    if (level_begin == level_end) break;
    if (filter.max_depth && depth >= *filter.max_depth) break;
    const uint64_t frontier_size = level_end - level_begin;
    if (!use_pass_ && !filter.no_edges && plan.plan != ReachPlan::kSeek) {
      bool go = true;  // kScan, kAdjacency
      if (plan.plan == ReachPlan::kAuto) {
        const uint64_t node_count = snap_.info().node_count;
        const uint64_t predicted = PredictNextLevel(
            previous_size, frontier_size,
            node_count > level_end ? node_count - level_end : 0);
        go = plan.force_scan_from_depth
                 ? depth >= *plan.force_scan_from_depth
                 : ShouldSwitchToScan(
                       seeks, (frontier_size + predicted) * seeks_per_node,
                       PassCost(filter));
      }
      if (go) {
        RETURN_IF_ERROR(PreparePasses(filter, &pass_keys));
        use_pass_ = true;
        scan_from_depth = depth;
      }
    }
    if (!use_pass_ && !filter.no_edges) seeks += frontier_size * seeks_per_node;
    previous_size = frontier_size;
    // Expand in id order: the scanners' seeks then move forward through the
    // edge column families.
    frontier.clear();
    for (size_t i = level_begin; i < level_end; ++i) {
      frontier.emplace_back(nodes[i].id, static_cast<uint32_t>(i));
    }
    std::sort(frontier.begin(), frontier.end());
    const uint32_t next_begin = static_cast<uint32_t>(level_end);
    for (const auto& [id, index] : frontier) {
      const uint32_t parent = index;
      auto st = ForEachNeighbour(
          id, filter, /*reverse=*/false, [&](NodeId other) -> absl::Status {
            auto [it, inserted] = seen.try_emplace(other, kRejected);
            if (!inserted) {
              const uint32_t slot = it->second;
              // Found again from the same level: keep the smallest parent.
              if (slot != kRejected && slot >= next_begin &&
                  parent < nodes[slot].parent) {
                nodes[slot].parent = parent;
              }
              return absl::OkStatus();
            }
            if (filter.filters_kind()) {
              auto pass = PassesKind(other, filter);
              if (!pass.ok()) return pass.status();
              if (!*pass) return absl::OkStatus();  // stays kRejected
            }
            it->second = static_cast<uint32_t>(nodes.size());
            nodes.push_back({other, depth + 1, parent});
            return absl::OkStatus();
          });
      if (!st.ok()) return st;
    }
    RETURN_IF_ERROR(finish_level(next_begin, nodes.size()));
    level_begin = level_end;
  }

  std::vector<ReachedNode> out;
  out.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    ReachedNode r;
    r.depth = nodes[i].depth;
    if (nodes[i].parent != kNoParent) r.parent = keys[nodes[i].parent];
    out.push_back(std::move(r));
  }
  // Keys are moved last: parents above were copied from them.
  for (size_t i = 0; i < nodes.size(); ++i) out[i].key = std::move(keys[i]);
  if (report != nullptr) {
    report->plan = scan_from_depth ? ReachPlan::kScan : ReachPlan::kSeek;
    report->scan_from_depth = scan_from_depth;
    report->seeks = seeks;
    report->pass_keys = pass_keys;
    report->key_pass_keys = key_pass_keys;
    report->edges = edges_scanned_ - edges_before;
  }
  return out;
}

absl::StatusOr<std::optional<std::vector<std::string>>> Traverser::Path(
    NodeId from, NodeId to, const CompiledFilter& filter) {
  using Result = std::optional<std::vector<std::string>>;
  const storage::DBImpl& db = snap_.db();
  if (from == to) {
    auto key = db.KeyOf(from);
    if (!key.ok()) return key.status();
    return Result(std::vector<std::string>{*std::move(key)});
  }
  if (filter.filters_kind()) {
    auto pass = PassesKind(to, filter);
    if (!pass.ok()) return pass.status();
    if (!*pass) return Result();
  }
  // id -> depth, or kRejected.
  absl::flat_hash_map<NodeId, uint32_t> depth_of;
  depth_of[from] = 0;
  std::vector<NodeId> frontier{from}, next;
  bool found = false;
  uint32_t to_depth = 0;
  for (uint32_t depth = 0; !found && !frontier.empty(); ++depth) {
    if (filter.max_depth && depth >= *filter.max_depth) break;
    std::sort(frontier.begin(), frontier.end());
    next.clear();
    for (NodeId id : frontier) {
      auto st = ForEachNeighbour(
          id, filter, /*reverse=*/false, [&](NodeId other) -> absl::Status {
            auto [it, inserted] = depth_of.try_emplace(other, kRejected);
            if (!inserted) return absl::OkStatus();
            if (other == to) {
              it->second = depth + 1;
              found = true;
              to_depth = depth + 1;
              return StopScan();
            }
            if (filter.filters_kind()) {
              auto pass = PassesKind(other, filter);
              if (!pass.ok()) return pass.status();
              if (!*pass) return absl::OkStatus();
            }
            it->second = depth + 1;
            next.push_back(other);
            return absl::OkStatus();
          });
      if (found) break;
      if (!st.ok()) return st;
    }
    frontier.swap(next);
  }
  if (!found) return Result();

  // Walk back from `to`: at each step take the smallest-key predecessor one
  // level closer. Every level below to_depth is complete in depth_of.
  std::vector<std::string> path;
  auto to_key = db.KeyOf(to);
  if (!to_key.ok()) return to_key.status();
  path.push_back(*std::move(to_key));
  NodeId v = to;
  std::vector<NodeId> candidates;
  for (uint32_t d = to_depth; d > 0; --d) {
    candidates.clear();
    auto st = ForEachNeighbour(
        v, filter, /*reverse=*/true, [&](NodeId p) -> absl::Status {
          auto it = depth_of.find(p);
          if (it != depth_of.end() && it->second == d - 1) {
            candidates.push_back(p);
          }
          return absl::OkStatus();
        });
    if (!st.ok()) return st;
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()),
                     candidates.end());
    if (candidates.empty()) {
      return absl::InternalError(
          StrCat("shortest path: no predecessor of node id ", v, " at depth ",
                 d - 1, " at revision ", rev_));
    }
    std::optional<std::string> best_key;
    NodeId best = 0;
    for (NodeId c : candidates) {
      auto key = db.KeyOf(c);
      if (!key.ok()) return key.status();
      if (!best_key || *key < *best_key) {
        best_key = *std::move(key);
        best = c;
      }
    }
    path.push_back(*std::move(best_key));
    v = best;
  }
  std::reverse(path.begin(), path.end());
  return Result(std::move(path));
}

namespace {

// Compiles `spec` strictly, resolves its sources and runs it with its plan.
absl::StatusOr<std::vector<ReachedNode>> RunSpec(
    Traverser& t, const storage::SnapshotImpl& snap, const ReachSpec& spec,
    ReachReport* report = nullptr) {
  auto filter = CompileFilter(snap, spec, /*lenient=*/false);
  if (!filter.ok()) return filter.status();
  std::vector<NodeId> sources;
  sources.reserve(spec.sources.size());
  for (const auto& key : spec.sources) {
    auto id = ResolveExisting(snap, key);
    if (!id.ok()) return id.status();
    sources.push_back(*id);
  }
  if (spec.plan == ReachPlan::kAdjacency) {
    // Arguments were checked above, so the build is paid only for a reach
    // that runs; the adjacency Reach gives the same result.
    // One thread, like the other plans: one reach, one thread.
    auto adj = AdjacencySnapshot::Build(snap, /*threads=*/1);
    if (!adj.ok()) return adj.status();
    auto r = critgraph::Reach(**adj, spec);
    if (r.ok() && report != nullptr) {
      *report = ReachReport();
      report->plan = ReachPlan::kAdjacency;
    }
    return r;
  }
  return t.Reach(sources, *filter, {.plan = spec.plan}, report);
}

// The storage backend of engine/reach_wrappers.h.
struct SnapshotBackend {
  const storage::SnapshotImpl& snap;

  Traverser MakeState() const { return Traverser(snap); }
  absl::StatusOr<std::vector<ReachedNode>> Run(Traverser& t,
                                               const ReachSpec& spec) const {
    return RunSpec(t, snap, spec);
  }
  absl::StatusOr<std::vector<std::string>> KeysOfKind(
      std::string_view kind) const {
    auto nodes = snap.NodesOfKind(kind);
    if (!nodes.ok()) return nodes.status();
    std::vector<std::string> keys;
    keys.reserve(nodes->size());
    for (auto& node : *nodes) keys.push_back(std::move(node.key));
    return keys;
  }
  absl::Status CheckFilter(const ReachSpec& filters) const {
    return CompileFilter(snap, filters, /*lenient=*/false).status();
  }
};

}  // namespace
}  // namespace engine

std::string_view ReachPlanName(ReachPlan plan) {
  switch (plan) {
    case ReachPlan::kAuto:
      return "auto";
    case ReachPlan::kSeek:
      return "seek";
    case ReachPlan::kScan:
      return "scan";
    case ReachPlan::kAdjacency:
      return "adjacency";
  }
  return "?";
}

std::optional<ReachPlan> ParseReachPlan(std::string_view name) {
  for (ReachPlan p : {ReachPlan::kAuto, ReachPlan::kSeek, ReachPlan::kScan,
                      ReachPlan::kAdjacency}) {
    if (ReachPlanName(p) == name) return p;
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<ReachedNode>> Reach(const Snapshot& snapshot,
                                               const ReachSpec& spec) {
  return Reach(snapshot, spec, nullptr);
}

absl::StatusOr<std::vector<ReachedNode>> Reach(const Snapshot& snapshot,
                                               const ReachSpec& spec,
                                               ReachReport* report) {
  const auto& snap = storage::Impl(snapshot);
  engine::Traverser t(snap);
  return engine::RunSpec(t, snap, spec, report);
}

absl::StatusOr<std::optional<std::vector<std::string>>> ShortestPath(
    const Snapshot& snapshot, std::string_view from, std::string_view to,
    const ReachSpec& filters) {
  if (!filters.sources.empty()) {
    return absl::InvalidArgumentError(
        "ShortestPath: filters.sources must be empty (use from and to)");
  }
  const auto& snap = storage::Impl(snapshot);
  auto filter = engine::CompileFilter(snap, filters, /*lenient=*/false);
  if (!filter.ok()) return filter.status();
  auto from_id = engine::ResolveExisting(snap, from);
  if (!from_id.ok()) return from_id.status();
  auto to_id = engine::ResolveExisting(snap, to);
  if (!to_id.ok()) return to_id.status();
  engine::Traverser t(snap);
  return t.Path(*from_id, *to_id, *filter);
}

absl::StatusOr<std::vector<ReachedNode>> Neighbourhood(
    const Snapshot& snapshot, std::string_view key, uint32_t k,
    const ReachSpec& filters) {
  return engine::NeighbourhoodOn(
      engine::SnapshotBackend{storage::Impl(snapshot)}, key, k, filters);
}

absl::StatusOr<ReachDiff> DiffReach(const Snapshot& a, const Snapshot& b,
                                    const ReachSpec& spec) {
  const auto& sa = storage::Impl(a);
  const auto& sb = storage::Impl(b);
  if (&sa.db() != &sb.db()) {
    return absl::InvalidArgumentError(
        "DiffReach: the two snapshots come from different databases");
  }
  // Names must be registered at one end at least.
  for (const auto& name : spec.edge_types) {
    if (!sa.registry().FindEdgeType(name, sa.revision()) &&
        !sb.registry().FindEdgeType(name, sb.revision())) {
      return absl::InvalidArgumentError(StrCat("unknown edge type '", name,
                                               "' at revisions ", sa.revision(),
                                               " and ", sb.revision()));
    }
  }
  for (const auto& name : spec.kinds) {
    if (!sa.registry().FindNodeKind(name, sa.revision()) &&
        !sb.registry().FindNodeKind(name, sb.revision())) {
      return absl::InvalidArgumentError(StrCat("unknown node kind '", name,
                                               "' at revisions ", sa.revision(),
                                               " and ", sb.revision()));
    }
  }
  // Sources: each must exist at one end at least.
  std::vector<engine::NodeId> src_a, src_b;
  for (const auto& key : spec.sources) {
    auto ia = sa.FindNode(key);
    if (!ia.ok()) return ia.status();
    auto ib = sb.FindNode(key);
    if (!ib.ok()) return ib.status();
    if (!ia->has_value() && !ib->has_value()) {
      return absl::NotFoundError(
          StrCat("node '", key, "' does not exist at revision ", sa.revision(),
                 " nor at revision ", sb.revision()));
    }
    if (ia->has_value()) src_a.push_back(**ia);
    if (ib->has_value()) src_b.push_back(**ib);
  }
  auto run = [&](const storage::SnapshotImpl& s,
                 const std::vector<engine::NodeId>& sources)
      -> absl::StatusOr<std::vector<ReachedNode>> {
    auto filter = engine::CompileFilter(s, spec, /*lenient=*/true);
    if (!filter.ok()) return filter.status();
    engine::Traverser t(s);
    return t.Reach(sources, *filter, {.plan = spec.plan});
  };
  auto ra = run(sa, src_a);
  if (!ra.ok()) return ra.status();
  auto rb = run(sb, src_b);
  if (!rb.ok()) return rb.status();

  absl::flat_hash_map<std::string_view, const ReachedNode*> in_a, in_b;
  in_a.reserve(ra->size());
  in_b.reserve(rb->size());
  for (const auto& r : *ra) in_a.emplace(r.key, &r);
  for (const auto& r : *rb) in_b.emplace(r.key, &r);
  ReachDiff diff;
  for (const auto& r : *rb) {
    auto it = in_a.find(r.key);
    if (it == in_a.end()) {
      diff.entered.push_back(r);
    } else if (it->second->depth != r.depth) {
      diff.depth_changed.push_back({r.key, it->second->depth, r.depth});
    }
  }
  for (const auto& r : *ra) {
    if (!in_b.contains(r.key)) diff.left.push_back(r);
  }
  std::sort(
      diff.depth_changed.begin(), diff.depth_changed.end(),
      [](const DepthChange& x, const DepthChange& y) { return x.key < y.key; });
  return diff;
}

absl::StatusOr<std::vector<std::vector<ReachedNode>>> ReachMany(
    const Snapshot& snapshot, const std::vector<ReachSpec>& specs,
    int threads) {
  return engine::ReachManyOn(engine::SnapshotBackend{storage::Impl(snapshot)},
                             specs, threads);
}

absl::StatusOr<std::vector<SourceReach>> ReachFromEachOfKind(
    const Snapshot& snapshot, std::string_view source_kind,
    const ReachSpec& filters, int threads) {
  return engine::ReachFromEachOfKindOn(
      engine::SnapshotBackend{storage::Impl(snapshot)}, source_kind, filters,
      threads);
}

}  // namespace critgraph
