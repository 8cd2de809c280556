// "Did you mean" suggestions by edit distance.
#ifndef NOROTRIAGE_UTIL_SPELL_H_
#define NOROTRIAGE_UTIL_SPELL_H_

#include <string>
#include <string_view>
#include <vector>

namespace norotriage::internal {

// Damerau–Levenshtein (optimal string alignment) distance. O(|a|·|b|) time;
// inputs longer than 256 bytes are compared on their first 256 bytes.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if its distance is at most a third of the
// word's length (at least 1, at most 3); "" otherwise. Ties go to the first.
std::string Suggest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_UTIL_SPELL_H_
