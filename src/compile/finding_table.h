// FindingTable: finding id -> finding index, for the request parser, which
// looks up every key of every request. The same answers as
// KnowledgeBase::FindingIndex (an unordered_map with std::hash), at a
// fraction of the cost: an open-addressing table with a hash of the first
// and last eight bytes and the length, and one memcmp to confirm.
//
// Thread safety: immutable after construction; shared read-only.
#ifndef NOROTRIAGE_COMPILE_FINDING_TABLE_H_
#define NOROTRIAGE_COMPILE_FINDING_TABLE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace norotriage::internal {

class FindingTable {
 public:
  // `ids[i]` is the id of finding i. Borrows nothing: the ids are copied.
  explicit FindingTable(const std::vector<std::string>& ids);

  // The index of the finding `id`, or -1 when there is none.
  int Find(std::string_view id) const {
    const size_t mask = slots_.size() - 1;
    for (size_t pos = Hash(id) >> shift_;; pos = (pos + 1) & mask) {
      const Slot& s = slots_[pos];
      if (s.index < 0) return -1;
      if (Equal(s, id)) return s.index;
    }
  }

 private:

  struct Slot {
    uint32_t offset = 0;  // of the id in text_
    uint32_t length = 0;
    int32_t index = -1;   // -1: empty
  };
  static uint64_t Load8(const char* p) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    return x;
  }
  // Whether slot `s` holds `id`: eight bytes at a time (ids are mostly 8 to 32 bytes).
  bool Equal(const Slot& s, std::string_view id) const {
    const size_t n = id.size();
    if (s.length != n) return false;
    const char* a = text_.data() + s.offset;
    const char* b = id.data();
    if (n < 8) return std::memcmp(a, b, n) == 0;
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (Load8(a + i) != Load8(b + i)) return false;
    }
    return Load8(a + n - 8) == Load8(b + n - 8);
  }
  static uint64_t Hash(std::string_view s) {
    uint64_t first = 0, last = 0;
    if (s.size() >= 8) {
      first = Load8(s.data());
      last = Load8(s.data() + s.size() - 8);
    } else {
      for (size_t i = 0; i < s.size(); ++i) first |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    }
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio
    uint64_t h = (first ^ s.size()) * kMul;
    h ^= last + (h >> 29);
    return h * kMul;
  }

  std::string text_;         // the ids, back to back
  std::vector<Slot> slots_;  // a power of two, at most half full
  int shift_ = 64;           // 64 - log2(slots_.size())
};

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_COMPILE_FINDING_TABLE_H_
