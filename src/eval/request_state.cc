#include "eval/request_state.h"

#include <cmath>
#include <cstring>

#include "eval/fast_eval.h"

namespace norotriage::internal {

double WeightLossPercent(double weight, double pre) {
  // Rounded to a billionth of a percent, so that 26.6 kg of 28 kg reads as
  // the 5 % it is, not 4.9999999999999947 (binary fractions); halves round
  // up, as JavaScript's Math.round does (the rules-engine export repeats it).
  const double x = 100.0 * (pre - weight) / pre * 1e9;
  const double r = std::floor(x);
  return (x - r >= 0.5 ? r + 1 : r) / 1e9;
}

void PrepareState(const CompiledKb& kb, const Findings& findings, RequestState* st) {
  std::memcpy(st->values.data(), findings.data(), kb.findings.size() * sizeof(double));
  double w = st->values[kb.weight_slot], pre = st->values[kb.pre_weight_slot];
  st->values[kb.weight_loss_slot] =
      (!std::isnan(w) && !std::isnan(pre) && pre > 0) ? WeightLossPercent(w, pre) : Findings::kUnknown;
  st->values[kb.hydration_slot] = Findings::kUnknown;

  const HydrationRules& h = kb.hydration;
  st->assessed = false;  // from what the request gives, before findings that do not apply are filled in
  for (int s : h.sign_slots) st->assessed = st->assessed || !std::isnan(st->values[s]);
  const FastProgram& fast = FastOf(kb);
  // A finding that does not apply to this person, and is not given, is read
  // as its `otherwise` value. asked_when reads only findings that apply to
  // everyone, so the order of the fills does not matter.
  for (const Applicability& a : kb.applicability) {
    double& x = st->values[a.slot];
    const bool fill = std::isnan(x) && fast.IsFalse(a.asked_when, st->values.data());
    if (fill) x = a.otherwise;
    st->filled.set(a.slot, fill);
  }
  Tri severe = fast.Eval(h.severe, st->values.data());
  Tri some = fast.Eval(h.some, st->values.data());
  // The reported status is what the known signs establish; unknown signs
  // count as absent here, and could only raise it.
  st->hydration = severe == kTrue ? HydrationStatus::kSevere
                  : some == kTrue ? HydrationStatus::kSome
                                  : HydrationStatus::kNone;
  st->hydration_max = severe != kFalse ? 2 : (some != kFalse ? 1 : 0);
  if (st->hydration_max < static_cast<int>(st->hydration)) st->hydration_max = static_cast<int>(st->hydration);
  if (st->assessed) st->values[kb.hydration_slot] = static_cast<double>(st->hydration);
}

DerivedInfo ExplainDerived(const CompiledKb& kb, const RequestState& st) {
  DerivedInfo d;  // the hydration conditions never read the hydration slot itself
  const HydrationRules& h = kb.hydration;
  Explained severe = Explain(kb, h.severe, st.values.data(), d);
  Explained some = Explain(kb, h.some, st.values.data(), d);
  d.hydration_max = st.hydration_max;
  if (st.hydration == HydrationStatus::kSevere) {
    d.hydration_why = severe.why;
  } else if (st.hydration == HydrationStatus::kSome) {
    d.hydration_why = some.why;
    d.hydration_open = severe.open;
  } else {
    d.hydration_why = severe.why | some.why;
    d.hydration_open = severe.open | some.open;
  }
  // Derived slots stand for their findings.
  d.hydration_why.reset(kb.weight_loss_slot);
  d.hydration_open.reset(kb.weight_loss_slot);
  return d;
}

}  // namespace norotriage::internal
