// Retention (critgraph::Gc): removes the revisions no rule keeps.
//
// 1. The kept set is decided under the DB mutex (no transaction, no open
//    snapshot of a revision to remove), and the intent (meta `gc_pending`:
//    date + kept set) is written with one synced batch that also sets
//    format_version 2. From then on the removed revisions answer NotFound
//    in this process; another process cannot open the database read-only
//    until the gc is complete, and a read-write open completes it.
// 2. CompleteGc rewrites, entity by entity, every node and edge named by the
//    change log of a removed revision: the versions visible at no kept
//    revision are deleted (the others stay where they are, also at a removed
//    revision), and the entity's change-log entry moves to the first kept
//    revision that sees each remaining version. One entity's writes are in
//    one batch, and every batch leaves the value visible at every kept
//    revision unchanged, so a crash between batches loses nothing and the
//    next run (at open) redoes the rest idempotently.
// 3. One synced batch then rewrites the records of kept revisions whose
//    parent changes (parent = the kept revision below; per-type changes
//    recomputed from the folded change log as Verify does), writes the
//    removed markers, deletes the tags of removed revisions and the intent.
// 4. The touched column families are compacted so the space comes back.
#include "critgraph/gc.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "critgraph/db.h"
#include "rocksdb/write_batch.h"
#include "storage/db_impl.h"
#include "storage/draft_store.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "storage/revision_name.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {

absl::StatusOr<GcReport> Gc(DB& db, const GcRules& rules) {
  return static_cast<storage::DBImpl&>(db).RunGc(rules);
}

namespace storage {
namespace {

constexpr size_t kBatchEntries = size_t{1} << 16;

std::string UtcDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct Version {
  Revision rev;
  std::string value;
};

// Every version under `prefix` (a key prefix followed by ~rev(8)), oldest
// first, through `it` (a total-order iterator over the family, reused: the
// entities gc rewrites are disjoint, so one created before the rewrite sees
// each entity's versions as they are until its own batch).
absl::Status ReadVersions(rocksdb::Iterator* it, std::string_view prefix,
                          std::vector<Version>* out) {
  out->clear();
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid();
       it->Next()) {
    std::string_view k = it->key().ToStringView();
    if (k.size() != prefix.size() + 8 || !k.starts_with(prefix)) break;
    out->push_back(
        Version{GetInvRev(k.data() + prefix.size()), it->value().ToString()});
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "gc: read versions"));
  std::reverse(out->begin(), out->end());
  return absl::OkStatus();
}

// A version that stays, and the kept revision whose change log names it:
// the first kept revision that sees it.
struct Retain {
  Revision rev;  // where it is written (kept, or removed)
  Revision at;   // first kept revision >= rev
};

// The versions that stay: each version visible at some kept revision
// (written at w, next version at w2: visible at kept k iff w <= k < w2),
// except one whose value equals the retained version before it, and a
// deletion with nothing alive before it. They stay where they are written,
// also at a removed revision: moving them would rewrite most of the
// database when its first (bulk) revision is removed, and every reader
// already finds the newest version at or below its revision.
std::vector<Retain> Retained(const std::vector<Version>& versions,
                             const std::vector<Revision>& kept,
                             std::string_view dead) {
  std::vector<Retain> out;
  const std::string* last = nullptr;
  for (size_t i = 0; i < versions.size(); ++i) {
    auto k = std::lower_bound(kept.begin(), kept.end(), versions[i].rev);
    if (k == kept.end()) continue;  // above HEAD: cannot happen
    if (i + 1 < versions.size() && versions[i + 1].rev <= *k) continue;
    const std::string& v = versions[i].value;
    if (last == nullptr ? v == dead : *last == v) continue;
    out.push_back(Retain{versions[i].rev, *k});
    last = &v;
  }
  return out;
}

// The first kept revision >= rev.
Revision KeptAtOrAbove(const std::vector<Revision>& kept, Revision rev) {
  auto k = std::lower_bound(kept.begin(), kept.end(), rev);
  return k == kept.end() ? kept.back() : *k;
}

std::string VersionKey(std::string_view prefix, Revision rev) {
  std::string k(prefix);
  PutInvRev(&k, rev);
  return k;
}

}  // namespace

std::string DBImpl::EncodeGcIntent(const GcIntent& intent) {
  std::string v = intent.date;
  for (Revision r : intent.kept) PutBE64(&v, r);
  return v;
}

std::optional<DBImpl::GcIntent> DBImpl::DecodeGcIntent(std::string_view v) {
  if (v.size() < 10 || (v.size() - 10) % 8 != 0) return std::nullopt;
  GcIntent intent;
  intent.date = std::string(v.substr(0, 10));
  for (size_t i = 10; i < v.size(); i += 8) {
    intent.kept.push_back(GetBE64(v.data() + i));
  }
  if (intent.kept.empty() || intent.kept.front() != 0 ||
      !std::is_sorted(intent.kept.begin(), intent.kept.end())) {
    return std::nullopt;
  }
  return intent;
}

absl::Status DBImpl::CompleteGc(const GcIntent& intent, bool dry_run,
                                GcReport* report) {
  const std::vector<Revision>& kept = intent.kept;
  const Revision head = kept.back();
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::WriteBatch batch;
  auto flush = [&](bool force) -> absl::Status {
    if (batch.Count() == 0 || (!force && batch.Count() < kBatchEntries)) {
      return absl::OkStatus();
    }
    if (!dry_run) {
      RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch), "gc: write batch"));
    }
    batch.Clear();
    return absl::OkStatus();
  };

  // The entities named by the change logs of the removed revisions (those
  // not yet rewritten by an interrupted run), with the removed revisions
  // naming them.
  std::vector<std::pair<NodeId, Revision>> nodes;
  std::vector<std::pair<std::tuple<NodeId, TypeId, NodeId>, Revision>> edges;
  for (size_t i = 1; i < kept.size(); ++i) {
    if (kept[i] == kept[i - 1] + 1) continue;
    RETURN_IF_ERROR(
        ForEachChangeIn(kept[i - 1] + 1, kept[i] - 1, [&](std::string_view k) {
          const Revision r = GetBE64(k.data());
          const char* p = k.data() + 9;
          if (k[8] == kChangeNode) {
            nodes.emplace_back(GetBE64(p), r);
          } else {
            edges.emplace_back(
                std::tuple{GetBE64(p), GetBE32(p + 8), GetBE64(p + 12)}, r);
          }
          return absl::OkStatus();
        }));
  }
  std::sort(nodes.begin(), nodes.end());
  std::sort(edges.begin(), edges.end());

  rocksdb::ReadOptions total;
  total.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> node_it(
      db_->NewIterator(total, cf(Cf::kNodes)));
  std::unique_ptr<rocksdb::Iterator> out_it(
      db_->NewIterator(total, cf(Cf::kOutEdges)));
  std::unique_ptr<rocksdb::Iterator> in_it(
      db_->NewIterator(total, cf(Cf::kInEdges)));
  std::unique_ptr<rocksdb::Iterator> kind_it(
      db_->NewIterator(total, cf(Cf::kKindIndex)));

  // Deletes the versions under `prefix` in `c` not in `keep` (by revision);
  // counts them when `count_versions`.
  auto drop = [&](Cf c, std::string_view prefix,
                  const std::vector<Version>& current,
                  const std::set<Revision>& keep, bool count_versions) {
    for (const auto& v : current) {
      if (keep.contains(v.rev)) continue;
      std::string k = VersionKey(prefix, v.rev);
      report->bytes_deleted += k.size() + v.value.size();
      if (count_versions) ++report->versions_deleted;
      batch.Delete(cf(c), k);
    }
  };
  // Rewrites one entity's change-log entries: none at the removed revisions
  // `named_at` (its entries there), one at each kept revision where a
  // retained version becomes visible, none at other kept revisions that may
  // hold one (a version's own revision, or where an earlier gc folded it).
  auto relog = [&](const std::vector<Version>& current,
                   const std::vector<Retain>& retained,
                   const std::vector<Revision>& named_at,
                   const std::function<std::string(Revision)>& change_key) {
    std::set<Revision> want;
    for (const auto& r : retained) want.insert(r.at);
    std::set<Revision> stale;
    for (const auto& v : current) {
      stale.insert(KeptAtOrAbove(kept, v.rev));
      if (std::binary_search(kept.begin(), kept.end(), v.rev)) {
        stale.insert(v.rev);
      }
    }
    for (Revision r : named_at) {
      std::string ck = change_key(r);
      report->bytes_deleted += ck.size();
      batch.Delete(cf(Cf::kChangelog), ck);
    }
    for (Revision r : stale) {
      if (!want.contains(r)) batch.Delete(cf(Cf::kChangelog), change_key(r));
    }
    for (Revision r : want) {
      std::string ck = change_key(r);
      // Logs are exact before a gc: the entry exists where a version is
      // written at a kept revision; elsewhere it is new.
      if (std::none_of(current.begin(), current.end(),
                       [r](const Version& v) { return v.rev == r; })) {
        report->bytes_deleted -= ck.size();
      }
      batch.Put(cf(Cf::kChangelog), ck, "");
    }
  };
  auto revs_of = [](const std::vector<Retain>& retained) {
    std::set<Revision> out;
    for (const auto& r : retained) out.insert(r.rev);
    return out;
  };

  std::vector<Version> current, current_kind, current_in;
  std::vector<Revision> named_at;
  for (size_t i = 0; i < nodes.size();) {
    const NodeId id = nodes[i].first;
    named_at.clear();
    for (; i < nodes.size() && nodes[i].first == id; ++i) {
      named_at.push_back(nodes[i].second);
    }
    std::string prefix;
    PutBE64(&prefix, id);
    RETURN_IF_ERROR(ReadVersions(node_it.get(), prefix, &current));
    std::set<TypeId> kinds;
    for (const auto& v : current) {
      if (v.value.empty()) continue;
      auto kind = DecodeNodeKind(v.value);
      if (!kind.ok()) return DataLoss("corrupted record", id, v.rev);
      kinds.insert(*kind);
    }
    const std::vector<Retain> retained = Retained(current, kept, "");
    drop(Cf::kNodes, prefix, current, revs_of(retained), true);
    relog(current, retained, named_at,
          [id](Revision r) { return ChangeNodeKey(r, id); });
    for (TypeId kind : kinds) {
      std::string kprefix;
      PutBE32(&kprefix, kind);
      PutBE64(&kprefix, id);
      RETURN_IF_ERROR(ReadVersions(kind_it.get(), kprefix, &current_kind));
      drop(Cf::kKindIndex, kprefix, current_kind,
           revs_of(Retained(current_kind, kept, "D")), false);
    }
    RETURN_IF_ERROR(flush(false));
  }
  for (size_t i = 0; i < edges.size();) {
    const auto [from, type, to] = edges[i].first;
    named_at.clear();
    for (; i < edges.size() && edges[i].first == std::tuple{from, type, to};
         ++i) {
      named_at.push_back(edges[i].second);
    }
    std::string prefix = EdgeKey(from, type, to, 0).substr(0, kEdgePrefixSize);
    std::string in_prefix =
        EdgeKey(to, type, from, 0).substr(0, kEdgePrefixSize);
    RETURN_IF_ERROR(ReadVersions(out_it.get(), prefix, &current));
    RETURN_IF_ERROR(ReadVersions(in_it.get(), in_prefix, &current_in));
    const std::vector<Retain> retained = Retained(current, kept, "");
    const std::set<Revision> keep = revs_of(retained);
    drop(Cf::kOutEdges, prefix, current, keep, true);
    drop(Cf::kInEdges, in_prefix, current_in, keep, false);  // the mirror
    relog(current, retained, named_at,
          [f = from, t = type, o = to](Revision r) {
            return ChangeEdgeKey(r, f, t, o);
          });
    RETURN_IF_ERROR(flush(false));
  }
  RETURN_IF_ERROR(flush(true));
  if (dry_run) return absl::OkStatus();

  // The new retention state, in one synced batch with the end of the intent.
  std::shared_ptr<const Registry> reg = registry();
  NodeReader node_reader(*this);
  EdgeReader edge_reader(*this);
  for (size_t i = 1; i < kept.size(); ++i) {
    const Revision k = kept[i], parent = kept[i - 1];
    std::string raw;
    RETURN_IF_ERROR(FromRocks(
        db_->Get(rocksdb::ReadOptions(), cf(Cf::kRevisions), RevKey(k), &raw),
        StrCat("gc: read revision record ", k)));
    std::optional<RevisionTypeCounts> counts;
    auto info = DecodeRevisionRecord(raw, &counts);
    if (!info.ok()) {
      return absl::DataLossError(StrCat("revision record ", k, " is damaged"));
    }
    if (info->parent == parent) continue;
    // What k changed against `parent`, counted as Verify counts it.
    std::map<TypeId, ChangeCounts> by_kind, by_type;
    uint64_t total = 0;
    auto count = [&](std::map<TypeId, ChangeCounts>* out,
                     std::optional<TypeId> before, std::optional<TypeId> after,
                     bool same) {
      if (!before && !after) return;
      ChangeCounts& c = (*out)[after ? *after : *before];
      if (!before) {
        ++c.added;
        ++total;
      } else if (!after) {
        ++c.removed;
        ++total;
      } else if (!same) {
        ++c.modified;
        ++total;
      }
    };
    RETURN_IF_ERROR(ForEachChange(k, [&](std::string_view ck) -> absl::Status {
      const char* p = ck.data() + 9;
      if (ck[8] == kChangeNode) {
        const NodeId id = GetBE64(p);
        std::optional<TypeId> kinds[2];
        Digest digests[2];
        for (int side = 0; side < 2; ++side) {
          const Revision r = side == 0 ? parent : k;
          ASSIGN_OR_RETURN(auto v, node_reader.Read(id, r));
          if (!v) continue;
          ASSIGN_OR_RETURN(Node n,
                           MaterializeNode(std::string(*v), id, r, *reg));
          ASSIGN_OR_RETURN(TypeId kind, DecodeNodeKind(*v));
          kinds[side] = kind;
          digests[side] = NodeDigest(n);
        }
        count(&by_kind, kinds[0], kinds[1], digests[0] == digests[1]);
      } else {
        const NodeId from = GetBE64(p), to = GetBE64(p + 12);
        const TypeId type = GetBE32(p + 8);
        const std::string* type_name = reg->Name(type);
        if (type_name == nullptr) {
          return DataLoss("change log names an unknown edge type", from, k);
        }
        ASSIGN_OR_RETURN(std::string fk, KeyOf(from));
        ASSIGN_OR_RETURN(std::string tk, KeyOf(to));
        std::optional<TypeId> types[2];
        Digest digests[2];
        for (int side = 0; side < 2; ++side) {
          const Revision r = side == 0 ? parent : k;
          ASSIGN_OR_RETURN(auto v, edge_reader.Read(from, type, to, r));
          if (!v) continue;
          auto props = DecodeEdgeRecord(*v);
          if (!props.ok())
            return DataLoss("corrupted out-edge record", from, r);
          types[side] = type;
          digests[side] = EdgeDigest(Edge{fk, *type_name, tk, *props});
        }
        count(&by_type, types[0], types[1], digests[0] == digests[1]);
      }
      return absl::OkStatus();
    }));
    info->parent = parent;
    info->change_count = total;
    if (counts) {
      auto to_vector = [](const std::map<TypeId, ChangeCounts>& m) {
        TypeChanges out;
        for (const auto& [id, c] : m) {
          if (c.total() > 0) out.emplace_back(id, c);
        }
        return out;
      };
      counts->node_changes = to_vector(by_kind);
      counts->edge_changes = to_vector(by_type);
    }
    batch.Put(cf(Cf::kRevisions), RevKey(k),
              EncodeRevisionRecord(*info, counts ? &*counts : nullptr));
  }
  const std::string marker = StrCat(kRemovedMarkerPrefix, intent.date);
  for (Revision r = 1; r < head; ++r) {
    if (std::binary_search(kept.begin(), kept.end(), r)) continue;
    std::string raw;
    auto s =
        db_->Get(rocksdb::ReadOptions(), cf(Cf::kRevisions), RevKey(r), &raw);
    if (!s.ok() && !s.IsNotFound()) {
      return FromRocks(s, StrCat("gc: read revision record ", r));
    }
    if (s.ok() && std::string_view(raw).starts_with(kRemovedMarkerPrefix))
      continue;
    batch.Put(cf(Cf::kRevisions), RevKey(r), marker);
  }
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cf(Cf::kTags)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value().size() != 8) continue;
      const Revision r = GetBE64(it->value().data());
      if (r < head && !std::binary_search(kept.begin(), kept.end(), r)) {
        report->tags_removed.push_back(it->key().ToString());
        batch.Delete(cf(Cf::kTags), it->key());
      }
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "gc: read tags"));
  }
  batch.Delete(cf(Cf::kDefault), std::string(kMetaGcPending));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocks(db_->Write(synced, &batch),
                   "gc: publish the new retention state");
}

absl::StatusOr<GcReport> DBImpl::RunGc(const GcRules& rules) {
  if (read_only_) {
    return absl::FailedPreconditionError(
        StrCat("database '", path_, "' is open read-only"));
  }
  if (!rules.keep_tags && !rules.keep_last && !rules.keep_since &&
      rules.keep.empty()) {
    return absl::InvalidArgumentError(
        "gc without a keep rule would remove every revision but HEAD; say "
        "which to keep (e.g. --keep-last 1 to keep only HEAD)");
  }
  if (rules.keep_last && *rules.keep_last == 0) {
    return absl::InvalidArgumentError("--keep-last must be at least 1");
  }
  if (rules.keep_since) {
    auto parsed = ParseRevisionName("@" + *rules.keep_since);
    if (!parsed.ok() || parsed->form != RevisionName::Form::kDate) {
      return absl::InvalidArgumentError(
          StrCat("--keep-since wants a date YYYY-MM-DD, got '",
                 *rules.keep_since, "'"));
    }
  }
  auto sst_bytes = [&]() -> uint64_t {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    db_->Flush(fo, handles_).PermitUncheckedError();
    uint64_t total = 0;
    for (auto* h : handles_) {
      uint64_t v = 0;
      if (db_->GetIntProperty(h, "rocksdb.total-sst-files-size", &v)) {
        total += v;
      }
    }
    return total;
  };

  GcReport report;
  report.dry_run = rules.dry_run;
  report.date = UtcDate(std::time(nullptr));
  GcIntent intent;
  intent.date = report.date;
  {
    MutexLock lock(&mu_);
    if (txn_open_) {
      return absl::FailedPreconditionError(
          "gc needs the write lock: a write transaction is open");
    }
    if (gc_running_) {
      return absl::FailedPreconditionError("gc is already running");
    }
    if (leftovers_) {
      RETURN_IF_ERROR(RemovePending(head_.load() + 1));
      leftovers_ = false;
    }
    const Revision head = revisions_.size() - 1;
    std::set<Revision> keep = {0, head};
    std::vector<Revision> existing;
    for (Revision r = 1; r <= head; ++r) {
      if (!IsRemoved(r)) existing.push_back(r);
    }
    if (rules.keep_tags) {
      for (const auto& [name, r] : tags_) keep.insert(r);
    }
    if (rules.keep_last) {
      const size_t n = std::min<uint64_t>(*rules.keep_last, existing.size());
      keep.insert(existing.end() - n, existing.end());
    }
    if (rules.keep_since) {
      const std::string& since = *rules.keep_since;
      for (Revision r : existing) {
        const RevisionInfo& info = revisions_[r];
        if (info.effective_date
                ? *info.effective_date >= since
                : UtcDate(info.commit_time_micros / 1000000) >= since) {
          keep.insert(r);
        }
      }
      auto at = ResolveLocked("@" + since);
      if (at.ok()) keep.insert(*at);
    }
    for (const std::string& name : rules.keep) {
      ASSIGN_OR_RETURN(Revision r, ResolveLocked(name));
      keep.insert(r);
    }
    intent.kept.assign(keep.begin(), keep.end());
    for (Revision r : existing) {
      if (!keep.contains(r)) report.removed.push_back(r);
    }
    report.kept = intent.kept;
    // A draft's merge and rebase read the main change logs from its base:
    // that revision must stay.
    auto drafts = DraftMetas(path_);
    if (!drafts.ok()) return drafts.status();
    for (const DraftInfo& d : *drafts) {
      if (!keep.contains(d.base)) {
        return absl::FailedPreconditionError(
            StrCat("gc would remove revision ", d.base, ", the base of draft '",
                   d.name, "'; keep it (--keep ", d.base,
                   "), or merge and drop the draft, or rebase it first"));
      }
    }
    for (const auto& [name, r] : tags_) {
      if (!keep.contains(r)) report.tags_removed.push_back(name);
    }
    if (!rules.dry_run) {
      for (Revision r : report.removed) {
        if (live_snapshots_->Has(r)) {
          return absl::FailedPreconditionError(
              StrCat("a snapshot of revision ", r,
                     " is open; gc would remove that revision"));
        }
      }
    }
    if (!rules.dry_run && !report.removed.empty()) {
      // The intent, durable before anything is deleted.
      rocksdb::WriteBatch batch;
      batch.Put(cf(Cf::kDefault), std::string(kMetaGcPending),
                EncodeGcIntent(intent));
      std::string v;
      PutBE32(&v, kFormatVersionGc);
      batch.Put(cf(Cf::kDefault), std::string(kMetaFormatVersion), v);
      rocksdb::WriteOptions synced;
      synced.sync = true;
      RETURN_IF_ERROR(
          FromRocks(db_->Write(synced, &batch), "gc: write the gc intent"));
      for (Revision r : report.removed) removed_[r] = intent.date;
      gc_running_ = true;
    }
  }
  report.sst_bytes_before = sst_bytes();
  if (report.removed.empty()) {
    report.sst_bytes_after = report.sst_bytes_before;
    return report;
  }
  GcReport work;
  absl::Status st = CompleteGc(intent, rules.dry_run, &work);
  report.versions_deleted = work.versions_deleted;
  report.bytes_deleted = work.bytes_deleted;
  if (!rules.dry_run) {
    if (st.ok()) st = LoadState();
    if (!st.ok()) {
      // The intent stays, and so does the write lock (gc_running_): nothing
      // may commit on top of a half-done gc. The next read-write open
      // completes it.
      return absl::Status(st.code(),
                          StrCat(st.message(),
                                 "; gc is unfinished: reopen the "
                                 "database read-write to complete it"));
    }
    {
      MutexLock lock(&mu_);
      gc_running_ = false;
    }
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForceOptimized;
    for (Cf c : {Cf::kNodes, Cf::kOutEdges, Cf::kInEdges, Cf::kKindIndex,
                 Cf::kChangelog, Cf::kRevisions, Cf::kTags}) {
      RETURN_IF_ERROR(FromRocks(db_->CompactRange(co, cf(c), nullptr, nullptr),
                                "gc: compact"));
    }
    report.sst_bytes_after = sst_bytes();
  } else {
    RETURN_IF_ERROR(st);
    report.sst_bytes_after = report.sst_bytes_before;
  }
  return report;
}

}  // namespace storage
}  // namespace critgraph
