// Assess: flags and disposition, care plan, explanations, open questions.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "compile/compiled_kb.h"
#include "eval/care_plan.h"
#include "eval/assess_into.h"
#include "eval/compact.h"
#include "eval/evaluator.h"
#include "eval/fast_eval.h"
#include "eval/request_state.h"
#include "eval/safety_net.h"
#include "norotriage/engine.h"

namespace norotriage {

using internal::CompiledKb;
using internal::Explained;
using internal::RequestState;
using internal::SlotSet;

namespace {

// The findings of `set` the request gave (not those read as `otherwise`).
void AddFindings(const CompiledKb& kb, const SlotSet& set, const RequestState& st,
                 std::vector<std::string_view>* out) {
  const SlotSet given = set & ~st.filled;
  out->reserve(out->size() + given.count());
  for (size_t i = given._Find_first(); i < kb.findings.size(); i = given._Find_next(i)) {
    out->push_back(kb.findings[i].id);
  }
}

void SetSources(const internal::Sources& s, std::vector<std::string_view>* out) {
  out->assign(s.begin(), s.end());
}

bool Holds(const internal::FastProgram& fast, internal::Cond c, const RequestState& st) {
  return c.empty() || fast.IsTrue(c, st.values.data());
}

// Empties *a as a fresh Assessment, but its lists keep their memory (those of
// the unanswered items too: AssessInto fills them in place). A list not
// named here is simply made anew.
void Recycle(Assessment* a) {
  Assessment fresh;
  auto keep = [](auto& from, auto& to) {
    to = std::move(from);
    to.clear();
  };
  keep(a->flags, fresh.flags);
  keep(a->hydration.because, fresh.hydration.because);
  keep(a->hydration.sources, fresh.hydration.sources);
  keep(a->medicines, fresh.medicines);
  keep(a->mechanisms, fresh.mechanisms);
  keep(a->pain_types, fresh.pain_types);
  keep(a->self_care, fresh.self_care);
  keep(a->self_care_after_seen, fresh.self_care_after_seen);
  keep(a->expected, fresh.expected);
  keep(a->review, fresh.review);
  keep(a->safety_net, fresh.safety_net);
  keep(a->safety_net_more, fresh.safety_net_more);
  keep(a->rules_fired, fresh.rules_fired);
  fresh.unanswered = std::move(a->unanswered);  // not cleared: its items are reused
  *a = std::move(fresh);
}

}  // namespace

Assessment Assess(const KnowledgeBase& kbase, const Request& request) {
  Assessment a;
  internal::AssessInto(kbase, request, &a);
  return a;
}

void internal::AssessInto(const KnowledgeBase& kbase, const Request& request, Assessment* out) {
  const CompiledKb& kb = kbase.compiled();
  RequestState st;
  internal::PrepareState(kb, request.findings, &st);
  const double* v = st.values.data();
  const internal::FastProgram& fast = internal::FastOf(kb);
  const internal::DerivedInfo derived = internal::ExplainDerived(kb, st);
  // Per-call working space, kept per thread: Assess runs for every request of
  // a batch or a server, and these are the size of the knowledge base.
  thread_local std::vector<uint32_t> fired;  // indexes of the flags that fired
  thread_local std::vector<uint8_t> is_fired;  // by flag

  Recycle(out);
  Assessment& a = *out;
  a.ref = request.ref;
  a.kb_version = kb.version;
  a.kb = &kbase;
  a.call = &kbase.call_numbers();

  // Flags and the disposition.
  fired.resize(kb.flags.size());
  fired.resize(fast.TrueFlags(v, fired.data()));
  is_fired.assign(kb.flags.size(), 0);
  for (uint32_t i : fired) is_fired[i] = 1;
  a.flags.reserve(fired.size());
  a.rules_fired.reserve(fired.size() + kb.mechanisms.size());
  for (uint32_t i : fired) {
    const auto& f = kb.flags[i];
    FlagHit hit;
    hit.id = f.id;
    hit.level = f.level;
    hit.title = f.title;
    hit.advice = f.advice;
    AddFindings(kb, internal::Explain(kb, f.when, v, derived).why, st, &hit.because);
    SetSources(f.sources, &hit.sources);
    a.disposition = std::max(a.disposition, f.level);
    a.flags.push_back(std::move(hit));
    a.rules_fired.push_back(f.id);
  }
  const auto& disp = kb.dispositions[static_cast<int>(a.disposition)];
  a.disposition_label = disp.label;
  a.summary = disp.summary;

  internal::FillHydration(kb, st, derived, &a.hydration);
  internal::FillMedicines(kb, st, &a.medicines);

  // One story: nothing a fired flag says the pain is not (its `contradicts`).
  auto excluded = [&](const std::vector<uint32_t>& by) {
    return std::any_of(by.begin(), by.end(), [&](uint32_t f) { return is_fired[f] != 0; });
  };
  for (const auto& m : kb.mechanisms) {
    if (!Holds(fast, m.when, st) || excluded(m.excluded_by)) continue;
    MechanismHit hit;
    hit.id = m.id;
    hit.title = m.title;
    hit.explanation = m.text;
    AddFindings(kb, internal::Explain(kb, m.when, v, derived).why, st, &hit.because);
    SetSources(m.sources, &hit.sources);
    a.mechanisms.push_back(std::move(hit));
    a.rules_fired.push_back(m.id);
  }
  for (const auto& region : kb.pain_regions) {
    if (!Holds(fast, region.present, st)) continue;
    bool any = false;
    for (const auto& t : region.types) {
      if (!Holds(fast, t.when, st)) continue;
      any = true;  // the default is for when no type holds, listed or not
      if (!excluded(t.excluded_by)) a.pain_types.push_back({region.region, t.type, t.text});
    }
    if (!any && !excluded(region.default_excluded_by)) {
      a.pain_types.push_back({region.region, region.default_type, region.default_text});
    }
  }
  // Self-care by the disposition (self_care.yaml `dispositions`): what to do
  // now, and what is kept for after being seen.
  a.self_care.reserve(kb.self_care.size());
  for (const auto& s : kb.self_care) {
    const internal::CareUse use = s.use[static_cast<int>(a.disposition)];
    if (use == internal::CareUse::kNo || !Holds(fast, s.when, st)) continue;
    (use == internal::CareUse::kNow ? a.self_care : a.self_care_after_seen).push_back({s.id, s.text});
  }
  a.expected.reserve(kb.expected.size());
  for (const auto& e : kb.expected) {
    if (Holds(fast, e.when, st)) a.expected.push_back({e.id, e.text});
  }
  for (const auto& r : kb.review) {
    if (!Holds(fast, r.present, st)) continue;
    ReviewPoint p;
    p.pain = r.pain;
    p.after_days = r.after_days;
    p.text = r.text;
    if (double days = v[r.days_slot]; !std::isnan(days)) p.days_left = std::max(0.0, r.after_days - days);
    a.review.push_back(p);
  }

  // Safety net: the emergency and urgent signs not present, most serious first.
  internal::FillSafetyNet(kb, fast, st, is_fired, &a.safety_net, &a.safety_net_more);

  // Unanswered: unknown findings that could still raise the disposition,
  // highest reachable level first, then in vocabulary order; each with the
  // flags (in flag order) its answer could raise.
  thread_local std::vector<std::pair<uint16_t, uint32_t>> raises;  // {finding, flag}, in flag order
  raises.clear();
  // The loader keeps findings below kMaxSlots; the min says so to the compiler.
  const size_t findings = std::min(kb.findings.size(), internal::kMaxSlots);
  std::array<int8_t, internal::kMaxSlots> reach;  // valid for the findings of `reached`
  SlotSet reached;
  std::array<uint32_t, internal::kMaxSlots + 1> first{};  // first[s + 1]: the pairs of finding s, then where they start
  for (size_t i = 0; i < kb.flags.size(); ++i) {
    const auto& f = kb.flags[i];
    if (is_fired[i] || f.level <= a.disposition) continue;
    // Not possible() without the work of Explain: false, and never soft.
    if (!fast.CanBeSoft(f.when) && fast.IsFalse(f.when, v)) continue;
    Explained e = internal::ExplainOpen(kb, f.when, v, derived);
    if (!e.possible()) continue;
    // Set bits only (GCC's bitset scan): with ~120 findings and dozens of
    // flags a plain loop over every finding was a tenth of Assess.
    for (size_t s = e.open._Find_first(); s < findings; s = e.open._Find_next(s)) {
      if (kb.history_slot[s]) continue;  // history is worked out, not asked
      reach[s] = reached.test(s) ? std::max<int8_t>(reach[s], static_cast<int8_t>(f.level))
                                 : static_cast<int8_t>(f.level);
      reached.set(s);
      raises.emplace_back(static_cast<uint16_t>(s), static_cast<uint32_t>(i));
      ++first[s + 1];
    }
  }
  // The flags of each finding side by side, in flag order (a counting sort).
  for (size_t s = 0; s < findings; ++s) first[s + 1] += first[s];
  thread_local std::vector<std::string_view> raised;  // for finding s: [first[s], first[s + 1])
  raised.resize(raises.size());
  {
    std::array<uint32_t, internal::kMaxSlots + 1> next = first;
    for (const auto& [s, i] : raises) raised[next[s]++] = kb.flags[i].id;
  }
  // Hydration signs that could raise the status change the fluid plan even
  // when they cannot change the disposition.
  const SlotSet by_hydration = derived.hydration_open & ~reached;
  for (size_t s = by_hydration._Find_first(); s < findings; s = by_hydration._Find_next(s)) {
    reach[s] = static_cast<int8_t>(a.disposition);
    reached.set(s);
  }
  // A question no answer can be given to is not asked: every value breaks a
  // consistency rule (a detail of a complaint answered "no").
  std::array<double, internal::kMaxSlots> answers;
  std::copy_n(request.findings.data(), findings, answers.begin());
  std::array<SlotSet, 4> at_level;
  for (size_t s = reached._Find_first(); s < findings; s = reached._Find_next(s)) {
    if (!fast.refused_answers().EveryAnswerRefused(fast, static_cast<int>(s), answers.data())) {
      at_level[reach[s]].set(s);
    }
  }
  // Items are filled in place: a recycled assessment's items keep the memory
  // of their lists. Each is assigned whole, so nothing of the last one stays.
  a.unanswered.reserve(at_level[0].count() + at_level[1].count() + at_level[2].count() + at_level[3].count());
  size_t n = 0;
  for (int level = 3; level >= 0; --level) {
    const SlotSet& set = at_level[level];
    for (size_t s = set._Find_first(); s < findings; s = set._Find_next(s)) {
      if (n == a.unanswered.size()) a.unanswered.emplace_back();
      UnansweredItem& u = a.unanswered[n++];
      std::vector<std::string_view> for_flags = std::move(u.for_flags);
      for_flags.assign(raised.begin() + first[s], raised.begin() + first[s + 1]);
      u = UnansweredItem{kb.findings[s].id, static_cast<Level>(level), kb.findings[s].question, std::move(for_flags)};
    }
  }
  a.unanswered.resize(n);
}

void internal::AssessCompactInto(const CompiledKb& kb, const Findings& findings, CompactResult* out) {
  RequestState st;
  internal::PrepareState(kb, findings, &st);
  const internal::FastProgram& fast = internal::FastOf(kb);
  out->disposition = Level::kSelfCare;
  out->hydration = st.hydration;
  out->hydration_assessed = st.assessed;
  out->flags.resize(kb.flags.size());
  out->flags.resize(fast.TrueFlags(st.values.data(), out->flags.data()));
  for (uint32_t i : out->flags) out->disposition = std::max(out->disposition, kb.flags[i].level);
  out->medicines.clear();
  for (size_t i = 0; i < kb.medicines.size(); ++i) {
    bool listed = true;
    Advice adv = internal::MedicineAdviceOf(kb, i, st, &listed);
    if (listed) out->medicines.emplace_back(static_cast<uint32_t>(i), adv);
  }
}

CompactAssessment AssessCompact(const KnowledgeBase& kbase, const Findings& findings) {
  const CompiledKb& kb = kbase.compiled();
  thread_local internal::CompactResult r;  // reused: no allocation for the indexes
  internal::AssessCompactInto(kb, findings, &r);
  CompactAssessment c;
  c.disposition = r.disposition;
  c.hydration = r.hydration;
  c.hydration_assessed = r.hydration_assessed;
  c.flags.reserve(r.flags.size());
  for (uint32_t i : r.flags) c.flags.push_back(kb.flags[i].id);
  c.medicines.reserve(r.medicines.size());
  for (const auto& [i, advice] : r.medicines) c.medicines.emplace_back(kb.medicines[i].id, advice);
  return c;
}

}  // namespace norotriage
