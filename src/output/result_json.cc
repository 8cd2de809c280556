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
// copied from `frags` when they are knowledge-base text it has rendered.
class Out {
 public:
  // Both borrowed for the life of the Out; frags may be null (render all).
  Out(std::string* out, const ResultFragments* frags) : out_(*out), frags_(frags) {}

  void Raw(std::string_view text) { out_.append(text); }
  void Str(std::string_view v) {
    if (frags_ != nullptr) {
      if (const std::string* json = frags_->String(v)) {
        out_.append(*json);
        return;
      }
    }
    internal::AppendJsonString(v, &out_);
  }
  void Int(long long v) { internal::AppendJsonInt(v, &out_); }
  void Double(double v) { internal::AppendJsonDouble(v, &out_); }
  void WriteRange(const Range& r) {
    out_.push_back('[');
    Int(r.first);
    out_.push_back(',');
    Int(r.second);
    out_.push_back(']');
  }
  void StrList(const std::vector<std::string_view>& values) {
    out_.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_.push_back(',');
      Str(values[i]);
    }
    out_.push_back(']');
  }
  void Sources(const std::vector<std::string_view>& sources) {
    if (frags_ != nullptr) {
      if (const std::string* json = frags_->SourceList(sources)) {
        out_.append(*json);
        return;
      }
    }
    StrList(sources);
  }
  void WriteLevel(Level level) {
    static const auto kIds = RenderIds<Level, 4>(LevelId);
    Id(kIds, static_cast<size_t>(level), LevelId(level));
  }
  void WriteAdvice(Advice advice) {
    static const auto kIds = RenderIds<Advice, 4>(AdviceId);
    Id(kIds, static_cast<size_t>(advice), AdviceId(advice));
  }
  void WriteStatus(HydrationStatus status) {
    static const auto kIds = RenderIds<HydrationStatus, 3>(HydrationStatusId);
    Id(kIds, static_cast<size_t>(status), HydrationStatusId(status));
  }
  const ResultFragments* frags() const { return frags_; }

 private:
  // An enum's id from its rendered table; a value outside the enum (only a
  // hand-made assessment has one) is rendered as its id function says.
  template <size_t N>
  void Id(const std::array<std::string, N>& ids, size_t i, std::string_view id) {
    if (i < N) {
      out_.append(ids[i]);
    } else {
      internal::AppendJsonString(id, &out_);
    }
  }

  std::string& out_;
  const ResultFragments* frags_;
};

// Whole numbers as integers (19, not 19.0), so that every reader, including
// ones that distinguish int from float, sees a day count.
void WholeOrDouble(Out& o, double v) {
  constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) <= kMaxExactInt) {
    o.Int(static_cast<long long>(v));
  } else {
    o.Double(v);
  }
}

// Writes `items` as a JSON array, each with write(o, item).
template <typename T, typename Write>
void Array(Out& o, const std::vector<T>& items, Write write) {
  o.Raw("[");
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) o.Raw(",");
    write(o, items[i]);
  }
  o.Raw("]");
}

void WriteFlag(Out& o, const FlagHit& f) {
  o.Raw("{\"id\":");
  o.Str(f.id);
  o.Raw(",\"level\":");
  o.WriteLevel(f.level);
  o.Raw(",\"title\":");
  o.Str(f.title);
  o.Raw(",\"advice\":");
  o.Str(f.advice);
  o.Raw(",\"because\":");
  o.StrList(f.because);
  o.Raw(",\"sources\":");
  o.Sources(f.sources);
  o.Raw("}");
}

void WriteHydration(Out& o, const HydrationResult& h) {
  o.Raw("{\"status\":");
  o.WriteStatus(h.status);
  o.Raw(h.assessed ? ",\"assessed\":true,\"plan\":" : ",\"assessed\":false,\"plan\":");
  o.Str(std::string_view(&h.plan, 1));
  if (h.ors_ml) {
    o.Raw(",\"ors_ml\":");
    o.Int(*h.ors_ml);
  }
  if (h.ors_ml_range) {
    o.Raw(",\"ors_ml_range\":");
    o.WriteRange(*h.ors_ml_range);
  }
  if (h.plan == 'B') {
    o.Raw(",\"over_hours\":");
    o.Int(h.over_hours);
  }
  if (h.fluid_limit) o.Raw(",\"fluid_limit\":true");
  if (h.per_loose_stool_ml) {
    o.Raw(",\"per_loose_stool_ml\":");
    o.WriteRange(*h.per_loose_stool_ml);
  }
  if (h.maintenance_ml_per_day) {
    o.Raw(",\"maintenance_ml_per_day\":");
    o.Int(*h.maintenance_ml_per_day);
  }
  if (h.weight_loss_percent) {
    o.Raw(",\"weight_loss_percent\":");
    o.Double(*h.weight_loss_percent);
  }
  o.Raw(",\"because\":");
  o.StrList(h.because);
  o.Raw(",\"text\":");
  o.Str(h.status_text);
  o.Raw(",\"plan_text\":");
  o.Str(h.plan_text);
  if (h.iv) {
    o.Raw(",\"iv\":{\"total_ml\":");
    o.Int(h.iv->total_ml);
    o.Raw(",\"first_ml\":");
    o.Int(h.iv->first_ml);
    o.Raw(",\"first_minutes\":");
    o.Int(h.iv->first_minutes);
    o.Raw(",\"then_ml\":");
    o.Int(h.iv->then_ml);
    o.Raw(",\"then_hours\":");
    o.Double(h.iv->then_hours);
    o.Raw("}");
  }
  o.Raw(",\"sources\":");
  o.Sources(h.sources);
  o.Raw("}");
}

void WriteDose(Out& o, const Dose& d) {
  o.Raw(",\"dose\":{\"mg_per_dose\":");
  o.WriteRange(d.mg_per_dose);
  o.Raw(",\"min_hours_between\":");
  o.Int(d.hours_between.first);
  o.Raw(",\"max_hours_between\":");
  o.Int(d.hours_between.second);
  o.Raw(",\"max_mg_per_24h\":");
  o.Int(d.max_mg_per_24h);
  if (d.max_doses_per_24h > 0) {
    o.Raw(",\"max_doses_per_24h\":");
    o.Int(d.max_doses_per_24h);
  }
  if (!d.note.empty()) {
    o.Raw(",\"note\":");
    o.Str(d.note);
  }
  o.Raw("}");
}

void WriteMedicine(Out& o, const MedicineResult& m) {
  o.Raw("{\"id\":");
  o.Str(m.id);
  o.Raw(",\"name\":");
  o.Str(m.name);
  o.Raw(",\"advice\":");
  o.WriteAdvice(m.advice);
  o.Raw(",\"reasons\":");
  o.StrList(m.reasons);
  if (m.dose) WriteDose(o, *m.dose);
  if (!m.dose_text.empty()) {
    o.Raw(",\"dose_text\":");
    o.Str(m.dose_text);
  }
  o.Raw(",\"sources\":");
  o.Sources(m.sources);
  o.Raw("}");
}

void WriteMechanism(Out& o, const MechanismHit& m) {
  o.Raw("{\"id\":");
  o.Str(m.id);
  o.Raw(",\"title\":");
  o.Str(m.title);
  o.Raw(",\"because\":");
  o.StrList(m.because);
  o.Raw(",\"explanation\":");
  o.Str(m.explanation);
  o.Raw(",\"sources\":");
  o.Sources(m.sources);
  o.Raw("}");
}

void WritePainType(Out& o, const PainType& p) {
  o.Raw("{\"region\":");
  o.Str(p.region);
  o.Raw(",\"type\":");
  o.Str(p.type);
  o.Raw(",\"text\":");
  o.Str(p.text);
  o.Raw("}");
}

void WriteTextItem(Out& o, const TextItem& t) {
  o.Raw("{\"id\":");
  o.Str(t.id);
  o.Raw(",\"text\":");
  o.Str(t.text);
  o.Raw("}");
}

void WriteReviewPoint(Out& o, const ReviewPoint& r) {
  o.Raw("{\"pain\":");
  o.Str(r.pain);
  if (r.days_left) {
    o.Raw(",\"days_left\":");
    WholeOrDouble(o, *r.days_left);
  }
  o.Raw(",\"after_days\":");
  o.Int(r.after_days);
  o.Raw(",\"text\":");
  o.Str(r.text);
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
  o.Raw("{\"expected\":");
  o.Str(expected);
  o.Raw(",\"expected_parts\":");
  Array(o, a.expected, WriteTextItem);
  o.Raw(",\"review\":");
  Array(o, a.review, WriteReviewPoint);
  o.Raw("}");
}

void WriteSafetyNetItem(Out& o, const SafetyNetItem& s) {
  if (o.frags() != nullptr) {
    if (const std::string* json = o.frags()->SafetyNetItem(s)) {
      o.Raw(*json);
      return;
    }
  }
  o.Raw("{\"flag\":");
  o.Str(s.flag);
  o.Raw(",\"level\":");
  o.WriteLevel(s.level);
  o.Raw(",\"text\":");
  o.Str(s.text);
  o.Raw("}");
}

// An item of "unanswered" up to its "for_flags" value.
void WriteUnansweredHead(Out& o, const UnansweredItem& u) {
  o.Raw("{\"finding\":");
  o.Str(u.finding);
  o.Raw(",\"could_reach\":");
  o.WriteLevel(u.could_reach);
  o.Raw(",\"question\":");
  o.Str(u.question);
  o.Raw(",\"for_flags\":");
}

void WriteUnanswered(Out& o, const UnansweredItem& u) {
  const std::string* head = o.frags() != nullptr ? o.frags()->UnansweredHead(u) : nullptr;
  if (head != nullptr) {
    o.Raw(*head);
  } else {
    WriteUnansweredHead(o, u);
  }
  o.StrList(u.for_flags);
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
  o.Raw("{");
  if (a.ref) {
    o.Raw("\"ref\":");
    o.Str(*a.ref);
    o.Raw(",");
  }
  o.Raw("\"disposition\":");
  o.WriteLevel(a.disposition);
  o.Raw(",\"disposition_label\":");
  o.Str(a.disposition_label);
  o.Raw(",\"summary\":");
  o.Str(a.summary);
  o.Raw(",\"flags\":");
  Array(o, a.flags, WriteFlag);
  o.Raw(",\"hydration\":");
  WriteHydration(o, a.hydration);
  o.Raw(",\"medicines\":");
  Array(o, a.medicines, WriteMedicine);
  o.Raw(",\"mechanisms\":");
  Array(o, a.mechanisms, WriteMechanism);
  o.Raw(",\"pain_types\":");
  Array(o, a.pain_types, WritePainType);
  o.Raw(",\"self_care\":");
  Array(o, a.self_care, WriteTextItem);
  o.Raw(",\"follow_up\":");
  WriteFollowUp(o, a);
  o.Raw(",\"safety_net\":");
  Array(o, a.safety_net, WriteSafetyNetItem);
  o.Raw(",\"unanswered\":");
  Array(o, a.unanswered, WriteUnanswered);
  o.Raw(",\"knowledge_base\":{\"version\":");
  o.Str(a.kb_version);
  o.Raw(",\"rules_fired\":");
  o.StrList(a.rules_fired);
  o.Raw("}}");
}

void internal::AppendStringListJson(const std::vector<std::string_view>& values, std::string* out) {
  Out o(out, nullptr);
  o.StrList(values);
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
