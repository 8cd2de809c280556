#include "util/readability.h"

namespace norotriage::internal {
namespace {

// ASCII only, so the result never depends on the locale.
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'';
}

bool IsSentenceEnd(char c) { return c == '.' || c == '!' || c == '?'; }

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

}  // namespace

int CountSyllables(std::string_view word) {
  // Walk the letters of the word, lowercased, skipping everything else, so
  // that "don't" is read as "dont" without building a new string.
  int count = 0;
  bool in_vowels = false;
  char last = 0, before_last = 0;
  for (char c : word) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c < 'a' || c > 'z') continue;
    const bool vowel = IsVowel(c);
    if (vowel && !in_vowels) ++count;
    in_vowels = vowel;
    before_last = last;
    last = c;
  }
  if (last == 0) return 1;  // no letters at all, e.g. "14"
  // A silent final 'e' ("make"), but not the 'e' of "-le" ("table").
  if (last == 'e' && before_last != 'l' && count > 1) --count;
  return count < 1 ? 1 : count;
}

Readability FleschKincaid(std::string_view text) {
  Readability r;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (IsWordChar(text[i])) {
      const size_t start = i;
      while (i < n && IsWordChar(text[i])) ++i;
      ++r.words;
      r.syllables += CountSyllables(text.substr(start, i - start));
    } else if (IsSentenceEnd(text[i])) {
      while (i < n && IsSentenceEnd(text[i])) ++i;
      ++r.sentences;
    } else {
      ++i;
    }
  }
  if (r.sentences < 1) r.sentences = 1;
  if (r.words > 0) {
    r.grade = 0.39 * (static_cast<double>(r.words) / r.sentences) +
              11.8 * (static_cast<double>(r.syllables) / r.words) - 15.59;
  }
  return r;
}

}  // namespace norotriage::internal
