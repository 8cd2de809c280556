// The json-rules-engine export (src/kb/export_rules_engine.cc), checked
// without node: a small two-valued evaluator of the exported document, written
// here with json-rules-engine's semantics (an absent fact makes every operator
// but notEqual/notIn false; an empty `all` or `any` is true; rules run by
// priority, highest first, and "derive" events set facts for lower ones),
// must fire exactly the flags, and derive exactly the hydration status, that
// the three-valued engine gives. On generated requests, for the built-in
// knowledge base and for one with the constructs it does not use (sums,
// not known(), not at_least(), != on numbers, not hydration in {...}).
// The same check against the real json-rules-engine runs in ctest as
// rules_engine_export (bench/peer/check.sh).
#include "kb/export_rules_engine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "compile/compiled_kb.h"
#include "kb_test_util.h"
#include "request_generator.h"

namespace norotriage::testing {
namespace {

using Facts = std::map<std::string, json>;

bool Holds(const json& c, const Facts& facts) {
  if (c.contains("all")) {
    for (const json& x : c["all"]) {
      if (!Holds(x, facts)) return false;
    }
    return true;
  }
  if (c.contains("any")) {
    if (c["any"].empty()) return true;  // as json-rules-engine does
    for (const json& x : c["any"]) {
      if (Holds(x, facts)) return true;
    }
    return false;
  }
  if (c.contains("not")) return !Holds(c["not"], facts);
  auto it = facts.find(c.at("fact").get<std::string>());
  const json* v = it == facts.end() ? nullptr : &it->second;
  const std::string op = c.at("operator");
  const json& value = c.at("value");
  auto in = [&] { return v && std::find(value.begin(), value.end(), *v) != value.end(); };
  if (op == "equal") return v && *v == value;
  if (op == "notEqual") return !(v && *v == value);
  if (op == "in") return in();
  if (op == "notIn") return !in();
  if (!v || !v->is_number()) return false;  // the numeric operators' validator
  const double a = v->get<double>(), b = value.get<double>();
  if (op == "lessThan") return a < b;
  if (op == "lessThanInclusive") return a <= b;
  if (op == "greaterThan") return a > b;
  if (op == "greaterThanInclusive") return a >= b;
  ADD_FAILURE() << "unknown operator " << op;
  return false;
}

// The value of a "derive" expression; null when a needed fact is absent.
json Derive(const json& e, const Facts& facts) {
  if (e.is_number() || e.is_string() || e.is_boolean()) return e;
  if (e.contains("fact")) {
    auto it = facts.find(e["fact"].get<std::string>());
    if (it != facts.end()) return it->second;
    return e.contains("default") ? e["default"] : json();
  }
  const std::string op = e.begin().key();
  std::vector<double> args;
  for (const json& x : e.begin().value()) {
    json v = Derive(x, facts);
    if (v.is_null()) return json();
    args.push_back(v.get<double>());
  }
  if (op == "round") {  // Math.round(x) / scale
    const double f = std::floor(args.at(0));
    return (args[0] - f >= 0.5 ? f + 1 : f) / args.at(1);
  }
  double r = args.at(0);
  for (size_t i = 1; i < args.size(); ++i) {
    if (op == "add") r += args[i];
    else if (op == "sub") r -= args[i];
    else if (op == "mul") r *= args[i];
    else if (op == "div") r /= args[i];
    else ADD_FAILURE() << "unknown derive op " << op;
  }
  return r;
}

struct Outcome {
  std::set<std::string> flags;
  std::string hydration = "none";
};

// Runs the document like json-rules-engine: priority groups highest first;
// within a group every rule sees the facts as the group began.
Outcome Run(const json& doc, Facts facts) {
  std::map<int, std::vector<const json*>, std::greater<int>> groups;
  for (const json& r : doc["rules"]) groups[r["priority"].get<int>()].push_back(&r);
  Outcome out;
  for (const auto& [priority, rules] : groups) {
    std::vector<const json*> fired;
    for (const json* r : rules) {
      if (Holds((*r)["conditions"], facts)) fired.push_back(r);
    }
    for (const json* r : fired) {
      const json& ev = (*r)["event"];
      if (ev["type"] == "flag") {
        out.flags.insert(ev["params"]["id"].get<std::string>());
      } else {
        json v = Derive(ev["params"]["value"], facts);
        if (!v.is_null()) facts[ev["params"]["fact"].get<std::string>()] = v;
      }
    }
  }
  if (auto it = facts.find("hydration"); it != facts.end()) out.hydration = it->second.get<std::string>();
  return out;
}

// Checks `count` generated requests; returns how many fired each flag.
std::map<std::string, int> ExpectAgreement(const KnowledgeBase& kb, uint64_t seed, int count) {
  auto exported = internal::ExportRulesEngine(kb);
  EXPECT_TRUE(exported.ok()) << exported.status().ToString();
  std::map<std::string, int> fired;
  if (!exported.ok()) return fired;
  const json doc = json::parse(*exported);
  const auto& ckb = kb.compiled();
  RequestGenerator gen(ckb);
  Rng rng(seed);
  int failures = 0;
  for (int checked = 0; checked < count;) {
    const Values v = gen.Generate(rng);
    const std::string text = ToRequestJson(ckb, v);
    auto req = ParseRequest(kb, text);
    if (!req.ok()) continue;  // a contradiction
    ++checked;
    Facts facts;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i]) facts[ckb.findings[i].id] = *v[i];
    }
    const Outcome got = Run(doc, facts);
    const CompactAssessment want = AssessCompact(kb, req->findings);
    const std::set<std::string> want_flags(want.flags.begin(), want.flags.end());
    for (const auto& f : got.flags) ++fired[f];
    if (got.flags != want_flags || got.hydration != HydrationStatusId(want.hydration)) {
      if (++failures <= 5) {
        ADD_FAILURE() << text << "\nengine: " << ::testing::PrintToString(want_flags) << " hydration "
                      << HydrationStatusId(want.hydration) << "\nexport: " << ::testing::PrintToString(got.flags)
                      << " hydration " << got.hydration;
      }
    }
  }
  EXPECT_EQ(failures, 0);
  return fired;
}

TEST(ExportRulesEngineTest, DocumentShape) {
  auto exported = internal::ExportRulesEngine(Kb());
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  const json doc = json::parse(*exported);
  EXPECT_EQ(doc["format"], "json-rules-engine");
  EXPECT_EQ(doc["engine_options"]["allowUndefinedFacts"], true);
  EXPECT_EQ(doc["levels"], json({"self_care", "routine", "urgent", "emergency"}));
  size_t flags = 0;
  for (const json& r : doc["rules"]) {
    const json& c = r["conditions"];
    ASSERT_TRUE(c.size() == 1 && (c.contains("all") || c.contains("any") || c.contains("not"))) << r["name"];
    if (r["event"]["type"] == "flag") ++flags;
  }
  EXPECT_EQ(flags, Kb().compiled().flags.size());
}

TEST(ExportRulesEngineTest, AgreesWithTheEngineOnGeneratedRequests) {
  std::map<std::string, int> fired = ExpectAgreement(Kb(), 4242, 5000);
  // The sample is varied enough to mean something: most flags fire somewhere.
  EXPECT_GE(fired.size(), Kb().compiled().flags.size() * 3 / 4);
}

class ExportRulesEngineKbTest : public KbTestWithBuiltinFiles {};

TEST_F(ExportRulesEngineKbTest, AgreesOnConstructsTheBuiltinRulesDoNotUse) {
  std::string extra;
  const std::pair<const char*, const char*> kFlags[] = {
      {"test_sum_ge", "vomits_24h + stools_24h >= 10"},
      {"test_sum_le", "vomits_24h + stools_24h <= 4 and not (vomits_24h + stools_24h = 2)"},
      {"test_sum_gt_not", "not (vomits_24h + stools_24h > 6) and back_pain"},
      {"test_not_known", "not known(temperature_c) and back_pain"},
      {"test_not_at_least", "not at_least(2, fever, sex = female, back_pain_score >= 5, leg_aches)"},
      {"test_ne", "back_pain_score != 5 and not (leg_aches_score != 3)"},
      {"test_not_hydration", "not (hydration in {none}) and leg_aches"},
      {"test_weight_loss", "weight_loss_percent < 3 or not (weight_loss_percent >= 7)"},
  };
  for (const auto& [id, when] : kFlags) {
    extra += std::string("  - id: ") + id + "\n    level: routine\n    when: \"" + when +
             "\"\n    title: \"Test\"\n    advice: \"See a doctor.\"\n    safety_net: \"See a doctor.\"\n"
             "    sources: [nhs-back-pain]\n\n";
  }
  Replace("flags.yaml", "flags:\n", "flags:\n" + extra);
  auto kb = KnowledgeBase::LoadFiles(files_);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  std::map<std::string, int> fired = ExpectAgreement(**kb, 777, 5000);
  for (const auto& [id, when] : kFlags) EXPECT_GT(fired[id], 0) << id << " never fired: " << when;
}

TEST_F(ExportRulesEngineKbTest, AtLeastExpansionHasABudget) {
  internal::RulesEngineExportLimits limits;
  limits.max_combinations = 5;  // some_dehydration_signs: at_least(2) of 10 is 45
  auto exported = internal::ExportRulesEngine(Kb(), limits);
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.status().code(), Status::Code::kResourceExhausted);
  EXPECT_NE(exported.status().message().find("at_least"), std::string::npos) << exported.status().message();
}

}  // namespace
}  // namespace norotriage::testing
