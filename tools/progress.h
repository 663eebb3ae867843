// A progress bar on stderr: shown only when stderr is a terminal and the
// operation has run for more than a second; elements/s and ETA.
#ifndef CRITGRAPH_TOOLS_PROGRESS_H_
#define CRITGRAPH_TOOLS_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "critgraph/io/progress.h"

namespace critgraph::cli {

class Progress {
 public:
  // `total` = expected final Update value (0 = unknown: no percentage/ETA).
  // `unit` names what is counted ("bytes", "elements").
  Progress(std::string label, uint64_t total, std::string unit);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Cheap; redraws at most ten times a second.
  void Update(uint64_t done);
  // A callback for the io/ layer feeding this bar (its total replaces the
  // one given here when non-zero). The bar must outlive it.
  io::ProgressFn Callback();
  // Draws the final state (if the bar was shown) and ends the line.
  void Finish();

 private:
  void Draw(bool final);

  std::string label_;
  uint64_t total_;
  std::string unit_;
  bool enabled_;
  bool shown_ = false;
  bool finished_ = false;
  uint64_t done_ = 0;
  uint32_t calls_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_PROGRESS_H_
