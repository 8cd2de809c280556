// Percent-decoding of URL parts ("%2F" -> "/"), shared by the HTTP request
// reader (paths) and the store (passwords in database URLs).
#ifndef NOROTRIAGE_UTIL_PERCENT_DECODE_H_
#define NOROTRIAGE_UTIL_PERCENT_DECODE_H_

#include <string>
#include <string_view>

namespace norotriage::internal {

// `s` with each "%XY" (two hex digits) replaced by its byte; an invalid or
// cut-off escape is kept as it is. '+' is not a space here.
std::string PercentDecode(std::string_view s);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_UTIL_PERCENT_DECODE_H_
