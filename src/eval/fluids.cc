// Fluid plan: WHO plans A/B/C sized by weight or age, and daily maintenance.
#include <algorithm>
#include <cmath>

#include "eval/care_plan.h"
#include "eval/fast_eval.h"

namespace norotriage::internal {

int RoundTo10(double x) { return static_cast<int>(std::floor(x / 10.0 + 0.5)) * 10; }
int FloorTo10(double x) { return static_cast<int>(std::floor(x / 10.0 + 1e-9)) * 10; }
int RoundTo5AtLeast5(double x) { return std::max(5, static_cast<int>(std::floor(x / 5.0 + 0.5)) * 5); }
double QuarterCups(double ml, double cup_ml) { return std::floor(ml / cup_ml * 4.0 + 0.5) / 4.0; }

namespace {

const Band* FindBand(const std::vector<Band>& bands, double age) {
  for (const Band& b : bands) {
    if (age >= b.min_age && age < b.max_age) return &b;
  }
  return nullptr;
}

double HollidaySegar(const std::vector<std::pair<double, double>>& steps, double kg) {
  double total = 0, below = 0;
  for (const auto& [up_to, ml_per_kg] : steps) {
    double band = std::min(kg, up_to) - below;
    if (band <= 0) break;
    total += band * ml_per_kg;
    below = up_to;
  }
  return total;
}

}  // namespace

void FillHydration(const CompiledKb& kb, const RequestState& st, const DerivedInfo& derived,
                   HydrationResult* out) {
  const HydrationRules& h = kb.hydration;
  const double age = st.values[kb.age_slot];
  const double kg = st.values[kb.weight_slot];
  const bool has_weight = !std::isnan(kg);
  out->status = st.hydration;
  out->assessed = st.assessed;
  const int plan = static_cast<int>(st.hydration);
  out->plan = static_cast<char>('A' + plan);
  out->status_text = h.status_text[plan];
  out->plan_text = h.plan_text[plan];
  out->sources.assign(h.sources.begin(), h.sources.end());
  for (size_t i = 0; i < kb.findings.size(); ++i) {
    // Only findings the request gave: not those read as `otherwise` because
    // they do not apply (an adult's tears are never asked).
    if (derived.hydration_why.test(i) && st.assessed && !st.filled.test(i)) out->because.push_back(kb.findings[i].id);
  }
  if (double loss = st.values[kb.weight_loss_slot]; !std::isnan(loss)) {
    out->weight_loss_percent = std::round(loss * 10.0) / 10.0;
  }
  if (st.hydration != HydrationStatus::kSevere) {
    if (const Band* b = FindBand(h.per_stool, age)) out->per_loose_stool_ml = b->ml;
  }
  if (st.hydration == HydrationStatus::kSome) {
    out->over_hours = static_cast<int>(h.over_hours);
    if (!h.fluid_limit_when.empty() && FastOf(kb).IsTrue(h.fluid_limit_when, st.values.data())) {
      out->fluid_limit = true;  // sip to thirst within any limit a doctor set: no volume
      out->fluid_limit_text = h.fluid_limit_text;
      out->plan_text = h.fluid_limit_text;  // every surface shows the plan text: no ORS volume
    } else if (has_weight) {
      out->ors_ml = RoundTo10(std::min(h.ors_ml_per_kg * kg, h.ors_max_ml));
    } else if (const Band* b = FindBand(h.ors_by_age, age)) {
      out->ors_ml_range = b->ml;
    }
  }
  // Amounts a person can pour (issue 16): the ORS for each portion of the
  // plan B hours, and cups. None with a fluid limit (no volume at all).
  if (h.cup_ml > 0) out->cup_ml = static_cast<int>(h.cup_ml);
  if (st.hydration == HydrationStatus::kSome && h.portion_minutes > 0 && h.over_hours > 0 &&
      (out->ors_ml || out->ors_ml_range)) {
    const double portions = h.over_hours * 60.0 / h.portion_minutes;
    const Range total = out->ors_ml ? Range{*out->ors_ml, *out->ors_ml} : *out->ors_ml_range;
    const Range ml{RoundTo5AtLeast5(total.first / portions), RoundTo5AtLeast5(total.second / portions)};
    out->portion_minutes = static_cast<int>(h.portion_minutes);
    out->ors_ml_per_portion = ml;
    if (h.cup_ml > 0) out->ors_cups_per_portion = {QuarterCups(ml.first, h.cup_ml), QuarterCups(ml.second, h.cup_ml)};
  }
  if (st.hydration != HydrationStatus::kSevere && !out->fluid_limit && has_weight && h.per_vomit_ml_per_kg > 0) {
    out->per_vomit_ml = RoundTo5AtLeast5(h.per_vomit_ml_per_kg * kg);
  }
  if (st.hydration == HydrationStatus::kSevere && has_weight) {
    IvPlan iv;
    iv.total_ml = RoundTo10(h.iv_ml_per_kg * kg);
    iv.first_ml = RoundTo10(h.first_ml_per_kg * kg);
    iv.first_minutes = static_cast<int>(h.first_minutes);
    iv.then_ml = RoundTo10(h.then_ml_per_kg * kg);
    iv.then_hours = h.then_hours;
    out->iv = iv;
  }
  if (has_weight) {
    double ml = age < h.child_below_age ? HollidaySegar(h.holliday_segar, kg) : h.adult_ml_per_kg * kg;
    out->maintenance_ml_per_day = RoundTo10(ml);
    if (h.cup_ml > 0) out->maintenance_cups_per_day = QuarterCups(*out->maintenance_ml_per_day, h.cup_ml);
  }
}

}  // namespace norotriage::internal
