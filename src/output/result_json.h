// The result object of spec/result.md, appended to a buffer: what ToJson
// (include/norotriage/engine.h) returns, without a string of its own, for
// batch mode, which writes thousands of results into one buffer.
#ifndef NOROTRIAGE_OUTPUT_RESULT_JSON_H_
#define NOROTRIAGE_OUTPUT_RESULT_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "norotriage/assessment.h"

namespace norotriage::internal {

// Appends ToJson(a) to *out, keeping what is there. When a.kb is set, the
// knowledge base's texts are copied ready-rendered (output/result_fragments.h);
// the bytes are the same either way. REQUIRES: out is not null; a.kb, when
// set, is the knowledge base a's texts come from, alive.
void AppendJson(const Assessment& a, std::string* out);

// Parts of the result as AppendJson writes them, rendering every text (for
// output/result_fragments.cc, which renders them once per knowledge base).
// A list of strings as a JSON array (citations, finding and flag ids).
void AppendStringListJson(const std::vector<std::string_view>& values, std::string* out);
// One item of "safety_net".
void AppendSafetyNetItemJson(const SafetyNetItem& item, std::string* out);
// An item of "unanswered" up to its "for_flags" value (item.for_flags is
// not read): the item is this, the flags' array and "}".
void AppendUnansweredHeadJson(const UnansweredItem& item, std::string* out);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_OUTPUT_RESULT_JSON_H_
