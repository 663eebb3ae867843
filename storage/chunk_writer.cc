#include "storage/chunk_writer.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"
#include "util/parallel.h"
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

rocksdb::IngestExternalFileArg ChunkWriter::IngestArg(
    DBImpl& db, Cf family, std::vector<std::string> files) {
  rocksdb::IngestExternalFileArg arg;
  arg.column_family = db.cf(family);
  arg.external_files = std::move(files);
  // Moved (renamed) into the database, never copied.
  arg.options.move_files = true;
  // The files' keys sort after nothing in particular: let RocksDB give them
  // a sequence number above everything written before, so a later chunk
  // overrides an earlier chunk's version of the same key, as in a batch.
  arg.options.allow_global_seqno = true;
  arg.options.allow_blocking_flush = true;
  return arg;
}

absl::StatusOr<std::string> ChunkWriter::NewStagedFile(
    DBImpl& db, Cf family, std::string_view suffix, std::string_view context) {
  const std::string dir = StagingDir(db.path());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(
        StrCat(context, ": cannot create ", dir, ": ", ec.message()));
  }
  return StrCat(dir, "/", next_file.fetch_add(1), "-", db.cf(family)->GetName(),
                ".", suffix);
}

namespace {

// The first 8 bytes of `key` as a big-endian number, zero-padded: ordering
// by it and then by the whole key is the bytewise order.
uint64_t KeyPrefix(const std::string& key) {
  unsigned char b[8] = {};
  std::memcpy(b, key.data(), std::min<size_t>(8, key.size()));
  uint64_t p = 0;
  for (unsigned char c : b) p = (p << 8) | c;
  return p;
}

// Sorts `entries` by key, stably. Every key here starts with an id or a
// revision, so a comparison nearly always ends on the prefix, held in the
// sorted array itself: a chunk's 1M+ keys live in separate heap strings,
// and comparing through them (std::stable_sort over positions, memcmp per
// comparison) was 15% of a bulk import's samples.
void SortByKey(std::vector<KeyWrite>& entries) {
  struct Item {
    uint64_t prefix;
    uint32_t pos;
  };
  std::vector<Item> items(entries.size());
  for (uint32_t i = 0; i < items.size(); ++i) {
    items[i] = {KeyPrefix(entries[i].key), i};
  }
  std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = entries[a.pos].key.compare(entries[b.pos].key);
    return c != 0 ? c < 0 : a.pos < b.pos;  // equal keys: in write order
  });
  std::vector<KeyWrite> sorted;
  sorted.reserve(entries.size());
  for (const Item& item : items) sorted.push_back(std::move(entries[item.pos]));
  entries = std::move(sorted);
}

}  // namespace

void ChunkWriter::SortAndDedup(std::vector<KeyWrite>& entries) {
  // Most families arrive in key order (the staged maps are ordered by id).
  // The sort keeps writes of one key in order, so the last write of a key
  // is the last of its run.
  if (!std::is_sorted(
          entries.begin(), entries.end(),
          [](const KeyWrite& a, const KeyWrite& b) { return a.key < b.key; })) {
    SortByKey(entries);
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

absl::Status ChunkWriter::Write(bool as_files, SortedRuns* deferred,
                                std::string_view context) {
  absl::Status st =
      as_files ? IngestFiles(deferred, context) : WriteBatch(deferred, context);
  for (auto& entries : per_cf_) entries.clear();
  entries_ = 0;
  return st;
}

absl::Status ChunkWriter::WriteBatch(SortedRuns* deferred,
                                     std::string_view context) {
  // Keys go in sorted order per family: sorted inserts into a memtable skip
  // list are cheaper.
  rocksdb::WriteBatch batch;
  for (size_t c = 0; c < per_cf_.size(); ++c) {
    rocksdb::ColumnFamilyHandle* cf = db_.cf(static_cast<Cf>(c));
    SortAndDedup(per_cf_[c]);
    if (Deferred(c, deferred)) {
      RETURN_IF_ERROR(
          deferred->AddRun(static_cast<Cf>(c), per_cf_[c], context));
      continue;
    }
    for (const KeyWrite& e : per_cf_[c]) {
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
  for (const KeyWrite& e : per_cf_[static_cast<size_t>(family)]) {
    auto s = e.value ? writer.Put(e.key, *e.value) : writer.Delete(e.key);
    if (!s.ok()) return fail(s);
  }
  if (auto s = writer.Finish(); !s.ok()) return fail(s);
  return absl::OkStatus();
}

absl::Status ChunkWriter::IngestFiles(SortedRuns* deferred,
                                      std::string_view context) {
  StagedFiles staged;
  std::vector<size_t> families;
  std::vector<std::string> files(per_cf_.size());
  for (size_t c = 0; c < per_cf_.size(); ++c) {
    if (per_cf_[c].empty()) continue;
    families.push_back(c);
    if (Deferred(c, deferred)) continue;
    ASSIGN_OR_RETURN(files[c],
                     NewStagedFile(db_, static_cast<Cf>(c), "sst", context));
    staged.Add(files[c]);
  }
  if (families.empty()) return absl::OkStatus();
  // The families' files are independent: sort and build them (or write
  // them as runs) on up to kBuildThreads threads, the calling one included.
  RETURN_IF_ERROR(ParallelFor(
      families.size(), std::min(families.size(), kBuildThreads),
      [] { return 0; },
      [&](int, size_t i) {
        const size_t c = families[i];
        SortAndDedup(per_cf_[c]);
        if (Deferred(c, deferred)) {
          return deferred->AddRun(static_cast<Cf>(c), per_cf_[c], context);
        }
        return BuildFile(static_cast<Cf>(c), files[c], context);
      }));
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t c : families) {
    if (Deferred(c, deferred)) continue;
    args.push_back(IngestArg(db_, static_cast<Cf>(c), {files[c]}));
  }
  if (args.empty()) return absl::OkStatus();
  // All families in one MANIFEST record: a crash leaves all or none of the
  // chunk's files in the database.
  return FromRocks(db_.rdb()->IngestExternalFiles(args),
                   StrCat(context, ": ingest"));
}

}  // namespace critgraph::storage
