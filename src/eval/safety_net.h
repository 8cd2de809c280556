// The safety net of one assessment: the emergency and urgent warning signs
// that are not present and can still apply to this person, each at one level
// only, most serious first, at most kMaxSafetyNetSigns of them named.
#ifndef NOROTRIAGE_EVAL_SAFETY_NET_H_
#define NOROTRIAGE_EVAL_SAFETY_NET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compile/compiled_kb.h"
#include "eval/fast_eval.h"
#include "eval/request_state.h"
#include "norotriage/assessment.h"

namespace norotriage::internal {

// How many signs the result names (`safety_net`); the rest go to `safety_net_more`.
constexpr size_t kMaxSafetyNetSigns = 10;

// Fills *shown (at most kMaxSafetyNetSigns) and *more (the rest) with the
// flags at urgent or emergency level that did not fire (is_fired[i] == 0) and
// that the findings fixed for this person (age, sex, long-term conditions and
// medicines, findings that do not apply to them) do not rule out. A flag is
// left out when each single answer that would make it fire would also make a
// higher-level flag of the net fire (its sign is named there, at the higher
// level). Order: level, then the flags that read a finding this person has
// (their complaint first), then file order. Both lists are cleared first.
// REQUIRES: is_fired has kb.flags.size() entries; st is prepared for kb.
// Cost: O(flags x their conditions' size) evaluations; no allocation once the
// thread's working space has grown.
void FillSafetyNet(const CompiledKb& kb, const FastProgram& fast, const RequestState& st,
                   const std::vector<uint8_t>& is_fired, std::vector<SafetyNetItem>* shown,
                   std::vector<SafetyNetItem>* more);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_SAFETY_NET_H_
