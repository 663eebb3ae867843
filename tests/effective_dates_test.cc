// Effective dates and tags: backdated commits (refused without
// CommitInfo::backdate, accepted and marked with it), "@DATE" resolution
// against a model of the definition in DB::Resolve, and DB::DeleteTag.
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "tests/model.h"

namespace critgraph {
namespace {

using testing::TempDir;

std::unique_ptr<DB> OpenAt(const std::string& path) {
  auto db = DB::Open(path);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? *std::move(db) : nullptr;
}

// Commits one node `key` with `info`; the status of the commit.
absl::StatusOr<Revision> CommitKey(DB& db, const std::string& key,
                                   CommitInfo info) {
  auto txn = db.Begin();
  if (!txn.ok()) return txn.status();
  Node n{key, "list", {}, {}};
  if (auto st = (*txn)->PutNode(n); !st.ok()) return st;
  return (*txn)->Commit(info);
}

CommitInfo Dated(std::optional<std::string> date, bool backdate = false) {
  CommitInfo info;
  info.effective_date = std::move(date);
  info.backdate = backdate;
  return info;
}

TEST(EffectiveDates, EarlierDateIsRefusedWithoutBackdate) {
  auto db = OpenAt(TempDir("refuse"));
  ASSERT_TRUE(CommitKey(*db, "a", Dated("2024-02-12")).ok());
  ASSERT_TRUE(CommitKey(*db, "b", Dated(std::nullopt)).ok());  // undated
  const Digest before = (*db->GetSnapshot(Revision{2}))->digest();

  auto refused = CommitKey(*db, "c", Dated("2023-08-01"));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(refused.status().message());
  // Both dates, the revision carrying the later one and the parent.
  EXPECT_NE(msg.find("2023-08-01"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2024-02-12"), std::string::npos) << msg;
  EXPECT_NE(msg.find("revision 1 (below its parent, revision 2)"),
            std::string::npos)
      << msg;
  EXPECT_EQ(db->Head(), 2u);
  EXPECT_EQ((*db->GetSnapshot(Revision{2}))->digest(), before);

  // The same date, a later one and no date at all need nothing.
  EXPECT_TRUE(CommitKey(*db, "d", Dated("2024-02-12")).ok());
  EXPECT_TRUE(CommitKey(*db, "e", Dated(std::nullopt)).ok());
  auto parent = CommitKey(*db, "f", Dated("2024-01-01"));
  EXPECT_NE(std::string(parent.status().message())
                .find("2024-02-12, the effective date of revision 3"),
            std::string::npos)
      << parent.status();
}

TEST(EffectiveDates, BackdateIsAcceptedMarkedAndSurvivesReopen) {
  const std::string path = TempDir("accept");
  {
    auto db = OpenAt(path);
    ASSERT_TRUE(CommitKey(*db, "a", Dated("2022-01-01")).ok());
    ASSERT_TRUE(CommitKey(*db, "b", Dated("2025-10-28")).ok());
    auto r = CommitKey(*db, "c", Dated("2024-06-01", /*backdate=*/true));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, 3u);
    EXPECT_TRUE(db->GetRevision(3)->backdated);
    EXPECT_FALSE(db->GetRevision(2)->backdated);
    // Backdate on a date that is not earlier changes nothing.
    ASSERT_TRUE(CommitKey(*db, "d", Dated("2025-11-01", true)).ok());
    EXPECT_FALSE(db->GetRevision(4)->backdated);
  }
  auto db = DB::OpenReadOnly(path);
  ASSERT_TRUE(db.ok()) << db.status();
  auto log = (*db)->Log();
  ASSERT_EQ(log.size(), 4u);
  std::vector<bool> marked;
  for (const auto& r : log) marked.push_back(r.backdated);
  EXPECT_EQ(marked, (std::vector<bool>{false, true, false, false}));
}

TEST(EffectiveDates, SealedRevisionsOfOneTransactionCountAsBelow) {
  auto db = OpenAt(TempDir("sealed"));
  auto txn = *db->Begin();
  ASSERT_TRUE(txn->PutNode(Node{"a", "list", {}, {}}).ok());
  ASSERT_TRUE(txn->Seal(Dated("2025-01-01")).ok());
  ASSERT_TRUE(txn->PutNode(Node{"b", "list", {}, {}}).ok());
  auto st = txn->Seal(Dated("2024-01-01"));
  EXPECT_EQ(st.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.status().message()).find("revision 1, its parent"),
            std::string::npos)
      << st.status();
  ASSERT_TRUE(txn->Seal(Dated("2024-01-01", true)).ok());
  ASSERT_TRUE(txn->Publish().ok());
  EXPECT_TRUE(db->GetRevision(2)->backdated);
}

// The "@DATE" the docs define, computed independently of DBImpl: the
// revision whose content holds exactly what took effect by DATE — the newest
// dated one such that neither it nor anything below it is dated after DATE.
std::optional<Revision> ModelAt(const std::vector<std::optional<std::string>>&
                                    dates,  // dates[r-1] of revision r
                                const std::string& day) {
  std::optional<Revision> best;
  for (Revision r = 1; r <= dates.size(); ++r) {
    bool future_below = false;
    for (Revision q = 1; q <= r; ++q) {
      if (dates[q - 1] && *dates[q - 1] > day) future_below = true;
    }
    if (!future_below && dates[r - 1] && *dates[r - 1] <= day) best = r;
  }
  return best;
}

TEST(EffectiveDates, AtDateNeverAnswersWithDataFromTheFuture) {
  // The issue's case: 2024-2025 versions imported on top of 2025-10-28.
  {
    auto db = OpenAt(TempDir("issue"));
    ASSERT_TRUE(CommitKey(*db, "v2023", Dated("2023-08-01")).ok());
    ASSERT_TRUE(CommitKey(*db, "v2025", Dated("2025-10-28")).ok());
    ASSERT_TRUE(CommitKey(*db, "late2024", Dated("2024-03-01", true)).ok());
    EXPECT_EQ(*db->Resolve("@2024-06-01"), 1u);  // not 3: it holds v2025
    auto snap = *db->GetSnapshot("@2024-06-01");
    EXPECT_EQ(snap->GetNode("v2025").status().code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(*db->Resolve("@2025-10-28"), 3u);
    EXPECT_EQ(db->Resolve("@2023-01-01").status().code(),
              absl::StatusCode::kNotFound);
  }
  // Random histories, dated, undated and backdated, against the model.
  std::mt19937 rng(1313);
  for (int round = 0; round < 20; ++round) {
    auto db = OpenAt(TempDir("random" + std::to_string(round)));
    std::vector<std::optional<std::string>> dates;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      std::optional<std::string> date;
      if (rng() % 4 != 0) {
        date = "202" + std::to_string(rng() % 6) + "-0" +
               std::to_string(1 + rng() % 9) + "-15";
      }
      ASSERT_TRUE(
          CommitKey(*db, "k" + std::to_string(i), Dated(date, true)).ok());
      dates.push_back(date);
    }
    for (int year = 2019; year <= 2026; ++year) {
      for (const char* md : {"-01-01", "-05-15", "-09-30"}) {
        const std::string day = std::to_string(year) + md;
        auto want = ModelAt(dates, day);
        auto got = db->Resolve("@" + day);
        if (!want) {
          EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound) << day;
        } else {
          ASSERT_TRUE(got.ok()) << day << ": " << got.status();
          EXPECT_EQ(*got, *want) << "round " << round << " day " << day;
        }
      }
    }
  }
}

TEST(Tags, DeleteTagNeedsForceForCitedTags) {
  const std::string path = TempDir("tags");
  {
    auto db = OpenAt(path);
    CommitInfo dated = Dated("2024-02-12");
    dated.tags = {"us-cet-2024"};
    ASSERT_TRUE(CommitKey(*db, "a", dated).ok());
    ASSERT_TRUE(CommitKey(*db, "b", Dated(std::nullopt)).ok());
    ASSERT_TRUE(CommitKey(*db, "c", Dated(std::nullopt)).ok());
    ASSERT_TRUE(db->Tag("old-work", 2).ok());  // undated, not HEAD
    ASSERT_TRUE(db->Tag("scratch", 3).ok());   // undated HEAD

    // A dated revision's tag, and a tag off HEAD: force needed.
    auto st = db->DeleteTag("us-cet-2024");
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(std::string(st.message()).find("effective 2024-02-12"),
              std::string::npos)
        << st;
    st = db->DeleteTag("old-work");
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(std::string(st.message()).find("not HEAD"), std::string::npos)
        << st;
    EXPECT_EQ(*db->Resolve("us-cet-2024"), 1u);
    EXPECT_EQ(*db->Resolve("old-work"), 2u);

    // An undated HEAD's tag goes without force; the rest with it.
    EXPECT_TRUE(db->DeleteTag("scratch").ok());
    EXPECT_EQ(db->Resolve("scratch").status().code(),
              absl::StatusCode::kNotFound);
    EXPECT_TRUE(db->DeleteTag("us-cet-2024", /*force=*/true).ok());
    EXPECT_TRUE(db->GetRevision(1)->tags.empty());

    EXPECT_EQ(db->DeleteTag("scratch").code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(db->DeleteTag("bad name").code(),
              absl::StatusCode::kInvalidArgument);
    // A deleted tag's name is free again, also for a commit.
    CommitInfo again;
    again.tags = {"us-cet-2024"};
    EXPECT_TRUE(CommitKey(*db, "d", again).ok());
  }
  auto db = OpenAt(path);  // the deletes were durable
  EXPECT_EQ(*db->Resolve("us-cet-2024"), 4u);
  EXPECT_EQ(db->Resolve("scratch").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(*db->Resolve("old-work"), 2u);
  db.reset();
  auto ro = DB::OpenReadOnly(path);
  ASSERT_TRUE(ro.ok());
  EXPECT_EQ((*ro)->DeleteTag("old-work", true).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace critgraph
