#include "storage/bulk_load.h"

#include <algorithm>

#include "rocksdb/metadata.h"
#include "util/parallel.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

// The options the recipe changes. The triggers only need to exceed any
// level-0 file count a load can reach (one file per family per chunk).
constexpr const char* kAutoCompactions = "disable_auto_compactions";
constexpr const char* kSlowdown = "level0_slowdown_writes_trigger";
constexpr const char* kStop = "level0_stop_writes_trigger";
constexpr const char* kNoTrigger = "1048576";

// Compaction output files of about this size: few files for an open to
// visit, each small enough for a later compaction to take in seconds.
constexpr uint64_t kOutputFileBytes = uint64_t{256} << 20;

// Families compacted at once: the two cores of the machines this is tuned
// for (the compactions are CPU-bound: decompress, merge, compress).
constexpr size_t kCompactionThreads = 2;

// What End compacts in one family: the files above the old data.
struct Plan {
  std::vector<std::string> inputs;
  uint64_t bytes = 0;
  int output = 0;
};

// Empty `inputs` when there is nothing worth compacting.
Plan PlanFamily(const rocksdb::ColumnFamilyMetaData& meta,
                uint64_t first_new_file, size_t min_files, bool* busy) {
  Plan plan;
  const int levels = static_cast<int>(meta.levels.size());
  if (levels < 2) return plan;
  // The top of the data that was there before the load (level 0 aside:
  // RocksDB compacts level-0 files oldest first, so any old ones join).
  int old_top = levels;
  for (int l = 1; l < levels && old_top == levels; ++l) {
    for (const rocksdb::SstFileMetaData& f : meta.levels[l].files) {
      if (f.file_number < first_new_file) {
        old_top = l;
        break;
      }
    }
  }
  int levels_used = 0;
  for (int l = 0; l < old_top; ++l) {
    if (meta.levels[l].files.empty()) continue;
    ++levels_used;
    for (const rocksdb::SstFileMetaData& f : meta.levels[l].files) {
      // A compaction that began before the load owns it: leave these files
      // to the automatic compactions.
      if (f.being_compacted) *busy = true;
      plan.inputs.push_back(f.name);
      plan.bytes += f.size;
    }
  }
  // Files in one level other than 0 are one sorted run already (a family
  // whose keys arrive in order, e.g. new node ids): a lookup reads one of
  // them, and an open's cost barely depends on their number.
  const bool one_run = levels_used == 1 && meta.levels[0].files.empty();
  if (*busy || one_run || plan.inputs.size() < std::max<size_t>(min_files, 2)) {
    plan.inputs.clear();
    return plan;
  }
  // Right above the old data (none of it is read or rewritten), or merged
  // with level 1 when the old data starts there (level 1 is small).
  plan.output = old_top == levels ? levels - 1 : std::max(1, old_top - 1);
  return plan;
}

}  // namespace

BulkLoad::~BulkLoad() {
  if (active_) Restore().IgnoreError();
}

absl::Status BulkLoad::Begin() {
  if (active_) return absl::OkStatus();
  rocksdb::DB* rdb = db_.rdb();
  saved_.assign(static_cast<size_t>(Cf::kCount), {});
  for (size_t c = 0; c < saved_.size(); ++c) {
    rocksdb::ColumnFamilyHandle* h = db_.cf(static_cast<Cf>(c));
    const rocksdb::Options now = rdb->GetOptions(h);
    saved_[c] = {
        {kAutoCompactions, now.disable_auto_compactions ? "true" : "false"},
        {kSlowdown, std::to_string(now.level0_slowdown_writes_trigger)},
        {kStop, std::to_string(now.level0_stop_writes_trigger)},
    };
    // The stop trigger first: RocksDB requires stop >= slowdown.
    auto s = rdb->SetOptions(h, {{kAutoCompactions, "true"},
                                 {kStop, kNoTrigger},
                                 {kSlowdown, kNoTrigger}});
    if (!s.ok()) {
      saved_.resize(c + 1);  // restore what was changed so far
      Restore().IgnoreError();
      return FromRocks(
          s, StrCat("bulk load: set options of column family ", h->GetName()));
    }
  }
  active_ = true;
  // Every file made from now on has a higher number than any there now.
  std::vector<rocksdb::LiveFileMetaData> live;
  rdb->GetLiveFilesMetaData(&live);
  first_new_file_ = 1;
  for (const auto& f : live) {
    first_new_file_ = std::max(first_new_file_, f.file_number + 1);
  }
  return absl::OkStatus();
}

absl::Status BulkLoad::Restore() {
  active_ = false;
  absl::Status first;
  for (size_t c = 0; c < saved_.size(); ++c) {
    rocksdb::ColumnFamilyHandle* h = db_.cf(static_cast<Cf>(c));
    auto s = db_.rdb()->SetOptions(h, saved_[c]);
    if (!s.ok() && first.ok()) {
      first = FromRocks(
          s,
          StrCat("bulk load: restore options of column family ", h->GetName()));
    }
  }
  saved_.clear();
  return first;
}

absl::Status BulkLoad::CompactNew(DBImpl& db, Cf family,
                                  uint64_t first_new_file, size_t min_files) {
  rocksdb::ColumnFamilyHandle* h = db.cf(family);
  rocksdb::ColumnFamilyMetaData meta;
  db.rdb()->GetColumnFamilyMetaData(h, &meta);
  bool busy = false;
  Plan plan = PlanFamily(meta, first_new_file, min_files, &busy);
  if (plan.inputs.empty()) return absl::OkStatus();
  rocksdb::CompactionOptions co;
  // LZ4 even at the bottom level: ZSTD (the family's bottommost choice)
  // doubled the compaction's time at 1M nodes; later compactions of the
  // bottom level recompress with ZSTD.
  co.compression = rocksdb::kLZ4Compression;
  co.output_file_size_limit = kOutputFileBytes;
  return FromRocks(db.rdb()->CompactFiles(co, h, plan.inputs, plan.output),
                   StrCat("bulk load: compact ", plan.inputs.size(),
                          " files of column family ", h->GetName(),
                          " into level ", plan.output));
}

absl::Status BulkLoad::End(size_t min_files) {
  if (!active_) return absl::OkStatus();
  // The largest families first, over kCompactionThreads threads (the
  // calling one included), so that the two cores finish together.
  std::vector<std::pair<uint64_t, Cf>> order;
  for (size_t c = 0; c < static_cast<size_t>(Cf::kCount); ++c) {
    rocksdb::ColumnFamilyMetaData meta;
    db_.rdb()->GetColumnFamilyMetaData(db_.cf(static_cast<Cf>(c)), &meta);
    order.emplace_back(meta.size, static_cast<Cf>(c));
  }
  std::sort(order.rbegin(), order.rend());
  const absl::Status compacted = ParallelFor(
      order.size(), kCompactionThreads, [] { return 0; },
      [&](int, size_t i) {
        return CompactNew(db_, order[i].second, first_new_file_, min_files);
      });
  // Compacted while automatic compactions are still off, so that none of
  // them competes for the same files.
  absl::Status restored = Restore();
  return compacted.ok() ? restored : compacted;
}

}  // namespace critgraph::storage
