#include "io/parsed_lines.h"

#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "io/line_reader.h"
#include "util/mutex.h"

namespace critgraph::io::internal {
namespace {

bool IsBlank(const std::string& line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Reads the next non-blank line of `reader` and parses it into *out.
void ReadOne(LineReader& reader, std::string& line, ParsedLine* out) {
  for (;;) {
    auto r = reader.Next(&line);
    out->line_number = reader.line_number();
    out->bytes_read = reader.bytes_read();
    out->unterminated = false;
    switch (r) {
      case LineReader::Result::kEnd:
        out->kind = ParsedLine::Kind::kEnd;
        return;
      case LineReader::Result::kError:
        out->kind = ParsedLine::Kind::kReadError;
        return;
      case LineReader::Result::kTooLong:
        out->kind = ParsedLine::Kind::kTooLong;
        return;
      case LineReader::Result::kLine:
        break;
    }
    if (IsBlank(line)) continue;
    out->kind = ParsedLine::Kind::kOp;
    out->unterminated = reader.last_line_unterminated();
    out->op = ParseChangeLine(line);
    return;
  }
}

bool IsLast(const ParsedLine& p) {
  return p.kind == ParsedLine::Kind::kEnd ||
         p.kind == ParsedLine::Kind::kReadError;
}

class InlineLines : public ParsedLines {
 public:
  explicit InlineLines(std::istream& in) : reader_(in, kMaxChangeLineBytes) {}
  const ParsedLine& Next() override {
    if (!IsLast(current_) || !started_) ReadOne(reader_, line_, &current_);
    started_ = true;
    return current_;
  }

 private:
  LineReader reader_;
  std::string line_;
  ParsedLine current_;
  bool started_ = false;
};

class AheadLines : public ParsedLines {
 public:
  // Bounds the memory held ahead of the consumer: at most kMaxBatches
  // batches queued plus one being filled and one being consumed, each of at
  // most kBatchLines lines or about kBatchBytes bytes of line text (one line
  // may exceed it, up to kMaxChangeLineBytes).
  static constexpr size_t kBatchLines = 1024;
  static constexpr uint64_t kBatchBytes = uint64_t{4} << 20;
  static constexpr size_t kMaxBatches = 4;

  AheadLines(std::istream& in, const std::atomic<bool>* cancel)
      : reader_(in, kMaxChangeLineBytes),
        cancel_(cancel),
        thread_([this] { Produce(); }) {}

  ~AheadLines() override {
    {
      MutexLock lock(&mu_);
      stop_ = true;
      changed_.SignalAll();
    }
    thread_.join();
  }

  const ParsedLine& Next() override {
    if (pos_ < batch_.size()) return batch_[pos_++];
    if (!batch_.empty() && IsLast(batch_.back())) return batch_.back();
    MutexLock lock(&mu_);
    while (!HasBatch()) changed_.Wait();
    batch_ = std::move(queue_.front());
    queue_.pop_front();
    changed_.SignalAll();  // the producer may wait for room
    pos_ = 1;
    return batch_[0];
  }

 private:
  bool HasBatch() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty();
  }
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.size() < kMaxBatches || stop_;
  }
  bool Stopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stop_ || (cancel_ != nullptr && cancel_->load());
  }

  void Produce() {
    std::string line;
    for (bool last = false; !last;) {
      std::vector<ParsedLine> batch;
      batch.reserve(kBatchLines);
      const uint64_t start = reader_.bytes_read();
      while (!last && batch.size() < kBatchLines &&
             reader_.bytes_read() - start < kBatchBytes) {
        ParsedLine p;
        ReadOne(reader_, line, &p);
        last = IsLast(p);
        batch.push_back(std::move(p));
        if (cancel_ != nullptr && cancel_->load()) break;
      }
      MutexLock lock(&mu_);
      while (!HasRoom()) changed_.Wait();
      if (Stopping() && !last) {
        // The consumer has gone, or is about to see the cancel: end the
        // stream here so it never waits for lines that will not come.
        ParsedLine end;
        end.kind = ParsedLine::Kind::kReadError;
        end.line_number = reader_.line_number();
        end.bytes_read = reader_.bytes_read();
        batch.push_back(std::move(end));
        last = true;
      }
      queue_.push_back(std::move(batch));
      changed_.SignalAll();
    }
  }

  LineReader reader_;  // used by the producer thread only
  const std::atomic<bool>* const cancel_;
  // Not absl::Mutex: TSan cannot see Debian's prebuilt one (util/mutex.h).
  Mutex mu_;
  CondVar changed_{&mu_};  // the queue or stop_ changed
  std::deque<std::vector<ParsedLine>> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // The consumer's batch; touched by the consumer only.
  std::vector<ParsedLine> batch_;
  size_t pos_ = 0;
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace

std::unique_ptr<ParsedLines> ParseInline(std::istream& in) {
  return std::make_unique<InlineLines>(in);
}

std::unique_ptr<ParsedLines> ParseAhead(std::istream& in,
                                        const std::atomic<bool>* cancel) {
  return std::make_unique<AheadLines>(in, cancel);
}

}  // namespace critgraph::io::internal
