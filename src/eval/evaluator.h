// Runs compiled conditions over the values of one request.
//
// Eval is the fast path: the three-valued result only, no allocation, a fixed
// stack. Explain reruns one condition and also says which findings made it
// true or false (`why`) and which unknown findings could still make it true
// (`open`), for `because` and `unanswered`. Both are pure functions.
#ifndef NOROTRIAGE_EVAL_EVALUATOR_H_
#define NOROTRIAGE_EVAL_EVALUATOR_H_

#include "compile/compiled_kb.h"
#include "compile/program.h"
#include "eval/slot_set.h"

namespace norotriage::internal {

// What Explain needs to know about the derived slots of one request.
struct DerivedInfo {
  SlotSet hydration_why;     // findings behind the hydration status
  SlotSet hydration_open;    // unknown findings that could raise it
  int hydration_max = 0;     // highest status the unknowns could reach (0..2)
};

struct Explained {
  Tri value = kUnknown;
  bool soft = false;         // value is false now, but `open` could make it true
  SlotSet why;               // findings that decided the value (true or false)
  SlotSet open;              // unknown findings that could make it true
  // True unless definitely false (it may still become true).
  bool possible() const { return value != kFalse || soft; }
};

// REQUIRES: `values` has kb.slot_count() entries (NaN = unknown).
Tri Eval(const Program& prog, Cond cond, const double* values);

Explained Explain(const CompiledKb& kb, Cond cond, const double* values, const DerivedInfo& derived);
// Explain without `why` (left empty; value, soft and open as Explain's), for
// callers that ask only what could still change: the unanswered questions.
Explained ExplainOpen(const CompiledKb& kb, Cond cond, const double* values, const DerivedInfo& derived);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_EVALUATOR_H_
