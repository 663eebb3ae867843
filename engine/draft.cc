// Drafts: creation, listing, opening and dropping (critgraph/draft.h).
// Merge and rebase: engine/merge.cc. Directories: storage/draft_store.h.
#include "critgraph/draft.h"

#include <chrono>
#include <filesystem>

#include "critgraph/backup.h"
#include "engine/draft_internal.h"
#include "storage/draft_store.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph {
namespace {

namespace fs = std::filesystem;

class DraftImpl final : public Draft {
 public:
  DraftImpl(DraftInfo info, std::unique_ptr<DB> db)
      : info_(std::move(info)), db_(std::move(db)) {}

  const DraftInfo& info() const override { return info_; }
  absl::StatusOr<std::unique_ptr<Transaction>> Begin() override {
    return db_->Begin();
  }
  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot() const override {
    return db_->GetSnapshot(db_->Head());
  }
  std::vector<RevisionInfo> Log() const override {
    std::vector<RevisionInfo> log;
    for (auto& r : db_->Log()) {
      if (r.number > info_.start) log.push_back(std::move(r));
    }
    return log;
  }
  DB& db() override { return *db_; }

 private:
  DraftInfo info_;
  std::unique_ptr<DB> db_;
};

absl::Status WithDraft(const absl::Status& st, std::string_view name) {
  if (st.ok()) return st;
  return WithContext(st, StrCat("draft '", name, "'"));
}

}  // namespace

namespace engine {

absl::Status ApplyOps(Transaction& txn, const std::vector<ChangeOp>& ops) {
  for (const auto& op : ops) RETURN_IF_ERROR(ApplyChange(txn, op));
  return absl::OkStatus();
}

absl::StatusOr<StagedDraft> StageDraft(DB& db, std::string_view name,
                                       Revision base) {
  auto base_info = db.GetRevision(base);
  if (!base_info.ok()) return base_info.status();
  std::error_code ec;
  fs::create_directories(storage::DraftsDir(db.path()), ec);
  if (ec) {
    return absl::InternalError(
        StrCat("create '", storage::DraftsDir(db.path()), "': ", ec.message()));
  }
  StagedDraft staged;
  staged.path = storage::DraftStagingPath(db.path(), name);
  auto copy = db.read_only() ? BackupPath(db.path(), staged.path)
                             : Backup(db, staged.path);
  if (!copy.ok()) return WithDraft(copy.status(), name);
  auto opened = DB::Open(staged.path);
  if (!opened.ok()) return WithDraft(opened.status(), name);
  staged.db = *std::move(opened);
  DB& draft = *staged.db;
  // The copy holds main's revisions up to its HEAD, numbered as in main.
  // Above the base (the usual case): roll it back. Below it (copied through
  // a follower, which holds what the writer has flushed so far): bring it
  // forward from main's own change logs. Either is O(changes), one commit.
  if (draft.Head() != base) {
    auto patch = draft.Head() > base ? Diff(draft, draft.Head(), base)
                                     : Diff(db, draft.Head(), base);
    if (!patch.ok()) return WithDraft(patch.status(), name);
    auto txn = draft.Begin();
    if (!txn.ok()) return WithDraft(txn.status(), name);
    RETURN_IF_ERROR(WithDraft(ApplyOps(**txn, patch->ToPatch()), name));
    CommitInfo ci;
    ci.message = StrCat("draft ", name, ": content of main revision ", base);
    auto committed = (*txn)->Commit(ci);
    if (!committed.ok()) return WithDraft(committed.status(), name);
  }
  auto start = draft.GetRevision(draft.Head());
  if (!start.ok()) return start.status();
  if (!(start->digest == base_info->digest)) {
    return absl::InternalError(StrCat("draft '", name, "': the copy's digest ",
                                      start->digest.ToHex(),
                                      " differs from base revision ", base,
                                      "'s ", base_info->digest.ToHex()));
  }
  staged.info.name = std::string(name);
  staged.info.base = base;
  staged.info.base_digest = base_info->digest;
  staged.info.start = start->number;
  staged.info.head = start->number;
  staged.info.created_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  return staged;
}

absl::Status FinishStaged(StagedDraft& staged) {
  RETURN_IF_ERROR(storage::WriteDraftMeta(staged.path, staged.info));
  staged.db.reset();
  return absl::OkStatus();
}

void DiscardStaged(StagedDraft& staged) {
  staged.db.reset();
  std::error_code ec;
  if (!staged.path.empty()) fs::remove_all(staged.path, ec);
}

absl::StatusOr<DraftInfo> ReadDraft(const std::string& db_path,
                                    std::string_view name) {
  RETURN_IF_ERROR(storage::ValidateDraftName(name));
  const std::string path = storage::DraftPath(db_path, name);
  std::error_code ec;
  if (!fs::exists(fs::path(path) / std::string(storage::kDraftMetaFile), ec)) {
    return absl::NotFoundError(StrCat("no draft '", name, "'"));
  }
  return storage::ReadDraftMeta(path, name);
}

}  // namespace engine

absl::StatusOr<DraftInfo> CreateDraft(DB& db, std::string_view name,
                                      std::optional<Revision> base) {
  RETURN_IF_ERROR(storage::ValidateDraftName(name));
  storage::RecoverDrafts(db.path());
  std::error_code ec;
  if (fs::exists(storage::DraftPath(db.path(), name), ec)) {
    return absl::AlreadyExistsError(StrCat("draft '", name, "' exists"));
  }
  auto staged = engine::StageDraft(db, name, base.value_or(db.Head()));
  if (!staged.ok()) return staged.status();
  DraftInfo info = staged->info;
  absl::Status st = engine::FinishStaged(*staged);
  if (st.ok()) st = storage::InstallDraft(db.path(), name, staged->path);
  if (!st.ok()) {
    engine::DiscardStaged(*staged);
    return st;
  }
  info.path = storage::DraftPath(db.path(), name);
  return info;
}

absl::StatusOr<DraftInfo> GetDraftInfo(const DB& db, std::string_view name) {
  // Opening first recovers interrupted renames, then the metadata is read.
  auto draft = storage::OpenDraftReadOnly(db.path(), name);
  if (!draft.ok()) return draft.status();
  auto info = engine::ReadDraft(db.path(), name);
  if (!info.ok()) return info.status();
  info->head = (*draft)->Head();
  info->commits = info->head - info->start;
  return info;
}

absl::StatusOr<std::vector<DraftInfo>> ListDrafts(const DB& db) {
  auto names = storage::DraftNames(db.path());
  if (!names.ok()) return names.status();
  std::vector<DraftInfo> drafts;
  for (const auto& name : *names) {
    auto info = GetDraftInfo(db, name);
    if (absl::IsNotFound(info.status())) continue;  // dropped meanwhile
    if (!info.ok()) return info.status();
    drafts.push_back(*std::move(info));
  }
  return drafts;
}

absl::StatusOr<std::unique_ptr<Draft>> OpenDraft(const DB& db,
                                                 std::string_view name) {
  storage::RecoverDrafts(db.path());
  auto info = engine::ReadDraft(db.path(), name);
  if (!info.ok()) return info.status();
  auto draft = DB::Open(info->path);
  if (!draft.ok()) return WithDraft(draft.status(), name);
  info->head = (*draft)->Head();
  info->commits = info->head - info->start;
  return std::unique_ptr<Draft>(
      std::make_unique<DraftImpl>(*std::move(info), *std::move(draft)));
}

absl::Status DropDraft(const DB& db, std::string_view name) {
  // Taking the draft's write lock first refuses while it is being written.
  auto draft = OpenDraft(db, name);
  if (!draft.ok()) return draft.status();
  draft->reset();
  return storage::RemoveDraft(db.path(), name);
}

}  // namespace critgraph
