// The writes of one transaction chunk (docs/ARCHITECTURE.md, "Commit
// protocol", step 2), collected per column family and written in one of two
// ways with the same result:
//   - a small chunk as one unsynced WriteBatch (through the memtables);
//   - a large chunk as one sorted SST file per column family, built with
//     rocksdb::SstFileWriter and ingested atomically with
//     DB::IngestExternalFiles, which skips the memtables, the log and the
//     later flush: a bulk import is written once instead of three times.
// Either way a later write of a key in the chunk wins over an earlier one,
// and a delete is a delete (a tombstone in the file). Given a SortedRuns,
// the families it defers go there instead.
#ifndef CRITGRAPH_STORAGE_CHUNK_WRITER_H_
#define CRITGRAPH_STORAGE_CHUNK_WRITER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "storage/db_impl.h"
#include "storage/sorted_runs.h"

namespace critgraph::storage {

class ChunkWriter {
 public:
  explicit ChunkWriter(DBImpl& db) : db_(db) {}
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  void Put(Cf cf, std::string key, std::string value) {
    Add(cf, std::move(key), std::move(value));
  }
  void Delete(Cf cf, std::string key) { Add(cf, std::move(key), std::nullopt); }

  // Entries collected so far (before de-duplication).
  size_t entries() const { return entries_; }

  // Writes everything collected, then forgets it. With `as_files` the
  // chunk is ingested as SST files: durable when this returns, so the
  // caller must have made the pending marker durable first (recovery must
  // know to remove what lands above HEAD). Otherwise one WriteBatch with
  // WriteOptions::sync = false. With `deferred`, the families it defers are
  // added to it as runs instead. `context` names the chunk in errors.
  absl::Status Write(bool as_files, SortedRuns* deferred,
                     std::string_view context);

  // Sorts one family's entries by key (bytewise), keeping only the last
  // write of each key.
  static void SortAndDedup(std::vector<KeyWrite>& entries);

  // The folder, inside the database, where SST files are built before they
  // are moved in by ingestion. A crash can leave files there; DB::Open
  // (read-write) removes them.
  static std::string StagingDir(const std::string& db_path);

  // How this database ingests staged `files` of `family`: moved in, above
  // every earlier write.
  static rocksdb::IngestExternalFileArg IngestArg(
      DBImpl& db, Cf family, std::vector<std::string> files);

  // A new, unique path in the staging folder (created if missing) for a
  // file of `family`, ending in ".<suffix>".
  static absl::StatusOr<std::string> NewStagedFile(DBImpl& db, Cf family,
                                                   std::string_view suffix,
                                                   std::string_view context);

 private:
  void Add(Cf cf, std::string key, std::optional<std::string> value) {
    per_cf_[static_cast<size_t>(cf)].push_back(
        KeyWrite{std::move(key), std::move(value)});
    ++entries_;
  }
  // Whether `family`'s writes go to `deferred` in this Write.
  static bool Deferred(size_t family, const SortedRuns* deferred) {
    return deferred != nullptr && SortedRuns::Defers(static_cast<Cf>(family));
  }
  // Writes one family's (sorted) entries as an SST file at `file`.
  absl::Status BuildFile(Cf family, const std::string& file,
                         std::string_view context) const;
  absl::Status WriteBatch(SortedRuns* deferred, std::string_view context);
  absl::Status IngestFiles(SortedRuns* deferred, std::string_view context);

  DBImpl& db_;
  std::array<std::vector<KeyWrite>, static_cast<size_t>(Cf::kCount)> per_cf_;
  size_t entries_ = 0;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_CHUNK_WRITER_H_
