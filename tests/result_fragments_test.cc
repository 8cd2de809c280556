// The result JSON written with the knowledge base's texts rendered once
// (src/output/result_fragments.h) is, byte for byte, the JSON of the plain
// writer: tests/reference_result_json.h (one JsonWriter call per value, the
// writer before the fragments), and ToJson of the same assessment without
// its knowledge base (no fragments at all).
#include "output/result_fragments.h"

#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "assess_test_util.h"
#include "kb_test_util.h"
#include "norotriage/engine.h"
#include "reference_result_json.h"
#include "request_generator.h"

namespace norotriage {
namespace {

using internal::FragmentsOf;
using internal::ResultFragments;
using testing::Kb;
using testing::RequestGenerator;
using testing::Rng;

// Where two results first differ, with some context: a result is ~20 KiB,
// too long to read whole in a failure message.
std::string FirstDifference(const std::string& got, const std::string& want) {
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  const size_t from = i < 60 ? 0 : i - 60;
  return "first difference at byte " + std::to_string(i) + "\n  got:  ..." + got.substr(from, 120) +
         "\n  want: ..." + want.substr(from, 120);
}

void ExpectSameJson(const std::string& got, const std::string& want) {
  EXPECT_TRUE(got == want) << FirstDifference(got, want);
}

std::string WithoutFragments(const Assessment& a) {
  Assessment plain = a;
  plain.kb = nullptr;
  return ToJson(plain);
}

// Assesses `count` generated requests (those the parser accepts) and checks
// the three writers agree on each; returns how many were assessed.
int ExpectSameBytesOnGenerated(const KnowledgeBase& kb, uint64_t seed, int count) {
  const RequestGenerator gen(kb.compiled());
  Rng rng(seed);
  int assessed = 0;
  for (int i = 0; i < count; ++i) {
    auto request = ParseRequest(kb, testing::ToRequestJson(kb.compiled(), gen.Generate(rng)));
    if (!request.ok()) continue;  // a generated request can break a consistency rule
    if (i % 3 == 0) request->ref = "case \"" + std::to_string(i) + "\"\t\xC3\xA9";
    const Assessment a = Assess(kb, *request);
    EXPECT_EQ(a.kb, &kb);
    const std::string json = ToJson(a);
    SCOPED_TRACE("generated request " + std::to_string(i) + " (seed " + std::to_string(seed) + ")");
    ExpectSameJson(json, testing::reference::ReferenceJson(a));
    ExpectSameJson(json, WithoutFragments(a));
    if (::testing::Test::HasFailure()) break;  // one request's difference is enough to read
    ++assessed;
  }
  return assessed;
}

TEST(ResultFragmentsTest, SameBytesAsThePlainWriterOnGeneratedRequests) {
  EXPECT_GT(ExpectSameBytesOnGenerated(Kb(), 15, 6000), 2500);
}

// The built-in texts are plain; these need every kind of escaping.
class ResultFragmentsEscapingTest : public testing::KbTestWithBuiltinFiles {};

TEST_F(ResultFragmentsEscapingTest, SameBytesWhenTheTextsNeedEscaping) {
  const std::string odd = R"(Odd \"quoted\" \\ tab\t line\n \u00e9 \u0001 \u2028 )";
  for (const char* key : {"safety_net: \"", "advice: \"", "title: \""}) {
    for (size_t at = 0; (at = File("flags.yaml").text.find(key, at)) != std::string::npos; at += 1) {
      File("flags.yaml").text.insert(at + std::string_view(key).size(), odd);
    }
  }
  Replace("findings.yaml", "question: \"", "question: \"" + odd);
  Replace("medicines.yaml", "reason: \"", "reason: \"" + odd);
  auto kb = KnowledgeBase::LoadFiles(files_);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  ASSERT_NE(FragmentsOf((*kb)->compiled()).String((*kb)->compiled().flags[0].advice), nullptr);
  EXPECT_NE((*kb)->compiled().flags[0].advice.find("\"quoted\""), std::string::npos);
  EXPECT_GT(ExpectSameBytesOnGenerated(**kb, 16, 1500), 600);
}

// An assessment changed after Assess (a caller's own text in place of the
// knowledge base's) is written as changed: a fragment is used only for a view
// of exactly the text it was rendered from.
TEST(ResultFragmentsTest, ChangedTextIsWrittenAsChanged) {
  const KnowledgeBase& kb = Kb();
  auto request = ParseRequest(kb, R"({"findings": {"age_years": 40, "back_pain": true,
      "temperature_c": 38.5, "non_blanching_rash": true, "gi_ongoing": true}})");
  ASSERT_TRUE(request.ok()) << request.error().ToString();
  Assessment a = Assess(kb, *request);
  ASSERT_FALSE(a.flags.empty());
  ASSERT_FALSE(a.flags[0].sources.empty());
  ASSERT_GE(a.safety_net.size(), 2u);
  ASSERT_FALSE(a.unanswered.empty());

  const std::string own = "My own \"text\"";
  const std::string advice_copy(a.flags[0].advice);  // the same bytes elsewhere
  a.flags[0].advice = advice_copy;
  a.flags[0].sources.pop_back();                     // a shorter list
  a.safety_net[0].text = own;
  a.safety_net[1].level = Level::kSelfCare;          // a level the flag does not have
  a.unanswered[0].question = std::string_view(a.unanswered[0].question).substr(1);  // part of a text
  a.hydration.plan_text = own;

  const std::string json = ToJson(a);
  ExpectSameJson(json, testing::reference::ReferenceJson(a));
  ExpectSameJson(json, WithoutFragments(a));
  EXPECT_NE(json.find(R"("text":"My own \"text\"")"), std::string::npos);
}

TEST(ResultFragmentsTest, FindsOnlyTheKnowledgeBasesOwnText) {
  const internal::CompiledKb& ckb = Kb().compiled();
  const ResultFragments& f = FragmentsOf(ckb);
  EXPECT_EQ(&f, &FragmentsOf(ckb));  // rendered once

  const std::string& advice = ckb.flags[0].advice;
  ASSERT_NE(f.String(advice), nullptr);
  std::string expected;
  internal::AppendJsonString(advice, &expected);
  EXPECT_EQ(*f.String(advice), expected);
  const std::string copy = advice;
  EXPECT_EQ(f.String(copy), nullptr);                                   // same bytes, other memory
  EXPECT_EQ(f.String(std::string_view(advice).substr(0, 5)), nullptr);  // part of the text
  EXPECT_EQ(f.String("back_pain"), nullptr);

  const auto& rule = ckb.flags[0];
  std::vector<std::string_view> sources(rule.sources.begin(), rule.sources.end());
  ASSERT_NE(f.SourceList(sources), nullptr);
  sources.pop_back();
  EXPECT_EQ(f.SourceList(sources), nullptr);
  EXPECT_EQ(f.SourceList({}), nullptr);

  SafetyNetItem item{rule.id, rule.level, rule.safety_net};
  ASSERT_NE(f.SafetyNetItem(item), nullptr);
  item.level = Level::kRoutine;
  EXPECT_EQ(f.SafetyNetItem(item), nullptr);

  const FindingSpec& finding = ckb.findings[0];
  UnansweredItem u{finding.id, Level::kUrgent, finding.question, {}};
  ASSERT_NE(f.UnansweredHead(u), nullptr);
  u.could_reach = static_cast<Level>(7);  // outside the enum
  EXPECT_EQ(f.UnansweredHead(u), nullptr);
}

}  // namespace
}  // namespace norotriage
