// A simulated respondent: answers each interview screen from a known "true"
// set of findings, and "I don't know" for anything it leaves out. On a tick
// list it ticks what is true; the rest are "no" only when the truth says no
// for every one of them, otherwise "I don't know".
#ifndef NOROTRIAGE_TESTS_INTERVIEW_SIMULATOR_H_
#define NOROTRIAGE_TESTS_INTERVIEW_SIMULATOR_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "norotriage/engine.h"
#include "norotriage/interview.h"

namespace norotriage::testing {

using nlohmann::json;

struct Simulation {
  int screens = 0;               // screens shown
  int opening_screens = 0;       // age and complaint screens
  int emergency_after = -1;      // screens after age and complaint when the emergency was found
  std::vector<std::string> stages;
  std::vector<std::string> asked;  // findings, in order
  std::vector<int> asked_screen;   // for each of `asked`: the screen it was on (0-based)
  std::vector<std::string> screen_ids;  // Screen::id of each screen, in order
  InterviewStep last;
};

// Answers one question from the vignette: its value, or null ("I don't know").
inline void Answer(const KnowledgeBase& kb, const json& truth, std::string_view finding, Request* req) {
  int i = kb.FindingIndex(finding);
  const FindingSpec& f = kb.findings()[i];
  auto it = truth.find(std::string(finding));
  if (it == truth.end() || it->is_null()) {
    req->declined[i] = true;
    return;
  }
  if (f.type == FindingType::kBool) {
    req->findings.set(i, it->get<bool>() ? 1 : 0);
  } else if (f.type == FindingType::kChoice) {
    auto pos = std::find(f.choices.begin(), f.choices.end(), it->get<std::string>());
    req->findings.set(i, static_cast<double>(pos - f.choices.begin()));
  } else {
    req->findings.set(i, it->get<double>());
  }
}

inline Simulation Simulate(const KnowledgeBase& kb, const json& truth) {
  Simulation sim;
  Request req;
  req.findings = Findings(kb.findings().size());
  req.declined.assign(kb.findings().size(), false);
  for (int guard = 0; guard < 200; ++guard) {
    InterviewStep step = NextStep(kb, req);
    if (step.done) {
      sim.last = std::move(step);
      break;
    }
    const Screen& s = *step.screen;
    ++sim.screens;
    sim.stages.emplace_back(s.stage);
    sim.screen_ids.push_back(s.id);
    bool opening_age_or_complaint = s.stage == "opening" && s.questions[0].finding != "weight_kg";
    if (opening_age_or_complaint) ++sim.opening_screens;
    if (s.kind == ScreenKind::kChecklist) {
      // Tick what is true; the rest are "no" only when the vignette says so
      // for every one of them, otherwise "I don't know".
      bool rest_known_false = true;
      for (const auto& q : s.questions) {
        auto it = truth.find(std::string(q.finding));
        if (it == truth.end() || it->is_null()) rest_known_false = false;
      }
      for (const auto& q : s.questions) {
        sim.asked.emplace_back(q.finding);
        sim.asked_screen.push_back(sim.screens - 1);
        int i = kb.FindingIndex(q.finding);
        auto it = truth.find(std::string(q.finding));
        bool ticked = it != truth.end() && it->is_boolean() && it->get<bool>();
        if (ticked) req.findings.set(i, 1);
        else if (rest_known_false) req.findings.set(i, 0);
        else req.declined[i] = true;
      }
    } else {
      for (const auto& q : s.questions) {
        sim.asked.emplace_back(q.finding);
        sim.asked_screen.push_back(sim.screens - 1);
        Answer(kb, truth, q.finding, &req);
      }
    }
    Assessment now = Assess(kb, req);
    if (now.disposition == Level::kEmergency && sim.emergency_after < 0) {
      sim.emergency_after = sim.screens - sim.opening_screens;
    }
  }
  return sim;
}

}  // namespace norotriage::testing

#endif  // NOROTRIAGE_TESTS_INTERVIEW_SIMULATOR_H_
