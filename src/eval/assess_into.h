// Assess into an Assessment the caller keeps, for batch mode, which assesses
// millions of requests one after another: the lists of the previous result
// keep their memory, so most requests allocate little.
//
// Thread safety: a pure function of its arguments; one Assessment per thread.
#ifndef NOROTRIAGE_EVAL_ASSESS_INTO_H_
#define NOROTRIAGE_EVAL_ASSESS_INTO_H_

#include "norotriage/assessment.h"
#include "norotriage/findings.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::internal {

// Sets *out to Assess(kb, request) (include/norotriage/engine.h), field for
// field, whatever *out held before. REQUIRES: out is not null; as Assess.
void AssessInto(const KnowledgeBase& kb, const Request& request, Assessment* out);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_ASSESS_INTO_H_
