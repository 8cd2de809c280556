#include "kb/review_pack.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "compile/compiled_kb.h"
#include "kb/condition_words.h"
#include "kb/markdown_html.h"

namespace norotriage::internal {
namespace {

// The sections that are signed off, in document order.
constexpr const char* kSections[] = {
    "Findings (the questions)", "Flags: emergency", "Flags: urgent", "Flags: routine", "Definitions",
    "Hydration and fluid plans", "Medicines", "Mechanisms, pain types and self-care", "Follow-up",
    "Open for clinical review"};

std::string Esc(std::string_view s) { return MarkdownEscape(s); }

std::string Num(double v) {
  if (std::isinf(v) || v >= 1e9) return "any";
  return fmt::format("{}", v);
}

std::string Span(std::pair<int, int> r, std::string_view unit) {
  return r.first == r.second ? fmt::format("{} {}", r.first, unit)
                             : fmt::format("{}–{} {}", r.first, r.second, unit);
}

class PackWriter {
 public:
  explicit PackWriter(const CompiledKb& kb) : kb_(kb) {
    for (const auto& f : kb.findings) {
      WordsTerm t;
      t.is_bool = f.type == FindingType::kBool;
      t.label = f.label;
      for (size_t i = 0; i < f.choices.size(); ++i) {
        t.choice_labels[f.choices[i]] = i < f.choice_labels.size() && !f.choice_labels[i].empty()
                                            ? f.choice_labels[i] : f.choices[i];
      }
      vocab_[f.id] = std::move(t);
    }
    WordsTerm loss;
    loss.kind = WordsTerm::Kind::kDerived;
    loss.label = "Weight lost in this illness (% of the weight before it)";
    vocab_[kb.slot_names[kb.weight_loss_slot]] = loss;
    WordsTerm hyd;
    hyd.kind = WordsTerm::Kind::kDerived;
    hyd.label = "Hydration status";
    hyd.choice_labels = {{"none", "no dehydration"}, {"some", "some dehydration"}, {"severe", "severe dehydration"}};
    vocab_[kb.slot_names[kb.hydration_slot]] = hyd;
    for (const auto& [id, cond] : kb.definitions) {
      WordsTerm d;
      d.kind = WordsTerm::Kind::kDefinition;
      vocab_[id] = d;
      definition_text_[id] = std::string(ConditionText(kb, cond));
    }
    for (const auto& [id, cite] : kb.sources) source_id_.emplace(cite, id);
  }

  Result<std::string> Write() {
    Header();
    HowToRead();
    Findings();
    for (Level level : {Level::kEmergency, Level::kUrgent, Level::kRoutine}) {
      if (Status s = Flags(level); !s.ok()) return s;
    }
    if (Status s = Definitions(); !s.ok()) return s;
    if (Status s = Hydration(); !s.ok()) return s;
    if (Status s = Medicines(); !s.ok()) return s;
    if (Status s = Mechanisms(); !s.ok()) return s;
    if (Status s = FollowUp(); !s.ok()) return s;
    OpenForReview();
    AllSources();
    return std::move(out_);
  }

 private:
  template <class... T> void W(fmt::format_string<T...> f, T&&... args) {
    fmt::format_to(std::back_inserter(out_), f, std::forward<T>(args)...);
  }

  void Header() {
    W("# norotriage: clinical review pack\n\n");
    W("Knowledge base version **{}**. Generated from `knowledge/*.yaml` by `norotriage kb review`; "
      "do not edit by hand (`make review-pack` writes it again).\n\n", Esc(kb_.version));
    W("**Status: not yet reviewed by clinicians.** Nothing in this knowledge base has been checked by a "
      "clinician. Each section below is signed off on its own: please read it, note any change you want "
      "beside the rule (by its id), and sign the table.\n\n");
    W("| Section | Reviewer name | Role | Date | Signature |\n|---|---|---|---|---|\n");
    for (const char* s : kSections) W("| {} | | | | |\n", s);
    W("\n## Contents\n\n");
    for (const char* s : kSections) W("- {}\n", s);
    W("- Sources\n\n");
  }

  void HowToRead() {
    W("## How to read a rule\n\n");
    W("Each rule has a condition. A condition reads the answers (findings) and is **true**, **false** "
      "or **unknown**: a question that was not asked, or answered \"I don't know\", is unknown, never "
      "\"no\". A rule fires only when its condition is **definitely true**.\n\n");
    W("- “A” and “B” is true when both are true; false when either is false; otherwise unknown.\n");
    W("- “A” or “B” is true when either is true; false when both are false; otherwise unknown.\n");
    W("- not “A” is true only when “A” is known to be false.\n");
    W("- “A” is not true (no, or not asked) is true when “A” is false **or unknown**; it is never "
      "unknown itself. It is used for a fallback that must fire when a question was not asked.\n");
    W("- at least 2 of (…) is true when at least two of the parts are true.\n");
    W("- “A” is answered is true when the question was answered, whatever the answer.\n");
    W("- A name in italics, such as *fever*, is a definition: a named condition, listed under "
      "Definitions.\n");
    W("- Words in quotes are the labels of findings (the words of the question); the findings "
      "section lists each with its id. Under the words, \"As written\" gives the condition as the "
      "knowledge base has it, so that the translation can be checked.\n\n");
  }

  void Findings() {
    W("## Findings (the questions)\n\n");
    W("Every answer a rule can read. The label is how the finding reads in the rules below.\n\n");
    std::vector<std::string> groups;
    for (const auto& f : kb_.findings) {
      if (std::find(groups.begin(), groups.end(), f.group) == groups.end()) groups.push_back(f.group);
    }
    for (const auto& g : groups) {
      W("### Group: {}\n\n", g.empty() ? "other" : Esc(g));
      if (g == "history") W("Worked out from earlier check-ins of an episode; never asked.\n\n");
      W("| Finding | Label (as in the rules) | Question asked | Answer |\n|---|---|---|---|\n");
      for (const auto& f : kb_.findings) {
        if (f.group != g) continue;
        W("| `{}` | {} | {} | {} |\n", f.id, Esc(f.label), f.label == f.question ? "(the label)" : Esc(f.question),
          Answer(f));
      }
      W("\n");
    }
    if (!kb_.applicability.empty()) {
      W("### Who a finding applies to\n\n");
      W("Asked only when the condition is true or unknown. Where it is false and the finding is not given, "
        "the finding is never asked, never listed as unanswered, and every rule reads it as the value "
        "shown. A value the person gives always counts.\n\n");
      W("| Finding | Asked only when | Otherwise read as |\n|---|---|---|\n");
      for (const auto& a : kb_.applicability) {
        const FindingSpec& f = kb_.findings[a.slot];
        auto words = ConditionInWords(f.asked_when, vocab_);
        const std::string when = words.ok() ? words.value() : Esc(f.asked_when);
        const std::string value = f.type == FindingType::kBool     ? (a.otherwise != 0 ? "yes" : "no")
                                  : f.type == FindingType::kChoice ? fmt::format("`{}`", f.choices[static_cast<size_t>(a.otherwise)])
                                                                   : Num(a.otherwise);
        W("| `{}` | {} <br>`{}` | {} |\n", f.id, when, f.asked_when, value);
      }
      W("\n");
    }
    W("Worked out by the engine, never asked:\n\n");
    W("- `{}`: {}. Known when both weights are known.\n", kb_.slot_names[kb_.weight_loss_slot],
      Esc(vocab_[kb_.slot_names[kb_.weight_loss_slot]].label));
    W("- `{}`: no dehydration, some or severe, from the hydration conditions (see Hydration); unknown "
      "when no sign of hydration is known.\n\n", kb_.slot_names[kb_.hydration_slot]);
  }

  static std::string Answer(const FindingSpec& f) {
    switch (f.type) {
      case FindingType::kBool: return "yes / no";
      case FindingType::kNumber: return fmt::format("number, {} to {}", Num(f.min), Num(f.max));
      case FindingType::kInteger: return fmt::format("whole number, {} to {}", Num(f.min), Num(f.max));
      case FindingType::kChoice: {
        std::string out = "one of: ";
        for (size_t i = 0; i < f.choices.size(); ++i) {
          std::string label = i < f.choice_labels.size() && !f.choice_labels[i].empty() ? f.choice_labels[i] : f.choices[i];
          out += fmt::format("{}“{}” (`{}`)", i ? "; " : "", Esc(label), f.choices[i]);
        }
        return out;
      }
    }
    return {};
  }

  // "**lead** words", then the condition as written. Fails when the text cannot be read.
  Status Condition(std::string_view lead, Cond c) {
    std::string_view text = ConditionText(kb_, c);
    if (text.empty()) {
      W("**{}** always.\n\n", lead);
      return Status::Ok();
    }
    auto words = ConditionInWords(text, vocab_);
    if (!words.ok()) {
      return Status::InvalidArgument(fmt::format("cannot put \"{}\" into words: {}", text, words.status().message()));
    }
    W("**{}** {}\n\n", lead, words.value());
    W("As written: `{}`\n\n", text);
    return Status::Ok();
  }

  // The findings a condition reads, through definitions.
  void Reads(Cond c) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    Expand(ConditionText(kb_, c), &names, &seen, 0);
    if (names.empty()) return;
    W("**Reads:** ");
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& n = names[i];
      auto it = vocab_.find(n);
      std::string label = it == vocab_.end() ? "" : it->second.label;
      W("{}`{}`{}", i ? ", " : "", n, label.empty() ? "" : fmt::format(" ({})", Esc(label)));
    }
    W("\n\n");
  }
  void Expand(std::string_view text, std::vector<std::string>* out, std::set<std::string>* seen, int depth) {
    auto names = ConditionNames(text);
    if (!names.ok() || depth > 40) return;
    for (const auto& n : names.value()) {
      if (!seen->insert(n).second) continue;
      auto def = definition_text_.find(n);
      if (def != definition_text_.end()) {
        Expand(def->second, out, seen, depth + 1);
      } else {
        out->push_back(n);
      }
    }
  }

  void Sources(const internal::Sources& sources) {
    W("**Sources:**\n\n");
    for (const auto& cite : sources) {
      auto it = source_id_.find(cite);
      W("- {}{}\n", it == source_id_.end() ? "" : fmt::format("`{}`: ", it->second), Esc(cite));
    }
    W("\n");
  }

  void Text(std::string_view lead, std::string_view text) {
    if (!text.empty()) W("**{}** {}\n\n", lead, Esc(text));
  }

  Status Flags(Level level) {
    const auto& d = kb_.dispositions[static_cast<int>(level)];
    size_t count = std::count_if(kb_.flags.begin(), kb_.flags.end(), [&](const FlagRule& f) { return f.level == level; });
    W("## Flags: {} ({})\n\n", LevelId(level), count);
    W("Level **{}**: \"{}\"\n\n", Esc(d.label), Esc(d.summary));
    for (const auto& f : kb_.flags) {
      if (f.level != level) continue;
      W("### `{}`: {}\n\n", f.id, Esc(f.title));
      W("**Level:** {}\n\n", Esc(d.label));
      if (Status s = Condition("Fires when:", f.when); !s.ok()) return s;
      Reads(f.when);
      Text("Advice:", f.advice);
      Text("Safety net (said when it does not fire):", f.safety_net);
      if (!f.contradicts.empty()) {
        std::string list;
        for (const auto& c : f.contradicts) list += fmt::format("{}`{}`", list.empty() ? "" : ", ", c);
        W("**When it fires, not shown (it says the pain is something else):** {}\n\n", list);
      }
      Sources(f.sources);
    }
    return Status::Ok();
  }

  Status Definitions() {
    W("## Definitions\n\n");
    W("Named conditions, used by name (in italics) in the rules.\n\n");
    for (const auto& [id, cond] : kb_.definitions) {
      std::string words = id;
      std::replace(words.begin(), words.end(), '_', ' ');
      W("### *{}* (`{}`)\n\n", words, id);
      if (Status s = Condition("True when:", cond); !s.ok()) return s;
      Reads(cond);
    }
    return Status::Ok();
  }

  // Age bands in order: a band without a lower age starts where the one before ended.
  static std::string Bands(const std::vector<Band>& bands) {
    std::string out;
    double from = 0;
    for (const auto& b : bands) {
      double lo = b.min_age > 0 ? b.min_age : from;
      std::string ages = b.max_age >= 1e9 ? fmt::format("{} years and over", Num(lo))
                         : lo <= 0        ? fmt::format("under {} years", Num(b.max_age))
                                          : fmt::format("{} to under {} years", Num(lo), Num(b.max_age));
      out += fmt::format("- {}: {}\n", ages, Span(b.ml, "ml"));
      from = b.max_age;
    }
    return out;
  }

  Status Hydration() {
    const HydrationRules& h = kb_.hydration;
    W("## Hydration and fluid plans\n\n");
    if (Status s = Condition("Severe dehydration when:", h.severe); !s.ok()) return s;
    if (Status s = Condition("Some dehydration when (checked only when not severe):", h.some); !s.ok()) return s;
    W("Otherwise no dehydration, once any sign is known; with no sign known, the status is unknown.\n\n");
    W("What the person is told:\n\n- No dehydration: {}\n- Some: {}\n- Severe: {}\n\n", Esc(h.status_text[0]),
      Esc(h.status_text[1]), Esc(h.status_text[2]));
    W("### Plan A (no dehydration)\n\n{}\n\nAfter each loose stool, by age:\n\n{}\n", Esc(h.plan_text[0]),
      Bands(h.per_stool));
    W("### Plan B (some dehydration)\n\n{}\n\n", Esc(h.plan_text[1]));
    W("Oral rehydration solution: {} ml/kg over {} hours, at most {} ml. When the weight is not known, by "
      "age:\n\n{}\n", Num(h.ors_ml_per_kg), Num(h.over_hours), Num(h.ors_max_ml), Bands(h.ors_by_age));
    if (h.portion_minutes > 0) {
      W("Also said for each {} minutes (the amount divided evenly, to the nearest 5 ml).\n\n",
        Num(h.portion_minutes));
    }
    if (h.per_vomit_ml_per_kg > 0) {
      W("After each vomit (plans A and B, with a weight): {} ml/kg, to the nearest 5 ml.\n\n",
        Num(h.per_vomit_ml_per_kg));
    }
    if (h.cup_ml > 0) W("Cups: {} ml a cup, to the nearest quarter cup.\n\n", Num(h.cup_ml));
    W("### Plan C (severe dehydration)\n\n{}\n\n", Esc(h.plan_text[2]));
    W("Intravenous fluid: {} ml/kg in all; {} ml/kg in the first {} minutes, then {} ml/kg over {} hours.\n\n",
      Num(h.iv_ml_per_kg), Num(h.first_ml_per_kg), Num(h.first_minutes), Num(h.then_ml_per_kg),
      Num(h.then_hours));
    W("### Daily maintenance fluid\n\n");
    W("- Age {} and over: {} ml/kg a day.\n", Num(h.child_below_age), Num(h.adult_ml_per_kg));
    W("- Under {} (Holliday–Segar): ", Num(h.child_below_age));
    double from = 0;
    for (size_t i = 0; i < h.holliday_segar.size(); ++i) {
      auto [up_to, ml] = h.holliday_segar[i];
      std::string part = std::isinf(up_to) ? fmt::format("{} ml/kg for each kg over {} kg", Num(ml), Num(from))
                                           : fmt::format("{} ml/kg for each kg from {} to {} kg", Num(ml), Num(from), Num(up_to));
      W("{}{}", i ? "; " : "", part);
      from = up_to;
    }
    W(".\n\n");
    Sources(h.sources);
    return Status::Ok();
  }

  Status MedConditions(std::string_view kind, const std::vector<MedCondition>& list) {
    for (size_t i = 0; i < list.size(); ++i) {
      const MedCondition& c = list[i];
      if (Status s = Condition(fmt::format("{} {}, when:", kind, i + 1), c.when); !s.ok()) return s;
      Text("Why:", c.reason);
      Text("If not answered, ask:", c.if_unknown);
      Sources(c.sources);
    }
    return Status::Ok();
  }

  void Dose(const MedicineRule& m) {
    const DoseRule& d = m.dose;
    if (!d.present) return;
    W("**Dose.**\n\n");
    std::string who = fmt::format("age {} and over", Num(d.min_age));
    if (d.min_weight > 0) who += fmt::format("; weight {} kg or more, or not known", Num(d.min_weight));
    W("- Adult dose ({}): {} every {}; at most {} mg in 24 hours", who, Span(d.mg, "mg"), Span(d.hours, "hours"),
      d.max_mg_24h);
    if (d.max_doses_24h > 0) W(", and at most {} doses", d.max_doses_24h);
    W(".{}\n", d.note.empty() ? "" : " Note: " + Esc(d.note));
    if (d.has_by_weight) {
      W("- Everyone else, when the weight is known: {} mg/kg a dose (at most {} mg), every {}; at most {} "
        "mg/kg and {} mg in 24 hours.\n", Num(d.mg_per_kg), Num(d.max_mg_dose), Span(d.wt_hours, "hours"),
        Num(d.max_mg_per_kg_24h), d.wt_max_mg_24h);
    }
    for (const auto& l : d.liquids) {
      W("- Weight-based dose as liquid, {} mg in {} ml (shown as \"{}\"): in ml rounded down to {} ml, never "
        "above the mg dose; doses a day so that they stay within the daily maximum.\n", Num(l.mg), Num(l.per_ml),
        Esc(l.name), Num(d.ml_step));
    }
    if (!d.liquids.empty()) {
      W("- A liquid is too strong to measure when whole steps give under {} of the dose: {}\n",
        Num(d.min_share), Esc(d.too_small_text));
      W("- Measuring: {}\n", Esc(d.measure_text));
    }
    if (d.tablet_mg > 0) {
      W("- Adult dose as {} ({} mg each): whole tablets, never above the dose or the daily maximum.\n",
        Esc(d.tablet_name), d.tablet_mg);
    }
    if (!m.no_weight_text.empty()) W("- Weight not known: {}\n", Esc(m.no_weight_text));
    if (m.caution_max_mg_24h > 0) W("- With advice *caution*: at most {} mg in 24 hours.\n", m.caution_max_mg_24h);
    if (!m.not_kept_down_text.empty()) W("- When drinks do not stay down: {}\n", Esc(m.not_kept_down_text));
    W("\n");
  }

  Status Medicines() {
    W("## Medicines\n\n");
    W("Advice for each medicine: **avoid** if any avoid condition is true; else **caution** if any avoid "
      "condition is still unknown or any caution condition is true; else **ok**. A card (advice "
      "**review**) is listed only when its condition is true.\n\n");
    for (const auto& m : kb_.medicines) {
      W("### {} (`{}`){}\n\n", Esc(m.name), m.id, m.is_review ? ": card" : "");
      if (m.is_review) {
        if (Status s = Condition("Listed (advice review) when:", m.review.when); !s.ok()) return s;
        Reads(m.review.when);
        Text("Says:", m.review.reason);
        Sources(m.review.sources);
        continue;
      }
      if (m.avoid.empty()) W("No avoid conditions.\n\n");
      if (Status s = MedConditions("Avoid", m.avoid); !s.ok()) return s;
      if (Status s = MedConditions("Caution", m.caution); !s.ok()) return s;
      Text("When ok:", m.ok_text);
      Dose(m);
    }
    return Status::Ok();
  }

  // Self-care: at which dispositions it is said, now or after being seen.
  void CareUses(const TextRule& t) {
    std::string now, later;
    for (int l = 3; l >= 0; --l) {
      std::string& to = t.use[l] == CareUse::kNow ? now : later;
      if (t.use[l] == CareUse::kNo) continue;
      to += fmt::format("{}{}", to.empty() ? "" : ", ", LevelId(static_cast<Level>(l)));
    }
    if (!now.empty()) W("**Said now at:** {}\n\n", now);
    if (!later.empty()) W("**Kept for after being seen at:** {}\n\n", later);
  }

  Status TextRules(const std::vector<TextRule>& rules, bool titled) {
    for (const auto& t : rules) {
      if (titled) {
        W("#### `{}`: {}\n\n", t.id, Esc(t.title));
      } else {
        W("#### `{}`\n\n", t.id);
      }
      if (Status s = Condition("Shown when:", t.when); !s.ok()) return s;
      if (!titled) CareUses(t);
      Text("Says:", t.text);
      Sources(t.sources);
    }
    return Status::Ok();
  }

  Status Mechanisms() {
    W("## Mechanisms, pain types and self-care\n\n### Mechanisms (why it hurts)\n\n");
    if (Status s = TextRules(kb_.mechanisms, true); !s.ok()) return s;
    W("### Pain types\n\n");
    for (const auto& p : kb_.pain_regions) {
      W("#### Region: {}\n\n", Esc(p.region));
      if (Status s = Condition("Present when:", p.present); !s.ok()) return s;
      for (const auto& t : p.types) {
        W("**Type `{}`.**\n\n", t.type);
        if (Status s = Condition("Listed when:", t.when); !s.ok()) return s;
        Text("Says:", t.text);
        Sources(t.sources);
      }
      W("**Type `{}` (when present and no other type fits).** {}\n\n", p.default_type, Esc(p.default_text));
    }
    W("### Self-care\n\n");
    return TextRules(kb_.self_care, false);
  }

  Status FollowUp() {
    W("## Follow-up\n\n### Expected course\n\n");
    if (Status s = TextRules(kb_.expected, false); !s.ok()) return s;
    W("### Review points\n\n");
    for (const auto& r : kb_.review) {
      W("#### Pain: {}\n\n", Esc(r.pain));
      if (Status s = Condition("Present when:", r.present); !s.ok()) return s;
      std::string days = r.days_slot >= 0 ? kb_.slot_names[r.days_slot] : "?";
      W("**Review after:** {} days, counted by `{}`.\n\n", r.after_days, days);
      Text("Says:", r.text);
      Sources(r.sources);
    }
    return Status::Ok();
  }

  void OpenForReview() {
    W("## Open for clinical review\n\n");
    W("Questions of policy this knowledge base leaves to clinicians: the rules stay as they are until a "
      "clinician decides.\n\n");
    if (kb_.open_for_review.empty()) W("None listed.\n\n");
    for (const auto& o : kb_.open_for_review) {
      W("### `{}`\n\n{}\n\n", o.id, Esc(o.text));
      Sources(o.sources);
    }
  }

  void AllSources() {
    W("## Sources\n\n| Id | Citation |\n|---|---|\n");
    for (const auto& [id, cite] : kb_.sources) W("| `{}` | {} |\n", id, Esc(cite));
  }

  const CompiledKb& kb_;
  WordsVocabulary vocab_;
  std::map<std::string, std::string, std::less<>> definition_text_;
  std::map<std::string, std::string> source_id_;  // citation -> first id citing it
  std::string out_;
};

}  // namespace

Result<std::string> ReviewPackMarkdown(const KnowledgeBase& kb) { return PackWriter(kb.compiled()).Write(); }

Result<std::string> ReviewPackHtml(const KnowledgeBase& kb) {
  auto md = ReviewPackMarkdown(kb);
  if (!md.ok()) return md;
  return MarkdownToHtmlPage(md.value(), fmt::format("norotriage clinical review pack ({})", kb.version()));
}

}  // namespace norotriage::internal
