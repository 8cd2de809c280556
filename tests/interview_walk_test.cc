// Persona walks: the interview run to the end for a few people who answer
// every question truthfully from a full set of findings
// (tests/interview_personas.json). Each walk prints its screens, and must end
// at the disposition that assessing all of the person's answers at once
// gives. docs/interview-walks.md keeps the numbers.
#include <fstream>
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
    if (p.id == "well_adult") EXPECT_LE(w.sim.screens, 12) << "the well adult's interview is too long";
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
