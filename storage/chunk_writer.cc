#include "storage/chunk_writer.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <system_error>

#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"
#include "util/parallel.h"
#include "util/sort_moving.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

// Names each staged file uniquely within the process (one writer per
// database at a time; the database lock keeps other processes out).
std::atomic<uint64_t> next_file{0};

// Threads that build a chunk's files, the calling one included: the two
// cores of the machines this is tuned for (the import's parse thread takes
// part of one).
constexpr size_t kBuildThreads = 2;

// Removes the staged files on every exit path; ingestion moves them away on
// success, so then there is nothing left to remove.
class StagedFiles {
 public:
  ~StagedFiles() {
    for (const auto& f : files_) {
      std::error_code ec;
      std::filesystem::remove(f, ec);
    }
  }
  void Add(std::string f) { files_.push_back(std::move(f)); }

 private:
  std::vector<std::string> files_;
};

}  // namespace

std::string ChunkWriter::StagingDir(const std::string& db_path) {
  return db_path + "/ingest";
}

void ChunkWriter::SortAndDedup(std::vector<Entry>& entries) {
  auto less = [](const Entry& a, const Entry& b) { return a.key < b.key; };
  {
    // Most families arrive in key order (the staged maps are ordered by
    // id). The sort is stable, so the last write of a key is the last of
    // its run.
    if (!std::is_sorted(entries.begin(), entries.end(), less)) {
      SortMoving(entries, less);
    }
    size_t out = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i + 1 < entries.size() && entries[i + 1].key == entries[i].key) {
        continue;  // overwritten later in the chunk
      }
      if (out != i) entries[out] = std::move(entries[i]);
      ++out;
    }
    entries.resize(out);
  }
}

absl::Status ChunkWriter::Write(bool as_files, std::string_view context) {
  absl::Status st = as_files ? IngestFiles(context) : WriteBatch(context);
  for (auto& entries : per_cf_) entries.clear();
  entries_ = 0;
  return st;
}

absl::Status ChunkWriter::WriteBatch(std::string_view context) {
  // Keys go in sorted order per family: sorted inserts into a memtable skip
  // list are cheaper.
  rocksdb::WriteBatch batch;
  for (size_t c = 0; c < per_cf_.size(); ++c) {
    rocksdb::ColumnFamilyHandle* cf = db_.cf(static_cast<Cf>(c));
    SortAndDedup(per_cf_[c]);
    for (const Entry& e : per_cf_[c]) {
      if (e.value) {
        batch.Put(cf, e.key, *e.value);
      } else {
        batch.Delete(cf, e.key);
      }
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = false;  // the commit's final write syncs the log up to here
  return FromRocks(db_.rdb()->Write(wo, &batch), context);
}

absl::Status ChunkWriter::BuildFile(Cf family, const std::string& file,
                                    std::string_view context) const {
  rocksdb::ColumnFamilyHandle* cf = db_.cf(family);
  rocksdb::Options options = db_.rdb()->GetOptions(cf);
  // SstFileWriter compresses with the bottommost setting (ZSTD here),
  // which costs more than building the rest of the file; LZ4 until a
  // compaction rewrites the data at the bottom level anyway.
  options.bottommost_compression = options.compression;
  // invalidate_page_cache = false: by default SstFileWriter drops what it
  // wrote from the OS page cache, so the load's own lookups into earlier
  // chunks (and every reader after it) went to the disk, one random 4 KiB
  // read at a time (the 10M-node import spent most of its time in I/O wait
  // with 12 GB of memory free).
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, cf,
                                /*invalidate_page_cache=*/false);
  auto fail = [&](const rocksdb::Status& s) {
    return FromRocks(s, StrCat(context, ": build ", file));
  };
  if (auto s = writer.Open(file); !s.ok()) return fail(s);
  for (const Entry& e : per_cf_[static_cast<size_t>(family)]) {
    auto s = e.value ? writer.Put(e.key, *e.value) : writer.Delete(e.key);
    if (!s.ok()) return fail(s);
  }
  if (auto s = writer.Finish(); !s.ok()) return fail(s);
  return absl::OkStatus();
}

absl::Status ChunkWriter::IngestFiles(std::string_view context) {
  const std::string dir = StagingDir(db_.path());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(
        StrCat(context, ": cannot create ", dir, ": ", ec.message()));
  }
  StagedFiles staged;
  std::vector<size_t> families;
  std::vector<std::string> files(per_cf_.size());
  for (size_t c = 0; c < per_cf_.size(); ++c) {
    if (per_cf_[c].empty()) continue;
    families.push_back(c);
    files[c] = StrCat(dir, "/", next_file.fetch_add(1), "-",
                      db_.cf(static_cast<Cf>(c))->GetName(), ".sst");
    staged.Add(files[c]);
  }
  if (families.empty()) return absl::OkStatus();
  // The families' files are independent: sort and build them on up to
  // kBuildThreads threads (the calling one included).
  RETURN_IF_ERROR(ParallelFor(
      families.size(), std::min(families.size(), kBuildThreads),
      [] { return 0; },
      [&](int, size_t i) {
        const size_t c = families[i];
        SortAndDedup(per_cf_[c]);
        return BuildFile(static_cast<Cf>(c), files[c], context);
      }));
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t c : families) {
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = db_.cf(static_cast<Cf>(c));
    arg.external_files.push_back(files[c]);
    // Moved (renamed) into the database, never copied.
    arg.options.move_files = true;
    // The file's keys sort after nothing in particular: let RocksDB give it
    // a sequence number above everything written before, so a later chunk
    // overrides an earlier chunk's version of the same key, as in a batch.
    arg.options.allow_global_seqno = true;
    arg.options.allow_blocking_flush = true;
    args.push_back(std::move(arg));
  }
  // All families in one MANIFEST record: a crash leaves all or none of the
  // chunk's files in the database.
  return FromRocks(db_.rdb()->IngestExternalFiles(args),
                   StrCat(context, ": ingest"));
}

}  // namespace critgraph::storage
