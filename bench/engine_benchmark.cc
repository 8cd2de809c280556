// Micro-benchmarks of the engine, on the built-in knowledge base.
//
//   BM_EvaluateFlagsHydrationMedicines  AssessCompact on parsed findings (the batch fast path)
//   BM_EvaluateGenerated                the same on 10,000 generated requests (tests/request_generator.h)
//   BM_FlagsGenerated                   only what the json-rules-engine export does on those requests:
//                                       derived values, every flag, the disposition (bench/peer),
//                                       on the engine's fast path (FastProgram::TrueFlags)
//   BM_AssessFull                       Assess on a parsed request (every part of the result)
//   BM_ParseAssessJson                  request JSON text -> ParseRequest -> Assess -> ToJson
//   BM_ToJson                           ToJson alone, on assessments made beforehand
//   BM_LoadKnowledgeBase                LoadBuiltin: parse, validate and compile the YAML
//   BM_RenderResultFragments            rendering the knowledge base's texts as JSON, which the
//                                       first ToJson of a knowledge base does (start-up of assess --json)
//
// Each iteration of the others handles one request of a fixed set of eight,
// in turn; items_per_second is requests per second. scripts/bench.sh reports
// the first two as engine evaluations per second per core.
//
// Run: make bench, or build/norotriage_bench --benchmark_filter=Assess

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "compile/compiled_kb.h"
#include "eval/evaluator.h"
#include "eval/fast_eval.h"
#include "eval/request_state.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"
#include "output/result_fragments.h"
#include "tests/request_generator.h"

namespace norotriage {
namespace {

// Realistic, varied requests: the common self-care cases and a spread of flags.
const char* const kRequests[] = {
    // Adult, day 1, back pain from retching, some dehydration.
    R"({"ref": "bench-1", "findings": {"age_years": 34, "sex": "female", "weight_kg": 70,
        "days_since_onset": 1, "gi_ongoing": true, "vomits_24h": 6, "stools_24h": 3,
        "keeps_fluids_down": true, "thirst": "thirsty", "dry_mouth": true, "back_pain": true,
        "back_pain_site": "lower", "back_pain_days": 1, "back_pain_score": 5,
        "back_pain_began_with_vomiting": true, "back_pain_mechanical": true,
        "temperature_c": 37.6}})",
    // Back pain with saddle numbness: emergency.
    R"({"findings": {"age_years": 45, "back_pain": true, "back_pain_days": 3,
        "saddle_numbness": true, "bladder_control_change": true}})",
    // Child of eight with aching legs on day 2, drinking well.
    R"({"findings": {"age_years": 8, "weight_kg": 26, "days_since_onset": 2, "gi_ongoing": true,
        "stools_24h": 4, "keeps_fluids_down": true, "thirst": "normal", "dry_mouth": false,
        "leg_aches": true, "leg_aches_days": 2, "leg_aches_score": 4, "temperature_c": 37.9}})",
    // Older adult, confused, no urine for 14 hours: severe dehydration.
    R"({"findings": {"age_years": 81, "weight_kg": 58, "days_since_onset": 2, "gi_ongoing": true,
        "stools_24h": 7, "alertness": "confused", "hours_since_urine": 14, "dry_mouth": true,
        "kidney_disease": true, "bp_or_water_tablets": true}})",
    // One swollen calf after days in bed.
    R"({"findings": {"age_years": 52, "weight_kg": 90, "days_since_onset": 5, "gi_ongoing": false,
        "leg_aches": true, "leg_aches_days": 4, "one_leg_swollen": true,
        "calf_tender_one_side": true, "bedbound_days": 4, "hormone_therapy": false}})",
    // Flank pain with fever and burning urine.
    R"({"findings": {"age_years": 29, "sex": "female", "pregnancy_weeks": 0, "back_pain": true,
        "back_pain_site": "flank", "back_pain_days": 2, "temperature_c": 38.6,
        "urinary_symptoms": true, "blood_in_urine": false}})",
    // Pregnant, dizzy with dark urine, on metformin.
    R"({"findings": {"age_years": 31, "sex": "female", "pregnancy_weeks": 24, "weight_kg": 68,
        "days_since_onset": 1, "gi_ongoing": true, "vomits_24h": 4, "dizzy_on_standing": true,
        "dark_urine": true, "metformin": true, "liver_disease": false}})",
    // Back pain and nothing else known (many unanswered questions).
    R"({"findings": {"age_years": 40, "back_pain": true}})",
};

// The knowledge base and the parsed requests, built once for all benchmarks.
struct Fixture {
  std::shared_ptr<const KnowledgeBase> kb;
  std::vector<std::string> texts;
  std::vector<Request> requests;
  std::vector<Findings> generated;  // varied requests from the seeded generator
  std::string error;  // non-empty when the fixture could not be built
};

Fixture BuildFixture() {
  Fixture f;
  auto kb = KnowledgeBase::LoadBuiltin();
  if (!kb.ok()) {
    f.error = "LoadBuiltin: " + kb.status().ToString();
    return f;
  }
  f.kb = kb.value();
  for (const char* text : kRequests) {
    auto request = ParseRequest(*f.kb, text);
    if (!request.ok()) {
      f.error = "ParseRequest: " + request.error().ToString();
      return f;
    }
    f.texts.emplace_back(text);
    f.requests.push_back(std::move(request).value());
  }
  testing::RequestGenerator gen(f.kb->compiled());
  testing::Rng rng(1);
  while (f.generated.size() < 10000) {
    auto request = ParseRequest(*f.kb, testing::ToRequestJson(f.kb->compiled(), gen.Generate(rng)));
    if (request.ok()) f.generated.push_back(std::move(request).value().findings);  // skip contradictions
  }
  return f;
}

const Fixture& GetFixture() {
  static const Fixture kFixture = BuildFixture();
  return kFixture;
}

// Returns false (and marks the benchmark as failed) when the fixture is broken.
bool FixtureOk(benchmark::State& state, const Fixture& f) {
  if (f.error.empty()) return true;
  state.SkipWithError(f.error.c_str());
  return false;
}

void BM_EvaluateFlagsHydrationMedicines(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!FixtureOk(state, f)) return;
  size_t i = 0;
  for (auto _ : state) {
    CompactAssessment a = AssessCompact(*f.kb, f.requests[i].findings);
    benchmark::DoNotOptimize(a);
    if (++i == f.requests.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateFlagsHydrationMedicines);

void BM_EvaluateGenerated(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!FixtureOk(state, f)) return;
  size_t i = 0;
  for (auto _ : state) {
    CompactAssessment a = AssessCompact(*f.kb, f.generated[i]);
    benchmark::DoNotOptimize(a);
    if (++i == f.generated.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateGenerated);

void BM_FlagsGenerated(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!FixtureOk(state, f)) return;
  const internal::CompiledKb& kb = f.kb->compiled();
  const internal::FastProgram& fast = internal::FastOf(kb);  // what AssessCompact uses
  std::vector<uint32_t> fired(kb.flags.size());
  size_t i = 0;
  internal::RequestState st;
  for (auto _ : state) {
    internal::PrepareState(kb, f.generated[i], &st);
    Level disposition = Level::kSelfCare;
    const size_t n = fast.TrueFlags(st.values.data(), fired.data());
    for (size_t j = 0; j < n; ++j) disposition = std::max(disposition, kb.flags[fired[j]].level);
    benchmark::DoNotOptimize(disposition);
    if (++i == f.generated.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlagsGenerated);

void BM_AssessFull(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!FixtureOk(state, f)) return;
  size_t i = 0;
  for (auto _ : state) {
    Assessment a = Assess(*f.kb, f.requests[i]);
    benchmark::DoNotOptimize(a);
    if (++i == f.requests.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AssessFull);

void BM_ParseAssessJson(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!FixtureOk(state, f)) return;
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    auto request = ParseRequest(*f.kb, f.texts[i]);
    if (!request.ok()) {
      state.SkipWithError(request.error().ToString().c_str());
      break;
    }
    std::string json = ToJson(Assess(*f.kb, request.value()));
    benchmark::DoNotOptimize(json);
    bytes += f.texts[i].size();
    if (++i == f.texts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseAssessJson);

void BM_ToJson(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!FixtureOk(state, f)) return;
  std::vector<Assessment> assessments;
  for (const Request& r : f.requests) assessments.push_back(Assess(*f.kb, r));
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = ToJson(assessments[i]);
    bytes += json.size();
    benchmark::DoNotOptimize(json);
    if (++i == assessments.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ToJson);

void BM_LoadKnowledgeBase(benchmark::State& state) {
  for (auto _ : state) {
    auto kb = KnowledgeBase::LoadBuiltin();
    if (!kb.ok()) {
      state.SkipWithError(kb.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(kb);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LoadKnowledgeBase)->Unit(benchmark::kMicrosecond);

void BM_RenderResultFragments(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!FixtureOk(state, f)) return;
  for (auto _ : state) {
    internal::ResultFragments fragments(f.kb->compiled());
    benchmark::DoNotOptimize(fragments);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderResultFragments)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace norotriage
