// Seeded property tests of the safety rules over generated requests.
//
// A fixed-seed generator builds requests from the finding vocabulary
// of the built-in knowledge base: always age_years, then a random subset of
// the other findings, each set to a valid value (bools, choices, and numbers
// picked mostly at and around the thresholds the rules compare them with).
// Each request goes through ParseRequest as JSON text, and only requests the
// parser accepts count: generation goes on until 20,000 are accepted (about
// 35,000 generated). The generator makes only well-typed, in-range values, so
// a rejection must be one of the knowledge base's contradictions.
//
// Properties checked on every accepted request:
//   (a) the disposition is the highest level among the flags whose condition
//       is true (self_care if none), and the result lists exactly those flags;
//   (b) monotonicity: answering one unknown finding (any valid value) never
//       takes the disposition below the level of a flag that was true (a
//       flag may give way to a higher one: `fever is not true` turns false
//       when a fever is found, and upper_uti fires; dehydration_high_risk
//       reads "some", and severe_dehydration fires when it becomes severe);
//   (c) answering "yes" to a warning sign of an emergency flag never lowers
//       the disposition;
//   (d) ibuprofen is never "ok" while one of its avoid-conditions is true or
//       unknown, and is "avoid" when one is true;
//   (e) the same request gives byte-identical ToJson output;
//   (f) a finding that does not apply (policy "Who a finding applies to")
//       changes nothing when the request gives it as its `otherwise` value:
//       the flags, disposition, hydration status and medicine advice are the
//       same as when it is not given (unless giving it is the request's only
//       hydration sign, which makes hydration "assessed").
//
// The generator draws only raw 64-bit words from std::mt19937_64 (whose
// output the standard fixes) and maps them itself, so a seed gives the same
// requests with any standard library.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "request_generator.h"
#include "compile/compiled_kb.h"
#include "compile/program.h"
#include "eval/evaluator.h"
#include "eval/request_state.h"
#include "norotriage/assessment.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"

namespace norotriage {
namespace {

using internal::CompiledKb;
using nlohmann::json;

using testing::Kb;
using testing::RequestGenerator;
using testing::Rng;
using testing::ToRequestJson;
using testing::Values;

constexpr uint64_t kSeed = 20261121;
constexpr int kRequests = 20000;         // accepted requests to check
constexpr int kMaxGenerated = 3 * kRequests;
constexpr int kMaxReportedFailures = 5;  // per property, with the request that failed

// ---------------------------------------------------------------- helpers

// What the evaluator says directly (not through Assess): the flags whose
// condition is true, as indexes into kb.flags, and the hydration status.
struct Evaluated {
  std::vector<size_t> flags;
  HydrationStatus hydration = HydrationStatus::kNone;
};

Evaluated Evaluate(const CompiledKb& kb, const Findings& findings) {
  internal::RequestState st;
  internal::PrepareState(kb, findings, &st);
  Evaluated out;
  out.hydration = st.hydration;
  for (size_t i = 0; i < kb.flags.size(); ++i) {
    if (internal::Eval(kb.program, kb.flags[i].when, st.values.data()) == internal::kTrue) {
      out.flags.push_back(i);
    }
  }
  return out;
}

Level MaxLevel(const CompiledKb& kb, const std::vector<size_t>& flags) {
  Level l = Level::kSelfCare;
  for (size_t i : flags) l = std::max(l, kb.flags[i].level);
  return l;
}

// Bool findings that a condition of an emergency flag reads as "is true".
std::vector<size_t> EmergencyWarningSigns(const CompiledKb& kb) {
  std::set<size_t> out;
  for (const auto& f : kb.flags) {
    if (f.level != Level::kEmergency) continue;
    for (uint32_t pc = f.when.begin; pc < f.when.end; ++pc) {
      const internal::Instr& in = kb.program.code[pc];
      if (in.slot < 0 || static_cast<size_t>(in.slot) >= kb.findings.size()) continue;
      if (kb.findings[in.slot].type != FindingType::kBool) continue;
      // "keeps_fluids_down = false" compiles to the leaf and a `not`: its
      // warning answer is "no", so it is not one of these.
      const bool negated = pc + 1 < f.when.end && kb.program.code[pc + 1].op == internal::Op::kNot;
      if (!negated && (in.op == internal::Op::kBool ||
                       (in.op == internal::Op::kCompare && in.cmp == internal::Cmp::kEq && in.value == 1))) {
        out.insert(static_cast<size_t>(in.slot));
      }
    }
  }
  return {out.begin(), out.end()};
}

// Counts the failures of one property and reports the first few in full.
class PropertyFailures {
 public:
  explicit PropertyFailures(std::string name) : name_(std::move(name)) {}
  void Fail(const std::string& what) {
    if (++count_ <= kMaxReportedFailures) ADD_FAILURE() << name_ << ": " << what;
  }
  int count() const { return count_; }

 private:
  std::string name_;
  int count_ = 0;
};

std::string FlagIds(const CompiledKb& kb, const std::vector<size_t>& flags) {
  std::string s = "[";
  for (size_t i : flags) s += (s.size() > 1 ? ", " : "") + kb.flags[i].id;
  return s + "]";
}

// ---------------------------------------------------------------- the test

TEST(SafetyPropertyTest, GeneratedRequests) {
  const KnowledgeBase& kbase = Kb();
  const CompiledKb& kb = kbase.compiled();
  const RequestGenerator gen(kb);
  Rng rng(kSeed);

  const std::vector<size_t> warning_signs = EmergencyWarningSigns(kb);
  ASSERT_FALSE(warning_signs.empty());
  const auto ibuprofen = std::find_if(kb.medicines.begin(), kb.medicines.end(),
                                      [](const internal::MedicineRule& m) { return m.id == "ibuprofen"; });
  ASSERT_NE(ibuprofen, kb.medicines.end());
  ASSERT_FALSE(ibuprofen->avoid.empty());
  std::set<std::string> contradiction_messages;
  for (const auto& c : kb.consistency) contradiction_messages.insert(c.message);

  PropertyFailures rejected_valid("a well-typed, in-range request is rejected for a reason other "
                                  "than a contradiction");
  PropertyFailures disposition_is_max("(a) disposition = highest level of the true flags");
  PropertyFailures monotone("(b) answering an unknown finding never lowers the disposition below a true flag");
  PropertyFailures warning_sign("(c) a 'yes' to an emergency warning sign never lowers the disposition");
  PropertyFailures ibuprofen_safe("(d) ibuprofen is never ok while an avoid-condition is true or unknown");
  PropertyFailures deterministic("(e) the same request gives byte-identical ToJson");
  PropertyFailures not_applicable("(f) a finding that does not apply changes nothing when given as 'otherwise'");
  int not_applicable_cases = 0;

  int generated = 0, accepted = 0, rejected = 0;
  int monotone_cases = 0, monotone_rejected = 0, warning_cases = 0;
  std::map<Level, int> by_disposition;
  std::map<Advice, int> ibuprofen_advice;

  // Parses generated JSON; nullopt when rejected (then checks why).
  auto parse = [&](const std::string& text) -> std::optional<Request> {
    auto req = ParseRequest(kbase, text);
    if (req.ok()) return std::move(req).value();
    if (!contradiction_messages.count(req.error().message)) {
      rejected_valid.Fail(req.error().ToString() + "\n  request: " + text);
    }
    return std::nullopt;
  };

  while (accepted < kRequests && generated < kMaxGenerated) {
    const Values values = gen.Generate(rng);
    const std::string text = ToRequestJson(kb, values);
    ++generated;
    const std::optional<Request> req = parse(text);
    if (!req) {
      ++rejected;
      continue;
    }
    ++accepted;

    const Assessment a = Assess(kbase, *req);
    const CompactAssessment compact = AssessCompact(kbase, req->findings);
    const Evaluated before = Evaluate(kb, req->findings);
    const std::vector<size_t>& fired = before.flags;
    const Level max_level = MaxLevel(kb, fired);
    ++by_disposition[a.disposition];

    // (a) The disposition is the highest level of the true flags, and the
    // result lists exactly those flags (in knowledge-base order, which is
    // highest level first).
    {
      std::vector<std::string_view> want;
      for (size_t i : fired) want.push_back(kb.flags[i].id);
      std::vector<std::string_view> got;
      for (const auto& f : a.flags) got.push_back(f.id);
      for (size_t i : fired) {
        if (a.disposition < kb.flags[i].level) {
          disposition_is_max.Fail("flag " + kb.flags[i].id + " is true but the disposition is " +
                                  std::string(LevelId(a.disposition)) + "\n  request: " + text);
        }
      }
      if (a.disposition != max_level || compact.disposition != max_level || got != want ||
          compact.flags != want) {
        disposition_is_max.Fail("true flags " + FlagIds(kb, fired) + " (max " +
                                std::string(LevelId(max_level)) + "), Assess says " +
                                std::string(LevelId(a.disposition)) + " with " +
                                std::to_string(got.size()) + " flags, AssessCompact says " +
                                std::string(LevelId(compact.disposition)) + "\n  request: " + text);
      }
    }

    // (d) Ibuprofen and its avoid-conditions.
    {
      internal::RequestState st;
      internal::PrepareState(kb, req->findings, &st);
      bool any_true = false, any_unknown = false;
      for (const auto& c : ibuprofen->avoid) {
        const internal::Tri t = internal::Eval(kb.program, c.when, st.values.data());
        any_true = any_true || t == internal::kTrue;
        any_unknown = any_unknown || t == internal::kUnknown;
      }
      const auto m = std::find_if(a.medicines.begin(), a.medicines.end(),
                                  [](const MedicineResult& r) { return r.id == "ibuprofen"; });
      if (m == a.medicines.end()) {
        ibuprofen_safe.Fail("ibuprofen is not listed\n  request: " + text);
      } else {
        ++ibuprofen_advice[m->advice];
        if ((any_true || any_unknown) && m->advice == Advice::kOk) {
          ibuprofen_safe.Fail("advice ok with an avoid-condition " +
                              std::string(any_true ? "true" : "unknown") + "\n  request: " + text);
        }
        if (any_true && (m->advice != Advice::kAvoid || m->dose.has_value())) {
          ibuprofen_safe.Fail("an avoid-condition is true, but the advice is " +
                              std::string(AdviceId(m->advice)) + "\n  request: " + text);
        }
        if (!any_true && m->advice == Advice::kAvoid) {
          ibuprofen_safe.Fail("advice avoid with no avoid-condition true\n  request: " + text);
        }
        for (const auto& [id, advice] : compact.medicines) {
          if (id == "ibuprofen" && advice != m->advice) {
            ibuprofen_safe.Fail("Assess and AssessCompact disagree\n  request: " + text);
          }
        }
      }
    }

    // (e) Determinism: parse and assess the same text again.
    {
      const std::string once = ToJson(a);
      const std::optional<Request> again = parse(text);
      if (!again || ToJson(Assess(kbase, *again)) != once) {
        deterministic.Fail("ToJson differs between two runs\n  request: " + text);
      }
    }

    // (b) Monotonicity: answer one unknown finding with a random valid value.
    std::vector<size_t> unknown;
    for (size_t i = 0; i < values.size(); ++i) {
      if (!values[i]) unknown.push_back(i);
    }
    for (int k = 0; k < 2 && !unknown.empty(); ++k) {
      const size_t i = rng.Pick(unknown);
      Values more = values;
      more[i] = gen.RandomValue(rng, i, 0.5);
      const std::string more_text = ToRequestJson(kb, more);
      const std::optional<Request> more_req = parse(more_text);
      if (!more_req) {
        ++monotone_rejected;
        continue;
      }
      ++monotone_cases;
      const Evaluated now = Evaluate(kb, more_req->findings);
      const std::vector<size_t>& after = now.flags;
      const Level after_level = AssessCompact(kbase, more_req->findings).disposition;
      for (size_t f : fired) {
        const bool still = std::find(after.begin(), after.end(), f) != after.end();
        if (after_level < kb.flags[f].level) {
          monotone.Fail("flag " + kb.flags[f].id + " was true; after setting " + kb.findings[i].id +
                        " = " + more[i]->dump() + " it is " + (still ? "true" : "no longer true") +
                        " and the disposition is " + std::string(LevelId(after_level)) +
                        " (flags now " + FlagIds(kb, after) + ")\n  before: " + text +
                        "\n  after:  " + more_text);
        }
      }
    }

    // (f) Findings that do not apply, given as the value they are read as.
    {
      internal::RequestState st;
      internal::PrepareState(kb, req->findings, &st);
      for (const auto& ap : kb.applicability) {
        if (!st.filled.test(ap.slot)) continue;
        Values more = values;
        const FindingSpec& spec = kb.findings[ap.slot];
        more[ap.slot] = spec.type == FindingType::kBool     ? json(ap.otherwise != 0)
                        : spec.type == FindingType::kChoice ? json(spec.choices[static_cast<size_t>(ap.otherwise)])
                                                            : json(ap.otherwise);
        const std::string more_text = ToRequestJson(kb, more);
        const std::optional<Request> more_req = parse(more_text);
        if (!more_req) {
          not_applicable.Fail("giving " + spec.id + " its otherwise value is rejected\n  request: " + more_text);
          continue;
        }
        const CompactAssessment b = AssessCompact(kbase, more_req->findings);
        if (b.hydration_assessed != compact.hydration_assessed) continue;
        ++not_applicable_cases;
        if (b.disposition != compact.disposition || b.flags != compact.flags || b.hydration != compact.hydration ||
            b.medicines != compact.medicines) {
          not_applicable.Fail(spec.id + " given as its otherwise value changes the result\n  before: " + text +
                              "\n  after:  " + more_text);
        }
      }
    }

    // (c) A warning sign of an emergency flag answered "yes".
    {
      const size_t i = rng.Pick(warning_signs);
      Values more = values;
      more[i] = true;
      const std::string more_text = ToRequestJson(kb, more);
      if (const std::optional<Request> more_req = parse(more_text)) {
        ++warning_cases;
        const Level after_level = AssessCompact(kbase, more_req->findings).disposition;
        if (after_level < a.disposition) {
          warning_sign.Fail(kb.findings[i].id + " = true lowers the disposition from " +
                            std::string(LevelId(a.disposition)) + " to " +
                            std::string(LevelId(after_level)) + "\n  before: " + text +
                            "\n  after:  " + more_text);
        }
      }
    }
  }

  // The generator must reach every disposition and every ibuprofen advice,
  // or the properties are checked on too narrow a sample.
  for (Level l : {Level::kSelfCare, Level::kRoutine, Level::kUrgent, Level::kEmergency}) {
    EXPECT_GT(by_disposition[l], 100) << "too few generated requests are " << LevelId(l);
  }
  for (Advice adv : {Advice::kOk, Advice::kCaution, Advice::kAvoid}) {
    EXPECT_GT(ibuprofen_advice[adv], 100) << "too few generated requests have ibuprofen " << AdviceId(adv);
  }
  EXPECT_EQ(accepted, kRequests) << "the generator makes too many contradictions";

  EXPECT_EQ(rejected_valid.count(), 0);
  EXPECT_EQ(disposition_is_max.count(), 0);
  EXPECT_EQ(monotone.count(), 0);
  EXPECT_EQ(warning_sign.count(), 0);
  EXPECT_EQ(ibuprofen_safe.count(), 0);
  EXPECT_EQ(deterministic.count(), 0);
  EXPECT_EQ(not_applicable.count(), 0);
  EXPECT_GT(not_applicable_cases, 1000);

  RecordProperty("seed", std::to_string(kSeed));
  RecordProperty("generated", generated);
  RecordProperty("accepted", accepted);
  RecordProperty("monotonicity_cases", monotone_cases);
  RecordProperty("warning_sign_cases", warning_cases);
  std::printf(
      "[ properties  ] seed %llu: %d generated, %d accepted, %d rejected as contradictions\n"
      "[ properties  ] dispositions: self_care %d, routine %d, urgent %d, emergency %d\n"
      "[ properties  ] ibuprofen: ok %d, caution %d, avoid %d\n"
      "[ properties  ] monotonicity: %d cases (%d more rejected); "
      "warning signs: %d cases over %zu findings; not applicable: %d cases\n",
      static_cast<unsigned long long>(kSeed), generated, accepted, rejected,
      by_disposition[Level::kSelfCare], by_disposition[Level::kRoutine],
      by_disposition[Level::kUrgent], by_disposition[Level::kEmergency],
      ibuprofen_advice[Advice::kOk], ibuprofen_advice[Advice::kCaution],
      ibuprofen_advice[Advice::kAvoid], monotone_cases, monotone_rejected, warning_cases,
      warning_signs.size(), not_applicable_cases);
}

// dehydration_high_risk reads the status "some" (policy v2): when a further
// answer raises the status to severe it gives way to severe_dehydration, an
// emergency, so the disposition still rises.
TEST(SafetyPropertyTest, DehydrationHighRiskGivesWayToSevere) {
  const KnowledgeBase& kbase = Kb();
  auto some = ParseRequest(kbase, R"({"findings": {"age_years": 3, "dry_mouth": true, "dark_urine": true}})");
  auto severe = ParseRequest(
      kbase, R"({"findings": {"age_years": 3, "dry_mouth": true, "dark_urine": true, "cold_mottled_skin": true}})");
  ASSERT_TRUE(some.ok() && severe.ok());
  const CompactAssessment a = AssessCompact(kbase, some->findings);
  const CompactAssessment b = AssessCompact(kbase, severe->findings);
  auto has = [](const CompactAssessment& c, std::string_view id) {
    return std::find(c.flags.begin(), c.flags.end(), id) != c.flags.end();
  };
  EXPECT_EQ(a.hydration, HydrationStatus::kSome);
  EXPECT_TRUE(has(a, "dehydration_high_risk"));
  EXPECT_EQ(a.disposition, Level::kUrgent);
  EXPECT_EQ(b.hydration, HydrationStatus::kSevere);
  EXPECT_FALSE(has(b, "dehydration_high_risk"));
  EXPECT_TRUE(has(b, "severe_dehydration"));
  EXPECT_EQ(b.disposition, Level::kEmergency);
}

}  // namespace
}  // namespace norotriage
