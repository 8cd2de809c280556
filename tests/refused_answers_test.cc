// The questions the consistency rules leave no answer to are not asked
// (src/eval/refused_answers.h): `unanswered` lists only findings some answer
// of which a request may carry, and the details of a complaint answered "no"
// are left out.
#include "eval/refused_answers.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "eval/fast_eval.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"
#include "request_generator.h"

namespace norotriage {
namespace {

const KnowledgeBase& Kb() {
  static const auto kb = KnowledgeBase::LoadBuiltin().value();
  return *kb;
}

std::vector<std::string> UnansweredIds(const std::string& json) {
  auto req = ParseRequest(Kb(), json);
  EXPECT_TRUE(req.ok()) << json;
  std::vector<std::string> ids;
  if (!req.ok()) return ids;
  for (const auto& u : Assess(Kb(), req.value()).unanswered) ids.emplace_back(u.finding);
  return ids;
}

bool Lists(const std::vector<std::string>& ids, const char* id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(RefusedAnswersTest, DetailsOfAComplaintAnsweredNoAreNotAsked) {
  const auto no = UnansweredIds(R"({"findings": {"age_years": 40, "back_pain": false, "leg_aches": false}})");
  for (const char* detail : {"back_pain_site", "back_pain_days", "back_pain_trend", "leg_aches_days"}) {
    EXPECT_FALSE(Lists(no, detail)) << detail << " is asked after \"no\"";
  }
  // Unanswered complaint: its details may still matter, and may be given.
  const auto unknown = UnansweredIds(R"({"findings": {"age_years": 40}})");
  EXPECT_TRUE(Lists(unknown, "back_pain")) << "back_pain";
  // Answered "yes": the details are asked.
  const auto yes = UnansweredIds(R"({"findings": {"age_years": 40, "back_pain": true}})");
  EXPECT_TRUE(Lists(yes, "back_pain_days"));
}

TEST(RefusedAnswersTest, EveryAnswerRefusedMatchesTheParser) {
  const auto& ckb = Kb().compiled();
  const auto& fast = internal::FastOf(ckb);
  const auto& refused = fast.refused_answers();
  ASSERT_TRUE(fast.consistency_on_findings());
  testing::RequestGenerator gen(ckb);
  testing::Rng rng(7);
  int checked = 0, found_refused = 0;
  for (int n = 0; n < 300; ++n) {
    const testing::Values generated = gen.Generate(rng);
    auto req = ParseRequest(Kb(), testing::ToRequestJson(ckb, generated));
    if (!req.ok()) continue;  // the generator breaks rules now and then
    const Findings& findings = req.value().findings;
    std::vector<double> values(findings.data(), findings.data() + ckb.findings.size());
    for (size_t s = 0; s < ckb.findings.size(); ++s) {
      if (findings.known(s) || req.value().declined[s]) continue;
      const bool all_refused = refused.EveryAnswerRefused(fast, static_cast<int>(s), values.data());
      // The parser's verdict on each probe answer, added to the request.
      bool parser_refuses_all = true;
      for (double probe : refused.Probes(static_cast<int>(s))) {
        const FindingSpec& f = ckb.findings[s];
        testing::Values with = generated;
        if (f.type == FindingType::kBool) {
          with[s] = nlohmann::json(probe != 0);
        } else if (f.type == FindingType::kChoice) {
          with[s] = nlohmann::json(f.choices[static_cast<size_t>(probe)]);
        } else {
          with[s] = nlohmann::json(probe);
        }
        parser_refuses_all = parser_refuses_all && !ParseRequest(Kb(), testing::ToRequestJson(ckb, with)).ok();
      }
      EXPECT_EQ(all_refused, parser_refuses_all) << ckb.findings[s].id;
      ++checked;
      found_refused += all_refused;
    }
    // NaN (unknown) is not equal to itself: compare the bytes.
    ASSERT_EQ(std::memcmp(values.data(), findings.data(), values.size() * sizeof(double)), 0)
        << "EveryAnswerRefused restores the values";
  }
  EXPECT_GT(checked, 1000);
  EXPECT_GT(found_refused, 0);
}

}  // namespace
}  // namespace norotriage
