// The diff engine: reads the change log of every revision between the two
// ends, dedupes the entities it names, reads each at both ends and compares.
// Scoped diffs add one reachability walk per end (critgraph::Reach) and the
// edges of nodes that entered or left the scope. See include/critgraph/diff.h
// and docs/QUERIES.md, "Diff".
#include "critgraph/diff.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "critgraph/traversal.h"
#include "engine/changes.h"
#include "engine/diff_ends.h"
#include "engine/diff_scope.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "storage/keys_of.h"
#include "storage/record.h"
#include "storage/registry.h"
#include "storage/snapshot_impl.h"
#include "util/sort_moving.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using storage::DBImpl;
using storage::NodeId;
using storage::TypeId;

using engine::MakeNodeChange;
using engine::PropDiff;

// ---- Scope: engine/diff_scope.h. ----

using diff_internal::ComputeScope;
using diff_internal::Scope;

// ---- The differ. ----

using EdgeTriple = std::tuple<NodeId, TypeId, NodeId>;

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

class Differ {
 public:
  Differ(const DBImpl& db, Revision from, Revision to,
         std::shared_ptr<const storage::Registry> registry, bool scoped)
      : db_(db),
        from_(from),
        to_(to),
        registry_(std::move(registry)),
        scoped_(scoped) {
    result_.from = from;
    result_.to = to;
  }

  // Collects the entities named by the change logs of (lo, hi], sorted and
  // deduped. One revision's log is already sorted by (rev, 'N'/'E', id...)
  // and has one entry per entity, so a one-revision diff neither hashes nor
  // sorts; several revisions' runs are concatenated, then sorted and deduped
  // (cheaper than a hash set plus a sort of its contents).
  absl::Status CollectChanges() {
    // One pass over the logs of (lo, hi]: revisions removed by gc have
    // none, their changes having been folded into the next kept revision.
    {
      auto st = db_.ForEachChangeIn(
          lo() + 1, hi(), [&](std::string_view k) -> absl::Status {
            const char* p = k.data() + 9;
            if (k[8] == storage::kChangeNode) {
              changed_nodes_.push_back(critgraph::GetBE64(p));
            } else {
              changed_edges_.push_back(EdgeTriple{critgraph::GetBE64(p),
                                                  critgraph::GetBE32(p + 8),
                                                  critgraph::GetBE64(p + 12)});
            }
            return absl::OkStatus();
          });
      if (!st.ok()) return st;
    }
    if (hi() - lo() > 1) {
      SortUnique(changed_nodes_);
      SortUnique(changed_edges_);
    }
    return absl::OkStatus();
  }

  absl::Status DiffChangedNodes(const Scope& scope_from,
                                const Scope& scope_to) {
    const std::vector<NodeId>& ids = changed_nodes_;
    diff_internal::EndsReader reader(db_, storage::Cf::kNodes, 8, lo(), hi(),
                                     "corrupted record");
    auto verify = [](std::string_view v) {
      return storage::DecodeNodeKind(v).ok();
    };
    char prefix[8];
    for (NodeId id : ids) {
      EncodeBE64(id, prefix);
      auto ends = reader.Read(std::string_view(prefix, 8), id, verify);
      if (!ends.ok()) return ends.status();
      // Identical records: unchanged. (Scoped, a node that entered or left
      // the scope without changing is found by DiffScopeDelta.)
      if (!ends->changed()) continue;
      const auto& raw_before = ends->at(from_ > to_);
      const auto& raw_after = ends->at(from_ < to_);
      std::optional<Node> after;
      if (raw_after) {
        auto n = db_.MaterializeNode(*raw_after, id, to_, *registry_);
        if (!n.ok()) return n.status();
        after = *std::move(n);
      }
      std::optional<Node> before;
      if (raw_before) {
        auto n = db_.MaterializeNode(*raw_before, id, from_, *registry_);
        if (!n.ok()) return n.status();
        before = *std::move(n);
      }
      const std::string& key = before ? before->key : after->key;
      if (scoped_) seen_nodes_.insert(key);
      ClassifyNode(before && scope_from.Contains(key) ? &*before : nullptr,
                   after && scope_to.Contains(key) ? &*after : nullptr);
    }
    return absl::OkStatus();
  }

  absl::Status DiffChangedEdges(const Scope& scope_from,
                                const Scope& scope_to) {
    const std::vector<EdgeTriple>& ids = changed_edges_;
    diff_internal::EndsReader reader(db_, storage::Cf::kOutEdges,
                                     storage::kEdgePrefixSize, lo(), hi(),
                                     "corrupted out-edge record");
    // Edges that differ, with both ends' properties; their endpoint keys are
    // resolved in one batch below, then they are classified in this order.
    struct Changed {
      EdgeTriple id;
      std::optional<Properties> before, after;
    };
    std::vector<Changed> changed;
    std::vector<NodeId> endpoints;
    char key[storage::kEdgeKeySize];
    for (const auto& [f, type, t] : ids) {
      storage::EncodeEdgeKey(f, type, t, 0, key);
      auto ends = reader.Read(std::string_view(key, storage::kEdgePrefixSize),
                              f, storage::VerifyEdgeRecord);
      if (!ends.ok()) return ends.status();
      if (!ends->changed()) continue;
      const auto& raw_before = ends->at(from_ > to_);
      const auto& raw_after = ends->at(from_ < to_);
      Changed c{EdgeTriple{f, type, t}, std::nullopt, std::nullopt};
      if (raw_after) {
        auto p = storage::DecodeEdgeRecord(*raw_after);
        if (!p.ok()) return db_.DataLoss("corrupted out-edge record", f, to_);
        c.after = *std::move(p);
      }
      if (raw_before) {
        auto p = storage::DecodeEdgeRecord(*raw_before);
        if (!p.ok()) {
          return db_.DataLoss("corrupted out-edge record", f, from_);
        }
        c.before = *std::move(p);
      }
      if (registry_->Name(type) == nullptr) {
        return db_.DataLoss(StrCat("change log names unknown edge type id ",
                                   type, " on an out-edge"),
                            f, std::max(from_, to_));
      }
      endpoints.push_back(f);
      endpoints.push_back(t);
      changed.push_back(std::move(c));
    }
    RETURN_IF_ERROR(ResolveKeys(std::move(endpoints)));
    for (auto& c : changed) {
      const auto& [f, type, t] = c.id;
      EdgeId id{*KeyOfResolved(f), *registry_->Name(type), *KeyOfResolved(t)};
      const bool in_before = c.before && scope_from.Contains(id.from) &&
                             scope_from.Contains(id.to);
      const bool in_after =
          c.after && scope_to.Contains(id.from) && scope_to.Contains(id.to);
      ClassifyEdge(std::move(id), in_before ? &*c.before : nullptr,
                   in_after ? &*c.after : nullptr);
    }
    return absl::OkStatus();
  }

  // Scoped only: nodes that entered (left) the scope without changing are
  // added (removed), and so are their edges to other in-scope nodes.
  absl::Status DiffScopeDelta(const Snapshot& snap, const Scope& here,
                              const Scope& there, bool entered) {
    std::vector<std::string> delta;
    for (const auto& k : here.keys) {
      if (!there.keys.contains(k)) delta.push_back(k);
    }
    std::sort(delta.begin(), delta.end());
    for (const auto& key : delta) {
      if (!seen_nodes_.contains(key)) {
        auto n = snap.GetNode(key);
        if (!n.ok()) return n.status();
        (entered ? result_.nodes_added : result_.nodes_removed)
            .push_back(*std::move(n));
      }
      for (bool out : {true, false}) {
        auto edges = out ? snap.OutEdges(key) : snap.InEdges(key);
        if (!edges.ok()) return edges.status();
        for (auto& e : *edges) {
          const std::string& other = out ? e.to : e.from;
          if (!here.keys.contains(other)) continue;
          // The edge is in the subgraph here and, one endpoint being outside
          // the scope there, not there. Changed edges were classified above.
          if (!seen_edges_.insert(e.id()).second) continue;
          (entered ? result_.edges_added : result_.edges_removed)
              .push_back(std::move(e));
        }
      }
    }
    return absl::OkStatus();
  }

  void AddRegistrations() {
    if (from_ >= to_) return;
    for (const auto& e : registry_->entries()) {
      if (e.rev > from_ && e.rev <= to_) {
        (e.is_edge_type ? result_.edge_types_registered
                        : result_.node_kinds_registered)
            .push_back(e.name);
      }
    }
  }

  DiffResult Finish() && {
    auto by_key = [](const Node& a, const Node& b) { return a.key < b.key; };
    auto by_id = [](const Edge& a, const Edge& b) {
      return std::tie(a.from, a.type, a.to) < std::tie(b.from, b.type, b.to);
    };
    SortMoving(result_.nodes_added, by_key);
    SortMoving(result_.nodes_removed, by_key);
    SortMoving(
        result_.nodes_modified,
        [](const NodeChange& a, const NodeChange& b) { return a.key < b.key; });
    SortMoving(result_.edges_added, by_id);
    SortMoving(result_.edges_removed, by_id);
    SortMoving(
        result_.edges_modified,
        [](const EdgeChange& a, const EdgeChange& b) { return a.id < b.id; });
    std::sort(result_.node_kinds_registered.begin(),
              result_.node_kinds_registered.end());
    std::sort(result_.edge_types_registered.begin(),
              result_.edge_types_registered.end());
    return std::move(result_);
  }

 private:
  void ClassifyNode(Node* before, Node* after) {
    if (before && after) {
      if (*before != *after) {
        result_.nodes_modified.push_back(
            MakeNodeChange(std::move(*before), std::move(*after)));
      }
    } else if (after) {
      result_.nodes_added.push_back(std::move(*after));
    } else if (before) {
      result_.nodes_removed.push_back(std::move(*before));
    }
  }

  void ClassifyEdge(EdgeId id, Properties* before, Properties* after) {
    if (scoped_) seen_edges_.insert(id);
    if (before && after) {
      if (*before != *after) {
        EdgeChange c;
        c.props = PropDiff(*before, *after);
        c.id = std::move(id);
        c.before = std::move(*before);
        c.after = std::move(*after);
        result_.edges_modified.push_back(std::move(c));
      }
    } else if (after || before) {
      Properties* p = after ? after : before;
      Edge e{std::move(id.from), std::move(id.type), std::move(id.to),
             std::move(*p)};
      (after ? result_.edges_added : result_.edges_removed)
          .push_back(std::move(e));
    }
  }

  Revision lo() const { return std::min(from_, to_); }
  Revision hi() const { return std::max(from_, to_); }

  // Fills keys_ with the key of every id in `ids`: from the id cache, the
  // rest with batched MultiGets (storage::KeysOf) instead of one Get per
  // edge endpoint.
  absl::Status ResolveKeys(std::vector<NodeId> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<NodeId> missed;
    std::string key;
    for (NodeId id : ids) {
      if (keys_.contains(id)) continue;
      if (db_.id_cache().FindKey(id, &key)) {
        keys_.emplace(id, key);
      } else {
        missed.push_back(id);
      }
    }
    std::vector<std::string> found(missed.size());
    RETURN_IF_ERROR(storage::KeysOf(db_, missed, absl::MakeSpan(found)));
    for (size_t i = 0; i < missed.size(); ++i) {
      auto& k = keys_.emplace(missed[i], std::move(found[i])).first->second;
      db_.id_cache().Insert(k, missed[i]);
    }
    return absl::OkStatus();
  }

  // The key of an id ResolveKeys has filled in.
  const std::string* KeyOfResolved(NodeId id) const {
    return &keys_.find(id)->second;
  }

  const DBImpl& db_;
  const Revision from_, to_;
  const std::shared_ptr<const storage::Registry> registry_;
  const bool scoped_;
  // Sorted, unique (CollectChanges).
  std::vector<NodeId> changed_nodes_;
  std::vector<EdgeTriple> changed_edges_;
  // Endpoint keys of changed edges (ResolveKeys).
  absl::flat_hash_map<NodeId, std::string> keys_;
  // Scoped only: entities already classified from the change log.
  absl::flat_hash_set<std::string> seen_nodes_;
  std::set<EdgeId> seen_edges_;
  DiffResult result_;
};

}  // namespace

// ---- DiffResult. ----

// Six loops of one shape: each list has its own element type, and its kind
// or type sits in a different field, so a shared helper would need six lambdas.
DiffStat DiffResult::Stat() const {
  DiffStat s;
  for (const auto& n : nodes_added) {
    ++s.nodes.added;
    ++s.nodes_by_kind[n.kind].added;
  }
  for (const auto& n : nodes_removed) {
    ++s.nodes.removed;
    ++s.nodes_by_kind[n.kind].removed;
  }
  for (const auto& c : nodes_modified) {
    ++s.nodes.modified;
    ++s.nodes_by_kind[c.kind_after].modified;
  }
  for (const auto& e : edges_added) {
    ++s.edges.added;
    ++s.edges_by_type[e.type].added;
  }
  for (const auto& e : edges_removed) {
    ++s.edges.removed;
    ++s.edges_by_type[e.type].removed;
  }
  for (const auto& c : edges_modified) {
    ++s.edges.modified;
    ++s.edges_by_type[c.id.type].modified;
  }
  return s;
}

bool DiffResult::empty() const {
  return nodes_added.empty() && nodes_removed.empty() &&
         nodes_modified.empty() && edges_added.empty() &&
         edges_removed.empty() && edges_modified.empty();
}

std::vector<ChangeOp> DiffResult::ToPatch() const {
  std::vector<ChangeOp> ops;
  ops.reserve(node_kinds_registered.size() + edge_types_registered.size() +
              nodes_added.size() + nodes_removed.size() +
              nodes_modified.size() + edges_added.size() +
              edges_removed.size() + edges_modified.size());
  for (const auto& k : node_kinds_registered) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kRegisterNodeKind;
    op.name = k;
    ops.push_back(std::move(op));
  }
  for (const auto& t : edge_types_registered) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kRegisterEdgeType;
    op.name = t;
    ops.push_back(std::move(op));
  }
  for (const auto& e : edges_removed) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kDeleteEdge;
    op.edge = Edge{e.from, e.type, e.to, {}};
    ops.push_back(std::move(op));
  }
  for (const auto& n : nodes_removed) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kDeleteNode;
    op.key = n.key;
    ops.push_back(std::move(op));
  }
  // Added and modified node upserts, merged in key order.
  std::vector<const Node*> upserts;
  upserts.reserve(nodes_added.size() + nodes_modified.size());
  for (const auto& n : nodes_added) upserts.push_back(&n);
  for (const auto& c : nodes_modified) upserts.push_back(&c.after);
  std::sort(upserts.begin(), upserts.end(),
            [](const Node* a, const Node* b) { return a->key < b->key; });
  for (const Node* n : upserts) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kNode;
    op.node = *n;
    ops.push_back(std::move(op));
  }
  std::vector<Edge> edges = edges_added;
  for (const auto& c : edges_modified) {
    edges.push_back(Edge{c.id.from, c.id.type, c.id.to, c.after});
  }
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.from, a.type, a.to) < std::tie(b.from, b.type, b.to);
  });
  for (auto& e : edges) {
    ChangeOp op;
    op.kind = ChangeOp::Kind::kEdge;
    op.edge = std::move(e);
    ops.push_back(std::move(op));
  }
  return ops;
}

// ---- Entry points. ----

absl::StatusOr<DiffResult> Diff(const DB& db, Revision from, Revision to,
                                const DiffOptions& options) {
  const DBImpl& impl = storage::Impl(db);
  // Snapshots validate the revisions (NotFound) and pin their registries;
  // the registry is taken after them, so it knows every name they use.
  auto snap_from = db.GetSnapshot(from);
  if (!snap_from.ok()) return snap_from.status();
  auto snap_to = db.GetSnapshot(to);
  if (!snap_to.ok()) return snap_to.status();
  const bool scoped = options.scope_root.has_value();
  Scope scope_from, scope_to;
  if (scoped) {
    for (const auto& t : options.edge_types) {
      auto registered = [&](const Snapshot& s) {
        auto names = s.EdgeTypes();
        return std::binary_search(names.begin(), names.end(), t);
      };
      if (!registered(**snap_from) && !registered(**snap_to)) {
        return absl::InvalidArgumentError(StrCat(
            "unknown edge type '", t, "': registered at neither revision ",
            from, " nor revision ", to));
      }
    }
    auto s = ComputeScope(**snap_from, options);
    if (!s.ok()) return s.status();
    scope_from = *std::move(s);
    s = ComputeScope(**snap_to, options);
    if (!s.ok()) return s.status();
    scope_to = *std::move(s);
    if (scope_from.keys.empty() && scope_to.keys.empty()) {
      return absl::NotFoundError(StrCat("scope root '", *options.scope_root,
                                        "' exists at neither revision ", from,
                                        " nor revision ", to));
    }
  }
  Differ differ(impl, from, to, impl.registry(), scoped);
  RETURN_IF_ERROR(differ.CollectChanges());
  RETURN_IF_ERROR(differ.DiffChangedNodes(scope_from, scope_to));
  RETURN_IF_ERROR(differ.DiffChangedEdges(scope_from, scope_to));
  if (scoped) {
    auto st = differ.DiffScopeDelta(**snap_to, scope_to, scope_from,
                                    /*entered=*/true);
    if (!st.ok()) return st;
    st = differ.DiffScopeDelta(**snap_from, scope_from, scope_to,
                               /*entered=*/false);
    if (!st.ok()) return st;
  }
  differ.AddRegistrations();
  return std::move(differ).Finish();
}

absl::StatusOr<DiffStat> RevisionStat(const DB& db, Revision rev) {
  auto info = db.GetRevision(rev);
  if (!info.ok()) return info.status();
  if (rev == 0) return DiffStat();
  if (info->nodes_changed_by_kind && info->edges_changed_by_type) {
    // Maintained at commit: no record is read.
    DiffStat s;
    for (auto [by, total, out] :
         {std::tuple{&*info->nodes_changed_by_kind, &s.nodes, &s.nodes_by_kind},
          std::tuple{&*info->edges_changed_by_type, &s.edges,
                     &s.edges_by_type}}) {
      for (const auto& [name, c] : *by) {
        total->added += c.added;
        total->removed += c.removed;
        total->modified += c.modified;
        (*out)[name] = c;
      }
    }
    return s;
  }
  // Written before the changes were maintained: diff against the parent.
  auto diff = Diff(db, info->parent, rev);
  if (!diff.ok()) return diff.status();
  return diff->Stat();
}

}  // namespace critgraph
