// Test helpers for assessing requests through the public API.
#ifndef NOROTRIAGE_TESTS_ASSESS_TEST_UTIL_H_
#define NOROTRIAGE_TESTS_ASSESS_TEST_UTIL_H_

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "norotriage/assessment.h"
#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::testing {

// The built-in knowledge base, loaded once per test binary.
inline const KnowledgeBase& Kb() {
  static const std::shared_ptr<const KnowledgeBase> kb = [] {
    auto loaded = KnowledgeBase::LoadBuiltin();
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().ToString();
      std::abort();
    }
    return *loaded;
  }();
  return *kb;
}

// Assesses {"findings": {<findings>}}; a rejected request fails the test
// (and gives an empty assessment).
inline Assessment AssessFindings(const std::string& findings) {
  const std::string json = "{\"findings\": {" + findings + "}}";
  auto req = ParseRequest(Kb(), json);
  if (!req.ok()) {
    ADD_FAILURE() << "rejected: " << json << ": " << req.error().ToString();
    return Assessment{};
  }
  return Assess(Kb(), *req);
}

inline bool HasFlag(const Assessment& a, std::string_view id) {
  return std::any_of(a.flags.begin(), a.flags.end(), [&](const FlagHit& f) { return f.id == id; });
}

inline const MedicineResult* Med(const Assessment& a, std::string_view id) {
  for (const auto& m : a.medicines) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

}  // namespace norotriage::testing

#endif  // NOROTRIAGE_TESTS_ASSESS_TEST_UTIL_H_
