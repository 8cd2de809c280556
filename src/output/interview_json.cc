// ToJson(InterviewStep): the stateless interview step as one JSON object.
#include "norotriage/engine.h"
#include "norotriage/interview.h"
#include "util/json_writer.h"

namespace norotriage {
namespace {

using internal::JsonWriter;

void WriteQuestion(JsonWriter& w, const ScreenQuestion& q) {
  w.BeginObject();
  w.Key("finding"); w.String(q.finding);
  w.Key("type"); w.String(FindingTypeId(q.type));
  w.Key("text"); w.String(q.text);
  w.Key("label"); w.String(q.label);
  if (!q.help.empty()) { w.Key("help"); w.String(q.help); }
  if (!q.why.empty()) { w.Key("why"); w.String(q.why); }
  if (q.type == FindingType::kNumber || q.type == FindingType::kInteger) {
    w.Key("min"); w.Double(q.min);
    w.Key("max"); w.Double(q.max);
  }
  if (!q.choices.empty()) {
    w.Key("choices");
    w.BeginArray();
    for (const auto& c : q.choices) {
      w.BeginObject();
      w.Key("value");
      if (q.type == FindingType::kBool) w.Bool(c.value == "true"); else w.String(c.value);
      w.Key("label"); w.String(c.label);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("could_reach"); w.String(LevelId(q.could_reach));
  w.EndObject();
}

}  // namespace

std::string ToJson(const InterviewStep& step) {
  std::string out;
  out.reserve(4096);
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("done"); w.Bool(step.done);
  w.Key("emergency"); w.Bool(step.emergency);
  if (step.emergency) { w.Key("emergency_banner"); w.String(step.emergency_banner); }
  w.Key("disposition"); w.String(LevelId(step.assessment.disposition));
  if (step.screen) {
    const Screen& s = *step.screen;
    w.Key("screen");
    w.BeginObject();
    w.Key("id"); w.String(s.id);
    w.Key("kind"); w.String(ScreenKindId(s.kind));
    w.Key("stage"); w.String(s.stage);
    w.Key("title"); w.String(s.title);
    if (!s.why.empty()) { w.Key("why"); w.String(s.why); }
    if (!s.none_label.empty()) { w.Key("none_label"); w.String(s.none_label); }
    w.Key("unknown_label"); w.String(s.unknown_label);
    w.Key("questions");
    w.BeginArray();
    for (const auto& q : s.questions) WriteQuestion(w, q);
    w.EndArray();
    w.EndObject();
  }
  if (step.done) {
    w.Key("result");
    w.Raw(ToJson(step.assessment));
  }
  w.EndObject();
  return out;
}

}  // namespace norotriage
