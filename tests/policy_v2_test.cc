// Policy v2 (../shared/spec/policy.md): every new flag on both sides of its
// boundary, who a finding applies to, the medicines' new rules, the fluid
// limit, and `X is not true` fallbacks. Table-driven: {findings, flag, fires}.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "assess_test_util.h"

namespace norotriage::testing {
namespace {

struct FlagCase {
  const char* findings;
  const char* flag;
  bool fires;
};

// Each boundary is tested just below and at (or just above) its threshold.
const FlagCase kFlagCases[] = {
    // young_baby_fever: age_years < 0.25 and fever.
    {R"("age_years": 0.24, "temperature_c": 38.0)", "young_baby_fever", true},
    {R"("age_years": 0.25, "temperature_c": 38.0)", "young_baby_fever", false},
    {R"("age_years": 0.1, "temperature_c": 37.9)", "young_baby_fever", false},
    {R"("age_years": 0.1)", "young_baby_fever", false},
    // low_temperature: temperature_c < 36.
    {R"("age_years": 40, "temperature_c": 35.9)", "low_temperature", true},
    {R"("age_years": 40, "temperature_c": 36.0)", "low_temperature", false},
    // ketones_rising >= 1.6 (urgent), dka > 3 (emergency).
    {R"("age_years": 40, "diabetes": "insulin", "ketones_mmol": 1.5)", "ketones_rising", false},
    {R"("age_years": 40, "diabetes": "insulin", "ketones_mmol": 1.6)", "ketones_rising", true},
    {R"("age_years": 40, "diabetes": "none", "sglt2_inhibitor": true, "ketones_mmol": 1.6)", "ketones_rising", true},
    {R"("age_years": 40, "diabetes": "no_insulin", "ketones_mmol": 3.0)", "dka", false},
    {R"("age_years": 40, "diabetes": "no_insulin", "ketones_mmol": 3.1)", "dka", true},
    {R"("age_years": 40, "diabetes": "insulin", "vomits_24h": 1, "deep_fast_breathing": true)", "dka", true},
    {R"("age_years": 40, "diabetes": "insulin", "vomits_24h": 0, "keeps_fluids_down": true, "deep_fast_breathing": true)", "dka", false},
    {R"("age_years": 40, "diabetes": "none", "vomits_24h": 3, "deep_fast_breathing": true)", "dka", false},
    {R"("age_years": 40, "diabetes": "insulin", "keeps_fluids_down": false)", "insulin_and_vomiting", true},
    {R"("age_years": 40, "diabetes": "no_insulin", "keeps_fluids_down": false)", "insulin_and_vomiting", false},
    {R"("age_years": 40, "sglt2_inhibitor": true, "vomits_24h": 1)", "sglt2_and_vomiting", true},
    // Pregnancy: early up to 13.9 weeks (< 14); the gel is avoided from 28 weeks.
    {R"("age_years": 30, "sex": "female", "pregnancy_weeks": 13.9, "fainted": true)", "ectopic_rupture", true},
    {R"("age_years": 30, "sex": "female", "pregnancy_weeks": 14, "fainted": true)", "ectopic_rupture", false},
    {R"("age_years": 30, "sex": "female", "could_be_pregnant": true, "abdominal_pain": "severe")", "ectopic_rupture", true},
    {R"("age_years": 56, "sex": "female", "could_be_pregnant": true, "abdominal_pain": "severe")", "ectopic_rupture", false},
    {R"("age_years": 55.9, "sex": "female", "could_be_pregnant": true, "sudden_severe_pain": true)", "ectopic_rupture", true},
    {R"("age_years": 9.9, "sex": "female", "could_be_pregnant": true, "sudden_severe_pain": true)", "ectopic_rupture", false},
    {R"("age_years": 10, "sex": "other", "could_be_pregnant": true, "sudden_severe_pain": true)", "ectopic_rupture", true},
    {R"("age_years": 30, "could_be_pregnant": true, "sudden_severe_pain": true)", "ectopic_rupture", false},  // sex unknown: unknown
    {R"("age_years": 25, "sex": "female", "could_be_pregnant": true, "vaginal_bleeding": true)", "possible_ectopic", true},
    {R"("age_years": 25, "sex": "female", "pregnancy_weeks": 13.9, "abdominal_pain": "cramps", "abdominal_pain_site": "lower_left")", "possible_ectopic", true},
    {R"("age_years": 25, "sex": "female", "pregnancy_weeks": 14, "abdominal_pain": "cramps", "abdominal_pain_site": "lower_left")", "possible_ectopic", false},
    {R"("age_years": 25, "sex": "female", "pregnancy_weeks": 14, "urinary_symptoms": true)", "uti_in_pregnancy", true},
    {R"("age_years": 25, "sex": "male", "urinary_symptoms": true)", "uti_in_pregnancy", false},
    // aortic_emergency: sudden severe pain at 50 or over, or with a faint.
    {R"("age_years": 49.9, "sudden_severe_pain": true)", "aortic_emergency", false},
    {R"("age_years": 50, "sudden_severe_pain": true)", "aortic_emergency", true},
    {R"("age_years": 30, "sudden_severe_pain": true, "fainted": true)", "aortic_emergency", true},
    {R"("age_years": 30, "sudden_severe_pain": true)", "sudden_severe_pain", true},
    // Tummy pain.
    {R"("age_years": 45, "abdominal_pain": "constant", "abdominal_pain_site": "top_middle", "abdominal_pain_to_back": true)", "pancreatitis", true},
    {R"("age_years": 45, "abdominal_pain": "cramps", "abdominal_pain_site": "top_middle", "abdominal_pain_to_back": true)", "pancreatitis", false},
    {R"("age_years": 45, "abdominal_pain": "constant", "abdominal_pain_site": "top_middle", "back_pain": true, "back_pain_site": "middle")", "pancreatitis", true},
    {R"("age_years": 20, "abdominal_pain": "constant", "abdominal_pain_site": "lower_right")", "appendicitis", true},
    {R"("age_years": 20, "abdominal_pain": "constant")", "constant_abdominal_pain", true},
    {R"("age_years": 20, "abdominal_pain": "cramps")", "constant_abdominal_pain", false},
    {R"("age_years": 20, "abdominal_pain": "constant", "abdominal_pain_worse_moving": true)", "severe_abdominal_pain", true},
    {R"("age_years": 20, "abdominal_pain": "constant", "abdominal_pain_site": "all_over")", "severe_abdominal_pain", true},
    {R"("age_years": 20, "abdominal_pain": "severe")", "severe_abdominal_pain", true},
    {R"("age_years": 0.9, "green_vomit": true)", "bowel_obstruction", true},
    {R"("age_years": 1, "green_vomit": true)", "bowel_obstruction", false},
    {R"("age_years": 30, "green_vomit": true, "swollen_tummy": true)", "bowel_obstruction", true},
    // Blood.
    {R"("age_years": 30, "vomit_blood": true, "dizzy_on_standing": true)", "gut_bleed", true},
    {R"("age_years": 30, "vomit_blood": true)", "vomiting_blood", true},
    {R"("age_years": 4, "blood_in_stool": true, "hours_since_urine": 11.9)", "hus_signs", false},
    {R"("age_years": 4, "blood_in_stool": true, "hours_since_urine": 12)", "hus_signs", true},
    {R"("age_years": 4, "blood_in_stool": true, "urinations_24h": 1)", "hus_signs", true},
    {R"("age_years": 4, "blood_in_stool": true, "urinations_24h": 2)", "hus_signs", false},
    // Medicines and long-term conditions.
    {R"("age_years": 60, "chemotherapy_recent": true, "temperature_c": 35.9)", "neutropenic_sepsis", true},
    {R"("age_years": 60, "chemotherapy_recent": true, "temperature_c": 37.9)", "neutropenic_sepsis", false},
    {R"("age_years": 60, "chemotherapy_recent": true, "stools_24h": 1)", "chemo_and_gut_upset", true},
    {R"("age_years": 60, "steroid_dependent": true, "vomits_24h": 1)", "adrenal_crisis", false},
    {R"("age_years": 60, "steroid_dependent": true, "vomits_24h": 2)", "adrenal_crisis", true},
    {R"("age_years": 60, "steroid_dependent": true, "vomits_24h": 1)", "steroid_sick_day", true},
    {R"("age_years": 60, "lithium": true, "shaky_or_unsteady": true)", "lithium_toxicity", true},
    {R"("age_years": 60, "lithium": true, "gi_ongoing": true, "days_since_onset": 0.9)", "lithium_and_gut_upset", false},
    {R"("age_years": 60, "lithium": true, "gi_ongoing": true, "days_since_onset": 1)", "lithium_and_gut_upset", true},
    // Fever.
    {R"("age_years": 60, "immunosuppressed": true, "temperature_c": 38.0)", "immunosuppressed_fever", true},
    {R"("age_years": 30, "temperature_c": 38.0, "back_pain": true, "back_pain_score": 7.9)", "severe_pain_with_fever", false},
    {R"("age_years": 30, "temperature_c": 38.0, "back_pain": true, "back_pain_score": 8)", "severe_pain_with_fever", true},
    {R"("age_years": 30, "temperature_c": 37.9, "shivering_severe": true)", "severe_pain_with_fever", false},
    {R"("age_years": 30, "urinary_symptoms": true, "shivering_severe": true)", "upper_uti", true},
    {R"("age_years": 30, "urinary_symptoms": true, "temperature_c": 35.9)", "upper_uti", true},
    {R"("age_years": 30, "back_pain": true, "temperature_c": 38.0, "gi_ongoing": false)", "back_pain_fever_after_bug", true},
    {R"("age_years": 30, "back_pain": true, "temperature_c": 38.0, "gi_ongoing": true, "days_since_onset": 3)", "back_pain_fever_after_bug", false},
    {R"("age_years": 30, "back_pain": true, "temperature_c": 38.0, "gi_ongoing": true, "days_since_onset": 3.1)", "back_pain_fever_after_bug", true},
    {R"("age_years": 30, "back_pain": true, "temperature_c": 38.0, "diabetes": "no_insulin")", "spinal_infection", true},
    // Back.
    {R"("age_years": 30, "back_pain": true, "back_pain_site": "upper")", "upper_back_pain", true},
    {R"("age_years": 49.9, "back_pain": true, "back_pain_at_night": true)", "night_pain_with_risk", false},
    {R"("age_years": 50, "back_pain": true, "back_pain_at_night": true)", "night_pain_with_risk", true},
    {R"("age_years": 30, "back_pain": true, "back_pain_score": 8, "back_pain_days": 2.9)", "severe_pain_persisting", false},
    {R"("age_years": 30, "back_pain": true, "back_pain_score": 8, "back_pain_days": 3)", "severe_pain_persisting", true},
    {R"("age_years": 30, "leg_aches": true, "leg_aches_score": 8, "leg_aches_days": 3)", "severe_pain_persisting", true},
    // Testicle pain: a finding for anyone who is not female.
    {R"("age_years": 14, "testicle_pain": true)", "testicular_torsion", true},
    // `X is not true`: the fallback fires when no temperature was taken.
    {R"("age_years": 30, "urinary_symptoms": true)", "urinary_infection", true},
    {R"("age_years": 30, "urinary_symptoms": true, "temperature_c": 37.9)", "urinary_infection", true},
    {R"("age_years": 30, "urinary_symptoms": true, "temperature_c": 38.0)", "urinary_infection", false},
    {R"("age_years": 30, "joint_swelling": true)", "possible_reactive_arthritis", true},
    {R"("age_years": 30, "joint_swelling": true, "temperature_c": 38.0)", "possible_reactive_arthritis", false},
    // dehydration_high_risk reads the status "some" only (policy v2).
    {R"("age_years": 80, "dry_mouth": true, "dark_urine": true)", "dehydration_high_risk", true},
    {R"("age_years": 80, "cold_mottled_skin": true)", "dehydration_high_risk", false},
    {R"("age_years": 30, "dry_mouth": true, "dark_urine": true, "diabetes": "insulin")", "dehydration_high_risk", true},
};

TEST(PolicyV2Test, FlagBoundaries) {
  for (const auto& c : kFlagCases) {
    const Assessment a = AssessFindings(c.findings);
    EXPECT_EQ(HasFlag(a, c.flag), c.fires) << c.flag << " on {" << c.findings << "}";
  }
}

// A finding that does not apply is never unanswered, and reads as `otherwise`.
TEST(PolicyV2Test, FindingsThatDoNotApplyAreNeverUnanswered) {
  struct Case {
    const char* findings;
    std::vector<const char*> never, maybe;  // never listed / may be listed
  } cases[] = {
      {R"("age_years": 40, "sex": "male", "abdominal_pain": "cramps", "dry_mouth": true)",
       {"tears_absent", "skin_pinch", "could_be_pregnant", "vaginal_bleeding", "shoulder_tip_pain", "pregnancy_weeks",
        "refuses_to_walk"},
       {"testicle_pain"}},
      {R"("age_years": 40, "sex": "female", "abdominal_pain": "cramps", "dry_mouth": true)",
       {"tears_absent", "skin_pinch", "testicle_pain", "refuses_to_walk"},
       {"could_be_pregnant"}},
      {R"("age_years": 60, "sex": "female", "abdominal_pain": "cramps")",
       {"could_be_pregnant", "vaginal_bleeding", "shoulder_tip_pain", "testicle_pain"},
       {}},
      {R"("age_years": 2, "dry_mouth": true)", {}, {"tears_absent", "skin_pinch"}},
  };
  for (const auto& c : cases) {
    const Assessment a = AssessFindings(c.findings);
    for (const char* id : c.never) {
      for (const auto& u : a.unanswered) EXPECT_NE(u.finding, id) << "{" << c.findings << "}";
    }
    for (const char* id : c.maybe) {
      bool listed = false;
      for (const auto& u : a.unanswered) listed = listed || u.finding == id;
      EXPECT_TRUE(listed) << id << " should be asked for {" << c.findings << "}";
    }
  }
}

TEST(PolicyV2Test, FindingThatDoesNotApplyIsNotABecauseOrAssessment) {
  // An adult's hydration is not "assessed" by tears and skin pinch read as
  // otherwise, and they are not its reasons.
  Assessment a = AssessFindings(R"("age_years": 40, "back_pain": true)");
  EXPECT_FALSE(a.hydration.assessed);
  a = AssessFindings(R"("age_years": 40, "dry_mouth": true)");
  EXPECT_TRUE(a.hydration.assessed);
  for (auto id : a.hydration.because) {
    EXPECT_NE(id, "tears_absent");
    EXPECT_NE(id, "skin_pinch");
  }
  // A given value always counts, even where the finding does not apply.
  a = AssessFindings(R"("age_years": 40, "tears_absent": true, "dry_mouth": true)");
  EXPECT_EQ(a.hydration.status, HydrationStatus::kSome);
}

TEST(PolicyV2Test, MedicineAgeFloorsAndNewAvoids) {
  // Paracetamol: avoid under two months, no dose.
  Assessment a = AssessFindings(R"("age_years": 0.16, "weight_kg": 4.5)");
  ASSERT_NE(Med(a, "paracetamol"), nullptr);
  EXPECT_EQ(Med(a, "paracetamol")->advice, Advice::kAvoid);
  EXPECT_FALSE(Med(a, "paracetamol")->dose.has_value());
  a = AssessFindings(R"("age_years": 0.17, "weight_kg": 4.5)");
  EXPECT_NE(Med(a, "paracetamol")->advice, Advice::kAvoid);
  // Ibuprofen: avoid under 3 months, with lithium or another NSAID.
  EXPECT_EQ(Med(AssessFindings(R"("age_years": 0.24, "weight_kg": 6)"), "ibuprofen")->advice, Advice::kAvoid);
  EXPECT_EQ(Med(AssessFindings(R"("age_years": 30, "lithium": true)"), "ibuprofen")->advice, Advice::kAvoid);
  EXPECT_EQ(Med(AssessFindings(R"("age_years": 30, "regular_nsaid": true)"), "ibuprofen")->advice, Advice::kAvoid);
  EXPECT_EQ(Med(AssessFindings(R"("age_years": 10, "weight_kg": 4.9)"), "ibuprofen")->advice, Advice::kAvoid);
  // Unknown avoid-conditions leave it at caution, never ok.
  EXPECT_EQ(Med(AssessFindings(R"("age_years": 30)"), "ibuprofen")->advice, Advice::kCaution);
}

TEST(PolicyV2Test, TopicalsListedWithBackOrLegPainOnly) {
  Assessment a = AssessFindings(R"("age_years": 30, "gi_ongoing": true)");
  EXPECT_EQ(Med(a, "ibuprofen_gel"), nullptr);
  EXPECT_EQ(Med(a, "menthol_rub"), nullptr);
  for (const char* pain : {R"("leg_cramps": true)", R"("back_pain": true)", R"("leg_aches": true)"}) {
    a = AssessFindings(std::string(R"("age_years": 30, "sex": "male", "asthma": false, "asthma_worse_with_nsaids": false, "kidney_disease": false, "anticoagulant": false, )") + pain);
    ASSERT_NE(Med(a, "ibuprofen_gel"), nullptr) << pain;
    EXPECT_EQ(Med(a, "ibuprofen_gel")->advice, Advice::kOk) << pain;
    EXPECT_FALSE(Med(a, "ibuprofen_gel")->dose.has_value());
    ASSERT_NE(Med(a, "menthol_rub"), nullptr) << pain;
    EXPECT_EQ(Med(a, "menthol_rub")->advice, Advice::kOk) << pain;
  }
  // Gel: avoid from 28 weeks and under 12; caution when pregnancy is unknown.
  const char* base = R"("age_years": 30, "sex": "female", "back_pain": true, "asthma_worse_with_nsaids": false, )";
  EXPECT_EQ(Med(AssessFindings(std::string(base) + R"("pregnancy_weeks": 27.9)"), "ibuprofen_gel")->advice, Advice::kCaution);
  EXPECT_EQ(Med(AssessFindings(std::string(base) + R"("pregnancy_weeks": 28)"), "ibuprofen_gel")->advice, Advice::kAvoid);
  EXPECT_EQ(Med(AssessFindings(std::string(base) + R"("could_be_pregnant": false)"), "ibuprofen_gel")->advice, Advice::kCaution);
  EXPECT_EQ(Med(AssessFindings(R"("age_years": 11.9, "back_pain": true, "asthma_worse_with_nsaids": false)"), "ibuprofen_gel")->advice,
            Advice::kAvoid);
  EXPECT_EQ(Med(AssessFindings(R"("age_years": 15, "back_pain": true)"), "menthol_rub")->advice, Advice::kCaution);
}

TEST(PolicyV2Test, SickDayCards) {
  struct Case { const char* findings; const char* card; bool listed; } cases[] = {
      {R"("age_years": 50, "diabetes": "insulin", "stools_24h": 2)", "insulin_sick_day", true},
      {R"("age_years": 50, "diabetes": "no_insulin", "stools_24h": 2)", "insulin_sick_day", false},
      {R"("age_years": 50, "steroid_dependent": true, "temperature_c": 38.0)", "steroid_sick_day", true},
      {R"("age_years": 50, "steroid_dependent": true)", "steroid_sick_day", false},
      {R"("age_years": 50, "lithium": true, "gi_ongoing": true)", "lithium_sick_day", true},
      {R"("age_years": 50, "sglt2_inhibitor": true, "gi_ongoing": true)", "sick_day_rules", true},
      {R"("age_years": 50, "sglt2_inhibitor": true, "gi_ongoing": false)", "sick_day_rules", false},
  };
  for (const auto& c : cases) {
    const Assessment a = AssessFindings(c.findings);  // Med() borrows from it
    const MedicineResult* m = Med(a, c.card);
    EXPECT_EQ(m != nullptr, c.listed) << c.card << " on {" << c.findings << "}";
    if (m) {
      EXPECT_EQ(m->advice, Advice::kReview);
    }
  }
}

TEST(PolicyV2Test, FluidLimitGivesNoVolume) {
  Assessment a = AssessFindings(R"("age_years": 70, "weight_kg": 70, "dry_mouth": true, "dark_urine": true, "heart_failure": true)");
  EXPECT_EQ(a.hydration.plan, 'B');
  EXPECT_TRUE(a.hydration.fluid_limit);
  EXPECT_FALSE(a.hydration.ors_ml.has_value());
  EXPECT_FALSE(a.hydration.ors_ml_range.has_value());
  EXPECT_TRUE(HasFlag(a, "dehydration_high_risk"));
  a = AssessFindings(R"("age_years": 70, "dry_mouth": true, "dark_urine": true, "kidney_disease": true)");
  EXPECT_TRUE(a.hydration.fluid_limit);
  EXPECT_FALSE(a.hydration.ors_ml_range.has_value());
  // Unknown heart and kidney: the volume stands.
  a = AssessFindings(R"("age_years": 70, "weight_kg": 70, "dry_mouth": true, "dark_urine": true)");
  EXPECT_FALSE(a.hydration.fluid_limit);
  EXPECT_EQ(a.hydration.ors_ml, 4000);
}

TEST(PolicyV2Test, WeightLossAtExactlyFivePercentIsSome) {
  // 26.6 of 28 kg is 5 % exactly, though (28 - 26.6) is not exact in binary.
  Assessment a = AssessFindings(R"("age_years": 63, "weight_kg": 26.6, "pre_illness_weight_kg": 28)");
  EXPECT_EQ(a.hydration.status, HydrationStatus::kSome);
  a = AssessFindings(R"("age_years": 63, "weight_kg": 25.2, "pre_illness_weight_kg": 28)");
  EXPECT_EQ(a.hydration.status, HydrationStatus::kSevere);
}

}  // namespace
}  // namespace norotriage::testing
