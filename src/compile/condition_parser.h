// Parses the text of a rule condition (doc/knowledge-format.md, "The rule
// language") into postfix items with names still unresolved.
//
// The parser is an operator-precedence (shunting-yard) parser with explicit
// stacks: it never recurses, so nesting depth costs no native stack. Budgets
// on token count and nesting depth turn hostile input into a clean error.
#ifndef NOROTRIAGE_COMPILE_CONDITION_PARSER_H_
#define NOROTRIAGE_COMPILE_CONDITION_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "compile/program.h"
#include "norotriage/status.h"

namespace norotriage::internal {

struct CondItem {
  // kIsNotTrue is postfix: it applies to the operand just before it (an atom,
  // a parenthesised group or at_least(...)), true when that is false or unknown.
  enum class Kind { kName, kKnown, kCompare, kIn, kAnd, kOr, kNot, kAtLeast, kIsNotTrue };
  enum class ValueKind { kNone, kNumber, kName, kTrue, kFalse };
  Kind kind = Kind::kName;
  std::vector<std::string> names;  // kName/kKnown: one; kCompare: the summed terms; kIn: one
  Cmp cmp = Cmp::kEq;              // kCompare
  ValueKind value_kind = ValueKind::kNone;
  double number = 0;               // value_kind kNumber
  std::string value_name;          // value_kind kName
  std::vector<std::string> set;    // kIn
  int n = 0;                       // kAnd/kOr/kAtLeast operand count
  int k = 0;                       // kAtLeast threshold
  size_t offset = 0;               // byte offset of the item in the condition text
};

// An error at a byte offset of the condition text.
struct CondError {
  size_t offset = 0;
  std::string message;
};

struct CondBudget {
  size_t max_tokens = 512;
  size_t max_nesting = 32;
};

// Parses `text` into postfix order. On error, the offset points at the
// offending token.
Result<std::vector<CondItem>, CondError> ParseCondition(std::string_view text,
                                                        const CondBudget& budget);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_COMPILE_CONDITION_PARSER_H_
