// The FHIR and CDS Hooks layers (src/fhir/), in process: the generated
// Questionnaire, QuestionnaireResponse -> Request (every vignette round-trips
// to the disposition Assess gives), OperationOutcome paths for bad input, the
// Bundle/RiskAssessment/CarePlan shape, and CDS Hooks discovery and cards.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "assess_test_util.h"
#include "fhir/assessment_resources.h"
#include "fhir/cds_hooks.h"
#include "fhir/fhir_common.h"
#include "fhir/questionnaire.h"
#include "fhir/questionnaire_response.h"
#include "norotriage/engine.h"

namespace norotriage::fhir {
namespace {

namespace fs = std::filesystem;
using ::norotriage::testing::Kb;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kBase[] = "http://fhir.test";

FhirOptions Options() { return FhirOptions{kBase, "2026-11-21T10:00:00Z", 42}; }

Json Parse(const std::string& text) { return Json::parse(text); }

// Every item of a Questionnaire or QuestionnaireResponse, depth first.
void CollectItems(const Json& node, std::vector<const Json*>* out) {
  if (!node.contains("item")) return;
  for (const Json& item : node.at("item")) {
    out->push_back(&item);
    CollectItems(item, out);
  }
}

std::map<std::string, const Json*> ItemsByLinkId(const Json& q) {
  std::vector<const Json*> items;
  CollectItems(q, &items);
  std::map<std::string, const Json*> by_id;
  for (const Json* item : items) by_id[item->at("linkId").get<std::string>()] = item;
  return by_id;
}

const Json* FindExtension(const Json& element, std::string_view url) {
  if (!element.contains("extension")) return nullptr;
  for (const Json& e : element.at("extension")) {
    if (e.at("url") == url) return &e;
  }
  return nullptr;
}

// A QuestionnaireResponse answering `findings` (a request's findings
// object), grouped as the Questionnaire groups them. Values map by their
// JSON type, so a wrongly typed value gives a wrongly typed answer; nulls
// (declined) are left unanswered; unknown ids go in a group of their own.
Json ResponseFor(const Json& findings, const std::string& id = "") {
  std::map<std::string, Json> groups;
  std::vector<std::string> order;
  for (const auto& [key, value] : findings.items()) {
    if (value.is_null()) continue;
    const int index = Kb().FindingIndex(key);
    const std::string group = index >= 0 ? Kb().findings()[index].group : "unknown";
    Json answer;
    if (value.is_boolean()) {
      answer["valueBoolean"] = value;
    } else if (value.is_number()) {
      const bool integer = index >= 0 && Kb().findings()[index].type == FindingType::kInteger &&
                           value.is_number_integer();
      answer[integer ? "valueInteger" : "valueDecimal"] = value;
    } else if (value.is_string() && index >= 0 && Kb().findings()[index].type == FindingType::kChoice) {
      answer["valueCoding"] = {{"system", std::string(kChoiceSystemPrefix) + key}, {"code", value}};
    } else {
      answer["valueString"] = value.is_string() ? value : Json(value.dump());
    }
    if (!groups.count(group)) order.push_back(group);
    groups[group]["item"].push_back({{"linkId", key}, {"answer", Json::array({answer})}});
  }
  Json items = Json::array();
  for (const std::string& g : order) {
    items.push_back({{"linkId", GroupLinkId(g)}, {"text", GroupTitle(g)}, {"item", groups[g]["item"]}});
  }
  Json qr = {{"resourceType", "QuestionnaireResponse"}};
  if (!id.empty()) qr["id"] = id;
  qr["questionnaire"] = QuestionnaireUrl(kBase);
  qr["status"] = "completed";
  qr["subject"] = {{"reference", "Patient/p1"}};
  qr["item"] = items;
  return qr;
}

Json ResponseForText(const char* findings_json) { return ResponseFor(Parse(findings_json)); }

const Json* Entry(const Json& bundle, std::string_view type) {
  for (const Json& e : bundle.at("entry")) {
    if (e.at("resource").at("resourceType") == type) return &e;
  }
  return nullptr;
}

// The urn:norotriage:level code of the RiskAssessment's overall prediction.
std::string DispositionOf(const Json& bundle) {
  const Json& ra = Entry(bundle, "RiskAssessment")->at("resource");
  const Json& overall = ra.at("prediction").back();
  for (const Json& c : overall.at("outcome").at("coding")) {
    if (c.at("system") == kLevelSystem) return c.at("code");
  }
  return "";
}

std::vector<fs::path> VignetteFiles() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(NOROTRIAGE_SOURCE_DIR) / "tests" / "vignettes")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return Json::parse(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
}

// --- Questionnaire -----------------------------------------------------------

TEST(FhirQuestionnaireTest, ResourceShape) {
  const Json q = BuildQuestionnaire(Kb(), kBase);
  EXPECT_EQ(q.at("resourceType"), "Questionnaire");
  EXPECT_EQ(q.at("id"), "norotriage");
  EXPECT_EQ(q.at("url"), "http://fhir.test/fhir/Questionnaire/norotriage");
  EXPECT_EQ(q.at("version"), Kb().version());
  EXPECT_EQ(q.at("status"), "active");
  EXPECT_EQ(q.at("subjectType"), Json::array({"Patient"}));
  EXPECT_FALSE(q.at("title").get<std::string>().empty());
  // Top level: one group per finding group, with a title, history left out.
  std::set<std::string> groups;
  for (const Json& g : q.at("item")) {
    EXPECT_EQ(g.at("type"), "group");
    EXPECT_FALSE(g.at("text").get<std::string>().empty());
    EXPECT_NE(g.at("text"), g.at("linkId"));
    groups.insert(g.at("linkId"));
  }
  EXPECT_EQ(groups, (std::set<std::string>{"group-patient", "group-illness", "group-hydration", "group-back",
                                           "group-legs", "group-warning", "group-medicines"}));
  EXPECT_EQ(QuestionnaireJson(Kb(), kBase), Dump(q));
  EXPECT_EQ(QuestionnaireUrl("http://x/"), "http://x/fhir/Questionnaire/norotriage");
}

TEST(FhirQuestionnaireTest, EveryAskableFindingWithTypeOptionsRangeAndHelp) {
  const Json q = BuildQuestionnaire(Kb(), kBase);
  const auto items = ItemsByLinkId(q);
  size_t asked = 0;
  for (const FindingSpec& f : Kb().findings()) {
    auto it = items.find(f.id);
    if (f.group == "history") {
      EXPECT_EQ(it, items.end()) << f.id << " is worked out, never asked";
      continue;
    }
    ++asked;
    ASSERT_NE(it, items.end()) << f.id;
    const Json& item = *it->second;
    EXPECT_EQ(item.at("text"), f.question) << f.id;
    EXPECT_EQ(item.at("code")[0].at("system"), kFindingSystem);
    EXPECT_EQ(item.at("code")[0].at("code"), f.id);
    EXPECT_EQ(item.at("code")[0].at("display"), f.label);
    const char* types[] = {"boolean", "decimal", "integer", "choice"};
    EXPECT_EQ(item.at("type"), types[static_cast<int>(f.type)]) << f.id;
    EXPECT_EQ(item.value("required", false), f.id == "age_years") << f.id;
    if (f.type == FindingType::kChoice) {
      ASSERT_EQ(item.at("answerOption").size(), f.choices.size()) << f.id;
      for (size_t c = 0; c < f.choices.size(); ++c) {
        const Json& coding = item.at("answerOption")[c].at("valueCoding");
        EXPECT_EQ(coding.at("system"), "urn:norotriage:choice:" + f.id);
        EXPECT_EQ(coding.at("code"), f.choices[c]);
        EXPECT_EQ(coding.at("display"), f.choice_labels[c]);
      }
    } else {
      EXPECT_FALSE(item.contains("answerOption")) << f.id;
    }
    const Json* min = FindExtension(item, "http://hl7.org/fhir/StructureDefinition/minValue");
    const Json* max = FindExtension(item, "http://hl7.org/fhir/StructureDefinition/maxValue");
    if (f.type == FindingType::kNumber || f.type == FindingType::kInteger) {
      ASSERT_TRUE(min && max) << f.id;
      const char* key = f.type == FindingType::kInteger ? "valueInteger" : "valueDecimal";
      EXPECT_EQ(min->at(key).get<double>(), f.min) << f.id;
      EXPECT_EQ(max->at(key).get<double>(), f.max) << f.id;
      if (f.type == FindingType::kInteger) {
        EXPECT_TRUE(min->at(key).is_number_integer());
      }
    } else {
      EXPECT_TRUE(!min && !max) << f.id;
    }
    // Help: a display child with itemControl "help".
    ASSERT_TRUE(item.contains("item")) << f.id;
    const Json& help = item.at("item")[0];
    EXPECT_EQ(help.at("type"), "display");
    EXPECT_EQ(help.at("text"), f.help);
    EXPECT_EQ(help.at("linkId"), f.id + "-help");
    const Json* control =
        FindExtension(help, "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl");
    ASSERT_NE(control, nullptr);
    EXPECT_EQ(control->at("valueCodeableConcept").at("coding")[0].at("code"), "help");
    EXPECT_EQ(control->at("valueCodeableConcept").at("coding")[0].at("system"),
              "http://hl7.org/fhir/questionnaire-item-control");
  }
  EXPECT_GT(asked, 70u);
}

TEST(FhirQuestionnaireTest, DependenciesFromConsistencyRules) {
  std::vector<std::string> got;
  for (const Dependency& d : DependenciesFromConsistency(Kb())) {
    std::string values;
    for (const std::string& v : d.enabled_when) values += (values.empty() ? "" : "|") + v;
    got.push_back(d.dependent + " <- " + d.guard + (d.negate ? " != " : " = ") + values);
  }
  EXPECT_THAT(got, ::testing::ElementsAre(
                       "back_pain_site <- back_pain = true", "back_pain_days <- back_pain = true",
                       "back_pain_score <- back_pain = true", "back_pain_trend <- back_pain = true",
                       "back_pain_began_with_vomiting <- back_pain = true",
                       "back_pain_mechanical <- back_pain = true", "back_pain_at_night <- back_pain = true",
                       "back_pain_limits_mobility <- back_pain = true", "leg_aches_days <- leg_aches = true",
                       "leg_aches_score <- leg_aches = true", "leg_aches_trend <- leg_aches = true",
                       "pregnancy_weeks <- sex != male",
                       // v2: the tummy-pain details appear once there is tummy pain.
                       "abdominal_pain_site <- abdominal_pain != none",
                       "abdominal_pain_worse_moving <- abdominal_pain != none",
                       "abdominal_pain_to_back <- abdominal_pain != none"));
}

TEST(FhirQuestionnaireTest, EnableWhenShowsDetailsOnlyAfterYes) {
  const Json q = BuildQuestionnaire(Kb(), kBase);
  const auto items = ItemsByLinkId(q);
  const Json& site = *items.at("back_pain_site");
  ASSERT_TRUE(site.contains("enableWhen"));
  EXPECT_EQ(site.at("enableWhen"),
            Parse(R"([{"question": "back_pain", "operator": "=", "answerBoolean": true}])"));
  EXPECT_EQ(site.at("enableBehavior"), "all");
  EXPECT_EQ(items.at("leg_aches_score")->at("enableWhen")[0].at("question"), "leg_aches");
  const Json& pregnancy = items.at("pregnancy_weeks")->at("enableWhen")[0];
  EXPECT_EQ(pregnancy.at("operator"), "!=");
  EXPECT_EQ(pregnancy.at("answerCoding").at("code"), "male");
  EXPECT_EQ(pregnancy.at("answerCoding").at("system"), "urn:norotriage:choice:sex");
  EXPECT_FALSE(items.at("back_pain")->contains("enableWhen"));
  // Every enableWhen names a question that comes earlier in the form.
  std::vector<const Json*> ordered;
  CollectItems(q, &ordered);
  std::set<std::string> seen;
  for (const Json* item : ordered) {
    if (item->contains("enableWhen")) {
      for (const Json& c : item->at("enableWhen")) {
        EXPECT_TRUE(seen.count(c.at("question"))) << item->at("linkId") << " -> " << c.at("question");
      }
    }
    seen.insert(item->at("linkId").get<std::string>());
  }
}

// --- QuestionnaireResponse -> Request -----------------------------------------

TEST(FhirResponseTest, EveryVignetteRoundTripsToTheSameAssessment) {
  size_t checked = 0;
  for (const fs::path& path : VignetteFiles()) {
    SCOPED_TRACE(path.filename().string());
    const Json vignette = ReadJson(path);
    const Json& request = vignette.at("request");
    auto direct = ParseRequest(Kb(), request.dump());
    const Json qr = ResponseFor(request.at("findings"));
    auto bundle = AssessQuestionnaireResponse(Kb(), Dump(qr), Options());
    if (!direct.ok()) {
      EXPECT_FALSE(bundle.ok()) << "the direct request fails: " << direct.error().ToString();
      if (!bundle.ok()) {
        EXPECT_THAT(bundle.error().expression, StartsWith("QuestionnaireResponse"));
      }
      continue;
    }
    ASSERT_TRUE(bundle.ok()) << bundle.error().expression << ": " << bundle.error().message;
    const Assessment a = Assess(Kb(), *direct);
    const Json b = Parse(*bundle);
    EXPECT_EQ(DispositionOf(b), LevelId(a.disposition));
    // Same flags, in the same order.
    std::vector<std::string> flags;
    const Json& ra = Entry(b, "RiskAssessment")->at("resource");
    for (size_t i = 0; i + 1 < ra.at("prediction").size(); ++i) {
      flags.push_back(ra.at("prediction")[i].at("outcome").at("coding")[0].at("code"));
    }
    std::vector<std::string> expected(a.flags.size());
    std::transform(a.flags.begin(), a.flags.end(), expected.begin(),
                   [](const FlagHit& f) { return std::string(f.id); });
    EXPECT_EQ(flags, expected);
    if (vignette.at("expect").contains("disposition")) {
      EXPECT_EQ(DispositionOf(b), vignette.at("expect").at("disposition"));
    }
    // And the conversion itself gives the very same findings.
    auto converted = RequestFromQuestionnaireResponse(Kb(), qr, "QuestionnaireResponse");
    ASSERT_TRUE(converted.ok());
    EXPECT_TRUE(converted->request.findings == direct->findings);
    ++checked;
  }
  EXPECT_GE(checked, 30u);
}

TEST(FhirResponseTest, NestedAnswersQuantitiesAndStringsAreRead) {
  const Json qr = Parse(R"({"resourceType": "QuestionnaireResponse", "id": "qr-1", "item": [
      {"linkId": "outer", "item": [{"linkId": "age_years", "answer": [{"valueInteger": 40}]}]},
      {"linkId": "back_pain", "answer": [{"valueBoolean": true, "item": [
          {"linkId": "back_pain_score", "answer": [{"valueQuantity": {"value": 6.5, "unit": "score"}}]},
          {"linkId": "back_pain_site", "answer": [{"valueString": "flank"}]}]}]},
      {"linkId": "thirst", "answer": []},
      {"linkId": "weight_kg"}]})");
  auto r = RequestFromQuestionnaireResponse(Kb(), qr, "QuestionnaireResponse");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Findings& f = r->request.findings;
  EXPECT_EQ(f.get(Kb().FindingIndex("age_years")), 40);
  EXPECT_EQ(f.get(Kb().FindingIndex("back_pain")), 1);
  EXPECT_EQ(f.get(Kb().FindingIndex("back_pain_score")), 6.5);
  EXPECT_EQ(f.get(Kb().FindingIndex("back_pain_site")), 3);  // lower, middle, upper, flank
  EXPECT_FALSE(f.known(Kb().FindingIndex("thirst")));     // no answer: unknown, not "no"
  EXPECT_FALSE(f.known(Kb().FindingIndex("weight_kg")));
  EXPECT_EQ(r->request.ref, "qr-1");
  EXPECT_EQ(r->request_json,
            R"({"ref":"qr-1","findings":{"age_years":40,"back_pain":true,"back_pain_score":6.5,"back_pain_site":"flank"}})");
}

struct BadCase {
  const char* name;
  const char* body;
  const char* expression;
  const char* message;  // a substring of the diagnostics
};

TEST(FhirResponseTest, BadResponsesGiveOperationOutcomeWithPath) {
  const std::string age = R"({"linkId": "age_years", "answer": [{"valueDecimal": 30}]})";
  auto qr = [&](const std::string& items) {
    return R"({"resourceType": "QuestionnaireResponse", "item": [{"linkId": "group-patient", "item": [)" + age +
           "]}, " + items + "]}";
  };
  const std::string cases_storage[][4] = {
      {"unknown linkId", qr(R"({"linkId": "group-back", "item": [{"linkId": "x"},
          {"linkId": "back_pian", "answer": [{"valueBoolean": true}]}]})"),
       "QuestionnaireResponse.item[1].item[1]", "unknown linkId 'back_pian'"},
      {"did you mean", qr(R"({"linkId": "back_pian", "answer": [{"valueBoolean": true}]})"),
       "QuestionnaireResponse.item[1]", "(did you mean 'back_pain'?)"},
      {"wrong value[x]", qr(R"({"linkId": "back_pain", "answer": [{"valueString": "yes"}]})"),
       "QuestionnaireResponse.item[1].answer[0].valueString", "linkId 'back_pain': expected a yes/no answer"},
      {"not a boolean", qr(R"({"linkId": "back_pain", "answer": [{"valueBoolean": "true"}]})"),
       "QuestionnaireResponse.item[1].answer[0].valueBoolean", "must be true or false, got text"},
      {"out of range", qr(R"({"linkId": "back_pain", "answer": [{"valueBoolean": true}]},
          {"linkId": "back_pain_score", "answer": [{"valueDecimal": 14}]})"),
       "QuestionnaireResponse.item[2].answer[0].valueDecimal",
       "linkId 'back_pain_score': 14 is above the maximum of 10"},
      {"not whole", qr(R"({"linkId": "vomits_24h", "answer": [{"valueDecimal": 2.5}]})"),
       "QuestionnaireResponse.item[1].answer[0].valueDecimal", "2.5 is not a whole number"},
      {"valueInteger not whole", qr(R"({"linkId": "vomits_24h", "answer": [{"valueInteger": 2.5}]})"),
       "QuestionnaireResponse.item[1].answer[0].valueInteger", "must be a whole number"},
      {"choice not in list", qr(R"({"linkId": "sciatica", "answer": [{"valueCoding": {"code": "three_legs"}}]})"),
       "QuestionnaireResponse.item[1].answer[0].valueCoding", "\"three_legs\" is not one of: none, one_leg, both_legs"},
      {"wrong system", qr(R"({"linkId": "sciatica", "answer": [{"valueCoding": {"system": "http://snomed.info/sct", "code": "none"}}]})"),
       "QuestionnaireResponse.item[1].answer[0].valueCoding.system", "urn:norotriage:choice:sciatica"},
      {"contradiction", qr(R"({"linkId": "back_pain", "answer": [{"valueBoolean": false}]},
          {"linkId": "back_pain_site", "answer": [{"valueCoding": {"code": "lower"}}]})"),
       "QuestionnaireResponse.item[2].answer[0].valueCoding", "linkId 'back_pain_site': is given, but back_pain is false"},
      {"two answers", qr(R"({"linkId": "back_pain", "answer": [{"valueBoolean": true}, {"valueBoolean": false}]})"),
       "QuestionnaireResponse.item[1].answer[1]", "has 2 answers"},
      {"answered twice", qr(R"({"linkId": "back_pain", "answer": [{"valueBoolean": true}]},
          {"linkId": "back_pain", "answer": [{"valueBoolean": true}]})"),
       "QuestionnaireResponse.item[2]", "answered twice (also at QuestionnaireResponse.item[1].answer[0].valueBoolean)"},
      {"two values", qr(R"({"linkId": "back_pain", "answer": [{"valueBoolean": true, "valueString": "x"}]})"),
       "QuestionnaireResponse.item[1].answer[0]", "one value[x]"},
      {"no value", qr(R"({"linkId": "back_pain", "answer": [{}]})"),
       "QuestionnaireResponse.item[1].answer[0]", "has no value[x]"},
      {"no linkId", qr(R"({"answer": [{"valueBoolean": true}]})"), "QuestionnaireResponse.item[1].linkId",
       "is required"},
      {"items not a list", R"({"resourceType": "QuestionnaireResponse", "item": {"linkId": "a"}})",
       "QuestionnaireResponse.item", "expected a list of items"},
      {"missing age", R"({"resourceType": "QuestionnaireResponse", "item": [{"linkId": "back_pain", "answer": [{"valueBoolean": true}]}]})",
       "QuestionnaireResponse.item", "linkId 'age_years' (How old are you, in years?) is required"},
      {"not a response", R"({"resourceType": "Patient"})", "QuestionnaireResponse",
       "expected resourceType \"QuestionnaireResponse\", got \"Patient\""},
      {"not an object", "[1, 2]", "QuestionnaireResponse", "expected a QuestionnaireResponse, got a list"},
      {"malformed", R"({"resourceType": )", "QuestionnaireResponse", "malformed JSON"},
      {"duplicate key", R"({"resourceType": "QuestionnaireResponse", "item": [{"linkId": "back_pain", "answer": [{"valueBoolean": true, "valueBoolean": false}]}]})",
       "QuestionnaireResponse", "\"valueBoolean\" is given twice"},
      {"another questionnaire", R"({"resourceType": "QuestionnaireResponse", "questionnaire": "http://x/Questionnaire/phq9"})",
       "QuestionnaireResponse.questionnaire", "answers the questionnaire 'http://x/Questionnaire/phq9'"},
      {"bad id", R"({"resourceType": "QuestionnaireResponse", "id": "a b"})", "QuestionnaireResponse.id",
       "must be a FHIR id"},
      {"subject not a reference", R"({"resourceType": "QuestionnaireResponse", "subject": "Patient/1"})",
       "QuestionnaireResponse.subject", "must be a Reference"},
      {"huge number", qr(R"({"linkId": "back_pain", "answer": [{"valueBoolean": true}]},
          {"linkId": "back_pain_score", "answer": [{"valueDecimal": 1e999}]})"),
       "QuestionnaireResponse", "malformed JSON"},
  };
  for (const auto& c : cases_storage) {
    SCOPED_TRACE(c[0]);
    auto r = AssessQuestionnaireResponse(Kb(), c[1], Options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().http_status, 400);
    EXPECT_EQ(r.error().code, "invalid");
    EXPECT_EQ(r.error().expression, c[2]);
    EXPECT_THAT(r.error().message, HasSubstr(c[3]));
  }
}

TEST(FhirResponseTest, DeepOrLargeInputIsRefusedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = AssessQuestionnaireResponse(Kb(), deep, Options());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("nested more than"));
  const std::string big = "\"" + std::string(kMaxInputBytes, 'a') + "\"";
  r = AssessQuestionnaireResponse(Kb(), big, Options());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("larger than"));
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseBoundedJson("{\"a\": \"" + std::string(1000, '[') + "\"}", "$").ok());
}

TEST(FhirResponseTest, OperationOutcomeShape) {
  const Json oo = Parse(OperationOutcomeJson(FhirIssue{400, "invalid", "QuestionnaireResponse.item[3]", "bad"}));
  EXPECT_EQ(oo, Parse(R"({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "invalid",
      "diagnostics": "bad", "expression": ["QuestionnaireResponse.item[3]"]}]})"));
  const Json no_path = Parse(OperationOutcomeJson(FhirIssue{404, "not-found", "", "none"}));
  EXPECT_FALSE(no_path.at("issue")[0].contains("expression"));
}

// --- Bundle, RiskAssessment, CarePlan -----------------------------------------

// An adult with cauda equina signs and some dehydration, weight known.
constexpr char kEmergencyFindings[] = R"({"age_years": 45, "weight_kg": 80, "sex": "male",
    "back_pain": true, "back_pain_days": 2, "saddle_numbness": true, "gi_ongoing": true, "vomits_24h": 5,
    "thirst": "thirsty", "dry_mouth": true, "keeps_fluids_down": true})";

TEST(FhirBundleTest, BundleHoldsResponseRiskAssessmentAndCarePlan) {
  const Json qr = ResponseForText(kEmergencyFindings);
  auto text = AssessQuestionnaireResponse(Kb(), Dump(qr), Options());
  ASSERT_TRUE(text.ok()) << text.error().message;
  const Json b = Parse(*text);
  EXPECT_EQ(b.at("resourceType"), "Bundle");
  EXPECT_EQ(b.at("type"), "collection");
  EXPECT_EQ(b.at("timestamp"), "2026-11-21T10:00:00Z");
  ASSERT_EQ(b.at("entry").size(), 3u);
  std::set<std::string> urls;
  for (const Json& e : b.at("entry")) {
    EXPECT_THAT(e.at("fullUrl").get<std::string>(), StartsWith("urn:uuid:"));
    urls.insert(e.at("fullUrl"));
  }
  EXPECT_EQ(urls.size(), 3u);
  EXPECT_EQ(b.at("entry")[0].at("resource"), qr);  // echoed as sent
  const std::string qr_url = b.at("entry")[0].at("fullUrl");

  const Json& ra = Entry(b, "RiskAssessment")->at("resource");
  EXPECT_EQ(ra.at("status"), "final");
  EXPECT_EQ(ra.at("subject"), Parse(R"({"reference": "Patient/p1"})"));
  EXPECT_EQ(ra.at("occurrenceDateTime"), "2026-11-21T10:00:00Z");
  EXPECT_EQ(ra.at("basis")[0].at("reference"), qr_url);
  const Assessment a = testing::AssessFindings(std::string(kEmergencyFindings).substr(1, strlen(kEmergencyFindings) - 2));
  ASSERT_FALSE(a.flags.empty());
  ASSERT_EQ(ra.at("prediction").size(), a.flags.size() + 1);
  for (size_t i = 0; i < a.flags.size(); ++i) {
    const Json& p = ra.at("prediction")[i];
    EXPECT_EQ(p.at("outcome").at("text"), a.flags[i].title);
    EXPECT_EQ(p.at("outcome").at("coding")[0], Parse(fmt::format(
        R"({{"system": "urn:norotriage:flag", "code": "{}", "display": "{}"}})", a.flags[i].id, a.flags[i].title)));
    EXPECT_EQ(p.at("rationale"), a.flags[i].advice);
    EXPECT_EQ(p.at("qualitativeRisk").at("coding")[0].at("system"),
              "http://terminology.hl7.org/CodeSystem/risk-probability");
    EXPECT_EQ(p.at("qualitativeRisk").at("coding")[0].at("code"), RiskProbabilityCode(a.flags[i].level));
    EXPECT_EQ(p.at("qualitativeRisk").at("coding")[1].at("code"), LevelId(a.flags[i].level));
    ASSERT_EQ(p.at("extension").size(), a.flags[i].sources.size());
    EXPECT_EQ(p.at("extension")[0].at("url"), kCitationExtension);
    EXPECT_EQ(p.at("extension")[0].at("valueString"), a.flags[i].sources[0]);
  }
  EXPECT_EQ(ra.at("prediction")[0].at("outcome").at("coding")[0].at("code"), "cauda_equina");
  const Json& overall = ra.at("prediction").back();
  EXPECT_EQ(overall.at("rationale"), a.summary);
  EXPECT_EQ(overall.at("qualitativeRisk").at("coding")[0].at("code"), "high");
  EXPECT_EQ(DispositionOf(b), "emergency");
  EXPECT_EQ(ra.at("note")[0].at("text"), a.summary);

  const Json& cp = Entry(b, "CarePlan")->at("resource");
  EXPECT_EQ(cp.at("status"), "active");
  EXPECT_EQ(cp.at("intent"), "plan");
  EXPECT_EQ(cp.at("description"), a.summary);
  EXPECT_EQ(cp.at("subject"), ra.at("subject"));
  EXPECT_THAT(cp.at("title").get<std::string>(), HasSubstr(std::string(a.disposition_label)));
  std::map<std::string, const Json*> by_system;  // first activity of each code system
  for (const Json& act : cp.at("activity")) {
    EXPECT_EQ(act.at("detail").at("status"), "not-started");
    EXPECT_FALSE(act.at("detail").at("description").get<std::string>().empty());
    by_system.emplace(act.at("detail").at("code").at("coding")[0].at("system"), &act);
  }
  ASSERT_TRUE(by_system.count(std::string(kLevelSystem)));  // get help now
  ASSERT_TRUE(by_system.count(std::string(kFluidPlanSystem)));
  const Json& fluids = by_system.at(std::string(kFluidPlanSystem))->at("detail");
  EXPECT_EQ(fluids.at("code").at("coding")[0].at("code"), std::string(1, a.hydration.plan));
  if (a.hydration.ors_ml) {
    EXPECT_EQ(fluids.at("quantity").at("value"), *a.hydration.ors_ml);
    EXPECT_EQ(fluids.at("quantity").at("code"), "mL");
    EXPECT_THAT(fluids.at("description").get<std::string>(), HasSubstr(std::to_string(*a.hydration.ors_ml) + " ml"));
  }
  // One activity per medicine, per self-care item and per review point.
  size_t medicines = 0, self_care = 0, reviews = 0;
  for (const Json& act : cp.at("activity")) {
    const Json& d = act.at("detail");
    const std::string system = d.at("code").at("coding")[0].at("system");
    if (system == kMedicineSystem) {
      const MedicineResult* m = testing::Med(a, d.at("code").at("coding")[0].at("code").get<std::string>());
      ASSERT_NE(m, nullptr);
      EXPECT_EQ(d.value("doNotPerform", false), m->advice == Advice::kAvoid) << m->id;
      if (m->dose && m->advice != Advice::kAvoid) {
        EXPECT_EQ(d.at("dailyAmount").at("value"), m->dose->max_mg_per_24h);
        EXPECT_THAT(d.at("description").get<std::string>(), HasSubstr(" mg every "));
      }
      ++medicines;
    }
    self_care += system == kSelfCareSystem;
    reviews += system == kReviewSystem;
  }
  EXPECT_EQ(medicines, a.medicines.size());
  EXPECT_EQ(self_care, a.self_care.size());
  EXPECT_EQ(reviews, a.review.size());
  // Notes: the safety net, then the expected course.
  ASSERT_TRUE(cp.contains("note"));
  for (size_t i = 0; i < a.safety_net.size(); ++i) EXPECT_EQ(cp.at("note")[i].at("text"), a.safety_net[i].text);
}

TEST(FhirBundleTest, ResponseWithIdIsReferencedNotCopied) {
  const Json qr = ResponseFor(Parse(R"({"age_years": 30, "back_pain": true})"), "qr-7");
  auto text = AssessQuestionnaireResponse(Kb(), Dump(qr), Options());
  ASSERT_TRUE(text.ok());
  const Json b = Parse(*text);
  ASSERT_EQ(b.at("entry").size(), 2u);
  EXPECT_EQ(Entry(b, "RiskAssessment")->at("resource").at("basis")[0].at("reference"), "QuestionnaireResponse/qr-7");
  EXPECT_EQ(Entry(b, "CarePlan")->at("resource").at("supportingInfo")[0].at("reference"),
            "QuestionnaireResponse/qr-7");
}

TEST(FhirBundleTest, NoSubjectGivesADisplayOnlyReference) {
  Json qr = ResponseFor(Parse(R"({"age_years": 30})"));
  qr.erase("subject");
  auto text = AssessQuestionnaireResponse(Kb(), Dump(qr), Options());
  ASSERT_TRUE(text.ok());
  const Json bundle = Parse(*text);
  const Json& ra = Entry(bundle, "RiskAssessment")->at("resource");
  EXPECT_TRUE(ra.at("subject").contains("display"));
  EXPECT_FALSE(ra.at("subject").contains("reference"));
}

TEST(FhirBundleTest, ParametersWrapperAndDeterministicIds) {
  const Json qr = ResponseFor(Parse(R"({"age_years": 30, "back_pain": true})"));
  const Json params = {{"resourceType", "Parameters"},
                       {"parameter", Json::array({{{"name", "other"}, {"valueString", "x"}},
                                                  {{"name", "response"}, {"resource", qr}}})}};
  auto a = AssessQuestionnaireResponse(Kb(), Dump(params), Options());
  auto b = AssessQuestionnaireResponse(Kb(), Dump(qr), Options());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);  // same seed, same ids
  FhirOptions other = Options();
  other.id_seed = 43;
  EXPECT_NE(*AssessQuestionnaireResponse(Kb(), Dump(qr), other), *b);

  Json bad = params;
  bad["parameter"][1]["resource"]["item"][0]["item"][0]["linkId"] = "agee_years";
  auto e = AssessQuestionnaireResponse(Kb(), Dump(bad), Options());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().expression, "Parameters.parameter[1].resource.item[0].item[0]");
  auto none = AssessQuestionnaireResponse(Kb(), R"({"resourceType": "Parameters", "parameter": []})", Options());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().expression, "Parameters.parameter");
}

TEST(FhirCommonTest, UuidsTruncationAndTime) {
  const std::string u = UuidFromSeed(1, 2);
  EXPECT_THAT(u, ::testing::MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(u, UuidFromSeed(1, 2));
  EXPECT_NE(u, UuidFromSeed(1, 3));
  EXPECT_NE(u, UuidFromSeed(2, 2));
  EXPECT_EQ(TruncateChars("short", 10), "short");
  EXPECT_EQ(TruncateChars("abcdef", 4), "abc…");
  EXPECT_EQ(TruncateChars("°°°°°°", 4), "°°°…");  // counts code points, never splits one
  EXPECT_EQ(CountChars("°C"), 2u);
  EXPECT_THAT(FhirInstantNow(), ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
}

// --- CDS Hooks -----------------------------------------------------------------

std::string HookCall(const Json& prefetch, const Json& context = Json{{"userId", "Practitioner/1"}, {"patientId", "p1"}}) {
  Json call = {{"hookInstance", "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"}, {"hook", "patient-view"},
               {"context", context}};
  if (!prefetch.is_null()) call["prefetch"] = prefetch;
  return Dump(call);
}

Json Cards(const std::string& call) {
  auto r = CallCdsService(Kb(), call, Options());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().expression + ": " + r.error().message);
  return r.ok() ? Parse(*r) : Json();
}

TEST(CdsDiscoveryTest, OnePatientViewService) {
  const Json d = BuildCdsDiscovery(Kb(), kBase);
  ASSERT_EQ(d.at("services").size(), 1u);
  const Json& s = d.at("services")[0];
  EXPECT_EQ(s.at("hook"), "patient-view");
  EXPECT_EQ(s.at("id"), "norotriage");
  EXPECT_FALSE(s.at("title").get<std::string>().empty());
  EXPECT_THAT(s.at("description").get<std::string>(), HasSubstr(Kb().version()));
  EXPECT_EQ(s.at("prefetch").at("questionnaireResponse"),
            "QuestionnaireResponse?patient={{context.patientId}}&questionnaire="
            "http://fhir.test/fhir/Questionnaire/norotriage&_sort=-authored&_count=1");
  EXPECT_EQ(CdsDiscoveryJson(Kb(), kBase), Dump(d));
}

TEST(CdsServiceTest, IndicatorMapping) {
  EXPECT_EQ(CardIndicator(Level::kEmergency), "critical");
  EXPECT_EQ(CardIndicator(Level::kUrgent), "warning");
  EXPECT_EQ(CardIndicator(Level::kRoutine), "warning");
  EXPECT_EQ(CardIndicator(Level::kSelfCare), "info");
}

TEST(CdsServiceTest, CardsFromQuestionnaireResponsePrefetch) {
  const Json cards = Cards(HookCall({{"questionnaireResponse", ResponseForText(kEmergencyFindings)}}));
  const Json& list = cards.at("cards");
  const Assessment a = testing::AssessFindings(std::string(kEmergencyFindings).substr(1, strlen(kEmergencyFindings) - 2));
  ASSERT_EQ(list.size(), a.flags.size() + 1);
  const Json& first = list[0];
  EXPECT_EQ(first.at("summary"), a.summary);
  EXPECT_EQ(first.at("indicator"), "critical");
  EXPECT_EQ(first.at("source").at("label"), "norotriage knowledge base " + Kb().version());
  EXPECT_EQ(first.at("source").at("url"), "http://fhir.test/");
  EXPECT_EQ(first.at("source").at("topic").at("code"), "emergency");
  const std::string detail = first.at("detail");
  EXPECT_THAT(detail, HasSubstr("**Warning signs**"));
  EXPECT_THAT(detail, HasSubstr(std::string(a.flags[0].title)));
  EXPECT_THAT(detail, HasSubstr("**Get help if**"));
  // The suggestion creates the CarePlan for this patient.
  EXPECT_EQ(first.at("selectionBehavior"), "at-most-one");
  const Json& action = first.at("suggestions")[0].at("actions")[0];
  EXPECT_EQ(action.at("type"), "create");
  EXPECT_EQ(action.at("resource").at("resourceType"), "CarePlan");
  EXPECT_EQ(action.at("resource").at("subject"), Parse(R"({"reference": "Patient/p1"})"));
  // One card per flag, with the flag's citations as the source label.
  for (size_t i = 0; i < a.flags.size(); ++i) {
    const Json& card = list[i + 1];
    EXPECT_EQ(card.at("summary"), a.flags[i].title);
    EXPECT_EQ(card.at("indicator"), CardIndicator(a.flags[i].level));
    EXPECT_THAT(card.at("source").at("label").get<std::string>(), StartsWith(std::string(a.flags[i].sources[0])));
    EXPECT_EQ(card.at("source").at("topic").at("code"), a.flags[i].id);
    EXPECT_THAT(card.at("detail").get<std::string>(), HasSubstr(std::string(a.flags[i].advice)));
  }
}

TEST(CdsServiceTest, EveryVignetteGivesIndicatorOfItsDispositionAndShortSummaries) {
  for (const fs::path& path : VignetteFiles()) {
    SCOPED_TRACE(path.filename().string());
    const Json vignette = ReadJson(path);
    auto direct = ParseRequest(Kb(), vignette.at("request").dump());
    if (!direct.ok()) continue;
    const Assessment a = Assess(Kb(), *direct);
    // Both ways in: the request under context, and the answers as prefetch.
    const Json by_context = Cards(HookCall(nullptr, {{"patientId", "p1"}, {"norotriageRequest", vignette.at("request")}}));
    const Json by_prefetch = Cards(HookCall({{"questionnaireResponse", ResponseFor(vignette.at("request").at("findings"))}}));
    ASSERT_TRUE(by_context.contains("cards"));
    EXPECT_EQ(by_context, by_prefetch);
    const Json& cards = by_context.at("cards");
    EXPECT_EQ(cards[0].at("indicator"), CardIndicator(a.disposition));
    EXPECT_EQ(cards.size(), a.flags.size() + 1);
    for (const Json& card : cards) {
      EXPECT_LT(CountChars(card.at("summary").get<std::string>()), kCardSummaryLimit);
      EXPECT_FALSE(card.at("summary").get<std::string>().empty());
      EXPECT_TRUE(card.at("source").contains("label"));
      const std::string indicator = card.at("indicator");
      EXPECT_TRUE(indicator == "info" || indicator == "warning" || indicator == "critical");
    }
  }
}

TEST(CdsServiceTest, SearchsetBundlePrefetch) {
  const Json qr = ResponseFor(Parse(R"({"age_years": 30, "back_pain": true, "leg_weakness": "progressing"})"));
  const Json bundle = {{"resourceType", "Bundle"}, {"type", "searchset"},
                       {"entry", Json::array({{{"resource", {{"resourceType", "OperationOutcome"}}}},
                                              {{"resource", qr}}})}};
  const Json cards = Cards(HookCall({{"questionnaireResponse", bundle}}));
  EXPECT_EQ(cards.at("cards")[0].at("indicator"), "critical");
  // An empty search result: nothing answered, nothing to say.
  const Json empty = Cards(HookCall({{"questionnaireResponse", {{"resourceType", "Bundle"}, {"type", "searchset"}}}}));
  EXPECT_EQ(empty, Parse(R"({"cards": []})"));
  // Errors inside the Bundle name the entry.
  Json bad = bundle;
  bad["entry"][1]["resource"]["item"][0]["item"][0]["linkId"] = "agee";
  auto r = CallCdsService(Kb(), HookCall({{"questionnaireResponse", bad}}), Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().expression, "$.prefetch.questionnaireResponse.entry[1].resource.item[0].item[0]");
}

TEST(CdsServiceTest, BadCallsGiveErrorsWithPaths) {
  const Json qr = ResponseFor(Parse(R"({"age_years": 30})"));
  struct Case { std::string body; int status; std::string path; std::string message; };
  const Case cases[] = {
      {"{", 400, "$", "malformed JSON"},
      {"[]", 400, "$", "expected a CDS Hooks request"},
      {R"({"hookInstance": "x", "context": {}})", 400, "$.hook", "is required"},
      {R"({"hook": "order-select", "hookInstance": "x", "context": {}})", 400, "$.hook", "patient-view"},
      {R"({"hook": "patient-view", "context": {}})", 400, "$.hookInstance", "is required"},
      {R"({"hook": "patient-view", "hookInstance": "x"})", 400, "$.context", "is required"},
      {R"({"hook": "patient-view", "hookInstance": "x", "context": {"patientId": 7}})", 400, "$.context.patientId", "text"},
      {R"({"hook": "patient-view", "hookInstance": "x", "context": {}, "prefetch": []})", 400, "$.prefetch", "object"},
      {HookCall(nullptr), 412, "$.prefetch.questionnaireResponse", "no findings"},
      {HookCall({{"questionnaireResponse", nullptr}}), 412, "$.prefetch.questionnaireResponse", "no findings"},
      {HookCall({{"questionnaireResponse", {{"resourceType", "OperationOutcome"}}}}), 412,
       "$.prefetch.questionnaireResponse", "could not prefetch"},
      {HookCall({{"questionnaireResponse", qr}}, {{"patientId", "p1"}, {"norotriageRequest", {{"findings", {{"age_years", 3}}}}}}),
       400, "$.context.norotriageRequest", "given twice"},
      {HookCall(nullptr, {{"norotriageRequest", {{"findings", {{"age_years", 30}, {"back_pian", true}}}}}}), 400,
       "$.context.norotriageRequest.findings.back_pian", "did you mean 'back_pain'"},
      {HookCall({{"norotriageRequest", {{"findings", {{"back_pain", true}}}}}}), 400,
       "$.prefetch.norotriageRequest.findings.age_years", "is required"},
      {HookCall(nullptr, {{"norotriageRequest", "age 30"}}), 400, "$.context.norotriageRequest", "an object"},
      {HookCall({{"questionnaireResponse", qr}}, {{"patientId", "someone-else"}}), 400,
       "$.prefetch.questionnaireResponse.subject", "the hook is for Patient/someone-else"},
      {HookCall({{"questionnaireResponse", ResponseFor(Parse(R"({"age_years": 30, "back_pain_score": 11})"))}}), 400,
       "$.prefetch.questionnaireResponse.item[1].item[0].answer[0].valueDecimal", "above the maximum of 10"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    auto r = CallCdsService(Kb(), c.body, Options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().http_status, c.status);
    EXPECT_EQ(r.error().expression, c.path);
    EXPECT_THAT(r.error().message, HasSubstr(c.message));
    const Json error = Parse(CdsErrorJson(r.error()));
    EXPECT_EQ(error.at("error").at("path"), c.path);
    EXPECT_EQ(error.at("error").at("message"), r.error().message);
  }
  // An absolute reference to the same patient is fine.
  Json same = qr;
  same["subject"]["reference"] = "https://ehr.example/fhir/Patient/p1";
  EXPECT_TRUE(CallCdsService(Kb(), HookCall({{"questionnaireResponse", same}}), Options()).ok());
}

TEST(CdsServiceTest, AnswersWellInsideTheHookBudget) {
  const std::string call = HookCall({{"questionnaireResponse", ResponseForText(kEmergencyFindings)}});
  constexpr int kCalls = 200;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(CallCdsService(Kb(), call, Options()).ok());
  const auto per_call = (std::chrono::steady_clock::now() - start) / kCalls;
  // CDS Hooks asks for answers in about 500 ms; even a sanitizer build is far inside.
  EXPECT_LT(per_call, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace norotriage::fhir
