// Calendar dates as YYYY-MM-DD text, and the clock that says what today is.
#ifndef NOROTRIAGE_EPISODE_DATES_H_
#define NOROTRIAGE_EPISODE_DATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace norotriage::internal {

// Days since 1970-01-01 of a valid YYYY-MM-DD date (years 1900..2999), or nullopt.
std::optional<int64_t> ParseDate(std::string_view text);
std::string FormatDate(int64_t days);
// The current UTC time as YYYY-MM-DDTHH:MM:SSZ.
std::string NowUtc();

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EPISODE_DATES_H_
