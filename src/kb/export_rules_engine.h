// Exports the flag rules in the rule format of npm json-rules-engine, so that
// a general-purpose rules engine can run the same policy (the peer benchmark,
// bench/peer/run.js) and be checked against norotriage on every request.
//
// Three-valued logic made two-valued. norotriage fires a flag only when its
// condition is definitely true; an unknown (absent) finding is never "no".
// For every condition the exporter builds, in one postfix pass over the
// compiled program and with no recursion, two negation-free conditions:
// T(c), "c is definitely true", and F(c), "c is definitely false":
//
//   T(a and b) = T(a) and T(b)     F(a and b) = F(a) or F(b)
//   T(a or b)  = T(a) or T(b)      F(a or b)  = F(a) and F(b)
//   T(not a)   = F(a)              F(not a)   = T(a)
//   T(at_least(k, x1..xn)) = any k of T(xi), expanded into `any` of `all`s
//   F(at_least(k, x1..xn)) = any n-k+1 of F(xi)
//   T(x >= 3) = x >= 3             F(x >= 3) = x < 3
//   T(x in S) = x in S             F(x in S) = x in (choices - S)
//   T(x = v)  = x = v              F(x = v)  = x < v or x > v
//
// Leaves read facts named after the request's finding ids, with the values a
// request gives them (true/false, numbers, choice names). With
// `allowUndefinedFacts: true` an absent fact makes every one of these
// comparisons false, so json-rules-engine's two-valued evaluation of T(c) is
// exactly "c is definitely true". The only two-valued `not` written is around
// "x is known" (never unknown itself) and around T(...) of the hydration
// conditions, where the engine too takes "not definitely true" as absent.
//
// Derived values come from rules of higher priority whose event has type
// "derive": params.fact is set to params.value, an expression the runner
// evaluates (a number or text; {"fact": id} with an optional "default" used
// when the fact is absent; {"add"|"sub"|"mul"|"div": [a, b, ...]} folded left
// to right; {"round": [x, scale]} is Math.round(x) / scale; the value is
// absent when a fact without a default is absent).
// Priorities: 7 weight_loss_percent, 6 "_assessed" (any hydration sign
// given), 5 findings read as their `otherwise` value where they do not apply
// (policy "Who a finding applies to"), 3 sums of findings, 2 hydration, 1 flags.
// Flag rules have event {"type": "flag", "params": {"id", "level"}}; the
// disposition is the highest level (document "levels", lowest first) among
// the flags that fired, "self_care" when none did.
//
// Thread safety: a pure function of the immutable knowledge base.
#ifndef NOROTRIAGE_KB_EXPORT_RULES_ENGINE_H_
#define NOROTRIAGE_KB_EXPORT_RULES_ENGINE_H_

#include <string>

#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"

namespace norotriage::internal {

// Budgets of the export; exceeding one is a clean ResourceExhausted error.
struct RulesEngineExportLimits {
  size_t max_combinations = 20000;  // `all` groups one at_least() may expand into
  size_t max_bytes = 64 << 20;      // the whole document
};

// The document: one JSON object, {"format": "json-rules-engine",
// "engine_options", "knowledge_base", "levels", "rules": [...]}, pretty-printed
// with two-space indents and a final newline. Errors: ResourceExhausted over
// a budget; InvalidArgument when a hydration condition reads the hydration
// status itself (the loader already rejects that).
// Budget: linear in the program size, except for at_least() expansion.
Result<std::string> ExportRulesEngine(const KnowledgeBase& kb, const RulesEngineExportLimits& limits = {});

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_EXPORT_RULES_ENGINE_H_
