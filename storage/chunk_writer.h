// The writes of one transaction chunk (docs/ARCHITECTURE.md, "Commit
// protocol", step 2), collected per column family and written in one of two
// ways with the same result:
//   - a small chunk as one unsynced WriteBatch (through the memtables);
//   - a large chunk as one sorted SST file per column family, built with
//     rocksdb::SstFileWriter and ingested atomically with
//     DB::IngestExternalFiles, which skips the memtables, the log and the
//     later flush: a bulk import is written once instead of three times.
// Either way a later write of a key in the chunk wins over an earlier one,
// and a delete is a delete (a tombstone in the file).
#ifndef CRITGRAPH_STORAGE_CHUNK_WRITER_H_
#define CRITGRAPH_STORAGE_CHUNK_WRITER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "storage/db_impl.h"

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
  // WriteOptions::sync = false. `context` names the chunk in errors.
  absl::Status Write(bool as_files, std::string_view context);

  // The folder, inside the database, where SST files are built before they
  // are moved in by ingestion. A crash can leave files there; DB::Open
  // (read-write) removes them.
  static std::string StagingDir(const std::string& db_path);

 private:
  struct Entry {
    std::string key;
    std::optional<std::string> value;  // nullopt = delete
  };

  void Add(Cf cf, std::string key, std::optional<std::string> value) {
    per_cf_[static_cast<size_t>(cf)].push_back(
        Entry{std::move(key), std::move(value)});
    ++entries_;
  }
  // Sorts one family's entries by key, keeping only the last write of each
  // key.
  static void SortAndDedup(std::vector<Entry>& entries);
  // Writes one family's (sorted) entries as an SST file at `file`.
  absl::Status BuildFile(Cf family, const std::string& file,
                         std::string_view context) const;
  absl::Status WriteBatch(std::string_view context);
  absl::Status IngestFiles(std::string_view context);

  DBImpl& db_;
  std::array<std::vector<Entry>, static_cast<size_t>(Cf::kCount)> per_cf_;
  size_t entries_ = 0;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_CHUNK_WRITER_H_
