// Reads the `interview` section (knowledge/interview.yaml; format in
// doc/knowledge-format.md, "interview.yaml") into InterviewRules. Split from
// the loader (kb/loader.cc) because it is wording and order, not rules.
#ifndef NOROTRIAGE_KB_INTERVIEW_LOADER_H_
#define NOROTRIAGE_KB_INTERVIEW_LOADER_H_

#include <functional>

#include <yaml-cpp/yaml.h>

#include "compile/compiled_kb.h"
#include "kb/yaml_reader.h"
#include "norotriage/status.h"

namespace norotriage::internal {

// REQUIRES: kb's findings are loaded (finding_index, types and groups).
// `check_sources` validates the `sources` key of a rule-like entry (the
// companions). Errors name file, line and column through `r`.
Status LoadInterviewRules(const YamlReader& r, const YAML::Node& n, const CompiledKb& kb,
                          const std::function<Status(const YAML::Node&)>& check_sources, InterviewRules* out);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_INTERVIEW_LOADER_H_
