// Clinical policy v2 on the plain surfaces: the CLI text, `kb show`,
// GET /v1/knowledge and the OpenAPI document (issue 14, item 4).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_json.h"

namespace norotriage {
namespace {

using json = nlohmann::json;
using ::norotriage::testing::AssessFindings;
using ::norotriage::testing::Kb;
using ::testing::HasSubstr;
using ::testing::Not;

// The v59 vignette: some dehydration with heart failure.
constexpr char kFluidLimit[] =
    R"("age_years": 80, "weight_kg": 70, "heart_failure": true, "gi_ongoing": true, "stools_24h": 5,
       "thirst": "thirsty", "dizzy_on_standing": true, "leg_aches": true)";
constexpr char kBackPainWithCards[] =
    R"("age_years": 45, "weight_kg": 80, "back_pain": true, "diabetes": "insulin", "gi_ongoing": true,
       "vomits_24h": 2, "stools_24h": 2)";

// Text with the line wrapping undone (hanging indents folded to one space).
std::string Flat(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

json ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

TEST(SurfacesV2Test, CliTextFluidLimitGivesNoVolume) {
  const Assessment a = AssessFindings(kFluidLimit);
  ASSERT_TRUE(a.hydration.fluid_limit);
  const std::string text = Flat(ToText(a, false));
  EXPECT_THAT(text, HasSubstr(Flat(std::string(a.hydration.fluid_limit_text))));
  EXPECT_THAT(text, HasSubstr("no set amount"));
  EXPECT_THAT(text, Not(HasSubstr("ml over 4 hours")));
  EXPECT_THAT(text, Not(HasSubstr(" ml")));  // no amount at all: not per stool, not a day's need
}

TEST(SurfacesV2Test, CliTextTopicalMedicinesAndCards) {
  const Assessment a = AssessFindings(kBackPainWithCards);
  const std::string raw = ToText(a, false);
  const std::string text = Flat(raw);
  for (const char* id : {"ibuprofen_gel", "menthol_rub"}) {
    const MedicineResult* m = testing::Med(a, id);
    ASSERT_NE(m, nullptr) << id;
    EXPECT_FALSE(m->dose.has_value()) << id;
    EXPECT_THAT(text, HasSubstr(std::string(m->name) + ":")) << id;
    for (std::string_view r : m->reasons) EXPECT_THAT(text, HasSubstr(Flat(std::string(r)))) << id;
  }
  // The card has a heading of its own, after pain relief, and no "Dose:" label.
  const MedicineResult* card = testing::Med(a, "insulin_sick_day");
  ASSERT_NE(card, nullptr);
  const size_t pain = raw.find("Pain relief");
  const size_t cards = raw.find("Your usual medicines while you are ill");
  ASSERT_NE(cards, std::string::npos) << raw;
  EXPECT_LT(pain, cards);
  EXPECT_LT(cards, raw.find(std::string(card->name)));
  for (std::string_view r : card->reasons) EXPECT_THAT(text, HasSubstr(Flat(std::string(r))));
  EXPECT_THAT(text, Not(HasSubstr("Dose: Check")));
}

TEST(SurfacesV2Test, KbShowListsWhoAFindingAppliesTo) {
  const std::string show = Kb().Describe();
  EXPECT_THAT(show, HasSubstr("asked when: sex != male and age_years >= 10 and age_years < 56; otherwise: false"));
  EXPECT_THAT(show, HasSubstr("asked when: age_years < 16; otherwise: normal"));
  EXPECT_THAT(show, HasSubstr("asked when: sex != male; otherwise: 0"));
  int lines = 0;
  for (size_t at = show.find("asked when:"); at != std::string::npos; at = show.find("asked when:", at + 1)) ++lines;
  int expected = 0;
  for (const FindingSpec& f : Kb().findings()) expected += !f.asked_when.empty();
  EXPECT_EQ(lines, expected);
  EXPECT_THAT(show, HasSubstr("insulin_sick_day"));
  EXPECT_THAT(show, HasSubstr("card (advice review)"));
  EXPECT_THAT(show, HasSubstr("no dose"));
}

TEST(SurfacesV2Test, KnowledgeJsonHasV2FindingsMedicinesAndCards) {
  const json k = json::parse(KnowledgeJson(Kb()));
  std::set<std::string> findings, medicines;
  for (const json& f : k.at("findings")) {
    findings.insert(f.at("id").get<std::string>());
    const FindingSpec& spec = Kb().findings()[Kb().FindingIndex(f.at("id").get<std::string>())];
    EXPECT_EQ(f.contains("asked_when"), !spec.asked_when.empty()) << f.dump();
    EXPECT_EQ(f.contains("otherwise"), !spec.asked_when.empty()) << f.dump();
  }
  for (const char* id : {"abdominal_pain", "diabetes", "could_be_pregnant", "testicle_pain", "heart_failure"}) {
    EXPECT_TRUE(findings.count(id)) << id;
  }
  for (const json& m : k.at("medicines")) {
    medicines.insert(m.at("id").get<std::string>());
    if (m.at("id") == "ibuprofen_gel" || m.at("id") == "menthol_rub") {
      EXPECT_FALSE(m.contains("dose")) << m.dump();
      EXPECT_FALSE(m.value("notes", json::array()).empty()) << m.dump();
    }
    if (m.at("id").get<std::string>().find("_sick_day") != std::string::npos) {
      EXPECT_EQ(m.at("kind"), "review");
    }
  }
  for (const char* id : {"ibuprofen_gel", "menthol_rub", "insulin_sick_day", "steroid_sick_day", "lithium_sick_day"}) {
    EXPECT_TRUE(medicines.count(id)) << id;
  }
}

TEST(SurfacesV2Test, OpenApiResultAndKnowledgeSchemasCarryV2) {
  const json doc = ReadJson(std::filesystem::path(NOROTRIAGE_SOURCE_DIR) / "doc" / "openapi.json");
  const json& schemas = doc.at("components").at("schemas");
  const json& hydration = schemas.at("Result").at("properties").at("hydration").at("properties");
  EXPECT_EQ(hydration.at("fluid_limit").at("type"), "boolean");
  const json& med = schemas.at("Result").at("properties").at("medicines").at("items").at("properties");
  std::set<std::string> ids = med.at("id").at("enum").get<std::set<std::string>>();
  std::set<std::string> kb_ids;
  const json knowledge = json::parse(KnowledgeJson(Kb()));
  for (const json& m : knowledge.at("medicines")) kb_ids.insert(m.at("id").get<std::string>());
  EXPECT_EQ(ids, kb_ids);
  std::set<std::string> advice = med.at("advice").at("enum").get<std::set<std::string>>();
  EXPECT_EQ(advice, (std::set<std::string>{"ok", "caution", "avoid", "review"}));
  const json& finding = schemas.at("Knowledge").at("properties").at("findings").at("items").at("properties");
  EXPECT_TRUE(finding.contains("asked_when"));
  EXPECT_TRUE(finding.contains("otherwise"));
  // Every request example names only findings the engine knows, and the
  // fluid-limit example gives a fluid limit and no volume.
  int examples = 0;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("requestBody")) continue;
      const json& content = op.at("requestBody").at("content").at("application/json");
      std::vector<json> bodies;
      if (content.contains("example")) bodies.push_back(content.at("example"));
      const json named = content.value("examples", json::object());
      for (const auto& [name, ex] : named.items()) bodies.push_back(ex.at("value"));
      for (const json& body : bodies) {
        ++examples;
        const json findings = body.value("findings", json::object());
        for (const auto& [id, value] : findings.items()) {
          EXPECT_GE(Kb().FindingIndex(id), 0) << path << " " << method << ": " << id;
        }
      }
    }
  }
  EXPECT_GE(examples, 4);
  const json ex = doc.at("paths").at("/v1/assess").at("post").at("requestBody").at("content")
                      .at("application/json").at("examples").at("fluid_limit").at("value");
  auto req = ParseRequest(Kb(), ex.dump());
  ASSERT_TRUE(req.ok());
  const json result = json::parse(ToJson(Assess(Kb(), *req)));
  EXPECT_EQ(result.at("hydration").value("fluid_limit", false), true);
  EXPECT_FALSE(result.at("hydration").contains("ors_ml"));
  EXPECT_FALSE(result.at("hydration").contains("ors_ml_range"));
}

}  // namespace
}  // namespace norotriage
