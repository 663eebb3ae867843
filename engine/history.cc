// History of one node: reads the node's own version range in `nodes` and,
// when asked, its edges' version ranges in `out_edges` (and, to find the
// incoming ones, `in_edges`), and turns each pair of consecutive versions
// into a change. See include/critgraph/history.h.
#include "critgraph/history.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/changes.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "storage/record.h"
#include "storage/registry.h"
#include "storage/snapshot_impl.h"
#include "util/coding.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {

const char* HistoryActionName(HistoryAction action) {
  switch (action) {
    case HistoryAction::kAdded:
      return "added";
    case HistoryAction::kRemoved:
      return "removed";
    case HistoryAction::kModified:
      return "modified";
  }
  return "?";
}

namespace {

using storage::Cf;
using storage::DBImpl;
using storage::NodeId;
using storage::TypeId;

// One stored version: the revision that wrote it and its value ("" =
// deleted there).
struct Version {
  Revision rev = 0;
  std::string value;
};

std::unique_ptr<rocksdb::Iterator> NewPrefixIterator(const DBImpl& db, Cf cf) {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;  // every family here has an 8-byte prefix
  return std::unique_ptr<rocksdb::Iterator>(
      db.rdb()->NewIterator(ro, db.cf(cf)));
}

absl::Status IterStatus(const rocksdb::Iterator& it, std::string_view what) {
  if (it.status().ok()) return absl::OkStatus();
  return storage::FromRocks(it.status(), what);
}

// The versions of one node at or before `at`, oldest first. One seek to
// `id ~at` (skipping newer versions without reading them), then Next()
// through the node's older versions.
absl::StatusOr<std::vector<Version>> NodeVersions(rocksdb::Iterator* it,
                                                  NodeId id, Revision at) {
  std::vector<Version> out;
  char k[storage::kNodeKeySize];
  storage::EncodeNodeKey(id, at, k);
  for (it->Seek(rocksdb::Slice(k, sizeof k)); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.size() != storage::kNodeKeySize || GetBE64(key.data()) != id) {
      break;
    }
    out.push_back(
        Version{storage::GetInvRev(key.data() + 8), it->value().ToString()});
  }
  RETURN_IF_ERROR(IterStatus(*it, "read node versions"));
  std::reverse(out.begin(), out.end());
  return out;
}

// An edge identified by ids, with its versions at or before `at`, oldest
// first.
struct EdgeVersions {
  NodeId from = 0;
  TypeId type = 0;
  NodeId to = 0;
  std::vector<Version> versions;
};

// The out-edges of `from` (only of `type` if given) that have a version at
// or before `at`, each with its versions. One seek, then Next() through the
// node's out-edge range.
absl::Status OutEdgeVersions(rocksdb::Iterator* it, NodeId from,
                             std::optional<TypeId> type, Revision at,
                             std::vector<EdgeVersions>* out) {
  std::string prefix;
  PutBE64(&prefix, from);
  if (type) PutBE32(&prefix, *type);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(prefix)) break;
    if (key.size() != storage::kEdgeKeySize) {
      return absl::DataLossError(
          StrCat("out-edge key of node id ", from, " is damaged"));
    }
    const Revision rev = storage::GetInvRev(key.data() + 20);
    if (rev > at) continue;
    const TypeId t = GetBE32(key.data() + 8);
    const NodeId to = GetBE64(key.data() + 12);
    if (out->empty() || out->back().type != t || out->back().to != to ||
        out->back().from != from) {
      out->push_back(EdgeVersions{from, t, to, {}});
    }
    out->back().versions.push_back(Version{rev, it->value().ToString()});
  }
  RETURN_IF_ERROR(IterStatus(*it, "read out-edge versions"));
  for (EdgeVersions& e : *out) {
    std::reverse(e.versions.begin(), e.versions.end());
  }
  return absl::OkStatus();
}

// The versions of the edge (from, type, to) at or before `at`, read from
// out_edges (in_edges carries no properties).
absl::Status OneEdgeVersions(rocksdb::Iterator* it, NodeId from, TypeId type,
                             NodeId to, Revision at, EdgeVersions* out) {
  char k[storage::kEdgeKeySize];
  storage::EncodeEdgeKey(from, type, to, at, k);
  *out = EdgeVersions{from, type, to, {}};
  for (it->Seek(rocksdb::Slice(k, sizeof k)); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.size() != storage::kEdgeKeySize ||
        std::memcmp(key.data(), k, storage::kEdgePrefixSize) != 0) {
      break;
    }
    out->versions.push_back(
        Version{storage::GetInvRev(key.data() + 20), it->value().ToString()});
  }
  RETURN_IF_ERROR(IterStatus(*it, "read edge versions"));
  std::reverse(out->versions.begin(), out->versions.end());
  return absl::OkStatus();
}

// The (type, from) of every in-edge of `to` with a version at or before
// `at`, self-loops excluded (the out-edge pass has them).
absl::StatusOr<std::vector<std::pair<TypeId, NodeId>>> InEdgeSources(
    rocksdb::Iterator* it, NodeId to, Revision at) {
  std::vector<std::pair<TypeId, NodeId>> out;
  std::string prefix;
  PutBE64(&prefix, to);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(prefix)) break;
    if (key.size() != storage::kEdgeKeySize) {
      return absl::DataLossError(
          StrCat("in-edge key of node id ", to, " is damaged"));
    }
    if (storage::GetInvRev(key.data() + 20) > at) continue;
    const TypeId t = GetBE32(key.data() + 8);
    const NodeId from = GetBE64(key.data() + 12);
    if (from == to) continue;
    if (out.empty() || out.back() != std::pair{t, from})
      out.emplace_back(t, from);
  }
  RETURN_IF_ERROR(IterStatus(*it, "read in-edge versions"));
  return out;
}

// Builds the entries of one node's history.
class Builder {
 public:
  Builder(const DB& db, std::string_view key, const HistoryOptions& options,
          Revision at)
      : db_(storage::Impl(db)),
        key_(key),
        options_(options),
        at_(at),
        registry_(db_.registry()),
        nodes_(NewPrefixIterator(db_, Cf::kNodes)),
        out_(NewPrefixIterator(db_, Cf::kOutEdges)),
        in_(options.edges ? NewPrefixIterator(db_, Cf::kInEdges) : nullptr),
        supersedes_(registry_->FindEdgeType("supersedes", at)) {}

  absl::StatusOr<std::vector<HistoryEntry>> Run() {
    ASSIGN_OR_RETURN(std::optional<NodeId> id, db_.LookupId(key_));
    if (!id) return NoHistory();
    // Breadth-first over the lineage: `key_` first, then what it supersedes.
    struct Item {
      NodeId id;
      std::string key;
      std::vector<std::string> lineage;
    };
    std::deque<Item> queue;
    queue.push_back(Item{*id, key_, {key_}});
    absl::flat_hash_set<NodeId> seen = {*id};
    size_t index = 0;
    for (; !queue.empty(); queue.pop_front(), ++index) {
      Item& item = queue.front();
      ASSIGN_OR_RETURN(std::vector<Version> versions,
                       NodeVersions(nodes_.get(), item.id, at_));
      if (index == 0 && versions.empty()) return NoHistory();
      RETURN_IF_ERROR(
          AddNode(item.id, item.key, versions, item.lineage, index));
      std::vector<EdgeVersions> edges;
      if (options_.edges) {
        RETURN_IF_ERROR(
            OutEdgeVersions(out_.get(), item.id, std::nullopt, at_, &edges));
        ASSIGN_OR_RETURN(auto sources, InEdgeSources(in_.get(), item.id, at_));
        for (const auto& [type, from] : sources) {
          EdgeVersions& e = edges.emplace_back();
          RETURN_IF_ERROR(
              OneEdgeVersions(out_.get(), from, type, item.id, at_, &e));
        }
      } else if (options_.follow && supersedes_) {
        RETURN_IF_ERROR(
            OutEdgeVersions(out_.get(), item.id, supersedes_, at_, &edges));
      }
      std::vector<std::pair<std::string, NodeId>> predecessors;
      for (const EdgeVersions& e : edges) {
        const bool step = options_.follow && supersedes_ &&
                          e.type == *supersedes_ && e.from == item.id;
        if (step) {
          // Followed if the edge was ever alive up to `at`.
          const bool alive =
              std::any_of(e.versions.begin(), e.versions.end(),
                          [](const Version& v) { return !v.value.empty(); });
          if (alive && seen.insert(e.to).second) {
            ASSIGN_OR_RETURN(std::string to_key, db_.KeyOf(e.to));
            predecessors.emplace_back(std::move(to_key), e.to);
          }
        }
        if (!reported_edges_.insert(std::tuple{e.from, e.type, e.to}).second) {
          continue;  // incident to an earlier lineage node: reported there
        }
        RETURN_IF_ERROR(AddEdge(e, item.key, item.lineage, index, step));
      }
      std::sort(predecessors.begin(), predecessors.end());
      for (auto& [pred_key, pred_id] : predecessors) {
        std::vector<std::string> lineage = item.lineage;
        lineage.push_back(pred_key);
        queue.push_back(Item{pred_id, std::move(pred_key), std::move(lineage)});
      }
    }
    // Newest revision first; then lineage order, node before its edges,
    // edges by id. (Entries were made per entity, oldest first.)
    std::vector<size_t> order(entries_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto sort_key = [&](size_t i) {
      const Sorted& s = sorted_[i];
      return std::tie(s.neg_rev, s.lineage_index, s.is_edge, s.edge);
    };
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return sort_key(a) < sort_key(b); });
    std::vector<HistoryEntry> out;
    out.reserve(order.size());
    for (size_t i : order) out.push_back(std::move(entries_[i]));
    return out;
  }

 private:
  struct Sorted {
    int64_t neg_rev;
    size_t lineage_index;
    bool is_edge;
    EdgeId edge;
  };

  absl::Status NoHistory() const {
    return absl::NotFoundError(
        StrCat("node '", key_, "' does not exist in any revision up to ", at_));
  }

  // The entry's revision fields, from the DB's in-memory revision list.
  // A version written by a revision that gc removed (it stays while a kept
  // revision sees it) is the change of the first kept revision above it.
  absl::StatusOr<HistoryEntry> NewEntry(Revision rev) {
    auto it = infos_.find(rev);
    if (it == infos_.end()) {
      auto info = db_.GetRevision(rev);
      for (Revision r = rev + 1;
           !info.ok() && info.status().code() == absl::StatusCode::kNotFound &&
           r <= db_.Head();
           ++r) {
        info = db_.GetRevision(r);
      }
      if (!info.ok()) return info.status();
      it = infos_.emplace(rev, *std::move(info)).first;
    }
    const RevisionInfo& info = it->second;
    HistoryEntry e;
    e.revision = info.number;
    e.tags = info.tags;
    e.effective_date = info.effective_date;
    e.message = info.message;
    e.author = info.author;
    e.commit_time_micros = info.commit_time_micros;
    return e;
  }

  // Walks `versions` (oldest first) and calls fn(before, after) for each
  // version that differs from the one before it; a null or deleted version
  // is absent. Consecutive stored versions always differ (a commit stores
  // no version of an unchanged entity), but equal ones are skipped anyway.
  template <typename Fn>
  static absl::Status Transitions(const std::vector<Version>& versions, Fn fn) {
    const Version* prev = nullptr;
    for (const Version& v : versions) {
      const Version* cur = v.value.empty() ? nullptr : &v;
      const bool same =
          (prev == nullptr && cur == nullptr) ||
          (prev != nullptr && cur != nullptr && prev->value == cur->value);
      if (!same) RETURN_IF_ERROR(fn(v.rev, prev, cur));
      prev = cur;
    }
    return absl::OkStatus();
  }

  static HistoryAction ActionOf(const Version* before, const Version* after) {
    if (before == nullptr) return HistoryAction::kAdded;
    if (after == nullptr) return HistoryAction::kRemoved;
    return HistoryAction::kModified;
  }

  void Push(HistoryEntry entry, const std::string& subject,
            const std::vector<std::string>& lineage, size_t index,
            std::optional<EdgeId> edge) {
    entry.subject = subject;
    entry.lineage = lineage;
    sorted_.push_back(Sorted{-static_cast<int64_t>(entry.revision), index,
                             edge.has_value(), edge ? *edge : EdgeId{}});
    entries_.push_back(std::move(entry));
  }

  absl::Status AddNode(NodeId id, const std::string& key,
                       const std::vector<Version>& versions,
                       const std::vector<std::string>& lineage, size_t index) {
    return Transitions(
        versions,
        [&](Revision rev, const Version* before,
            const Version* after) -> absl::Status {
          ASSIGN_OR_RETURN(HistoryEntry entry, NewEntry(rev));
          entry.action = ActionOf(before, after);
          Node b, a;
          // Errors name the revision that wrote the damaged version.
          if (before) {
            ASSIGN_OR_RETURN(b, db_.MaterializeNode(before->value, id,
                                                    before->rev, *registry_));
          }
          if (after) {
            ASSIGN_OR_RETURN(a, db_.MaterializeNode(after->value, id,
                                                    after->rev, *registry_));
          }
          // An added (removed) node is an empty node of the same kind before
          // (after): names and props list everything, the kind no change.
          if (!before) b = Node{a.key, a.kind, {}, {}};
          if (!after) a = Node{b.key, b.kind, {}, {}};
          entry.change = engine::MakeNodeChange(std::move(b), std::move(a));
          Push(std::move(entry), key, lineage, index, std::nullopt);
          return absl::OkStatus();
        });
  }

  absl::Status AddEdge(const EdgeVersions& e, const std::string& subject,
                       const std::vector<std::string>& lineage, size_t index,
                       bool step) {
    const std::string* type = registry_->Name(e.type);
    if (type == nullptr) {
      return db_.DataLoss(StrCat("unknown edge type id ", e.type), e.from, at_);
    }
    ASSIGN_OR_RETURN(std::string from, db_.KeyOf(e.from));
    ASSIGN_OR_RETURN(std::string to, db_.KeyOf(e.to));
    const EdgeId id{std::move(from), *type, std::move(to)};
    return Transitions(
        e.versions,
        [&](Revision rev, const Version* before,
            const Version* after) -> absl::Status {
          ASSIGN_OR_RETURN(HistoryEntry entry, NewEntry(rev));
          entry.action = ActionOf(before, after);
          EdgeChange c;
          c.id = id;
          for (auto [version, props] :
               {std::pair{before, &c.before}, std::pair{after, &c.after}}) {
            if (version == nullptr) continue;
            auto decoded = storage::DecodeEdgeRecord(version->value);
            if (!decoded.ok()) {
              return db_.DataLoss(
                  StrCat("corrupted out-edge record to '", id.to, "'"), e.from,
                  version->rev);
            }
            *props = *std::move(decoded);
          }
          c.props = engine::PropDiff(c.before, c.after);
          entry.change = std::move(c);
          entry.lineage_step = step;
          Push(std::move(entry), subject, lineage, index, id);
          return absl::OkStatus();
        });
  }

  const DBImpl& db_;
  const std::string key_;
  const HistoryOptions& options_;
  const Revision at_;
  const std::shared_ptr<const storage::Registry> registry_;
  std::unique_ptr<rocksdb::Iterator> nodes_, out_, in_;
  const std::optional<TypeId> supersedes_;
  std::set<std::tuple<NodeId, TypeId, NodeId>> reported_edges_;
  std::map<Revision, RevisionInfo> infos_;
  std::vector<HistoryEntry> entries_;
  std::vector<Sorted> sorted_;
};

}  // namespace

absl::StatusOr<std::vector<HistoryEntry>> History(
    const DB& db, std::string_view key, const HistoryOptions& options) {
  const Revision head = db.Head();
  const Revision at = options.at.value_or(head);
  if (at > head) {
    return absl::NotFoundError(
        StrCat("revision ", at, " does not exist (head is ", head, ")"));
  }
  return Builder(db, key, options, at).Run();
}

}  // namespace critgraph
