// Replays the fuzz seed corpus and every saved fuzz finding through the same
// functions the libFuzzer targets call (fuzz/targets.h, fuzz/http_target.h),
// in the normal build: a crash found once stays fixed.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "../fuzz/http_target.h"
#include "../fuzz/targets.h"
#include "kb_test_util.h"

namespace norotriage::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Inputs(const std::string& target) {
  std::vector<std::string> out;
  for (const char* dir : {"corpus", "regressions"}) {
    fs::path p = fs::path(NOROTRIAGE_SOURCE_DIR) / "fuzz" / dir / target;
    if (!fs::is_directory(p)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(p)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
  }
  return out;
}

TEST(FuzzRegressionTest, EveryTargetSurvivesItsCorpus) {
  const auto kb_files = RepoKbFiles();
  struct Target { const char* name; std::function<void(std::string_view)> run; } targets[] = {
      {"request", fuzz::Request},
      {"interview", fuzz::Interview},
      {"batch", fuzz::Batch},
      {"condition", fuzz::Condition},
      {"kb_image", fuzz::KnowledgeBaseImage},
      {"kb_file", [&](std::string_view d) { fuzz::KnowledgeBaseFile(d, kb_files); }},
      {"http", fuzz::Http},
  };
  for (const auto& t : targets) {
    auto inputs = Inputs(t.name);
    EXPECT_FALSE(inputs.empty()) << "no seed corpus for " << t.name;
    for (const auto& input : inputs) t.run(input);
    std::printf("[ fuzz ] %s: %zu inputs replayed\n", t.name, inputs.size());
  }
}

}  // namespace
}  // namespace norotriage::testing
