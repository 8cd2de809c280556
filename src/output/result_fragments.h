// ResultFragments: the texts of one knowledge base rendered as JSON once, so
// that writing a result (output/result_json.cc) is mostly copying.
//
// Most of a result's bytes are knowledge-base text: advice, citations,
// questions, safety-net lines. An Assessment holds them as views into the
// knowledge base, so a fragment is found by the address of the string it was
// rendered from: a view finds it only when it views exactly that string (same
// address, same length), and then the fragment is, by construction, what
// rendering the view would write. A view of any other memory (text from an
// assessment built or changed by hand) is not found and is rendered as usual.
//
// Thread safety: immutable once built. FragmentsOf keeps one per CompiledKb,
// shared read-only by every thread.
#ifndef NOROTRIAGE_OUTPUT_RESULT_FRAGMENTS_H_
#define NOROTRIAGE_OUTPUT_RESULT_FRAGMENTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compile/compiled_kb.h"
#include "norotriage/assessment.h"

namespace norotriage::internal {

class ResultFragments {
 public:
  // Renders every text of `kb` an assessment can show. Budget: linear in the
  // size of those texts (well under a millisecond for the built-in one).
  // REQUIRES: kb outlives this object and does not change.
  explicit ResultFragments(const CompiledKb& kb);

  ResultFragments(const ResultFragments&) = delete;  // keyed by addresses inside one kb
  ResultFragments& operator=(const ResultFragments&) = delete;

  // The JSON string (quoted and escaped) of the knowledge-base text that `v`
  // views, or nullptr when `v` views anything else.
  const std::string* String(std::string_view v) const {
    const uint32_t i = string_index_.Find(v.data());
    return i != AddressIndex::kNone && v.size() == strings_[i].from.size() ? &strings_[i].json : nullptr;
  }
  // The JSON array of `sources` when it is, view for view, the citations of
  // one rule of the knowledge base; otherwise nullptr.
  const std::string* SourceList(const std::vector<std::string_view>& sources) const;
  // The JSON object of `item` when it is the safety-net item of one flag as
  // Assess makes it (its id, level and safety_net text); otherwise nullptr.
  const std::string* SafetyNetItem(const norotriage::SafetyNetItem& item) const;
  // The start of the JSON object of `item`, up to its "for_flags" value, when
  // its finding and question are one finding's of the knowledge base;
  // otherwise nullptr.
  const std::string* UnansweredHead(const UnansweredItem& item) const;

 private:
  // An open-addressing table from an address to an index.
  class AddressIndex {
   public:
    void Insert(const void* key, uint32_t value);  // keeps the first value of a key
    // The value of `key`, or kNone.
    uint32_t Find(const void* key) const {
      if (slots_.empty() || key == nullptr) return kNone;
      for (size_t i = Home(key);; i = (i + 1) & (slots_.size() - 1)) {
        if (slots_[i].key == key) return slots_[i].value;
        if (slots_[i].key == nullptr) return kNone;  // at most half full: an empty slot ends every probe
      }
    }
    static constexpr uint32_t kNone = UINT32_MAX;

   private:
    struct Slot {
      const void* key = nullptr;
      uint32_t value = kNone;
    };
    size_t Home(const void* key) const {
      // Fibonacci hashing: the multiply spreads the address's middle bits
      // (the low ones are alignment) over the high ones, which pick the slot.
      const uint64_t h = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(key)) * 0x9E3779B97F4A7C15ull;
      return static_cast<size_t>(h >> 32) & (slots_.size() - 1);
    }
    void Grow();
    std::vector<Slot> slots_;  // size a power of two, at most half full
    size_t used_ = 0;
  };

  struct Rendered {
    std::string_view from;   // the knowledge-base text rendered
    std::string json;
  };
  struct RenderedList {
    std::vector<std::string_view> from;
    std::string json;
  };

  void AddString(const std::string& s);
  void AddSources(const Sources& sources);

  const CompiledKb& kb_;
  std::vector<Rendered> strings_;
  AddressIndex string_index_;       // the text's address -> strings_
  std::vector<RenderedList> sources_;
  AddressIndex sources_index_;      // the first citation's address -> sources_
  std::vector<std::string> safety_net_;  // by flag
  AddressIndex safety_net_index_;   // the flag's safety_net text's address -> flag
  std::vector<std::array<std::string, 4>> unanswered_;  // by finding, then Level
  AddressIndex finding_index_;      // the finding id's address -> finding
};

// The fragments of `kb`, built on the first call and kept in
// kb.result_fragments. Thread-safe.
const ResultFragments& FragmentsOf(const CompiledKb& kb);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_OUTPUT_RESULT_FRAGMENTS_H_
