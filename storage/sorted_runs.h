// Deferred writes of the column families a transaction never reads back
// before its revision is sealed (the in-edge mirror and the kind index), kept
// as sorted run files and merged into SST files whose key ranges do not
// overlap, which are then ingested together (docs/ARCHITECTURE.md, "Commit
// protocol", step 2).
//
// Why: a large revision is written as many chunks. Ingested chunk by chunk,
// the files of a family keyed by something other than the order the entities
// arrive in (in-edges by destination, the kind index by kind) all overlap,
// so each lands in level 0, and past RocksDB's level-0 triggers every write
// of the import is slowed, then stopped, until compaction has merged them
// (the 10M-node import spent most of its 54 minutes stalled). Merged once at
// the seal, the same data lands as a few non-overlapping files, at the
// bottom level of a new database, with no compaction to follow.
//
// Not thread-safe: owned by one transaction. Run files live in the staging
// folder (ChunkWriter::StagingDir), which a read-write open clears, so a crash
// leaves nothing behind that a later open must reconcile.
#ifndef CRITGRAPH_STORAGE_SORTED_RUNS_H_
#define CRITGRAPH_STORAGE_SORTED_RUNS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "storage/db_impl.h"

namespace critgraph::storage {

// One key write of a chunk: a put, or a delete (no value).
struct KeyWrite {
  std::string key;
  std::optional<std::string> value;
};

class SortedRuns {
 public:
  explicit SortedRuns(DBImpl& db) : db_(db) {}
  SortedRuns(const SortedRuns&) = delete;
  SortedRuns& operator=(const SortedRuns&) = delete;
  ~SortedRuns() { Clear(); }

  // The families whose writes are deferred.
  static bool Defers(Cf family) {
    return family == Cf::kInEdges || family == Cf::kKindIndex;
  }

  // True while no run is waiting to be merged.
  bool empty() const { return runs_ == 0; }

  // Writes `writes` (sorted by key, each key once) as the newest run of
  // `family`: for equal keys, a later run wins over an earlier one. Safe to
  // call for different families from different threads at once (each
  // family's state is touched only by its own call). After a failure every
  // later call for the family returns the same error.
  absl::Status AddRun(Cf family, const std::vector<KeyWrite>& writes,
                      std::string_view context);

  // Merges every family's runs into SST files that do not overlap one
  // another, ingests all of them in one atomic step, and forgets the runs.
  // On error the database holds none of the merged files and the runs are
  // removed: the transaction must fail. An earlier AddRun that failed fails
  // this too (with that error), since a run that was not written whole
  // would otherwise lose writes silently. `context` names the step in
  // errors.
  absl::Status MergeAndIngest(std::string_view context);

  // Removes the run files (rollback).
  void Clear();

 private:
  absl::Status WriteRun(Cf family, const std::vector<KeyWrite>& writes,
                        std::string_view context);
  absl::Status MergeFamily(Cf family, std::vector<std::string>* outputs,
                           std::string_view context);

  DBImpl& db_;
  std::array<std::vector<std::string>, static_cast<size_t>(Cf::kCount)> files_;
  // The first error of each family's AddRun, sticky until Clear.
  std::array<absl::Status, static_cast<size_t>(Cf::kCount)> failed_;
  // Runs waiting to be merged, all families: atomic because AddRun runs on
  // several threads at once, one family each.
  std::atomic<size_t> runs_{0};
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_SORTED_RUNS_H_
