// Progress of a long command on a terminal: one line, redrawn in place.
//
//   [##########..........]  50%  500,000 lines  480,312 lines/s
//
// The bar and the percentage are shown when the total size is known (a
// regular file); otherwise only the count and the rate. Redraws at most ten
// times a second. Thread safety: one thread (the caller of Update).
#ifndef NOROTRIAGE_CLI_PROGRESS_H_
#define NOROTRIAGE_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace norotriage::cli {

class ProgressLine {
 public:
  // `total_bytes` 0: unknown. Draws on `out` (a terminal).
  ProgressLine(std::FILE* out, uint64_t total_bytes);

  void Update(uint64_t lines, uint64_t bytes);
  // Erases the line, for the summary that follows.
  void Clear();

  // The text of the line, without the carriage return (for tests).
  static std::string Render(uint64_t lines, uint64_t bytes, uint64_t total_bytes, double seconds);

 private:
  std::FILE* out_;
  uint64_t total_bytes_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace norotriage::cli

#endif  // NOROTRIAGE_CLI_PROGRESS_H_
