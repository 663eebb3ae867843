#include "io/report_model.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "critgraph/io/json_out.h"
#include "critgraph/lists.h"
#include "util/status_macros.h"

namespace critgraph::io::report {

namespace {

std::string UtcTime(int64_t secs, const char* format) {
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), format, &tm);
  return buf;
}

std::string Label(const RevisionInfo& info) {
  return info.tags.empty() ? "r" + std::to_string(info.number)
                           : info.tags.front();
}

std::string Date(const RevisionInfo& info) {
  return info.effective_date.value_or(
      UtcTime(info.commit_time_micros / 1000000, "%Y-%m-%d"));
}

absl::StatusOr<ListVersion> ReadVersion(const DB& db, const RevisionInfo& info,
                                        const std::string& list) {
  ListVersion v;
  v.rev = info.number;
  v.label = Label(info);
  v.date = Date(info);
  ASSIGN_OR_RETURN(auto snap, db.GetSnapshot(info.number));
  ASSIGN_OR_RETURN(auto entries, ListEntries(*snap, list));
  for (const auto& e : entries) {
    ASSIGN_OR_RETURN(Node node, snap->GetNode(e.key));
    ++v.by_kind[node.kind];
    v.entries.emplace(e.key, std::move(node));
  }
  return v;
}

int64_t CountOfKind(const ListVersion& from, const ListVersion& to,
                    const std::string& kind) {
  int64_t n = 0;
  for (const auto& [key, node] : to.entries) {
    if (node.kind == kind && !from.entries.count(key)) ++n;
  }
  return n;
}

absl::Status FillList(const DB& db, const std::vector<RevisionInfo>& log,
                      const std::vector<Revision>& revs,
                      const ReportOptions& options, ListReport* list) {
  std::vector<ListVersion> all;
  for (Revision r : revs) {
    const RevisionInfo* info = nullptr;
    for (const auto& i : log) {
      if (i.number == r) info = &i;
    }
    if (info == nullptr) continue;
    ASSIGN_OR_RETURN(auto snap, db.GetSnapshot(r));
    // A revision that deleted the list changed it, but has no version.
    if (!CheckList(*snap, list->key).ok()) continue;
    ASSIGN_OR_RETURN(ListVersion v, ReadVersion(db, *info, list->key));
    all.push_back(std::move(v));
  }
  size_t first = 0;
  if (!options.since.empty()) {
    while (first < all.size() && all[first].date < options.since) ++first;
    // The version in force on `since` is the baseline of the first change.
    if (first > 0) --first;
  }
  all.erase(all.begin(), all.begin() + first);
  if (all.empty()) return absl::OkStatus();
  uint64_t best = 0;
  for (const auto& [kind, n] : all.back().by_kind) {
    if (n > best) best = n, list->headline_kind = kind;
  }
  const DiffOptions scope = ListDiffOptions(list->key);
  ListVersion none;
  for (size_t i = 0; i < all.size(); ++i) {
    auto it = all[i].by_kind.find(list->headline_kind);
    all[i].headline = it == all[i].by_kind.end() ? 0 : it->second;
    const Revision from = i == 0 ? 0 : all[i - 1].rev;
    VersionChange c;
    ASSIGN_OR_RETURN(c.diff, Diff(db, from, all[i].rev, scope));
    ASSIGN_OR_RETURN(c.lineage, DiffLineage(db, c.diff, scope));
    const ListVersion& prev = i == 0 ? none : all[i - 1];
    c.added = CountOfKind(prev, all[i], list->headline_kind);
    c.removed = CountOfKind(all[i], prev, list->headline_kind);
    list->changes.push_back(std::move(c));
  }
  list->versions = std::move(all);
  return absl::OkStatus();
}

absl::Status FillDependencies(const Snapshot& snap, Model* model) {
  ASSIGN_OR_RETURN(auto techs, snap.NodesOfKind("technology"));
  const std::vector<std::string> types = {"depends_on"};
  for (const auto& t : techs) {
    ASSIGN_OR_RETURN(auto edges, snap.OutEdges(t.key, types));
    for (const auto& e : edges) {
      ASSIGN_OR_RETURN(Node to, snap.GetNode(e.to));
      model->dependencies.push_back({t, std::move(to)});
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string NameIn(const Node& node, const std::string& lang) {
  auto it = node.names.find(lang);
  return it == node.names.end() ? "" : it->second;
}

std::string EnglishName(const Node& node) {
  std::string en = NameIn(node, "en");
  return en.empty() ? DisplayName(node) : en;
}

absl::StatusOr<Model> BuildModel(const DB& db, const ReportOptions& options) {
  Model model;
  const Revision at = options.at == 0 ? db.Head() : options.at;
  auto snap_or = db.GetSnapshot(at);
  if (!snap_or.ok()) return snap_or.status();
  const Snapshot& snap = **snap_or;
  model.info = snap.info();
  model.revision_label = std::to_string(at);
  if (!model.info.tags.empty()) {
    std::string tags;
    for (const auto& t : model.info.tags)
      tags += (tags.empty() ? "" : ", ") + t;
    model.revision_label += " (" + tags + ")";
  }
  model.generated_at = options.generated_at.empty()
                           ? UtcTime(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ")
                           : options.generated_at;
  std::vector<std::string> keys = options.lists;
  if (keys.empty()) {
    ASSIGN_OR_RETURN(auto nodes, snap.NodesOfKind(kListKind));
    for (const auto& n : nodes) keys.push_back(n.key);
  }
  for (const auto& k : keys) RETURN_IF_ERROR(CheckList(snap, k));
  ASSIGN_OR_RETURN(auto revs, ListChangeRevisions(db, keys, at));
  const auto log = db.Log();
  for (size_t i = 0; i < keys.size(); ++i) {
    ListReport list;
    list.key = keys[i];
    ASSIGN_OR_RETURN(list.node, snap.GetNode(keys[i]));
    RETURN_IF_ERROR(FillList(db, log, revs[i], options, &list));
    model.lists.push_back(std::move(list));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSIGN_OR_RETURN(CrosswalkMatrix m, CrosswalkAll(snap, keys[i]));
    // Only the chosen lists: the matrix is lists x lists.
    std::erase_if(m.rows, [&](const CrosswalkMatrixRow& r) {
      return std::find(keys.begin(), keys.end(), r.list_b) == keys.end();
    });
    model.matrices.push_back(std::move(m));
  }
  // Pair tables: the most-linked list first, as the row side of each of its
  // pairs (Japan's 20 areas against the foreign lists in the bundled data).
  std::map<std::string, uint64_t> total;
  for (const auto& m : model.matrices) {
    for (const auto& r : m.rows) total[m.list_a] += r.links;
  }
  std::vector<std::string> order = keys;
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) {
                     return total[a] > total[b];
                   });
  for (size_t i = 0; i < order.size(); ++i) {
    const CrosswalkMatrix* m = nullptr;
    for (const auto& mm : model.matrices) {
      if (mm.list_a == order[i]) m = &mm;
    }
    std::vector<CrosswalkMatrixRow> rows = m->rows;
    std::stable_sort(
        rows.begin(), rows.end(),
        [](const auto& a, const auto& b) { return a.links > b.links; });
    for (const auto& r : rows) {
      const auto later =
          std::find(order.begin() + i + 1, order.end(), r.list_b);
      if (r.links == 0 || later == order.end()) continue;
      ASSIGN_OR_RETURN(auto t, Crosswalk(snap, order[i], r.list_b));
      model.pairs.push_back(std::move(t));
    }
  }
  RETURN_IF_ERROR(FillDependencies(snap, &model));
  return model;
}

}  // namespace critgraph::io::report
