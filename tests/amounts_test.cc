// Amounts a person can measure (issue 16 item 3): the formulas for liquid
// doses in ml, tablets and cups (eval/care_plan.h), with worked figures, and
// the same figures through Assess and the text a person reads.
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "assess_test_util.h"
#include "eval/care_plan.h"
#include "norotriage/assessment.h"
#include "norotriage/engine.h"
#include "output/amounts_text.h"

namespace norotriage {
namespace {

using internal::MeasureLiquid;
using internal::MeasureTablets;
using internal::QuarterCups;
using internal::RoundTo5AtLeast5;
using testing::AssessFindings;
using testing::Med;

constexpr std::string_view kSome = R"("dry_mouth": true, "dark_urine": true)";

// ------------------------------------------------------------ the formulas

TEST(AmountsTest, LiquidIsRoundedDownToHalfMl) {
  // 14 kg: 15 mg/kg = 210 mg. 120 mg/5 ml is 24 mg/ml: 8.75 ml -> 8.5 ml = 204 mg.
  LiquidDose l = MeasureLiquid(210, 840, 4, 120, 5, 0.5, 0.75);
  EXPECT_TRUE(l.measurable);
  EXPECT_DOUBLE_EQ(l.ml, 8.5);
  EXPECT_DOUBLE_EQ(l.mg, 204);
  EXPECT_EQ(l.max_doses_per_24h, 4);  // 4 x 204 = 816 <= 840
  // 250 mg/5 ml is 50 mg/ml: 4.2 ml -> 4 ml = 200 mg.
  l = MeasureLiquid(210, 840, 4, 250, 5, 0.5, 0.75);
  EXPECT_DOUBLE_EQ(l.ml, 4);
  EXPECT_DOUBLE_EQ(l.mg, 200);
}

TEST(AmountsTest, LiquidExactQuotientKeepsItsLastStep) {
  // 60 mg of 120 mg/5 ml is exactly 2.5 ml; 140 mg of 100 mg/5 ml exactly 7 ml.
  EXPECT_DOUBLE_EQ(MeasureLiquid(60, 240, 4, 120, 5, 0.5, 0.75).ml, 2.5);
  EXPECT_DOUBLE_EQ(MeasureLiquid(140, 420, 3, 100, 5, 0.5, 0.75).ml, 7);
  // A strength that is not a whole mg per step (100 mg in 3 ml: 16.67 mg a
  // step): 100 mg is 6 steps, 3 ml; 99 mg is only 5 steps, 2.5 ml = 83.33 mg.
  LiquidDose l = MeasureLiquid(100, 400, 4, 100, 3, 0.5, 0);
  EXPECT_DOUBLE_EQ(l.ml, 3);
  EXPECT_LE(l.mg, 100);
  l = MeasureLiquid(99, 400, 4, 100, 3, 0.5, 0);
  EXPECT_DOUBLE_EQ(l.ml, 2.5);
  EXPECT_DOUBLE_EQ(l.mg, 83.33);
}

TEST(AmountsTest, LiquidTooSmallIsNotMeasurable) {
  // 10 mg of 250 mg/5 ml: 0.2 ml -> 0 steps. Never "0 ml".
  LiquidDose l = MeasureLiquid(10, 40, 4, 250, 5, 0.5, 0.75);
  EXPECT_FALSE(l.measurable);
  EXPECT_EQ(l.ml, 0);
  // 45 mg (3 kg) of 250 mg/5 ml: 0.5 ml = 25 mg, under 75% of the dose.
  EXPECT_FALSE(MeasureLiquid(45, 180, 4, 250, 5, 0.5, 0.75).measurable);
  // With no share required it is 0.5 ml.
  l = MeasureLiquid(45, 180, 4, 250, 5, 0.5, 0);
  EXPECT_TRUE(l.measurable);
  EXPECT_DOUBLE_EQ(l.ml, 0.5);
}

TEST(AmountsTest, LiquidDosesStayWithinTheDailyMaximum) {
  // 900 mg with the caution cap of 3000 mg a day: 3 doses, not 4.
  LiquidDose l = MeasureLiquid(900, 3000, 4, 250, 5, 0.5, 0.75);
  EXPECT_DOUBLE_EQ(l.ml, 18);
  EXPECT_EQ(l.max_doses_per_24h, 3);
  EXPECT_LE(l.max_doses_per_24h * l.mg, 3000);
  // Rounding down never gives more doses than the rule (3 kg: 1.5 ml = 36 mg; 180/36 = 5 > 4).
  l = MeasureLiquid(45, 180, 4, 120, 5, 0.5, 0.75);
  EXPECT_DOUBLE_EQ(l.ml, 1.5);
  EXPECT_EQ(l.max_doses_per_24h, 4);
}

TEST(AmountsTest, TabletsAreWholeAndWithinTheMaximum) {
  std::optional<TabletDose> t = MeasureTablets({500, 1000}, 4000, 500);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->count, (Range{1, 2}));
  EXPECT_EQ(t->max_per_24h, 8);
  t = MeasureTablets({500, 1000}, 3000, 500);  // the caution cap
  ASSERT_TRUE(t);
  EXPECT_EQ(t->max_per_24h, 6);
  t = MeasureTablets({200, 400}, 1200, 200);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->count, (Range{1, 2}));
  EXPECT_EQ(t->max_per_24h, 6);
  EXPECT_FALSE(MeasureTablets({200, 400}, 1200, 500));  // one tablet is more than a dose
  t = MeasureTablets({300, 700}, 4000, 500);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->count, (Range{1, 1}));
}

TEST(AmountsTest, CupsAndPortionsRound) {
  EXPECT_EQ(QuarterCups(250, 250), 1);
  EXPECT_EQ(QuarterCups(65, 250), 0.25);
  EXPECT_EQ(QuarterCups(2400, 250), 9.5);
  EXPECT_EQ(QuarterCups(30, 250), 0);
  EXPECT_EQ(RoundTo5AtLeast5(62.5), 65);
  EXPECT_EQ(RoundTo5AtLeast5(23.4), 25);
  EXPECT_EQ(RoundTo5AtLeast5(2), 5);
  EXPECT_EQ(internal::CupsText(0), "less than \u00bc cup");
  EXPECT_EQ(internal::CupsText(0.25), "\u00bc cup");
  EXPECT_EQ(internal::CupsText(1), "1 cup");
  EXPECT_EQ(internal::CupsText(9.5), "9\u00bd cups");
  EXPECT_EQ(internal::CupsRangeText({0.5, 1}), "\u00bd to 1 cup");
}

// ------------------------------------------------------------ through Assess

TEST(AmountsTest, PlanBPerFifteenMinutesWithWeight) {
  // 70 kg adult: 4000 ml over 4 hours = 250 ml (1 cup) every 15 minutes.
  Assessment a = AssessFindings(R"("age_years": 30, "weight_kg": 70, )" + std::string(kSome));
  ASSERT_EQ(a.hydration.plan, 'B');
  EXPECT_EQ(a.hydration.portion_minutes, 15);
  EXPECT_EQ(a.hydration.ors_ml_per_portion, (Range{250, 250}));
  EXPECT_EQ(a.hydration.ors_cups_per_portion, (std::pair<double, double>{1, 1}));
  EXPECT_EQ(a.hydration.per_vomit_ml, 140);             // 2 ml/kg
  EXPECT_EQ(a.hydration.maintenance_ml_per_day, 2100);  // 30 ml/kg
  EXPECT_EQ(a.hydration.maintenance_cups_per_day, 8.5);
  // 14 kg child: 1050 ml / 16 = 65.6 -> 65 ml, a quarter cup.
  a = AssessFindings(R"("age_years": 3, "weight_kg": 14, )" + std::string(kSome));
  EXPECT_EQ(a.hydration.ors_ml_per_portion, (Range{65, 65}));
  EXPECT_EQ(a.hydration.ors_cups_per_portion, (std::pair<double, double>{0.25, 0.25}));
  EXPECT_EQ(a.hydration.per_vomit_ml, 30);  // 28 -> 30
}

TEST(AmountsTest, PlanBPerFifteenMinutesByAgeAndNoneWithAFluidLimit) {
  // Age only, 15 and over: 2200-4000 ml / 16 = 137.5-250 -> 140-250 ml.
  Assessment a = AssessFindings(R"("age_years": 20, )" + std::string(kSome));
  EXPECT_EQ(a.hydration.ors_ml_per_portion, (Range{140, 250}));
  EXPECT_EQ(a.hydration.ors_cups_per_portion, (std::pair<double, double>{0.5, 1}));
  EXPECT_FALSE(a.hydration.per_vomit_ml);  // no weight
  // Heart failure: no volume at all.
  a = AssessFindings(R"("age_years": 70, "weight_kg": 70, "heart_failure": true, )" + std::string(kSome));
  EXPECT_TRUE(a.hydration.fluid_limit);
  EXPECT_FALSE(a.hydration.ors_ml_per_portion);
  EXPECT_FALSE(a.hydration.per_vomit_ml);
  // Plan A: no portion, but an amount after each vomit.
  a = AssessFindings(R"("age_years": 30, "weight_kg": 70)");
  EXPECT_EQ(a.hydration.plan, 'A');
  EXPECT_FALSE(a.hydration.ors_ml_per_portion);
  EXPECT_EQ(a.hydration.per_vomit_ml, 140);
}

TEST(AmountsTest, ChildDoseInMlAndAdultDoseInTablets) {
  Assessment a = AssessFindings(R"("age_years": 3, "weight_kg": 14)");
  const MedicineResult* p = Med(a, "paracetamol");
  ASSERT_TRUE(p && p->dose);
  ASSERT_EQ(p->dose->liquids.size(), 2u);
  EXPECT_DOUBLE_EQ(p->dose->liquids[0].ml, 8.5);
  EXPECT_DOUBLE_EQ(p->dose->liquids[1].ml, 4);
  EXPECT_FALSE(p->dose->tablets);
  EXPECT_NE(p->dose->measure_text.find("syringe"), std::string_view::npos);
  const MedicineResult* i = Med(a, "ibuprofen");
  ASSERT_TRUE(i && i->dose);
  ASSERT_EQ(i->dose->liquids.size(), 1u);
  EXPECT_DOUBLE_EQ(i->dose->liquids[0].ml, 7);  // 140 mg of 100 mg/5 ml
  EXPECT_EQ(i->dose->liquids[0].max_doses_per_24h, 3);

  a = AssessFindings(R"("age_years": 40, "weight_kg": 80)");
  p = Med(a, "paracetamol");
  ASSERT_TRUE(p && p->dose && p->dose->tablets);
  EXPECT_TRUE(p->dose->liquids.empty());
  EXPECT_EQ(p->dose->tablets->count, (Range{1, 2}));
  EXPECT_EQ(p->dose->tablets->mg_each, 500);
  // Liver disease: caution, 3000 mg a day, so 6 tablets.
  a = AssessFindings(R"("age_years": 40, "weight_kg": 80, "liver_disease": true)");
  p = Med(a, "paracetamol");
  ASSERT_TRUE(p && p->dose && p->dose->tablets);
  EXPECT_EQ(p->dose->tablets->max_per_24h, 6);
}

TEST(AmountsTest, TextSaysTheAmounts) {
  const std::string child =
      ToText(AssessFindings(R"("age_years": 3, "weight_kg": 14, )" + std::string(kSome)), false);
  EXPECT_NE(child.find("Every 15 minutes: about 65 ml"), std::string::npos) << child;
  EXPECT_NE(child.find("8.5 ml"), std::string::npos) << child;
  EXPECT_NE(child.find("Use the syringe that comes with the medicine"), std::string::npos) << child;
  EXPECT_EQ(child.find(" 0 ml"), std::string::npos) << child;
  const std::string adult = ToText(AssessFindings(R"("age_years": 40, "weight_kg": 80)"), false);
  EXPECT_NE(adult.find("1 or 2 tablets (500 mg each)"), std::string::npos) << adult;
  EXPECT_NE(adult.find("(9\u00bd cups)"), std::string::npos) << adult;
}

}  // namespace
}  // namespace norotriage
