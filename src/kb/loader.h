// Loads knowledge-base files (YAML text) into a CompiledKb: parse, validate,
// compile. Errors name file, line and column. Nothing is partially loaded.
#ifndef NOROTRIAGE_KB_LOADER_H_
#define NOROTRIAGE_KB_LOADER_H_

#include <memory>
#include <vector>

#include "compile/compiled_kb.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"

namespace norotriage::internal {

Result<std::unique_ptr<CompiledKb>> LoadKb(const std::vector<KbFile>& files, const KbLimits& limits);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_LOADER_H_
