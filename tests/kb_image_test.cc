// The compiled knowledge-base image: round trip, and damage is an error.
#include <gtest/gtest.h>

#include "compile/compiled_kb.h"
#include "kb/kb_image.h"
#include "kb_test_util.h"
#include "norotriage/engine.h"

namespace norotriage::testing {
namespace {

TEST(KbImageTest, BuiltinImageMatchesTheRepositoryFiles) {
  auto from_yaml = KnowledgeBase::LoadFiles(RepoKbFiles());
  ASSERT_TRUE(from_yaml.ok()) << from_yaml.status().ToString();
  auto builtin = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  EXPECT_EQ(from_yaml.value()->ImageForTesting(), builtin.value()->ImageForTesting());
  EXPECT_EQ(from_yaml.value()->DumpProgram(), builtin.value()->DumpProgram());
  EXPECT_EQ(from_yaml.value()->Describe(), builtin.value()->Describe());
  auto req = ParseRequest(*builtin.value(), R"({"findings": {"age_years": 8, "weight_kg": 25, "back_pain": true,
      "thirst": "thirsty", "dry_mouth": true, "vomits_24h": 4}})");
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(ToJson(Assess(*from_yaml.value(), req.value())), ToJson(Assess(*builtin.value(), req.value())));
}

TEST(KbImageTest, DamagedImagesAreCorruptionErrors) {
  std::string image = KnowledgeBase::LoadBuiltin().value()->ImageForTesting();
  // Every truncation, and a byte flipped at many places: an error or a valid
  // knowledge base, never a crash.
  for (size_t cut = 0; cut < image.size(); cut += 97) {
    auto kb = internal::ReadKbImage(std::string_view(image).substr(0, cut));
    ASSERT_FALSE(kb.ok()) << cut;
    EXPECT_EQ(kb.status().code(), Status::Code::kCorruption);
  }
  int errors = 0;
  for (size_t pos = 0; pos < image.size(); pos += 61) {
    std::string bad = image;
    bad[pos] = static_cast<char>(bad[pos] ^ 0xff);
    errors += !internal::ReadKbImage(bad).ok();
  }
  EXPECT_GT(errors, 0);
  EXPECT_FALSE(internal::ReadKbImage("NTKB").ok());
  EXPECT_FALSE(internal::ReadKbImage(image + "x").ok());
}

TEST(KbImageTest, AnOtherwiseValueTheFindingCannotTakeIsCorruption) {
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok());
  ASSERT_FALSE(kb.value()->compiled().applicability.empty());
  internal::CompiledKb copy = kb.value()->compiled();
  EXPECT_TRUE(internal::ReadKbImage(internal::WriteKbImage(copy)).ok());
  copy.applicability[0].otherwise = 99;
  copy.findings[copy.applicability[0].slot].otherwise = 99;
  auto bad = internal::ReadKbImage(internal::WriteKbImage(copy));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace norotriage::testing
