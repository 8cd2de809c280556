// The assessment engine: request text -> findings -> assessment -> output.
//
// Every function here is pure and thread-safe: it reads the immutable
// KnowledgeBase and its arguments, and touches no global state.
#ifndef NOROTRIAGE_ENGINE_H_
#define NOROTRIAGE_ENGINE_H_

#include <optional>
#include <string>
#include <string_view>

#include "norotriage/assessment.h"
#include "norotriage/findings.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"

namespace norotriage {

struct ParseOptions {
  // age_years is required for an assessment; the interview's first step may
  // come before it is known.
  bool require_age = true;
};

// Parses and validates one request (spec/request.md). On error returns the
// first problem found, with its JSON path: an unknown id (with "did you mean"),
// a wrong type, a value out of range, a choice not in the list, a duplicate
// key, a contradiction, or a missing age. Never a partial request.
// Budget: linear in the size of `json`; inputs over 1 MiB are rejected.
Result<Request, InputError> ParseRequest(const KnowledgeBase& kb, std::string_view json,
                                         const ParseOptions& options = {});

// ParseRequest into a request the caller keeps, reusing its buffers (batch
// mode parses millions). Returns nullopt and sets *out to what ParseRequest
// returns, or returns ParseRequest's error (*out is then unspecified).
// REQUIRES: out is not null; any earlier content of *out is replaced.
std::optional<InputError> ParseRequestInto(const KnowledgeBase& kb, std::string_view json,
                                           const ParseOptions& options, Request* out);

// Assesses valid findings under the policy. REQUIRES: `findings` came from
// ParseRequest (or is equally valid) for this `kb`. The result borrows text
// from `kb`. Budget: a few microseconds.
Assessment Assess(const KnowledgeBase& kb, const Request& request);

// Only the disposition, flags' ids, hydration status and medicine advice
// (the fast path for batch --compact and benchmarks).
struct CompactAssessment {
  Level disposition = Level::kSelfCare;
  HydrationStatus hydration = HydrationStatus::kNone;
  bool hydration_assessed = false;
  std::vector<std::string_view> flags;
  std::vector<std::pair<std::string_view, Advice>> medicines;
};
CompactAssessment AssessCompact(const KnowledgeBase& kb, const Findings& findings);

// The result object of spec/result.md as one line of JSON.
std::string ToJson(const Assessment& a);

// A request as JSON (spec/request.md) that ParseRequest reads back to the
// same request: known findings with their values, declined ones as null.
std::string ToJson(const KnowledgeBase& kb, const Request& request);

// The human-readable result: disposition first, then why (the warning signs
// found), what to do now, fluids, pain relief, why it hurts, what to expect,
// when to get help and the questions still open. `color` adds ANSI colours.
std::string ToText(const Assessment& a, bool color);

// The result in one screen (at most 30 lines of 78 columns), to end the
// terminal interview with: the disposition and what to do, why, the numbers
// to call (when the assessment's knowledge base sets them), and the most
// serious signs to get help for.
std::string ToTextSummary(const Assessment& a, bool color);

}  // namespace norotriage

#endif  // NOROTRIAGE_ENGINE_H_
