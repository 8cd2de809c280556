// Batch mode: newline-delimited requests in, one result per line out, in
// input order, streaming (memory stays flat however large the input).
//
// A bad line yields {"ref": …, "line": N, "error": {"path", "message"}} in its
// place and processing goes on. Lines are parsed with simdjson and assessed
// by `threads` workers; a writer keeps the input order.
#ifndef NOROTRIAGE_BATCH_H_
#define NOROTRIAGE_BATCH_H_

#include <cstdint>
#include <cstdio>
#include <functional>

#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"

namespace norotriage {

struct BatchOptions {
  int threads = 1;          // workers, >= 1
  bool compact = false;     // only disposition, flags, hydration status and medicine advice
  size_t lines_per_chunk = 2048;
  // Called now and then from the reading thread with the non-blank lines and
  // the bytes read so far.
  std::function<void(uint64_t lines, uint64_t bytes)> progress;
};

struct BatchStats {
  uint64_t lines = 0;       // non-empty input lines
  uint64_t results = 0;     // lines assessed
  uint64_t errors = 0;      // lines rejected
  double seconds = 0;       // wall time
};

// Reads `in` to its end and writes to `out`. Fails (Unavailable) only on an
// I/O error; bad lines are reported in the output, not as a failure.
// REQUIRES: in and out stay open for the call.
Status RunBatch(const KnowledgeBase& kb, std::FILE* in, std::FILE* out, const BatchOptions& options,
                BatchStats* stats);

}  // namespace norotriage

#endif  // NOROTRIAGE_BATCH_H_
