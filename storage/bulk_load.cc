#include "storage/bulk_load.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "rocksdb/metadata.h"
#include "util/parallel.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

constexpr const char* kAutoCompactions = "disable_auto_compactions";
constexpr const char* kSlowdown = "level0_slowdown_writes_trigger";
constexpr const char* kStop = "level0_stop_writes_trigger";
// Above any level-0 file count a load can reach (a file per family per
// chunk).
constexpr const char* kNoTrigger = "1048576";

// Compaction output files of about this size: few files for an open to
// visit, each small enough for a later compaction to take in seconds.
constexpr uint64_t kOutputFileBytes = uint64_t{256} << 20;

// Families compacted at once: the two cores of the machines this is tuned
// for (the compactions are CPU-bound: decompress, merge, compress).
constexpr size_t kCompactionThreads = 2;

// How long End waits for a background compaction that is running on a
// family's files before leaving that family as it is.
constexpr auto kWaitForRunning = std::chrono::minutes(10);

struct Plan {
  std::vector<std::string> inputs;
  int output = 0;
  bool busy = false;  // a background compaction holds some of the files
};

// Empty `inputs` when there is nothing worth compacting.
Plan PlanFamily(const rocksdb::ColumnFamilyMetaData& meta,
                uint64_t first_new_file, size_t max_runs) {
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
  // Each level-0 file is a run of its own; each other level is one run.
  size_t runs = meta.levels[0].files.size();
  for (int l = 0; l < old_top; ++l) {
    if (l > 0 && !meta.levels[l].files.empty()) ++runs;
    for (const rocksdb::SstFileMetaData& f : meta.levels[l].files) {
      plan.busy = plan.busy || f.being_compacted;
      plan.inputs.push_back(f.name);
    }
  }
  if (runs <= max_runs) {
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
  if (active_) Set(saved_, "restore").IgnoreError();
}

uint64_t BulkLoad::NextFileNumber(DBImpl& db) {
  std::vector<rocksdb::LiveFileMetaData> live;
  db.rdb()->GetLiveFilesMetaData(&live);
  uint64_t next = 1;
  for (const auto& f : live) next = std::max(next, f.file_number + 1);
  return next;
}

absl::Status BulkLoad::Set(
    const std::vector<std::unordered_map<std::string, std::string>>& values,
    std::string_view what) {
  absl::Status first;
  for (size_t c = 0; c < values.size(); ++c) {
    rocksdb::ColumnFamilyHandle* h = db_.cf(static_cast<Cf>(c));
    auto s = db_.rdb()->SetOptions(h, values[c]);
    if (!s.ok() && first.ok()) {
      first = FromRocks(s, StrCat("bulk load: ", what,
                                  " options of column family ", h->GetName()));
    }
  }
  return first;
}

absl::Status BulkLoad::Begin() {
  if (active_) return absl::OkStatus();
  const size_t families = static_cast<size_t>(Cf::kCount);
  saved_.assign(families, {});
  for (size_t c = 0; c < families; ++c) {
    const rocksdb::Options now =
        db_.rdb()->GetOptions(db_.cf(static_cast<Cf>(c)));
    saved_[c] = {
        {kAutoCompactions, now.disable_auto_compactions ? "true" : "false"},
        {kSlowdown, std::to_string(now.level0_slowdown_writes_trigger)},
        {kStop, std::to_string(now.level0_stop_writes_trigger)},
    };
  }
  first_new_file_ = NextFileNumber(db_);
  // The stop trigger first: RocksDB requires stop >= slowdown.
  std::vector<std::unordered_map<std::string, std::string>> lifted(
      families, {{kStop, kNoTrigger}, {kSlowdown, kNoTrigger}});
  if (auto st = Set(lifted, "set"); !st.ok()) {
    Set(saved_, "restore").IgnoreError();
    return st;
  }
  active_ = true;
  return absl::OkStatus();
}

absl::Status BulkLoad::CompactNew(DBImpl& db, Cf family,
                                  uint64_t first_new_file, size_t max_runs) {
  rocksdb::ColumnFamilyHandle* h = db.cf(family);
  const auto deadline = std::chrono::steady_clock::now() + kWaitForRunning;
  Plan plan;
  for (;;) {
    rocksdb::ColumnFamilyMetaData meta;
    db.rdb()->GetColumnFamilyMetaData(h, &meta);
    plan = PlanFamily(meta, first_new_file, max_runs);
    if (plan.inputs.empty()) return absl::OkStatus();
    if (!plan.busy) break;
    // Leave the family to the automatic compactions; nothing is lost.
    if (std::chrono::steady_clock::now() > deadline) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
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

absl::Status BulkLoad::End(size_t max_runs) {
  if (!active_) return absl::OkStatus();
  const size_t families = static_cast<size_t>(Cf::kCount);
  // No new automatic compaction may take the files being planned.
  std::vector<std::unordered_map<std::string, std::string>> paused(
      families, {{kAutoCompactions, "true"}});
  absl::Status compacted = Set(paused, "pause compactions of");
  if (compacted.ok()) {
    // The largest families first, two at a time, so the cores finish
    // together.
    std::vector<std::pair<uint64_t, Cf>> order;
    for (size_t c = 0; c < families; ++c) {
      rocksdb::ColumnFamilyMetaData meta;
      db_.rdb()->GetColumnFamilyMetaData(db_.cf(static_cast<Cf>(c)), &meta);
      order.emplace_back(meta.size, static_cast<Cf>(c));
    }
    std::sort(order.rbegin(), order.rend());
    compacted = ParallelFor(
        order.size(), kCompactionThreads, [] { return 0; },
        [&](int, size_t i) {
          return CompactNew(db_, order[i].second, first_new_file_, max_runs);
        });
  }
  active_ = false;
  absl::Status restored = Set(saved_, "restore");
  saved_.clear();
  return compacted.ok() ? restored : compacted;
}

}  // namespace critgraph::storage
