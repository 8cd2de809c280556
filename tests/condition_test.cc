// The rule language: parsing, compiled-program goldens, Kleene logic, and
// agreement of the compiled evaluator with the naive reference evaluator.
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "compile/compiled_kb.h"
#include "compile/condition_compiler.h"
#include "compile/condition_parser.h"
#include "eval/evaluator.h"
#include "eval/request_state.h"
#include "kb_test_util.h"
#include "reference_evaluator.h"

namespace norotriage::testing {
namespace {

using internal::CondBudget;
using internal::Tri;
using ::testing::HasSubstr;

class ConditionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kb = KnowledgeBase::LoadBuiltin();
    ASSERT_TRUE(kb.ok()) << kb.status().ToString();
    kb_ = kb.value();
    world_ = kb_->compiled();  // a private copy to compile into
    world_.program = {};
    compiler_ = std::make_unique<internal::ConditionCompiler>(&world_, CondBudget{}, 100000);
  }

  std::string Dump(const std::string& text) {
    auto c = compiler_->Compile(text);
    if (!c.ok()) return "error@" + std::to_string(c.error().offset) + ": " + c.error().message;
    return internal::DumpCond(world_.program, c.value(), world_.slot_names, world_.slot_choices);
  }

  int Slot(const std::string& id) { return kb_->FindingIndex(id); }

  std::shared_ptr<const KnowledgeBase> kb_;
  internal::CompiledKb world_;
  std::unique_ptr<internal::ConditionCompiler> compiler_;
};

TEST_F(ConditionTest, GoldenPrograms) {
  struct Case { const char* text; const char* dump; } cases[] = {
      {"back_pain and (saddle_numbness or sciatica = both_legs)",
       "0 bool back_pain\n1 bool saddle_numbness\n2 in sciatica {both_legs}\n3 or 2\n4 and 2\n"},
      {"seizure or chest_pain and breathlessness",
       "0 bool seizure\n1 bool chest_pain\n2 bool breathlessness\n3 and 2\n4 or 2\n"},
      {"not back_pain = false", "0 bool back_pain\n1 not\n2 not\n"},
      {"seizure and chest_pain and breathlessness and coughing_blood",
       "0 bool seizure\n1 bool chest_pain\n2 bool breathlessness\n3 bool coughing_blood\n4 and 4\n"},
      {"seizure or (chest_pain or breathlessness) or not (coughing_blood or asthma)",
       "0 bool seizure\n1 bool chest_pain\n2 bool breathlessness\n3 bool coughing_blood\n4 bool asthma\n"
       "5 or 2\n6 not\n7 or 4\n"},
      {"at_least(2, sunken_eyes, dry_mouth, thirst in {thirsty, unable_to_drink})",
       "0 bool sunken_eyes\n1 bool dry_mouth\n2 in thirst {thirsty, unable_to_drink}\n3 at_least 2 of 3\n"},
      {"vomits_24h + stools_24h >= 4", "0 sum vomits_24h stools_24h >= 4\n"},
      {"temperature_c >= 38.0", "0 cmp temperature_c >= 38\n"},
      {"sciatica != none", "0 in sciatica {none}\n1 not\n"},
      {"known(weight_kg)", "0 known weight_kg\n"},
      {"hydration in {some, severe}", "0 in hydration {some, severe}\n"},
      {"weight_loss_percent >= 10", "0 cmp weight_loss_percent >= 10\n"},
  };
  for (const auto& c : cases) EXPECT_EQ(Dump(c.text), c.dump) << c.text;
}

TEST_F(ConditionTest, ParseErrorsPointAtTheToken) {
  struct Case { const char* text; size_t offset; const char* message; } cases[] = {
      {"back_pain and", 13, "condition ends where a finding was expected"},
      {"(back_pain", 0, "'(' is never closed"},
      {"back_pain)", 9, "')' without a matching '('"},
      {"back_pain $", 10, "unexpected character '$'"},
      {"at_least(3, seizure, chest_pain)", 0, "has only 2 conditions"},
      {"at_least(x, seizure)", 9, "at_least needs a whole number"},
      {"vomits_24h + stools_24h", 0, "a sum must be compared"},
      {"back_pain seizure", 10, "expected 'and', 'or', 'is not true' or the end"},
      {"seizure, chest_pain", 7, "',' outside at_least"},
      {"age_years >= ", 13, "expected a number, a choice, true or false"},
      {"thirst in {thirsty", 18, "expected ',' or '}'"},
      {"a ! b", 2, "expected '!='"},
  };
  for (const auto& c : cases) {
    auto r = internal::ParseCondition(c.text, CondBudget{});
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().offset, c.offset) << c.text << ": " << r.error().message;
    EXPECT_THAT(r.error().message, HasSubstr(c.message)) << c.text;
  }
}

TEST_F(ConditionTest, TypeErrors) {
  EXPECT_THAT(Dump("age_years"), HasSubstr("'age_years' is a number; compare it"));
  EXPECT_THAT(Dump("sciatica"), HasSubstr("'sciatica' is a choice"));
  EXPECT_THAT(Dump("back_pain = 3"), HasSubstr("compare it with true or false"));
  EXPECT_THAT(Dump("sciatica = left"), HasSubstr("'left' is not a choice of 'sciatica'"));
  EXPECT_THAT(Dump("age_years = old"), HasSubstr("'age_years' is a number; compare it with a number"));
  EXPECT_THAT(Dump("back_pain in {a}"), HasSubstr("'back_pain' is not a choice"));
  EXPECT_THAT(Dump("sex + age_years >= 1"), HasSubstr("'sex' is not a number"));
  EXPECT_THAT(Dump("known(nothing_here)"), HasSubstr("unknown finding or definition 'nothing_here'"));
}

// Kleene logic: every combination of true, false and unknown.
TEST_F(ConditionTest, KleeneTruthTables) {
  auto and_c = compiler_->Compile("seizure and chest_pain").value();
  auto or_c = compiler_->Compile("seizure or chest_pain").value();
  auto not_c = compiler_->Compile("not seizure").value();
  auto al_c = compiler_->Compile("at_least(2, seizure, chest_pain, breathlessness)").value();
  const double kU = Findings::kUnknown;
  const double vals[] = {0, kU, 1};  // F, U, T in Tri order
  std::vector<double> v(world_.slot_count(), kU);
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      v[Slot("seizure")] = vals[a];
      v[Slot("chest_pain")] = vals[b];
      EXPECT_EQ(internal::Eval(world_.program, and_c, v.data()), static_cast<Tri>(std::min(a, b)));
      EXPECT_EQ(internal::Eval(world_.program, or_c, v.data()), static_cast<Tri>(std::max(a, b)));
      EXPECT_EQ(internal::Eval(world_.program, not_c, v.data()), static_cast<Tri>(2 - a));
      for (int c = 0; c < 3; ++c) {
        v[Slot("breathlessness")] = vals[c];
        int t = (a == 2) + (b == 2) + (c == 2), u = (a == 1) + (b == 1) + (c == 1);
        Tri want = t >= 2 ? internal::kTrue : (t + u >= 2 ? internal::kUnknown : internal::kFalse);
        EXPECT_EQ(internal::Eval(world_.program, al_c, v.data()), want);
      }
    }
  }
}

TEST_F(ConditionTest, PartialSumsDecideWhenTheyCan) {
  auto ge = compiler_->Compile("vomits_24h + stools_24h >= 4").value();
  auto lt = compiler_->Compile("vomits_24h + stools_24h < 4").value();
  std::vector<double> v(world_.slot_count(), Findings::kUnknown);
  v[Slot("vomits_24h")] = 5;
  EXPECT_EQ(internal::Eval(world_.program, ge, v.data()), internal::kTrue);
  EXPECT_EQ(internal::Eval(world_.program, lt, v.data()), internal::kFalse);
  v[Slot("vomits_24h")] = 1;
  EXPECT_EQ(internal::Eval(world_.program, ge, v.data()), internal::kUnknown);
  EXPECT_EQ(internal::Eval(world_.program, lt, v.data()), internal::kUnknown);
  v[Slot("stools_24h")] = 2;
  EXPECT_EQ(internal::Eval(world_.program, ge, v.data()), internal::kFalse);
}

// The compiled program agrees with the naive reference evaluator on every
// flag, mechanism and medicine condition, over many random requests.
TEST_F(ConditionTest, AgreesWithReferenceEvaluator) {
  std::map<std::string, std::string> defs, rules;
  const std::string dir = std::string(NOROTRIAGE_SOURCE_DIR) + "/knowledge/";
  for (const auto& d : YAML::LoadFile(dir + "definitions.yaml")["definitions"]) {
    defs[d["id"].as<std::string>()] = d["when"].as<std::string>();
  }
  for (const auto& f : YAML::LoadFile(dir + "flags.yaml")["flags"]) {
    rules["flag:" + f["id"].as<std::string>()] = f["when"].as<std::string>();
  }
  for (const auto& m : YAML::LoadFile(dir + "mechanisms.yaml")["mechanisms"]) {
    rules["mechanism:" + m["id"].as<std::string>()] = m["when"].as<std::string>();
  }
  const auto& ckb = kb_->compiled();
  std::map<std::string, internal::Cond> compiled;
  for (const auto& f : ckb.flags) compiled["flag:" + f.id] = f.when;
  for (const auto& m : ckb.mechanisms) compiled["mechanism:" + m.id] = m.when;
  ASSERT_EQ(compiled.size(), rules.size());

  std::mt19937_64 rng(20261121);
  const auto& findings = kb_->findings();
  internal::RequestState st;
  int cases = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Findings f(findings.size());
    for (size_t i = 0; i < findings.size(); ++i) {
      if (rng() % 3 == 0) continue;  // a third unknown
      const FindingSpec& s = findings[i];
      switch (s.type) {
        case FindingType::kBool: f.set(i, rng() % 2); break;
        case FindingType::kChoice: f.set(i, rng() % s.choices.size()); break;
        case FindingType::kInteger: f.set(i, std::floor(s.min + (rng() % 1000) / 1000.0 * std::min(s.max - s.min, 40.0))); break;
        case FindingType::kNumber: f.set(i, s.min + (rng() % 1000) / 1000.0 * std::min(s.max - s.min, 45.0)); break;
      }
    }
    internal::PrepareState(ckb, f, &st);
    ReferenceEvaluator ref(
        [&](const std::string& name) {
          RefValue v;
          int slot = -1;
          for (size_t i = 0; i < ckb.slot_names.size(); ++i) if (ckb.slot_names[i] == name) slot = static_cast<int>(i);
          if (slot < 0) throw std::runtime_error("reference: unknown name " + name);
          double x = st.values[slot];
          v.known = !std::isnan(x);
          const auto& choices = ckb.slot_choices[slot];
          if (!choices.empty()) {
            v.kind = RefValue::kChoice;
            if (v.known) v.choice = choices[static_cast<size_t>(x)];
          } else if (slot < static_cast<int>(findings.size()) && findings[slot].type == FindingType::kBool) {
            v.kind = RefValue::kBool;
            v.number = x;
          } else {
            v.kind = RefValue::kNumber;
            v.number = x;
          }
          return v;
        },
        defs);
    for (const auto& [id, text] : rules) {
      Tri fast = internal::Eval(ckb.program, compiled[id], st.values.data());
      RefTri slow = ref.Eval(text);
      ASSERT_EQ(static_cast<int>(fast), static_cast<int>(slow)) << id << " on case " << iter;
      ++cases;
    }
  }
  std::printf("reference agreement: %d rule evaluations\n", cases);
}

}  // namespace
}  // namespace norotriage::testing

namespace norotriage::testing {
namespace {

// "X is not true" (compile/is_not_true.h): true when X is false or unknown,
// never unknown; checked on every combination of three findings against the
// naive reference evaluator, for conditions of every operator.
TEST_F(ConditionTest, IsNotTrueOnEveryCombination) {
  const char* texts[] = {
      "seizure is not true",
      "(seizure and chest_pain) is not true",
      "(seizure or chest_pain) is not true",
      "(not seizure) is not true",
      "not seizure is not true",
      "at_least(2, seizure, chest_pain, temperature_c >= 38.0) is not true",
      "(at_least(1, seizure, chest_pain) and not (temperature_c < 36 is not true)) is not true",
      "chest_pain and (temperature_c >= 38.0 is not true)",
      "(sciatica in {one_leg, both_legs} or known(seizure)) is not true",
  };
  const int slots[] = {Slot("seizure"), Slot("chest_pain"), Slot("temperature_c"), Slot("sciatica")};
  const double values[4][4] = {{NAN, 0, 1, 1}, {NAN, 0, 1, 1}, {NAN, 35.9, 36.0, 38.0}, {NAN, 0, 1, 2}};
  const char* choices[] = {"none", "one_leg", "both_legs"};
  std::vector<double> v(world_.slot_count(), NAN);
  for (const char* text : texts) {
    auto c = compiler_->Compile(text);
    ASSERT_TRUE(c.ok()) << text << ": " << c.error().message;
    for (int i = 0; i < 256; ++i) {
      for (int k = 0; k < 4; ++k) v[slots[k]] = values[k][(i >> (2 * k)) & 3];
      ReferenceEvaluator ref(
          [&](const std::string& name) {
            RefValue r;
            double x = v[Slot(name)];
            r.known = !std::isnan(x);
            r.kind = name == "temperature_c" ? RefValue::kNumber : name == "sciatica" ? RefValue::kChoice : RefValue::kBool;
            r.number = x;
            if (r.known && r.kind == RefValue::kChoice) r.choice = choices[static_cast<int>(x)];
            return r;
          },
          {});
      Tri fast = internal::Eval(world_.program, c.value(), v.data());
      ASSERT_EQ(static_cast<int>(fast), static_cast<int>(ref.Eval(text))) << text << " case " << i;
    }
  }
  // Never unknown itself.
  auto c = compiler_->Compile("(seizure and chest_pain) is not true");
  std::fill(v.begin(), v.end(), NAN);
  EXPECT_EQ(internal::Eval(world_.program, c.value(), v.data()), internal::kTrue);
}

TEST_F(ConditionTest, IsNotTrueErrors) {
  EXPECT_THAT(Dump("seizure is true"), HasSubstr("expected 'not true' after 'is'"));
  EXPECT_THAT(Dump("seizure is not false"), HasSubstr("expected 'true' after 'is not'"));
  EXPECT_THAT(Dump("vomits_24h + stools_24h >= 4 is not true"), HasSubstr("cannot be used on a sum"));
  EXPECT_THAT(Dump("is not true"), HasSubstr("'is' cannot stand here"));
  // Repeated rewrites grow linearly (NT(known x) is "not known x"), and stop
  // at a budget: here the evaluation stack.
  std::string repeated = "(seizure or chest_pain)";
  for (int i = 0; i < 150; ++i) repeated += " is not true";
  EXPECT_THAT(Dump(repeated), HasSubstr("stack slots"));
}

}  // namespace
}  // namespace norotriage::testing
