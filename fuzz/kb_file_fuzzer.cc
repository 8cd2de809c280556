// libFuzzer target: see fuzz/targets.h. Reads the repository's knowledge/
// once (NOROTRIAGE_SOURCE_DIR) and replaces one file per input.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "targets.h"

namespace {

std::vector<norotriage::KbFile> RepoFiles() {
  std::vector<norotriage::KbFile> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(NOROTRIAGE_SOURCE_DIR) + "/knowledge")) {
    if (e.path().extension() != ".yaml") continue;
    std::ifstream in(e.path());
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({e.path().filename().string(), ss.str()});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<norotriage::KbFile> files = RepoFiles();
  norotriage::fuzz::KnowledgeBaseFile(std::string_view(reinterpret_cast<const char*>(data), size), files);
  return 0;
}
