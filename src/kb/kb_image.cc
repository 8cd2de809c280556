#include "kb/kb_image.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

#include "eval/slot_set.h"

namespace norotriage::internal {
namespace {

constexpr uint32_t kMagic = 0x424b544e;  // "NTKB"
constexpr uint32_t kFormat = 8;          // bump on any change to the field lists below

// One list of fields per type, shared by the writer and the reader.
template <class A> void Fields(A& a, FindingSpec& f) {
  a(f.id, f.type, f.min, f.max, f.choices, f.choice_labels, f.group, f.question, f.label, f.help,
    f.asked_when, f.otherwise);
}
template <class A> void Fields(A& a, Instr& i) { a(i.op, i.cmp, i.n, i.k, i.slot, i.value, i.mask); }
template <class A> void Fields(A& a, Cond& c) { a(c.begin, c.end); }
template <class A> void Fields(A& a, Band& b) { a(b.min_age, b.max_age, b.ml); }
template <class A> void Fields(A& a, FlagRule& f) {
  a(f.id, f.level, f.when, f.title, f.advice, f.safety_net, f.sources, f.contradicts);
}
template <class A> void Fields(A& a, HydrationRules& h) {
  a(h.severe, h.some, h.sign_slots, h.status_text[0], h.status_text[1], h.status_text[2], h.plan_text[0],
    h.plan_text[1], h.plan_text[2], h.per_stool, h.ors_ml_per_kg, h.over_hours, h.ors_max_ml, h.ors_by_age,
    h.fluid_limit_when, h.fluid_limit_text, h.iv_ml_per_kg, h.first_ml_per_kg, h.first_minutes, h.then_ml_per_kg, h.then_hours, h.child_below_age,
    h.adult_ml_per_kg, h.holliday_segar, h.portion_minutes, h.per_vomit_ml_per_kg, h.cup_ml, h.sources);
}
template <class A> void Fields(A& a, MedCondition& c) { a(c.when, c.reason, c.if_unknown, c.sources); }
template <class A> void Fields(A& a, DoseRule::Liquid& l) { a(l.mg, l.per_ml, l.name); }
template <class A> void Fields(A& a, DoseRule& d) {
  a(d.present, d.min_age, d.min_weight, d.mg, d.hours, d.max_mg_24h, d.max_doses_24h, d.note, d.mg_per_kg,
    d.max_mg_dose, d.max_mg_per_kg_24h, d.wt_hours, d.wt_max_mg_24h, d.has_by_weight, d.liquids, d.ml_step,
    d.min_share, d.tablet_mg, d.tablet_name, d.measure_text, d.too_small_text);
}
template <class A> void Fields(A& a, MedicineRule& m) {
  a(m.id, m.name, m.is_review, m.review, m.listed_when, m.notes, m.avoid, m.caution, m.ok_text, m.dose, m.no_weight_text,
    m.not_kept_down_text, m.caution_max_mg_24h, m.sources);
}
template <class A> void Fields(A& a, TextRule& t) { a(t.id, t.title, t.text, t.when, t.sources, t.use, t.excluded_by); }
template <class A> void Fields(A& a, PainTypeRule& p) { a(p.type, p.text, p.when, p.sources, p.excluded_by); }
template <class A> void Fields(A& a, PainRegion& p) {
  a(p.region, p.present, p.default_type, p.default_text, p.types, p.default_excluded_by);
}
template <class A> void Fields(A& a, ReviewRule& r) { a(r.pain, r.text, r.present, r.days_slot, r.after_days, r.sources); }
template <class A> void Fields(A& a, ConsistencyRule& c) { a(c.error_if, c.path, c.message); }
template <class A> void Fields(A& a, Applicability& p) { a(p.slot, p.asked_when, p.otherwise, p.reads); }
template <class A> void Fields(A& a, DispositionText& d) { a(d.label, d.summary); }
template <class A> void Fields(A& a, OpenItem& o) { a(o.id, o.text, o.sources); }
template <class A> void Fields(A& a, CallNumbers& c) { a(c.country, c.emergency, c.urgent); }
template <class A> void Fields(A& a, HistoryTexts& h) {
  a(h.score_change, h.pain_back, h.pain_legs, h.hydration_change, h.status_names, h.overdue, h.course_back,
    h.course_legs, h.sources);
}
template <class A> void Fields(A& a, InterviewRules& i) {
  a(i.opening, i.opening_title, i.complaint_slots, i.complaint_title, i.complaint_help, i.complaint_why, i.order_back, i.order_legs,
    i.order_default, i.checklist_title, i.form_title, i.none_of_these, i.dont_know, i.yes, i.no, i.why_flags,
    i.why_hydration, i.why_medicines, i.why_pain_course, i.why_age, i.why_weight, i.why_applies, i.emergency_banner,
    i.companions, i.max_checklist_items, i.max_form_questions);
}
template <class A> void Fields(A& a, CompiledKb& k) {
  a(k.version, k.findings, k.slot_names, k.slot_choices, k.weight_loss_slot, k.hydration_slot, k.age_slot,
    k.weight_slot, k.pre_weight_slot, k.keeps_fluids_down_slot, k.static_slots, k.history_slot, k.program.code,
    k.program.sum_slots, k.definitions, k.consistency, k.applicability, k.dispositions, k.flags, k.hydration, k.medicines,
    k.mechanisms, k.pain_regions, k.self_care, k.expected, k.review, k.sources, k.interview, k.history,
    k.open_for_review, k.condition_text, k.call_numbers, k.call_sources);
}

template <class T> struct IsVector : std::false_type {};
template <class T> struct IsVector<std::vector<T>> : std::true_type {};
template <class T> struct IsArray : std::false_type {};
template <class T, size_t N> struct IsArray<std::array<T, N>> : std::true_type {};
template <class T> struct IsPair : std::false_type {};
template <class T, class U> struct IsPair<std::pair<T, U>> : std::true_type {};

class Writer {
 public:
  std::string out;

  template <class... T> void operator()(T&... v) { (One(v), ...); }

 private:
  template <class T> void One(T& v) {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      char buf[sizeof(T)];
      std::memcpy(buf, &v, sizeof(T));
      out.append(buf, sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string>) {
      uint32_t n = static_cast<uint32_t>(v.size());
      One(n);
      out.append(v);
    } else if constexpr (IsVector<T>::value) {
      uint32_t n = static_cast<uint32_t>(v.size());
      One(n);
      for (auto& e : v) One(e);
    } else if constexpr (IsArray<T>::value) {
      for (auto& e : v) One(e);
    } else if constexpr (IsPair<T>::value) {
      One(v.first);
      One(v.second);
    } else {
      Fields(*this, v);
    }
  }
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

  template <class... T> void operator()(T&... v) { (One(v), ...); }

 private:
  bool Take(void* dst, size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    std::memcpy(dst, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  // A length that cannot exceed what is left (each element takes >= 1 byte).
  uint32_t Count() {
    uint32_t n = 0;
    if (!Take(&n, sizeof n) || n > in_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }
  template <class T> void One(T& v) {
    if (!ok_) return;
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      Take(&v, sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string>) {
      uint32_t n = Count();
      if (!ok_) return;
      v.assign(in_.data() + pos_, n);
      pos_ += n;
    } else if constexpr (IsVector<T>::value) {
      uint32_t n = Count();
      v.clear();
      for (uint32_t i = 0; i < n && ok_; ++i) {
        typename T::value_type e{};
        One(e);
        v.push_back(std::move(e));
      }
    } else if constexpr (IsArray<T>::value) {
      for (auto& e : v) One(e);
    } else if constexpr (IsPair<T>::value) {
      One(v.first);
      One(v.second);
    } else {
      Fields(*this, v);
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Every index in the program must stay inside its tables.
Status CheckIndexes(const CompiledKb& kb) {
  const size_t slots = kb.slot_names.size(), code = kb.program.code.size();
  auto cond_ok = [&](Cond c) { return c.begin <= c.end && c.end <= code; };
  if (slots > kMaxSlots || kb.slot_choices.size() != slots || kb.findings.size() + 2 != slots ||
      kb.history_slot.size() != kb.findings.size()) {
    return Status::Corruption("knowledge-base image: bad slot tables");
  }
  for (const Instr& in : kb.program.code) {
    bool leaf = in.op != Op::kAnd && in.op != Op::kOr && in.op != Op::kNot && in.op != Op::kAtLeast;
    if (in.op == Op::kSum) {
      if (in.slot < 0 || static_cast<size_t>(in.slot) + in.n > kb.program.sum_slots.size()) {
        return Status::Corruption("knowledge-base image: bad sum");
      }
    } else if (leaf && (in.slot < 0 || static_cast<size_t>(in.slot) >= slots)) {
      return Status::Corruption("knowledge-base image: bad slot");
    }
  }
  for (int s : kb.program.sum_slots) {
    if (s < 0 || static_cast<size_t>(s) >= slots) return Status::Corruption("knowledge-base image: bad sum slot");
  }
  for (int s : {kb.weight_loss_slot, kb.hydration_slot, kb.age_slot, kb.weight_slot, kb.pre_weight_slot,
                kb.keeps_fluids_down_slot}) {
    if (s < 0 || static_cast<size_t>(s) >= slots) return Status::Corruption("knowledge-base image: bad slot");
  }
  for (size_t i = 1; i < kb.condition_text.size(); ++i) {
    if (kb.condition_text[i - 1].first >= kb.condition_text[i].first) {
      return Status::Corruption("knowledge-base image: condition texts out of order");
    }
  }
  // Every condition must run within the evaluator's fixed stack and leave one value.
  std::vector<Cond> conds = {kb.hydration.severe, kb.hydration.some};
  if (!kb.hydration.fluid_limit_when.empty()) conds.push_back(kb.hydration.fluid_limit_when);
  for (const auto& a : kb.applicability) {
    conds.push_back(a.asked_when);
    if (a.slot < 0 || static_cast<size_t>(a.slot) >= kb.findings.size()) {
      return Status::Corruption("knowledge-base image: bad applicability");
    }
    for (int s : a.reads) {
      if (s < 0 || static_cast<size_t>(s) >= kb.findings.size()) return Status::Corruption("knowledge-base image: bad applicability");
    }
    // `otherwise` must be a value the finding can take: outputs index the
    // choices with it.
    const FindingSpec& f = kb.findings[a.slot];
    const double o = a.otherwise;
    const bool fits = f.type == FindingType::kBool     ? (o == 0 || o == 1)
                      : f.type == FindingType::kChoice ? (o >= 0 && o < static_cast<double>(f.choices.size()) && o == static_cast<int>(o))
                                                       : (o >= f.min && o <= f.max);
    if (!fits || f.otherwise != o || f.asked_when.empty() || f.choice_labels.size() != f.choices.size()) {
      return Status::Corruption("knowledge-base image: bad applicability");
    }
  }
  for (const auto& [id, c] : kb.definitions) conds.push_back(c);
  for (const auto& c : kb.consistency) conds.push_back(c.error_if);
  for (const auto& f : kb.flags) conds.push_back(f.when);
  for (const auto& m : kb.medicines) {
    if (m.is_review) conds.push_back(m.review.when);
    if (!m.listed_when.empty()) conds.push_back(m.listed_when);
    for (const auto& c : m.avoid) conds.push_back(c.when);
    for (const auto& c : m.caution) conds.push_back(c.when);
  }
  for (const auto* list : {&kb.mechanisms, &kb.self_care, &kb.expected}) {
    for (const auto& t : *list) if (!t.when.empty()) conds.push_back(t.when);
  }
  for (const auto& p : kb.pain_regions) {
    conds.push_back(p.present);
    for (const auto& t : p.types) conds.push_back(t.when);
  }
  // Outputs index the flags with these, and a level with `use`.
  auto flags_ok = [&](const std::vector<uint32_t>& v) {
    return std::all_of(v.begin(), v.end(), [&](uint32_t i) { return i < kb.flags.size(); });
  };
  bool excluded_ok = true;
  for (const auto& m : kb.mechanisms) excluded_ok = excluded_ok && flags_ok(m.excluded_by);
  for (const auto& p : kb.pain_regions) {
    excluded_ok = excluded_ok && flags_ok(p.default_excluded_by);
    for (const auto& t : p.types) excluded_ok = excluded_ok && flags_ok(t.excluded_by);
  }
  for (const auto& s : kb.self_care) {
    for (CareUse u : s.use) excluded_ok = excluded_ok && static_cast<uint8_t>(u) <= 2;
  }
  if (!excluded_ok) return Status::Corruption("knowledge-base image: bad contradicts or self-care use");
  std::vector<int> interview_slots = kb.interview.complaint_slots;
  for (const auto& [with, show] : kb.interview.companions) {
    interview_slots.insert(interview_slots.end(), with.begin(), with.end());
    interview_slots.insert(interview_slots.end(), show.begin(), show.end());
  }
  for (int s : interview_slots) {
    if (s < 0 || static_cast<size_t>(s) >= kb.findings.size()) return Status::Corruption("knowledge-base image: bad interview slot");
  }
  for (const auto& r : kb.review) {
    conds.push_back(r.present);
    if (r.days_slot < 0 || static_cast<size_t>(r.days_slot) >= slots) {
      return Status::Corruption("knowledge-base image: bad review");
    }
  }
  for (Cond c : conds) {
    if (!cond_ok(c)) return Status::Corruption("knowledge-base image: bad condition");
    int depth = 0;
    for (uint32_t pc = c.begin; pc < c.end; ++pc) {
      const Instr& in = kb.program.code[pc];
      if (static_cast<int>(in.op) > static_cast<int>(Op::kAtLeast) || static_cast<int>(in.cmp) > static_cast<int>(Cmp::kGe)) {
        return Status::Corruption("knowledge-base image: bad instruction");
      }
      if (in.op == Op::kAnd || in.op == Op::kOr || in.op == Op::kAtLeast) {
        if (in.n < 1 || in.n > depth || (in.op == Op::kAtLeast && in.k > in.n)) {
          return Status::Corruption("knowledge-base image: bad operator");
        }
        depth -= in.n - 1;
      } else if (in.op == Op::kNot) {
        if (depth < 1) return Status::Corruption("knowledge-base image: bad operator");
      } else if (++depth > kMaxStack) {
        return Status::Corruption("knowledge-base image: condition too deep");
      }
    }
    if (depth != 1) return Status::Corruption("knowledge-base image: bad condition");
  }
  return Status::Ok();
}

}  // namespace

std::string WriteKbImage(const CompiledKb& kb) {
  Writer w;
  uint32_t magic = kMagic, format = kFormat;
  w(magic, format);
  w(const_cast<CompiledKb&>(kb));  // the writer only reads
  return std::move(w.out);
}

Result<std::unique_ptr<CompiledKb>> ReadKbImage(std::string_view image) {
  Reader r(image);
  uint32_t magic = 0, format = 0;
  r(magic, format);
  if (!r.ok() || magic != kMagic) return Status::Corruption("knowledge-base image: bad magic number");
  if (format != kFormat) {
    return Status::Corruption(fmt::format("knowledge-base image: format {} (this build reads {})", format, kFormat));
  }
  auto kb = std::make_unique<CompiledKb>();
  r(*kb);
  if (!r.ok() || !r.at_end()) return Status::Corruption("knowledge-base image: truncated or damaged");
  if (Status s = CheckIndexes(*kb); !s.ok()) return s;
  for (size_t i = 0; i < kb->findings.size(); ++i) kb->finding_index[kb->findings[i].id] = static_cast<int>(i);
  return kb;
}

}  // namespace norotriage::internal
