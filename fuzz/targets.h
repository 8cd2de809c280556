// One function per kind of untrusted input. The libFuzzer targets
// (fuzz/*_fuzzer.cc) call them, and so does tests/fuzz_regression_test.cc for
// every input saved under fuzz/regressions/<target>/: a crash found once
// stays fixed. Each function must never crash, leak or hang on any input.
#ifndef NOROTRIAGE_FUZZ_TARGETS_H_
#define NOROTRIAGE_FUZZ_TARGETS_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "compile/compiled_kb.h"
#include "compile/condition_compiler.h"
#include "eval/evaluator.h"
#include "eval/slot_set.h"
#include "kb/kb_image.h"
#include "norotriage/batch.h"
#include "norotriage/engine.h"
#include "norotriage/interview.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::fuzz {

constexpr size_t kMaxInput = 1 << 16;

inline const KnowledgeBase& Kb() {
  static const std::shared_ptr<const KnowledgeBase> kb = KnowledgeBase::LoadBuiltin().value();
  return *kb;
}

// A request: parse, validate, assess, and write both outputs.
inline void Request(std::string_view data) {
  if (data.size() > kMaxInput) return;
  auto req = ParseRequest(Kb(), data);
  if (!req.ok()) return;
  Assessment a = Assess(Kb(), req.value());
  std::string json = ToJson(a);
  std::string text = ToText(a, data.size() % 2 == 0);
  CompactAssessment c = AssessCompact(Kb(), req.value().findings);
  if (c.disposition != a.disposition) __builtin_trap();  // two paths, one answer
  (void)json;
  (void)text;
}

// The interview step, from any answers so far.
inline void Interview(std::string_view data) {
  if (data.size() > kMaxInput) return;
  auto req = ParseRequest(Kb(), data, ParseOptions{.require_age = false});
  if (!req.ok()) return;
  InterviewStep step = NextStep(Kb(), req.value());
  std::string json = ToJson(step);
  (void)json;
}

// Batch: lines of requests through the streaming reader and workers.
inline void Batch(std::string_view data) {
  if (data.size() > kMaxInput) return;
  std::FILE* in = fmemopen(const_cast<char*>(data.data()), data.size(), "rb");
  if (data.empty() || !in) {
    if (in) std::fclose(in);
    return;
  }
  std::FILE* out = std::fopen("/dev/null", "wb");
  BatchOptions options;
  options.threads = 1 + static_cast<int>(data.size() % 2);
  options.compact = data.size() % 3 == 0;
  options.lines_per_chunk = 1 + data.size() % 7;
  BatchStats stats;
  (void)RunBatch(Kb(), in, out, options, &stats);
  std::fclose(in);
  std::fclose(out);
}

// A rule condition: the rule language's parser and compiler.
inline void Condition(std::string_view data) {
  if (data.size() > 4096) return;
  static const internal::CompiledKb base = [] {
    internal::CompiledKb kb = Kb().compiled();
    kb.program = {};
    return kb;
  }();
  internal::CompiledKb world = base;
  internal::ConditionCompiler compiler(&world, internal::CondBudget{}, 100000);
  auto c = compiler.Compile(data);
  if (!c.ok()) return;
  std::vector<double> values(internal::kMaxSlots, Findings::kUnknown);
  for (size_t i = 0; i < data.size() && i < world.findings.size(); ++i) {
    if (data[i] % 3 == 0) values[i] = static_cast<unsigned char>(data[i]) % 2;  // some known, some not
  }
  (void)internal::Eval(world.program, c.value(), values.data());
  (void)internal::DumpCond(world.program, c.value(), world.slot_names, world.slot_choices);
}

// A knowledge-base file: the repository's files with one replaced by `data`
// (the first byte picks which), through the whole loader.
inline void KnowledgeBaseFile(std::string_view data, const std::vector<KbFile>& files) {
  if (data.empty() || data.size() > kMaxInput || files.empty()) return;
  std::vector<KbFile> changed = files;
  changed[static_cast<unsigned char>(data[0]) % changed.size()].text = std::string(data.substr(1));
  KbLimits limits;
  limits.max_bytes = 1 << 20;
  auto kb = KnowledgeBase::LoadFiles(changed, limits);
  (void)kb;
}

// A compiled knowledge-base image.
inline void KnowledgeBaseImage(std::string_view data) {
  auto kb = internal::ReadKbImage(data);
  (void)kb;
}

}  // namespace norotriage::fuzz

#endif  // NOROTRIAGE_FUZZ_TARGETS_H_
