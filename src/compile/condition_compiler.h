// Resolves and type-checks parsed conditions against the vocabulary, and
// appends their code to the shared program.
//
// Names resolve to findings, derived values or definitions (in that order of
// lookup); a definition is inlined. Every comparison is type-checked: a number
// with a number, a choice with one of its choices, a bool with true/false.
#ifndef NOROTRIAGE_COMPILE_CONDITION_COMPILER_H_
#define NOROTRIAGE_COMPILE_CONDITION_COMPILER_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compile/compiled_kb.h"
#include "compile/condition_parser.h"

namespace norotriage::internal {

enum class SlotType { kBool, kNumber, kChoice };

class ConditionCompiler {
 public:
  // Borrows `kb` (its slots, program and definitions) for its lifetime;
  // compiled code is appended to kb->program.
  ConditionCompiler(CompiledKb* kb, const CondBudget& budget, size_t max_program_size);

  // Parses, resolves and appends `text`. On error the offset is within `text`.
  Result<Cond, CondError> Compile(std::string_view text);

  // Compiles `text` and records it as definition `id` for later conditions.
  // REQUIRES: id is not already a finding, derived value or definition.
  Result<Cond, CondError> Define(const std::string& id, std::string_view text);

  bool IsName(const std::string& id) const;

 private:
  struct Symbol {
    SlotType type;
    int slot;
  };
  CondError Resolve(const CondItem& item, std::vector<Instr>* out);
  CondError UnknownName(const std::string& name, size_t offset) const;

  CompiledKb* kb_;
  CondBudget budget_;
  size_t max_program_size_;
  std::unordered_map<std::string, Symbol> symbols_;
  std::unordered_map<std::string, Cond> definitions_;
};

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_COMPILE_CONDITION_COMPILER_H_
