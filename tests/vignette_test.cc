// Runs every acceptance vignette (tests/vignettes/*.json, copied unchanged from
// ../shared/vignettes) through the library: ParseRequest -> Assess -> ToJson,
// and checks the vignette's `expect` the way ../shared/tools/check-vignettes.py
// does, with the same failure messages. Each vignette is its own test case
// (Shared/VignetteTest.MeetsExpectations/<id>), so ctest lists them one by one.
//
// The format is described in tests/vignettes/README.md.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"

#ifndef NOROTRIAGE_SOURCE_DIR
#error "NOROTRIAGE_SOURCE_DIR must name the source root (set by CMakeLists.txt)"
#endif

namespace norotriage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path VignetteDir() { return fs::path(NOROTRIAGE_SOURCE_DIR) / "tests" / "vignettes"; }

// The shared contract folder beside the repository; it may be absent.
fs::path SharedVignetteDir() {
  return fs::path(NOROTRIAGE_SOURCE_DIR) / ".." / "shared" / "vignettes";
}

// Sorted file names of the *.json files directly in `dir` (as check-vignettes.py
// lists them). Empty if `dir` does not exist.
std::vector<std::string> JsonFiles(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && name.size() > 5 &&
        name.compare(name.size() - 5, 5, ".json") == 0) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// One vignette file, and the name its test case gets: the vignette's "id"
// (reduced to [A-Za-z0-9_], as GoogleTest requires), or the file stem.
struct VignetteParam {
  std::string file;  // file name inside VignetteDir()
  std::string name;
};

// Names the case in gtest's output (instead of a dump of the struct's bytes).
void PrintTo(const VignetteParam& p, std::ostream* os) { *os << p.file; }

std::string SanitizeName(const std::string& s) {
  std::string out;
  for (char c : s) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return out.empty() ? std::string("unnamed") : out;
}

// Runs during test registration, so it must not throw: unreadable or invalid
// files still get a test case (named after the file), which then fails.
std::vector<VignetteParam> ListVignettes() {
  std::vector<VignetteParam> params;
  std::set<std::string> used;
  for (const std::string& file : JsonFiles(VignetteDir())) {
    std::string name = SanitizeName(fs::path(file).stem().string());
    std::string text;
    if (ReadFile(VignetteDir() / file, &text)) {
      const json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (v.is_object() && v.contains("id") && v["id"].is_string()) {
        name = SanitizeName(v["id"].get<std::string>());
      }
    }
    std::string unique = name;
    for (int n = 2; used.count(unique) != 0; ++n) unique = name + "_" + std::to_string(n);
    used.insert(unique);
    params.push_back({file, unique});
  }
  return params;
}

// `obj[key]` if obj is an object holding key, else null (Python's dict.get).
json Get(const json& obj, const char* key) {
  if (obj.is_object()) {
    auto it = obj.find(key);
    if (it != obj.end()) return *it;
  }
  return json();
}

// `[x.get(key) for x in obj.get(list_key, [])]`, skipping non-objects.
std::set<std::string> IdsOf(const json& result, const char* list_key, const char* key) {
  std::set<std::string> ids;
  const json list = Get(result, list_key);
  if (!list.is_array()) return ids;
  for (const json& item : list) {
    const json id = Get(item, key);
    if (id.is_string()) ids.insert(id.get<std::string>());
  }
  return ids;
}

// Python's repr() of a JSON value, so messages read as check-vignettes.py's do.
std::string Repr(const json& j) {
  if (j.is_null()) return "None";
  if (j.is_boolean()) return j.get<bool>() ? "True" : "False";
  if (j.is_string()) return "'" + j.get<std::string>() + "'";
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + Repr(j[i]);
    return out + "]";
  }
  return j.dump();
}

std::string SortedList(const std::set<std::string>& s) {
  return Repr(json(std::vector<std::string>(s.begin(), s.end())));
}

std::vector<std::string> StringList(const json& exp, const char* key) {
  std::vector<std::string> out;
  const json list = Get(exp, key);
  if (list.is_array()) {
    for (const json& x : list) out.push_back(x.is_string() ? x.get<std::string>() : x.dump());
  }
  return out;
}

// The keys of `expect` this test knows. An unknown key fails the test rather
// than being skipped silently, so a new kind of expectation gets a check here.
const std::set<std::string>& KnownExpectKeys() {
  static const std::set<std::string> kKeys = {
      "error",          "disposition",        "flags_include",           "flags_exclude",
      "hydration_status", "hydration_plan",   "ors_ml",                  "medicines",
      "paracetamol_mg_per_dose", "mechanisms_include", "unanswered_include", "fluid_limit"};
  return kKeys;
}

// The result checks of check-vignettes.py, in its order and with its messages.
// Returns one string per failure; empty when the result meets `exp`.
std::vector<std::string> CheckResult(const json& exp, const json& r) {
  std::vector<std::string> errs;
  const std::set<std::string> flags = IdsOf(r, "flags", "id");
  std::map<std::string, json> meds;
  if (const json list = Get(r, "medicines"); list.is_array()) {
    for (const json& m : list) {
      const json id = Get(m, "id");
      if (id.is_string()) meds[id.get<std::string>()] = m;
    }
  }
  auto med = [&meds](const std::string& id) {
    auto it = meds.find(id);
    return it == meds.end() ? json::object() : it->second;
  };
  const json hyd = Get(r, "hydration");

  if (exp.contains("disposition") && Get(r, "disposition") != exp["disposition"]) {
    errs.push_back("disposition " + Repr(Get(r, "disposition")) + ", expected " +
                   Repr(exp["disposition"]));
  }
  for (const std::string& f : StringList(exp, "flags_include")) {
    if (flags.count(f) == 0) errs.push_back("flag " + f + " missing (got " + SortedList(flags) + ")");
  }
  for (const std::string& f : StringList(exp, "flags_exclude")) {
    if (flags.count(f) != 0) errs.push_back("flag " + f + " must not fire");
  }
  if (exp.contains("hydration_status") && Get(hyd, "status") != exp["hydration_status"]) {
    errs.push_back("hydration status " + Repr(Get(hyd, "status")) + ", expected " +
                   Repr(exp["hydration_status"]));
  }
  if (exp.contains("hydration_plan") && Get(hyd, "plan") != exp["hydration_plan"]) {
    errs.push_back("hydration plan " + Repr(Get(hyd, "plan")) + ", expected " +
                   Repr(exp["hydration_plan"]));
  }
  if (exp.contains("ors_ml") && Get(hyd, "ors_ml") != exp["ors_ml"]) {
    errs.push_back("ors_ml " + Repr(Get(hyd, "ors_ml")) + ", expected " + Repr(exp["ors_ml"]));
  }
  if (Get(exp, "fluid_limit") == json(true)) {
    if (Get(hyd, "fluid_limit") != json(true)) errs.push_back("hydration.fluid_limit is not true");
    for (const char* k : {"ors_ml", "ors_ml_range"}) {
      if (hyd.is_object() && hyd.contains(k)) {
        errs.push_back(std::string("hydration.") + k + " given although the fluid limit applies");
      }
    }
  }
  if (const json want = Get(exp, "medicines"); want.is_object()) {
    for (const auto& [id, advice] : want.items()) {
      const json got = Get(med(id), "advice");
      if (got != advice) {
        errs.push_back("medicine " + id + ": advice " + Repr(got) + ", expected " + Repr(advice));
      }
    }
  }
  if (exp.contains("paracetamol_mg_per_dose")) {
    const json got = Get(Get(med("paracetamol"), "dose"), "mg_per_dose");
    if (got != exp["paracetamol_mg_per_dose"]) {
      errs.push_back("paracetamol mg_per_dose " + Repr(got) + ", expected " +
                     Repr(exp["paracetamol_mg_per_dose"]));
    }
  }
  const std::set<std::string> mechanisms = IdsOf(r, "mechanisms", "id");
  for (const std::string& m : StringList(exp, "mechanisms_include")) {
    if (mechanisms.count(m) == 0) {
      errs.push_back("mechanism " + m + " missing (got " + SortedList(mechanisms) + ")");
    }
  }
  const std::set<std::string> unanswered = IdsOf(r, "unanswered", "finding");
  for (const std::string& u : StringList(exp, "unanswered_include")) {
    if (unanswered.count(u) == 0) errs.push_back("unanswered " + u + " missing");
  }
  return errs;
}

// The built-in knowledge base, loaded once per test process.
const Result<std::shared_ptr<const KnowledgeBase>>& BuiltinKb() {
  static const Result<std::shared_ptr<const KnowledgeBase>> kKb = KnowledgeBase::LoadBuiltin();
  return kKb;
}

class VignetteTest : public ::testing::TestWithParam<VignetteParam> {};

TEST_P(VignetteTest, MeetsExpectations) {
  const VignetteParam& param = GetParam();
  std::string text;
  ASSERT_TRUE(ReadFile(VignetteDir() / param.file, &text)) << "cannot read " << param.file;
  const json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(v.is_discarded()) << param.file << " is not valid JSON";
  ASSERT_TRUE(v.is_object()) << param.file;
  ASSERT_TRUE(v.contains("request")) << param.file << " has no request";
  ASSERT_TRUE(v.contains("expect") && v["expect"].is_object()) << param.file << " has no expect";
  SCOPED_TRACE(param.file + ": " + Get(v, "title").dump());
  const json& exp = v["expect"];
  for (const auto& [key, value] : exp.items()) {
    EXPECT_TRUE(KnownExpectKeys().count(key) != 0)
        << "unknown expect key '" << key << "': teach tests/vignette_test.cc to check it";
  }

  const auto& kb = BuiltinKb();
  ASSERT_TRUE(kb.ok()) << "LoadBuiltin: " << kb.status().ToString();

  // As check-vignettes.py does, hand the engine the request re-serialised.
  const std::string request_text = v["request"].dump();
  const Result<Request, InputError> request = ParseRequest(**kb, request_text);

  if (Get(exp, "error") == json(true)) {
    EXPECT_FALSE(request.ok()) << "expected ParseRequest to reject the request";
    if (!request.ok()) {
      EXPECT_FALSE(request.error().path.empty()) << "the error names no JSON path";
      EXPECT_FALSE(request.error().message.empty()) << "the error has no message";
    }
    return;  // like check-vignettes.py: an invalid request has nothing else to check
  }

  ASSERT_TRUE(request.ok()) << "ParseRequest: " << request.error().ToString();
  const Assessment assessment = Assess(**kb, request.value());
  const std::string out = ToJson(assessment);

  // engine.h: one line of JSON (a single trailing newline is tolerated).
  const std::string body = (!out.empty() && out.back() == '\n') ? out.substr(0, out.size() - 1) : out;
  EXPECT_EQ(body.find('\n'), std::string::npos) << "ToJson is not one line";
  const json r = json::parse(out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(r.is_discarded()) << "ToJson is not valid JSON: " << out.substr(0, 400);
  ASSERT_TRUE(r.is_object()) << "ToJson is not one JSON object: " << out.substr(0, 400);

  for (const std::string& err : CheckResult(exp, r)) ADD_FAILURE() << err;
}

INSTANTIATE_TEST_SUITE_P(Shared, VignetteTest, ::testing::ValuesIn(ListVignettes()),
                         [](const ::testing::TestParamInfo<VignetteParam>& info) {
                           return info.param.name;
                         });
// An empty tests/vignettes is reported by VignettesTest.FolderIsNotEmpty.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(VignetteTest);

TEST(VignettesTest, FolderIsNotEmpty) {
  EXPECT_FALSE(JsonFiles(VignetteDir()).empty()) << "no *.json in " << VignetteDir();
}

// tests/vignettes must stay a byte-for-byte copy of ../shared/vignettes
// (scripts/sync-vignettes.sh re-copies it). Skipped when the shared folder is
// not beside the repository.
TEST(VignettesTest, InStepWithSharedFolder) {
  const fs::path shared = SharedVignetteDir();
  if (!fs::is_directory(shared)) GTEST_SKIP() << shared << " not found";

  const std::vector<std::string> ours = JsonFiles(VignetteDir());
  const std::vector<std::string> theirs = JsonFiles(shared);
  EXPECT_EQ(ours.size(), theirs.size())
      << "tests/vignettes has " << ours.size() << " vignettes, " << shared << " has "
      << theirs.size() << ": run scripts/sync-vignettes.sh";
  EXPECT_EQ(ours, theirs) << "the file names differ: run scripts/sync-vignettes.sh";

  std::vector<std::string> compare = theirs;
  if (fs::exists(shared / "README.md")) compare.push_back("README.md");
  for (const std::string& name : compare) {
    std::string a, b;
    ASSERT_TRUE(ReadFile(shared / name, &b)) << "cannot read " << (shared / name);
    if (!ReadFile(VignetteDir() / name, &a)) {
      ADD_FAILURE() << "tests/vignettes/" << name << " is missing: run scripts/sync-vignettes.sh";
      continue;
    }
    EXPECT_TRUE(a == b) << "tests/vignettes/" << name
                        << " differs from the shared copy: run scripts/sync-vignettes.sh";
  }
}

}  // namespace
}  // namespace norotriage
