#include "eval/safety_net.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "eval/slot_set.h"
#include "norotriage/findings.h"

namespace norotriage::internal {
namespace {

// The request's values with only the findings that never change during an
// illness kept: a flag false on these alone (e.g. 'infant' for an adult) can
// never apply, so it needs no safety net.
std::array<double, kMaxSlots> StaticValues(const CompiledKb& kb, const RequestState& st) {
  std::array<double, kMaxSlots> v;
  v.fill(Findings::kUnknown);
  for (int s : kb.static_slots) v[s] = st.values[s];
  // A finding that does not apply (read as `otherwise`) is fixed by who the
  // person is: no testicle torsion safety net for a woman.
  for (const auto& a : kb.applicability) {
    if (st.filled.test(a.slot)) v[a.slot] = st.values[a.slot];
  }
  return v;
}

// The finding slots condition `c` reads (sums left out: no single answer is
// one of their signs).
SlotSet Reads(const CompiledKb& kb, Cond c) {
  SlotSet out;
  for (uint32_t pc = c.begin; pc < c.end; ++pc) {
    const Instr& in = kb.program.code[pc];
    const bool leaf = in.op == Op::kBool || in.op == Op::kCompare || in.op == Op::kIn || in.op == Op::kKnown;
    if (leaf && in.slot >= 0 && static_cast<size_t>(in.slot) < kb.findings.size()) out.set(in.slot);
  }
  return out;
}

// The values worth trying for slot s in condition c: every answer of a bool
// or a choice, and for a number each constant it is compared with and just
// either side of it.
void Candidates(const CompiledKb& kb, Cond c, int s, std::vector<double>* out) {
  out->clear();
  const FindingSpec& f = kb.findings[s];
  if (f.type == FindingType::kBool) {
    *out = {0.0, 1.0};
    return;
  }
  if (f.type == FindingType::kChoice) {
    for (size_t i = 0; i < f.choices.size(); ++i) out->push_back(static_cast<double>(i));
    return;
  }
  const double step = f.type == FindingType::kInteger ? 1 : 0.1;
  for (uint32_t pc = c.begin; pc < c.end; ++pc) {
    const Instr& in = kb.program.code[pc];
    if (in.op != Op::kCompare || in.slot != s) continue;
    for (double x : {in.value - step, in.value, in.value + step}) {
      if (x >= f.min && x <= f.max) out->push_back(x);
    }
  }
}

// True when `v` is a present sign: a bool answered yes or a choice other
// than the first (the usual answer).
bool Present(const FindingSpec& f, double v) {
  if (std::isnan(v)) return false;
  return (f.type == FindingType::kBool && v == 1) || (f.type == FindingType::kChoice && v > 0);
}

}  // namespace

void FillSafetyNet(const CompiledKb& kb, const FastProgram& fast, const RequestState& st,
                   const std::vector<uint8_t>& is_fired, std::vector<SafetyNetItem>* shown,
                   std::vector<SafetyNetItem>* more) {
  shown->clear();
  more->clear();
  const auto fixed = StaticValues(kb, st);
  SlotSet is_fixed;
  for (int s : kb.static_slots) is_fixed.set(s);
  is_fixed |= st.filled;
  // The person's present signs (their complaint among them).
  SlotSet present;
  for (size_t s = 0; s < kb.findings.size(); ++s) {
    if (!st.filled.test(s) && Present(kb.findings[s], st.values[s])) present.set(s);
  }

  struct Candidate {
    uint32_t flag;
    SlotSet reads;
    bool touches;
  };
  thread_local std::vector<Candidate> net;
  net.clear();
  for (size_t i = 0; i < kb.flags.size(); ++i) {
    const FlagRule& f = kb.flags[i];
    if (is_fired[i] || f.level < Level::kUrgent) continue;
    if (fast.IsFalse(f.when, fixed.data())) continue;
    SlotSet reads = Reads(kb, f.when);
    net.push_back({static_cast<uint32_t>(i), reads, (reads & present).any()});
  }

  // One level per sign: a flag goes when every single answer that makes it
  // fire also makes a higher-level flag of the net fire.
  thread_local std::vector<uint8_t> said_higher;
  said_higher.assign(net.size(), 0);
  std::array<double, kMaxSlots> v = st.values;
  thread_local std::vector<double> values;
  for (size_t l = 0; l < net.size(); ++l) {
    const FlagRule& low = kb.flags[net[l].flag];
    SlotSet shared;
    for (const Candidate& h : net) {
      if (kb.flags[h.flag].level > low.level) shared |= h.reads & net[l].reads;
    }
    if (shared.none()) continue;
    bool any_trigger = false, all_said = true;
    const SlotSet reads = net[l].reads & ~is_fixed;
    for (size_t s = reads._Find_first(); s < kb.findings.size() && all_said; s = reads._Find_next(s)) {
      Candidates(kb, low.when, static_cast<int>(s), &values);
      const double saved = v[s];
      for (double x : values) {
        v[s] = x;
        if (!fast.IsTrue(low.when, v.data())) continue;
        any_trigger = true;
        bool said = false;
        for (const Candidate& h : net) {
          if (kb.flags[h.flag].level > low.level && h.reads.test(s) && fast.IsTrue(kb.flags[h.flag].when, v.data())) {
            said = true;
            break;
          }
        }
        if (!said) {
          all_said = false;
          break;
        }
      }
      v[s] = saved;
    }
    said_higher[l] = any_trigger && all_said;
  }

  thread_local std::vector<const Candidate*> order;
  order.clear();
  for (size_t l = 0; l < net.size(); ++l) {
    if (!said_higher[l]) order.push_back(&net[l]);
  }
  std::stable_sort(order.begin(), order.end(), [&](const Candidate* x, const Candidate* y) {
    const Level lx = kb.flags[x->flag].level, ly = kb.flags[y->flag].level;
    if (lx != ly) return lx > ly;
    return x->touches > y->touches;
  });
  shown->reserve(std::min(order.size(), kMaxSafetyNetSigns));
  for (const Candidate* c : order) {
    const FlagRule& f = kb.flags[c->flag];
    (shown->size() < kMaxSafetyNetSigns ? shown : more)->push_back({f.id, f.level, f.safety_net});
  }
}

}  // namespace norotriage::internal
