// Assessment -> RiskAssessment, CarePlan and the $assess Bundle.
#include "fhir/assessment_resources.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "compile/compiled_kb.h"
#include "norotriage/engine.h"
#include "output/amounts_text.h"

namespace norotriage::fhir {
namespace {

constexpr std::string_view kRiskProbabilitySystem =
    "http://terminology.hl7.org/CodeSystem/risk-probability";
constexpr std::string_view kUcum = "http://unitsofmeasure.org";

std::string_view LevelLabel(const KnowledgeBase& kb, Level level) {
  return kb.compiled().dispositions[static_cast<size_t>(level)].label;
}

OrderedJson Coding(std::string_view system, std::string_view code, std::string_view display) {
  OrderedJson c = {{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}

OrderedJson Concept(OrderedJson coding, std::string_view text) {
  OrderedJson c = {{"coding", OrderedJson::array({std::move(coding)})}};
  if (!text.empty()) c["text"] = text;
  return c;
}

OrderedJson Quantity(OrderedJson value, std::string_view unit) {
  return {{"value", std::move(value)}, {"unit", unit}, {"system", kUcum}, {"code", unit}};
}

// {"url": citation, "valueString": s} for each source; null when none (FHIR
// forbids empty arrays, so the caller leaves the member out).
OrderedJson Citations(const std::vector<std::string_view>& sources) {
  if (sources.empty()) return nullptr;
  OrderedJson ext = OrderedJson::array();
  for (std::string_view s : sources) ext.push_back({{"url", kCitationExtension}, {"valueString", s}});
  return ext;
}

std::string_view RiskProbabilityDisplay(std::string_view code) {
  if (code == "high") return "High likelihood";
  if (code == "moderate") return "Moderate likelihood";
  return "Low likelihood";
}

OrderedJson QualitativeRisk(const KnowledgeBase& kb, Level level) {
  const std::string_view code = RiskProbabilityCode(level);
  return {{"coding", OrderedJson::array({Coding(kRiskProbabilitySystem, code, RiskProbabilityDisplay(code)),
                                         Coding(kLevelSystem, LevelId(level), LevelLabel(kb, level))})},
          {"text", LevelLabel(kb, level)}};
}

void SetLinks(const ResourceLinks& links, OrderedJson* resource) {
  (*resource)["subject"] = links.subject;
  if (!links.encounter.is_null()) (*resource)["encounter"] = links.encounter;
}

// "500 to 1000" or "500".
std::string RangeText(const Range& r) {
  return r.first == r.second ? fmt::format("{}", r.first) : fmt::format("{} to {}", r.first, r.second);
}

std::string JoinSentences(const std::vector<std::string_view>& parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

// Plan B in heart or kidney failure (HydrationResult::fluid_limit): no volume.
constexpr std::string_view kFluidLimitNote =
    "Fluid limit: no set amount of oral rehydration solution (heart or kidney failure); keep to any "
    "fluid limit a doctor gave.";

std::string FluidsText(const HydrationResult& h) {
  std::vector<std::string> parts = {std::string(h.status_text), std::string(h.plan_text)};
  if (h.fluid_limit) {
    parts.push_back(std::string(kFluidLimitNote));  // no volume (the plan text says what to do)
  } else if (h.ors_ml) {
    parts.push_back(fmt::format("Oral rehydration solution: about {} ml over {} hours.", *h.ors_ml, h.over_hours));
  } else if (h.ors_ml_range) {
    parts.push_back(fmt::format("Oral rehydration solution: about {} ml over {} hours.",
                                RangeText(*h.ors_ml_range), h.over_hours));
  }
  if (std::string portion = internal::PortionSentence(h); !portion.empty()) parts.push_back(std::move(portion));
  if (h.per_loose_stool_ml && !h.fluid_limit) {  // with a fluid limit, no amount at all
    parts.push_back(fmt::format("After each loose poo: {} ml extra.", RangeText(*h.per_loose_stool_ml)));
  }
  if (std::string vomit = internal::VomitSentence(h); !vomit.empty()) parts.push_back(std::move(vomit));
  if (std::string need = internal::DailyNeedText(h); !need.empty()) {
    parts.push_back(fmt::format("Usual need: {}.", need));
  }
  if (h.iv) {
    parts.push_back(fmt::format("Through a drip (plan C): {} ml in all; {} ml over the first {} minutes, "
                                "then {} ml over {} hours.",
                                h.iv->total_ml, h.iv->first_ml, h.iv->first_minutes, h.iv->then_ml,
                                h.iv->then_hours));
  }
  std::vector<std::string_view> views(parts.begin(), parts.end());
  return JoinSentences(views);
}

std::string_view AdviceWords(Advice a) {
  switch (a) {
    case Advice::kOk: return "suitable";
    case Advice::kCaution: return "use with care";
    case Advice::kAvoid: return "do not take it";
    case Advice::kReview: return "review your usual medicines";
  }
  return "";
}

std::string DoseText(const MedicineResult& m) {
  if (!m.dose) return std::string(m.dose_text);
  const Dose& d = *m.dose;
  std::string text = fmt::format("Dose: {} mg every {} hours; at most {} mg in 24 hours.",
                                 RangeText(d.mg_per_dose), RangeText(d.hours_between), d.max_mg_per_24h);
  if (!d.note.empty()) text += fmt::format(" {}", d.note);
  for (const LiquidDose& l : d.liquids) text += " " + internal::LiquidSentence(l, d.too_small_text);
  if (!d.liquids.empty() && !d.measure_text.empty()) text += fmt::format(" {}", d.measure_text);
  if (d.tablets) text += " " + internal::TabletSentence(*d.tablets);
  return text;
}

OrderedJson MedicineActivity(const MedicineResult& m) {
  std::vector<std::string_view> reasons = m.reasons;
  const std::string head = fmt::format("{}: {}.", m.name, AdviceWords(m.advice));
  const std::string dose = m.advice == Advice::kAvoid ? "" : DoseText(m);
  reasons.insert(reasons.begin(), head);
  reasons.push_back(dose);
  OrderedJson detail;
  const bool product = m.advice != Advice::kReview;  // sick-day rules are about other medicines
  if (product) detail["kind"] = "MedicationRequest";
  detail["code"] = Concept(Coding(kMedicineSystem, m.id, m.name), m.name);
  detail["status"] = "not-started";
  if (m.advice == Advice::kAvoid) detail["doNotPerform"] = true;
  if (m.dose && m.advice != Advice::kAvoid) {
    detail["scheduledString"] = fmt::format("every {} hours when needed", RangeText(m.dose->hours_between));
  }
  if (product) detail["productCodeableConcept"] = {{"text", m.name}};
  if (m.dose && m.advice != Advice::kAvoid) detail["dailyAmount"] = Quantity(m.dose->max_mg_per_24h, "mg");
  detail["description"] = JoinSentences(reasons);
  OrderedJson activity = OrderedJson::object();
  if (OrderedJson ext = Citations(m.sources); !ext.is_null()) activity["extension"] = std::move(ext);
  activity["detail"] = std::move(detail);
  return activity;
}

std::string ReviewWhen(const ReviewPoint& r) {
  if (r.days_left) {
    const double days = std::max(0.0, *r.days_left);
    return fmt::format("if not better {} days after it started ({} days from now)", r.after_days,
                       days == std::floor(days) ? fmt::format("{}", static_cast<long long>(days))
                                                : fmt::format("{:.1f}", days));
  }
  return fmt::format("if not better {} days after it started", r.after_days);
}

}  // namespace

std::string_view RiskProbabilityCode(Level level) {
  switch (level) {
    case Level::kEmergency: return "high";
    case Level::kUrgent: return "moderate";
    case Level::kRoutine:
    case Level::kSelfCare: return "low";
  }
  return "low";
}

ResourceLinks LinksFor(const ResponseContext& context, std::string_view basis_reference) {
  ResourceLinks links;
  links.subject = context.subject ? *context.subject
                                  : OrderedJson{{"display", "The person who answered the questionnaire"}};
  links.encounter = context.encounter ? *context.encounter : OrderedJson(nullptr);
  if (!basis_reference.empty()) {
    links.basis = {{"reference", basis_reference}, {"type", "QuestionnaireResponse"}};
  }
  return links;
}

OrderedJson BuildRiskAssessment(const KnowledgeBase& kb, const Assessment& a,
                                const ResourceLinks& links, const FhirOptions& options) {
  OrderedJson predictions = OrderedJson::array();
  for (const FlagHit& f : a.flags) {
    OrderedJson p = OrderedJson::object();
    if (OrderedJson ext = Citations(f.sources); !ext.is_null()) p["extension"] = std::move(ext);
    p["outcome"] = Concept(Coding(kFlagSystem, f.id, f.title), f.title);
    p["qualitativeRisk"] = QualitativeRisk(kb, f.level);
    p["rationale"] = f.advice;
    predictions.push_back(std::move(p));
  }
  predictions.push_back(
      {{"outcome", Concept(Coding(kLevelSystem, LevelId(a.disposition), a.disposition_label),
                           fmt::format("Disposition: {}", a.disposition_label))},
       {"qualitativeRisk", QualitativeRisk(kb, a.disposition)},
       {"rationale", a.summary}});

  OrderedJson notes = OrderedJson::array({{{"text", a.summary}}});
  if (!a.unanswered.empty()) {
    std::string open = "Questions still open that could change this advice:";
    for (const UnansweredItem& u : a.unanswered) {
      open += fmt::format(" {} ({}; could reach {}).", u.question, u.finding, LevelId(u.could_reach));
    }
    notes.push_back({{"text", open}});
  }

  if (a.hydration.fluid_limit) {
    notes.push_back({{"text", fmt::format("{} {}", kFluidLimitNote, a.hydration.fluid_limit_text)}});
  }

  OrderedJson ra = {{"resourceType", "RiskAssessment"}, {"status", "final"}};
  ra["method"] = {{"text", fmt::format("norotriage knowledge base {}", a.kb_version)}};
  ra["code"] = {{"text", "Triage of back pain and aching legs during a stomach bug (norovirus)"}};
  SetLinks(links, &ra);
  ra["occurrenceDateTime"] = options.now;
  if (!links.basis.is_null()) ra["basis"] = OrderedJson::array({links.basis});
  ra["prediction"] = std::move(predictions);
  ra["note"] = std::move(notes);
  return ra;
}

OrderedJson BuildCarePlan(const Assessment& a, const ResourceLinks& links, const FhirOptions& options) {
  OrderedJson activities = OrderedJson::array();
  auto add = [&](OrderedJson detail) { activities.push_back({{"detail", std::move(detail)}}); };
  if (a.disposition != Level::kSelfCare) {
    add({{"code", Concept(Coding(kLevelSystem, LevelId(a.disposition), a.disposition_label),
                          a.disposition_label)},
         {"status", "not-started"},
         {"description", a.summary}});
  }
  const HydrationResult& h = a.hydration;
  {
    const std::string plan(1, h.plan);
    OrderedJson detail = {
        {"kind", "NutritionOrder"},
        {"code", Concept(Coding(kFluidPlanSystem, plan, fmt::format("Fluid plan {}", plan)),
                         fmt::format("Fluids: plan {}", plan))},
        {"status", "not-started"}};
    if (h.plan == 'B' && !h.fluid_limit) detail["scheduledString"] = fmt::format("over the next {} hours", h.over_hours);
    if (h.ors_ml) detail["quantity"] = Quantity(*h.ors_ml, "mL");
    detail["description"] = FluidsText(h);
    add(std::move(detail));
  }
  for (const MedicineResult& m : a.medicines) activities.push_back(MedicineActivity(m));
  for (const TextItem& t : a.self_care) {
    add({{"code", Concept(Coding(kSelfCareSystem, t.id, ""), "")},
         {"status", "not-started"},
         {"description", t.text}});
  }
  for (const ReviewPoint& r : a.review) {
    add({{"kind", "Appointment"},
         {"code", Concept(Coding(kReviewSystem, r.pain, ""), fmt::format("Review: {}", r.pain))},
         {"status", "not-started"},
         {"scheduledString", ReviewWhen(r)},
         {"description", r.text}});
  }

  OrderedJson notes = OrderedJson::array();
  for (const SafetyNetItem& s : a.safety_net) notes.push_back({{"text", s.text}});
  std::vector<std::string_view> expected;
  for (const TextItem& t : a.expected) expected.push_back(t.text);
  if (std::string course = JoinSentences(expected); !course.empty()) {
    notes.push_back({{"text", fmt::format("What to expect: {}", course)}});
  }

  OrderedJson cp = {{"resourceType", "CarePlan"}, {"status", "active"}, {"intent", "plan"}};
  cp["title"] = fmt::format("Care plan: {}", a.disposition_label);
  cp["description"] = a.summary;
  SetLinks(links, &cp);
  cp["created"] = options.now;
  if (!links.basis.is_null()) cp["supportingInfo"] = OrderedJson::array({links.basis});
  cp["activity"] = std::move(activities);
  if (!notes.empty()) cp["note"] = std::move(notes);
  return cp;
}

OrderedJson BuildAssessmentBundle(const KnowledgeBase& kb, const Json& response,
                                  const ConvertedResponse& converted, const Assessment& a,
                                  const FhirOptions& options) {
  auto urn = [&](uint64_t n) { return "urn:uuid:" + UuidFromSeed(options.id_seed, n); };
  OrderedJson entries = OrderedJson::array();
  std::string basis;
  if (converted.context.id) {
    basis = fmt::format("QuestionnaireResponse/{}", *converted.context.id);
  } else {
    basis = urn(1);
    entries.push_back({{"fullUrl", basis}, {"resource", response}});
  }
  const ResourceLinks links = LinksFor(converted.context, basis);
  entries.push_back({{"fullUrl", urn(2)}, {"resource", BuildRiskAssessment(kb, a, links, options)}});
  entries.push_back({{"fullUrl", urn(3)}, {"resource", BuildCarePlan(a, links, options)}});
  return {{"resourceType", "Bundle"},
          {"id", UuidFromSeed(options.id_seed, 0)},
          {"type", "collection"},
          {"timestamp", options.now},
          {"entry", std::move(entries)}};
}

Result<std::string, FhirIssue> AssessQuestionnaireResponse(const KnowledgeBase& kb,
                                                           std::string_view body,
                                                           const FhirOptions& options) {
  auto doc = ParseBoundedJson(body, "QuestionnaireResponse");
  if (!doc.ok()) return doc.error();
  const Json* response = &doc.value();
  std::string root = "QuestionnaireResponse";
  // FHIR operations may also be called with a Parameters resource.
  if (response->is_object() && response->value("resourceType", Json()) == "Parameters") {
    const Json* found = nullptr;
    const auto params = response->find("parameter");
    for (size_t i = 0; params != response->end() && params->is_array() && i < params->size(); ++i) {
      const Json& p = (*params)[i];
      if (!p.is_object() || !p.contains("resource")) continue;
      const Json& resource = p.at("resource");
      if (resource.is_object() && resource.value("resourceType", Json()) == "QuestionnaireResponse" &&
          (found == nullptr || p.value("name", Json()) == "response")) {
        found = &resource;
        root = fmt::format("Parameters.parameter[{}].resource", i);
      }
    }
    if (found == nullptr) {
      return FhirIssue{400, "invalid", "Parameters.parameter",
                       "no parameter holds a QuestionnaireResponse (name it \"response\")"};
    }
    response = found;
  }
  auto converted = RequestFromQuestionnaireResponse(kb, *response, root);
  if (!converted.ok()) return converted.error();
  const Assessment a = Assess(kb, converted->request);
  return Dump(BuildAssessmentBundle(kb, *response, *converted, a, options));
}

}  // namespace norotriage::fhir
