#include "util/json_writer.h"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "util/utf8.h"

namespace norotriage::internal {
namespace {

constexpr int kTrackedDepth = 64;  // object_bits_ has one bit per level

// True when none of the 8 bytes at `p` needs attention in a JSON string: no
// control character (< 0x20), no '"', no '\\', no byte >= 0x80 (UTF-8,
// validated byte by byte). Word-at-a-time ("SWAR") tests: a zero byte in x
// shows as (x - 0x01..) & ~x & 0x80..; a byte below 0x20 likewise.
inline bool PlainWord(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  uint64_t w;
  std::memcpy(&w, p, 8);
  const uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
  const uint64_t special = ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) |
                           ((backslash - kOnes) & ~backslash) | w;
  return (special & kHigh) == 0;
}

// kPlain[c]: byte c needs no attention (as PlainWord says).
constexpr auto kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

#if defined(__SSE2__)
// Bit k set when byte p[k] needs attention. A signed compare with 0x20
// catches both control bytes and bytes >= 0x80.
inline unsigned SpecialMask16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                       _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
  return static_cast<unsigned>(_mm_movemask_epi8(special));
}
#endif

// The index of the first byte of s[i..] that needs attention, or s.size().
// Reads only inside `s`. Most text written is plain ASCII: with SSE2 (every
// x86-64) this tests 16 bytes per step, and the last bytes of a string of 16
// or more with one overlapping step (the bytes it tests again are plain).
inline size_t SkipPlain(std::string_view s, size_t i) {
  const char* p = s.data();
  const size_t n = s.size();
#if defined(__SSE2__)
  if (n - i >= 16) {
    for (; i + 16 <= n; i += 16) {
      if (const unsigned mask = SpecialMask16(p + i)) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    if (i == n) return n;
    const unsigned mask = SpecialMask16(p + n - 16);
    return mask ? n - 16 + static_cast<size_t>(__builtin_ctz(mask)) : n;
  }
#endif
  for (; i + 8 <= n && PlainWord(p + i); i += 8) {
  }
  while (i < n && kPlain[static_cast<unsigned char>(p[i])]) ++i;
  return i;
}

}  // namespace

void JsonWriter::BeforeValue() {
  // Inside an object a value must follow its Key; inside an array, no Key.
  assert(depth_ == 0 || depth_ > kTrackedDepth ||
         after_key_ == (((object_bits_ >> (depth_ - 1)) & 1u) != 0));
  if (need_comma_) out_->push_back(',');
  need_comma_ = true;
  after_key_ = false;
}

void JsonWriter::Open(char bracket, bool is_object) {
  BeforeValue();
  out_->push_back(bracket);
  ++depth_;
  if (depth_ <= kTrackedDepth) {
    const uint64_t bit = uint64_t{1} << (depth_ - 1);
    object_bits_ = is_object ? (object_bits_ | bit) : (object_bits_ & ~bit);
  }
  need_comma_ = false;
}

void JsonWriter::Close(char bracket, bool is_object) {
  assert(depth_ > 0 && !after_key_);
  assert(depth_ > kTrackedDepth || (((object_bits_ >> (depth_ - 1)) & 1u) != 0) == is_object);
  (void)is_object;  // only checked by the assert
  out_->push_back(bracket);
  --depth_;
  need_comma_ = true;
}

void JsonWriter::BeginObject() { Open('{', true); }
void JsonWriter::EndObject() { Close('}', true); }
void JsonWriter::BeginArray() { Open('[', false); }
void JsonWriter::EndArray() { Close(']', false); }

void JsonWriter::Key(std::string_view key) {
  assert(depth_ > 0 && !after_key_);
  assert(depth_ > kTrackedDepth || ((object_bits_ >> (depth_ - 1)) & 1u) != 0);
  if (need_comma_) out_->push_back(',');
  AppendJsonString(key, out_);
  out_->push_back(':');
  need_comma_ = false;
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(value, out_);
}

void JsonWriter::Int(long long value) {
  BeforeValue();
  AppendJsonInt(value, out_);
}

void JsonWriter::Double(double value) {
  BeforeValue();
  AppendJsonDouble(value, out_);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
}

void AppendJsonInt(long long value, std::string* out) {
  char buf[24];  // 20 digits and a sign
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // cannot fail: the buffer fits every long long
  out->append(buf, end);
}

void AppendJsonDouble(double value, std::string* out) {
  if (!std::isfinite(value)) {
    out->append("null");
    return;
  }
  // fmt's "{}" is the shortest round-trip form (Dragonbox), and its output
  // ("3", "0.1", "1e+21", "-0") is always a valid JSON number for finite input.
  char buf[32];  // the longest shortest form is 24 chars (-2.2250738585072014e-308)
  const auto result = fmt::format_to_n(buf, sizeof buf, "{}", value);
  out->append(buf, result.out);
}

void AppendJsonString(std::string_view s, std::string* out_text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string& out = *out_text;
  // Copy runs of bytes that need no escaping in one append: most text is
  // plain ASCII, so this is usually one scan and one copy.
  size_t i = SkipPlain(s, 0);
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  size_t run = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(s, i);
      if (len != 0) {
        i = SkipPlain(s, i + len);
        continue;
      }
      out.append(s.data() + run, i - run);
      out.append(kUtf8Replacement);
      run = ++i;
      i = SkipPlain(s, i);
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
    run = ++i;
    i = SkipPlain(s, i);
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
}

}  // namespace norotriage::internal
