// A deliberately plain writer of the result JSON, kept to compare with the
// fast one (src/output/result_json.cc): one JsonWriter call per key and per
// value, every text escaped where it is written. It is the writer ToJson was
// before the knowledge base's texts were rendered once
// (src/output/result_fragments.h); ToJson must write the same bytes.
#ifndef NOROTRIAGE_TESTS_REFERENCE_RESULT_JSON_H_
#define NOROTRIAGE_TESTS_REFERENCE_RESULT_JSON_H_

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "norotriage/assessment.h"
#include "util/json_writer.h"

namespace norotriage::testing::reference {

using ::norotriage::internal::JsonWriter;

inline void StringField(JsonWriter& w, std::string_view key, std::string_view value) {
  w.Key(key);
  w.String(value);
}

inline void IntField(JsonWriter& w, std::string_view key, long long value) {
  w.Key(key);
  w.Int(value);
}

inline void StringArrayField(JsonWriter& w, std::string_view key,
                      const std::vector<std::string_view>& values) {
  w.Key(key);
  w.BeginArray();
  for (std::string_view v : values) w.String(v);
  w.EndArray();
}

inline void RangeField(JsonWriter& w, std::string_view key, const Range& r) {
  w.Key(key);
  w.BeginArray();
  w.Int(r.first);
  w.Int(r.second);
  w.EndArray();
}

// Whole numbers as integers (19, not 19.0), so that every reader, including
// ones that distinguish int from float, sees a day count.
inline void WholeOrDouble(JsonWriter& w, double v) {
  constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) <= kMaxExactInt) {
    w.Int(static_cast<long long>(v));
  } else {
    w.Double(v);
  }
}

inline void WriteFlags(JsonWriter& w, const std::vector<FlagHit>& flags) {
  w.Key("flags");
  w.BeginArray();
  for (const FlagHit& f : flags) {
    w.BeginObject();
    StringField(w, "id", f.id);
    StringField(w, "level", LevelId(f.level));
    StringField(w, "title", f.title);
    StringField(w, "advice", f.advice);
    StringArrayField(w, "because", f.because);
    StringArrayField(w, "sources", f.sources);
    w.EndObject();
  }
  w.EndArray();
}

inline void WriteHydration(JsonWriter& w, const HydrationResult& h) {
  w.Key("hydration");
  w.BeginObject();
  StringField(w, "status", HydrationStatusId(h.status));
  w.Key("assessed");
  w.Bool(h.assessed);
  StringField(w, "plan", std::string_view(&h.plan, 1));
  if (h.ors_ml) IntField(w, "ors_ml", *h.ors_ml);
  if (h.ors_ml_range) RangeField(w, "ors_ml_range", *h.ors_ml_range);
  if (h.plan == 'B') IntField(w, "over_hours", h.over_hours);
  if (h.ors_ml_per_portion) {
    w.Key("ors_portion");
    w.BeginObject();
    IntField(w, "every_minutes", h.portion_minutes);
    RangeField(w, "ml", *h.ors_ml_per_portion);
    if (h.ors_cups_per_portion) {
      w.Key("cups");
      w.BeginArray();
      WholeOrDouble(w, h.ors_cups_per_portion->first);
      WholeOrDouble(w, h.ors_cups_per_portion->second);
      w.EndArray();
    }
    w.EndObject();
  }
  if (h.fluid_limit) {
    w.Key("fluid_limit");
    w.Bool(true);
  }
  if (h.per_loose_stool_ml) RangeField(w, "per_loose_stool_ml", *h.per_loose_stool_ml);
  if (h.per_vomit_ml) IntField(w, "per_vomit_ml", *h.per_vomit_ml);
  if (h.maintenance_ml_per_day) IntField(w, "maintenance_ml_per_day", *h.maintenance_ml_per_day);
  if (h.maintenance_cups_per_day) {
    w.Key("maintenance_cups_per_day");
    WholeOrDouble(w, *h.maintenance_cups_per_day);
  }
  if (h.cup_ml > 0 && (h.ors_cups_per_portion || h.maintenance_cups_per_day)) IntField(w, "cup_ml", h.cup_ml);
  if (h.weight_loss_percent) {
    w.Key("weight_loss_percent");
    w.Double(*h.weight_loss_percent);
  }
  StringArrayField(w, "because", h.because);
  StringField(w, "text", h.status_text);
  StringField(w, "plan_text", h.plan_text);
  if (h.iv) {
    w.Key("iv");
    w.BeginObject();
    IntField(w, "total_ml", h.iv->total_ml);
    IntField(w, "first_ml", h.iv->first_ml);
    IntField(w, "first_minutes", h.iv->first_minutes);
    IntField(w, "then_ml", h.iv->then_ml);
    w.Key("then_hours");
    w.Double(h.iv->then_hours);
    w.EndObject();
  }
  StringArrayField(w, "sources", h.sources);
  w.EndObject();
}

inline void WriteDose(JsonWriter& w, const Dose& d) {
  w.Key("dose");
  w.BeginObject();
  RangeField(w, "mg_per_dose", d.mg_per_dose);
  IntField(w, "min_hours_between", d.hours_between.first);
  IntField(w, "max_hours_between", d.hours_between.second);
  IntField(w, "max_mg_per_24h", d.max_mg_per_24h);
  if (d.max_doses_per_24h > 0) IntField(w, "max_doses_per_24h", d.max_doses_per_24h);
  if (!d.note.empty()) StringField(w, "note", d.note);
  if (!d.liquids.empty()) {
    w.Key("liquids");
    w.BeginArray();
    for (const LiquidDose& l : d.liquids) {
      w.BeginObject();
      StringField(w, "name", l.name);
      w.Key("strength_mg");
      WholeOrDouble(w, l.strength_mg);
      w.Key("strength_ml");
      WholeOrDouble(w, l.strength_ml);
      w.Key("measurable");
      w.Bool(l.measurable);
      if (l.measurable) {
        w.Key("ml");
        WholeOrDouble(w, l.ml);
        w.Key("mg");
        WholeOrDouble(w, l.mg);
        IntField(w, "max_doses_per_24h", l.max_doses_per_24h);
      } else if (!d.too_small_text.empty()) {
        StringField(w, "text", d.too_small_text);
      }
      w.EndObject();
    }
    w.EndArray();
    if (!d.measure_text.empty()) StringField(w, "syringe_text", d.measure_text);
  }
  if (d.tablets) {
    w.Key("tablets");
    w.BeginObject();
    StringField(w, "name", d.tablets->name);
    IntField(w, "mg_each", d.tablets->mg_each);
    RangeField(w, "count", d.tablets->count);
    IntField(w, "max_per_24h", d.tablets->max_per_24h);
    w.EndObject();
  }
  w.EndObject();
}

inline void WriteMedicines(JsonWriter& w, const std::vector<MedicineResult>& medicines) {
  w.Key("medicines");
  w.BeginArray();
  for (const MedicineResult& m : medicines) {
    w.BeginObject();
    StringField(w, "id", m.id);
    StringField(w, "name", m.name);
    StringField(w, "advice", AdviceId(m.advice));
    StringArrayField(w, "reasons", m.reasons);
    if (m.dose) WriteDose(w, *m.dose);
    if (!m.dose_text.empty()) StringField(w, "dose_text", m.dose_text);
    StringArrayField(w, "sources", m.sources);
    w.EndObject();
  }
  w.EndArray();
}

inline void WriteMechanisms(JsonWriter& w, const std::vector<MechanismHit>& mechanisms) {
  w.Key("mechanisms");
  w.BeginArray();
  for (const MechanismHit& m : mechanisms) {
    w.BeginObject();
    StringField(w, "id", m.id);
    StringField(w, "title", m.title);
    StringArrayField(w, "because", m.because);
    StringField(w, "explanation", m.explanation);
    StringArrayField(w, "sources", m.sources);
    w.EndObject();
  }
  w.EndArray();
}

inline void WriteTextItems(JsonWriter& w, std::string_view key, const std::vector<TextItem>& items) {
  w.Key(key);
  w.BeginArray();
  for (const TextItem& t : items) {
    w.BeginObject();
    StringField(w, "id", t.id);
    StringField(w, "text", t.text);
    w.EndObject();
  }
  w.EndArray();
}

inline void WriteFollowUp(JsonWriter& w, const Assessment& a) {
  w.Key("follow_up");
  w.BeginObject();
  // The expected course as one paragraph: the parts joined by single spaces.
  std::string expected;
  for (const TextItem& t : a.expected) {
    if (t.text.empty()) continue;
    if (!expected.empty()) expected.push_back(' ');
    expected.append(t.text);
  }
  StringField(w, "expected", expected);
  WriteTextItems(w, "expected_parts", a.expected);
  w.Key("review");
  w.BeginArray();
  for (const ReviewPoint& r : a.review) {
    w.BeginObject();
    StringField(w, "pain", r.pain);
    if (r.days_left) {
      w.Key("days_left");
      WholeOrDouble(w, *r.days_left);
    }
    IntField(w, "after_days", r.after_days);
    StringField(w, "text", r.text);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// The result object of spec/result.md for `a`, written plainly.
inline std::string ReferenceJson(const Assessment& a) {
  std::string out_text;
  JsonWriter w(&out_text);
  w.BeginObject();
  if (a.ref) StringField(w, "ref", *a.ref);
  StringField(w, "disposition", LevelId(a.disposition));
  StringField(w, "disposition_label", a.disposition_label);
  StringField(w, "summary", a.summary);
  WriteFlags(w, a.flags);
  WriteHydration(w, a.hydration);
  WriteMedicines(w, a.medicines);
  WriteMechanisms(w, a.mechanisms);

  w.Key("pain_types");
  w.BeginArray();
  for (const PainType& p : a.pain_types) {
    w.BeginObject();
    StringField(w, "region", p.region);
    StringField(w, "type", p.type);
    StringField(w, "text", p.text);
    w.EndObject();
  }
  w.EndArray();

  WriteTextItems(w, "self_care", a.self_care);
  WriteTextItems(w, "self_care_after_seen", a.self_care_after_seen);
  WriteFollowUp(w, a);

  for (const auto* list : {&a.safety_net, &a.safety_net_more}) {
    w.Key(list == &a.safety_net ? "safety_net" : "safety_net_more");
    w.BeginArray();
    for (const SafetyNetItem& s : *list) {
      w.BeginObject();
      StringField(w, "flag", s.flag);
      StringField(w, "level", LevelId(s.level));
      StringField(w, "text", s.text);
      w.EndObject();
    }
    w.EndArray();
  }

  w.Key("unanswered");
  w.BeginArray();
  for (const UnansweredItem& u : a.unanswered) {
    w.BeginObject();
    StringField(w, "finding", u.finding);
    StringField(w, "could_reach", LevelId(u.could_reach));
    StringField(w, "question", u.question);
    StringArrayField(w, "for_flags", u.for_flags);
    w.EndObject();
  }
  w.EndArray();

  if (a.call != nullptr) {
    const CallNumbers& c = *a.call;
    if (!c.emergency.empty() || !c.urgent.empty()) {
      w.Key("call");
      w.BeginObject();
      if (!c.country.empty()) StringField(w, "country", c.country);
      if (!c.emergency.empty()) StringField(w, "emergency", c.emergency);
      if (!c.urgent.empty()) StringField(w, "urgent", c.urgent);
      w.EndObject();
    }
  }

  w.Key("knowledge_base");
  w.BeginObject();
  StringField(w, "version", a.kb_version);
  StringArrayField(w, "rules_fired", a.rules_fired);
  w.EndObject();

  w.EndObject();
  return out_text;
}

}  // namespace norotriage::testing::reference

#endif  // NOROTRIAGE_TESTS_REFERENCE_RESULT_JSON_H_
