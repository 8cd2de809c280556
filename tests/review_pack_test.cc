// The clinical review pack: conditions in plain words (table-driven), the
// `open_for_review` section of kb.yaml, and the pack itself.
#include <gtest/gtest.h>

#include "compile/compiled_kb.h"
#include "kb/condition_words.h"
#include "kb/markdown_html.h"
#include "kb/review_pack.h"
#include "kb_test_util.h"

namespace norotriage::testing {
namespace {

using internal::WordsTerm;
using internal::WordsVocabulary;

WordsVocabulary Vocab() {
  WordsVocabulary v;
  auto finding = [&](const char* id, const char* label, bool is_bool) {
    WordsTerm t;
    t.label = label;
    t.is_bool = is_bool;
    v[id] = t;
  };
  finding("back_pain", "Pain in your back", true);
  finding("keeps_fluids_down", "You can keep drinks down", true);
  finding("temperature_c", "Temperature (°C)", false);
  finding("age_years", "Age (years)", false);
  finding("vomits_24h", "Vomits in 24 hours", false);
  finding("stools_24h", "Loose stools in 24 hours", false);
  finding("sciatica", "Pain down a leg", false);
  v["sciatica"].choice_labels = {{"one_leg", "Down one leg"}, {"both_legs", "Down both legs"}};
  WordsTerm def;
  def.kind = WordsTerm::Kind::kDefinition;
  v["fever"] = def;
  v["gut_upset"] = def;
  return v;
}

struct Case {
  const char* text;
  const char* words;
};

TEST(ConditionWordsTest, PutsConditionsIntoWords) {
  const Case cases[] = {
      {"back_pain", "“Pain in your back”"},
      {"keeps_fluids_down = false", "“You can keep drinks down” is no"},
      {"keeps_fluids_down = true", "“You can keep drinks down”"},
      {"keeps_fluids_down != true", "“You can keep drinks down” is no"},
      {"temperature_c >= 39.0", "“Temperature (°C)” is at least 39.0"},
      {"age_years < 1", "“Age (years)” is under 1"},
      {"age_years <= 1", "“Age (years)” is at most 1"},
      {"age_years > 65", "“Age (years)” is over 65"},
      {"vomits_24h + stools_24h >= 3", "“Vomits in 24 hours” plus “Loose stools in 24 hours” is at least 3"},
      {"sciatica = both_legs", "“Pain down a leg” is “Down both legs”"},
      {"sciatica != one_leg", "“Pain down a leg” is not “Down one leg”"},
      {"sciatica in {one_leg, both_legs}", "“Pain down a leg” is “Down one leg” or “Down both legs”"},
      {"known(age_years)", "“Age (years)” is answered"},
      {"fever", "*fever*"},
      {"gut_upset and not fever", "*gut upset* and not *fever*"},
      {"(fever is not true)", "*fever* is not true (no, or not asked)"},
      {"back_pain and (fever is not true)", "“Pain in your back” and *fever* is not true (no, or not asked)"},
      {"back_pain and (fever or age_years < 1)", "“Pain in your back” and (*fever* or “Age (years)” is under 1)"},
      {"back_pain or fever and gut_upset", "“Pain in your back” or (*fever* and *gut upset*)"},
      {"not (fever or back_pain)", "not (*fever* or “Pain in your back”)"},
      {"at_least(2, back_pain, fever, age_years < 5)",
       "at least 2 of (“Pain in your back”; *fever*; “Age (years)” is under 5)"},
      {"mystery_name", "`mystery_name`"},
  };
  WordsVocabulary vocab = Vocab();
  for (const Case& c : cases) {
    auto words = internal::ConditionInWords(c.text, vocab);
    ASSERT_TRUE(words.ok()) << c.text << ": " << words.status().message();
    EXPECT_EQ(words.value(), c.words) << c.text;
  }
}

TEST(ConditionWordsTest, LongConditionsBecomeNestedLists) {
  auto words = internal::ConditionInWords(
      "fever or keeps_fluids_down = false or age_years < 1 or "
      "at_least(2, back_pain, sciatica = both_legs, vomits_24h >= 5, stools_24h >= 8)",
      Vocab());
  ASSERT_TRUE(words.ok()) << words.status().message();
  EXPECT_EQ(words.value(),
            "any of:\n"
            "- *fever*\n"
            "- “You can keep drinks down” is no\n"
            "- “Age (years)” is under 1\n"
            "- at least 2 of:\n"
            "  - “Pain in your back”\n"
            "  - “Pain down a leg” is “Down both legs”\n"
            "  - “Vomits in 24 hours” is at least 5\n"
            "  - “Loose stools in 24 hours” is at least 8");
}

TEST(ConditionWordsTest, NamesInOrderAndErrors) {
  auto names = internal::ConditionNames("sciatica = both_legs and (fever or known(age_years)) and sciatica != one_leg");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names.value(), (std::vector<std::string>{"sciatica", "fever", "age_years"}));
  for (const char* bad : {"", "back_pain and", "(fever", "a + b", "x in {a", "at_least(2)", "x ! y", "x $ y"}) {
    EXPECT_FALSE(internal::ConditionInWords(bad, Vocab()).ok()) << bad;
  }
}

TEST(ConditionWordsTest, EscapesMarkdownInLabels) {
  WordsVocabulary v;
  v["x"].label = "A *star* | pipe_name";
  EXPECT_EQ(internal::ConditionInWords("x", v).value(), "“A \\*star\\* \\| pipe\\_name”");
}

TEST(MarkdownHtmlTest, InlineAndBlocks) {
  EXPECT_EQ(internal::InlineMarkdownToHtml("**Fires when:** *fever* and `a < b` \\* <x>"),
            "<strong>Fires when:</strong> <em>fever</em> and <code>a &lt; b</code> * &lt;x&gt;");
  std::string page = internal::MarkdownToHtmlPage("# T\n\nany of:\n- a\n  - b\n- c\n\n| A | B |\n|---|---|\n| `x|y` | 2 |\n",
                                                  "t");
  EXPECT_NE(page.find("<h1 id=\"t\">T</h1>\n<p>any of:</p>\n<ul>\n<li>a<ul>\n<li>b</li></ul>\n</li>\n<li>c</li></ul>\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<tr><td><code>x|y</code></td><td>2</td></tr>"), std::string::npos) << page;
}

class OpenForReviewTest : public KbTestWithBuiltinFiles {};

TEST_F(OpenForReviewTest, LoadsAndIsValidated) {
  auto kb = KnowledgeBase::LoadFiles(files_);
  ASSERT_TRUE(kb.ok()) << kb.status().message();
  const auto& open = kb.value()->compiled().open_for_review;
  ASSERT_FALSE(open.empty());
  EXPECT_FALSE(open[0].id.empty());
  EXPECT_FALSE(open[0].text.empty());
  EXPECT_FALSE(open[0].sources.empty());
  // Every condition keeps its text.
  const auto& c = kb.value()->compiled();
  for (const auto& f : c.flags) EXPECT_FALSE(internal::ConditionText(c, f.when).empty()) << f.id;

  Replace("kb.yaml", "  - id: no_urine_12h_severe\n", "  - id: no_urine_12h_severe\n    owner: x\n");
  EXPECT_NE(LoadError().find("owner"), std::string::npos) << LoadError();
  SetUp();
  Replace("kb.yaml", "sources: [who-key-sign, who-dehydration, mcgee-1999]", "sources: [who-dehydratio]");
  EXPECT_NE(LoadError().find("unknown source 'who-dehydratio'"), std::string::npos) << LoadError();
  SetUp();
  Replace("kb.yaml", "    sources: [rcem-hypokalaemia, nice-cg84, cdc-norovirus]\n", "");
  EXPECT_NE(LoadError().find("sources"), std::string::npos) << LoadError();
}

TEST(ReviewPackTest, ListsEveryRuleAndSurvivesTheImage) {
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok());
  auto md = internal::ReviewPackMarkdown(*kb.value());
  ASSERT_TRUE(md.ok()) << md.status().message();
  const auto& c = kb.value()->compiled();
  for (const auto& f : c.flags) EXPECT_NE(md->find("### `" + f.id + "`"), std::string::npos) << f.id;
  for (const auto& m : c.medicines) EXPECT_NE(md->find("(`" + m.id + "`)"), std::string::npos) << m.id;
  for (const auto& o : c.open_for_review) EXPECT_NE(md->find("### `" + o.id + "`"), std::string::npos) << o.id;
  for (const auto& [id, cite] : c.sources) EXPECT_NE(md->find("| `" + id + "` |"), std::string::npos) << id;
  EXPECT_NE(md->find("not yet reviewed by clinicians"), std::string::npos);
  // The same pack from the YAML files and from the compiled image.
  auto from_yaml = KnowledgeBase::LoadFiles(RepoKbFiles());
  ASSERT_TRUE(from_yaml.ok());
  EXPECT_EQ(internal::ReviewPackMarkdown(*from_yaml.value()).value(), md.value());
  auto html = internal::ReviewPackHtml(*kb.value());
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
}

}  // namespace
}  // namespace norotriage::testing
