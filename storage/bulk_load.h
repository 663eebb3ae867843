// RocksDB's bulk-load recipe for the transactions that ingest chunk files
// (storage/chunk_writer.h): automatic compactions and the level-0 write
// triggers are off while the chunks arrive, and one compaction at the end
// merges the level-0 files they left into few sorted files.
//
// Why: the chunks of one large revision cover overlapping key ranges (edges
// arrive in file order, not key order), so each ingested file lands in level
// 0. Past level0_slowdown_writes_trigger RocksDB throttles every write to a
// few MB/s, and at level0_stop_writes_trigger it stops them until background
// compactions catch up, which they do by rewriting level 1 again for every
// few new files (measured: 240 stalls and 9 stops in the large import, 6x
// slower per element than at medium). And every level-0 file left behind is
// opened, footer, index and filter, by every later open, read-only ones
// included. With the recipe each ingested byte is rewritten once, at the end.
#ifndef CRITGRAPH_STORAGE_BULK_LOAD_H_
#define CRITGRAPH_STORAGE_BULK_LOAD_H_

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
  // Ends the bulk load if End was not called (without the compaction).
  ~BulkLoad();

  // Turns the recipe on for every column family; idempotent. Failure leaves
  // the options as they were (the load is still correct, only slower).
  absl::Status Begin();
  bool active() const { return active_; }

  // In each family where the load left at least `min_files` files above
  // the data that was there before it, in more than one sorted run,
  // compacts them (and any level-0 files) into one sorted run right above
  // that data: into the bottom level on a fresh load, so that nothing is
  // rewritten again later; merged with level 1 when the old data starts
  // there. Families are compacted two at a time. The old data below is never
  // read, so the cost is what the load wrote. Then restores the options
  // Begin changed, whatever the compaction returned; its error names the
  // column family. A no-op unless Begin succeeded.
  absl::Status End(size_t min_files);

  // Compacts one family as End does; files numbered below `first_new_file`
  // are the old data. Exposed for tests.
  static absl::Status CompactNew(DBImpl& db, Cf family, uint64_t first_new_file,
                                 size_t min_files);

 private:
  absl::Status Restore();

  DBImpl& db_;
  bool active_ = false;
  uint64_t first_new_file_ = 0;  // files numbered from here were loaded
  // The options Begin changed, per family, with the values to restore.
  std::vector<std::unordered_map<std::string, std::string>> saved_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_BULK_LOAD_H_
