// KnowledgeJson: the vocabulary and the rules, with their sources.
#include "norotriage/knowledge_json.h"

#include <string>
#include <string_view>
#include <vector>

#include "compile/compiled_kb.h"
#include "norotriage/assessment.h"
#include "util/json_writer.h"

namespace norotriage {
namespace {

using internal::JsonWriter;

void Field(JsonWriter& w, std::string_view key, std::string_view value) {
  w.Key(key);
  w.String(value);
}

void OptionalField(JsonWriter& w, std::string_view key, std::string_view value) {
  if (!value.empty()) Field(w, key, value);
}

void Sources(JsonWriter& w, const internal::Sources& sources) {
  w.Key("sources");
  w.BeginArray();
  for (const auto& s : sources) w.String(s);
  w.EndArray();
}

void Pair(JsonWriter& w, std::string_view key, double a, double b) {
  w.Key(key);
  w.BeginArray();
  w.Double(a);
  w.Double(b);
  w.EndArray();
}

void WriteFinding(JsonWriter& w, const FindingSpec& f) {
  w.BeginObject();
  Field(w, "id", f.id);
  Field(w, "type", FindingTypeId(f.type));
  Field(w, "group", f.group);
  Field(w, "question", f.question);
  Field(w, "label", f.label.empty() ? f.question : f.label);
  OptionalField(w, "help", f.help);
  if (f.type == FindingType::kNumber || f.type == FindingType::kInteger) {
    w.Key("min");
    w.Double(f.min);
    w.Key("max");
    w.Double(f.max);
  }
  if (f.type == FindingType::kChoice) {
    w.Key("choices");
    w.BeginArray();
    for (size_t i = 0; i < f.choices.size(); ++i) {
      w.BeginObject();
      Field(w, "value", f.choices[i]);
      Field(w, "label", i < f.choice_labels.size() ? f.choice_labels[i] : f.choices[i]);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!f.asked_when.empty()) {
    // Who the finding applies to: not asked, and read as `otherwise`, where
    // asked_when is false and the finding is not given.
    Field(w, "asked_when", f.asked_when);
    w.Key("otherwise");
    if (f.type == FindingType::kBool) {
      w.Bool(f.otherwise != 0);
    } else if (f.type == FindingType::kChoice) {
      w.String(f.choices[static_cast<size_t>(f.otherwise)]);
    } else {
      w.Double(f.otherwise);
    }
  }
  w.EndObject();
}

void WriteConditions(JsonWriter& w, std::string_view key, const std::vector<internal::MedCondition>& conds) {
  w.Key(key);
  w.BeginArray();
  for (const auto& c : conds) {
    w.BeginObject();
    Field(w, "reason", c.reason);
    OptionalField(w, "if_unknown", c.if_unknown);
    Sources(w, c.sources);
    w.EndObject();
  }
  w.EndArray();
}

void WriteDose(JsonWriter& w, const internal::DoseRule& d) {
  w.Key("dose");
  w.BeginObject();
  w.Key("min_age_years");
  w.Double(d.min_age);
  if (d.min_weight > 0) {
    w.Key("min_weight_kg");
    w.Double(d.min_weight);
  }
  Pair(w, "mg_per_dose", d.mg.first, d.mg.second);
  Pair(w, "hours_between", d.hours.first, d.hours.second);
  if (d.max_mg_24h > 0) {
    w.Key("max_mg_per_24h");
    w.Int(d.max_mg_24h);
  }
  if (d.max_doses_24h > 0) {
    w.Key("max_doses_per_24h");
    w.Int(d.max_doses_24h);
  }
  if (d.has_by_weight) {
    w.Key("by_weight");
    w.BeginObject();
    w.Key("mg_per_kg");
    w.Double(d.mg_per_kg);
    w.Key("max_mg_per_dose");
    w.Double(d.max_mg_dose);
    w.Key("max_mg_per_kg_per_24h");
    w.Double(d.max_mg_per_kg_24h);
    Pair(w, "hours_between", d.wt_hours.first, d.wt_hours.second);
    if (d.wt_max_mg_24h > 0) {
      w.Key("max_mg_per_24h");
      w.Int(d.wt_max_mg_24h);
    }
    w.EndObject();
  }
  OptionalField(w, "note", d.note);
  if (!d.liquids.empty() || d.tablet_mg > 0) {
    w.Key("measure");  // issue 16: how a person measures it
    w.BeginObject();
    if (!d.liquids.empty()) {
      w.Key("liquids");
      w.BeginArray();
      for (const auto& l : d.liquids) {
        w.BeginObject();
        w.Key("mg");
        w.Double(l.mg);
        w.Key("per_ml");
        w.Double(l.per_ml);
        Field(w, "name", l.name);
        w.EndObject();
      }
      w.EndArray();
      w.Key("ml_step");
      w.Double(d.ml_step);
      OptionalField(w, "syringe_text", d.measure_text);
    }
    if (d.tablet_mg > 0) {
      w.Key("tablet_mg");
      w.Int(d.tablet_mg);
    }
    w.EndObject();
  }
  w.EndObject();
}

void WriteMedicine(JsonWriter& w, const internal::MedicineRule& m) {
  w.BeginObject();
  Field(w, "id", m.id);
  Field(w, "name", m.name);
  Field(w, "kind", m.is_review ? "review" : "medicine");
  if (m.is_review) {
    w.Key("review");
    w.BeginObject();
    Field(w, "reason", m.review.reason);
    OptionalField(w, "if_unknown", m.review.if_unknown);
    Sources(w, m.review.sources);
    w.EndObject();
  } else {
    WriteConditions(w, "avoid", m.avoid);
    WriteConditions(w, "caution", m.caution);
    OptionalField(w, "ok_text", m.ok_text);
    if (!m.notes.empty()) {
      w.Key("notes");  // said with any advice but avoid (a rub: not on broken skin)
      w.BeginArray();
      for (const std::string& n : m.notes) w.String(n);
      w.EndArray();
    }
    if (m.dose.present) WriteDose(w, m.dose);
  }
  Sources(w, m.sources);
  w.EndObject();
}

}  // namespace

std::string KnowledgeJson(const KnowledgeBase& kb) {
  const internal::CompiledKb& k = kb.compiled();
  std::string out;
  out.reserve(64 * 1024);
  JsonWriter w(&out);
  w.BeginObject();
  Field(w, "version", k.version);

  w.Key("findings");
  w.BeginArray();
  for (const auto& f : k.findings) WriteFinding(w, f);
  w.EndArray();

  w.Key("dispositions");
  w.BeginArray();
  for (Level l : {Level::kEmergency, Level::kUrgent, Level::kRoutine, Level::kSelfCare}) {
    const auto& d = k.dispositions[static_cast<size_t>(l)];
    w.BeginObject();
    Field(w, "level", LevelId(l));
    Field(w, "label", d.label);
    Field(w, "summary", d.summary);
    w.EndObject();
  }
  w.EndArray();

  w.Key("flags");
  w.BeginArray();
  for (const auto& f : k.flags) {
    w.BeginObject();
    Field(w, "id", f.id);
    Field(w, "level", LevelId(f.level));
    Field(w, "title", f.title);
    Field(w, "advice", f.advice);
    OptionalField(w, "safety_net", f.safety_net);
    Sources(w, f.sources);
    w.EndObject();
  }
  w.EndArray();

  w.Key("medicines");
  w.BeginArray();
  for (const auto& m : k.medicines) WriteMedicine(w, m);
  w.EndArray();

  w.Key("mechanisms");
  w.BeginArray();
  for (const auto& m : k.mechanisms) {
    w.BeginObject();
    Field(w, "id", m.id);
    Field(w, "title", m.title);
    Field(w, "text", m.text);
    Sources(w, m.sources);
    w.EndObject();
  }
  w.EndArray();

  w.Key("hydration");
  w.BeginObject();
  Sources(w, k.hydration.sources);
  w.EndObject();

  // The numbers to call (empty when the knowledge base sets none).
  if (!k.call_numbers.emergency.empty() || !k.call_numbers.urgent.empty()) {
    w.Key("call");
    w.BeginObject();
    OptionalField(w, "country", k.call_numbers.country);
    OptionalField(w, "emergency", k.call_numbers.emergency);
    OptionalField(w, "urgent", k.call_numbers.urgent);
    Sources(w, k.call_sources);
    w.EndObject();
  }

  w.Key("sources");
  w.BeginArray();
  for (const auto& [id, cite] : k.sources) {
    w.BeginObject();
    Field(w, "id", id);
    Field(w, "cite", cite);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace norotriage
