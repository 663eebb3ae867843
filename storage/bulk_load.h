// How a revision whose chunks are ingested as files (storage/chunk_writer.h)
// keeps RocksDB from stalling it, and leaves few sorted runs behind.
//
// The chunks of one large revision cover overlapping key ranges (edges
// arrive in file order, not key order), so their files land in level 0.
// Past level0_slowdown_writes_trigger RocksDB throttles every write to a
// few MB/s, and at level0_stop_writes_trigger it stops them until the
// background compactions catch up (measured: 240 slowdowns and 9 stops in
// the 10M-node import, 6x slower per element than at 1M nodes). While a
// revision ingests, the two triggers are lifted; the background compactions
// keep running (turning them off too was measured worse: the load's own
// reads, a key lookup per element, then visit hundreds of level-0 files).
// When the revision is sealed, if the load outran the compactions (more
// sorted runs above the old data than the slowdown trigger), what it left
// is compacted into one run right above the old data, then the triggers
// come back.
#ifndef CRITGRAPH_STORAGE_BULK_LOAD_H_
#define CRITGRAPH_STORAGE_BULK_LOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "storage/db_impl.h"

namespace critgraph::storage {

class BulkLoad {
 public:
  explicit BulkLoad(DBImpl& db) : db_(db) {}
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;
  // Restores the options if End was not called (without compacting).
  ~BulkLoad();

  // Lifts the level-0 write triggers of every column family; idempotent.
  // Failure leaves the options as they were.
  absl::Status Begin();
  bool active() const { return active_; }

  // In each family where the load left more than `max_runs` sorted runs
  // (level-0 files and levels) above the data that was there before it,
  // compacts them into one run right above that data: the bottom level on
  // a fresh load, so that nothing is rewritten again later; merged with
  // level 1 when the old data starts there. The old data below is never
  // read, so the cost is what the load wrote. Automatic compactions pause
  // meanwhile (running ones are waited for). Then restores the options
  // Begin changed, whatever the compaction returned; its error names the
  // column family. A no-op unless Begin succeeded.
  absl::Status End(size_t max_runs);

  // Compacts one family as End does, if it has more than `max_runs` runs
  // above the files numbered below `first_new_file` (the old data). Waits
  // for the family's running compactions first; the caller pauses the
  // automatic ones. Exposed for tests.
  static absl::Status CompactNew(DBImpl& db, Cf family, uint64_t first_new_file,
                                 size_t max_runs);

  // The first file number after every file there is now.
  static uint64_t NextFileNumber(DBImpl& db);

 private:
  absl::Status Set(
      const std::vector<std::unordered_map<std::string, std::string>>& values,
      std::string_view what);

  DBImpl& db_;
  bool active_ = false;
  uint64_t first_new_file_ = 0;  // files numbered from here were loaded
  // The options the recipe changes, per family, with the values to restore.
  std::vector<std::unordered_map<std::string, std::string>> saved_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_BULK_LOAD_H_
