// Puts the text of a rule condition (doc/knowledge-format.md, "The rule
// language") into plain words for clinical reviewers (kb/review_pack.h).
//
// It has its own small tokenizer and parser and reads only the condition
// text, so it shows what the knowledge base says, not what the compiler made
// of it; the review pack prints the text as written under the words so that a
// reviewer can check the translation. Output is Markdown:
//
//   back_pain                      "Pain in your back"
//   keeps_fluids_down = false      "You can keep drinks down" is no
//   temperature_c >= 39.0          "Highest temperature (°C)" is at least 39.0
//   age_years < 1                  "Age (years)" is under 1
//   sciatica = both_legs           "Pain spreading down a leg" is "Down both legs"
//   hydration in {some, severe}    "Hydration status" is "some" or "severe"
//   known(x)                       "x" is answered
//   at_least(2, a, b, c)           at least 2 of: a; b; c
//   fever                          *fever* (a definition, listed elsewhere)
//   fever is not true              *fever* is not true (no, or not asked)
//   a and not b                    a and not b
//
// A condition whose words fit on one line (kInlineWidth) is one line; a longer
// one becomes a nested Markdown list ("any of:", "all of:", "at least 2 of:",
// "none of:"), one operand a line.
//
// Thread safety: pure functions.
#ifndef NOROTRIAGE_KB_CONDITION_WORDS_H_
#define NOROTRIAGE_KB_CONDITION_WORDS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "norotriage/status.h"

namespace norotriage::internal {

// How one name of a condition reads.
struct WordsTerm {
  enum class Kind { kFinding, kDerived, kDefinition };
  Kind kind = Kind::kFinding;
  bool is_bool = false;       // a yes/no finding: "x = false" reads "... is no"
  std::string label;          // findings and derived values: their label
  std::map<std::string, std::string, std::less<>> choice_labels;  // choice id -> label
};

// Names to terms. A name that is not here reads as the name in code style.
using WordsVocabulary = std::map<std::string, WordsTerm, std::less<>>;

inline constexpr size_t kInlineWidth = 110;  // longest one-line rendering, in bytes

// The condition in plain words, as Markdown: one line, or a lead line such as
// "any of:" followed by a list (nested lists indented by two spaces a level).
// InvalidArgument when the text is not a condition this module can read.
Result<std::string> ConditionInWords(std::string_view text, const WordsVocabulary& vocab);

// The names the condition reads (findings, derived values, definitions), in
// order of first appearance; choice values are not names.
Result<std::vector<std::string>> ConditionNames(std::string_view text);

// `s` with Markdown's special characters escaped, for running text.
std::string MarkdownEscape(std::string_view s);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_CONDITION_WORDS_H_
