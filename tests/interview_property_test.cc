// The interview over generated people: whatever is true of them, answering
// only the screens the interview shows reaches the same disposition as
// knowing everything (with no flag the truth does not raise), asks nothing
// twice, never goes back to a higher level, and asks nothing that does not
// apply to the person (nor before what decides whether it applies).
#include <gtest/gtest.h>

#include "assess_test_util.h"
#include "interview_applicability.h"
#include "interview_simulator.h"
#include "request_generator.h"

namespace norotriage::testing {
namespace {

TEST(InterviewPropertyTest, ReachesTheFullAssessment) {
  const KnowledgeBase& kb = Kb();
  const CompiledKb& ckb = kb.compiled();
  RequestGenerator gen(ckb);
  Rng rng(777);
  int cases = 0, total_screens = 0, max_screens = 0, emergencies = 0;
  for (int attempt = 0; attempt < 6000 && cases < 2000; ++attempt) {
    Values v = gen.Generate(rng);
    // History is worked out from earlier check-ins, never asked: a person
    // in an interview has none.
    for (size_t i = 0; i < v.size(); ++i) {
      if (ckb.history_slot[i]) v[i].reset();
    }
    std::string text = ToRequestJson(ckb, v);
    auto truth_req = ParseRequest(kb, text);
    if (!truth_req.ok()) continue;  // a contradiction: not a person
    // Nor does a person have an answer to what does not apply to them (the
    // pregnancy questions for a man, tears for an adult): the interview never
    // asks it, so it cannot learn it.
    internal::RequestState st;
    internal::PrepareState(ckb, truth_req.value().findings, &st);
    bool dropped = false;
    for (const internal::Applicability& a : ckb.applicability) {
      if (v[a.slot] && internal::Eval(ckb.program, a.asked_when, st.values.data()) == internal::kFalse) {
        v[a.slot].reset();
        dropped = true;
      }
    }
    if (dropped) {
      text = ToRequestJson(ckb, v);
      truth_req = ParseRequest(kb, text);
      if (!truth_req.ok()) continue;
    }
    ++cases;
    const Assessment truth = Assess(kb, truth_req.value());
    const json findings = json::parse(text)["findings"];
    Simulation sim = Simulate(kb, findings);
    SCOPED_TRACE(text);
    ASSERT_TRUE(sim.last.done);
    const Assessment& got = sim.last.assessment;
    ASSERT_EQ(got.disposition, truth.disposition);
    if (truth.disposition == Level::kEmergency) {
      ++emergencies;
      EXPECT_TRUE(sim.last.emergency);
    }
    // Every flag found is one the full truth raises. (Flags at or below the
    // disposition may stay unasked: their answers cannot change it.)
    for (const auto& f : got.flags) ASSERT_TRUE(HasFlag(truth, f.id)) << f.id;
    std::vector<std::string> asked = sim.asked;
    std::sort(asked.begin(), asked.end());
    ASSERT_TRUE(std::adjacent_find(asked.begin(), asked.end()) == asked.end()) << "a finding asked twice";
    int last = 10;
    for (const auto& stage : sim.stages) {
      Level l;
      if (!ParseLevel(stage, &l)) continue;
      ASSERT_LE(static_cast<int>(l), last) << "a " << stage << " screen after a lower level";
      last = static_cast<int>(l);
    }
    const std::vector<std::string> not_applicable = NotApplicableAsks(kb, sim, findings);
    ASSERT_TRUE(not_applicable.empty()) << not_applicable.front();
    total_screens += sim.screens;
    max_screens = std::max(max_screens, sim.screens);
  }
  ASSERT_GE(cases, 1000);
  std::printf("[ interview ] %d generated people (%d emergencies): mean %.1f screens, max %d\n", cases,
              emergencies, static_cast<double>(total_screens) / cases, max_screens);
}

}  // namespace
}  // namespace norotriage::testing
