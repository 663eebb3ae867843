// Where drafts live on disk and how their directories change atomically
// (docs/DRAFTS.md, "On disk"). Filesystem and metadata only; creating a
// draft's content (checkpoint, roll-back to its base) is engine/draft.cc.
#ifndef CRITGRAPH_STORAGE_DRAFT_STORE_H_
#define CRITGRAPH_STORAGE_DRAFT_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/draft.h"

namespace critgraph::storage {

// The metadata file inside a draft's database directory.
inline constexpr std::string_view kDraftMetaFile = "CRITGRAPH-DRAFT";

// InvalidArgument unless [a-z0-9][a-z0-9_.-]{0,63}.
absl::Status ValidateDraftName(std::string_view name);

std::string DraftsDir(const std::string& db_path);
std::string DraftPath(const std::string& db_path, std::string_view name);
// A fresh staging directory for building draft `name` (removed by
// RecoverDrafts once its process is gone).
std::string DraftStagingPath(const std::string& db_path, std::string_view name);

// Writes the metadata (base, base_digest, start, created_micros; name and
// head are not stored) into `dir`, durably, replacing any.
absl::Status WriteDraftMeta(const std::string& dir, const DraftInfo& info);
// Reads `dir`'s metadata; DataLoss naming the file if it is damaged.
absl::StatusOr<DraftInfo> ReadDraftMeta(const std::string& dir,
                                        std::string_view name);

// Finishes or undoes interrupted renames and removes dead staging
// directories. Safe to call while other processes use drafts.
void RecoverDrafts(const std::string& db_path);
// Names of the drafts present, sorted.
absl::StatusOr<std::vector<std::string>> DraftNames(const std::string& db_path);

// The stored metadata of every draft (head unset), sorted by name.
absl::StatusOr<std::vector<DraftInfo>> DraftMetas(const std::string& db_path);

// Installs the staged directory `staged` as draft `name`: AlreadyExists if
// it exists (and `staged` is left for the caller to remove).
absl::Status InstallDraft(const std::string& db_path, std::string_view name,
                          const std::string& staged);
// Replaces draft `name` by `staged` (rebase). A crash leaves the old or the
// new draft. `after_move_aside` runs once the old draft has left its path
// and before the new one takes it: the caller closes the old database there
// (RocksDB deletes files it does not know under its path when it closes, so
// it must not close at a path the new draft holds; nor can another writer
// open the draft meanwhile).
absl::Status ReplaceDraft(const std::string& db_path, std::string_view name,
                          const std::string& staged,
                          const std::function<void()>& after_move_aside);
// Removes draft `name`: NotFound if absent.
absl::Status RemoveDraft(const std::string& db_path, std::string_view name);

// Opens draft `name` of the database at `db_path` read-only; NotFound
// ("no draft 'x'") if absent.
absl::StatusOr<std::shared_ptr<const DB>> OpenDraftReadOnly(
    const std::string& db_path, std::string_view name);
// The snapshot of the draft's newest revision; it keeps the draft database
// open for as long as it lives.
absl::StatusOr<std::unique_ptr<Snapshot>> DraftHeadSnapshot(
    const std::string& db_path, std::string_view name);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_DRAFT_STORE_H_
