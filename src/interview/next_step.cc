// NextStep: which screen to show next (see include/norotriage/interview.h).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "compile/compiled_kb.h"
#include "eval/evaluator.h"
#include "eval/fast_eval.h"
#include "eval/request_state.h"
#include "norotriage/engine.h"
#include "norotriage/interview.h"

namespace norotriage {

using internal::CompiledKb;

std::string_view ScreenKindId(ScreenKind k) {
  switch (k) {
    case ScreenKind::kQuestion: return "question";
    case ScreenKind::kChecklist: return "checklist";
    case ScreenKind::kForm: return "form";
  }
  return "question";
}

namespace {

// One finding to ask, and why.
struct Ask {
  int slot = -1;
  Level could_reach = Level::kSelfCare;
  std::string why;
  bool decisive = false;  // one answer alone could fire a flag at could_reach
  int flags = 0;          // how many open flags at could_reach read it
};

class Selector {
 public:
  Selector(const CompiledKb& kb, const Request& req, const Assessment& a)
      : kb_(kb), req_(req), a_(a), iv_(kb.interview) {
    const auto& order = Complains(0) ? iv_.order_back
                        : (Complains(1) || Complains(2)) ? iv_.order_legs
                                                         : iv_.order_default;
    for (size_t i = 0; i < order.size(); ++i) group_rank_[order[i]] = static_cast<int>(i);
    FindInverted();
    applicability_.assign(kb_.findings.size(), nullptr);
    decides_.assign(kb_.findings.size(), false);
    for (const auto& a : kb_.applicability) {
      applicability_[a.slot] = &a;
      for (int r : a.reads) decides_[r] = true;
    }
  }

  std::optional<Screen> Next() {
    if (auto s = Opening()) return s;
    for (Level level : {Level::kEmergency, Level::kUrgent, Level::kRoutine}) {
      if (level > a_.disposition) stages_.push_back({level, false, {}});
    }
    stages_.push_back({a_.disposition, true, {}});  // care
    for (size_t i = 0; i < stages_.size(); ++i) {
      if (!AsksOf(i).empty()) return Pick(i);
    }
    return std::nullopt;
  }

 private:
  bool Asked(int slot) const {
    return req_.findings.known(slot) || (static_cast<size_t>(slot) < req_.declined.size() && req_.declined[slot]);
  }
  bool IsTrue(int slot) const { return req_.findings.known(slot) && req_.findings.get(slot) != 0; }
  // The i-th complaint finding (back pain, aching legs, cramps) is true.
  bool Complains(size_t i) const {
    return i < iv_.complaint_slots.size() && IsTrue(iv_.complaint_slots[i]);
  }

  // The opening screens (interview.yaml `opening`), each showing only what
  // is not yet asked: the complaint checklist, a question, or a form.
  std::optional<Screen> Opening() {
    for (const std::vector<std::string>& entry : iv_.opening) {
      if (entry.size() == 1 && entry[0] == "complaint") {
        std::vector<Ask> asks;
        for (int s : iv_.complaint_slots) {
          if (!Asked(s)) asks.push_back({s, Level::kSelfCare, iv_.complaint_why});
        }
        if (!asks.empty()) {
          Screen screen = Build("opening", ScreenKind::kChecklist, iv_.complaint_title, asks);
          screen.why = iv_.complaint_why;
          return screen;
        }
        continue;
      }
      std::vector<Ask> asks;
      for (const std::string& id : entry) {
        int slot = kb_.finding_index.at(id);
        if (!Asked(slot)) asks.push_back({slot, Level::kSelfCare, WhyOpening(slot)});
      }
      if (asks.empty()) continue;
      if (asks.size() == 1) return Build("opening", ScreenKind::kQuestion, kb_.findings[asks[0].slot].question, asks);
      return Build("opening", ScreenKind::kForm, iv_.opening_title, asks);
    }
    return std::nullopt;
  }

  const std::string& WhyOpening(int slot) const {
    if (slot == kb_.age_slot) return iv_.why_age;
    if (slot == kb_.weight_slot) return iv_.why_weight;
    if (decides_[slot] && !iv_.why_applies.empty()) return iv_.why_applies;
    return iv_.complaint_why;
  }

  // A finding asked only of some people (CompiledKb::applicability) whose
  // asked_when reads a finding not yet asked: it waits for that one.
  bool Waiting(int slot) const {
    const internal::Applicability* a = applicability_[slot];
    return a && std::any_of(a->reads.begin(), a->reads.end(), [&](int r) { return !Asked(r); });
  }

  // The findings that waiting asks wait for (e.g. sex, before the pregnancy
  // questions), in vocabulary order; the waiting asks are removed.
  std::vector<Ask> TakePrerequisites(std::vector<Ask>* asks) const {
    std::set<int> needed;
    Level reach = Level::kSelfCare;
    std::erase_if(*asks, [&](const Ask& a) {
      if (!Waiting(a.slot)) return false;
      reach = std::max(reach, a.could_reach);
      for (int r : applicability_[a.slot]->reads) {
        if (!Asked(r)) needed.insert(r);
      }
      return true;
    });
    std::vector<Ask> out;
    for (int r : needed) out.push_back({r, reach, iv_.why_applies.empty() ? iv_.complaint_why : iv_.why_applies});
    return out;
  }

  std::string WhyFlags(const std::vector<std::string_view>& flag_ids) const {
    std::vector<std::string_view> titles;
    for (std::string_view id : flag_ids) {
      for (const auto& f : kb_.flags) {
        if (f.id == id && std::find(titles.begin(), titles.end(), f.title) == titles.end()) {
          titles.push_back(f.title);
        }
      }
      // The most serious one only (flags are listed highest level first):
      // one short sentence reads better than a list.
      if (!titles.empty()) break;
    }
    std::string list;
    for (size_t i = 0; i < titles.size(); ++i) list += (i ? "; " : "") + std::string(titles[i]);
    std::string out = iv_.why_flags;
    out.replace(out.find("{flags}"), 7, list);
    return out;
  }

  // A stage of the interview after the opening: the findings that could
  // raise the disposition to one level, or (care) what the care plan needs.
  struct Stage {
    Level level = Level::kSelfCare;
    bool care = false;
    std::optional<std::vector<Ask>> asks;  // worked out when first needed
  };

  // The findings stage `i` would ask, in the order to ask them.
  const std::vector<Ask>& AsksOf(size_t i) {
    Stage& st = stages_[i];
    if (!st.asks) st.asks = st.care ? CareAsks() : RaisingAsks(st.level);
    return *st.asks;
  }

  // The open findings that could take the disposition to `level`: those one
  // answer could settle first, then in the complaint's group order, then
  // vocabulary order.
  std::vector<Ask> RaisingAsks(Level level) {
    std::vector<Ask> asks;
    for (const auto& u : a_.unanswered) {
      if (u.could_reach != level) continue;
      int slot = kb_.finding_index.at(std::string(u.finding));
      if (Asked(slot) || Contradicts(slot)) continue;
      Ask ask{slot, level, WhyFlags(u.for_flags)};
      ask.decisive = Decisive(slot, level, u.for_flags);
      ask.flags = static_cast<int>(u.for_flags.size());
      asks.push_back(std::move(ask));
    }
    // Decisive findings first; then, among questions that are not yes/no
    // signs, those more flags read (temperature, vomiting, alertness: their
    // answers settle many signs at once); then group and vocabulary order.
    // (Yes/no signs and other questions go on different screens, so the
    // flag count only orders the latter.)
    auto key = [&](const Ask& a) {
      return std::tuple(!a.decisive, Tickable(a.slot) ? 0 : -a.flags, Rank(a), a.slot);
    };
    std::stable_sort(asks.begin(), asks.end(), [&](const Ask& x, const Ask& y) { return key(x) < key(y); });
    return asks;
  }

  // What the care plan still needs: hydration signs that could change the
  // fluid plan, medicine-safety questions when pain relief is relevant, the
  // days of a pain that has a review point; in group order.
  std::vector<Ask> CareAsks() {
    internal::RequestState st;
    internal::PrepareState(kb_, req_.findings, &st);
    const double* v = st.values.data();
    const internal::DerivedInfo derived = internal::ExplainDerived(kb_, st);
    std::vector<Ask> asks;
    std::set<int> seen;
    auto add = [&](const internal::SlotSet& set, const std::string& why) {
      for (size_t s = 0; s < kb_.findings.size(); ++s) {
        if (set.test(s) && !Asked(static_cast<int>(s)) && !Contradicts(static_cast<int>(s)) &&
            seen.insert(static_cast<int>(s)).second) {
          asks.push_back({static_cast<int>(s), a_.disposition, why});
        }
      }
    };
    add(derived.hydration_open, iv_.why_hydration);
    // Pain relief is relevant with a pain complaint or a fever.
    bool pain = Complains(0) || Complains(1) || Complains(2);
    int temp = kb_.finding_index.count("temperature_c") ? kb_.finding_index.at("temperature_c") : -1;
    if (temp >= 0 && req_.findings.known(temp) && req_.findings.get(temp) >= 38.0) pain = true;
    if (pain) {
      for (const auto& m : kb_.medicines) {
        std::vector<internal::Cond> conds;
        if (m.is_review) conds.push_back(m.review.when);
        for (const auto& c : m.avoid) conds.push_back(c.when);
        for (const auto& c : m.caution) conds.push_back(c.when);
        for (internal::Cond c : conds) {
          internal::Explained e = internal::Explain(kb_, c, v, derived);
          if (e.value == internal::kUnknown) add(e.open, iv_.why_medicines);
        }
      }
    }
    for (const auto& r : kb_.review) {
      if (internal::Eval(kb_.program, r.present, v) != internal::kTrue) continue;
      internal::SlotSet days;
      days.set(r.days_slot);
      add(days, iv_.why_pain_course);
    }
    std::stable_sort(asks.begin(), asks.end(), [&](const Ask& x, const Ask& y) { return Rank(x) < Rank(y); });
    return asks;
  }

  // Bool findings that the clinical rules only ever use as "= false": their
  // worrying answer is "no", so they never go on a tick list.
  void FindInverted() {
    std::vector<int> pos(kb_.findings.size()), neg(kb_.findings.size());
    std::vector<internal::Cond> conds = {kb_.hydration.severe, kb_.hydration.some};
    for (const auto& f : kb_.flags) conds.push_back(f.when);
    for (const auto& m : kb_.medicines) {
      if (m.is_review) conds.push_back(m.review.when);
      for (const auto& c : m.avoid) conds.push_back(c.when);
      for (const auto& c : m.caution) conds.push_back(c.when);
    }
    for (const auto& m : kb_.mechanisms) conds.push_back(m.when);
    const auto& code = kb_.program.code;
    for (internal::Cond c : conds) {
      for (uint32_t pc = c.begin; pc < c.end; ++pc) {
        if (code[pc].op != internal::Op::kBool || code[pc].slot >= static_cast<int>(kb_.findings.size())) continue;
        bool negated = pc + 1 < c.end && code[pc + 1].op == internal::Op::kNot;
        ++(negated ? neg : pos)[code[pc].slot];
      }
    }
    inverted_.assign(kb_.findings.size(), false);
    for (size_t i = 0; i < kb_.findings.size(); ++i) inverted_[i] = neg[i] > 0 && pos[i] == 0;
  }

  // Values worth trying for a finding (refused_answers.h).
  const std::vector<double>& Probes(int slot) const {
    return internal::FastOf(kb_).refused_answers().Probes(slot);
  }

  // The state of the request with `slot` set to `value`.
  const internal::RequestState& With(int slot, double value) {
    Findings f = req_.findings;
    f.set(slot, value);
    internal::PrepareState(kb_, f, &probe_);
    return probe_;
  }

  // Every answer to `slot` would contradict the answers so far (e.g. where the
  // back hurts, after "no back pain").
  bool Contradicts(int slot) {
    if (kb_.consistency.empty()) return false;
    for (double v : Probes(slot)) {
      const auto& st = With(slot, v);
      bool bad = false;
      for (const auto& c : kb_.consistency) {
        bad = bad || internal::Eval(kb_.program, c.error_if, st.values.data()) == internal::kTrue;
      }
      if (!bad) return false;
    }
    return true;
  }

  // Some answer to `slot` alone would fire one of `flag_ids` at `level`.
  bool Decisive(int slot, Level level, const std::vector<std::string_view>& flag_ids) {
    for (double v : Probes(slot)) {
      const auto& st = With(slot, v);
      for (const auto& f : kb_.flags) {
        if (f.level != level || std::find(flag_ids.begin(), flag_ids.end(), f.id) == flag_ids.end()) continue;
        if (internal::Eval(kb_.program, f.when, st.values.data()) == internal::kTrue) return true;
      }
    }
    return false;
  }

  // Appends the companions of the signs on a tick list (interview.yaml).
  void AddCompanions(std::vector<Ask>* list) {
    for (const auto& companion : iv_.companions) {
      const std::vector<int>& with = companion.first;  // (a named reference: clang 14 cannot capture bindings)
      const std::vector<int>& show = companion.second;
      bool present = std::any_of(list->begin(), list->end(), [&](const Ask& a) {
        return std::find(with.begin(), with.end(), a.slot) != with.end();
      });
      if (!present) continue;
      for (int s : show) {
        if (Asked(s) || inverted_[s] || Waiting(s)) continue;
        if (std::any_of(list->begin(), list->end(), [&](const Ask& a) { return a.slot == s; })) continue;
        for (const auto& u : a_.unanswered) {
          if (u.finding == kb_.findings[s].id && u.could_reach > a_.disposition) {
            list->push_back({s, u.could_reach, WhyFlags(u.for_flags)});
            break;
          }
        }
      }
    }
  }

  int Rank(const Ask& a) const {
    auto it = group_rank_.find(kb_.findings[a.slot].group);
    return it == group_rank_.end() ? 1000 : it->second;
  }

  // Tick lists hold the signs whose "yes" is the worrying answer; one whose
  // worrying answer is "no" (e.g. "You can keep drinks down") is a question.
  bool Tickable(int slot) const { return kb_.findings[slot].type == FindingType::kBool && !inverted_[slot]; }

  // The screen for stage `i`: its yes/no findings as one checklist when there
  // are two or more; otherwise its other questions as one form (with a lone
  // yes/no among them). A screen with room left is topped up with findings of
  // the same kind from the later stages, so that a short remainder does not
  // take a screen of its own.
  std::optional<Screen> Pick(size_t i) {
    std::vector<Ask> asks = AsksOf(i);
    const Stage& st = stages_[i];
    const std::string_view stage = st.care ? std::string_view("care") : LevelId(st.level);
    const int title = st.care ? 0 : static_cast<int>(st.level);
    // What decides who a finding applies to is asked before the finding.
    if (std::vector<Ask> first = TakePrerequisites(&asks); !first.empty()) {
      return Build(stage, first.size() == 1 ? ScreenKind::kQuestion : ScreenKind::kForm,
                   first.size() == 1 ? std::string_view(kb_.findings[first[0].slot].question)
                                     : std::string_view(iv_.form_title[title]),
                   first);
    }
    std::vector<Ask> bools, others;
    for (auto& a : asks) (Tickable(a.slot) ? bools : others).push_back(a);
    if (bools.size() >= 2) {
      if (bools.size() > static_cast<size_t>(iv_.max_checklist_items)) bools.resize(iv_.max_checklist_items);
      AddCompanions(&bools);
      TopUp(i, /*tickable=*/true, iv_.max_checklist_items, &bools);
      return Build(stage, ScreenKind::kChecklist, iv_.checklist_title[title], bools);
    }
    // A lone sign left over from the tick lists opens the form.
    others.insert(others.begin(), bools.begin(), bools.end());
    if (others.size() > static_cast<size_t>(iv_.max_form_questions)) others.resize(iv_.max_form_questions);
    TopUp(i, /*tickable=*/false, iv_.max_form_questions, &others);
    if (others.size() == 1) return Build(stage, ScreenKind::kQuestion, kb_.findings[others[0].slot].question, others);
    return Build(stage, ScreenKind::kForm, iv_.form_title[title], others);
  }

  // Fills `list` up to `room` with the findings of the stages after `i` that
  // go on the same kind of screen, stage by stage in their own order.
  void TopUp(size_t i, bool tickable, int room, std::vector<Ask>* list) {
    for (size_t j = i + 1; j < stages_.size() && list->size() < static_cast<size_t>(room); ++j) {
      for (const Ask& a : AsksOf(j)) {
        if (list->size() >= static_cast<size_t>(room)) break;
        if (Tickable(a.slot) != tickable || Waiting(a.slot)) continue;
        if (std::any_of(list->begin(), list->end(), [&](const Ask& b) { return b.slot == a.slot; })) continue;
        list->push_back(a);
      }
    }
  }

  Screen Build(std::string_view stage, ScreenKind kind, std::string_view title, const std::vector<Ask>& asks) {
    Screen s;
    s.kind = kind;
    s.stage = stage;
    s.title = title;
    s.none_label = kind == ScreenKind::kChecklist ? std::string_view(iv_.none_of_these) : std::string_view();
    s.unknown_label = iv_.dont_know;
    s.id = fmt::format("{}:{}:", stage, ScreenKindId(kind));
    for (size_t i = 0; i < asks.size(); ++i) {
      const FindingSpec& f = kb_.findings[asks[i].slot];
      s.id += (i ? "+" : "") + f.id;
      ScreenQuestion q;
      q.finding = f.id;
      q.type = f.type;
      q.text = f.question;
      q.label = f.label;
      q.help = f.help;
      q.why = asks[i].why;
      q.min = f.min;
      q.max = f.max;
      q.could_reach = asks[i].could_reach;
      if (f.type == FindingType::kBool) {
        q.choices = {{"true", iv_.yes}, {"false", iv_.no}};
      } else if (f.type == FindingType::kChoice) {
        for (size_t c = 0; c < f.choices.size(); ++c) q.choices.push_back({f.choices[c], f.choice_labels[c]});
      }
      s.questions.push_back(std::move(q));
    }
    // The screen's reason: its first question's, unless they differ.
    s.why = asks.front().why;
    for (const auto& a : asks) {
      if (a.why != s.why) {
        s.why = kind == ScreenKind::kChecklist ? WhyFlagsOfAll(asks) : std::string();
        break;
      }
    }
    return s;
  }

  std::string WhyFlagsOfAll(const std::vector<Ask>& asks) const {
    std::vector<std::string_view> ids;
    for (const auto& a : asks) {
      for (const auto& u : a_.unanswered) {
        if (u.finding == kb_.findings[a.slot].id) ids.insert(ids.end(), u.for_flags.begin(), u.for_flags.end());
      }
    }
    return ids.empty() ? asks.front().why : WhyFlags(ids);
  }

  const CompiledKb& kb_;
  const Request& req_;
  const Assessment& a_;
  const internal::InterviewRules& iv_;
  std::map<std::string, int> group_rank_;
  std::vector<bool> inverted_;
  std::vector<Stage> stages_;
  std::vector<const internal::Applicability*> applicability_;  // by slot; null: applies to everyone
  std::vector<bool> decides_;  // read by some finding's asked_when (e.g. age, sex)
  internal::RequestState probe_;
};

}  // namespace

InterviewStep NextStep(const KnowledgeBase& kbase, const Request& request) {
  InterviewStep step;
  step.assessment = Assess(kbase, request);
  const CompiledKb& kb = kbase.compiled();
  if (step.assessment.disposition == Level::kEmergency) {
    step.done = true;
    step.emergency = true;
    step.emergency_banner = kb.interview.emergency_banner;
    return step;
  }
  Selector selector(kb, request, step.assessment);
  step.screen = selector.Next();
  step.done = !step.screen.has_value();
  return step;
}

}  // namespace norotriage
