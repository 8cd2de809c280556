// AssessInto (src/eval/assess_into.h) refills one Assessment request after
// request, keeping the memory of its lists: nothing of an earlier request
// may show in a later one.
#include "eval/assess_into.h"

#include <string>

#include <gtest/gtest.h>

#include "assess_test_util.h"
#include "norotriage/engine.h"
#include "request_generator.h"

namespace norotriage {
namespace {

using testing::Kb;
using testing::RequestGenerator;
using testing::Rng;

TEST(AssessIntoTest, AReusedAssessmentIsWhatAssessGivesRequestAfterRequest) {
  const KnowledgeBase& kb = Kb();
  const RequestGenerator gen(kb.compiled());
  Rng rng(21);
  Assessment reused;
  int assessed = 0;
  for (int i = 0; i < 4000 && !::testing::Test::HasFailure(); ++i) {
    auto request = ParseRequest(kb, testing::ToRequestJson(kb.compiled(), gen.Generate(rng)));
    if (!request.ok()) continue;  // a generated request can break a consistency rule
    if (i % 2 == 0) request->ref = "r" + std::to_string(i);  // a ref, then none
    internal::AssessInto(kb, *request, &reused);
    const Assessment fresh = Assess(kb, *request);
    EXPECT_EQ(reused.kb, fresh.kb);
    EXPECT_EQ(ToJson(reused), ToJson(fresh)) << "generated request " << i;
    EXPECT_EQ(ToText(reused, false), ToText(fresh, false)) << "generated request " << i;
    ++assessed;
  }
  EXPECT_GT(assessed, 1500);
}

}  // namespace
}  // namespace norotriage
