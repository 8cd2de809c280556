#include "cli/progress.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace norotriage::cli {
namespace {

// 1234567 -> "1,234,567".
std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

ProgressLine::ProgressLine(std::FILE* out, uint64_t total_bytes)
    : out_(out), total_bytes_(total_bytes), start_(std::chrono::steady_clock::now()), last_(start_) {}

std::string ProgressLine::Render(uint64_t lines, uint64_t bytes, uint64_t total_bytes, double seconds) {
  const std::string rate =
      seconds > 0 ? fmt::format("  {} lines/s", Thousands(static_cast<uint64_t>(static_cast<double>(lines) / seconds)))
                  : "";
  if (total_bytes == 0) return fmt::format("{} lines{}", Thousands(lines), rate);
  constexpr int kWidth = 20;
  const double done = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes));
  const int filled = static_cast<int>(done * kWidth);
  return fmt::format("[{}{}] {:3d}%  {} lines{}", std::string(filled, '#'), std::string(kWidth - filled, '.'),
                     static_cast<int>(done * 100), Thousands(lines), rate);
}

void ProgressLine::Update(uint64_t lines, uint64_t bytes) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  fmt::print(out_, "\r\033[K{}", Render(lines, bytes, total_bytes_, seconds));
  std::fflush(out_);
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  fmt::print(out_, "\r\033[K");
  std::fflush(out_);
}

}  // namespace norotriage::cli
