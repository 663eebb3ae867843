// Retention (critgraph::Gc): model-based over random histories and random
// rules. Every kept revision keeps its export, digest, metadata and its diff
// against every other kept revision (checked against the values recorded
// before gc and against the model); removed revisions give the documented
// error; Verify passes; a second gc is a no-op; commits after gc work; the
// table files shrink; an interrupted gc is completed at the next open.
#include "critgraph/gc.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/history.h"
#include "critgraph/io/diff_format.h"
#include "critgraph/io/export.h"
#include "gtest/gtest.h"
#include "rocksdb/write_batch.h"
#include "storage/db_impl.h"
#include "storage/keys.h"
#include "storage/snapshot_impl.h"
#include "tests/diff_model.h"
#include "tests/model.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

using testing::CompareSnapshot;
using testing::ExpectedDiff;
using testing::Model;
using testing::RandomOps;
using testing::TempDir;

std::string Export(const DB& db, Revision r) {
  auto snap = db.GetSnapshot(r);
  EXPECT_TRUE(snap.ok()) << snap.status();
  if (!snap.ok()) return "";
  std::ostringstream out;
  EXPECT_TRUE(io::ExportJsonl(**snap, out).ok());
  return out.str();
}

// What a revision answers, rendered comparably.
struct Recorded {
  std::string export_text;
  Digest digest;
  RevisionInfo info;
};

std::string InfoText(const RevisionInfo& i) {
  std::string s = StrCat(i.number, "|", i.message, "|", i.author, "|",
                         i.effective_date.value_or("-"), "|",
                         i.commit_time_micros, "|", i.digest.ToHex(), "|",
                         i.node_count, "|", i.edge_count, "|", i.backdated);
  if (i.nodes_by_kind) {
    for (const auto& [k, n] : *i.nodes_by_kind) s += StrCat(" ", k, "=", n);
  }
  if (i.edges_by_type) {
    for (const auto& [k, n] : *i.edges_by_type) s += StrCat(" ", k, "=", n);
  }
  return s;
}

Options TestOptions() {
  Options opts;
  opts.txn_chunk_bytes = 400;  // many chunks per commit
  opts.sync = false;
  return opts;
}

// A random history of `revisions` commits; some dated, some tagged.
void BuildHistory(DB& db, Model& model, std::mt19937_64& rng, int revisions,
                  bool dated, int key_space) {
  for (int i = 0; i < revisions; ++i) {
    auto txn = db.Begin();
    ASSERT_TRUE(txn.ok()) << txn.status();
    RandomOps(rng, **txn, model, 1 + static_cast<int>(rng() % 25), key_space);
    CommitInfo ci;
    ci.message = StrCat("commit ", i);
    ci.author = "gc_test";
    const Revision next = db.Head() + 1;
    if (dated && rng() % 4 != 0) {
      // Non-decreasing: 2020-01-10 .. 2020-01-27, then February, ...
      ci.effective_date = StrCat("2020-0", 1 + next / 18, "-", 10 + next % 18);
    }
    if (rng() % 5 == 0) ci.tags.push_back(StrCat("t", next));
    auto r = (*txn)->Commit(ci);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(model.Commit(), *r);
  }
}

// The kept set the rules give, computed from the pre-gc metadata alone.
std::set<Revision> ExpectedKept(const DB& db, const GcRules& rules,
                                const std::string& today) {
  std::set<Revision> keep = {0, db.Head()};
  std::vector<RevisionInfo> log = db.Log();  // newest first
  if (rules.keep_tags) {
    for (const auto& i : log) {
      if (!i.tags.empty()) keep.insert(i.number);
    }
  }
  if (rules.keep_last) {
    for (size_t i = 0; i < log.size() && i < *rules.keep_last; ++i) {
      keep.insert(log[i].number);
    }
  }
  if (rules.keep_since) {
    for (const auto& i : log) {
      if (i.effective_date ? *i.effective_date >= *rules.keep_since
                           : today >= *rules.keep_since) {
        keep.insert(i.number);
      }
    }
    auto at = db.Resolve("@" + *rules.keep_since);
    if (at.ok()) keep.insert(*at);
  }
  for (const auto& name : rules.keep) {
    auto r = db.Resolve(name);
    EXPECT_TRUE(r.ok()) << name;
    if (r.ok()) keep.insert(*r);
  }
  return keep;
}

std::string Today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void ExpectRemovedError(const absl::Status& st, Revision r,
                        const std::string& date) {
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound) << st;
  EXPECT_NE(st.message().find(StrCat("revision ", r, " was removed by gc on ",
                                     date, " (kept: ")),
            std::string::npos)
      << st;
}

TEST(Gc, ModelBasedRandomHistoriesAndRules) {
  const std::string today = Today();
  int kept_checked = 0, removed_checked = 0, pairs_checked = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(StrCat("seed ", seed));
    std::mt19937_64 rng(seed * 7919);
    const std::string dir = TempDir(StrCat("gc_model_", seed));
    auto db = DB::Open(dir, TestOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    Model model;
    const bool dated = seed % 2 == 0;
    BuildHistory(**db, model, rng, 20 + static_cast<int>(rng() % 15), dated,
                 12 + static_cast<int>(seed));
    const Revision head = (*db)->Head();

    // Before gc.
    std::map<Revision, Recorded> before;
    for (Revision r = 0; r <= head; ++r) {
      auto info = (*db)->GetRevision(r);
      ASSERT_TRUE(info.ok());
      before[r] = Recorded{Export(**db, r), info->digest, *info};
      ASSERT_EQ(info->digest, testing::ModelDigest(model.at(r)));
    }
    std::map<std::pair<Revision, Revision>, std::string> diffs;
    for (Revision a = 0; a <= head; ++a) {
      for (Revision b = a + 1; b <= head; ++b) {
        auto d = Diff(**db, a, b);
        ASSERT_TRUE(d.ok());
        diffs[{a, b}] = io::DiffJson(*d);
      }
    }
    std::map<std::string, Revision> tags_before;
    for (const auto& i : (*db)->Log()) {
      for (const auto& t : i.tags) tags_before[t] = i.number;
    }

    // Random rules (at least one).
    GcRules rules;
    do {
      rules.keep_tags = rng() % 2 == 0;
      if (rng() % 2 == 0) rules.keep_last = 1 + rng() % 5;
      if (dated && rng() % 2 == 0) {
        rules.keep_since = StrCat("2020-01-", 10 + rng() % 18);
      }
      if (rng() % 3 == 0) {
        rules.keep.push_back(std::to_string(1 + rng() % head));
      }
    } while (!rules.keep_tags && !rules.keep_last && !rules.keep_since &&
             rules.keep.empty());
    const std::set<Revision> want_kept = ExpectedKept(**db, rules, today);

    // A dry run changes nothing and reports the same sets.
    GcRules dry = rules;
    dry.dry_run = true;
    auto dry_report = Gc(**db, dry);
    ASSERT_TRUE(dry_report.ok()) << dry_report.status();
    for (Revision r : dry_report->removed) {
      ASSERT_TRUE((*db)->GetSnapshot(r).ok());
    }

    auto report = Gc(**db, rules);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(std::set<Revision>(report->kept.begin(), report->kept.end()),
              want_kept);
    EXPECT_EQ(report->kept, dry_report->kept);
    EXPECT_EQ(report->removed, dry_report->removed);
    EXPECT_EQ(report->versions_deleted, dry_report->versions_deleted);
    EXPECT_EQ(report->bytes_deleted, dry_report->bytes_deleted);
    EXPECT_EQ(report->kept.size() + report->removed.size(), head + 1);

    auto check_all = [&](const DB& d, const char* when) {
      SCOPED_TRACE(when);
      for (Revision r = 0; r <= head; ++r) {
        if (want_kept.contains(r)) {
          auto info = d.GetRevision(r);
          ASSERT_TRUE(info.ok()) << info.status();
          EXPECT_EQ(info->digest, before[r].digest) << r;
          EXPECT_EQ(InfoText(*info), InfoText(before[r].info)) << r;
          EXPECT_EQ(Export(d, r), before[r].export_text) << r;
          auto snap = d.GetSnapshot(r);
          ASSERT_TRUE(snap.ok());
          EXPECT_EQ(CompareSnapshot(**snap, model.at(r)), "") << r;
          ++kept_checked;
        } else {
          ExpectRemovedError(d.GetSnapshot(r).status(), r, report->date);
          ExpectRemovedError(d.GetRevision(r).status(), r, report->date);
          ExpectRemovedError(d.Resolve(std::to_string(r)).status(), r,
                             report->date);
          ++removed_checked;
        }
      }
      for (Revision a : want_kept) {
        for (Revision b : want_kept) {
          if (b <= a) continue;
          auto diff = Diff(d, a, b);
          ASSERT_TRUE(diff.ok()) << diff.status();
          EXPECT_EQ(io::DiffJson(*diff), (diffs[{a, b}])) << a << ".." << b;
          EXPECT_TRUE(*diff == ExpectedDiff(model.at(a), model.at(b), a, b))
              << a << ".." << b;
          ++pairs_checked;
        }
      }
      // Log lists exactly the kept revisions; each one's parent is the kept
      // revision below it.
      std::vector<Revision> logged;
      for (const auto& i : d.Log()) logged.push_back(i.number);
      std::vector<Revision> want_log(want_kept.rbegin(), want_kept.rend());
      want_log.pop_back();  // revision 0
      EXPECT_EQ(logged, want_log);
      Revision prev = 0;
      for (Revision k : want_kept) {
        if (k == 0) continue;
        EXPECT_EQ(d.GetRevision(k)->parent, prev);
        prev = k;
      }
      // Tags: kept ones resolve as before, removed ones are gone.
      for (const auto& [tag, r] : tags_before) {
        auto got = d.Resolve(tag);
        if (want_kept.contains(r)) {
          EXPECT_TRUE(got.ok() && *got == r) << tag;
        } else {
          EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound) << tag;
          EXPECT_TRUE(std::find(report->tags_removed.begin(),
                                report->tags_removed.end(),
                                tag) != report->tags_removed.end())
              << tag;
        }
      }
      // History: a node's changes are at the kept revisions where its state
      // differs from the kept revision below (from the model).
      std::set<std::string> keys;
      for (Revision k : want_kept) {
        for (const auto& [key, n] : model.at(k).nodes) keys.insert(key);
      }
      for (const auto& key : keys) {
        std::vector<Revision> want_changes;
        Revision prev_k = 0;
        for (Revision k : want_kept) {
          if (k == 0) continue;
          auto a = model.at(prev_k).nodes.find(key);
          auto b = model.at(k).nodes.find(key);
          const bool in_a = a != model.at(prev_k).nodes.end();
          const bool in_b = b != model.at(k).nodes.end();
          if (in_a != in_b || (in_a && !(a->second == b->second))) {
            want_changes.push_back(k);
          }
          prev_k = k;
        }
        HistoryOptions ho;
        ho.at = head;
        auto h = History(d, key, ho);
        ASSERT_TRUE(h.ok()) << key << ": " << h.status();
        std::vector<Revision> got_changes;
        for (const auto& e : *h) got_changes.push_back(e.revision);
        std::reverse(got_changes.begin(), got_changes.end());  // newest first
        EXPECT_EQ(got_changes, want_changes) << key;
      }
      // "@DATE" never names a removed revision.
      for (int day = 1; day <= 28; ++day) {
        auto at = d.Resolve(StrCat("@2020-01-", day < 10 ? "0" : "", day));
        if (at.ok()) EXPECT_TRUE(want_kept.contains(*at)) << day;
      }
      VerifyReport v;
      ASSERT_TRUE(d.Verify(&v).ok());
      EXPECT_TRUE(v.ok()) << v.problems[0];
    };
    check_all(**db, "after gc");

    // Same rules again: nothing more to remove.
    auto again = Gc(**db, rules);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->removed.empty());
    EXPECT_EQ(again->versions_deleted, 0u);

    // Reopened: the same answers.
    db->reset();
    db = DB::Open(dir, TestOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    check_all(**db, "after reopen");
    {
      auto ro = DB::OpenReadOnly(dir);
      ASSERT_TRUE(ro.ok()) << ro.status();
      check_all(**ro, "read-only");
    }

    // More commits on top, and diffs across the gap.
    BuildHistory(**db, model, rng, 4, dated, 12 + static_cast<int>(seed));
    for (Revision r = head + 1; r <= (*db)->Head(); ++r) {
      auto snap = (*db)->GetSnapshot(r);
      ASSERT_TRUE(snap.ok());
      EXPECT_EQ(CompareSnapshot(**snap, model.at(r)), "") << r;
    }
    for (Revision a : want_kept) {
      auto diff = Diff(**db, a, (*db)->Head());
      ASSERT_TRUE(diff.ok());
      EXPECT_TRUE(*diff == ExpectedDiff(model.at(a), model.at((*db)->Head()), a,
                                        (*db)->Head()))
          << a;
    }
    VerifyReport v;
    ASSERT_TRUE((*db)->Verify(&v).ok());
    EXPECT_TRUE(v.ok()) << v.problems[0];

    // A second gc over the first one's result (folded logs, versions left at
    // removed revisions): keep the two newest and one of the kept ones.
    GcRules second;
    second.keep_last = 2;
    std::vector<Revision> old_kept(want_kept.begin(), want_kept.end());
    const Revision pick = old_kept[rng() % old_kept.size()];
    second.keep = {std::to_string(pick)};
    auto report2 = Gc(**db, second);
    ASSERT_TRUE(report2.ok()) << report2.status();
    const Revision head2 = (*db)->Head();
    std::set<Revision> kept2 = {0, pick, head2 - 1, head2};
    EXPECT_EQ(std::set<Revision>(report2->kept.begin(), report2->kept.end()),
              kept2);
    for (Revision r = 0; r <= head2; ++r) {
      if (!kept2.contains(r)) {
        EXPECT_EQ((*db)->GetSnapshot(r).status().code(),
                  absl::StatusCode::kNotFound);
        continue;
      }
      auto snap = (*db)->GetSnapshot(r);
      ASSERT_TRUE(snap.ok()) << snap.status();
      EXPECT_EQ(CompareSnapshot(**snap, model.at(r)), "") << r;
      for (Revision b : kept2) {
        if (b <= r) continue;
        auto diff = Diff(**db, r, b);
        ASSERT_TRUE(diff.ok());
        EXPECT_TRUE(*diff == ExpectedDiff(model.at(r), model.at(b), r, b))
            << "second gc: " << r << ".." << b;
        ++pairs_checked;
      }
    }
    ASSERT_TRUE((*db)->Verify(&v).ok());
    EXPECT_TRUE(v.ok()) << "second gc: " << v.problems[0];
  }
  std::printf("gc model: %d kept and %d removed revision checks, %d diffs\n",
              kept_checked, removed_checked, pairs_checked);
  EXPECT_GT(removed_checked, 0);
  EXPECT_GT(pairs_checked, 0);
}

// Many rewrites of the same entities: versions visible at no kept revision
// are most of the data, and the table files shrink after gc.
TEST(Gc, SpaceComesBack) {
  const std::string dir = TempDir("gc_space");
  auto db = DB::Open(dir, TestOptions());
  ASSERT_TRUE(db.ok());
  const std::string filler(200, 'x');
  for (int r = 0; r < 30; ++r) {
    auto txn = (*db)->Begin();
    ASSERT_TRUE(txn.ok());
    for (int i = 0; i < 200; ++i) {
      Node n{StrCat("n", i),
             "technology",
             {{"en", StrCat("v", r)}},
             {{"text", StrCat(filler, r, "/", i)}}};
      ASSERT_TRUE((*txn)->PutNode(n).ok());
      if (i > 0) {
        ASSERT_TRUE((*txn)
                        ->PutEdge({StrCat("n", i),
                                   "depends_on",
                                   StrCat("n", i - 1),
                                   {{"r", int64_t{r}}}})
                        .ok());
      }
    }
    ASSERT_TRUE((*txn)->Commit({}).ok());
  }
  const Revision head = (*db)->Head();
  const std::string head_export = Export(**db, head);
  GcRules rules;
  rules.keep_last = 1;
  rules.dry_run = true;
  auto dry = Gc(**db, rules);
  ASSERT_TRUE(dry.ok()) << dry.status();
  // 29 older versions of 200 nodes and 199 edges.
  EXPECT_EQ(dry->versions_deleted, 29u * 399u);
  EXPECT_GT(dry->bytes_deleted, 29u * 200u * 200u);
  ASSERT_TRUE((*db)->GetSnapshot(1).ok());
  rules.dry_run = false;
  auto report = Gc(**db, rules);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->removed.size(), head - 1);
  std::printf("gc space: %llu -> %llu SST bytes\n",
              static_cast<unsigned long long>(report->sst_bytes_before),
              static_cast<unsigned long long>(report->sst_bytes_after));
  EXPECT_LT(report->sst_bytes_after * 4, report->sst_bytes_before);
  EXPECT_EQ(Export(**db, head), head_export);
  VerifyReport v;
  ASSERT_TRUE((*db)->Verify(&v).ok());
  EXPECT_TRUE(v.ok()) << v.problems[0];
}

TEST(Gc, RefusesWithoutRuleOrWhileBusy) {
  const std::string dir = TempDir("gc_refuse");
  auto db = DB::Open(dir, TestOptions());
  ASSERT_TRUE(db.ok());
  Model model;
  std::mt19937_64 rng(5);
  BuildHistory(**db, model, rng, 5, false, 10);
  EXPECT_EQ(Gc(**db, GcRules{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  GcRules zero;
  zero.keep_last = 0;
  EXPECT_EQ(Gc(**db, zero).status().code(), absl::StatusCode::kInvalidArgument);
  GcRules bad_date;
  bad_date.keep_since = "2020-13-45x";
  EXPECT_EQ(Gc(**db, bad_date).status().code(),
            absl::StatusCode::kInvalidArgument);
  GcRules unknown;
  unknown.keep = {"no-such-tag"};
  EXPECT_EQ(Gc(**db, unknown).status().code(), absl::StatusCode::kNotFound);

  GcRules rules;
  rules.keep_last = 1;
  {
    auto txn = (*db)->Begin();
    ASSERT_TRUE(txn.ok());
    EXPECT_EQ(Gc(**db, rules).status().code(),
              absl::StatusCode::kFailedPrecondition);
    (*txn)->Rollback();
  }
  {
    auto snap = (*db)->GetSnapshot(2);
    ASSERT_TRUE(snap.ok());
    auto st = Gc(**db, rules).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(st.message().find("revision 2"), std::string::npos) << st;
    EXPECT_TRUE((*db)->GetSnapshot(2).ok());  // nothing happened
  }
  {
    auto ro = DB::OpenReadOnly(dir);
    ASSERT_TRUE(ro.ok());
    EXPECT_EQ(Gc(**ro, rules).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  // A snapshot of a kept revision does not stand in the way.
  auto head_snap = (*db)->GetSnapshot((*db)->Head());
  ASSERT_TRUE(head_snap.ok());
  auto report = Gc(**db, rules);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->removed, (std::vector<Revision>{1, 2, 3, 4}));
  EXPECT_EQ(CompareSnapshot(**head_snap, model.at(5)), "");
  // Tagging a removed revision is refused with the same error.
  ExpectRemovedError((*db)->Tag("old", 2, false), 2, report->date);
  ExpectRemovedError((*db)->Resolve("HEAD~3").status(), 2, report->date);
}

// The intent alone (as a kill right after writing it leaves it): a
// read-only open refuses, a read-write open completes the gc.
TEST(Gc, InterruptedGcIsCompletedAtOpen) {
  const std::string dir = TempDir("gc_intent");
  Model model;
  std::map<Revision, std::string> exports;
  {
    auto db = DB::Open(dir, TestOptions());
    ASSERT_TRUE(db.ok());
    std::mt19937_64 rng(11);
    BuildHistory(**db, model, rng, 12, false, 10);
    for (Revision r = 0; r <= 12; ++r) exports[r] = Export(**db, r);
    const auto& impl = static_cast<const storage::DBImpl&>(**db);
    rocksdb::WriteBatch batch;
    std::string intent = "2026-01-02";
    for (Revision r : {0, 3, 7, 12}) PutBE64(&intent, r);
    batch.Put(impl.cf(storage::Cf::kDefault),
              std::string(storage::kMetaGcPending), intent);
    std::string v;
    PutBE32(&v, storage::kFormatVersionGc);
    batch.Put(impl.cf(storage::Cf::kDefault),
              std::string(storage::kMetaFormatVersion), v);
    ASSERT_TRUE(impl.rdb()->Write(rocksdb::WriteOptions(), &batch).ok());
  }
  auto ro = DB::OpenReadOnly(dir);
  EXPECT_EQ(ro.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ro.status().message().find("unfinished gc"), std::string::npos);
  auto db = DB::Open(dir, TestOptions());
  ASSERT_TRUE(db.ok()) << db.status();
  for (Revision r = 0; r <= 12; ++r) {
    if (r == 0 || r == 3 || r == 7 || r == 12) {
      EXPECT_EQ(Export(**db, r), exports[r]) << r;
    } else {
      ExpectRemovedError((*db)->GetSnapshot(r).status(), r, "2026-01-02");
    }
  }
  auto d = Diff(**db, 3, 12);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(*d == ExpectedDiff(model.at(3), model.at(12), 3, 12));
  VerifyReport v;
  ASSERT_TRUE((*db)->Verify(&v).ok());
  EXPECT_TRUE(v.ok()) << v.problems[0];
  db->reset();
  EXPECT_TRUE(DB::OpenReadOnly(dir).ok());
}

}  // namespace
}  // namespace critgraph
