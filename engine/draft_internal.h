// Pieces shared by draft creation (engine/draft.cc) and rebase
// (engine/merge.cc). Internal to engine/.
#ifndef CRITGRAPH_ENGINE_DRAFT_INTERNAL_H_
#define CRITGRAPH_ENGINE_DRAFT_INTERNAL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "critgraph/db.h"
#include "critgraph/draft.h"

namespace critgraph::engine {

// A draft database being built in a staging directory: a copy of the main
// database rolled back to `base`, open read-write in `db`.
struct StagedDraft {
  std::string path;
  std::unique_ptr<DB> db;
  DraftInfo info;  // name, base, base_digest, start, created_micros
};

absl::StatusOr<StagedDraft> StageDraft(DB& db, std::string_view name,
                                       Revision base);
// Records `staged.info` (after any commits on staged.db) and closes it.
absl::Status FinishStaged(StagedDraft& staged);
// Closes and deletes the staging directory.
void DiscardStaged(StagedDraft& staged);

// The stored metadata of draft `name` (head unset); NotFound if absent.
absl::StatusOr<DraftInfo> ReadDraft(const std::string& db_path,
                                    std::string_view name);

absl::Status ApplyOps(Transaction& txn, const std::vector<ChangeOp>& ops);

}  // namespace critgraph::engine

#endif  // CRITGRAPH_ENGINE_DRAFT_INTERNAL_H_
