// The care-plan parts of an assessment: fluids and medicines. Pure functions
// of the compiled knowledge base and one request's state.
#ifndef NOROTRIAGE_EVAL_CARE_PLAN_H_
#define NOROTRIAGE_EVAL_CARE_PLAN_H_

#include <vector>

#include "compile/compiled_kb.h"
#include "eval/evaluator.h"
#include "eval/request_state.h"
#include "norotriage/assessment.h"

namespace norotriage::internal {

// Rounds to the nearest 10 (ml), halves up.
int RoundTo10(double x);
// Rounds down to a multiple of 10 (weight-based mg doses).
int FloorTo10(double x);

// Status, plan and volumes (policy "Fluid plan"). `derived` gives `because`.
void FillHydration(const CompiledKb& kb, const RequestState& st, const DerivedInfo& derived,
                   HydrationResult* out);

// Advice only (the fast path). For review medicines: kReview when listed,
// and *listed is set false when not.
// REQUIRES: index < kb.medicines.size().
Advice MedicineAdviceOf(const CompiledKb& kb, size_t index, const RequestState& st, bool* listed);

// Advice, reasons and doses for every medicine (review ones only when listed).
void FillMedicines(const CompiledKb& kb, const RequestState& st, std::vector<MedicineResult>* out);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_CARE_PLAN_H_
