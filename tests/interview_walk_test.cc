// Persona walks: the interview run to the end for a few people who answer
// every question truthfully from a full set of findings
// (tests/interview_personas.json). Each walk prints its screens, and must end
// at the disposition that assessing all of the person's answers at once
// gives. docs/interview-walks.md keeps the numbers.
#include <fstream>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "interview_applicability.h"
#include "interview_simulator.h"
#include "kb_test_util.h"
#include "norotriage/interview.h"

namespace norotriage::testing {
namespace {

using nlohmann::json;

struct Persona {
  std::string id, about;
  json truth;  // findings the knowledge base has, history left out
};

std::vector<Persona> Personas(const KnowledgeBase& kb) {
  json file = json::parse(std::ifstream(std::string(NOROTRIAGE_SOURCE_DIR) + "/tests/interview_personas.json"));
  std::vector<Persona> out;
  for (const json& p : file["personas"]) {
    json all = file["baseline"];
    for (const auto& [k, v] : p["findings"].items()) {
      if (v.is_null()) all.erase(k);
      else all[k] = v;
    }
    json truth = json::object();
    for (const auto& [k, v] : all.items()) {
      int i = kb.FindingIndex(k);
      if (i < 0 || kb.findings()[i].group == "history") continue;  // not in this version; never asked
      truth[k] = v;
    }
    out.push_back({p["id"].get<std::string>(), p["about"].get<std::string>(), std::move(truth)});
  }
  return out;
}

struct Walk {
  Simulation sim;
  Assessment all_at_once;
};

Walk WalkPersona(const KnowledgeBase& kb, const Persona& p) {
  Walk w;
  w.sim = Simulate(kb, p.truth);
  auto req = ParseRequest(kb, json{{"findings", p.truth}}.dump());
  EXPECT_TRUE(req.ok()) << p.id << ": " << (req.ok() ? "" : req.error().ToString());
  if (req.ok()) w.all_at_once = Assess(kb, *req);
  return w;
}

TEST(InterviewWalkTest, PersonasReachTheAllAtOnceDisposition) {
  const KnowledgeBase& kb = Kb();
  std::string report = fmt::format("[ walks ] knowledge base {}\n", kb.version());
  std::string table =
      "| persona | screens | questions | disposition | all at once |\n|---|---|---|---|---|\n";
  for (const Persona& p : Personas(kb)) {
    SCOPED_TRACE(p.id);
    Walk w = WalkPersona(kb, p);
    ASSERT_TRUE(w.sim.last.done);
    const Level got = w.sim.last.assessment.disposition;
    report += fmt::format("[ walk ] {}: {}\n", p.id, p.about);
    for (size_t i = 0; i < w.sim.screen_ids.size(); ++i) {
      report += fmt::format("  {:>2}. {}\n", i + 1, w.sim.screen_ids[i]);
    }
    report += fmt::format("  -> {} screens, {} questions: {}{} (all at once: {})\n", w.sim.screens,
                          w.sim.asked.size(), LevelId(got), w.sim.last.emergency ? ", stopped for the emergency" : "",
                          LevelId(w.all_at_once.disposition));
    table += fmt::format("| {} | {} | {} | {} | {} |\n", p.id, w.sim.screens, w.sim.asked.size(), LevelId(got),
                         LevelId(w.all_at_once.disposition));
    EXPECT_EQ(LevelId(got), LevelId(w.all_at_once.disposition));
    // Nothing that does not apply is asked; sex and age come first.
    for (const std::string& problem : NotApplicableAsks(kb, w.sim, p.truth)) ADD_FAILURE() << problem;
    if (p.id == "well_adult") {
      EXPECT_LE(w.sim.screens, 12) << "the well adult's interview is too long";
    }
  }
  std::printf("%s%s", report.c_str(), table.c_str());
}

// With an opening that leaves sex out, the interview still asks it before
// any finding whose asked_when reads it (on a screen of its own).
TEST(InterviewWalkTest, WhatDecidesWhoAFindingAppliesToIsAskedFirst) {
  std::vector<KbFile> files = RepoKbFiles();
  for (KbFile& f : files) {
    if (f.name != "knowledge/interview.yaml") continue;
    const std::string from = "opening: [[age_years, sex, weight_kg], complaint]";
    const size_t at = f.text.find(from);
    ASSERT_NE(at, std::string::npos);
    f.text.replace(at, from.size(), "opening: [age_years, complaint, weight_kg]");
  }
  auto loaded = KnowledgeBase::LoadFiles(files);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const KnowledgeBase& kb = **loaded;
  int asked_sex = 0;
  for (const Persona& p : Personas(kb)) {
    SCOPED_TRACE(p.id);
    Simulation sim = Simulate(kb, p.truth);
    ASSERT_TRUE(sim.last.done);
    for (const std::string& problem : NotApplicableAsks(kb, sim, p.truth)) ADD_FAILURE() << problem;
    asked_sex += ScreenOf(sim, "sex") >= 0;
  }
  EXPECT_GT(asked_sex, 0);  // the pregnancy or testicle questions came up, after sex
}

}  // namespace
}  // namespace norotriage::testing

namespace norotriage::testing {
namespace {

// A person with no tummy pain who answers every screen truthfully, "none of
// these" included, never reaches a contradiction: the details of tummy pain
// are asked only after tummy pain itself (consistency rules "abdominal_pain =
// none and known(detail)"), as are the ketones after diabetes.
TEST(InterviewDetailsTest, DetailsWaitForTheFindingTheyBelongTo) {
  const KnowledgeBase& kb = Kb();
  const int pain = kb.FindingIndex("abdominal_pain");
  const int ketones = kb.FindingIndex("ketones_mmol");
  ASSERT_GE(pain, 0);
  ASSERT_GE(ketones, 0);
  const std::vector<std::string> details = {"abdominal_pain_site", "abdominal_pain_worse_moving",
                                            "abdominal_pain_to_back"};
  // Every answer so far "no"/unknown except the opening; step until done.
  std::string findings = R"("age_years": 40, "sex": "female", "weight_kg": 70, "back_pain": true,)"
                         R"( "leg_aches": false, "leg_cramps": false)";
  std::set<std::string> asked;
  for (int step = 0; step < 30; ++step) {
    auto req = ParseRequest(kb, "{\"findings\": {" + findings + "}}");
    ASSERT_TRUE(req.ok()) << req.error().ToString() << "\n" << findings;
    const InterviewStep s = NextStep(kb, *req);
    if (s.done) break;
    ASSERT_TRUE(s.screen.has_value());
    for (const auto& q : s.screen->questions) {
      const std::string id(q.finding);
      for (const auto& d : details) {
        if (id == d) {
          EXPECT_TRUE(asked.count("abdominal_pain")) << d << " asked before abdominal_pain";
        }
      }
      if (id == "ketones_mmol") {
        EXPECT_TRUE(asked.count("diabetes") && asked.count("sglt2_inhibitor")) << "ketones asked first";
      }
      asked.insert(id);
      // The truthful "no": false, the first choice (none/normal/...), or unknown for numbers.
      std::string value = "null";
      if (q.type == FindingType::kBool) value = "false";
      if (q.type == FindingType::kChoice) value = "\"" + std::string(q.choices.front().value) + "\"";
      findings += ", \"" + id + "\": " + value;
    }
  }
  EXPECT_TRUE(asked.count("abdominal_pain"));
}

}  // namespace
}  // namespace norotriage::testing
