// Three-way merge of a draft into the main history, and rebase
// (critgraph/draft.h). The rules: docs/DRAFTS.md, "Merge".
//
// Cost: O(changes). The two sides are the main change logs between the
// draft's base and the target revision and the draft's own change logs
// (two Diff calls); every entity either side changed is merged per name and
// per property against its base value. Nothing else of the graph is read.
#include <map>
#include <optional>
#include <set>

#include "critgraph/draft.h"
#include "critgraph/snapshot.h"
#include "engine/draft_internal.h"
#include "storage/draft_store.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

template <typename T>
struct Entity {
  std::optional<T> base, head, draft;
  bool head_changed = false, draft_changed = false;
  std::optional<T> result;
  bool resolved = true;
  bool from_file = false;         // set by a resolution op: final
  std::optional<T> merged;        // the result before a resolution op
  std::vector<size_t> conflicts;  // indexes into MergePlan::conflicts
};

struct MergePlan {
  std::map<std::string, Entity<Node>> nodes;
  std::map<EdgeId, Entity<Edge>> edges;
  std::vector<MergeConflict> conflicts;
  uint64_t unresolved = 0;
  std::vector<ChangeOp> ops;  // turn the target revision into the result
  ChangeCounts node_counts, edge_counts;
};

Edge MakeEdge(const EdgeId& id, Properties props) {
  return Edge{id.from, id.type, id.to, std::move(props)};
}

void Record(const DiffResult& d, bool head_side, MergePlan& plan) {
  auto node = [&](const std::string& key, std::optional<Node> before,
                  std::optional<Node> after) {
    auto& e = plan.nodes[key];
    e.base = std::move(before);
    (head_side ? e.head : e.draft) = std::move(after);
    (head_side ? e.head_changed : e.draft_changed) = true;
  };
  for (const auto& n : d.nodes_added) node(n.key, std::nullopt, n);
  for (const auto& n : d.nodes_removed) node(n.key, n, std::nullopt);
  for (const auto& c : d.nodes_modified) node(c.key, c.before, c.after);
  auto edge = [&](const EdgeId& id, std::optional<Edge> before,
                  std::optional<Edge> after) {
    auto& e = plan.edges[id];
    e.base = std::move(before);
    (head_side ? e.head : e.draft) = std::move(after);
    (head_side ? e.head_changed : e.draft_changed) = true;
  };
  for (const auto& x : d.edges_added) edge(x.id(), std::nullopt, x);
  for (const auto& x : d.edges_removed) edge(x.id(), x, std::nullopt);
  for (const auto& c : d.edges_modified) {
    edge(c.id, MakeEdge(c.id, c.before), MakeEdge(c.id, c.after));
  }
}

template <typename T>
void FillUnchangedSides(Entity<T>& e) {
  if (!e.head_changed) e.head = e.base;
  if (!e.draft_changed) e.draft = e.base;
}

// Three-way merge of one map of fields (names by language, properties by
// name). Clashing fields are named in `fields` as prefix + name and take
// the preferred side's value (head's when there is no preference).
template <typename Map>
Map MergeFields(const Map* base, const Map& head, const Map& draft,
                std::string_view prefix, MergePrefer prefer,
                std::vector<std::string>* fields) {
  std::set<std::string, std::less<>> names;
  for (const Map* m : {base, &head, &draft}) {
    if (m == nullptr) continue;
    for (const auto& [k, v] : *m) names.insert(k);
  }
  auto get =
      [](const Map* m,
         const std::string& k) -> std::optional<typename Map::mapped_type> {
    if (m == nullptr) return std::nullopt;
    auto it = m->find(k);
    if (it == m->end()) return std::nullopt;
    return it->second;
  };
  Map out;
  for (const auto& k : names) {
    auto b = get(base, k), h = get(&head, k), d = get(&draft, k);
    std::optional<typename Map::mapped_type> v;
    if (h == d || d == b) {
      v = h;
    } else if (h == b) {
      v = d;
    } else {
      fields->push_back(StrCat(prefix, k));
      v = prefer == MergePrefer::kDraft ? d : h;
    }
    if (v) out.emplace(k, *std::move(v));
  }
  return out;
}

std::string_view PreferName(MergePrefer p) {
  return p == MergePrefer::kDraft ? "draft" : "head";
}

// Settles an entity changed on at most one side, or the same way on both.
template <typename T>
bool TakeOneSide(Entity<T>& e) {
  FillUnchangedSides(e);
  if (!e.head_changed) {
    e.result = e.draft;
  } else if (!e.draft_changed || e.head == e.draft) {
    e.result = e.head;
  } else {
    return false;
  }
  return true;
}

// Records a conflict of `e` and applies `prefer`: the whole preferred side,
// except for a content conflict, whose clashing fields MergeFields already
// took from it.
template <typename T>
void RecordConflict(MergeConflict c, MergePrefer prefer, Entity<T>& e,
                    MergePlan& plan) {
  if (prefer != MergePrefer::kNone) {
    c.resolution = std::string(PreferName(prefer));
    if (c.kind != MergeConflict::Kind::kContent) {
      e.result = prefer == MergePrefer::kDraft ? e.draft : e.head;
    }
  } else {
    e.resolved = false;
  }
  e.conflicts.push_back(plan.conflicts.size());
  plan.conflicts.push_back(std::move(c));
}

void MergeNode(const std::string& key, Entity<Node>& e, MergePrefer prefer,
               MergePlan& plan) {
  if (TakeOneSide(e)) return;
  MergeConflict c;
  c.key = key;
  c.base_node = e.base;
  c.head_node = e.head;
  c.draft_node = e.draft;
  if (!e.head || !e.draft) {
    c.kind = MergeConflict::Kind::kDeleteModify;
  } else if (e.head->kind != e.draft->kind) {
    c.kind = MergeConflict::Kind::kKind;
  } else {
    Node m;
    m.key = key;
    m.kind = e.head->kind;
    m.names = MergeFields(e.base ? &e.base->names : nullptr, e.head->names,
                          e.draft->names, "name:", prefer, &c.fields);
    m.props = MergeFields(e.base ? &e.base->props : nullptr, e.head->props,
                          e.draft->props, "prop:", prefer, &c.fields);
    e.result = std::move(m);
    if (c.fields.empty()) return;  // disjoint edits merge cleanly
    c.kind = MergeConflict::Kind::kContent;
  }
  RecordConflict(std::move(c), prefer, e, plan);
}

void MergeEdge(const EdgeId& id, Entity<Edge>& e, MergePrefer prefer,
               MergePlan& plan) {
  if (TakeOneSide(e)) return;
  MergeConflict c;
  c.is_edge = true;
  c.edge = id;
  c.key = id.from;
  c.base_edge = e.base;
  c.head_edge = e.head;
  c.draft_edge = e.draft;
  if (!e.head || !e.draft) {
    c.kind = MergeConflict::Kind::kDeleteModify;
  } else {
    Properties props =
        MergeFields(e.base ? &e.base->props : nullptr, e.head->props,
                    e.draft->props, "prop:", prefer, &c.fields);
    e.result = MakeEdge(id, std::move(props));
    if (c.fields.empty()) return;
    c.kind = MergeConflict::Kind::kContent;
  }
  RecordConflict(std::move(c), prefer, e, plan);
}

// An edge kept by the merge whose endpoint the merge deletes: one side
// added or changed the edge, the other deleted the node.
void CheckEndpoints(const EdgeId& id, Entity<Edge>& e, MergePrefer prefer,
                    MergePlan& plan) {
  // A resolution op decided the edge; the conflict its merged state would
  // have had is still reported, as resolved by the file.
  const std::optional<Edge>& kept = e.from_file ? e.merged : e.result;
  if (!e.resolved || !kept) return;
  for (const std::string* end : {&id.from, &id.to}) {
    auto it = plan.nodes.find(*end);
    if (it == plan.nodes.end()) continue;  // unchanged on both sides: exists
    Entity<Node>& n = it->second;
    if (!n.resolved || n.result) continue;
    MergeConflict c;
    c.kind = MergeConflict::Kind::kEdgeToDeletedNode;
    c.is_edge = true;
    c.edge = id;
    c.key = *end;
    c.base_edge = e.base;
    c.head_edge = e.head;
    c.draft_edge = e.draft;
    c.base_node = n.base;
    c.head_node = n.head;
    c.draft_node = n.draft;
    if (e.from_file) {
      c.resolution = "file";
      plan.conflicts.push_back(std::move(c));
      return;
    }
    if (prefer != MergePrefer::kNone) {
      c.resolution = std::string(PreferName(prefer));
      const auto& side_edge = prefer == MergePrefer::kDraft ? e.draft : e.head;
      const auto& side_node = prefer == MergePrefer::kDraft ? n.draft : n.head;
      if (side_edge && side_node) {
        n.result = side_node;  // the preferred side keeps the edge and node
        e.result = side_edge;
      } else {
        e.result.reset();
      }
    } else {
      e.resolved = false;
    }
    e.conflicts.push_back(plan.conflicts.size());
    plan.conflicts.push_back(std::move(c));
    if (!e.resolved || !e.result) return;
  }
}

// Resolution ops set the result of their entity whatever the sides did;
// an entity neither side changed is read at the target first.
absl::Status ApplyResolutions(const std::vector<ChangeOp>& ops,
                              const Snapshot& target, MergePlan& plan,
                              bool nodes) {
  for (size_t i = 0; i < ops.size(); ++i) {
    const ChangeOp& op = ops[i];
    const bool node_op = op.kind == ChangeOp::Kind::kNode ||
                         op.kind == ChangeOp::Kind::kDeleteNode;
    const bool edge_op = op.kind == ChangeOp::Kind::kEdge ||
                         op.kind == ChangeOp::Kind::kDeleteEdge;
    if (!node_op && !edge_op) {
      if (nodes) {
        return absl::InvalidArgumentError(StrCat(
            "resolution op ", i + 1,
            ": only node and edge upserts and deletions resolve conflicts"));
      }
      continue;
    }
    if (node_op != nodes) continue;
    auto mark = [&](auto& e) {
      e.resolved = true;
      e.from_file = true;
      for (size_t c : e.conflicts) plan.conflicts[c].resolution = "file";
    };
    if (node_op) {
      const std::string& key =
          op.kind == ChangeOp::Kind::kNode ? op.node.key : op.key;
      auto [it, inserted] = plan.nodes.try_emplace(key);
      Entity<Node>& e = it->second;
      if (inserted) {
        auto cur = target.GetNode(key);
        if (cur.ok()) {
          e.base = e.head = e.draft = *cur;
        } else if (!absl::IsNotFound(cur.status())) {
          return cur.status();
        }
      }
      if (op.kind == ChangeOp::Kind::kNode) {
        e.result = op.node;
      } else {
        e.result.reset();
      }
      mark(e);
    } else {
      const EdgeId id = op.edge.id();
      auto [it, inserted] = plan.edges.try_emplace(id);
      Entity<Edge>& e = it->second;
      if (inserted) {
        auto cur = target.GetEdge(id.from, id.type, id.to);
        if (cur.ok()) {
          e.base = e.head = e.draft = *cur;
        } else if (!absl::IsNotFound(cur.status())) {
          return cur.status();
        }
      }
      if (!e.from_file) e.merged = e.result;
      if (op.kind == ChangeOp::Kind::kEdge) {
        e.result = op.edge;
      } else {
        e.result.reset();
      }
      mark(e);
    }
  }
  return absl::OkStatus();
}

template <typename T>
void Count(const Entity<T>& e, ChangeCounts& counts) {
  if (e.result == e.head) return;
  if (!e.head) {
    ++counts.added;
  } else if (!e.result) {
    ++counts.removed;
  } else {
    ++counts.modified;
  }
}

// The ops turning the target (head side) into the merged result: edge
// deletions, node deletions, node upserts, edge upserts.
void BuildOps(MergePlan& plan) {
  auto op = [](ChangeOp::Kind kind) {
    ChangeOp o;
    o.kind = kind;
    return o;
  };
  for (const auto& [id, e] : plan.edges) {
    if (e.head && !e.result) {
      ChangeOp o = op(ChangeOp::Kind::kDeleteEdge);
      o.edge = *e.head;
      plan.ops.push_back(std::move(o));
    }
  }
  for (const auto& [key, e] : plan.nodes) {
    if (e.head && !e.result) {
      ChangeOp o = op(ChangeOp::Kind::kDeleteNode);
      o.key = key;
      plan.ops.push_back(std::move(o));
    }
  }
  for (const auto& [key, e] : plan.nodes) {
    if (e.result && e.result != e.head) {
      ChangeOp o = op(ChangeOp::Kind::kNode);
      o.node = *e.result;
      plan.ops.push_back(std::move(o));
    }
  }
  for (const auto& [id, e] : plan.edges) {
    if (e.result && e.result != e.head) {
      ChangeOp o = op(ChangeOp::Kind::kEdge);
      o.edge = *e.result;
      plan.ops.push_back(std::move(o));
    }
  }
  for (const auto& [key, e] : plan.nodes) Count(e, plan.node_counts);
  for (const auto& [id, e] : plan.edges) Count(e, plan.edge_counts);
}

// Merges base->draft_head (in `draft_db`, base content at `start`) into
// base->target (in `main`).
absl::StatusOr<MergePlan> Plan(const DB& main, Revision base, Revision target,
                               const DB& draft_db, Revision start,
                               Revision draft_head,
                               const MergeOptions& options) {
  MergePlan plan;
  auto head_side = Diff(main, base, target);
  if (!head_side.ok()) return head_side.status();
  auto draft_side = Diff(draft_db, start, draft_head);
  if (!draft_side.ok()) return draft_side.status();
  Record(*head_side, /*head_side=*/true, plan);
  Record(*draft_side, /*head_side=*/false, plan);
  auto target_snap = main.GetSnapshot(target);
  if (!target_snap.ok()) return target_snap.status();
  for (auto& [key, e] : plan.nodes) MergeNode(key, e, options.prefer, plan);
  RETURN_IF_ERROR(ApplyResolutions(options.resolutions, **target_snap, plan,
                                   /*nodes=*/true));
  for (auto& [id, e] : plan.edges) MergeEdge(id, e, options.prefer, plan);
  RETURN_IF_ERROR(ApplyResolutions(options.resolutions, **target_snap, plan,
                                   /*nodes=*/false));
  for (auto& [id, e] : plan.edges) CheckEndpoints(id, e, options.prefer, plan);
  for (const auto& c : plan.conflicts) {
    if (c.resolution.empty()) ++plan.unresolved;
  }
  if (plan.unresolved == 0) BuildOps(plan);
  return plan;
}

void FillReport(const MergePlan& plan, MergeReport* report) {
  report->conflicts = plan.conflicts;
  std::stable_sort(report->conflicts.begin(), report->conflicts.end(),
                   [](const MergeConflict& a, const MergeConflict& b) {
                     return std::tie(a.is_edge, a.key, a.edge) <
                            std::tie(b.is_edge, b.key, b.edge);
                   });
  report->unresolved = plan.unresolved;
  report->nodes = plan.node_counts;
  report->edges = plan.edge_counts;
}

absl::Status Unresolved(const MergeReport& r, std::string_view what) {
  return absl::FailedPreconditionError(StrCat(
      r.unresolved, " unresolved conflict", r.unresolved == 1 ? "" : "s", " ",
      what, " draft '", r.draft,
      "': nothing changed (resolve with --prefer draft|head or a resolution "
      "file; see the conflict report)"));
}

// Registers on `to` the node kinds and edge types `from` has and `to` lacks,
// so that the merged entities validate.
absl::Status RegisterMissing(const Snapshot& from, const Snapshot& to,
                             Transaction& txn) {
  auto missing = [](std::vector<std::string> have,
                    std::vector<std::string> want) {
    std::vector<std::string> out;
    std::set_difference(want.begin(), want.end(), have.begin(), have.end(),
                        std::back_inserter(out));
    return out;
  };
  for (const auto& k : missing(to.NodeKinds(), from.NodeKinds())) {
    RETURN_IF_ERROR(txn.RegisterNodeKind(k));
  }
  for (const auto& t : missing(to.EdgeTypes(), from.EdgeTypes())) {
    RETURN_IF_ERROR(txn.RegisterEdgeType(t));
  }
  return absl::OkStatus();
}

// The base revision must still be the draft's base on main.
absl::Status CheckBase(const DB& db, const DraftInfo& info) {
  auto base = db.GetRevision(info.base);
  if (!base.ok()) {
    return absl::Status(base.status().code(),
                        StrCat("draft '", info.name, "' is based on revision ",
                               info.base, ": ", base.status().message()));
  }
  if (!(base->digest == info.base_digest)) {
    return absl::FailedPreconditionError(
        StrCat("draft '", info.name, "' was made from revision ", info.base,
               " with digest ", info.base_digest.ToHex(),
               ", but this database's "
               "revision ",
               info.base, " has digest ", base->digest.ToHex(),
               ": the draft belongs to another database"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view ConflictKindName(MergeConflict::Kind kind) {
  switch (kind) {
    case MergeConflict::Kind::kContent:
      return "content";
    case MergeConflict::Kind::kDeleteModify:
      return "delete-modify";
    case MergeConflict::Kind::kEdgeToDeletedNode:
      return "edge-to-deleted-node";
    case MergeConflict::Kind::kKind:
      return "kind";
  }
  return "unknown";
}

absl::Status Merge(DB& db, std::string_view name, const MergeOptions& options,
                   MergeReport* report) {
  *report = MergeReport{};
  report->draft = std::string(name);
  report->dry_run = options.dry_run;
  auto info = engine::ReadDraft(db.path(), name);
  if (!info.ok()) return info.status();
  RETURN_IF_ERROR(CheckBase(db, *info));
  auto draft = storage::OpenDraftReadOnly(db.path(), name);
  if (!draft.ok()) return draft.status();
  // The write transaction first: HEAD cannot move between plan and commit.
  std::unique_ptr<Transaction> txn;
  if (!options.dry_run) {
    auto t = db.Begin();
    if (!t.ok()) return t.status();
    txn = *std::move(t);
  }
  const Revision head = db.Head();
  const Revision draft_head = (*draft)->Head();
  report->base = info->base;
  report->head = head;
  report->draft_head = draft_head;
  auto plan =
      Plan(db, info->base, head, **draft, info->start, draft_head, options);
  if (!plan.ok()) return plan.status();
  FillReport(*plan, report);
  if (plan->unresolved > 0) return Unresolved(*report, "merging");
  if (options.dry_run || plan->ops.empty()) return absl::OkStatus();
  auto draft_snap = (*draft)->GetSnapshot(draft_head);
  auto head_snap = db.GetSnapshot(head);
  if (!draft_snap.ok()) return draft_snap.status();
  if (!head_snap.ok()) return head_snap.status();
  RETURN_IF_ERROR(RegisterMissing(**draft_snap, **head_snap, *txn));
  RETURN_IF_ERROR(engine::ApplyOps(*txn, plan->ops));
  CommitInfo ci = options.commit;
  if (ci.message.empty()) {
    ci.message = StrCat("merge draft ", name, " (base ", info->base,
                        ", draft revision ", draft_head, ")");
  }
  auto rev = txn->Commit(ci);
  if (!rev.ok()) return rev.status();
  report->committed = *rev;
  auto committed = db.GetRevision(*rev);
  if (committed.ok()) report->digest = committed->digest;
  return absl::OkStatus();
}

absl::Status Rebase(DB& db, std::string_view name, std::optional<Revision> onto,
                    const MergeOptions& options, MergeReport* report) {
  *report = MergeReport{};
  report->draft = std::string(name);
  report->dry_run = options.dry_run;
  // Holding the draft's write lock keeps its writers out until the swap.
  auto draft = OpenDraft(db, name);
  if (!draft.ok()) return draft.status();
  const DraftInfo info = (*draft)->info();
  RETURN_IF_ERROR(CheckBase(db, info));
  const Revision target = onto.value_or(db.Head());
  auto target_info = db.GetRevision(target);
  if (!target_info.ok()) return target_info.status();
  DB& draft_db = (*draft)->db();
  const Revision draft_head = draft_db.Head();
  report->base = info.base;
  report->head = target;
  report->draft_head = draft_head;
  auto plan =
      Plan(db, info.base, target, draft_db, info.start, draft_head, options);
  if (!plan.ok()) return plan.status();
  FillReport(*plan, report);
  if (plan->unresolved > 0) return Unresolved(*report, "rebasing");
  if (options.dry_run) return absl::OkStatus();
  auto staged = engine::StageDraft(db, name, target);
  if (!staged.ok()) return staged.status();
  absl::Status st = [&]() -> absl::Status {
    if (!plan->ops.empty()) {
      auto txn = staged->db->Begin();
      if (!txn.ok()) return txn.status();
      auto from = draft_db.GetSnapshot(draft_head);
      auto to = staged->db->GetSnapshot(staged->db->Head());
      if (!from.ok()) return from.status();
      if (!to.ok()) return to.status();
      RETURN_IF_ERROR(RegisterMissing(**from, **to, **txn));
      RETURN_IF_ERROR(engine::ApplyOps(**txn, plan->ops));
      CommitInfo ci = options.commit;
      if (ci.message.empty()) {
        ci.message = StrCat("draft ", name, " rebased onto revision ", target,
                            " (its commits ", info.start + 1, "-", draft_head,
                            " squashed)");
      }
      auto rev = (*txn)->Commit(ci);
      if (!rev.ok()) return rev.status();
      report->committed = *rev;
      auto r = staged->db->GetRevision(*rev);
      if (r.ok()) report->digest = r->digest;
    }
    staged->info.created_micros = info.created_micros;
    return engine::FinishStaged(*staged);
  }();
  if (st.ok()) {
    st = storage::ReplaceDraft(db.path(), name, staged->path,
                               [&] { draft->reset(); });
  }
  if (!st.ok()) engine::DiscardStaged(*staged);
  return st;
}

}  // namespace critgraph
