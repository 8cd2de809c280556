// CDS Hooks: discovery, hook request -> cards.
#include "fhir/cds_hooks.h"

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "compile/compiled_kb.h"
#include "fhir/questionnaire_response.h"
#include "norotriage/engine.h"
#include "output/amounts_text.h"

namespace norotriage::fhir {
namespace {

FhirIssue Bad(std::string path, std::string message) {
  return FhirIssue{400, "invalid", std::move(path), std::move(message)};
}

FhirIssue Missing(std::string path, std::string message) {
  return FhirIssue{412, "not-found", std::move(path), std::move(message)};
}

std::string Summary(std::string_view text) { return TruncateChars(text, kCardSummaryLimit - 1); }

std::string FindingLabel(const KnowledgeBase& kb, std::string_view id) {
  const int i = kb.FindingIndex(id);
  if (i < 0) return std::string(id);
  const FindingSpec& f = kb.findings()[i];
  return f.label.empty() ? f.id : f.label;
}

std::string LevelLabel(const KnowledgeBase& kb, Level level) {
  return kb.compiled().dispositions[static_cast<size_t>(level)].label;
}

// Knowledge-base text is plain sentences; keep a stray '*' or '_' from
// turning the rest of a card into emphasis.
std::string Md(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '#') out += '\\';
    out += c;
  }
  return out;
}

std::string DispositionDetail(const KnowledgeBase& kb, const Assessment& a) {
  std::string md = fmt::format("**{}.** {}\n", Md(a.disposition_label), Md(a.summary));
  if (!a.flags.empty()) {
    md += "\n**Warning signs**\n\n";
    for (const FlagHit& f : a.flags) {
      md += fmt::format("- **{}** ({}): {}\n", Md(f.title), Md(LevelLabel(kb, f.level)), Md(f.advice));
    }
  }
  const HydrationResult& h = a.hydration;
  md += fmt::format("\n**Fluids (plan {}):** {} {}", h.plan, Md(h.status_text), Md(h.plan_text));
  if (h.fluid_limit) {
    // Heart or kidney failure: no volume; the plan text says what to do instead.
    md += " **Fluid limit:** no set amount of oral rehydration solution; keep to any fluid limit a doctor gave.";
  } else if (h.ors_ml) {
    md += fmt::format(" About {} ml of oral rehydration solution over {} hours.", *h.ors_ml, h.over_hours);
  } else if (h.ors_ml_range) {
    md += fmt::format(" {}–{} ml of oral rehydration solution over {} hours.", h.ors_ml_range->first,
                      h.ors_ml_range->second, h.over_hours);
  }
  if (std::string portion = internal::PortionSentence(h); !portion.empty()) md += " " + Md(portion);
  md += "\n";
  if (!a.medicines.empty()) {
    md += "\n**Pain relief and medicines**\n\n";
    for (const MedicineResult& m : a.medicines) {
      md += fmt::format("- **{}**: {}", Md(m.name), AdviceId(m.advice));
      if (m.dose && m.advice != Advice::kAvoid) {
        const Dose& d = *m.dose;
        md += fmt::format(", {}–{} mg every {}–{} hours, at most {} mg in 24 hours", d.mg_per_dose.first,
                          d.mg_per_dose.second, d.hours_between.first, d.hours_between.second,
                          d.max_mg_per_24h);
        // As measured (issue 16): ml of each liquid, or tablets.
        for (const LiquidDose& l : d.liquids) md += ". " + Md(internal::LiquidSentence(l, d.too_small_text));
        if (!d.liquids.empty() && !d.measure_text.empty()) md += " " + Md(d.measure_text);
        if (d.tablets) md += ". " + Md(internal::TabletSentence(*d.tablets));
      }
      // Every reason: a rub's notes ("not on broken skin") come after its advice.
      for (size_t i = 0; i < m.reasons.size(); ++i) md += fmt::format("{} {}", i ? "" : ".", Md(m.reasons[i]));
      md += "\n";
    }
  }
  if (!a.safety_net.empty()) {
    md += "\n**Get help if**\n\n";
    for (const SafetyNetItem& s : a.safety_net) md += fmt::format("- {}\n", Md(s.text));
  }
  if (!a.unanswered.empty()) {
    md += "\n**Still to ask** (the answer could change the advice)\n\n";
    for (const UnansweredItem& u : a.unanswered) {
      md += fmt::format("- {} (could reach: {})\n", Md(u.question), Md(LevelLabel(kb, u.could_reach)));
    }
  }
  md += fmt::format("\n_norotriage knowledge base {}. Decision support, not a diagnosis; the content has "
                    "not yet been reviewed by clinicians._",
                    Md(a.kb_version));
  return md;
}

std::string FlagDetail(const KnowledgeBase& kb, const FlagHit& f) {
  std::string md = Md(f.advice) + "\n";
  if (!f.because.empty()) {
    md += "\n**Because:** ";
    for (size_t i = 0; i < f.because.size(); ++i) {
      md += fmt::format("{}{}", i ? "; " : "", Md(FindingLabel(kb, f.because[i])));
    }
    md += "\n";
  }
  if (!f.sources.empty()) {
    md += "\n**Sources**\n\n";
    for (std::string_view s : f.sources) md += fmt::format("- {}\n", Md(s));
  }
  return md;
}

std::string Join(const std::vector<std::string_view>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += fmt::format("{}{}", i ? sep : "", parts[i]);
  return out;
}

// True when `reference` ("Patient/123" or ".../Patient/123", maybe with a
// version) names patient `id`.
bool ReferencesPatient(std::string_view reference, std::string_view id) {
  reference = reference.substr(0, reference.find("/_history/"));
  const std::string tail = fmt::format("Patient/{}", id);
  return reference == tail || (reference.size() > tail.size() &&
                               reference.substr(reference.size() - tail.size()) == tail &&
                               reference[reference.size() - tail.size() - 1] == '/');
}

std::string KbLabel(const KnowledgeBase& kb) {
  return fmt::format("norotriage knowledge base {}", kb.version());
}

}  // namespace

std::string_view CardIndicator(Level level) {
  switch (level) {
    case Level::kEmergency: return "critical";
    case Level::kUrgent:
    case Level::kRoutine: return "warning";
    case Level::kSelfCare: return "info";
  }
  return "info";
}

OrderedJson BuildCdsDiscovery(const KnowledgeBase& kb, std::string_view base_url) {
  const std::string questionnaire = QuestionnaireUrl(base_url);
  OrderedJson service = {
      {"hook", kCdsHook},
      {"id", kCdsServiceId},
      {"title", "norotriage: back pain and aching legs during a stomach bug"},
      {"description",
       fmt::format("Triage advice for back pain and aching legs during or after norovirus: how urgently "
                   "to get help, warning signs with their sources, fluids, pain relief and follow-up. "
                   "Reads the patient's latest answers to {} (prefetch questionnaireResponse). "
                   "Knowledge base {}. Decision support, not a diagnosis; not yet reviewed by clinicians.",
                   questionnaire, kb.version())},
      {"prefetch",
       {{"questionnaireResponse",
         fmt::format("QuestionnaireResponse?patient={{{{context.patientId}}}}&questionnaire={}"
                     "&_sort=-authored&_count=1",
                     questionnaire)}}},
      {"usageRequirements",
       "The patient (or a clinician with them) answers Questionnaire/norotriage first, e.g. in any "
       "SDC form filler; without answers the service returns 412."}};
  return {{"services", OrderedJson::array({std::move(service)})}};
}

std::string CdsDiscoveryJson(const KnowledgeBase& kb, std::string_view base_url) {
  return Dump(BuildCdsDiscovery(kb, base_url));
}

OrderedJson BuildCards(const KnowledgeBase& kb, const Assessment& a, const ResourceLinks& links,
                       const FhirOptions& options) {
  OrderedJson source = {{"label", KbLabel(kb)}};
  if (!options.base_url.empty()) {
    std::string base = options.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    source["url"] = base + "/";
  }
  source["topic"] = {{"system", kLevelSystem}, {"code", LevelId(a.disposition)},
                     {"display", a.disposition_label}};
  OrderedJson care_plan = BuildCarePlan(a, links, options);
  OrderedJson suggestion = {
      {"label", "Add this care plan to the record"},
      {"uuid", UuidFromSeed(options.id_seed, 101)},
      {"actions", OrderedJson::array({{{"type", "create"},
                                       {"description", "Create a CarePlan with the norotriage advice"},
                                       {"resource", std::move(care_plan)}}})}};
  OrderedJson cards = OrderedJson::array();
  cards.push_back({{"uuid", UuidFromSeed(options.id_seed, 100)},
                   {"summary", Summary(a.summary)},
                   {"detail", DispositionDetail(kb, a)},
                   {"indicator", CardIndicator(a.disposition)},
                   {"source", std::move(source)},
                   {"suggestions", OrderedJson::array({std::move(suggestion)})},
                   {"selectionBehavior", "at-most-one"}});
  for (size_t i = 0; i < a.flags.size(); ++i) {
    const FlagHit& f = a.flags[i];
    OrderedJson flag_source = {
        {"label", f.sources.empty() ? KbLabel(kb) : Join(f.sources, "; ")},
        {"topic", {{"system", kFlagSystem}, {"code", f.id}, {"display", f.title}}}};
    cards.push_back({{"uuid", UuidFromSeed(options.id_seed, 200 + i)},
                     {"summary", Summary(f.title)},
                     {"detail", FlagDetail(kb, f)},
                     {"indicator", CardIndicator(f.level)},
                     {"source", std::move(flag_source)}});
  }
  return {{"cards", std::move(cards)}};
}

Result<std::string, FhirIssue> CallCdsService(const KnowledgeBase& kb, std::string_view body,
                                              const FhirOptions& options) {
  auto parsed = ParseBoundedJson(body, "$");
  if (!parsed.ok()) return parsed.error();
  const Json& call = parsed.value();
  if (!call.is_object()) return Bad("$", "expected a CDS Hooks request (a JSON object)");
  const auto hook = call.find("hook");
  if (hook == call.end() || !hook->is_string()) return Bad("$.hook", "is required, as text");
  if (*hook != kCdsHook) {
    return Bad("$.hook", fmt::format("this service answers the {} hook, not '{}'", kCdsHook,
                                     TruncateChars(hook->get<std::string>(), 64)));
  }
  if (auto hi = call.find("hookInstance"); hi == call.end() || !hi->is_string()) {
    return Bad("$.hookInstance", "is required, as text");
  }
  const auto context = call.find("context");
  if (context == call.end() || !context->is_object()) return Bad("$.context", "is required, as an object");
  std::string patient_id;
  if (auto p = context->find("patientId"); p != context->end()) {
    if (!p->is_string()) return Bad("$.context.patientId", "must be text");
    patient_id = p->get<std::string>();
  }
  const Json* prefetch = nullptr;
  if (auto pf = call.find("prefetch"); pf != call.end() && !pf->is_null()) {
    if (!pf->is_object()) return Bad("$.prefetch", "must be an object of prefetch keys");
    prefetch = &*pf;
  }

  // Exactly one source of findings.
  struct Source { const Json* value; std::string path; };
  std::vector<Source> sources;
  auto look = [&](const Json* parent, const char* key, std::string path) {
    if (parent == nullptr) return;
    auto it = parent->find(key);
    if (it != parent->end() && !it->is_null()) sources.push_back({&*it, std::move(path)});
  };
  look(prefetch, "questionnaireResponse", "$.prefetch.questionnaireResponse");
  look(&*context, "norotriageRequest", "$.context.norotriageRequest");
  look(prefetch, "norotriageRequest", "$.prefetch.norotriageRequest");
  if (sources.empty()) {
    return Missing("$.prefetch.questionnaireResponse",
                   "no findings: give prefetch.questionnaireResponse (answers to "
                   "Questionnaire/norotriage) or context.norotriageRequest");
  }
  if (sources.size() > 1) {
    return Bad(sources[1].path, fmt::format("the findings are given twice (also at {}); give one source",
                                            sources[0].path));
  }
  const Source& src = sources[0];

  Request request;
  ResponseContext response_context;
  std::string basis;
  if (src.path == "$.prefetch.questionnaireResponse") {
    const Json* qr = src.value;
    std::string root = src.path;
    const Json type = qr->is_object() ? qr->value("resourceType", Json()) : Json();
    if (type == "OperationOutcome") {
      return Missing(root, "the client could not prefetch the QuestionnaireResponse (it sent an OperationOutcome)");
    }
    if (type == "Bundle") {
      // A search result: take the first QuestionnaireResponse (the discovery
      // template sorts by -authored, so the latest).
      const Json* found = nullptr;
      if (auto entries = qr->find("entry"); entries != qr->end() && entries->is_array()) {
        for (size_t i = 0; i < entries->size() && found == nullptr; ++i) {
          const Json& e = (*entries)[i];
          if (e.is_object() && e.contains("resource") && e.at("resource").is_object() &&
              e.at("resource").value("resourceType", Json()) == "QuestionnaireResponse") {
            found = &e.at("resource");
            root = fmt::format("{}.entry[{}].resource", src.path, i);
          }
        }
      }
      if (found == nullptr) return Dump(OrderedJson{{"cards", OrderedJson::array()}});  // nothing answered
      qr = found;
    }
    auto converted = RequestFromQuestionnaireResponse(kb, *qr, root);
    if (!converted.ok()) return converted.error();
    if (!patient_id.empty() && converted->context.subject) {
      const Json& subject = *converted->context.subject;
      if (auto ref = subject.find("reference"); ref != subject.end() && ref->is_string() &&
                                                !ReferencesPatient(ref->get<std::string>(), patient_id)) {
        return Bad(root + ".subject",
                   fmt::format("the answers are about {}, but the hook is for Patient/{}",
                               TruncateChars(ref->get<std::string>(), 80), TruncateChars(patient_id, 64)));
      }
    }
    request = std::move(converted->request);
    response_context = std::move(converted->context);
    if (response_context.id) basis = fmt::format("QuestionnaireResponse/{}", *response_context.id);
  } else {
    if (!src.value->is_object()) return Bad(src.path, "expected a norotriage request (spec/request.md), an object");
    auto req = ParseRequest(kb, Dump(*src.value));
    if (!req.ok()) {
      const InputError& e = req.error();
      // "$.findings.x" -> "$.context.norotriageRequest.findings.x"
      return Bad(src.path + e.path.substr(1), e.message);
    }
    request = std::move(req).value();
  }
  if (!patient_id.empty()) response_context.subject = Json{{"reference", "Patient/" + patient_id}};
  const Assessment a = Assess(kb, request);
  return Dump(BuildCards(kb, a, LinksFor(response_context, basis), options));
}

std::string CdsErrorJson(const FhirIssue& issue) {
  return Dump(OrderedJson{{"error", {{"path", issue.expression}, {"message", issue.message}}}});
}

}  // namespace norotriage::fhir
