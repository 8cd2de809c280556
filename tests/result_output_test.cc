// ToJson and ToText on hand-built assessments, and the enum ids.
#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "norotriage/assessment.h"
#include "norotriage/engine.h"

namespace norotriage {
namespace {

using nlohmann::json;

// A self-care result with nothing optional: no ref, no flags, hydration not
// assessed, no medicines.
Assessment MinimalAssessment() {
  Assessment a;
  a.disposition = Level::kSelfCare;
  a.disposition_label = "Self-care";
  a.summary = "Look after yourself at home.";
  a.kb_version = "2026.11.0";
  return a;
}

// An emergency with every optional part present.
Assessment FullAssessment() {
  Assessment a;
  a.ref = "case-7";
  a.disposition = Level::kEmergency;
  a.disposition_label = "Emergency";
  a.summary = "Call an ambulance or go to the emergency department now.";

  FlagHit cauda;
  cauda.id = "cauda_equina";
  cauda.level = Level::kEmergency;
  cauda.title = "Signs of pressure on the nerves at the base of the spine";
  cauda.advice = "Call an ambulance now. Do not wait to see if it gets better.";
  cauda.because = {"back_pain", "saddle_numbness"};
  cauda.sources = {"nice-cks-cauda-equina"};
  FlagHit kidney;
  kidney.id = "kidney_infection";
  kidney.level = Level::kUrgent;
  kidney.title = "Possible kidney infection";
  kidney.advice = "See a doctor today.";
  kidney.because = {"back_pain_site", "temperature_c"};
  kidney.sources = {"nice-pyelonephritis"};
  a.flags = {cauda, kidney};

  HydrationResult& h = a.hydration;
  h.status = HydrationStatus::kSome;
  h.assessed = true;
  h.plan = 'B';
  h.ors_ml = 4000;
  h.over_hours = 4;
  h.maintenance_ml_per_day = 2340;
  h.weight_loss_percent = 3.1;
  h.because = {"dry_mouth", "dark_urine"};
  h.status_text = "You have lost some fluid.";
  h.plan_text = "Drink oral rehydration solution in small sips.";
  h.sources = {"who-dehydration"};

  MedicineResult paracetamol;
  paracetamol.id = "paracetamol";
  paracetamol.name = "Paracetamol";
  paracetamol.advice = Advice::kOk;
  paracetamol.dose = Dose{{500, 1000}, {4, 6}, 4000, 4, "Leave at least 4 hours between doses."};
  paracetamol.sources = {"bnf-paracetamol"};
  MedicineResult ibuprofen;
  ibuprofen.id = "ibuprofen";
  ibuprofen.name = "Ibuprofen";
  ibuprofen.advice = Advice::kAvoid;
  ibuprofen.reasons = {"It can harm the kidneys when you are low on fluid."};
  ibuprofen.sources = {"bnf-ibuprofen"};
  MedicineResult sick_day;
  sick_day.id = "sick_day_rules";
  sick_day.name = "Medicines to pause while ill";
  sick_day.advice = Advice::kReview;
  sick_day.reasons = {"Ask a pharmacist about pausing your water tablets."};
  sick_day.dose_text = "Restart them when you eat and drink normally.";
  a.medicines = {paracetamol, ibuprofen, sick_day};

  MechanismHit retching;
  retching.id = "retching_strain";
  retching.title = "Strain from being sick";
  retching.explanation = "Being sick again and again works the back muscles hard.";
  retching.because = {"back_pain_began_with_vomiting"};
  retching.sources = {"seed-back"};
  a.mechanisms = {retching};
  a.pain_types = {{"back", "muscular", "The pain comes from tired muscles."}};
  a.self_care = {{"small_sips", "Take small sips often."}, {"rest", "Rest, but move gently."}};
  a.expected = {{"gut", "Sickness usually settles in 1 to 3 days."},
                {"back", "Back pain from retching eases within days."}};
  a.review = {{"back", 19.0, 21, "See a doctor if back pain lasts beyond 3 weeks."},
              {"legs", 2.5, 7, "See a doctor if leg aches last beyond a week."},
              {"vomiting", std::nullopt, 2, "See a doctor if vomiting lasts beyond 2 days."}};
  a.safety_net = {{"kidney_stone", Level::kUrgent, "See a doctor today if you see blood in your pee."},
                  {"meningitis_or_sepsis", Level::kEmergency,
                   "Call an ambulance if a rash does not fade under a glass."}};
  a.unanswered = {{"bladder_control_change", Level::kEmergency,
                   "Have you had trouble controlling your bladder?", {"cauda_equina"}}};
  a.kb_version = "2026.11.0";
  a.rules_fired = {"flag:cauda_equina", "medicine:ibuprofen:avoid"};
  return a;
}

json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

// Lines of `text` longer than `width` columns (code points).
int LinesWiderThan(const std::string& text, size_t width) {
  int wide = 0;
  size_t cols = 0;
  for (char ch : text) {
    if (ch == '\n') {
      if (cols > width) ++wide;
      cols = 0;
    } else if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) {
      ++cols;
    }
  }
  return wide + (cols > width ? 1 : 0);
}

// `text` with each wrapped continuation line joined back onto its line: a
// line feed followed by spaces becomes one space.
std::string Unwrap(const std::string& text) {
  std::string flat;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == ' ') {
      while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
      flat.push_back(' ');
    } else {
      flat.push_back(text[i]);
    }
  }
  return flat;
}

// --- ids ---------------------------------------------------------------------

TEST(IdsTest, LevelsRoundTrip) {
  for (Level level : {Level::kSelfCare, Level::kRoutine, Level::kUrgent, Level::kEmergency}) {
    Level parsed = Level::kSelfCare;
    ASSERT_TRUE(ParseLevel(LevelId(level), &parsed)) << LevelId(level);
    EXPECT_EQ(parsed, level);
  }
  EXPECT_EQ(LevelId(Level::kSelfCare), "self_care");
  EXPECT_EQ(LevelId(Level::kEmergency), "emergency");
  Level unchanged = Level::kRoutine;
  EXPECT_FALSE(ParseLevel("Emergency", &unchanged));
  EXPECT_FALSE(ParseLevel("", &unchanged));
  EXPECT_EQ(unchanged, Level::kRoutine);
}

TEST(IdsTest, HydrationAndAdvice) {
  EXPECT_EQ(HydrationStatusId(HydrationStatus::kNone), "none");
  EXPECT_EQ(HydrationStatusId(HydrationStatus::kSome), "some");
  EXPECT_EQ(HydrationStatusId(HydrationStatus::kSevere), "severe");
  EXPECT_EQ(AdviceId(Advice::kOk), "ok");
  EXPECT_EQ(AdviceId(Advice::kCaution), "caution");
  EXPECT_EQ(AdviceId(Advice::kAvoid), "avoid");
  EXPECT_EQ(AdviceId(Advice::kReview), "review");
}

// --- ToJson ------------------------------------------------------------------

TEST(ResultJsonTest, MinimalHasEveryStableFieldAndNoOptionalOnes) {
  const std::string text = ToJson(MinimalAssessment());
  EXPECT_EQ(text.find('\n'), std::string::npos) << "one line";
  const json j = Parse(text);
  EXPECT_EQ(Keys(j), (std::set<std::string>{"disposition", "disposition_label", "summary", "flags",
                                            "hydration", "medicines", "mechanisms", "pain_types",
                                            "self_care", "self_care_after_seen", "follow_up", "safety_net",
                                            "safety_net_more", "unanswered", "knowledge_base"}));
  EXPECT_EQ(j["disposition"], "self_care");
  EXPECT_EQ(j["disposition_label"], "Self-care");
  EXPECT_TRUE(j["flags"].is_array() && j["flags"].empty());
  EXPECT_EQ(Keys(j["hydration"]), (std::set<std::string>{"status", "assessed", "plan", "because",
                                                         "text", "plan_text", "sources"}));
  EXPECT_EQ(j["hydration"]["status"], "none");
  EXPECT_EQ(j["hydration"]["assessed"], false);
  EXPECT_EQ(j["hydration"]["plan"], "A");
  EXPECT_EQ(j["follow_up"]["expected"], "");
  EXPECT_TRUE(j["follow_up"]["expected_parts"].empty());
  EXPECT_TRUE(j["follow_up"]["review"].empty());
  EXPECT_EQ(j["knowledge_base"]["version"], "2026.11.0");
  EXPECT_TRUE(j["knowledge_base"]["rules_fired"].empty());
}

TEST(ResultJsonTest, FullResult) {
  const std::string text = ToJson(FullAssessment());
  EXPECT_EQ(text.find('\n'), std::string::npos) << "one line";
  const json j = Parse(text);
  EXPECT_EQ(j["ref"], "case-7");
  EXPECT_EQ(j["disposition"], "emergency");
  EXPECT_EQ(j["summary"], "Call an ambulance or go to the emergency department now.");

  ASSERT_EQ(j["flags"].size(), 2u);
  EXPECT_EQ(j["flags"][0]["id"], "cauda_equina");
  EXPECT_EQ(j["flags"][0]["level"], "emergency");
  EXPECT_EQ(j["flags"][0]["because"], json({"back_pain", "saddle_numbness"}));
  EXPECT_EQ(j["flags"][0]["sources"], json({"nice-cks-cauda-equina"}));
  EXPECT_EQ(j["flags"][1]["level"], "urgent");

  const json& h = j["hydration"];
  EXPECT_EQ(h["status"], "some");
  EXPECT_EQ(h["assessed"], true);
  EXPECT_EQ(h["plan"], "B");
  EXPECT_EQ(h["ors_ml"], 4000);
  EXPECT_EQ(h["over_hours"], 4);
  EXPECT_EQ(h["maintenance_ml_per_day"], 2340);
  EXPECT_DOUBLE_EQ(h["weight_loss_percent"].get<double>(), 3.1);
  EXPECT_EQ(h["text"], "You have lost some fluid.");
  EXPECT_EQ(h["plan_text"], "Drink oral rehydration solution in small sips.");
  EXPECT_FALSE(h.contains("ors_ml_range"));
  EXPECT_FALSE(h.contains("per_loose_stool_ml"));
  EXPECT_FALSE(h.contains("iv"));

  ASSERT_EQ(j["medicines"].size(), 3u);
  const json& para = j["medicines"][0];
  EXPECT_EQ(para["advice"], "ok");
  EXPECT_EQ(para["name"], "Paracetamol");
  EXPECT_EQ(para["dose"]["mg_per_dose"], json({500, 1000}));
  EXPECT_EQ(para["dose"]["min_hours_between"], 4);
  EXPECT_EQ(para["dose"]["max_hours_between"], 6);
  EXPECT_EQ(para["dose"]["max_mg_per_24h"], 4000);
  EXPECT_EQ(para["dose"]["max_doses_per_24h"], 4);
  EXPECT_EQ(para["dose"]["note"], "Leave at least 4 hours between doses.");
  EXPECT_FALSE(para.contains("dose_text"));
  const json& ibu = j["medicines"][1];
  EXPECT_EQ(ibu["advice"], "avoid");
  EXPECT_FALSE(ibu.contains("dose"));
  EXPECT_EQ(ibu["reasons"].size(), 1u);
  const json& sick = j["medicines"][2];
  EXPECT_EQ(sick["advice"], "review");
  EXPECT_EQ(sick["dose_text"], "Restart them when you eat and drink normally.");

  EXPECT_EQ(j["mechanisms"][0]["id"], "retching_strain");
  EXPECT_EQ(j["mechanisms"][0]["title"], "Strain from being sick");
  EXPECT_EQ(j["pain_types"][0], json({{"region", "back"}, {"type", "muscular"},
                                      {"text", "The pain comes from tired muscles."}}));
  EXPECT_EQ(j["self_care"][1]["id"], "rest");

  const json& f = j["follow_up"];
  EXPECT_EQ(f["expected"],
            "Sickness usually settles in 1 to 3 days. Back pain from retching eases within days.");
  EXPECT_EQ(f["expected_parts"].size(), 2u);
  ASSERT_EQ(f["review"].size(), 3u);
  EXPECT_TRUE(f["review"][0]["days_left"].is_number_integer());
  EXPECT_EQ(f["review"][0]["days_left"], 19);
  EXPECT_EQ(f["review"][0]["after_days"], 21);
  EXPECT_DOUBLE_EQ(f["review"][1]["days_left"].get<double>(), 2.5);
  EXPECT_FALSE(f["review"][2].contains("days_left"));

  EXPECT_EQ(j["safety_net"][1]["level"], "emergency");
  EXPECT_EQ(j["unanswered"][0]["could_reach"], "emergency");
  EXPECT_EQ(j["unanswered"][0]["for_flags"], json({"cauda_equina"}));
  EXPECT_EQ(j["knowledge_base"]["rules_fired"].size(), 2u);
}

TEST(ResultJsonTest, PlanAAndPlanCFields) {
  Assessment a = MinimalAssessment();
  a.hydration.assessed = true;
  a.hydration.per_loose_stool_ml = Range{200, 400};
  a.hydration.over_hours = 4;  // ignored: only plan B has hours
  json j = Parse(ToJson(a));
  EXPECT_EQ(j["hydration"]["per_loose_stool_ml"], json({200, 400}));
  EXPECT_FALSE(j["hydration"].contains("over_hours"));

  a.hydration.plan = 'B';
  a.hydration.ors_ml_range = Range{600, 800};
  j = Parse(ToJson(a));
  EXPECT_EQ(j["hydration"]["ors_ml_range"], json({600, 800}));
  EXPECT_FALSE(j["hydration"].contains("ors_ml"));
  EXPECT_EQ(j["hydration"]["over_hours"], 4);

  a.hydration = HydrationResult{};
  a.hydration.status = HydrationStatus::kSevere;
  a.hydration.assessed = true;
  a.hydration.plan = 'C';
  a.hydration.iv = IvPlan{7000, 2100, 30, 4900, 2.5};
  j = Parse(ToJson(a));
  EXPECT_EQ(j["hydration"]["plan"], "C");
  EXPECT_EQ(j["hydration"]["iv"], json({{"total_ml", 7000}, {"first_ml", 2100},
                                        {"first_minutes", 30}, {"then_ml", 4900},
                                        {"then_hours", 2.5}}));
}

TEST(ResultJsonTest, EscapesTextAndRef) {
  Assessment a = MinimalAssessment();
  a.ref = std::string("quote \" backslash \\ newline \n esc \x1b café");
  a.summary = "Line one\nline \"two\"";
  const std::string text = ToJson(a);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  const json j = Parse(text);
  EXPECT_EQ(j["ref"], *a.ref);
  EXPECT_EQ(j["summary"], "Line one\nline \"two\"");
}

// --- ToText ------------------------------------------------------------------

TEST(ResultTextTest, BannerFirst) {
  const std::string text = ToText(FullAssessment(), /*color=*/false);
  const std::string banner_edge(78, '!');
  ASSERT_EQ(text.rfind(banner_edge, 0), 0u) << text;
  const size_t label = text.find("!!! EMERGENCY");
  const size_t summary = text.find("Call an ambulance or go to the emergency department now.");
  const size_t first_section = text.find("Warning signs found");
  ASSERT_NE(label, std::string::npos) << text;
  ASSERT_NE(summary, std::string::npos) << text;
  EXPECT_LT(label, first_section);
  EXPECT_LT(summary, first_section);
}

TEST(ResultTextTest, NonEmergencyBanner) {
  Assessment a = MinimalAssessment();
  const std::string text = ToText(a, false);
  EXPECT_EQ(text.rfind(std::string(78, '=') + "\n  Self-care\n  Look after yourself at home.\n", 0),
            0u)
      << text;
  EXPECT_EQ(text.find("!!!"), std::string::npos);
}

TEST(ResultTextTest, NoEscapeCodesWithoutColor) {
  Assessment a = FullAssessment();
  a.ref = std::string("evil\x1b]0;title\x07\x1b[2J\xC2\x9B" "31m");
  a.summary = "Call now.\x1b[0m";
  const std::string text = ToText(a, false);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_EQ(text.find("\xC2\x9B"), std::string::npos);
  EXPECT_NE(text.find("Reference: evil"), std::string::npos);
}

TEST(ResultTextTest, ColorByDisposition) {
  EXPECT_EQ(ToText(FullAssessment(), true).rfind("\x1b[1;31m", 0), 0u);  // bold red
  Assessment a = MinimalAssessment();
  EXPECT_EQ(ToText(a, true).rfind("\x1b[1;32m", 0), 0u);  // green
  a.disposition = Level::kUrgent;
  EXPECT_EQ(ToText(a, true).rfind("\x1b[1;33m", 0), 0u);  // yellow
  a.disposition = Level::kRoutine;
  EXPECT_EQ(ToText(a, true).rfind("\x1b[1;36m", 0), 0u);  // cyan
}

TEST(ResultTextTest, SectionsPresentInOrder) {
  const std::string text = ToText(FullAssessment(), false);
  // Issue 16, item 6: the disposition, why, what to do now, fluids, pain
  // relief, why it hurts, what to expect, when to get help.
  const char* sections[] = {"Warning signs found", "What to do now", "Fluids",
                            "Pain relief",         "Why it hurts",   "What to expect",
                            "Get help if",         "Questions that could change this advice",
                            "Knowledge base 2026.11.0"};
  size_t last = 0;
  for (const char* s : sections) {
    const size_t at = text.find(s);
    ASSERT_NE(at, std::string::npos) << s << "\n" << text;
    EXPECT_GT(at, last) << s;
    last = at;
  }
}

TEST(ResultTextTest, EmptySectionsAreLeftOut) {
  const std::string text = ToText(MinimalAssessment(), false);
  for (const char* s : {"Warning signs found", "What to do", "Why it hurts", "Fluids",
                        "Pain relief", "What to expect", "Get help if", "Questions"}) {
    EXPECT_EQ(text.find(s), std::string::npos) << s << "\n" << text;
  }
  EXPECT_NE(text.find("Knowledge base 2026.11.0"), std::string::npos);
  EXPECT_EQ(text.find("Reference"), std::string::npos);
}

TEST(ResultTextTest, Contents) {
  const std::string text = ToText(FullAssessment(), false);
  EXPECT_NE(text.find("* [Emergency] Signs of pressure"), std::string::npos) << text;
  EXPECT_NE(text.find("Back pain: muscular \u2014 The pain comes from tired muscles."),
            std::string::npos);
  EXPECT_NE(text.find("about 4000 ml over 4 hours"), std::string::npos);
  EXPECT_NE(text.find("2340 ml a day"), std::string::npos);
  EXPECT_NE(text.find("3.1%"), std::string::npos);
  EXPECT_NE(text.find("* Paracetamol: OK"), std::string::npos);
  EXPECT_NE(text.find("* Ibuprofen: Avoid"), std::string::npos);
  // The sick-day card: under a heading of its own, no "Dose:" label.
  EXPECT_NE(text.find("Your usual medicines while you are ill"), std::string::npos) << text;
  EXPECT_NE(text.find("* Medicines to pause while ill\n"), std::string::npos) << text;
  EXPECT_LT(text.find("* Ibuprofen: Avoid"), text.find("Your usual medicines while you are ill"));
  EXPECT_NE(text.find("Dose: 500\u20131000 mg every 4\u20136 hours, no more than 4000 mg in 24"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Restart them"), std::string::npos);
  EXPECT_EQ(text.find("Dose: Restart them"), std::string::npos);
  const std::string flat = Unwrap(text);
  EXPECT_NE(flat.find("* Back pain: See a doctor if back pain lasts beyond 3 weeks. That is in 19 "
                      "more days."),
            std::string::npos)
      << flat;
  EXPECT_NE(flat.find("beyond a week. That is in 2 more days."), std::string::npos);  // 2.5 down
  EXPECT_NE(flat.find("* Vomiting: See a doctor if vomiting lasts beyond 2 days.\n"),
            std::string::npos);
  EXPECT_EQ(text.find("For clinicians"), std::string::npos);
  // Emergency safety-net items come first.
  EXPECT_LT(text.find("Call an ambulance if a rash"), text.find("See a doctor today if you see"));
  EXPECT_NE(text.find("[could mean an emergency] Have you had trouble"), std::string::npos);
}

TEST(ResultTextTest, ReviewPointReached) {
  Assessment a = MinimalAssessment();
  a.review = {{"back", 0.0, 21, "See a doctor."}, {"legs", 1.0, 7, "See a doctor."}};
  const std::string text = ToText(a, false);
  EXPECT_NE(text.find("* Back pain: See a doctor. That is now.\n"), std::string::npos) << text;
  EXPECT_NE(text.find("* Leg pain: See a doctor. That is in 1 more day.\n"), std::string::npos);
}

TEST(ResultTextTest, PlanCShowsClinicianFigures) {
  Assessment a = MinimalAssessment();
  a.hydration.status = HydrationStatus::kSevere;
  a.hydration.assessed = true;
  a.hydration.plan = 'C';
  a.hydration.iv = IvPlan{7000, 2100, 30, 4900, 2.5};
  const std::string text = ToText(a, false);
  EXPECT_NE(text.find("For clinicians"), std::string::npos);
  EXPECT_NE(text.find("7000 ml in total"), std::string::npos) << text;
  EXPECT_NE(text.find("4900 ml over 2.5 hours"), std::string::npos) << text;
}

TEST(ResultTextTest, WrapsAt78WithHangingIndent) {
  Assessment a = FullAssessment();
  const std::string long_text =
      "Drink small amounts often, even if you feel sick, and keep going through the night "
      "if you are awake, because small sips are easier to keep down than big gulps of water.";
  a.self_care = {{"sips", long_text}};
  const std::string text = ToText(a, false);
  EXPECT_EQ(LinesWiderThan(text, 78), 0) << text;
  EXPECT_NE(text.find("* Drink small amounts often"), std::string::npos);
  // The continuation line is indented under the bullet text.
  const size_t first = text.find("* Drink small amounts often");
  const size_t next_line = text.find('\n', first) + 1;
  EXPECT_EQ(text.substr(next_line, 2), "  ");
  EXPECT_NE(text[next_line + 2], ' ');
}

TEST(ResultTextTest, LongQuestionListIsCut) {
  Assessment a = MinimalAssessment();
  static const std::string kQuestions[15] = {
      "Q1?", "Q2?", "Q3?", "Q4?", "Q5?", "Q6?", "Q7?", "Q8?",
      "Q9?", "Q10?", "Q11?", "Q12?", "Q13?", "Q14?", "Q15?"};
  for (const std::string& q : kQuestions) {
    a.unanswered.push_back({"finding", Level::kUrgent, q, {}});
  }
  const std::string text = ToText(a, false);
  EXPECT_NE(text.find("Q12?"), std::string::npos);
  EXPECT_EQ(text.find("Q13?"), std::string::npos);
  EXPECT_NE(text.find("and 3 more questions"), std::string::npos) << text;
}

}  // namespace
}  // namespace norotriage
