// The result object of spec/result.md, appended to a buffer: what ToJson
// (include/norotriage/engine.h) returns, without a string of its own, for
// batch mode, which writes thousands of results into one buffer.
#ifndef NOROTRIAGE_OUTPUT_RESULT_JSON_H_
#define NOROTRIAGE_OUTPUT_RESULT_JSON_H_

#include <string>

#include "norotriage/assessment.h"

namespace norotriage::internal {

// Appends ToJson(a) to *out, keeping what is there. REQUIRES: out is not null.
void AppendJson(const Assessment& a, std::string* out);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_OUTPUT_RESULT_JSON_H_
