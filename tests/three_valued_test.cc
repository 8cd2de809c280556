// Three-valued reasoning through the public API: an unknown finding is never
// taken as "no". A rule fires only when its condition is true; what is still
// unknown either keeps a medicine at 'caution' or is asked in `unanswered`.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "assess_test_util.h"
#include "norotriage/assessment.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"

namespace norotriage {
namespace {

using testing::AssessFindings;
using testing::HasFlag;
using testing::Kb;
using testing::Med;


bool HasMechanism(const Assessment& a, std::string_view id) {
  return std::any_of(a.mechanisms.begin(), a.mechanisms.end(),
                     [&](const MechanismHit& m) { return m.id == id; });
}

const UnansweredItem* Unanswered(const Assessment& a, std::string_view finding) {
  for (const auto& u : a.unanswered) {
    if (u.finding == finding) return &u;
  }
  return nullptr;
}

bool Contains(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(ThreeValuedTest, UnknownRedFlagIsNotNoButIsAsked) {
  const Assessment a = AssessFindings(R"("age_years": 40, "back_pain": true)");
  EXPECT_FALSE(HasFlag(a, "cauda_equina"));
  EXPECT_EQ(a.disposition, Level::kSelfCare);
  const UnansweredItem* u = Unanswered(a, "saddle_numbness");
  ASSERT_NE(u, nullptr) << "saddle_numbness is not asked";
  EXPECT_EQ(u->could_reach, Level::kEmergency);
  EXPECT_TRUE(Contains(u->for_flags, "cauda_equina"));
  EXPECT_FALSE(u->question.empty());

  // Answered: yes fires the flag; no removes the question.
  const Assessment yes = AssessFindings(R"("age_years": 40, "back_pain": true, "saddle_numbness": true)");
  EXPECT_TRUE(HasFlag(yes, "cauda_equina"));
  EXPECT_EQ(yes.disposition, Level::kEmergency);
  const Assessment no = AssessFindings(R"("age_years": 40, "back_pain": true, "saddle_numbness": false)");
  EXPECT_FALSE(HasFlag(no, "cauda_equina"));
  EXPECT_EQ(Unanswered(no, "saddle_numbness"), nullptr);
}

TEST(ThreeValuedTest, UnknownBackPainKeepsTheRedFlagOpen) {
  // saddle_numbness alone cannot fire cauda_equina, but back_pain unknown
  // keeps it possible: back_pain is asked, at emergency level.
  const Assessment a = AssessFindings(R"("age_years": 40, "saddle_numbness": true)");
  EXPECT_FALSE(HasFlag(a, "cauda_equina"));
  const UnansweredItem* u = Unanswered(a, "back_pain");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->could_reach, Level::kEmergency);
}

// Every avoid-condition of ibuprofen answered "no", and no caution-condition.
constexpr std::string_view kIbuprofenAllClear =
    R"("age_years": 30, "sex": "male", "dry_mouth": false, "keeps_fluids_down": true,)"
    R"( "ulcer_or_gi_bleed": false, "anticoagulant": false, "heart_failure": false,)"
    R"( "asthma_worse_with_nsaids": false, "bp_or_water_tablets": false, "gi_ongoing": false,)"
    R"( "asthma": false, "heavy_alcohol": false, "lithium": false, "regular_nsaid": false,)"
    R"( "steroid_dependent": false)";

TEST(ThreeValuedTest, IbuprofenIsCautionWhileAnAvoidConditionIsUnknown) {
  const std::string clear(kIbuprofenAllClear);
  const Assessment unknown = AssessFindings(clear);
  const MedicineResult* ibu = Med(unknown, "ibuprofen");
  ASSERT_NE(ibu, nullptr);
  EXPECT_TRUE(unknown.hydration.assessed);
  EXPECT_EQ(ibu->advice, Advice::kCaution) << "kidney_disease is unknown";
  EXPECT_TRUE(std::any_of(ibu->reasons.begin(), ibu->reasons.end(), [](std::string_view r) {
    return r.find("kidney disease") != std::string_view::npos;
  })) << "the reason asks about kidney disease";
  EXPECT_TRUE(ibu->dose.has_value()) << "caution still gives a dose";

  const Assessment no = AssessFindings(clear + R"(, "kidney_disease": false)");
  ASSERT_NE(Med(no, "ibuprofen"), nullptr);
  EXPECT_EQ(Med(no, "ibuprofen")->advice, Advice::kOk);

  const Assessment yes = AssessFindings(clear + R"(, "kidney_disease": true)");
  ASSERT_NE(Med(yes, "ibuprofen"), nullptr);
  EXPECT_EQ(Med(yes, "ibuprofen")->advice, Advice::kAvoid);
}

TEST(ThreeValuedTest, IbuprofenIsCautionWhenHydrationIsNotAssessed) {
  // The same answers, but no hydration sign at all: hydration is unknown.
  std::string clear(kIbuprofenAllClear);
  clear.replace(clear.find(R"( "dry_mouth": false,)"), std::string_view(R"( "dry_mouth": false,)").size(), "");
  const Assessment a = AssessFindings(clear + R"(, "kidney_disease": false)");
  EXPECT_FALSE(a.hydration.assessed);
  ASSERT_NE(Med(a, "ibuprofen"), nullptr);
  EXPECT_EQ(Med(a, "ibuprofen")->advice, Advice::kCaution);
}

TEST(ThreeValuedTest, HydrationNotAssessedWithoutAnySign) {
  const Assessment a = AssessFindings(R"("age_years": 30, "weight_kg": 70, "back_pain": true)");
  EXPECT_FALSE(a.hydration.assessed);
  EXPECT_EQ(a.hydration.status, HydrationStatus::kNone);
  EXPECT_EQ(a.hydration.plan, 'A');
  EXPECT_TRUE(a.hydration.because.empty());
  // The hydration signs are asked.
  EXPECT_NE(Unanswered(a, "alertness"), nullptr);
  EXPECT_NE(Unanswered(a, "cold_mottled_skin"), nullptr);

  // One sign known, even "no", makes it assessed.
  const Assessment b = AssessFindings(R"("age_years": 30, "sunken_eyes": false)");
  EXPECT_TRUE(b.hydration.assessed);
  EXPECT_EQ(b.hydration.status, HydrationStatus::kNone);
  // A known weight loss counts as a sign too.
  const Assessment c = AssessFindings(R"("age_years": 30, "weight_kg": 69, "pre_illness_weight_kg": 70)");
  EXPECT_TRUE(c.hydration.assessed);
}

TEST(ThreeValuedTest, SumIsTrueWhenTheKnownPartAlreadyDecides) {
  struct Case {
    std::string findings;
    bool fluid_loss;
  };
  // fluid_loss: leg_aches and (hydration not none or vomits_24h + stools_24h >= 4
  // or leg_cramps). leg_cramps is false and hydration is not assessed, so only
  // the sum can make it true.
  const Case cases[] = {
      {R"("age_years": 30, "leg_aches": true, "leg_cramps": false, "vomits_24h": 4)", true},
      {R"("age_years": 30, "leg_aches": true, "leg_cramps": false, "stools_24h": 5)", true},
      {R"("age_years": 30, "leg_aches": true, "leg_cramps": false, "vomits_24h": 3)", false},
      {R"("age_years": 30, "leg_aches": true, "leg_cramps": false, "vomits_24h": 2, "stools_24h": 2)", true},
      {R"("age_years": 30, "leg_aches": true, "leg_cramps": false, "vomits_24h": 2, "stools_24h": 1)", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.findings);
    EXPECT_EQ(HasMechanism(AssessFindings(c.findings), "fluid_loss"), c.fluid_loss);
  }
}

TEST(ThreeValuedTest, UnansweredIsOrderedByTheLevelItCouldReach) {
  const Assessment a = AssessFindings(R"("age_years": 30, "back_pain": true, "leg_aches": true)");
  ASSERT_FALSE(a.unanswered.empty());
  bool seen[4] = {false, false, false, false};
  for (size_t i = 0; i < a.unanswered.size(); ++i) {
    seen[static_cast<int>(a.unanswered[i].could_reach)] = true;
    EXPECT_GE(a.unanswered[i].could_reach, a.disposition) << a.unanswered[i].finding;
    if (i > 0) {
      EXPECT_GE(a.unanswered[i - 1].could_reach, a.unanswered[i].could_reach)
          << a.unanswered[i - 1].finding << " is listed before " << a.unanswered[i].finding;
    }
  }
  EXPECT_TRUE(seen[static_cast<int>(Level::kEmergency)]);
  EXPECT_TRUE(seen[static_cast<int>(Level::kUrgent)]);
  EXPECT_TRUE(seen[static_cast<int>(Level::kRoutine)]);
  // A finding is listed once, at the highest level it could reach.
  for (size_t i = 0; i < a.unanswered.size(); ++i) {
    for (size_t j = i + 1; j < a.unanswered.size(); ++j) {
      EXPECT_NE(a.unanswered[i].finding, a.unanswered[j].finding);
    }
  }
  // saddle_numbness (cauda_equina) reaches emergency; back_pain_days
  // (persistent_back_pain) only routine.
  ASSERT_NE(Unanswered(a, "saddle_numbness"), nullptr);
  EXPECT_EQ(Unanswered(a, "saddle_numbness")->could_reach, Level::kEmergency);
  ASSERT_NE(Unanswered(a, "back_pain_days"), nullptr);
  EXPECT_EQ(Unanswered(a, "back_pain_days")->could_reach, Level::kRoutine);
}

TEST(ThreeValuedTest, UnansweredOnlyAsksWhatCouldRaiseTheDisposition) {
  // Already an emergency: nothing can raise it, so no flag question is asked.
  const Assessment a = AssessFindings(R"("age_years": 30, "seizure": true, "back_pain": true)");
  EXPECT_EQ(a.disposition, Level::kEmergency);
  for (const auto& u : a.unanswered) EXPECT_TRUE(u.for_flags.empty()) << u.finding;
}

TEST(ThreeValuedTest, MaleIsNotAskedAboutPregnancy) {
  // Some dehydration in an adult: dehydration_high_risk could still fire
  // through a risk factor, pregnancy among them, but not for a male.
  const std::string some = R"("age_years": 30, "dry_mouth": true, "dark_urine": true)";
  const Assessment male = AssessFindings(some + R"(, "sex": "male")");
  EXPECT_EQ(Unanswered(male, "pregnancy_weeks"), nullptr);
  EXPECT_NE(Unanswered(male, "kidney_disease"), nullptr) << "the other risk factors are asked";
  EXPECT_FALSE(HasFlag(male, "dehydration_high_risk"));

  const Assessment female = AssessFindings(some + R"(, "sex": "female")");
  const UnansweredItem* u = Unanswered(female, "pregnancy_weeks");
  ASSERT_NE(u, nullptr);
  EXPECT_GE(u->could_reach, Level::kUrgent);  // v2: early pregnancy can reach ectopic_rupture
  EXPECT_TRUE(Contains(u->for_flags, "dehydration_high_risk"));

  // Unknown sex: pregnancy is possible, so it is asked.
  EXPECT_NE(Unanswered(AssessFindings(some), "pregnancy_weeks"), nullptr);
}

TEST(ThreeValuedTest, MaleIbuprofenDoesNotAskAboutPregnancy) {
  auto asks_pregnancy = [](const Assessment& a) {
    const MedicineResult* ibu = Med(a, "ibuprofen");
    if (ibu == nullptr) return false;
    return std::any_of(ibu->reasons.begin(), ibu->reasons.end(), [](std::string_view r) {
      return r.find("pregnant") != std::string_view::npos;
    });
  };
  EXPECT_FALSE(asks_pregnancy(AssessFindings(R"("age_years": 30, "sex": "male")")));
  EXPECT_TRUE(asks_pregnancy(AssessFindings(R"("age_years": 30, "sex": "female")")));
  EXPECT_TRUE(asks_pregnancy(AssessFindings(R"("age_years": 30)")));
  // A known pregnancy is avoid, whatever else is unknown.
  const Assessment p = AssessFindings(R"("age_years": 30, "sex": "female", "pregnancy_weeks": 12)");
  ASSERT_NE(Med(p, "ibuprofen"), nullptr);
  EXPECT_EQ(Med(p, "ibuprofen")->advice, Advice::kAvoid);
}

TEST(ThreeValuedTest, NotOfUnknownIsUnknown) {
  // kidney_infection: back_pain_site = flank and fever. "not fever" is
  // unknown with the temperature unknown, so a flag that reads it does not
  // fire; the policy's fallbacks use "is not true" instead (below).
  EXPECT_FALSE(HasFlag(AssessFindings(R"("age_years": 30, "back_pain": true, "back_pain_site": "flank")"),
                       "kidney_infection"));
}

TEST(ThreeValuedTest, IsNotTrueFiresWhenNotAsked) {
  // urinary_infection: urinary_symptoms and (fever is not true). With the
  // temperature unknown the fallback fires; a fever turns it into upper_uti.
  EXPECT_TRUE(HasFlag(AssessFindings(R"("age_years": 30, "urinary_symptoms": true)"), "urinary_infection"));
  EXPECT_TRUE(HasFlag(AssessFindings(R"("age_years": 30, "urinary_symptoms": true, "temperature_c": 37)"),
                      "urinary_infection"));
  const Assessment fever = AssessFindings(R"("age_years": 30, "urinary_symptoms": true, "temperature_c": 38.5)");
  EXPECT_FALSE(HasFlag(fever, "urinary_infection"));
  EXPECT_TRUE(HasFlag(fever, "upper_uti"));
}

}  // namespace
}  // namespace norotriage
