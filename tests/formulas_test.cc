// The numbers of the fluid plans, maintenance fluid, weight loss and doses,
// and the boundary of every threshold, with worked figures, through the
// public API: request JSON -> ParseRequest -> Assess -> Assessment fields.
// The expected values are computed by hand from spec/policy.md.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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


// Two hydration signs of policy 'some' and nothing else: hydration status some.
constexpr std::string_view kSomeDehydration = R"("dry_mouth": true, "dark_urine": true)";

// ---------------------------------------------------------------- plan B

struct OrsCase {
  std::string findings;
  std::optional<int> ors_ml;
  std::optional<Range> ors_ml_range;
};

TEST(FormulasTest, PlanBOrsByWeightOrAge) {
  const std::string some(kSomeDehydration);
  const OrsCase cases[] = {
      // 75 ml/kg, to the nearest 10 ml: 13.3 kg -> 997.5 -> 1000.
      {R"("age_years": 3, "weight_kg": 13.3, )" + some, 1000, std::nullopt},
      // 14 kg -> 1050 exactly.
      {R"("age_years": 3, "weight_kg": 14, )" + some, 1050, std::nullopt},
      // 70 kg -> 5250, capped at 4000.
      {R"("age_years": 30, "weight_kg": 70, )" + some, 4000, std::nullopt},
      // 53.4 kg -> 4005, capped at 4000.
      {R"("age_years": 30, "weight_kg": 53.4, )" + some, 4000, std::nullopt},
      // Without weight, the WHO age table.
      {R"("age_years": 1.5, )" + some, std::nullopt, Range{600, 800}},
      {R"("age_years": 3, )" + some, std::nullopt, Range{800, 1200}},
      {R"("age_years": 7, )" + some, std::nullopt, Range{1200, 2200}},
      {R"("age_years": 20, )" + some, std::nullopt, Range{2200, 4000}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.findings);
    const Assessment a = AssessFindings(c.findings);
    EXPECT_EQ(a.hydration.status, HydrationStatus::kSome);
    EXPECT_TRUE(a.hydration.assessed);
    EXPECT_EQ(a.hydration.plan, 'B');
    EXPECT_EQ(a.hydration.over_hours, 4);
    EXPECT_EQ(a.hydration.ors_ml, c.ors_ml);
    EXPECT_EQ(a.hydration.ors_ml_range, c.ors_ml_range);
    EXPECT_FALSE(a.hydration.iv.has_value());
  }
}

// ---------------------------------------------------------------- plan A

TEST(FormulasTest, PlanAPerLooseStoolByAge) {
  struct Case {
    double age;
    Range ml;
  };
  const Case cases[] = {
      {1.5, {50, 100}},    // under 2
      {2, {100, 200}},     // 2 to under 10
      {9.9, {100, 200}},
      {10, {200, 400}},    // 10 and over
      {40, {200, 400}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.age);
    const Assessment a = AssessFindings(R"("dry_mouth": false, "age_years": )" + std::to_string(c.age));
    EXPECT_EQ(a.hydration.status, HydrationStatus::kNone);
    EXPECT_TRUE(a.hydration.assessed);
    EXPECT_EQ(a.hydration.plan, 'A');
    EXPECT_EQ(a.hydration.per_loose_stool_ml, c.ml);
    EXPECT_FALSE(a.hydration.ors_ml.has_value());
    EXPECT_FALSE(a.hydration.ors_ml_range.has_value());
  }
}

// ---------------------------------------------------------------- maintenance

TEST(FormulasTest, MaintenanceHollidaySegarAndAdultRate) {
  struct Case {
    std::string findings;
    int ml_per_day;
  };
  const Case cases[] = {
      {R"("age_years": 1, "weight_kg": 8)", 800},       // 8 x 100
      {R"("age_years": 3, "weight_kg": 15)", 1250},     // 10 x 100 + 5 x 50
      {R"("age_years": 9, "weight_kg": 30)", 1700},     // 1000 + 500 + 10 x 20
      {R"("age_years": 15.9, "weight_kg": 50)", 2100},  // under 16: 1000 + 500 + 30 x 20
      {R"("age_years": 16, "weight_kg": 50)", 1500},    // 16 and over: 30 x 50
      {R"("age_years": 40, "weight_kg": 70)", 2100},    // 30 x 70
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.findings);
    EXPECT_EQ(AssessFindings(c.findings).hydration.maintenance_ml_per_day, c.ml_per_day);
  }
  EXPECT_FALSE(AssessFindings(R"("age_years": 40)").hydration.maintenance_ml_per_day.has_value());
}

// ---------------------------------------------------------------- plan C

TEST(FormulasTest, PlanCIvFiguresByWeight) {
  const Assessment a = AssessFindings(R"("age_years": 6, "weight_kg": 20, "cold_mottled_skin": true)");
  EXPECT_EQ(a.hydration.status, HydrationStatus::kSevere);
  EXPECT_EQ(a.hydration.plan, 'C');
  ASSERT_TRUE(a.hydration.iv.has_value());
  EXPECT_EQ(a.hydration.iv->total_ml, 2000);   // 100 ml/kg
  EXPECT_EQ(a.hydration.iv->first_ml, 600);    // 30 ml/kg
  EXPECT_EQ(a.hydration.iv->first_minutes, 30);
  EXPECT_EQ(a.hydration.iv->then_ml, 1400);    // 70 ml/kg
  EXPECT_DOUBLE_EQ(a.hydration.iv->then_hours, 2.5);
  EXPECT_FALSE(a.hydration.ors_ml.has_value());
  EXPECT_FALSE(a.hydration.per_loose_stool_ml.has_value());
  EXPECT_TRUE(HasFlag(a, "severe_dehydration"));
  EXPECT_EQ(a.disposition, Level::kEmergency);

  // Without weight: plan C, but no figures.
  const Assessment b = AssessFindings(R"("age_years": 6, "cold_mottled_skin": true)");
  EXPECT_EQ(b.hydration.plan, 'C');
  EXPECT_FALSE(b.hydration.iv.has_value());
}

// ---------------------------------------------------------------- weight loss

TEST(FormulasTest, WeightLossPercentSetsTheStatus) {
  struct Case {
    std::string findings;
    double percent;
    HydrationStatus status;
  };
  const Case cases[] = {
      {R"("age_years": 30, "pre_illness_weight_kg": 70, "weight_kg": 63)", 10.0, HydrationStatus::kSevere},
      {R"("age_years": 8, "pre_illness_weight_kg": 20, "weight_kg": 19)", 5.0, HydrationStatus::kSome},
      // 100 x 3.1 / 70 = 4.43 -> 4.4: none.
      {R"("age_years": 30, "pre_illness_weight_kg": 70, "weight_kg": 66.9)", 4.4, HydrationStatus::kNone},
      // Heavier than before: a negative loss, none.
      {R"("age_years": 30, "pre_illness_weight_kg": 70, "weight_kg": 71)", -1.4, HydrationStatus::kNone},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.findings);
    const Assessment a = AssessFindings(c.findings);
    ASSERT_TRUE(a.hydration.weight_loss_percent.has_value());
    EXPECT_DOUBLE_EQ(*a.hydration.weight_loss_percent, c.percent);
    EXPECT_EQ(a.hydration.status, c.status);
    EXPECT_TRUE(a.hydration.assessed);
  }
  // Only one of the two weights: no percentage.
  EXPECT_FALSE(AssessFindings(R"("age_years": 30, "weight_kg": 63)").hydration.weight_loss_percent.has_value());
}

// ---------------------------------------------------------------- doses

struct DoseCase {
  std::string name;
  std::string findings;
  std::string_view medicine;
  std::optional<Advice> advice;  // nullopt: not checked
  std::optional<Range> mg;       // nullopt: no dose
  int max_mg_per_24h;
};

TEST(FormulasTest, Doses) {
  const DoseCase cases[] = {
      // 15 mg/kg x 25 = 375, rounded down to 370; 60 mg/kg x 25 = 1500 a day.
      {"paracetamol child 25 kg", R"("age_years": 8, "weight_kg": 25)", "paracetamol",
       std::nullopt, Range{370, 370}, 1500},
      {"paracetamol adult 60 kg", R"("age_years": 30, "weight_kg": 60)", "paracetamol",
       std::nullopt, Range{500, 1000}, 4000},
      {"paracetamol adult, weight unknown", R"("age_years": 30)", "paracetamol", std::nullopt,
       Range{500, 1000}, 4000},
      // 16 and over but under 50 kg: by weight, 15 x 45 = 675 -> 670; 60 x 45 = 2700.
      {"paracetamol adult 45 kg", R"("age_years": 30, "weight_kg": 45)", "paracetamol",
       std::nullopt, Range{670, 670}, 2700},
      // Liver disease: caution, and at most 3 g a day.
      {"paracetamol liver disease",
       R"("age_years": 30, "weight_kg": 70, "liver_disease": true)", "paracetamol",
       Advice::kCaution, Range{500, 1000}, 3000},
      {"paracetamol heavy alcohol",
       R"("age_years": 30, "weight_kg": 70, "heavy_alcohol": true)", "paracetamol",
       Advice::kCaution, Range{500, 1000}, 3000},
      {"paracetamol adult, no risk",
       R"("age_years": 30, "weight_kg": 70, "liver_disease": false, "heavy_alcohol": false)",
       "paracetamol", Advice::kOk, Range{500, 1000}, 4000},
      // A child without a weight: no dose (dose_text says what to do).
      {"paracetamol child, weight unknown", R"("age_years": 8)", "paracetamol", std::nullopt,
       std::nullopt, 0},
      // 10 mg/kg x 20 = 200; 30 mg/kg x 20 = 600 a day.
      {"ibuprofen child 20 kg", R"("age_years": 6, "weight_kg": 20)", "ibuprofen", std::nullopt,
       Range{200, 200}, 600},
      // 10 x 45 = 450, capped at 400 a dose; 30 x 45 = 1350, capped at 1200.
      {"ibuprofen child 45 kg", R"("age_years": 14, "weight_kg": 45)", "ibuprofen", std::nullopt,
       Range{400, 400}, 1200},
      {"ibuprofen adult", R"("age_years": 30, "weight_kg": 70)", "ibuprofen", std::nullopt,
       Range{200, 400}, 1200},
      {"ibuprofen adult, weight unknown", R"("age_years": 30)", "ibuprofen", std::nullopt,
       Range{200, 400}, 1200},
      {"ibuprofen child, weight unknown", R"("age_years": 8)", "ibuprofen", std::nullopt,
       std::nullopt, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name + ": " + c.findings);
    const Assessment a = AssessFindings(c.findings);
    const MedicineResult* m = Med(a, c.medicine);
    ASSERT_NE(m, nullptr);
    if (c.advice) {
      EXPECT_EQ(m->advice, *c.advice);
    }
    EXPECT_NE(m->advice, Advice::kAvoid);
    if (c.mg) {
      ASSERT_TRUE(m->dose.has_value());
      EXPECT_EQ(m->dose->mg_per_dose, *c.mg);
      EXPECT_EQ(m->dose->max_mg_per_24h, c.max_mg_per_24h);
    } else {
      EXPECT_FALSE(m->dose.has_value());
      EXPECT_FALSE(m->dose_text.empty());
    }
  }
}

TEST(FormulasTest, DoseHoursBetween) {
  const Assessment a = AssessFindings(R"("age_years": 30, "weight_kg": 70)");
  const MedicineResult* para = Med(a, "paracetamol");
  const MedicineResult* ibu = Med(a, "ibuprofen");
  ASSERT_TRUE(para && para->dose && ibu && ibu->dose);
  EXPECT_EQ(para->dose->hours_between, (Range{4, 6}));
  EXPECT_EQ(ibu->dose->hours_between, (Range{6, 8}));
}

TEST(FormulasTest, NoIbuprofenDoseWhenAvoided) {
  const Assessment a = AssessFindings(R"("age_years": 30, "weight_kg": 70, "kidney_disease": true)");
  const MedicineResult* ibu = Med(a, "ibuprofen");
  ASSERT_NE(ibu, nullptr);
  EXPECT_EQ(ibu->advice, Advice::kAvoid);
  EXPECT_FALSE(ibu->dose.has_value());
}

// ---------------------------------------------------------------- boundaries

struct FlagBoundary {
  std::string findings;
  std::string_view flag;
  bool fires;
};

TEST(FormulasTest, ThresholdBoundaries) {
  const std::string some(kSomeDehydration);
  const FlagBoundary cases[] = {
      // back_pain_days > 21 is strict.
      {R"("age_years": 30, "back_pain": true, "back_pain_days": 21)", "persistent_back_pain", false},
      {R"("age_years": 30, "back_pain": true, "back_pain_days": 21.5)", "persistent_back_pain", true},
      {R"("age_years": 30, "back_pain": true, "back_pain_days": 22)", "persistent_back_pain", true},
      // leg_aches_days > 7 is strict.
      {R"("age_years": 30, "leg_aches": true, "leg_aches_days": 7)", "persistent_leg_pain", false},
      {R"("age_years": 30, "leg_aches": true, "leg_aches_days": 8)", "persistent_leg_pain", true},
      // 8 <= hours_since_urine < 12; 12 and over is severe dehydration instead.
      {R"("age_years": 30, "hours_since_urine": 7.9)", "no_urine_8h", false},
      {R"("age_years": 30, "hours_since_urine": 8)", "no_urine_8h", true},
      {R"("age_years": 30, "hours_since_urine": 11.9)", "no_urine_8h", true},
      {R"("age_years": 30, "hours_since_urine": 11.9)", "severe_dehydration", false},
      {R"("age_years": 30, "hours_since_urine": 12)", "no_urine_8h", false},
      {R"("age_years": 30, "hours_since_urine": 12)", "severe_dehydration", true},
      // fever = temperature_c >= 38.0 (kidney_infection: flank site and fever).
      {R"("age_years": 30, "back_pain": true, "back_pain_site": "flank", "temperature_c": 37.9)",
       "kidney_infection", false},
      {R"("age_years": 30, "back_pain": true, "back_pain_site": "flank", "temperature_c": 38.0)",
       "kidney_infection", true},
      // high_fever: temperature_c >= 39.0.
      {R"("age_years": 30, "temperature_c": 38.9)", "high_fever", false},
      {R"("age_years": 30, "temperature_c": 39.0)", "high_fever", true},
      // infant: age_years < 1.
      {R"("age_years": 0.99)", "infant", true},
      {R"("age_years": 1)", "infant", false},
      // dehydration_high_risk: some dehydration and age >= 75 (or < 5).
      {R"("age_years": 74.9, )" + some, "dehydration_high_risk", false},
      {R"("age_years": 75, )" + some, "dehydration_high_risk", true},
      {R"("age_years": 4.9, )" + some, "dehydration_high_risk", true},
      {R"("age_years": 75, "dry_mouth": true)", "dehydration_high_risk", false},  // status none
      // prolonged_vomiting: days_since_onset > 2 is strict.
      {R"("age_years": 30, "vomits_24h": 1, "days_since_onset": 2)", "prolonged_vomiting", false},
      {R"("age_years": 30, "vomits_24h": 1, "days_since_onset": 2.5)", "prolonged_vomiting", true},
      {R"("age_years": 30, "vomits_24h": 0, "days_since_onset": 2.5)", "prolonged_vomiting", false},
      // prolonged_diarrhoea: days_since_onset > 7 is strict.
      {R"("age_years": 30, "stools_24h": 1, "days_since_onset": 7)", "prolonged_diarrhoea", false},
      {R"("age_years": 30, "stools_24h": 1, "days_since_onset": 7.5)", "prolonged_diarrhoea", true},
      // worsening_back_pain: trend worse and back_pain_days >= 7.
      {R"("age_years": 30, "back_pain": true, "back_pain_trend": "worse", "back_pain_days": 6.9)",
       "worsening_back_pain", false},
      {R"("age_years": 30, "back_pain": true, "back_pain_trend": "worse", "back_pain_days": 7)",
       "worsening_back_pain", true},
      // child_refuses_to_walk: age_years < 16.
      {R"("age_years": 15.9, "refuses_to_walk": true)", "child_refuses_to_walk", true},
      {R"("age_years": 16, "refuses_to_walk": true)", "child_refuses_to_walk", false},
      // dvt: calf tender with bedbound_days >= 3.
      {R"("age_years": 30, "calf_tender_one_side": true, "bedbound_days": 2.9)", "dvt", false},
      {R"("age_years": 30, "calf_tender_one_side": true, "bedbound_days": 3)", "dvt", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.findings);
    EXPECT_EQ(HasFlag(AssessFindings(c.findings), c.flag), c.fires) << c.flag;
  }
}

TEST(FormulasTest, ReviewDaysLeft) {
  struct Case {
    std::string findings;
    std::string_view pain;
    std::optional<double> days_left;
  };
  const Case cases[] = {
      {R"("age_years": 30, "back_pain": true, "back_pain_days": 2)", "back", 19.0},
      {R"("age_years": 30, "back_pain": true, "back_pain_days": 30)", "back", 0.0},  // not below 0
      {R"("age_years": 30, "back_pain": true)", "back", std::nullopt},               // days unknown
      {R"("age_years": 30, "leg_aches": true, "leg_aches_days": 2.5)", "legs", 4.5},
      {R"("age_years": 30, "vomits_24h": 3, "days_since_onset": 1)", "vomiting", 1.0},
      {R"("age_years": 30, "stools_24h": 3, "days_since_onset": 1)", "diarrhoea", 6.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.findings);
    const Assessment a = AssessFindings(c.findings);
    auto it = std::find_if(a.review.begin(), a.review.end(),
                           [&](const ReviewPoint& r) { return r.pain == c.pain; });
    ASSERT_NE(it, a.review.end()) << "no review point for " << c.pain;
    EXPECT_EQ(it->days_left, c.days_left);
  }
}

}  // namespace
}  // namespace norotriage
