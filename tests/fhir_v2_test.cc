// Clinical policy v2 on the FHIR and CDS Hooks surfaces: who a finding
// applies to (asked_when) as Questionnaire enableWhen, the fluid limit in the
// RiskAssessment, CarePlan and cards, the topical medicines and the
// sick-day cards.
#include <algorithm>
#include <map>
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
#include "kb_test_util.h"
#include "norotriage/engine.h"

namespace norotriage::fhir {
namespace {

using ::norotriage::testing::Kb;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBase[] = "http://fhir.test";

FhirOptions Options() { return FhirOptions{kBase, "2026-11-21T10:00:00Z", 42}; }

// The questions of the Questionnaire by linkId.
std::map<std::string, Json> Questions() {
  const Json q = Json::parse(QuestionnaireJson(Kb(), kBase));
  std::map<std::string, Json> out;
  for (const Json& group : q.at("item")) {
    for (const Json& item : group.at("item")) out[item.at("linkId").get<std::string>()] = item;
  }
  return out;
}

// "question op answer" for each enableWhen entry, in order.
std::vector<std::string> EnableWhenText(const Json& item) {
  std::vector<std::string> out;
  if (!item.contains("enableWhen")) return out;
  for (const Json& c : item.at("enableWhen")) {
    std::string answer;
    if (c.contains("answerCoding")) answer = c.at("answerCoding").at("code").get<std::string>();
    if (c.contains("answerBoolean")) answer = c.at("answerBoolean").get<bool>() ? "true" : "false";
    if (c.contains("answerDecimal")) answer = fmt::format("{}", c.at("answerDecimal").get<double>());
    if (c.contains("answerInteger")) answer = c.at("answerInteger").dump();
    out.push_back(c.at("question").get<std::string>() + " " + c.at("operator").get<std::string>() + " " +
                  answer);
  }
  return out;
}

TEST(FhirV2Test, EveryAskedWhenIsSaidAsEnableWhen) {
  // Fails loudly, naming the finding, for an asked_when enableWhen cannot say.
  int with_asked_when = 0;
  for (const FindingSpec& f : Kb().findings()) {
    if (f.asked_when.empty()) continue;
    ++with_asked_when;
    auto entries = AskedWhenEnableWhen(Kb(), f.id);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    EXPECT_FALSE(entries.value().empty()) << f.id;
    const Json item = Questions().at(f.id);
    EXPECT_EQ(item.at("enableBehavior"), "all") << f.id;
    for (const OrderedJson& e : entries.value()) {
      EXPECT_NE(std::find(item.at("enableWhen").begin(), item.at("enableWhen").end(), Json::parse(e.dump())),
                item.at("enableWhen").end())
          << f.id << ": " << e.dump();
    }
  }
  EXPECT_GE(with_asked_when, 8);
}

TEST(FhirV2Test, AskedWhenTranslations) {
  const auto q = Questions();
  // could_conceive, written out: "sex != male and age_years >= 10 and age_years < 56".
  for (const char* id : {"could_be_pregnant", "vaginal_bleeding", "shoulder_tip_pain"}) {
    EXPECT_THAT(EnableWhenText(q.at(id)),
                ::testing::ElementsAre("sex != male", "age_years >= 10", "age_years < 56"))
        << id;
  }
  EXPECT_THAT(EnableWhenText(q.at("tears_absent")), ::testing::ElementsAre("age_years < 5"));
  EXPECT_THAT(EnableWhenText(q.at("skin_pinch")), ::testing::ElementsAre("age_years < 16"));
  EXPECT_THAT(EnableWhenText(q.at("refuses_to_walk")), ::testing::ElementsAre("age_years < 16"));
  // "sex != female": an unanswered sex leaves it shown, as the engine asks it.
  EXPECT_THAT(EnableWhenText(q.at("testicle_pain")), ::testing::ElementsAre("sex != female"));
  // asked_when and the consistency rule say the same once.
  EXPECT_THAT(EnableWhenText(q.at("pregnancy_weeks")), ::testing::ElementsAre("sex != male"));
  // A comparison of age uses the question's own answer type.
  const Json& age = q.at("age_years");
  const Json& c = q.at("tears_absent").at("enableWhen")[0];
  EXPECT_TRUE(c.contains(age.at("type") == "integer" ? "answerInteger" : "answerDecimal")) << c.dump();
  // The age question every comparison reads is required, so never unknown.
  EXPECT_EQ(age.value("required", false), true);
}

class FhirV2KbTest : public norotriage::testing::KbTestWithBuiltinFiles {
 protected:
  Result<std::vector<OrderedJson>> Translate(const std::string& asked_when, const std::string& id) {
    Replace("findings.yaml", "asked_when: \"age_years < 5\"", "asked_when: \"" + asked_when + "\"");
    auto kb = KnowledgeBase::LoadFiles(files_);
    EXPECT_TRUE(kb.ok()) << kb.status().message();
    if (!kb.ok()) return Status::Internal("no kb");
    kb_ = *kb;
    return AskedWhenEnableWhen(*kb_, id);
  }
  std::shared_ptr<const KnowledgeBase> kb_;
};

TEST_F(FhirV2KbTest, AnAskedWhenEnableWhenCannotSayIsAnError) {
  auto r = Translate("age_years < 5 or sex = male", "tears_absent");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("tears_absent"));
  EXPECT_THAT(r.status().message(), HasSubstr("'or'"));
  // The questionnaire still builds, with the question always shown (never hidden wrongly).
  const Json q = Json::parse(QuestionnaireJson(*kb_, kBase));
  bool found = false;
  for (const Json& group : q.at("item")) {
    for (const Json& item : group.at("item")) {
      if (item.at("linkId") == "tears_absent") {
        found = true;
        EXPECT_FALSE(item.contains("enableWhen")) << item.dump();
      }
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(FhirV2KbTest, AComparisonOfAnOptionalNumberIsAnError) {
  auto r = Translate("weight_kg < 20", "tears_absent");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("weight_kg"));
}

TEST_F(FhirV2KbTest, ChoiceSetsAndBooleansAreSaidAsNotEqual) {
  auto r = Translate("sex = female", "tears_absent");
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::vector<std::string> codes;
  for (const OrderedJson& e : r.value()) {
    EXPECT_EQ(e.at("operator"), "!=");
    codes.push_back(e.at("answerCoding").at("code").get<std::string>());
  }
  std::vector<std::string> others;
  for (const std::string& c : Kb().findings()[Kb().FindingIndex("sex")].choices) {
    if (c != "female") others.push_back(c);
  }
  EXPECT_EQ(codes, others);
}

// The v59 vignette: some dehydration with heart failure.
constexpr char kFluidLimit[] =
    R"("age_years": 80, "weight_kg": 70, "heart_failure": true, "gi_ongoing": true, "stools_24h": 5,
       "thirst": "thirsty", "dizzy_on_standing": true, "leg_aches": true)";

TEST(FhirV2Test, FluidLimitInRiskAssessmentCarePlanAndCards) {
  const Assessment a = testing::AssessFindings(kFluidLimit);
  ASSERT_TRUE(a.hydration.fluid_limit);
  const ResourceLinks links = LinksFor(ResponseContext{}, "");
  const Json ra = Json::parse(BuildRiskAssessment(Kb(), a, links, Options()).dump());
  std::string notes;
  for (const Json& n : ra.at("note")) notes += n.at("text").get<std::string>() + "\n";
  EXPECT_THAT(notes, HasSubstr("Fluid limit: no set amount"));
  EXPECT_THAT(notes, HasSubstr(std::string(a.hydration.fluid_limit_text)));
  bool high_risk = false;
  for (const Json& p : ra.at("prediction")) {
    high_risk |= p.at("outcome").at("coding")[0].at("code") == "dehydration_high_risk";
  }
  EXPECT_TRUE(high_risk);

  const Json plan = Json::parse(BuildCarePlan(a, links, Options()).dump());
  bool fluids = false;
  for (const Json& act : plan.at("activity")) {
    const Json& d = act.at("detail");
    if (d.value("kind", "") != "NutritionOrder") continue;
    fluids = true;
    EXPECT_FALSE(d.contains("quantity"));
    EXPECT_FALSE(d.contains("scheduledString"));
    EXPECT_THAT(d.at("description").get<std::string>(), HasSubstr("Fluid limit"));
    EXPECT_THAT(d.at("description").get<std::string>(), Not(HasSubstr(" ml over")));
  }
  EXPECT_TRUE(fluids);

  const Json cards = Json::parse(BuildCards(Kb(), a, links, Options()).dump());
  const std::string detail = cards.at("cards")[0].at("detail");
  EXPECT_THAT(detail, HasSubstr("**Fluid limit:**"));
  EXPECT_THAT(detail, Not(HasSubstr("ml of oral rehydration")));
  bool flag_card = false;
  for (const Json& c : cards.at("cards")) {
    if (c.at("source").contains("topic")) flag_card |= c.at("source").at("topic").at("code") == "dehydration_high_risk";
  }
  EXPECT_TRUE(flag_card);
}

TEST(FhirV2Test, TopicalMedicinesAndSickDayCardsInCarePlanAndCards) {
  const Assessment a = testing::AssessFindings(
      R"("age_years": 45, "weight_kg": 80, "back_pain": true, "diabetes": "insulin", "gi_ongoing": true,
         "vomits_24h": 2, "stools_24h": 2)");
  ASSERT_NE(testing::Med(a, "ibuprofen_gel"), nullptr);
  ASSERT_NE(testing::Med(a, "menthol_rub"), nullptr);
  ASSERT_NE(testing::Med(a, "insulin_sick_day"), nullptr);
  EXPECT_EQ(testing::Med(a, "insulin_sick_day")->advice, Advice::kReview);
  const ResourceLinks links = LinksFor(ResponseContext{}, "");
  const Json plan = Json::parse(BuildCarePlan(a, links, Options()).dump());
  std::map<std::string, Json> meds;
  for (const Json& act : plan.at("activity")) {
    const Json& d = act.at("detail");
    if (!d.contains("code")) continue;
    for (const Json& c : d.at("code").value("coding", Json::array())) {
      if (c.at("system") == kMedicineSystem) meds[c.at("code").get<std::string>()] = d;
    }
  }
  for (const char* id : {"ibuprofen_gel", "menthol_rub", "insulin_sick_day"}) {
    ASSERT_TRUE(meds.count(id)) << id << " in " << plan.dump();
    EXPECT_FALSE(meds[id].contains("dailyAmount")) << id;  // no dose
  }
  const std::string gel_reason(testing::Med(a, "ibuprofen_gel")->reasons.back());
  EXPECT_THAT(meds["ibuprofen_gel"].at("description").get<std::string>(), HasSubstr(gel_reason));

  const Json cards = Json::parse(BuildCards(Kb(), a, links, Options()).dump());
  const std::string detail = cards.at("cards")[0].at("detail");
  for (const MedicineResult& m : a.medicines) {
    EXPECT_THAT(detail, HasSubstr(std::string(m.name))) << m.id;
  }
  EXPECT_THAT(detail, HasSubstr("review"));
  // Every reason of the rub (its notes come last) is in the card.
  for (std::string_view r : testing::Med(a, "menthol_rub")->reasons) {
    EXPECT_THAT(detail, HasSubstr(std::string(r).substr(0, 20))) << r;
  }
}

}  // namespace
}  // namespace norotriage::fhir
