// Header-only model-side helpers for the diff tests: the expected diff of two
// model states, the model's own BFS scope and induced subgraphs, and loading
// a model state into a fresh database. Independent of engine/diff.cc.
#ifndef CRITGRAPH_TESTS_DIFF_MODEL_H_
#define CRITGRAPH_TESTS_DIFF_MODEL_H_

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "critgraph/diff.h"
#include "tests/model.h"

namespace critgraph::testing {

// Set difference of two model states, in DiffResult's shape (registrations
// left empty).
inline DiffResult ExpectedDiff(const ModelState& a, const ModelState& b,
                               Revision from, Revision to) {
  DiffResult d;
  d.from = from;
  d.to = to;
  for (const auto& [k, n] : b.nodes) {
    if (!a.nodes.count(k)) d.nodes_added.push_back(n);
  }
  for (const auto& [k, n] : a.nodes) {
    auto it = b.nodes.find(k);
    if (it == b.nodes.end()) {
      d.nodes_removed.push_back(n);
      continue;
    }
    const Node& m = it->second;
    if (n == m) continue;
    NodeChange c;
    c.key = k;
    c.kind_before = n.kind;
    c.kind_after = m.kind;
    std::set<std::string> langs;
    for (const auto& [l, t] : n.names) langs.insert(l);
    for (const auto& [l, t] : m.names) langs.insert(l);
    for (const auto& l : langs) {
      auto x = n.names.find(l);
      auto y = m.names.find(l);
      std::optional<std::string> before, after;
      if (x != n.names.end()) before = x->second;
      if (y != m.names.end()) after = y->second;
      if (before != after) c.names.push_back(NameChange{l, before, after});
    }
    std::set<std::string> props;
    for (const auto& [p, v] : n.props) props.insert(p);
    for (const auto& [p, v] : m.props) props.insert(p);
    for (const auto& p : props) {
      auto x = n.props.find(p);
      auto y = m.props.find(p);
      std::optional<PropertyValue> before, after;
      if (x != n.props.end()) before = x->second;
      if (y != m.props.end()) after = y->second;
      if (before != after) c.props.push_back(PropertyChange{p, before, after});
    }
    c.before = n;
    c.after = m;
    d.nodes_modified.push_back(std::move(c));
  }
  for (const auto& [id, e] : b.edges) {
    if (!a.edges.count(id)) d.edges_added.push_back(e);
  }
  for (const auto& [id, e] : a.edges) {
    auto it = b.edges.find(id);
    if (it == b.edges.end()) {
      d.edges_removed.push_back(e);
      continue;
    }
    if (e.props == it->second.props) continue;
    EdgeChange c;
    c.id = id;
    std::set<std::string> props;
    for (const auto& [p, v] : e.props) props.insert(p);
    for (const auto& [p, v] : it->second.props) props.insert(p);
    for (const auto& p : props) {
      auto x = e.props.find(p);
      auto y = it->second.props.find(p);
      std::optional<PropertyValue> before, after;
      if (x != e.props.end()) before = x->second;
      if (y != it->second.props.end()) after = y->second;
      if (before != after) c.props.push_back(PropertyChange{p, before, after});
    }
    c.before = e.props;
    c.after = it->second.props;
    d.edges_modified.push_back(std::move(c));
  }
  return d;
}

// Counts of a model diff, computed without DiffResult::Stat.
inline DiffStat ExpectedStat(const ModelState& a, const ModelState& b) {
  DiffStat s;
  for (const auto& [k, n] : b.nodes) {
    auto it = a.nodes.find(k);
    if (it == a.nodes.end()) {
      ++s.nodes.added;
      ++s.nodes_by_kind[n.kind].added;
    } else if (!(it->second == n)) {
      ++s.nodes.modified;
      ++s.nodes_by_kind[n.kind].modified;
    }
  }
  for (const auto& [k, n] : a.nodes) {
    if (!b.nodes.count(k)) {
      ++s.nodes.removed;
      ++s.nodes_by_kind[n.kind].removed;
    }
  }
  for (const auto& [id, e] : b.edges) {
    auto it = a.edges.find(id);
    if (it == a.edges.end()) {
      ++s.edges.added;
      ++s.edges_by_type[id.type].added;
    } else if (!(it->second == e)) {
      ++s.edges.modified;
      ++s.edges_by_type[id.type].modified;
    }
  }
  for (const auto& [id, e] : a.edges) {
    if (!b.edges.count(id)) {
      ++s.edges.removed;
      ++s.edges_by_type[id.type].removed;
    }
  }
  return s;
}

// The model's own BFS: keys reachable from `root` (empty if it is absent).
inline std::set<std::string> ModelScope(const ModelState& s,
                                        const std::string& root, Direction dir,
                                        const std::vector<std::string>& types,
                                        std::optional<uint32_t> max_depth) {
  std::set<std::string> seen;
  if (!s.nodes.count(root)) return seen;
  std::deque<std::pair<std::string, uint32_t>> queue{{root, 0}};
  seen.insert(root);
  auto type_ok = [&](const std::string& t) {
    return types.empty() ||
           std::find(types.begin(), types.end(), t) != types.end();
  };
  while (!queue.empty()) {
    auto [cur, depth] = queue.front();
    queue.pop_front();
    if (max_depth && depth >= *max_depth) continue;
    for (const auto& [id, e] : s.edges) {
      if (!type_ok(id.type)) continue;
      std::vector<std::string> next;
      if (dir != Direction::kIn && id.from == cur) next.push_back(id.to);
      if (dir != Direction::kOut && id.to == cur) next.push_back(id.from);
      for (auto& n : next) {
        if (seen.insert(n).second) queue.emplace_back(n, depth + 1);
      }
    }
  }
  return seen;
}

// The subgraph induced by `scope`.
inline ModelState Induce(const ModelState& s,
                         const std::set<std::string>& scope) {
  ModelState out;
  for (const auto& [k, n] : s.nodes) {
    if (scope.count(k)) out.nodes[k] = n;
  }
  for (const auto& [id, e] : s.edges) {
    if (scope.count(id.from) && scope.count(id.to)) out.edges[id] = e;
  }
  return out;
}

}  // namespace critgraph::testing

#endif  // CRITGRAPH_TESTS_DIFF_MODEL_H_
