// ToJson: the result object of spec/result.md, as one line of JSON.
//
// Field order follows the spec so that a person reading raw output finds
// things where the spec shows them. Optional fields are left out, never
// written as null, so "absent" has one spelling.
//
// The structure (keys, commas, brackets) is written as literal text and the
// values with the encoders of util/json_writer.h: the bytes a JsonWriter
// writes for the same calls (tests/reference_result_json.h is such a writer,
// and the tests compare the two). A result is mostly knowledge-base text, so
// when the assessment names its knowledge base, that text is copied
// ready-rendered (output/result_fragments.h) instead of escaped again.
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "norotriage/assessment.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"
#include "output/result_fragments.h"
#include "output/result_json.h"
#include "util/json_writer.h"

namespace norotriage {
namespace {

using internal::ResultFragments;

// The JSON strings of an enum's ids (LevelId, AdviceId, HydrationStatusId),
// rendered once.
template <typename Enum, size_t N>
std::array<std::string, N> RenderIds(std::string_view (*id)(Enum)) {
  std::array<std::string, N> out;
  for (size_t i = 0; i < N; ++i) internal::AppendJsonString(id(static_cast<Enum>(i)), &out[i]);
  return out;
}

// Appends one result to a string: literal structure, and values escaped, or
// copied from `frags` when they are knowledge-base text it has rendered. Each
// ...Field writes `key` (the literal text before the value: punctuation and
// the quoted key, as in ",\"title\":") and then the value.
class Out {
 public:
  // Both borrowed for the life of the Out; frags may be null (render all).
  Out(std::string* out, const ResultFragments* frags) : out_(*out), frags_(frags) {}

  void Raw(std::string_view text) { out_.append(text); }
  void StrField(std::string_view key, std::string_view v) {
    Raw(key);
    String(v);
  }
  void IntField(std::string_view key, long long v) {
    Raw(key);
    internal::AppendJsonInt(v, &out_);
  }
  void DoubleField(std::string_view key, double v) {
    Raw(key);
    internal::AppendJsonDouble(v, &out_);
  }
  // Whole numbers as integers (19, not 19.0), so that every reader,
  // including ones that distinguish int from float, sees a day count.
  void WholeOrDoubleField(std::string_view key, double v) {
    constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) <= kMaxExactInt) {
      IntField(key, static_cast<long long>(v));
    } else {
      DoubleField(key, v);
    }
  }
  void WholeOrDoublePairField(std::string_view key, const std::pair<double, double>& r) {
    WholeOrDoubleField(key, r.first);
    WholeOrDoubleField(",", r.second);
    Raw("]");
  }
  void RangeField(std::string_view key, const Range& r) {
    Raw(key);
    IntField("[", r.first);
    IntField(",", r.second);
    Raw("]");
  }
  void ListField(std::string_view key, const std::vector<std::string_view>& values) {
    Raw(key);
    out_.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_.push_back(',');
      String(values[i]);
    }
    out_.push_back(']');
  }
  void SourcesField(std::string_view key, const std::vector<std::string_view>& sources) {
    const std::string* json = frags_ != nullptr ? frags_->SourceList(sources) : nullptr;
    if (json == nullptr) {
      ListField(key, sources);
      return;
    }
    Raw(key);
    Raw(*json);
  }
  void LevelField(std::string_view key, Level level) {
    static const auto kIds = RenderIds<Level, 4>(LevelId);
    IdField(key, kIds, static_cast<size_t>(level), LevelId(level));
  }
  void AdviceField(std::string_view key, Advice advice) {
    static const auto kIds = RenderIds<Advice, 4>(AdviceId);
    IdField(key, kIds, static_cast<size_t>(advice), AdviceId(advice));
  }
  void StatusField(std::string_view key, HydrationStatus status) {
    static const auto kIds = RenderIds<HydrationStatus, 3>(HydrationStatusId);
    IdField(key, kIds, static_cast<size_t>(status), HydrationStatusId(status));
  }
  const ResultFragments* frags() const { return frags_; }

 private:
  void String(std::string_view v) {
    if (frags_ != nullptr) {
      if (const std::string* json = frags_->String(v)) {
        out_.append(*json);
        return;
      }
    }
    internal::AppendJsonString(v, &out_);
  }
  // An enum's id from its rendered table; a value outside the enum (only a
  // hand-made assessment has one) is rendered as its id function says.
  template <size_t N>
  void IdField(std::string_view key, const std::array<std::string, N>& ids, size_t i, std::string_view id) {
    Raw(key);
    if (i < N) {
      out_.append(ids[i]);
    } else {
      internal::AppendJsonString(id, &out_);
    }
  }

  std::string& out_;
  const ResultFragments* frags_;
};

// Writes `items` as a JSON array after `key`, each with write(o, item).
template <typename T, typename Write>
void ArrayField(Out& o, std::string_view key, const std::vector<T>& items, Write write) {
  o.Raw(key);
  o.Raw("[");
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) o.Raw(",");
    write(o, items[i]);
  }
  o.Raw("]");
}

void WriteFlag(Out& o, const FlagHit& f) {
  o.StrField("{\"id\":", f.id);
  o.LevelField(",\"level\":", f.level);
  o.StrField(",\"title\":", f.title);
  o.StrField(",\"advice\":", f.advice);
  o.ListField(",\"because\":", f.because);
  o.SourcesField(",\"sources\":", f.sources);
  o.Raw("}");
}

void WriteHydration(Out& o, const HydrationResult& h) {
  o.StatusField("{\"status\":", h.status);
  o.Raw(h.assessed ? ",\"assessed\":true" : ",\"assessed\":false");
  o.StrField(",\"plan\":", std::string_view(&h.plan, 1));
  if (h.ors_ml) o.IntField(",\"ors_ml\":", *h.ors_ml);
  if (h.ors_ml_range) o.RangeField(",\"ors_ml_range\":", *h.ors_ml_range);
  if (h.plan == 'B') o.IntField(",\"over_hours\":", h.over_hours);
  if (h.ors_ml_per_portion) {
    o.IntField(",\"ors_portion\":{\"every_minutes\":", h.portion_minutes);
    o.RangeField(",\"ml\":", *h.ors_ml_per_portion);
    if (h.ors_cups_per_portion) o.WholeOrDoublePairField(",\"cups\":[", *h.ors_cups_per_portion);
    o.Raw("}");
  }
  if (h.fluid_limit) o.Raw(",\"fluid_limit\":true");
  if (h.per_loose_stool_ml) o.RangeField(",\"per_loose_stool_ml\":", *h.per_loose_stool_ml);
  if (h.per_vomit_ml) o.IntField(",\"per_vomit_ml\":", *h.per_vomit_ml);
  if (h.maintenance_ml_per_day) o.IntField(",\"maintenance_ml_per_day\":", *h.maintenance_ml_per_day);
  if (h.maintenance_cups_per_day) o.WholeOrDoubleField(",\"maintenance_cups_per_day\":", *h.maintenance_cups_per_day);
  if (h.cup_ml > 0 && (h.ors_cups_per_portion || h.maintenance_cups_per_day)) o.IntField(",\"cup_ml\":", h.cup_ml);
  if (h.weight_loss_percent) o.DoubleField(",\"weight_loss_percent\":", *h.weight_loss_percent);
  o.ListField(",\"because\":", h.because);
  o.StrField(",\"text\":", h.status_text);
  o.StrField(",\"plan_text\":", h.plan_text);
  if (h.iv) {
    o.IntField(",\"iv\":{\"total_ml\":", h.iv->total_ml);
    o.IntField(",\"first_ml\":", h.iv->first_ml);
    o.IntField(",\"first_minutes\":", h.iv->first_minutes);
    o.IntField(",\"then_ml\":", h.iv->then_ml);
    o.DoubleField(",\"then_hours\":", h.iv->then_hours);
    o.Raw("}");
  }
  o.SourcesField(",\"sources\":", h.sources);
  o.Raw("}");
}

void WriteDose(Out& o, const Dose& d) {
  o.RangeField(",\"dose\":{\"mg_per_dose\":", d.mg_per_dose);
  o.IntField(",\"min_hours_between\":", d.hours_between.first);
  o.IntField(",\"max_hours_between\":", d.hours_between.second);
  o.IntField(",\"max_mg_per_24h\":", d.max_mg_per_24h);
  if (d.max_doses_per_24h > 0) o.IntField(",\"max_doses_per_24h\":", d.max_doses_per_24h);
  if (!d.note.empty()) o.StrField(",\"note\":", d.note);
  if (!d.liquids.empty()) {
    o.Raw(",\"liquids\":[");
    for (size_t i = 0; i < d.liquids.size(); ++i) {
      const LiquidDose& l = d.liquids[i];
      o.StrField(i == 0 ? "{\"name\":" : ",{\"name\":", l.name);
      o.WholeOrDoubleField(",\"strength_mg\":", l.strength_mg);
      o.WholeOrDoubleField(",\"strength_ml\":", l.strength_ml);
      if (l.measurable) {
        o.Raw(",\"measurable\":true");
        o.WholeOrDoubleField(",\"ml\":", l.ml);
        o.WholeOrDoubleField(",\"mg\":", l.mg);
        o.IntField(",\"max_doses_per_24h\":", l.max_doses_per_24h);
      } else {
        o.Raw(",\"measurable\":false");
        if (!d.too_small_text.empty()) o.StrField(",\"text\":", d.too_small_text);
      }
      o.Raw("}");
    }
    o.Raw("]");
    if (!d.measure_text.empty()) o.StrField(",\"syringe_text\":", d.measure_text);
  }
  if (d.tablets) {
    o.StrField(",\"tablets\":{\"name\":", d.tablets->name);
    o.IntField(",\"mg_each\":", d.tablets->mg_each);
    o.RangeField(",\"count\":", d.tablets->count);
    o.IntField(",\"max_per_24h\":", d.tablets->max_per_24h);
    o.Raw("}");
  }
  o.Raw("}");
}

void WriteMedicine(Out& o, const MedicineResult& m) {
  o.StrField("{\"id\":", m.id);
  o.StrField(",\"name\":", m.name);
  o.AdviceField(",\"advice\":", m.advice);
  o.ListField(",\"reasons\":", m.reasons);
  if (m.dose) WriteDose(o, *m.dose);
  if (!m.dose_text.empty()) o.StrField(",\"dose_text\":", m.dose_text);
  o.SourcesField(",\"sources\":", m.sources);
  o.Raw("}");
}

void WriteMechanism(Out& o, const MechanismHit& m) {
  o.StrField("{\"id\":", m.id);
  o.StrField(",\"title\":", m.title);
  o.ListField(",\"because\":", m.because);
  o.StrField(",\"explanation\":", m.explanation);
  o.SourcesField(",\"sources\":", m.sources);
  o.Raw("}");
}

void WritePainType(Out& o, const PainType& p) {
  o.StrField("{\"region\":", p.region);
  o.StrField(",\"type\":", p.type);
  o.StrField(",\"text\":", p.text);
  o.Raw("}");
}

void WriteTextItem(Out& o, const TextItem& t) {
  o.StrField("{\"id\":", t.id);
  o.StrField(",\"text\":", t.text);
  o.Raw("}");
}

void WriteReviewPoint(Out& o, const ReviewPoint& r) {
  o.StrField("{\"pain\":", r.pain);
  if (r.days_left) o.WholeOrDoubleField(",\"days_left\":", *r.days_left);
  o.IntField(",\"after_days\":", r.after_days);
  o.StrField(",\"text\":", r.text);
  o.Raw("}");
}

void WriteFollowUp(Out& o, const Assessment& a) {
  // The expected course as one paragraph: the parts joined by single spaces.
  std::string expected;
  for (const TextItem& t : a.expected) {
    if (t.text.empty()) continue;
    if (!expected.empty()) expected.push_back(' ');
    expected.append(t.text);
  }
  o.StrField("{\"expected\":", expected);
  ArrayField(o, ",\"expected_parts\":", a.expected, WriteTextItem);
  ArrayField(o, ",\"review\":", a.review, WriteReviewPoint);
  o.Raw("}");
}

void WriteSafetyNetItem(Out& o, const SafetyNetItem& s) {
  if (o.frags() != nullptr) {
    if (const std::string* json = o.frags()->SafetyNetItem(s)) {
      o.Raw(*json);
      return;
    }
  }
  o.StrField("{\"flag\":", s.flag);
  o.LevelField(",\"level\":", s.level);
  o.StrField(",\"text\":", s.text);
  o.Raw("}");
}

// An item of "unanswered" up to its "for_flags" value.
void WriteUnansweredHead(Out& o, const UnansweredItem& u) {
  o.StrField("{\"finding\":", u.finding);
  o.LevelField(",\"could_reach\":", u.could_reach);
  o.StrField(",\"question\":", u.question);
  o.Raw(",\"for_flags\":");
}

void WriteUnanswered(Out& o, const UnansweredItem& u) {
  const std::string* head = o.frags() != nullptr ? o.frags()->UnansweredHead(u) : nullptr;
  if (head != nullptr) {
    o.Raw(*head);
  } else {
    WriteUnansweredHead(o, u);
  }
  o.ListField("", u.for_flags);
  o.Raw("}");
}

// The numbers to call for help (the knowledge base's, or a deployment's):
// left out when there are none.
void WriteCall(Out& o, const CallNumbers& c) {
  if (c.emergency.empty() && c.urgent.empty()) return;
  o.Raw(",\"call\":{");
  const char* comma = "";
  for (auto [key, value] : {std::pair{"country", &c.country}, std::pair{"emergency", &c.emergency},
                            std::pair{"urgent", &c.urgent}}) {
    if (value->empty()) continue;
    o.Raw(comma);
    o.Raw("\"");
    o.Raw(key);
    o.StrField("\":", *value);
    comma = ",";
  }
  o.Raw("}");
}

}  // namespace

std::string ToJson(const Assessment& a) {
  std::string out;
  // A result is 2-25 KiB (most of it the safety net and the unanswered
  // questions): one allocation for nearly all, rather than growing and
  // copying four or five times.
  out.reserve(24 * 1024);
  internal::AppendJson(a, &out);
  return out;
}

void internal::AppendJson(const Assessment& a, std::string* out) {
  Out o(out, a.kb != nullptr ? &FragmentsOf(a.kb->compiled()) : nullptr);
  if (a.ref) {
    o.StrField("{\"ref\":", *a.ref);
    o.LevelField(",\"disposition\":", a.disposition);
  } else {
    o.LevelField("{\"disposition\":", a.disposition);
  }
  o.StrField(",\"disposition_label\":", a.disposition_label);
  o.StrField(",\"summary\":", a.summary);
  ArrayField(o, ",\"flags\":", a.flags, WriteFlag);
  o.Raw(",\"hydration\":");
  WriteHydration(o, a.hydration);
  ArrayField(o, ",\"medicines\":", a.medicines, WriteMedicine);
  ArrayField(o, ",\"mechanisms\":", a.mechanisms, WriteMechanism);
  ArrayField(o, ",\"pain_types\":", a.pain_types, WritePainType);
  ArrayField(o, ",\"self_care\":", a.self_care, WriteTextItem);
  ArrayField(o, ",\"self_care_after_seen\":", a.self_care_after_seen, WriteTextItem);
  o.Raw(",\"follow_up\":");
  WriteFollowUp(o, a);
  ArrayField(o, ",\"safety_net\":", a.safety_net, WriteSafetyNetItem);
  ArrayField(o, ",\"safety_net_more\":", a.safety_net_more, WriteSafetyNetItem);
  ArrayField(o, ",\"unanswered\":", a.unanswered, WriteUnanswered);
  if (a.call != nullptr) WriteCall(o, *a.call);
  o.StrField(",\"knowledge_base\":{\"version\":", a.kb_version);
  o.ListField(",\"rules_fired\":", a.rules_fired);
  o.Raw("}}");
}

void internal::AppendStringListJson(const std::vector<std::string_view>& values, std::string* out) {
  Out o(out, nullptr);
  o.ListField("", values);
}

void internal::AppendSafetyNetItemJson(const SafetyNetItem& item, std::string* out) {
  Out o(out, nullptr);
  WriteSafetyNetItem(o, item);
}

void internal::AppendUnansweredHeadJson(const UnansweredItem& item, std::string* out) {
  Out o(out, nullptr);
  WriteUnansweredHead(o, item);
}

}  // namespace norotriage
