// The numbers to call (issue 16, item 8): the knowledge base's defaults with
// their country, their validation, a deployment's own numbers
// (KnowledgeBase::WithCallNumbers, as `serve --emergency-number` uses), the
// result's "call", and the terminal's one-screen summary that shows them.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "kb_test_util.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::testing {
namespace {

using json = nlohmann::json;

constexpr char kWellBack[] =
    "\"age_years\": 34, \"sex\": \"female\", \"weight_kg\": 70, \"back_pain\": true, \"leg_aches\": false";

TEST(CallNumbersTest, KnowledgeBaseDefaultsNameTheirCountry) {
  const CallNumbers& c = Kb().call_numbers();
  EXPECT_EQ(c.country, "United Kingdom");
  EXPECT_EQ(c.emergency, "999");
  EXPECT_EQ(c.urgent, "111");
}

TEST(CallNumbersTest, IsCallNumber) {
  const struct {
    const char* s;
    bool ok;
  } cases[] = {{"999", true},   {"111", true},   {"112", true},          {"+441234567890", true},
               {"911", true},   {"12", true},    {"123456789012345", true}, {"1", false},
               {"", false},     {"+", false},    {"99x", false},         {"999 ", false},
               {"9 99", false}, {"++999", false}, {"1234567890123456", false}, {"-999", false},
               {"tel:999", false}};
  for (const auto& c : cases) EXPECT_EQ(IsCallNumber(c.s), c.ok) << c.s;
}

class CallNumbersKbTest : public KbTestWithBuiltinFiles {};

TEST_F(CallNumbersKbTest, BadNumberInKnowledgeBaseNamesFileAndLine) {
  Replace("kb.yaml", "emergency: \"999\"", "emergency: \"99x\"");
  const std::string error = LoadError();
  EXPECT_NE(error.find("knowledge/kb.yaml:"), std::string::npos) << error;
  EXPECT_NE(error.find("'99x' is not a phone number"), std::string::npos) << error;
}

TEST_F(CallNumbersKbTest, NumbersCiteKnownSources) {
  Replace("kb.yaml", "sources: [nhs-999, nhs-111]", "sources: [nhs-998]");
  EXPECT_NE(LoadError().find("unknown source 'nhs-998'"), std::string::npos) << LoadError();
}

TEST(CallNumbersTest, DeploymentNumbersReachTheResult) {
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok());
  const auto custom = (*kb)->WithCallNumbers({.country = "", .emergency = "112", .urgent = "116117"});
  EXPECT_EQ(custom->call_numbers().emergency, "112");
  EXPECT_EQ(custom->call_numbers().urgent, "116117");
  EXPECT_EQ(custom->call_numbers().country, "");     // no longer the UK's numbers
  EXPECT_EQ((*kb)->call_numbers().emergency, "999");  // the original is unchanged

  auto req = ParseRequest(*custom, std::string("{\"findings\": {") + kWellBack + "}}");
  ASSERT_TRUE(req.ok());
  const json result = json::parse(ToJson(Assess(*custom, *req)));
  EXPECT_EQ(result["call"], json({{"emergency", "112"}, {"urgent", "116117"}}));
  const json defaults = json::parse(ToJson(AssessFindings(kWellBack)));
  EXPECT_EQ(defaults["call"], json({{"country", "United Kingdom"}, {"emergency", "999"}, {"urgent", "111"}}));

  // Only one number set: the other stays.
  const auto one = (*kb)->WithCallNumbers({.country = "", .emergency = "", .urgent = "116117"});
  EXPECT_EQ(one->call_numbers().emergency, "999");
  EXPECT_EQ(one->call_numbers().urgent, "116117");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

TEST(TextSummaryTest, OneScreenWithDispositionCallAndSigns) {
  for (const std::string extra : {"", ", \"saddle_numbness\": true", ", \"temperature_c\": 39.6"}) {
    const Assessment a = AssessFindings(kWellBack + extra);
    const std::string summary = ToTextSummary(a, /*color=*/false);
    const std::vector<std::string> lines = Lines(summary);
    EXPECT_LE(lines.size(), 30u) << summary;
    for (const std::string& l : lines) EXPECT_LE(l.size(), 78u + 8) << l;  // UTF-8 dashes count as bytes
    EXPECT_NE(summary.find(std::string(a.disposition_label)), std::string::npos) << summary;
    EXPECT_NE(summary.find(std::string(a.summary).substr(0, 30)), std::string::npos) << summary;
    EXPECT_NE(summary.find(a.disposition == Level::kEmergency ? "Call 999 now" : "call 999"), std::string::npos)
        << summary;
    EXPECT_NE(summary.find("call 111"), std::string::npos) << summary;
    EXPECT_NE(summary.find("not a diagnosis"), std::string::npos) << summary;
    if (!a.safety_net.empty()) {
      EXPECT_NE(summary.find("Get help if:"), std::string::npos) << summary;
    }
    for (const FlagHit& f : a.flags) EXPECT_NE(summary.find(std::string(f.title).substr(0, 20)), std::string::npos);
    EXPECT_EQ(summary.find('\x1b'), std::string::npos);
  }
}

TEST(TextSummaryTest, MostSeriousSignFirst) {
  const Assessment a = AssessFindings(kWellBack);
  ASSERT_FALSE(a.safety_net.empty());
  Level top = Level::kSelfCare;
  for (const SafetyNetItem& s : a.safety_net) top = std::max(top, s.level);
  const std::string summary = ToTextSummary(a, false);
  const size_t first_sign = summary.find("  * ");
  ASSERT_NE(first_sign, std::string::npos) << summary;
  for (const SafetyNetItem& s : a.safety_net) {
    if (s.level != top) continue;
    const std::string start = std::string(s.text).substr(0, 20);
    EXPECT_EQ(summary.find(start), first_sign + 4) << summary;
    break;
  }
}

}  // namespace
}  // namespace norotriage::testing
