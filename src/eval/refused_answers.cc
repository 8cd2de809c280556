#include "eval/refused_answers.h"

#include <algorithm>

#include "eval/fast_eval.h"

namespace norotriage::internal {
namespace {

// Calls fn(slot) for each value slot instruction `in` reads.
template <typename Fn>
void ForEachSlotRead(const Program& prog, const Instr& in, Fn fn) {
  switch (in.op) {
    case Op::kBool:
    case Op::kCompare:
    case Op::kIn:
    case Op::kKnown:
      fn(in.slot);
      break;
    case Op::kSum:
      for (int i = 0; i < in.n; ++i) fn(prog.sum_slots[in.slot + i]);
      break;
    default:
      break;  // operators read no slot
  }
}

}  // namespace

RefusedAnswers::RefusedAnswers(const CompiledKb& kb)
    : probes_(kb.findings.size()), rules_reading_(kb.findings.size()) {
  const auto is_finding = [&](int32_t slot) { return slot >= 0 && static_cast<size_t>(slot) < kb.findings.size(); };
  for (size_t s = 0; s < kb.findings.size(); ++s) {
    const FindingSpec& f = kb.findings[s];
    std::vector<double>& out = probes_[s];
    if (f.type == FindingType::kBool) {
      out = {0, 1};
    } else if (f.type == FindingType::kChoice) {
      for (size_t c = 0; c < f.choices.size(); ++c) out.push_back(static_cast<double>(c));
    } else {
      out = {f.min, f.max};
    }
  }
  // Thresholds: every comparison of a number finding, alone or in a sum.
  for (const Instr& in : kb.program.code) {
    if (in.op != Op::kCompare && in.op != Op::kSum) continue;
    ForEachSlotRead(kb.program, in, [&](int32_t slot) {
      if (!is_finding(slot)) return;
      const FindingSpec& f = kb.findings[slot];
      if (f.type != FindingType::kNumber && f.type != FindingType::kInteger) return;
      const double step = f.type == FindingType::kInteger ? 1 : 0.01;
      for (double v : {in.value - step, in.value, in.value + step}) {
        if (v >= f.min && v <= f.max) probes_[slot].push_back(v);
      }
    });
  }
  for (auto& p : probes_) {
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
  }
  for (size_t r = 0; r < kb.consistency.size(); ++r) {
    const Cond cond = kb.consistency[r].error_if;
    for (uint32_t i = cond.begin; i < cond.end; ++i) {
      ForEachSlotRead(kb.program, kb.program.code[i], [&](int32_t slot) {
        if (!is_finding(slot)) return;
        auto& rules = rules_reading_[slot];
        if (rules.empty() || rules.back() != r) rules.push_back(static_cast<uint32_t>(r));
      });
    }
  }
}

bool RefusedAnswers::EveryAnswerRefused(const FastProgram& fast, int slot, double* values) const {
  const std::vector<uint32_t>& rules = rules_reading_[slot];
  if (rules.empty() || !fast.consistency_on_findings()) return false;
  const double saved = values[slot];
  bool refused = true;
  for (double probe : probes_[slot]) {
    values[slot] = probe;
    const bool broken = std::any_of(rules.begin(), rules.end(),
                                    [&](uint32_t r) { return fast.ConsistencyRuleIsTrue(r, values); });
    if (!broken) {
      refused = false;
      break;
    }
  }
  values[slot] = saved;
  return refused;
}

}  // namespace norotriage::internal
