// DiffNamed (critgraph/draft.h): diffs where one or both sides are drafts.
// A draft lives in its own database, so there is no single change log
// between the two sides; but both descend from main revisions, so the
// entities that can differ are those changed between one anchor (a draft's
// base) and each side: main change logs for main sides and draft bases, the
// draft's own change logs above its start. Each is read at both sides.
// O(changes), like Diff.
#include <set>

#include "critgraph/draft.h"
#include "engine/changes.h"
#include "engine/diff_scope.h"
#include "engine/draft_internal.h"
#include "storage/draft_store.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

struct Side {
  std::shared_ptr<const DB> owner;  // a draft's database
  const DB* db = nullptr;
  Revision rev = 0;
  std::optional<DraftInfo> draft;
  std::unique_ptr<Snapshot> snap;
  diff_internal::Scope scope;
};

absl::StatusOr<Side> OpenSide(const DB& main, std::string_view name) {
  Side side;
  if (auto draft = DraftName(name)) {
    auto info = engine::ReadDraft(main.path(), *draft);
    if (!info.ok()) return info.status();
    auto db = storage::OpenDraftReadOnly(main.path(), *draft);
    if (!db.ok()) return db.status();
    side.owner = *std::move(db);
    side.db = side.owner.get();
    side.rev = side.db->Head();
    side.draft = *std::move(info);
  } else {
    auto rev = main.Resolve(name);
    if (!rev.ok()) return rev.status();
    side.db = &main;
    side.rev = *rev;
  }
  auto snap = side.db->GetSnapshot(side.rev);
  if (!snap.ok()) return snap.status();
  side.snap = *std::move(snap);
  return side;
}

struct Candidates {
  std::set<std::string> nodes;
  std::set<EdgeId> edges;

  void Add(const DiffResult& d) {
    for (const auto& n : d.nodes_added) nodes.insert(n.key);
    for (const auto& n : d.nodes_removed) nodes.insert(n.key);
    for (const auto& c : d.nodes_modified) nodes.insert(c.key);
    for (const auto& e : d.edges_added) edges.insert(e.id());
    for (const auto& e : d.edges_removed) edges.insert(e.id());
    for (const auto& c : d.edges_modified) edges.insert(c.id);
  }
};

absl::Status AddSide(const DB& main, Revision anchor, const Side& side,
                     Candidates& c) {
  const Revision main_rev = side.draft ? side.draft->base : side.rev;
  if (main_rev != anchor) {
    auto d = Diff(main, anchor, main_rev);
    if (!d.ok()) return d.status();
    c.Add(*d);
  }
  if (side.draft && side.rev != side.draft->start) {
    auto d = Diff(*side.db, side.draft->start, side.rev);
    if (!d.ok()) return d.status();
    c.Add(*d);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Node>> NodeAt(const Side& s,
                                           const std::string& key) {
  if (!s.scope.Contains(key)) return std::nullopt;
  auto n = s.snap->GetNode(key);
  if (absl::IsNotFound(n.status())) return std::nullopt;
  if (!n.ok()) return n.status();
  return *std::move(n);
}

absl::StatusOr<std::optional<Edge>> EdgeAt(const Side& s, const EdgeId& id) {
  if (!s.scope.Contains(id.from) || !s.scope.Contains(id.to)) {
    return std::nullopt;
  }
  auto e = s.snap->GetEdge(id.from, id.type, id.to);
  if (absl::IsNotFound(e.status()) || absl::IsInvalidArgument(e.status())) {
    return std::nullopt;  // absent, or its type unregistered on this side
  }
  if (!e.ok()) return e.status();
  return *std::move(e);
}

// The nodes in exactly one side's scope, and all their edges there.
absl::Status AddScopeDelta(const Side& a, const Side& b, Candidates& c) {
  for (const Side* s : {&a, &b}) {
    const Side& other = s == &a ? b : a;
    for (const auto& key : s->scope.keys) {
      if (other.scope.Contains(key)) continue;
      c.nodes.insert(key);
      for (bool out : {true, false}) {
        auto edges = out ? s->snap->OutEdges(key) : s->snap->InEdges(key);
        if (absl::IsNotFound(edges.status())) continue;
        if (!edges.ok()) return edges.status();
        for (const auto& e : *edges) c.edges.insert(e.id());
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DiffResult> DiffNamed(const DB& db, std::string_view from,
                                     std::string_view to,
                                     const DiffOptions& options) {
  if (!DraftName(from) && !DraftName(to)) {
    auto a = db.Resolve(from);
    if (!a.ok()) return a.status();
    auto b = db.Resolve(to);
    if (!b.ok()) return b.status();
    return Diff(db, *a, *b, options);
  }
  auto a = OpenSide(db, from);
  if (!a.ok()) return a.status();
  auto b = OpenSide(db, to);
  if (!b.ok()) return b.status();
  const Revision anchor = a->draft ? a->draft->base : b->draft->base;
  Candidates candidates;
  RETURN_IF_ERROR(AddSide(db, anchor, *a, candidates));
  RETURN_IF_ERROR(AddSide(db, anchor, *b, candidates));
  if (options.scope_root) {
    for (Side* s : {&*a, &*b}) {
      auto scope = diff_internal::ComputeScope(*s->snap, options);
      if (!scope.ok()) return scope.status();
      s->scope = *std::move(scope);
    }
    if (a->scope.keys.empty() && b->scope.keys.empty()) {
      return absl::NotFoundError(StrCat("scope root '", *options.scope_root,
                                        "' exists at neither ", from, " nor ",
                                        to));
    }
    RETURN_IF_ERROR(AddScopeDelta(*a, *b, candidates));
  }
  DiffResult result;
  result.from = a->rev;
  result.to = b->rev;
  for (const auto& key : candidates.nodes) {
    auto x = NodeAt(*a, key);
    if (!x.ok()) return x.status();
    auto y = NodeAt(*b, key);
    if (!y.ok()) return y.status();
    if (*x == *y) continue;
    if (!*x) {
      result.nodes_added.push_back(**std::move(y));
    } else if (!*y) {
      result.nodes_removed.push_back(**std::move(x));
    } else {
      result.nodes_modified.push_back(
          engine::MakeNodeChange(**std::move(x), **std::move(y)));
    }
  }
  for (const auto& id : candidates.edges) {
    auto x = EdgeAt(*a, id);
    if (!x.ok()) return x.status();
    auto y = EdgeAt(*b, id);
    if (!y.ok()) return y.status();
    if (*x == *y) continue;
    if (!*x) {
      result.edges_added.push_back(**std::move(y));
    } else if (!*y) {
      result.edges_removed.push_back(**std::move(x));
    } else {
      EdgeChange c;
      c.id = id;
      c.props = engine::PropDiff((*x)->props, (*y)->props);
      c.before = (*x)->props;
      c.after = (*y)->props;
      result.edges_modified.push_back(std::move(c));
    }
  }
  return result;
}

}  // namespace critgraph
