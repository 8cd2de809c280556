// Test helpers: the repository's knowledge-base files, to load as they are
// or with one deliberate change (KbTestWithBuiltinFiles fixture).
#ifndef NOROTRIAGE_TESTS_KB_TEST_UTIL_H_
#define NOROTRIAGE_TESTS_KB_TEST_UTIL_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "norotriage/knowledge_base.h"

namespace norotriage::testing {

inline std::vector<KbFile> RepoKbFiles() {
  std::vector<KbFile> files;
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(std::string(NOROTRIAGE_SOURCE_DIR) + "/knowledge")) {
    if (e.path().extension() == ".yaml") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p);
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({"knowledge/" + std::filesystem::path(p).filename().string(), ss.str()});
  }
  return files;
}

class KbTestWithBuiltinFiles : public ::testing::Test {
 protected:
  void SetUp() override { files_ = RepoKbFiles(); }

  KbFile& File(const std::string& name) {
    for (auto& f : files_) {
      if (f.name == "knowledge/" + name) return f;
    }
    ADD_FAILURE() << "no file " << name;
    return files_[0];
  }

  // Replaces the first `from` in file `name`; fails the test if absent.
  void Replace(const std::string& name, const std::string& from, const std::string& to) {
    std::string& text = File(name).text;
    size_t pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << "'" << from << "' not in " << name;
    text.replace(pos, from.size(), to);
  }

  // The load error message (empty if it loaded).
  std::string LoadError() {
    auto kb = KnowledgeBase::LoadFiles(files_);
    return kb.ok() ? std::string() : kb.status().message();
  }

  std::vector<KbFile> files_;
};

}  // namespace norotriage::testing

#endif  // NOROTRIAGE_TESTS_KB_TEST_UTIL_H_
