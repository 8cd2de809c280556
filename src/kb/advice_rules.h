// Reads the knowledge-base data that fits advice to the person (issue 16):
// where each self-care item is said (self_care.yaml `dispositions`) and what
// a flag says the pain is not (flags.yaml `contradicts`). Split from the
// loader (kb/loader.cc), which calls these; `kb lint` reports their errors.
#ifndef NOROTRIAGE_KB_ADVICE_RULES_H_
#define NOROTRIAGE_KB_ADVICE_RULES_H_

#include <array>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "compile/compiled_kb.h"
#include "kb/yaml_reader.h"
#include "norotriage/status.h"

namespace norotriage::internal {

// Reads the required `dispositions` mapping of self-care item `e`, e.g.
// {self_care: now, routine: now, urgent: after_seen}: a disposition left out
// does not list the item. Errors (missing, an unknown disposition or use, no
// disposition at all) name the file, line and column through `r`.
Status ReadCareUse(const YamlReader& r, const YAML::Node& e, std::array<CareUse, 4>* out);

// Resolves flag `flag`'s `contradicts` (kb->flags[flag].contradicts), each
// "pain_types.<region>.<type>" (a region's types and its default) or
// "mechanisms.<id>", into the targets' `excluded_by` lists.
// REQUIRES: kb's flags (in their final order), mechanisms and pain types are
// loaded. `node` is the flag's YAML entry, for error locations.
Status ResolveContradicts(const YamlReader& r, const YAML::Node& node, uint32_t flag, CompiledKb* kb);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_ADVICE_RULES_H_
