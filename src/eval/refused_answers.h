// RefusedAnswers: the questions the consistency rules leave no answer to.
//
// A detail of a complaint answered "no" -- back_pain_site after back_pain =
// false -- has no value a request may carry: every one breaks a consistency
// rule, and the request parser refuses the request. Such a finding is not a
// question to ask: Assess leaves it out of `unanswered`, and the interview
// does not put it on a screen.
//
// Thread safety: immutable after construction; shared read-only (it lives in
// the FastProgram of its knowledge base).
#ifndef NOROTRIAGE_EVAL_REFUSED_ANSWERS_H_
#define NOROTRIAGE_EVAL_REFUSED_ANSWERS_H_

#include <cstdint>
#include <vector>

#include "compile/compiled_kb.h"

namespace norotriage::internal {

class FastProgram;

class RefusedAnswers {
 public:
  explicit RefusedAnswers(const CompiledKb& kb);

  // Values worth trying for finding `slot`: every choice, both bools, and
  // for a number its range ends and each threshold a rule compares it with
  // (and one step either side, inside the range).
  const std::vector<double>& Probes(int slot) const { return probes_[slot]; }

  // Whether every probe answer to finding `slot`, the other findings as in
  // `values` (the request's findings, NaN = unknown), makes some consistency
  // rule true. False when a consistency rule reads a derived value (the
  // findings alone do not settle it): the question is then asked.
  // `values` is changed during the call and restored before it returns.
  bool EveryAnswerRefused(const FastProgram& fast, int slot, double* values) const;

 private:
  std::vector<std::vector<double>> probes_;           // per finding
  std::vector<std::vector<uint32_t>> rules_reading_;  // per finding: consistency rule indexes
};

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_REFUSED_ANSWERS_H_
