#include "eval/evaluator.h"

#include <algorithm>
#include <cmath>

namespace norotriage::internal {
namespace {

inline bool Compare(double a, Cmp cmp, double b) {
  switch (cmp) {
    case Cmp::kEq: return a == b;
    case Cmp::kNe: return a != b;
    case Cmp::kLt: return a < b;
    case Cmp::kLe: return a <= b;
    case Cmp::kGt: return a > b;
    case Cmp::kGe: return a >= b;
  }
  return false;
}

inline Tri FromBool(bool b) { return b ? kTrue : kFalse; }

// The value of a leaf instruction.
[[gnu::always_inline]] inline Tri Leaf(const Program& prog, const Instr& in, const double* v) {
  switch (in.op) {
    case Op::kBool: {
      double x = v[in.slot];
      return std::isnan(x) ? kUnknown : FromBool(x != 0);
    }
    case Op::kCompare: {
      double x = v[in.slot];
      return std::isnan(x) ? kUnknown : FromBool(Compare(x, in.cmp, in.value));
    }
    case Op::kIn: {
      double x = v[in.slot];
      return std::isnan(x) ? kUnknown : FromBool(in.mask >> static_cast<int>(x) & 1);
    }
    case Op::kKnown:
      return FromBool(!std::isnan(v[in.slot]));
    case Op::kSum: {
      // Terms are >= 0 (checked by the compiler), so a partial sum can
      // already decide >=, > (true) and <=, < (false).
      double sum = 0;
      bool unknown = false;
      for (int i = 0; i < in.n; ++i) {
        double x = v[prog.sum_slots[in.slot + i]];
        if (std::isnan(x)) unknown = true; else sum += x;
      }
      bool holds = Compare(sum, in.cmp, in.value);
      if (!unknown) return FromBool(holds);
      if ((in.cmp == Cmp::kGe || in.cmp == Cmp::kGt) && holds) return kTrue;
      if ((in.cmp == Cmp::kLe || in.cmp == Cmp::kLt) && !holds) return kFalse;
      return kUnknown;
    }
    default:
      return kUnknown;
  }
}

inline bool IsLeaf(Op op) {
  return op != Op::kAnd && op != Op::kOr && op != Op::kNot && op != Op::kAtLeast;
}

}  // namespace

Tri Eval(const Program& prog, Cond cond, const double* values) {
  Tri stack[kMaxStack];
  int sp = 0;
  const Instr* code = prog.code.data();
  for (uint32_t pc = cond.begin; pc < cond.end; ++pc) {
    const Instr& in = code[pc];
    switch (in.op) {
      case Op::kAnd: {
        Tri r = kTrue;
        for (int i = 0; i < in.n; ++i) r = std::min(r, stack[--sp]);
        stack[sp++] = r;
        break;
      }
      case Op::kOr: {
        Tri r = kFalse;
        for (int i = 0; i < in.n; ++i) r = std::max(r, stack[--sp]);
        stack[sp++] = r;
        break;
      }
      case Op::kNot:
        stack[sp - 1] = static_cast<Tri>(2 - stack[sp - 1]);
        break;
      case Op::kAtLeast: {
        int t = 0, u = 0;
        for (int i = 0; i < in.n; ++i) {
          Tri x = stack[--sp];
          t += x == kTrue;
          u += x == kUnknown;
        }
        stack[sp++] = t >= in.k ? kTrue : (t + u >= in.k ? kUnknown : kFalse);
        break;
      }
      default:
        stack[sp++] = Leaf(prog, in, values);
    }
  }
  return sp == 1 ? stack[0] : kUnknown;
}

namespace {

// The findings behind a slot: derived slots stand for the findings they use.
[[gnu::always_inline]] inline void SlotWhy(const CompiledKb& kb, int slot, const DerivedInfo& d, SlotSet* out) {
  if (slot == kb.hydration_slot) {
    *out |= d.hydration_why;
  } else if (slot == kb.weight_loss_slot) {
    out->set(kb.weight_slot);
    out->set(kb.pre_weight_slot);
  } else {
    out->set(slot);
  }
}

[[gnu::always_inline]] inline void SlotOpen(const CompiledKb& kb, int slot, const double* v, const DerivedInfo& d,
                                            SlotSet* out) {
  if (slot == kb.hydration_slot) {
    *out |= d.hydration_open;
  } else if (slot == kb.weight_loss_slot) {
    if (std::isnan(v[kb.weight_slot])) out->set(kb.weight_slot);
    if (std::isnan(v[kb.pre_weight_slot])) out->set(kb.pre_weight_slot);
  } else if (std::isnan(v[slot])) {
    out->set(slot);
  }
}

// Explain, and with kWhy false ExplainOpen: the same walk, less every use of
// `why` (value, soft and open never read it).
template <bool kWhy>
Explained ExplainImpl(const CompiledKb& kb, Cond cond, const double* values, const DerivedInfo& derived) {
  const Program& prog = kb.program;
  // Reused per thread: a fresh array would zero 64 bitset pairs on every call.
  thread_local Explained stack[kMaxStack];
  int sp = 0;
  for (uint32_t pc = cond.begin; pc < cond.end; ++pc) {
    const Instr& in = prog.code[pc];
    if (IsLeaf(in.op)) {
      Explained& e = stack[sp++];  // built in place: an entry is 72 bytes
      e.value = Leaf(prog, in, values);
      e.soft = false;
      e.why.reset();
      e.open.reset();
      if (in.op == Op::kSum) {
        for (int i = 0; i < in.n; ++i) {
          int s = prog.sum_slots[in.slot + i];
          if (e.value == kUnknown) {
            SlotOpen(kb, s, values, derived, &e.open);
          } else if constexpr (kWhy) {
            SlotWhy(kb, s, derived, &e.why);
          }
        }
      } else if (e.value != kUnknown) {
        if constexpr (kWhy) SlotWhy(kb, in.slot, derived, &e.why);
      } else {
        SlotOpen(kb, in.slot, values, derived, &e.open);
      }
      // The hydration status only rises as signs become known: a "false" set
      // membership is soft when a reachable higher status is in the set.
      if (in.op == Op::kIn && in.slot == kb.hydration_slot && e.value == kFalse) {
        int now = static_cast<int>(values[in.slot]);
        for (int s = now + 1; s <= derived.hydration_max; ++s) {
          if (in.mask >> s & 1) e.soft = true;
        }
        if (e.soft) e.open = derived.hydration_open;
      }
      continue;
    }
    if (in.op == Op::kNot) {
      Explained& e = stack[sp - 1];
      e.value = static_cast<Tri>(2 - e.value);
      if (e.soft) {  // not(soft false) is true now and could only become false
        e.soft = false;
        e.open.reset();
      }
      continue;
    }
    const int n = in.n;
    Explained* args = &stack[sp - n];
    Explained r;
    if (in.op == Op::kAnd) {
      r.value = kTrue;
      bool hard_false = false;
      for (int i = 0; i < n; ++i) {
        r.value = std::min(r.value, args[i].value);
        hard_false = hard_false || (args[i].value == kFalse && !args[i].soft);
      }
      if (r.value == kTrue) {
        if constexpr (kWhy) for (int i = 0; i < n; ++i) r.why |= args[i].why;
      } else if (hard_false) {
        if constexpr (kWhy) {
          for (int i = 0; i < n; ++i) if (args[i].value == kFalse && !args[i].soft) r.why |= args[i].why;
        }
      } else {
        for (int i = 0; i < n; ++i) if (args[i].value != kTrue) r.open |= args[i].open;
        r.soft = r.value == kFalse;
        if constexpr (kWhy) for (int i = 0; i < n; ++i) r.why |= args[i].why;
      }
    } else if (in.op == Op::kOr) {
      r.value = kFalse;
      for (int i = 0; i < n; ++i) r.value = std::max(r.value, args[i].value);
      if (r.value == kTrue) {
        if constexpr (kWhy) for (int i = 0; i < n; ++i) if (args[i].value == kTrue) r.why |= args[i].why;
      } else {
        for (int i = 0; i < n; ++i) {
          if constexpr (kWhy) r.why |= args[i].why;
          r.open |= args[i].open;
          r.soft = r.soft || args[i].soft;
        }
        if (r.value != kFalse) r.soft = false;
      }
    } else {  // kAtLeast
      int t = 0, u = 0, s = 0;
      for (int i = 0; i < n; ++i) {
        t += args[i].value == kTrue;
        u += args[i].value == kUnknown;
        s += args[i].value == kFalse && args[i].soft;
      }
      r.value = t >= in.k ? kTrue : (t + u >= in.k ? kUnknown : kFalse);
      if (r.value == kTrue) {
        if constexpr (kWhy) for (int i = 0; i < n; ++i) if (args[i].value == kTrue) r.why |= args[i].why;
      } else if (t + u + s >= in.k) {
        r.soft = r.value == kFalse;
        for (int i = 0; i < n; ++i) {
          if constexpr (kWhy) r.why |= args[i].why;
          if (args[i].value != kTrue) r.open |= args[i].open;
        }
      } else {
        if constexpr (kWhy) for (int i = 0; i < n; ++i) if (args[i].value == kFalse) r.why |= args[i].why;
      }
    }
    sp -= n;
    stack[sp++] = r;
  }
  return sp == 1 ? stack[0] : Explained{};
}

}  // namespace

Explained Explain(const CompiledKb& kb, Cond cond, const double* values, const DerivedInfo& derived) {
  return ExplainImpl<true>(kb, cond, values, derived);
}

Explained ExplainOpen(const CompiledKb& kb, Cond cond, const double* values, const DerivedInfo& derived) {
  return ExplainImpl<false>(kb, cond, values, derived);
}

}  // namespace norotriage::internal
