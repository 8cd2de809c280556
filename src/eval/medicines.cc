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
  if (age >= d.min_age && (!has_weight || kg >= d.min_weight)) {
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
  return out;
}

}  // namespace

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
