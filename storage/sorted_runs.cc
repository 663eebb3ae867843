#include "storage/sorted_runs.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <queue>
#include <system_error>

#include "rocksdb/sst_file_writer.h"
#include "storage/chunk_writer.h"
#include "util/coding.h"
#include "util/parallel.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

// A run file is a plain sequence of records, in key order:
//   BE32 key length | key | BE32 value tag | value
// where the tag is 0 for a delete and value length + 1 for a put. Runs are
// private to one process and never outlive it, so the format needs no
// version; it is still read with every length checked.
constexpr uint32_t kDeleteTag = 0;

// Merged output files are cut at about this size: large enough that a bulk
// load adds few files, small enough that a later compaction of part of the
// key range does not rewrite gigabytes.
constexpr uint64_t kOutputFileBytes = uint64_t{256} << 20;

// Runs of one family merged at once, at most: bounds the files (and read
// buffers) open during a merge, whatever the size of the revision.
constexpr size_t kMaxFanIn = 128;

constexpr size_t kWriteBuffer = size_t{1} << 20;
constexpr size_t kReadBuffer = size_t{256} << 10;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

class RunReader {
 public:
  RunReader(std::string path, size_t order)
      : path_(std::move(path)), order_(order) {}

  absl::Status Open() {
    file_.reset(std::fopen(path_.c_str(), "rb"));
    if (!file_) {
      return absl::InternalError(StrCat("cannot open run file ", path_));
    }
    buffer_ = std::make_unique<char[]>(kReadBuffer);
    std::setvbuf(file_.get(), buffer_.get(), _IOFBF, kReadBuffer);
    return Next();
  }

  // Reads the next record; at the end, done() becomes true.
  absl::Status Next() {
    char len[4];
    const size_t got = std::fread(len, 1, 4, file_.get());
    if (got == 0 && std::feof(file_.get())) {
      done_ = true;
      return absl::OkStatus();
    }
    if (got != 4) return Damaged();
    RETURN_IF_ERROR(ReadBytes(GetBE32(len), &key_));
    if (std::fread(len, 1, 4, file_.get()) != 4) return Damaged();
    const uint32_t tag = GetBE32(len);
    is_put_ = tag != kDeleteTag;
    if (is_put_) RETURN_IF_ERROR(ReadBytes(tag - 1, &value_));
    offset_ += 8 + key_.size() + (is_put_ ? value_.size() : 0);
    return absl::OkStatus();
  }

  bool done() const { return done_; }
  const std::string& key() const { return key_; }
  bool is_put() const { return is_put_; }
  const std::string& value() const { return value_; }
  // Newer runs have higher orders and win over older ones.
  size_t order() const { return order_; }

 private:
  absl::Status ReadBytes(uint32_t n, std::string* out) {
    out->resize(n);
    if (n > 0 && std::fread(out->data(), 1, n, file_.get()) != n) {
      return Damaged();
    }
    return absl::OkStatus();
  }
  absl::Status Damaged() const {
    return absl::DataLossError(
        StrCat("run file ", path_, " is truncated at byte ", offset_));
  }

  std::string path_;
  size_t order_;
  File file_;
  std::unique_ptr<char[]> buffer_;
  uint64_t offset_ = 0;
  bool done_ = false;
  std::string key_;
  bool is_put_ = false;
  std::string value_;
};

class RunWriter {
 public:
  absl::Status Open(const std::string& path) {
    path_ = path;
    file_.reset(std::fopen(path.c_str(), "wb"));
    if (!file_) return absl::InternalError(StrCat("cannot create ", path));
    buffer_ = std::make_unique<char[]>(kWriteBuffer);
    std::setvbuf(file_.get(), buffer_.get(), _IOFBF, kWriteBuffer);
    return absl::OkStatus();
  }
  void Add(std::string_view key, const std::string* value) {
    char len[4];
    EncodeBE32(static_cast<uint32_t>(key.size()), len);
    ok_ = ok_ && std::fwrite(len, 1, 4, file_.get()) == 4 &&
          std::fwrite(key.data(), 1, key.size(), file_.get()) == key.size();
    EncodeBE32(value ? static_cast<uint32_t>(value->size() + 1) : kDeleteTag,
               len);
    ok_ = ok_ && std::fwrite(len, 1, 4, file_.get()) == 4;
    if (value != nullptr) {
      ok_ = ok_ && std::fwrite(value->data(), 1, value->size(), file_.get()) ==
                       value->size();
    }
  }
  absl::Status Close() {
    // fclose flushes the buffer, so it must succeed too.
    ok_ = std::fclose(file_.release()) == 0 && ok_;
    if (!ok_) return absl::InternalError(StrCat("cannot write ", path_));
    return absl::OkStatus();
  }

 private:
  std::string path_;
  File file_;
  std::unique_ptr<char[]> buffer_;
  bool ok_ = true;
};

// Merges the runs in `files` (oldest first) in key order, calling
// emit(key, value or nullptr for a delete) once per key with its newest
// write.
template <typename Emit>
absl::Status MergeRuns(const std::vector<std::string>& files, Emit emit) {
  std::vector<std::unique_ptr<RunReader>> readers;
  for (size_t i = 0; i < files.size(); ++i) {
    readers.push_back(std::make_unique<RunReader>(files[i], i));
    RETURN_IF_ERROR(readers.back()->Open());
  }
  // The smallest key on top; among equal keys the newest run.
  auto later = [](const RunReader* a, const RunReader* b) {
    const int c = a->key().compare(b->key());
    return c != 0 ? c > 0 : a->order() < b->order();
  };
  std::priority_queue<RunReader*, std::vector<RunReader*>, decltype(later)>
      heap(later);
  for (auto& r : readers) {
    if (!r->done()) heap.push(r.get());
  }
  std::string last;
  while (!heap.empty()) {
    RunReader* top = heap.top();
    heap.pop();
    last = top->key();
    RETURN_IF_ERROR(emit(last, top->is_put() ? &top->value() : nullptr));
    RETURN_IF_ERROR(top->Next());
    if (!top->done()) heap.push(top);
    // Older runs' versions of the same key lose.
    while (!heap.empty() && heap.top()->key() == last) {
      RunReader* older = heap.top();
      heap.pop();
      RETURN_IF_ERROR(older->Next());
      if (!older->done()) heap.push(older);
    }
  }
  return absl::OkStatus();
}

void RemoveFiles(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    std::error_code ec;
    std::filesystem::remove(f, ec);
  }
}

}  // namespace

absl::Status SortedRuns::AddRun(Cf family, const std::vector<KeyWrite>& writes,
                                std::string_view context) {
  absl::Status& failed = failed_[static_cast<size_t>(family)];
  if (!failed.ok()) return failed;
  failed = WriteRun(family, writes, context);
  return failed;
}

absl::Status SortedRuns::WriteRun(Cf family,
                                  const std::vector<KeyWrite>& writes,
                                  std::string_view context) {
  if (writes.empty()) return absl::OkStatus();
  auto& files = files_[static_cast<size_t>(family)];
  if (files.size() >= kMaxFanIn) {
    // Bounds the files open at the final merge: the oldest runs become one.
    ASSIGN_OR_RETURN(std::string merged,
                     ChunkWriter::NewStagedFile(db_, family, "run", context));
    RunWriter out;
    absl::Status st = out.Open(merged);
    if (st.ok()) {
      st = MergeRuns(files, [&](std::string_view key, const std::string* v) {
        out.Add(key, v);
        return absl::OkStatus();
      });
      const absl::Status closed = out.Close();
      if (st.ok()) st = closed;
    }
    RemoveFiles(files);
    files.clear();
    files.push_back(merged);
    if (!st.ok()) return WithContext(st, context);
  }
  ASSIGN_OR_RETURN(std::string path,
                   ChunkWriter::NewStagedFile(db_, family, "run", context));
  files.push_back(path);
  ++runs_;
  RunWriter out;
  RETURN_IF_ERROR(WithContext(out.Open(path), context));
  for (const KeyWrite& w : writes) {
    out.Add(w.key, w.value ? &*w.value : nullptr);
  }
  return WithContext(out.Close(), context);
}

absl::Status SortedRuns::MergeFamily(Cf family,
                                     std::vector<std::string>* outputs,
                                     std::string_view context) {
  rocksdb::ColumnFamilyHandle* cf = db_.cf(family);
  rocksdb::Options options = db_.rdb()->GetOptions(cf);
  // As for chunk files (ChunkWriter::BuildFile): LZ4, not the bottommost
  // ZSTD, which would cost more than the merge itself.
  options.bottommost_compression = options.compression;
  std::unique_ptr<rocksdb::SstFileWriter> writer;
  auto fail = [&](const rocksdb::Status& s) {
    return FromRocks(s, StrCat(context, ": merge ", cf->GetName()));
  };
  auto finish = [&]() -> absl::Status {
    if (!writer) return absl::OkStatus();
    auto s = writer->Finish();
    writer.reset();
    return s.ok() ? absl::OkStatus() : fail(s);
  };
  auto emit = [&](std::string_view key,
                  const std::string* value) -> absl::Status {
    if (!writer) {
      ASSIGN_OR_RETURN(std::string path,
                       ChunkWriter::NewStagedFile(db_, family, "sst", context));
      outputs->push_back(path);
      writer = std::make_unique<rocksdb::SstFileWriter>(
          rocksdb::EnvOptions(), options, cf, /*invalidate_page_cache=*/false);
      if (auto s = writer->Open(path); !s.ok()) return fail(s);
    }
    const rocksdb::Slice k(key.data(), key.size());
    auto s = value ? writer->Put(k, *value) : writer->Delete(k);
    if (!s.ok()) return fail(s);
    if (writer->FileSize() >= kOutputFileBytes) return finish();
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(WithContext(
      MergeRuns(files_[static_cast<size_t>(family)], emit), context));
  return finish();
}

absl::Status SortedRuns::MergeAndIngest(std::string_view context) {
  for (const absl::Status& failed : failed_) {
    if (!failed.ok()) {
      const absl::Status st = failed;
      Clear();
      return st;
    }
  }
  if (empty()) return absl::OkStatus();
  std::vector<Cf> families;
  for (size_t c = 0; c < files_.size(); ++c) {
    if (!files_[c].empty()) families.push_back(static_cast<Cf>(c));
  }
  std::vector<std::vector<std::string>> outputs(families.size());
  // Removes the merged files that ingestion did not move in (all of them on
  // an error) and the runs, on every exit path.
  struct Cleanup {
    SortedRuns* runs;
    std::vector<std::vector<std::string>>* outputs;
    ~Cleanup() {
      for (const auto& files : *outputs) RemoveFiles(files);
      runs->Clear();
    }
  } cleanup{this, &outputs};
  RETURN_IF_ERROR(ParallelFor(
      families.size(), PoolSize(0, families.size()), [] { return 0; },
      [&](int, size_t i) {
        return MergeFamily(families[i], &outputs[i], context);
      }));
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t i = 0; i < families.size(); ++i) {
    if (outputs[i].empty()) continue;
    args.push_back(ChunkWriter::IngestArg(db_, families[i], outputs[i]));
  }
  if (args.empty()) return absl::OkStatus();
  return FromRocks(db_.rdb()->IngestExternalFiles(args),
                   StrCat(context, ": ingest merged runs"));
}

void SortedRuns::Clear() {
  for (auto& files : files_) {
    RemoveFiles(files);
    files.clear();
  }
  for (auto& failed : failed_) failed = absl::OkStatus();
  runs_ = 0;
}

}  // namespace critgraph::storage
