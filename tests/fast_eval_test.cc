// The fast form of the conditions (eval/fast_eval.h) against the postfix
// evaluator, which stays the reference: on generated requests (and the same
// requests with findings dropped, for more unknowns), every rule condition of
// the built-in knowledge base has the same three-valued value, IsTrue and
// IsFalse agree with it, TrueFlags lists exactly the true flags, and the
// compact medicine advice is the full assessment's; ExplainOpen is Explain
// less `why`. Also the
// finding-id table (compile/finding_table.h) against KnowledgeBase::FindingIndex.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "request_generator.h"
#include "compile/compiled_kb.h"
#include "compile/finding_table.h"
#include "eval/evaluator.h"
#include "eval/fast_eval.h"
#include "eval/request_state.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"

namespace norotriage {
namespace {

using internal::Cond;
using internal::CompiledKb;
using internal::FastProgram;
using testing::Rng;

const KnowledgeBase& Kb() {
  static const auto kb = KnowledgeBase::LoadBuiltin().value();
  return *kb;
}

std::vector<Cond> AllConditions(const CompiledKb& kb) {
  std::vector<Cond> out = {kb.hydration.severe, kb.hydration.some};
  for (const auto& [id, c] : kb.definitions) out.push_back(c);
  for (const auto& c : kb.consistency) out.push_back(c.error_if);
  for (const auto& f : kb.flags) {
    out.push_back(f.when);
    // A slice the fast form does not know (the first instruction alone): the
    // fallback to Eval must give its value too.
    out.push_back(Cond{f.when.begin, f.when.begin + 1});
  }
  for (const auto& m : kb.medicines) {
    if (m.is_review) out.push_back(m.review.when);
    for (const auto& c : m.avoid) out.push_back(c.when);
    for (const auto& c : m.caution) out.push_back(c.when);
  }
  for (const auto* list : {&kb.mechanisms, &kb.self_care, &kb.expected}) {
    for (const auto& t : *list) out.push_back(t.when);
  }
  for (const auto& p : kb.pain_regions) {
    out.push_back(p.present);
    for (const auto& t : p.types) out.push_back(t.when);
  }
  for (const auto& r : kb.review) out.push_back(r.present);
  return out;
}

TEST(FastEvalTest, AgreesWithPostfixEvalOnGeneratedRequests) {
  const KnowledgeBase& kbase = Kb();
  const CompiledKb& kb = kbase.compiled();
  const FastProgram& fast = internal::FastOf(kb);
  const std::vector<Cond> conds = AllConditions(kb);
  const testing::RequestGenerator gen(kb);
  Rng rng(20261121);
  int checked = 0, fired_total = 0;
  std::vector<uint32_t> fired(kb.flags.size());
  for (int n = 0; n < 3000; ++n) {
    auto req = ParseRequest(kbase, testing::ToRequestJson(kb, gen.Generate(rng)), ParseOptions{.require_age = false});
    if (!req.ok()) continue;
    for (int variant = 0; variant < 2; ++variant) {
      Findings findings = req.value().findings;
      if (variant == 1) {  // more unknowns: drop each known finding with p = 0.4
        for (size_t i = 0; i < findings.size(); ++i) {
          if (findings.known(i) && rng.Chance(0.4)) findings.clear(i);
        }
      }
      internal::RequestState st;
      internal::PrepareState(kb, findings, &st);
      const double* v = st.values.data();
      for (Cond c : conds) {
        const internal::Tri want = internal::Eval(kb.program, c, v);
        ASSERT_EQ(fast.Eval(c, v), want) << "condition at " << c.begin << ", request " << n;
        ASSERT_EQ(fast.IsTrue(c, v), want == internal::kTrue) << "condition at " << c.begin;
        ASSERT_EQ(fast.IsFalse(c, v), want == internal::kFalse) << "condition at " << c.begin;
        ++checked;
      }
      const size_t count = fast.TrueFlags(v, fired.data());
      std::vector<uint32_t> want_fired;
      for (size_t i = 0; i < kb.flags.size(); ++i) {
        if (internal::Eval(kb.program, kb.flags[i].when, v) == internal::kTrue) want_fired.push_back(i);
      }
      ASSERT_EQ(std::vector<uint32_t>(fired.begin(), fired.begin() + count), want_fired);
      fired_total += static_cast<int>(count);
      // The compact path's medicine advice (fast, no reasons) is the full
      // path's (Judge, with reasons).
      Request full_request;
      full_request.findings = findings;
      const Assessment full = Assess(kbase, full_request);
      const CompactAssessment compact = AssessCompact(kbase, findings);
      ASSERT_EQ(compact.medicines.size(), full.medicines.size());
      for (size_t i = 0; i < full.medicines.size(); ++i) {
        EXPECT_EQ(compact.medicines[i].first, full.medicines[i].id);
        EXPECT_EQ(compact.medicines[i].second, full.medicines[i].advice) << full.medicines[i].id;
      }
      EXPECT_EQ(compact.disposition, full.disposition);
    }
  }
  EXPECT_GT(checked, 100000);
  EXPECT_GT(fired_total, 1000);  // the requests exercise true flags, not only false ones
}

// The filter in front of TrueFlags and FirstTrueConsistencyRule never drops
// a true condition: both give what evaluating every condition gives, also on
// values no valid request has (which the consistency rules reject).
// ExplainOpen (the unanswered questions' Explain) is Explain less `why`.
TEST(FastEvalTest, ExplainOpenIsExplainWithoutWhy) {
  const KnowledgeBase& kbase = Kb();
  const CompiledKb& kb = kbase.compiled();
  const std::vector<Cond> conds = AllConditions(kb);
  const testing::RequestGenerator gen(kb);
  Rng rng(20261207);
  int soft = 0, open = 0;
  for (int n = 0; n < 1000; ++n) {
    auto req = ParseRequest(kbase, testing::ToRequestJson(kb, gen.Generate(rng)), ParseOptions{.require_age = false});
    if (!req.ok()) continue;
    internal::RequestState st;
    internal::PrepareState(kb, req.value().findings, &st);
    const internal::DerivedInfo derived = internal::ExplainDerived(kb, st);
    for (Cond c : conds) {
      const internal::Explained want = internal::Explain(kb, c, st.values.data(), derived);
      const internal::Explained got = internal::ExplainOpen(kb, c, st.values.data(), derived);
      ASSERT_EQ(got.value, want.value) << "condition at " << c.begin << ", request " << n;
      ASSERT_EQ(got.soft, want.soft) << "condition at " << c.begin << ", request " << n;
      ASSERT_EQ(got.open, want.open) << "condition at " << c.begin << ", request " << n;
      ASSERT_TRUE(got.why.none());
      soft += want.soft;
      open += want.open.any();
    }
  }
  EXPECT_GT(soft, 0);  // the cases that matter were met
  EXPECT_GT(open, 1000);
}

TEST(FastEvalTest, ConditionFiltersMissNothing) {
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  const auto& ckb = kb.value()->compiled();
  const auto& fast = internal::FastOf(ckb);
  testing::RequestGenerator gen(ckb);
  testing::Rng rng(99);
  std::vector<uint32_t> fired(ckb.flags.size());
  int rules_broken = 0;
  for (int n = 0; n < 5000; ++n) {
    Findings findings(ckb.findings.size());
    const auto values = gen.Generate(rng);
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] && !values[i]->is_null()) {
        const auto& f = ckb.findings[i];
        const auto& v = *values[i];
        if (v.is_boolean()) findings.set(i, v.get<bool>() ? 1 : 0);
        else if (v.is_number()) findings.set(i, v.get<double>());
        else if (v.is_string()) {
          for (size_t k = 0; k < f.choices.size(); ++k) {
            if (f.choices[k] == v.get<std::string>()) findings.set(i, static_cast<double>(k));
          }
        }
      }
    }
    internal::RequestState st;
    internal::PrepareState(ckb, findings, &st);
    const double* v = st.values.data();
    const size_t count = fast.TrueFlags(v, fired.data());
    std::vector<uint32_t> want;
    for (size_t i = 0; i < ckb.flags.size(); ++i) {
      if (internal::Eval(ckb.program, ckb.flags[i].when, v) == internal::kTrue) want.push_back(static_cast<uint32_t>(i));
    }
    ASSERT_EQ(std::vector<uint32_t>(fired.begin(), fired.begin() + count), want);
    int first = -1;
    for (size_t i = 0; i < ckb.consistency.size() && first < 0; ++i) {
      if (internal::Eval(ckb.program, ckb.consistency[i].error_if, v) == internal::kTrue) first = static_cast<int>(i);
    }
    ASSERT_EQ(fast.FirstTrueConsistencyRule(v), first);
    rules_broken += first >= 0;
  }
  EXPECT_GT(rules_broken, 0);  // the generator breaks rules now and then, before it filters
}

TEST(FastEvalTest, FlagsReadingOnlyFindingsAreMarkedSo) {
  const CompiledKb& kb = Kb().compiled();
  const FastProgram& fast = internal::FastOf(kb);
  for (const auto& c : kb.consistency) {
    // Every consistency rule of the built-in knowledge base reads findings
    // only: the parser then evaluates it on the findings directly.
    EXPECT_FALSE(fast.ReadsDerived(c.error_if)) << c.path;
  }
  bool any_hydration = false;
  for (const auto& f : kb.flags) any_hydration = any_hydration || fast.CanBeSoft(f.when);
  EXPECT_TRUE(any_hydration);  // dehydration_high_risk reads 'hydration in {some, severe}'
}

TEST(FastEvalTest, CopyOfCompiledKbStartsWithoutFastForm) {
  const CompiledKb& kb = Kb().compiled();
  const FastProgram& fast = internal::FastOf(kb);
  CompiledKb copy = kb;
  EXPECT_NE(&internal::FastOf(copy), &fast);
  EXPECT_EQ(&internal::FastOf(kb), &fast);  // built once, then kept
}

TEST(FindingTableTest, SameAnswersAsFindingIndex) {
  const KnowledgeBase& kbase = Kb();
  const internal::FindingTable& table = internal::FastOf(kbase.compiled()).finding_table();
  std::vector<std::string> probes = {"", "a", "back", "back_pai", "back_painx", "xback_pain", "age_year",
                                     std::string(300, 'x'), std::string("back\0pain", 9)};
  for (const auto& f : kbase.findings()) {
    probes.push_back(f.id);
    probes.push_back(f.id + "_");
    probes.push_back(f.id.substr(0, f.id.size() - 1));
    std::string changed = f.id;
    changed[changed.size() / 2] ^= 1;
    probes.push_back(changed);
  }
  for (const auto& p : probes) EXPECT_EQ(table.Find(p), kbase.FindingIndex(p)) << p;
}

TEST(FindingTableTest, DuplicateIdsKeepTheLastLikeTheMap) {
  internal::FindingTable table({"a", "bb", "a", "a_rather_long_finding_identifier"});
  EXPECT_EQ(table.Find("a"), 2);
  EXPECT_EQ(table.Find("bb"), 1);
  EXPECT_EQ(table.Find("a_rather_long_finding_identifier"), 3);
  EXPECT_EQ(table.Find("a_rather_long_finding_identifieR"), -1);
  EXPECT_EQ(internal::FindingTable({}).Find("a"), -1);
}

}  // namespace
}  // namespace norotriage
