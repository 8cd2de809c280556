// The interview, driven by a simulated respondent who answers from each
// vignette's findings ("I don't know" for anything the vignette leaves out).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "compile/compiled_kb.h"
#include "interview_simulator.h"
#include "norotriage/interview.h"

namespace norotriage::testing {
namespace {

using nlohmann::json;

std::vector<std::string> VignetteFiles() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(NOROTRIAGE_SOURCE_DIR) + "/tests/vignettes")) {
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(InterviewTest, ReachesEveryVignettesDispositionAndFlags) {
  const KnowledgeBase& kb = Kb();
  std::vector<int> counts;
  int emergency_cases = 0, worst_emergency = 0;
  std::string table;
  for (const auto& path : VignetteFiles()) {
    json v = json::parse(std::ifstream(path));
    const json& expect = v["expect"];
    if (expect.value("error", false)) continue;
    Simulation sim = Simulate(kb, v["request"]["findings"]);
    const Assessment& a = sim.last.assessment;
    SCOPED_TRACE(v["id"].get<std::string>());
    ASSERT_TRUE(sim.last.done);
    if (expect.contains("disposition")) {
      EXPECT_EQ(LevelId(a.disposition), expect["disposition"].get<std::string>());
    }
    // The flags that set the disposition: at least one is found. (Others at
    // or below it may stay unasked: their answers cannot change the advice,
    // and an emergency stops the interview at once.)
    std::vector<std::string> top;
    for (const auto& f : expect.value("flags_include", json::array())) {
      const std::string id = f.get<std::string>();
      for (const auto& rule : kb.compiled().flags) {
        if (rule.id == id && rule.level == a.disposition) top.push_back(id);
      }
    }
    if (!top.empty()) {
      EXPECT_TRUE(std::any_of(top.begin(), top.end(), [&](const std::string& id) { return HasFlag(a, id); }))
          << "none of the vignette's " << LevelId(a.disposition) << " flags found";
    }
    for (const auto& f : expect.value("flags_exclude", json::array())) {
      EXPECT_FALSE(HasFlag(a, f.get<std::string>())) << "flag " << f;
    }
    // No finding is asked twice.
    std::set<std::string> unique(sim.asked.begin(), sim.asked.end());
    EXPECT_EQ(unique.size(), sim.asked.size());
    // Raising screens go from higher levels to lower ones, never back up.
    int last_rank = 10;
    for (const auto& stage : sim.stages) {
      Level l;
      if (!ParseLevel(stage, &l)) continue;
      EXPECT_LE(static_cast<int>(l), last_rank) << "a " << stage << " screen after a lower level";
      last_rank = static_cast<int>(l);
    }
    if (a.disposition == Level::kEmergency) {
      ++emergency_cases;
      EXPECT_TRUE(sim.last.emergency);
      EXPECT_LE(sim.emergency_after, 4) << "emergency recognised late";
      worst_emergency = std::max(worst_emergency, sim.emergency_after);
    }
    counts.push_back(sim.screens);
    table += fmt::format("{} {:>2} screens{}\n", v["id"].get<std::string>(), sim.screens,
                         sim.emergency_after >= 0 ? fmt::format(" (emergency after {})", sim.emergency_after) : "");
  }
  std::sort(counts.begin(), counts.end());
  const int median = counts[counts.size() / 2];
  std::printf("%s[ interview ] %zu vignettes: median %d screens, max %d; %d emergencies, worst at screen %d "
              "after age and complaint\n",
              table.c_str(), counts.size(), median, counts.back(), emergency_cases, worst_emergency);
  RecordProperty("median_screens", median);
  RecordProperty("max_screens", counts.back());
  EXPECT_LE(median, 12);
}

TEST(InterviewTest, FirstScreensAreAboutYouThenComplaint) {
  // One "About you" form (age first, then sex and weight), then the
  // complaint checklist; a finding already given is left off.
  const KnowledgeBase& kb = Kb();
  Request req;
  req.findings = Findings(kb.findings().size());
  req.declined.assign(kb.findings().size(), false);
  InterviewStep s1 = NextStep(kb, req);
  ASSERT_FALSE(s1.done);
  EXPECT_EQ(s1.screen->stage, "opening");
  EXPECT_EQ(s1.screen->kind, ScreenKind::kForm);
  EXPECT_EQ(s1.screen->title, kb.compiled().interview.opening_title);
  ASSERT_EQ(s1.screen->questions.size(), 3u);
  EXPECT_EQ(s1.screen->questions[0].finding, "age_years");
  EXPECT_EQ(s1.screen->questions[1].finding, "sex");
  EXPECT_EQ(s1.screen->questions[2].finding, "weight_kg");
  EXPECT_EQ(s1.screen->questions[1].why, kb.compiled().interview.why_applies);
  req.findings.set(kb.FindingIndex("age_years"), 40);
  InterviewStep s2 = NextStep(kb, req);
  EXPECT_EQ(s2.screen->id, "opening:form:sex+weight_kg");
  req.findings.set(kb.FindingIndex("sex"), 0);
  req.declined[kb.FindingIndex("weight_kg")] = true;
  InterviewStep s3 = NextStep(kb, req);
  EXPECT_EQ(s3.screen->kind, ScreenKind::kChecklist);
  EXPECT_EQ(s3.screen->questions[0].finding, "back_pain");
  req.findings.set(kb.FindingIndex("back_pain"), 1);
  req.findings.set(kb.FindingIndex("leg_aches"), 0);
  req.findings.set(kb.FindingIndex("leg_cramps"), 0);
  InterviewStep s4 = NextStep(kb, req);
  EXPECT_EQ(s4.screen->stage, "emergency");
  for (const auto& q : s4.screen->questions) {
    EXPECT_FALSE(q.why.empty()) << q.finding;
    EXPECT_GE(q.could_reach, Level::kUrgent) << q.finding;
  }
}

TEST(InterviewTest, SettledFindingsAreNotAsked) {
  // With leg numbness "none" and no back pain, nothing asks which side.
  const KnowledgeBase& kb = Kb();
  auto req = ParseRequest(kb, R"({"findings": {"age_years": 30, "back_pain": false, "leg_aches": true,
      "leg_numbness": "none", "sciatica": "none", "leg_weakness": "none"}})");
  ASSERT_TRUE(req.ok());
  Request r = req.value();
  for (int guard = 0; guard < 100; ++guard) {
    InterviewStep step = NextStep(kb, r);
    if (step.done) break;
    for (const auto& q : step.screen->questions) {
      EXPECT_NE(q.finding, "saddle_numbness");  // cauda equina needs back pain
      EXPECT_NE(q.finding, "back_pain_site");
      r.declined[kb.FindingIndex(q.finding)] = true;
    }
  }
}

TEST(InterviewTest, EmergencyStopsAtOnce) {
  const KnowledgeBase& kb = Kb();
  auto req = ParseRequest(kb, R"({"findings": {"age_years": 30, "back_pain": true, "saddle_numbness": true}})");
  ASSERT_TRUE(req.ok());
  InterviewStep step = NextStep(kb, req.value());
  EXPECT_TRUE(step.done);
  EXPECT_TRUE(step.emergency);
  EXPECT_FALSE(step.emergency_banner.empty());
  json j = json::parse(ToJson(step));
  EXPECT_TRUE(j["done"].get<bool>());
  EXPECT_EQ(j["result"]["disposition"], "emergency");
}

}  // namespace
}  // namespace norotriage::testing
