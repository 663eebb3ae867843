// DB::Verify: recomputes digests and checks every record.
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "storage/db_impl.h"
#include "storage/edge_scanner.h"
#include "storage/node_reader.h"
#include "storage/record.h"
#include "storage/snapshot_impl.h"
#include "util/hash.h"
#include "util/str_cat.h"

namespace critgraph::storage {

// Applies revision `rev`'s change log to the running digest and counts,
// reading each changed entity before and after.
namespace {

void AddCount(std::map<std::string, int64_t>* counts, const std::string& name,
              int sign) {
  if (((*counts)[name] += sign) == 0) counts->erase(name);
}

// The stored per-name counts as Verify keeps them, for comparison.
std::map<std::string, int64_t> Signed(
    const std::map<std::string, uint64_t>& stored) {
  std::map<std::string, int64_t> out;
  for (const auto& [name, n] : stored) out[name] = static_cast<int64_t>(n);
  return out;
}

std::string Describe(const std::map<std::string, int64_t>& counts) {
  std::string s = "{";
  for (const auto& [name, n] : counts) {
    s += StrCat(s.size() > 1 ? ", " : "", name, ": ", n);
  }
  return s + "}";
}

// Which ends of one change-log entry exist, and its type at each: classifies
// the change as RevisionInfo::nodes_changed_by_kind counts it.
struct Sides {
  std::optional<std::string> before, after;  // kind or edge type
  Digest before_digest, after_digest;

  void Saw(int sign, const std::string& type, const Digest& digest) {
    (sign < 0 ? before : after) = type;
    (sign < 0 ? before_digest : after_digest) = digest;
  }
  void CountInto(std::map<std::string, ChangeCounts>* out) const {
    if (!before && !after) return;
    ChangeCounts& c = (*out)[after ? *after : *before];
    if (!before) {
      ++c.added;
    } else if (!after) {
      ++c.removed;
    } else if (!(before_digest == after_digest)) {
      ++c.modified;  // equal content in different bytes is no change
    }
  }
};

std::string Describe(const std::map<std::string, ChangeCounts>& changes) {
  std::string out = "{";
  for (const auto& [name, c] : changes) {
    if (out.size() > 1) out += ", ";
    out += StrCat(name, ": +", c.added, " -", c.removed, " ~", c.modified);
  }
  return out + "}";
}

}  // namespace

absl::Status DBImpl::VerifyRevisionChanges(Revision rev, Revision parent,
                                           const Registry& registry,
                                           VerifyTotals* totals,
                                           VerifyReport* report) const {
  Digest* digest = &totals->digest;
  NodeReader node_reader(*this);
  EdgeReader edge_reader(*this);
  return ForEachChange(rev, [&](std::string_view ckey) -> absl::Status {
    const char* q = ckey.data() + 9;
    ++report->records_checked;
    if (ckey[8] == kChangeNode) {
      NodeId id = GetBE64(q);
      Sides sides;
      for (auto [r, sign] : {std::pair{parent, -1}, std::pair{rev, 1}}) {
        auto raw = node_reader.Read(id, r);
        if (!raw.ok()) {
          report->problems.push_back(std::string(raw.status().message()));
          continue;
        }
        if (!raw->has_value()) continue;
        auto node = MaterializeNode(std::string(**raw), id, r, registry);
        if (!node.ok()) {
          report->problems.push_back(std::string(node.status().message()));
          continue;
        }
        Digest h = NodeDigest(*node);
        *digest = sign > 0 ? DigestAdd(*digest, h) : DigestSub(*digest, h);
        totals->nodes += sign;
        AddCount(&totals->by_kind, node->kind, sign);
        sides.Saw(sign, node->kind, h);
      }
      sides.CountInto(&totals->changed_by_kind);
    } else {
      NodeId from = GetBE64(q);
      TypeId type = GetBE32(q + 8);
      NodeId to = GetBE64(q + 12);
      const std::string* type_name = registry.Name(type);
      auto fk = KeyOf(from);
      auto tk = KeyOf(to);
      if (type_name == nullptr || !fk.ok() || !tk.ok()) {
        report->problems.push_back(StrCat(
            "revision ", rev, ": change log names an edge with an unknown ",
            type_name == nullptr ? "type" : "endpoint"));
        return absl::OkStatus();
      }
      Sides sides;
      for (auto [r, sign] : {std::pair{parent, -1}, std::pair{rev, 1}}) {
        auto raw = edge_reader.Read(from, type, to, r);
        if (!raw.ok()) {
          report->problems.push_back(std::string(raw.status().message()));
          continue;
        }
        if (!raw->has_value()) continue;
        auto props = DecodeEdgeRecord(**raw);
        if (!props.ok()) {
          report->problems.push_back(StrCat("corrupted edge ", *fk, " -[",
                                            *type_name, "]-> ", *tk,
                                            " at revision ", r));
          continue;
        }
        Digest h = EdgeDigest(Edge{*fk, *type_name, *tk, *std::move(props)});
        *digest = sign > 0 ? DigestAdd(*digest, h) : DigestSub(*digest, h);
        totals->edges += sign;
        AddCount(&totals->by_type, *type_name, sign);
        sides.Saw(sign, *type_name, h);
      }
      sides.CountInto(&totals->changed_by_type);
    }
    return absl::OkStatus();
  });
}

absl::Status DBImpl::Verify(VerifyReport* report) const {
  *report = VerifyReport();
  // 1. Block checksums of every SST file.
  auto s = db_->VerifyChecksum();
  // A follower's version may name files the writer has since compacted
  // away; catching up (without publishing anything) names the new ones.
  for (int attempt = 0; follow_ && attempt < 5 && FileVanished(s); ++attempt) {
    {
      MutexLock lock(&refresh_mu_);
      RETURN_IF_ERROR(CatchUp());
    }
    s = db_->VerifyChecksum();
  }
  if (!s.ok()) {
    report->problems.push_back(
        StrCat("block checksum verification failed: ", s.ToString()));
  }
  std::vector<RevisionInfo> revisions;
  std::map<Revision, std::string> removed;
  std::shared_ptr<const Registry> reg;
  {
    MutexLock lock(&mu_);
    revisions = revisions_;
    removed = removed_;
    reg = registry_;
  }
  // 2. Every revision's digest and counts, recomputed from the records its
  // change log names.
  // Revisions removed by gc are skipped: each kept revision's parent is the
  // kept revision below it, and its change log covers the gap.
  VerifyTotals t;
  Revision prev = 0;
  for (Revision r = 1; r < revisions.size(); ++r) {
    if (removed.contains(r)) {
      auto st = ForEachChange(r, [&](std::string_view) {
        return absl::FailedPreconditionError("has change-log entries");
      });
      if (!st.ok()) {
        report->problems.push_back(
            StrCat("revision ", r, " was removed by gc but ", st.message()));
      }
      continue;
    }
    const RevisionInfo& info = revisions[r];
    if (info.parent != prev) {
      report->problems.push_back(StrCat("revision ", r, " has parent ",
                                        info.parent, ", expected ", prev));
    }
    const Revision parent = prev;
    prev = r;
    t.changed_by_kind.clear();
    t.changed_by_type.clear();
    auto st = VerifyRevisionChanges(r, parent, *reg, &t, report);
    if (!st.ok()) {
      report->problems.push_back(StrCat("revision ", r, ": ", st.message()));
    }
    if (!(t.digest == info.digest)) {
      report->problems.push_back(
          StrCat("revision ", r, ": stored digest ", info.digest.ToHex(),
                 " but its records hash to ", t.digest.ToHex()));
      t.digest = info.digest;  // report each bad revision once
    }
    if (t.nodes != static_cast<int64_t>(info.node_count) ||
        t.edges != static_cast<int64_t>(info.edge_count)) {
      report->problems.push_back(
          StrCat("revision ", r, ": stored counts ", info.node_count,
                 " nodes / ", info.edge_count, " edges but records give ",
                 t.nodes, " / ", t.edges));
      t.nodes = static_cast<int64_t>(info.node_count);
      t.edges = static_cast<int64_t>(info.edge_count);
    }
    // Per-type counts, where stored (absent in records from before them).
    for (auto [label, stored, recomputed] :
         {std::tuple{"node kind", &info.nodes_by_kind, &t.by_kind},
          std::tuple{"edge type", &info.edges_by_type, &t.by_type}}) {
      if (!stored->has_value()) continue;
      const auto want = Signed(**stored);
      if (want != *recomputed) {
        // Not resynced to the stored counts: the recomputed ones come from
        // the records alone, so each damaged revision is reported once.
        report->problems.push_back(StrCat(
            "revision ", r, ": stored counts per ", label, " ", Describe(want),
            " but records give ", Describe(*recomputed)));
      }
    }
    // The revision's own changes, where stored.
    for (auto [label, stored, recomputed] :
         {std::tuple{"node kind", &info.nodes_changed_by_kind,
                     &t.changed_by_kind},
          std::tuple{"edge type", &info.edges_changed_by_type,
                     &t.changed_by_type}}) {
      if (stored->has_value() && **stored != *recomputed) {
        report->problems.push_back(
            StrCat("revision ", r, ": stored changes per ", label, " ",
                   Describe(**stored), " but its change log gives ",
                   Describe(*recomputed)));
      }
    }
    ++report->revisions_checked;
  }
  // 3. HEAD in full: every live record, independent of the change log.
  const Revision head = revisions.size() - 1;
  SnapshotImpl snap(this, revisions[head], reg);
  Digest full;
  uint64_t full_nodes = 0, full_edges = 0;
  auto st = snap.ForEachNode([&](const Node& n) {
    full = DigestAdd(full, NodeDigest(n));
    ++full_nodes;
    ++report->records_checked;
    return absl::OkStatus();
  });
  if (st.ok()) {
    st = snap.ForEachEdge([&](const Edge& e) -> absl::Status {
      full = DigestAdd(full, EdgeDigest(e));
      ++full_edges;
      ++report->records_checked;
      auto to = snap.HasNode(e.to);
      if (!to.ok()) return to.status();
      if (!*to) {
        report->problems.push_back(StrCat("revision ", head, ": edge ", e.from,
                                          " -[", e.type, "]-> ", e.to,
                                          " points to a missing node"));
      }
      return absl::OkStatus();
    });
  }
  if (!st.ok()) {
    report->problems.push_back(
        StrCat("full scan of revision ", head, ": ", st.message()));
  } else if (!(full == revisions[head].digest) ||
             full_nodes != revisions[head].node_count ||
             full_edges != revisions[head].edge_count) {
    report->problems.push_back(
        StrCat("revision ", head, " (HEAD): a full scan gives digest ",
               full.ToHex(), " with ", full_nodes, " nodes / ", full_edges,
               " edges; stored: ", revisions[head].digest.ToHex(), " with ",
               revisions[head].node_count, " / ", revisions[head].edge_count));
  }
  return absl::OkStatus();
}

}  // namespace critgraph::storage
