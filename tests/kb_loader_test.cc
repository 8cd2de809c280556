// Loader errors: one test per kind, each naming file, line and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kb_test_util.h"

namespace norotriage::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using KbLoaderTest = KbTestWithBuiltinFiles;

TEST_F(KbLoaderTest, RepositoryKnowledgeBaseLoads) {
  auto kb = KnowledgeBase::LoadFiles(files_);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  // The 85 findings of spec/request.md, and the product's own (history, …).
  EXPECT_GE(kb.value()->findings().size(), 85u);
  auto builtin = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  EXPECT_EQ(builtin.value()->version(), kb.value()->version());
}

TEST_F(KbLoaderTest, UnknownFindingInConditionSuggestsAndPointsAtIt) {
  Replace("flags.yaml", "when: \"back_pain and (saddle_numbness", "when: \"back_pain and (saddle_numbnes");
  // Line 160 of flags.yaml: the quoted text starts at column 12; "saddle" is 15 further on.
  EXPECT_THAT(LoadError(), StartsWith("knowledge/flags.yaml:160:27: unknown finding or definition 'saddle_numbnes' "
                                      "(did you mean 'saddle_numbness'?)"));
}

TEST_F(KbLoaderTest, WrongTypeComparison) {
  Replace("flags.yaml", "when: \"leg_weakness = progressing\"", "when: \"leg_weakness >= 3\"");
  std::string err = LoadError();
  EXPECT_THAT(err, StartsWith("knowledge/flags.yaml:169:"));
  EXPECT_THAT(err, HasSubstr("'leg_weakness' is a choice"));
}

TEST_F(KbLoaderTest, BoolComparedWithNumber) {
  Replace("flags.yaml", "when: \"back_pain and (saddle_numbness", "when: \"back_pain >= 2 and (saddle_numbness");
  EXPECT_THAT(LoadError(), HasSubstr("'back_pain' is true or false"));
}

TEST_F(KbLoaderTest, ChoiceThatDoesNotExist) {
  Replace("flags.yaml", "leg_weakness = progressing", "leg_weakness = progresing");
  EXPECT_THAT(LoadError(), HasSubstr("'progresing' is not a choice of 'leg_weakness' (did you mean 'progressing'?)"));
}

TEST_F(KbLoaderTest, RuleWithoutSources) {
  Replace("flags.yaml",
          "    sources: [seed-back-types, seed-back-misdiagnosis, nice-cks-cauda-equina, bass-2018, nhs-back-pain]\n", "");
  std::string err = LoadError();
  EXPECT_THAT(err, StartsWith("knowledge/flags.yaml:158:"));
  EXPECT_THAT(err, HasSubstr("sources"));
}

TEST_F(KbLoaderTest, UnknownSource) {
  Replace("flags.yaml", "sources: [seed-back-types, seed-back-misdiagnosis, nice-cks-cauda-equina",
          "sources: [seed-back-typos, seed-back-misdiagnosis, nice-cks-cauda-equina");
  EXPECT_THAT(LoadError(), HasSubstr("unknown source 'seed-back-typos' (did you mean 'seed-back-types'?)"));
}

TEST_F(KbLoaderTest, DuplicateId) {
  Replace("flags.yaml", "- id: progressive_weakness", "- id: cauda_equina");
  std::string err = LoadError();
  EXPECT_THAT(err, StartsWith("knowledge/flags.yaml:167:"));
  EXPECT_THAT(err, HasSubstr("duplicate flag id 'cauda_equina'"));
}

TEST_F(KbLoaderTest, RequiredFlagMissing) {
  Replace("flags.yaml", "- id: progressive_weakness", "- id: progressive_weakness_renamed");
  EXPECT_THAT(LoadError(), HasSubstr("the flag 'progressive_weakness' is required by the policy and missing"));
}

TEST_F(KbLoaderTest, FlagBelowPolicyLevel) {
  Replace("flags.yaml", "- id: cauda_equina\n    level: emergency", "- id: cauda_equina\n    level: urgent");
  std::string err = LoadError();
  EXPECT_THAT(err, StartsWith("knowledge/flags.yaml:159:"));
  EXPECT_THAT(err, HasSubstr("must be at least 'emergency'"));
}

TEST_F(KbLoaderTest, UnknownKey) {
  Replace("flags.yaml", "    title: \"Signs of pressure", "    tilte: \"Signs of pressure");
  EXPECT_THAT(LoadError(), StartsWith("knowledge/flags.yaml:161:5: unknown key 'tilte' (did you mean 'title'?)"));
}

TEST_F(KbLoaderTest, YamlSyntaxError) {
  Replace("flags.yaml", "    level: emergency\n", "    level: [emergency\n");
  EXPECT_THAT(LoadError(), StartsWith("knowledge/flags.yaml:"));
  EXPECT_THAT(LoadError(), HasSubstr("YAML error"));
}

TEST_F(KbLoaderTest, UnknownSection) {
  File("flags.yaml").text += "\nflagz: []\n";
  EXPECT_THAT(LoadError(), HasSubstr("unknown section 'flagz' (did you mean 'flags'?)"));
}

TEST_F(KbLoaderTest, SectionDefinedTwice) {
  File("self_care.yaml").text += "\nversion: \"x\"\n";
  EXPECT_THAT(LoadError(), HasSubstr("section 'version' is already defined at knowledge/kb.yaml"));
}

TEST_F(KbLoaderTest, SyntaxErrorInCondition) {
  Replace("flags.yaml", "when: \"leg_weakness = progressing\"", "when: \"leg_weakness = progressing and\"");
  EXPECT_THAT(LoadError(), HasSubstr("condition ends where a finding was expected"));
}

TEST_F(KbLoaderTest, NestingBudget) {
  std::string deep(40, '(');
  deep += "seizure";
  deep += std::string(40, ')');
  Replace("flags.yaml", "when: \"leg_weakness = progressing\"", "when: \"" + deep + "\"");
  EXPECT_THAT(LoadError(), HasSubstr("nested deeper than 32 levels"));
}

TEST_F(KbLoaderTest, TokenBudget) {
  std::string longer = "seizure";
  for (int i = 0; i < 300; ++i) longer += " or seizure";
  Replace("flags.yaml", "when: \"leg_weakness = progressing\"", "when: \"" + longer + "\"");
  EXPECT_THAT(LoadError(), HasSubstr("longer than 512 tokens"));
}

TEST_F(KbLoaderTest, DefinitionMayNotUseALaterOne) {
  Replace("definitions.yaml", "when: \"temperature_c >= 38.0\"", "when: \"temperature_c >= 38.0 or pregnant\"");
  EXPECT_THAT(LoadError(), HasSubstr("unknown finding or definition 'pregnant'"));
}

TEST_F(KbLoaderTest, UnknownFindingType) {
  Replace("findings.yaml", "type: bool", "type: boolean");
  EXPECT_THAT(LoadError(), HasSubstr("type 'boolean' is not bool, number, integer or choice"));
}

TEST_F(KbLoaderTest, EmptyKnowledgeBase) {
  auto kb = KnowledgeBase::LoadFiles({});
  ASSERT_FALSE(kb.ok());
  EXPECT_THAT(kb.status().message(), HasSubstr("no files"));
}

TEST_F(KbLoaderTest, SizeBudget) {
  KbLimits limits;
  limits.max_bytes = 1000;
  auto kb = KnowledgeBase::LoadFiles(files_, limits);
  ASSERT_FALSE(kb.ok());
  EXPECT_THAT(kb.status().message(), HasSubstr("larger than 1000 bytes"));
}

TEST_F(KbLoaderTest, RuleCountBudget) {
  KbLimits limits;
  limits.max_rules = 10;
  auto kb = KnowledgeBase::LoadFiles(files_, limits);
  ASSERT_FALSE(kb.ok());
  EXPECT_THAT(kb.status().message(), HasSubstr("rules; the limit is 10"));
}

// Who a finding applies to: `asked_when` and `otherwise` (a test-only finding
// added before the consistency rules).
class ApplicabilityLoaderTest : public KbTestWithBuiltinFiles {
 protected:
  std::string LoadWith(const std::string& type_and_keys) {
    Replace("findings.yaml", "\nconsistency:",
            "\n  - id: test_only_sign\n    group: illness\n    question: \"Test?\"\n" + type_and_keys +
                "\nconsistency:");
    return LoadError();
  }
};

TEST_F(ApplicabilityLoaderTest, ValidEntryLoads) {
  EXPECT_EQ(LoadWith("    type: bool\n    asked_when: \"age_years < 5\"\n    otherwise: false"), "");
}

TEST_F(ApplicabilityLoaderTest, ChoiceAndNumberOtherwise) {
  EXPECT_EQ(LoadWith("    type: choice\n    choices: [a, b]\n    asked_when: \"sex != male\"\n    otherwise: b"), "");
  SetUp();
  EXPECT_EQ(LoadWith("    type: number\n    min: 0\n    max: 9\n    asked_when: \"sex != male\"\n    otherwise: 0"), "");
}

TEST_F(ApplicabilityLoaderTest, NeedsBothKeys) {
  EXPECT_THAT(LoadWith("    type: bool\n    asked_when: \"age_years < 5\""),
              HasSubstr("'asked_when' and 'otherwise' go together"));
  SetUp();
  EXPECT_THAT(LoadWith("    type: bool\n    otherwise: false"), HasSubstr("'asked_when' and 'otherwise' go together"));
}

TEST_F(ApplicabilityLoaderTest, OtherwiseMustFitTheFinding) {
  EXPECT_THAT(LoadWith("    type: bool\n    asked_when: \"age_years < 5\"\n    otherwise: maybe"),
              HasSubstr("'otherwise' must be a value 'test_only_sign' can take (true or false)"));
  SetUp();
  EXPECT_THAT(LoadWith("    type: choice\n    choices: [a, b]\n    asked_when: \"age_years < 5\"\n    otherwise: c"),
              HasSubstr("one of its choices"));
  SetUp();
  EXPECT_THAT(LoadWith("    type: number\n    min: 0\n    max: 9\n    asked_when: \"age_years < 5\"\n    otherwise: 10"),
              HasSubstr("a number in its range"));
}

TEST_F(ApplicabilityLoaderTest, AskedWhenReadsOnlyFindingsAskedOfEveryone) {
  EXPECT_THAT(LoadWith("    type: bool\n    asked_when: \"age_years < 5 and fever\"\n    otherwise: false"),
              HasSubstr("unknown finding or definition 'fever'"));  // definitions come later
  SetUp();
  // A finding with an asked_when of its own.
  EXPECT_THAT(LoadWith("    type: bool\n    asked_when: \"test_only_sign\"\n    otherwise: false"),
              HasSubstr("may read only findings that are asked of everyone, not 'test_only_sign'"));
}

TEST_F(KbLoaderTest, LoadDirNamesMissingDirectory) {
  auto kb = KnowledgeBase::LoadDir("/nonexistent/knowledge");
  ASSERT_FALSE(kb.ok());
  EXPECT_EQ(kb.status().code(), Status::Code::kNotFound);
}

// Issue 16: every self-care item says at which dispositions it is said.
TEST_F(KbLoaderTest, SelfCareWithoutDispositions) {
  Replace("self_care.yaml", "    dispositions: {emergency: now}\n", "");
  std::string err = LoadError();
  EXPECT_THAT(err, StartsWith("knowledge/self_care.yaml:"));
  EXPECT_THAT(err, HasSubstr("must say at which dispositions it is said: 'dispositions'"));
}

TEST_F(KbLoaderTest, SelfCareDispositionsMustBeKnown) {
  Replace("self_care.yaml", "dispositions: {emergency: now}", "dispositions: {emergency: soon}");
  EXPECT_THAT(LoadError(), HasSubstr("'emergency' must be 'now' or 'after_seen'"));
  Replace("self_care.yaml", "dispositions: {emergency: soon}", "dispositions: {emergncy: now}");
  EXPECT_THAT(LoadError(), HasSubstr("'emergncy' is not a disposition"));
}

// Issue 16: `contradicts` must name a pain type or mechanism that exists.
TEST_F(KbLoaderTest, ContradictsMustNameAnEntry) {
  Replace("flags.yaml", "    contradicts: [pain_types.back.muscular, mechanisms.retching_strain, mechanisms.posture]\n\n"
                        "  - id: progressive_weakness",
          "    contradicts: [pain_types.back.sore]\n\n  - id: progressive_weakness");
  std::string err = LoadError();
  EXPECT_THAT(err, StartsWith("knowledge/flags.yaml:"));
  EXPECT_THAT(err, HasSubstr("flag 'cauda_equina' contradicts 'pain_types.back.sore': 'sore' is not a pain type"));
}

TEST_F(KbLoaderTest, ContradictsMustNameAMechanism) {
  Replace("flags.yaml", "    contradicts: [pain_types.back.muscular, mechanisms.retching_strain, mechanisms.posture]\n\n"
                        "  - id: progressive_weakness",
          "    contradicts: [mechanisms.retching]\n\n  - id: progressive_weakness");
  EXPECT_THAT(LoadError(), HasSubstr("flag 'cauda_equina' contradicts 'mechanisms.retching', which is not a mechanism"));
}

}  // namespace
}  // namespace norotriage::testing
