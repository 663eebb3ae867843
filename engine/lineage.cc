// DiffLineage: supersedes edges new in a diff's range, grouped into
// components and classified by which side of the diff each entry is on. See
// include/critgraph/lineage.h for the definition.
#include "critgraph/lineage.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "critgraph/snapshot.h"
#include "engine/diff_scope.h"
#include "util/status_macros.h"

namespace critgraph {
namespace {

constexpr char kSupersedes[] = "supersedes";

using Pair = std::pair<std::string, std::string>;  // (successor, predecessor)

// The supersedes edges touching `key` at one revision, as pairs; none if the
// node does not exist there.
absl::Status EdgesAt(const Snapshot& snap, const std::string& key,
                     std::set<Pair>* out) {
  auto has = snap.HasNode(key);
  if (!has.ok()) return has.status();
  if (!*has) return absl::OkStatus();
  const std::vector<std::string> types = {kSupersedes};
  auto outs = snap.OutEdges(key, types);
  if (!outs.ok()) return outs.status();
  for (const auto& e : *outs) out->emplace(e.from, e.to);
  auto ins = snap.InEdges(key, types);
  if (!ins.ok()) return ins.status();
  for (const auto& e : *ins) out->emplace(e.from, e.to);
  return absl::OkStatus();
}

// Union-find over keys, by path halving.
class Components {
 public:
  const std::string& Find(const std::string& k) {
    auto it = parent_.emplace(k, k).first;
    while (it->second != it->first) {
      auto up = parent_.find(it->second);
      it->second = parent_.find(up->second)->first;
      it = parent_.find(it->second);
    }
    return it->first;
  }
  void Join(const std::string& a, const std::string& b) {
    std::string ra = Find(a), rb = Find(b);
    if (ra != rb) parent_[ra] = rb;
  }
  // Root -> members, each sorted.
  std::map<std::string, std::vector<std::string>> Groups() {
    std::vector<std::string> keys;
    for (const auto& [k, p] : parent_) keys.push_back(k);
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& k : keys) out[Find(k)].push_back(k);
    return out;
  }

 private:
  std::map<std::string, std::string> parent_;
};

}  // namespace

std::string_view LineageKindName(LineageEvent::Kind kind) {
  switch (kind) {
    case LineageEvent::Kind::kSplit:
      return "split";
    case LineageEvent::Kind::kMerge:
      return "merged";
    case LineageEvent::Kind::kRename:
      return "renamed";
    case LineageEvent::Kind::kReplace:
      return "replaced";
  }
  return "renamed";
}

absl::StatusOr<std::vector<LineageEvent>> DiffLineage(
    const DB& db, const DiffResult& diff, const DiffOptions& options) {
  std::vector<LineageEvent> events;

  // Same-key renames: a name present at both ends that differs, told from
  // the older revision to the newer one whatever the diff's direction.
  const bool reversed = diff.from > diff.to;
  for (const auto& m : diff.nodes_modified) {
    LineageEvent ev;
    for (const auto& n : m.names) {
      if (!n.before || !n.after) continue;
      ev.names.push_back(n);
      if (reversed) std::swap(ev.names.back().before, ev.names.back().after);
    }
    if (ev.names.empty()) continue;
    ev.kind = LineageEvent::Kind::kRename;
    ev.from = ev.to = {m.key};
    events.push_back(std::move(ev));
  }

  const Revision lo = std::min(diff.from, diff.to);
  const Revision hi = std::max(diff.from, diff.to);
  if (lo != hi) {
    auto snap_lo = db.GetSnapshot(lo);
    if (!snap_lo.ok()) return snap_lo.status();
    auto snap_hi = db.GetSnapshot(hi);
    if (!snap_hi.ok()) return snap_hi.status();

    // The nodes whose supersedes edges can be new in the range. A component
    // that yields an event has a node the diff added, removed or modified
    // (else every member is in view at both ends or at neither), or an edge
    // among the diff's added ones; from those the component is completed by
    // following its new edges, which also reaches entries outside both
    // views (`via`).
    std::vector<std::string> queue;
    for (const auto& n : diff.nodes_added) queue.push_back(n.key);
    for (const auto& n : diff.nodes_removed) queue.push_back(n.key);
    for (const auto& m : diff.nodes_modified) queue.push_back(m.key);
    for (const auto* edges : {&diff.edges_added, &diff.edges_removed}) {
      for (const auto& e : *edges) {
        if (e.type != kSupersedes) continue;
        queue.push_back(e.from);
        queue.push_back(e.to);
      }
    }
    std::set<std::string> visited;
    Components comps;
    while (!queue.empty()) {
      std::string k = std::move(queue.back());
      queue.pop_back();
      if (!visited.insert(k).second) continue;
      std::set<Pair> at_hi, at_lo;
      RETURN_IF_ERROR(EdgesAt(**snap_hi, k, &at_hi));
      if (at_hi.empty()) continue;
      RETURN_IF_ERROR(EdgesAt(**snap_lo, k, &at_lo));
      for (const auto& p : at_hi) {
        if (at_lo.contains(p)) continue;
        comps.Join(p.first, p.second);
        queue.push_back(p.first == k ? p.second : p.first);
      }
    }
    std::map<std::string, std::vector<std::string>> groups = comps.Groups();

    if (!groups.empty()) {
      diff_internal::Scope view_lo, view_hi;  // `all` unless scoped
      if (options.scope_root) {
        auto s = diff_internal::ComputeScope(**snap_lo, options);
        if (!s.ok()) return s.status();
        view_lo = *std::move(s);
        s = diff_internal::ComputeScope(**snap_hi, options);
        if (!s.ok()) return s.status();
        view_hi = *std::move(s);
      }
      for (const auto& [root, members] : groups) {
        LineageEvent ev;
        for (const auto& k : members) {
          bool in_lo = false, in_hi = false;
          if (view_lo.all) {
            auto a = (*snap_lo)->HasNode(k);
            if (!a.ok()) return a.status();
            auto b = (*snap_hi)->HasNode(k);
            if (!b.ok()) return b.status();
            in_lo = *a;
            in_hi = *b;
          } else {
            in_lo = view_lo.Contains(k);
            in_hi = view_hi.Contains(k);
          }
          if (in_lo) ev.from.push_back(k);
          if (in_hi) ev.to.push_back(k);
          if (!in_lo && !in_hi) ev.via.push_back(k);
        }
        if (ev.from.empty() || ev.to.empty() || ev.from == ev.to) continue;
        if (ev.from.size() == 1 && ev.to.size() == 1) {
          ev.kind = LineageEvent::Kind::kRename;
        } else if (ev.from.size() == 1) {
          ev.kind = LineageEvent::Kind::kSplit;
        } else if (ev.to.size() == 1) {
          ev.kind = LineageEvent::Kind::kMerge;
        } else {
          ev.kind = LineageEvent::Kind::kReplace;
        }
        events.push_back(std::move(ev));
      }
    }
  }
  std::sort(events.begin(), events.end(),
            [](const LineageEvent& a, const LineageEvent& b) {
              return std::tie(a.from, a.to, a.kind) <
                     std::tie(b.from, b.to, b.kind);
            });
  return events;
}

}  // namespace critgraph
