// Lists: membership (reach in over part_of), the revisions that changed a
// list, and the per-list summary of `critgraph lists`. See
// include/critgraph/lists.h.
#include "critgraph/lists.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "util/status_macros.h"

namespace critgraph {

ReachSpec ListScopeSpec(std::string_view list_key) {
  ReachSpec spec;
  spec.sources = {std::string(list_key)};
  spec.direction = Direction::kIn;
  spec.edge_types = {kMembershipEdgeType};
  return spec;
}

DiffOptions ListDiffOptions(std::string_view list_key) {
  DiffOptions options;
  options.scope_root = std::string(list_key);
  options.direction = Direction::kIn;
  options.edge_types = {kMembershipEdgeType};
  return options;
}

namespace {

// The node `key` at `snapshot`, or nullopt if it does not exist.
absl::StatusOr<std::optional<Node>> FindNode(const Snapshot& snapshot,
                                             std::string_view key) {
  auto node = snapshot.GetNode(key);
  if (node.ok()) return std::optional<Node>(*std::move(node));
  if (node.status().code() == absl::StatusCode::kNotFound) {
    return std::optional<Node>();
  }
  return node.status();
}

absl::Status NotAList(std::string_view key, const Node& node) {
  return absl::InvalidArgumentError("'" + std::string(key) + "' is a " +
                                    node.kind + ", not a list");
}

}  // namespace

absl::Status CheckList(const Snapshot& snapshot, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<Node> node, FindNode(snapshot, key));
  if (!node) {
    return absl::NotFoundError("no list '" + std::string(key) +
                               "' at revision " +
                               std::to_string(snapshot.revision()));
  }
  if (node->kind != kListKind) return NotAList(key, *node);
  return absl::OkStatus();
}

absl::Status CheckListAtEither(const Snapshot& a, const Snapshot& b,
                               std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<Node> at_a, FindNode(a, key));
  ASSIGN_OR_RETURN(std::optional<Node> at_b, FindNode(b, key));
  if (!at_a && !at_b) {
    return absl::NotFoundError("no list '" + std::string(key) +
                               "' at revision " + std::to_string(a.revision()) +
                               " or " + std::to_string(b.revision()));
  }
  for (const auto* node : {&at_a, &at_b}) {
    if (*node && (*node)->kind != kListKind) return NotAList(key, **node);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ReachedNode>> ListEntries(
    const Snapshot& snapshot, std::string_view list_key) {
  RETURN_IF_ERROR(CheckList(snapshot, list_key));
  ASSIGN_OR_RETURN(std::vector<ReachedNode> reached,
                   Reach(snapshot, ListScopeSpec(list_key)));
  // The list itself is the only node at depth 0, sorted first.
  reached.erase(reached.begin());
  return reached;
}

absl::StatusOr<std::vector<ReachedNode>> ReachInList(const Snapshot& snapshot,
                                                     const ReachSpec& spec,
                                                     std::string_view list_key,
                                                     ReachReport* report) {
  RETURN_IF_ERROR(CheckList(snapshot, list_key));
  if (spec.sources.empty()) {
    if (spec.direction != Direction::kOut || !spec.edge_types.empty()) {
      return absl::InvalidArgumentError(
          "a reach of a list's own entries takes no direction or edge types");
    }
    ReachSpec own = ListScopeSpec(list_key);
    own.kinds = spec.kinds;
    own.max_depth = spec.max_depth;
    own.plan = spec.plan;
    return Reach(snapshot, own, report);
  }
  ASSIGN_OR_RETURN(std::vector<ReachedNode> reached,
                   Reach(snapshot, spec, report));
  ASSIGN_OR_RETURN(std::vector<std::string> keys,
                   ListScopeKeys(snapshot, list_key));
  std::erase_if(reached, [&](const ReachedNode& n) {
    return n.depth > 0 && !std::binary_search(keys.begin(), keys.end(), n.key);
  });
  return reached;
}

absl::StatusOr<std::vector<std::string>> ListScopeKeys(
    const Snapshot& snapshot, std::string_view list_key) {
  RETURN_IF_ERROR(CheckList(snapshot, list_key));
  ASSIGN_OR_RETURN(std::vector<ReachedNode> reached,
                   Reach(snapshot, ListScopeSpec(list_key)));
  std::vector<std::string> keys;
  keys.reserve(reached.size());
  for (auto& n : reached) keys.push_back(std::move(n.key));
  std::sort(keys.begin(), keys.end());
  return keys;
}

absl::StatusOr<TypeCountsByName> CountByTypeInList(const Snapshot& snapshot,
                                                   std::string_view list_key) {
  ASSIGN_OR_RETURN(std::vector<std::string> keys,
                   ListScopeKeys(snapshot, list_key));
  TypeCountsByName out;
  for (const auto& k : snapshot.NodeKinds()) out.nodes_by_kind[k] = 0;
  for (const auto& t : snapshot.EdgeTypes()) out.edges_by_type[t] = 0;
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(Node node, snapshot.GetNode(key));
    ++out.nodes_by_kind[node.kind];
    ASSIGN_OR_RETURN(std::vector<Edge> edges, snapshot.OutEdges(key));
    for (const Edge& e : edges) {
      if (std::binary_search(keys.begin(), keys.end(), e.to)) {
        ++out.edges_by_type[e.type];
      }
    }
  }
  return out;
}

absl::StatusOr<bool> ScopeHasMoreThanRoot(const Snapshot& snapshot,
                                          const ReachSpec& spec) {
  if (spec.sources.size() != 1) {
    return absl::InvalidArgumentError("a scope has exactly one root");
  }
  ASSIGN_OR_RETURN(bool exists, snapshot.HasNode(spec.sources[0]));
  if (!exists) return false;
  ReachSpec one = spec;
  one.max_depth = 1;
  ASSIGN_OR_RETURN(std::vector<ReachedNode> reached, Reach(snapshot, one));
  return reached.size() > 1;
}

namespace {

// The scope of one list at the revision last visited, kept across the
// revisions of ListChangeRevisions.
struct TrackedList {
  std::string key;
  absl::flat_hash_set<std::string> scope;  // empty when the list is absent
  std::vector<Revision> changed;
};

absl::StatusOr<absl::flat_hash_set<std::string>> ScopeAt(
    const Snapshot& snapshot, const std::string& list) {
  absl::flat_hash_set<std::string> scope;
  ASSIGN_OR_RETURN(bool exists, snapshot.HasNode(list));
  if (!exists) return scope;
  ASSIGN_OR_RETURN(std::vector<ReachedNode> reached,
                   Reach(snapshot, ListScopeSpec(list)));
  for (auto& n : reached) scope.insert(std::move(n.key));
  return scope;
}

// Whether the unscoped diff `d` of one revision touches list `t`, given
// that no part_of edge and not the list node changed in it, so the scope is
// the same at both ends.
bool TouchesFixedScope(const DiffResult& d, const TrackedList& t) {
  auto in = [&](const std::string& key) { return t.scope.contains(key); };
  for (const auto* nodes : {&d.nodes_added, &d.nodes_removed}) {
    for (const Node& n : *nodes) {
      if (in(n.key)) return true;
    }
  }
  for (const NodeChange& c : d.nodes_modified) {
    if (in(c.key)) return true;
  }
  for (const auto* edges : {&d.edges_added, &d.edges_removed}) {
    for (const Edge& e : *edges) {
      if (in(e.from) && in(e.to)) return true;
    }
  }
  for (const EdgeChange& c : d.edges_modified) {
    if (in(c.id.from) && in(c.id.to)) return true;
  }
  return false;
}

// Whether the scope may differ between the ends of `d`: a part_of edge or
// the list node itself changed.
bool MayMoveScope(const DiffResult& d, const std::string& list) {
  for (const auto* edges : {&d.edges_added, &d.edges_removed}) {
    for (const Edge& e : *edges) {
      if (e.type == kMembershipEdgeType) return true;
    }
  }
  for (const EdgeChange& c : d.edges_modified) {
    if (c.id.type == kMembershipEdgeType) return true;
  }
  for (const auto* nodes : {&d.nodes_added, &d.nodes_removed}) {
    for (const Node& n : *nodes) {
      if (n.key == list) return true;
    }
  }
  for (const NodeChange& c : d.nodes_modified) {
    if (c.key == list) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<Revision>>> ListChangeRevisions(
    const DB& db, const std::vector<std::string>& lists, Revision up_to) {
  if (up_to > db.Head()) {
    return absl::NotFoundError("no revision " + std::to_string(up_to) +
                               " (head is " + std::to_string(db.Head()) + ")");
  }
  std::vector<TrackedList> tracked(lists.size());
  for (size_t i = 0; i < lists.size(); ++i) tracked[i].key = lists[i];
  for (Revision r = 1; r <= up_to; ++r) {
    auto got = db.GetRevision(r);
    // A revision removed by gc (NotFound below HEAD) changed nothing that
    // its next kept revision does not show: its parent covers the gap.
    if (!got.ok() && got.status().code() == absl::StatusCode::kNotFound) {
      continue;
    }
    if (!got.ok()) return got.status();
    RevisionInfo info = *std::move(got);
    ASSIGN_OR_RETURN(DiffResult d, Diff(db, info.parent, r));
    if (d.empty()) continue;
    std::unique_ptr<Snapshot> snap;  // revision r, opened when needed
    for (TrackedList& t : tracked) {
      if (!MayMoveScope(d, t.key)) {
        if (TouchesFixedScope(d, t)) t.changed.push_back(r);
        continue;
      }
      // The scope may have moved: the scoped diff decides, exactly.
      auto scoped = Diff(db, info.parent, r, ListDiffOptions(t.key));
      if (scoped.ok()) {
        if (!scoped->empty()) t.changed.push_back(r);
      } else if (scoped.status().code() != absl::StatusCode::kNotFound) {
        return scoped.status();  // NotFound: the list exists at neither end
      }
      if (!snap) {
        ASSIGN_OR_RETURN(snap, db.GetSnapshot(r));
      }
      ASSIGN_OR_RETURN(t.scope, ScopeAt(*snap, t.key));
    }
  }
  std::vector<std::vector<Revision>> out;
  out.reserve(tracked.size());
  for (TrackedList& t : tracked) out.push_back(std::move(t.changed));
  return out;
}

absl::StatusOr<std::vector<Revision>> RevisionsChangingList(
    const DB& db, std::string_view list_key) {
  const Revision head = db.Head();
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db.GetSnapshot(head));
  absl::Status at_head = CheckList(*snap, list_key);
  if (at_head.code() == absl::StatusCode::kInvalidArgument) return at_head;
  if (!at_head.ok() && at_head.code() != absl::StatusCode::kNotFound) {
    return at_head;
  }
  ASSIGN_OR_RETURN(auto changes,
                   ListChangeRevisions(db, {std::string(list_key)}, head));
  if (changes[0].empty()) {
    return absl::NotFoundError("no list '" + std::string(list_key) +
                               "' at any revision");
  }
  return std::move(changes[0]);
}

absl::StatusOr<std::vector<ListSummary>> ListSummaries(
    const DB& db, const Snapshot& snapshot) {
  const auto kinds = snapshot.NodeKinds();
  if (!std::binary_search(kinds.begin(), kinds.end(), kListKind)) {
    return std::vector<ListSummary>();  // nothing registered yet (revision 0)
  }
  ASSIGN_OR_RETURN(std::vector<Node> list_nodes,
                   snapshot.NodesOfKind(kListKind));
  std::vector<std::string> keys;
  for (const Node& n : list_nodes) keys.push_back(n.key);
  ASSIGN_OR_RETURN(std::vector<std::vector<Revision>> changes,
                   ListChangeRevisions(db, keys, snapshot.revision()));
  std::vector<ListSummary> out;
  for (size_t i = 0; i < list_nodes.size(); ++i) {
    ListSummary s;
    s.key = list_nodes[i].key;
    ASSIGN_OR_RETURN(std::vector<ReachedNode> entries,
                     ListEntries(snapshot, s.key));
    s.entries = entries.size();
    for (const ReachedNode& e : entries) {
      ASSIGN_OR_RETURN(Node node, snapshot.GetNode(e.key));
      ++s.entries_by_kind[node.kind];
    }
    if (!changes[i].empty()) s.last_change = changes[i].back();
    s.node = std::move(list_nodes[i]);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace critgraph
