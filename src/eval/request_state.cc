#include "eval/request_state.h"

#include <cmath>
#include <cstring>

#include "eval/fast_eval.h"

namespace norotriage::internal {

void PrepareState(const CompiledKb& kb, const Findings& findings, RequestState* st) {
  std::memcpy(st->values.data(), findings.data(), kb.findings.size() * sizeof(double));
  double w = st->values[kb.weight_slot], pre = st->values[kb.pre_weight_slot];
  st->values[kb.weight_loss_slot] =
      (!std::isnan(w) && !std::isnan(pre) && pre > 0) ? 100.0 * (pre - w) / pre : Findings::kUnknown;
  st->values[kb.hydration_slot] = Findings::kUnknown;

  const HydrationRules& h = kb.hydration;
  st->assessed = false;
  for (int s : h.sign_slots) st->assessed = st->assessed || !std::isnan(st->values[s]);
  const FastProgram& fast = FastOf(kb);
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
