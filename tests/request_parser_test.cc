// ParseRequest: every kind of bad input gets a JSON path and a clear message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "norotriage/engine.h"

namespace norotriage {
namespace {

using ::testing::HasSubstr;

class RequestParserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { kb_ = KnowledgeBase::LoadBuiltin().value(); }
  static std::shared_ptr<const KnowledgeBase> kb_;
};
std::shared_ptr<const KnowledgeBase> RequestParserTest::kb_;

TEST_F(RequestParserTest, ValidRequest) {
  auto r = ParseRequest(*kb_, R"({"ref": "case-7", "findings": {"age_years": 34, "back_pain": true,
      "sciatica": "one_leg", "vomits_24h": 3, "temperature_c": 37.5, "thirst": null}})");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Request& req = r.value();
  EXPECT_EQ(req.ref, "case-7");
  EXPECT_EQ(req.findings.get(kb_->FindingIndex("age_years")), 34);
  EXPECT_EQ(req.findings.get(kb_->FindingIndex("back_pain")), 1);
  EXPECT_EQ(req.findings.get(kb_->FindingIndex("sciatica")), 1);  // none, one_leg, both_legs
  EXPECT_FALSE(req.findings.known(kb_->FindingIndex("thirst")));  // null is unknown
  EXPECT_FALSE(req.findings.known(kb_->FindingIndex("saddle_numbness")));
}

TEST_F(RequestParserTest, BadInputNamesPathAndProblem) {
  struct Case { const char* json; const char* path; const char* message; } cases[] = {
      {R"({"findings": {"age_years": 30, "back_pian": true}})", "$.findings.back_pian",
       "unknown finding 'back_pian' (did you mean 'back_pain'?)"},
      {R"({"findings": {"age_years": 30, "zzzzzzzzzz": true}})", "$.findings.zzzzzzzzzz", "unknown finding 'zzzzzzzzzz'"},
      {R"({"findings": {"age_years": 30, "back_pain_score": 14, "back_pain": true}})", "$.findings.back_pain_score",
       "14 is above the maximum of 10"},
      {R"({"findings": {"age_years": -1}})", "$.findings.age_years", "-1 is below the minimum of 0"},
      {R"({"findings": {"back_pain": true}})", "$.findings.age_years", "is required"},
      {R"({"ref": "x"})", "$.findings", "is required"},
      {R"({"findings": {"age_years": "thirty"}})", "$.findings.age_years", "expected a number, got text"},
      {R"({"findings": {"age_years": 30, "back_pain": "yes"}})", "$.findings.back_pain", "expected true or false"},
      {R"({"findings": {"age_years": 30, "back_pain": 1}})", "$.findings.back_pain", "expected true or false, got a number"},
      {R"({"findings": {"age_years": 30, "sciatica": "left_leg"}})", "$.findings.sciatica",
       "\"left_leg\" is not one of: none, one_leg, both_legs"},
      {R"({"findings": {"age_years": 30, "vomits_24h": 2.5}})", "$.findings.vomits_24h", "2.5 is not a whole number"},
      {R"({"findings": {"age_years": 30, "back_pain": false, "back_pain_score": 6}})", "$.findings.back_pain_score",
       "back_pain is false"},
      {R"({"findings": {"age_years": 30, "sex": "male", "pregnancy_weeks": 20}})", "$.findings.pregnancy_weeks", ""},
      {R"({"findings": {"age_years": 30, "age_years": 31}})", "$.findings.age_years", "is given twice"},
      {R"({"findings": {"age_years": 30}, "extra": 1})", "$.extra", "unknown field"},
      {R"({"findings": [1, 2]})", "$.findings", "expected an object"},
      {R"([1, 2])", "$", "expected a JSON object"},
      {R"({"findings": {"age_years": 30})", "$", "malformed JSON"},
      {R"({"findings": {"age_years": 30}} trailing)", "$", ""},
      {R"({"ref": 5, "findings": {"age_years": 30}})", "$.ref", "expected text"},
      {R"({"findings": {"age_years": 1e999}})", "$.findings.age_years", ""},
      {R"({"findings": {"age_years": 30, "we ird\"key": 1}})", "$.findings[\"we ird\\x22key\"]", "unknown finding"},
      {"", "$", ""},
      {"{\"findings\": {\"age_years\": 30, \"\xff\xfe\": 1}}", "$", "malformed JSON"},
  };
  for (const auto& c : cases) {
    auto r = ParseRequest(*kb_, c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.error().path, c.path) << c.json << " -> " << r.error().ToString();
    EXPECT_THAT(r.error().message, HasSubstr(c.message)) << c.json;
  }
}

TEST_F(RequestParserTest, DeepNestingAndHugeInputAreRejectedCleanly) {
  std::string deep = R"({"findings": {"age_years": 30, "back_pain": )" + std::string(5000, '[') +
                     std::string(5000, ']') + "}}";
  auto r = ParseRequest(*kb_, deep);
  ASSERT_FALSE(r.ok());
  std::string huge = R"({"ref": ")" + std::string(2 << 20, 'a') + R"(", "findings": {"age_years": 1}})";
  r = ParseRequest(*kb_, huge);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("larger than"));
}

// ParseRequestInto reuses one Request for many texts (batch mode): each
// result is what ParseRequest gives for that text alone, whatever came
// before it, errors included.
TEST_F(RequestParserTest, ParseIntoAReusedRequestEqualsAFreshParse) {
  const char* texts[] = {
      R"({"ref": "a", "findings": {"age_years": 30, "back_pain": true, "back_pain_score": 7, "thirst": "thirsty"}})",
      R"({"findings": {"age_years": 8, "leg_aches": true, "sex": null}})",
      R"({"findings": {"age_years": 30, "back_pain": "yes"}})",  // an error after a valid request
      R"({"ref": "b", "findings": {"age_years": 70}})",
      R"({"findings": {"back_pain": true}})",  // no age
      R"({"ref": "c", "findings": {}})",
  };
  Request reused;
  for (int round = 0; round < 2; ++round) {
    for (const char* text : texts) {
      const auto fresh = ParseRequest(*kb_, text);
      const auto error = ParseRequestInto(*kb_, text, ParseOptions{}, &reused);
      ASSERT_EQ(fresh.ok(), !error.has_value()) << text;
      if (error) {
        EXPECT_EQ(error->path, fresh.error().path) << text;
        EXPECT_EQ(error->message, fresh.error().message) << text;
        continue;
      }
      EXPECT_EQ(reused.ref, fresh.value().ref) << text;
      EXPECT_EQ(reused.declined, fresh.value().declined) << text;
      ASSERT_EQ(reused.findings.size(), fresh.value().findings.size());
      for (size_t i = 0; i < reused.findings.size(); ++i) {
        EXPECT_EQ(reused.findings.known(i), fresh.value().findings.known(i)) << text << " finding " << i;
        if (reused.findings.known(i)) {
          EXPECT_EQ(reused.findings.get(i), fresh.value().findings.get(i)) << text;
        }
      }
    }
  }
}

}  // namespace
}  // namespace norotriage
