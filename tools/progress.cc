#include "tools/progress.h"

#include <cstdio>

#include "tools/cli_common.h"

namespace critgraph::cli {

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(StderrIsTty()),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t done) {
  done_ = done;
  if (!enabled_ || (++calls_ & 63) != 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1)) return;
  if (shown_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

io::ProgressFn Progress::Callback() {
  return [this](uint64_t done, uint64_t total) {
    if (total != 0) total_ = total;
    Update(done);
  };
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (shown_) {
    Draw(true);
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }
}

void Progress::Draw(bool final) {
  shown_ = true;
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  double rate = secs > 0 ? done_ / secs : 0;
  char line[256];
  if (total_ > 0) {
    double frac = std::min(1.0, static_cast<double>(done_) / total_);
    int filled = static_cast<int>(frac * 30);
    std::string bar(filled, '#');
    bar.resize(30, '.');
    double eta =
        (rate > 0 && !final) ? (total_ - std::min(done_, total_)) / rate : 0;
    std::snprintf(line, sizeof(line),
                  "\r%s [%s] %3.0f%%  %.0f %s/s  ETA %d:%02d ", label_.c_str(),
                  bar.c_str(), frac * 100, rate, unit_.c_str(),
                  static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  } else {
    std::snprintf(line, sizeof(line), "\r%s %llu %s  %.0f %s/s ",
                  label_.c_str(), static_cast<unsigned long long>(done_),
                  unit_.c_str(), rate, unit_.c_str());
  }
  std::fputs(line, stderr);
  std::fflush(stderr);
}

}  // namespace critgraph::cli
