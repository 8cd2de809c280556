// The care-plan parts of an assessment: fluids and medicines. Pure functions
// of the compiled knowledge base and one request's state.
#ifndef NOROTRIAGE_EVAL_CARE_PLAN_H_
#define NOROTRIAGE_EVAL_CARE_PLAN_H_

#include <optional>
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
// Rounds to the nearest 5 (ml: a teaspoon), halves up; at least 5.
int RoundTo5AtLeast5(double x);
// ml as cups of cup_ml, to the nearest quarter cup, halves up. REQUIRES cup_ml > 0.
double QuarterCups(double ml, double cup_ml);
// A weight-based dose of `mg` measured from a liquid of strength_mg in
// strength_ml: ml rounded DOWN to `step`, never above mg nor, over
// max_doses (capped so), above max_mg_24h. Not measurable when that is 0 ml
// or less than min_share of `mg`.
LiquidDose MeasureLiquid(double mg, int max_mg_24h, int max_doses, double strength_mg, double strength_ml,
                         double step, double min_share);
// The dose range mg as whole tablets of mg_each, never above mg.second a dose
// nor max_mg_24h a day; nullopt when one tablet is more than mg.second.
std::optional<TabletDose> MeasureTablets(Range mg, int max_mg_24h, int mg_each);

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
