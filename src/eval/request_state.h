// The values of one request as the evaluator sees them: the findings, then
// the derived values (weight loss %, hydration status) computed from them.
#ifndef NOROTRIAGE_EVAL_REQUEST_STATE_H_
#define NOROTRIAGE_EVAL_REQUEST_STATE_H_

#include <array>

#include "compile/compiled_kb.h"
#include "eval/evaluator.h"
#include "eval/slot_set.h"
#include "norotriage/findings.h"

namespace norotriage::internal {

struct RequestState {
  std::array<double, kMaxSlots> values;  // first kb.slot_count() are meaningful
  HydrationStatus hydration = HydrationStatus::kNone;  // what the known signs establish
  bool assessed = false;                 // any hydration sign known
  int hydration_max = 0;                 // the highest status the unknown signs could reach
  SlotSet filled;                        // findings read as `otherwise` (not given, do not apply)
};

// 100 x (pre - weight) / pre, rounded to 1e-9 (policy "Hydration status").
// REQUIRES: pre > 0.
double WeightLossPercent(double weight, double pre);

// Fills `state` from `findings`: a finding that does not apply to this person
// (CompiledKb::applicability) and is not given is read as its `otherwise`
// value; `assessed` says whether the request gave any hydration sign. REQUIRES: findings.size() == kb.findings.size().
// No allocation; a few hundred nanoseconds.
void PrepareState(const CompiledKb& kb, const Findings& findings, RequestState* state);

// The explanation of the derived hydration slot (for Explain).
DerivedInfo ExplainDerived(const CompiledKb& kb, const RequestState& state);

inline double ValueOf(const RequestState& s, int slot) { return s.values[slot]; }

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_REQUEST_STATE_H_
