// Flesch–Kincaid grade level of plain-language text.
//
// The grade is the U.S. school grade a reader needs to follow the text
// (Kincaid JP, Fishburne RP, Rogers RL, Chissom BS 1975, "Derivation of new
// readability formulas (Automated Readability Index, Fog Count and Flesch
// Reading Ease Formula) for Navy enlisted personnel", Research Branch Report
// 8-75; knowledge base source id `kincaid-1975`). The result contract
// (spec/result.md) asks for grade 8 or lower in every patient-facing text.
//
// The counting rules are fixed here, so that a grade is reproducible:
//   - words: maximal runs of ASCII letters, digits and apostrophes;
//   - sentences: the number of runs of '.', '!' and '?' characters, at least 1;
//   - syllables of one word: lowercase it and keep only a-z; if nothing is
//     left, 1; else count the runs of [aeiouy]; if the word ends in "e" but
//     not in "le" and the count is above 1, subtract 1; at least 1;
//   - grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59,
//     and 0 when there are no words.
// Bytes outside ASCII are separators. The grade can be negative for very
// short, simple text.
//
// Thread safety: pure functions.
#ifndef NOROTRIAGE_UTIL_READABILITY_H_
#define NOROTRIAGE_UTIL_READABILITY_H_

#include <string_view>

namespace norotriage::internal {

struct Readability {
  int words = 0;
  int sentences = 0;     // at least 1
  int syllables = 0;     // summed over all words
  double grade = 0;      // Flesch–Kincaid grade level; 0 when words == 0
};

// The syllable count of one word by the rule above (at least 1).
int CountSyllables(std::string_view word);

// Counts and grades `text`. Budget: linear in text.size(); no allocation.
Readability FleschKincaid(std::string_view text);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_UTIL_READABILITY_H_
