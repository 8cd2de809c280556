// The compact assessment (flags, disposition, hydration status, medicine
// advice) as indexes into the compiled knowledge base, into buffers the
// caller keeps: what AssessCompact (norotriage/engine.h) computes, for batch
// mode, which writes it straight out and assesses millions of requests.
//
// Thread safety: a pure function of its arguments; one CompactResult per thread.
#ifndef NOROTRIAGE_EVAL_COMPACT_H_
#define NOROTRIAGE_EVAL_COMPACT_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "compile/compiled_kb.h"
#include "norotriage/assessment.h"
#include "norotriage/findings.h"

namespace norotriage::internal {

struct CompactResult {
  Level disposition = Level::kSelfCare;
  HydrationStatus hydration = HydrationStatus::kNone;
  bool hydration_assessed = false;
  std::vector<uint32_t> flags;                         // fired, as indexes into kb.flags, in order
  std::vector<std::pair<uint32_t, Advice>> medicines;  // listed ones, as indexes into kb.medicines
};

// Fills *out (its vectors keep their capacity: no allocation once they have
// grown). REQUIRES: findings.size() == kb.findings.size().
void AssessCompactInto(const CompiledKb& kb, const Findings& findings, CompactResult* out);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_COMPACT_H_
