// Whether a simulated interview asked only what applies to the person
// (policy "Who a finding applies to", CompiledKb::applicability): a finding
// asked only of some people must come on a later screen than every finding
// its asked_when reads, and never when those answers make asked_when false.
#ifndef NOROTRIAGE_TESTS_INTERVIEW_APPLICABILITY_H_
#define NOROTRIAGE_TESTS_INTERVIEW_APPLICABILITY_H_

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compile/compiled_kb.h"
#include "eval/evaluator.h"
#include "eval/request_state.h"
#include "interview_simulator.h"

namespace norotriage::testing {

// The screen (0-based) on which `finding` was asked, or -1.
inline int ScreenOf(const Simulation& sim, std::string_view finding) {
  for (size_t i = 0; i < sim.asked.size(); ++i) {
    if (sim.asked[i] == finding) return sim.asked_screen[i];
  }
  return -1;
}

// One line per finding asked out of turn or of someone it does not apply to;
// empty when the interview asked only what applies.
inline std::vector<std::string> NotApplicableAsks(const KnowledgeBase& kb, const Simulation& sim,
                                                  const nlohmann::json& truth) {
  const internal::CompiledKb& ckb = kb.compiled();
  std::vector<std::string> problems;
  for (const internal::Applicability& a : ckb.applicability) {
    const std::string& id = ckb.findings[a.slot].id;
    const int at = ScreenOf(sim, id);
    if (at < 0) continue;
    // What the interview knew when it asked: the answers to the reads.
    Request known;
    known.findings = Findings(ckb.findings.size());
    known.declined.assign(ckb.findings.size(), false);
    for (int r : a.reads) {
      const std::string& read = ckb.findings[r].id;
      const int read_at = ScreenOf(sim, read);
      if (read_at < 0 || read_at >= at) {
        problems.push_back(fmt::format("{} asked on screen {}, {} {}", id, at + 1, read,
                                       read_at < 0 ? "never" : fmt::format("only on screen {}", read_at + 1)));
      } else {
        Answer(kb, truth, read, &known);
      }
    }
    internal::RequestState st;
    internal::PrepareState(ckb, known.findings, &st);
    if (internal::Eval(ckb.program, a.asked_when, st.values.data()) == internal::kFalse) {
      problems.push_back(fmt::format("{} asked on screen {}, but it does not apply", id, at + 1));
    }
  }
  return problems;
}

}  // namespace norotriage::testing

#endif  // NOROTRIAGE_TESTS_INTERVIEW_APPLICABILITY_H_
