// Pain relief advice: avoid / caution / ok with reasons, and safe doses.
#include <algorithm>
#include <cmath>

#include "eval/care_plan.h"
#include "eval/fast_eval.h"

namespace norotriage::internal {
namespace {

struct Verdict {
  Advice advice = Advice::kOk;
  bool listed = true;
};

Verdict Judge(const CompiledKb& kb, const MedicineRule& m, const RequestState& st,
              std::vector<std::string_view>* reasons) {
  const double* v = st.values.data();
  const FastProgram& fast = FastOf(kb);
  Verdict out;
  if (!m.listed_when.empty() && !fast.IsTrue(m.listed_when, v)) {
    out.listed = false;
    return out;
  }
  if (m.is_review) {
    out.listed = fast.IsTrue(m.review.when, v);
    out.advice = Advice::kReview;
    if (out.listed && reasons) reasons->push_back(m.review.reason);
    return out;
  }
  bool any_avoid = false, any_unknown = false;
  for (const auto& c : m.avoid) {
    Tri t = fast.Eval(c.when, v);
    if (t == kTrue) {
      any_avoid = true;
      if (reasons) reasons->push_back(c.reason);
    }
    any_unknown = any_unknown || t == kUnknown;
  }
  if (any_avoid) {
    out.advice = Advice::kAvoid;
    return out;
  }
  if (any_unknown) {
    out.advice = Advice::kCaution;
    if (reasons) {
      for (const auto& c : m.avoid) {
        if (fast.Eval(c.when, v) == kUnknown) reasons->push_back(c.if_unknown);
      }
    }
  }
  for (const auto& c : m.caution) {
    if (fast.IsTrue(c.when, v)) {
      out.advice = Advice::kCaution;
      if (reasons) reasons->push_back(c.reason);
    }
  }
  if (out.advice == Advice::kOk && reasons && !m.ok_text.empty()) reasons->push_back(m.ok_text);
  return out;
}

// The amounts a person measures: liquids for a weight-based dose, tablets
// for the adult one (DoseRule::liquids, tablet_mg). `out` is final otherwise.
void AddMeasures(const DoseRule& d, bool by_weight, Dose* out) {
  if (by_weight && !d.liquids.empty() && d.mg_per_kg > 0) {
    // As many doses a day as the weight-based rule allows (60/15 = 4, 30/10 = 3).
    const int doses = static_cast<int>(std::floor(d.max_mg_per_kg_24h / d.mg_per_kg + 1e-9));
    out->liquids.reserve(d.liquids.size());
    for (const DoseRule::Liquid& l : d.liquids) {
      LiquidDose ld = MeasureLiquid(out->mg_per_dose.second, out->max_mg_per_24h, doses, l.mg, l.per_ml, d.ml_step,
                                    d.min_share);
      ld.name = l.name;
      out->liquids.push_back(ld);
    }
    out->measure_text = d.measure_text;
    out->too_small_text = d.too_small_text;
  }
  if (!by_weight && d.tablet_mg > 0) {
    out->tablets = MeasureTablets(out->mg_per_dose, out->max_mg_per_24h, d.tablet_mg);
    if (out->tablets) out->tablets->name = d.tablet_name;
  }
}

// The dose for this person, or nullopt (then the pack's age dose applies).
std::optional<Dose> DoseFor(const CompiledKb& kb, const MedicineRule& m, const RequestState& st,
                            Advice advice) {
  const DoseRule& d = m.dose;
  if (!d.present || advice == Advice::kAvoid) return std::nullopt;
  const double age = st.values[kb.age_slot];
  const double kg = st.values[kb.weight_slot];
  const bool has_weight = !std::isnan(kg);
  int cap = advice == Advice::kCaution && m.caution_max_mg_24h > 0 ? m.caution_max_mg_24h : 0;
  Dose out;
  out.note = d.note;
  const bool adult = age >= d.min_age && (!has_weight || kg >= d.min_weight);
  if (adult) {
    out.mg_per_dose = d.mg;
    out.hours_between = d.hours;
    out.max_mg_per_24h = d.max_mg_24h;
    out.max_doses_per_24h = d.max_doses_24h;
  } else if (d.has_by_weight && has_weight) {
    int mg = FloorTo10(std::min(d.mg_per_kg * kg, d.max_mg_dose));
    if (mg <= 0) return std::nullopt;
    out.mg_per_dose = {mg, mg};
    out.hours_between = d.wt_hours;
    out.max_mg_per_24h = FloorTo10(std::min(d.max_mg_per_kg_24h * kg, static_cast<double>(d.wt_max_mg_24h)));
    // State the dose count only when the daily cap allows it at the full dose.
    out.max_doses_per_24h = 0;
  } else {
    return std::nullopt;
  }
  if (cap > 0 && out.max_mg_per_24h > cap) out.max_mg_per_24h = cap;
  AddMeasures(d, !adult, &out);
  return out;
}

}  // namespace

LiquidDose MeasureLiquid(double mg, int max_mg_24h, int max_doses, double strength_mg, double strength_ml,
                         double step, double min_share) {
  LiquidDose out;
  out.strength_mg = strength_mg;
  out.strength_ml = strength_ml;
  if (!(mg > 0 && strength_mg > 0 && strength_ml > 0 && step > 0)) return out;
  const double mg_per_step = strength_mg / strength_ml * step;
  // Whole steps, rounded down; the tolerance only keeps an exact quotient
  // (8.0 computed as 7.999...) from losing a step, and the loop below
  // takes back any step that would go above the dose.
  long steps = static_cast<long>(std::floor(mg / mg_per_step + 1e-9));
  while (steps > 0 && static_cast<double>(steps) * mg_per_step > mg) --steps;
  const double given = static_cast<double>(steps) * mg_per_step;
  int doses = max_doses;
  if (given > 0 && max_mg_24h > 0) {
    doses = std::min(doses, static_cast<int>(std::floor(max_mg_24h / given + 1e-9)));
    while (doses > 0 && doses * given > max_mg_24h) --doses;
  }
  if (steps <= 0 || doses <= 0 || given < min_share * mg) return out;
  out.ml = static_cast<double>(steps) * step;
  out.mg = std::round(given * 100.0) / 100.0;
  out.max_doses_per_24h = doses;
  out.measurable = true;
  return out;
}

std::optional<TabletDose> MeasureTablets(Range mg, int max_mg_24h, int mg_each) {
  if (mg_each <= 0) return std::nullopt;
  TabletDose t;
  t.mg_each = mg_each;
  t.count = {std::max(1, mg.first / mg_each), mg.second / mg_each};
  t.max_per_24h = max_mg_24h > 0 ? max_mg_24h / mg_each : 0;
  if (t.max_per_24h > 0) t.count.second = std::min(t.count.second, t.max_per_24h);
  if (t.count.second < 1 || t.count.first > t.count.second || (max_mg_24h > 0 && t.max_per_24h < 1)) {
    return std::nullopt;
  }
  return t;
}

Advice MedicineAdviceOf(const CompiledKb& kb, size_t index, const RequestState& st, bool* listed) {
  // Judge without the reasons, on the medicine's conditions precompiled in
  // the fast form: stops as soon as the advice is settled.
  const FastProgram& fast = FastOf(kb);
  const FastProgram::MedicineConds& mc = fast.medicine(index);
  const double* v = st.values.data();
  *listed = true;
  if (mc.listed >= 0 && !fast.MedicineIsTrue(static_cast<uint32_t>(mc.listed), v)) {
    *listed = false;
    return Advice::kOk;
  }
  if (kb.medicines[index].is_review) {
    *listed = fast.MedicineIsTrue(static_cast<uint32_t>(mc.review), v);
    return Advice::kReview;
  }
  bool any_unknown = false;
  for (uint32_t i = mc.avoid_first; i < mc.avoid_first + mc.avoid_count; ++i) {
    const Tri t = fast.MedicineValue(i, v);
    if (t == kTrue) return Advice::kAvoid;
    any_unknown = any_unknown || t == kUnknown;
  }
  if (any_unknown) return Advice::kCaution;  // a true caution would say the same
  for (uint32_t i = mc.caution_first; i < mc.caution_first + mc.caution_count; ++i) {
    if (fast.MedicineIsTrue(i, v)) return Advice::kCaution;
  }
  return Advice::kOk;
}

void FillMedicines(const CompiledKb& kb, const RequestState& st, std::vector<MedicineResult>* out) {
  const double fluids_down = st.values[kb.keeps_fluids_down_slot];
  out->reserve(out->size() + kb.medicines.size());
  // The reasons are gathered here and copied once into the result: one
  // allocation per listed medicine, none for one not listed.
  thread_local std::vector<std::string_view> reasons;
  for (const MedicineRule& m : kb.medicines) {
    reasons.clear();
    Verdict v = Judge(kb, m, st, &reasons);
    if (!v.listed) continue;
    MedicineResult r;
    r.id = m.id;
    r.name = m.name;
    r.advice = v.advice;
    r.dose = DoseFor(kb, m, st, v.advice);
    if (!r.dose && m.dose.present && v.advice != Advice::kAvoid) r.dose_text = m.no_weight_text;
    if (fluids_down == 0 && !m.not_kept_down_text.empty() && v.advice != Advice::kAvoid) {
      reasons.push_back(m.not_kept_down_text);
    }
    if (v.advice != Advice::kAvoid) {
      for (const auto& note : m.notes) reasons.push_back(note);
    }
    r.reasons.assign(reasons.begin(), reasons.end());
    r.sources.assign(m.sources.begin(), m.sources.end());
    out->push_back(std::move(r));
  }
}

}  // namespace norotriage::internal
