// UTF-8 well-formedness, shared by the JSON writer and the text renderer.
#ifndef NOROTRIAGE_UTIL_UTF8_H_
#define NOROTRIAGE_UTIL_UTF8_H_

#include <cstddef>
#include <string_view>

namespace norotriage::internal {

// Length of the valid UTF-8 sequence that starts at s[i] (a byte >= 0x80), or
// 0 when it is not valid. Follows the well-formed byte sequences table of
// Unicode (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
size_t Utf8SequenceLength(std::string_view s, size_t i);

inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_UTIL_UTF8_H_
