#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"

namespace norotriage::cli {

Result<std::string> ReadInput(const std::string& path) {
  constexpr size_t kMax = 64 << 20;
  std::string data;
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    data = ss.str();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound(fmt::format("{}: cannot open the file", path));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Status::Unavailable(fmt::format("{}: cannot read the file", path));
    data = ss.str();
  }
  if (data.size() > kMax) return Status::InvalidArgument(fmt::format("{}: larger than {} bytes", path, kMax));
  return data;
}

std::shared_ptr<const KnowledgeBase> LoadKnowledgeBase(const GlobalOptions& g) {
  auto kb = g.kb_dir.empty() ? KnowledgeBase::LoadBuiltin() : KnowledgeBase::LoadDir(g.kb_dir);
  if (!kb.ok()) {
    fmt::print(stderr, "error: knowledge base: {}\n", kb.status().message());
    return nullptr;
  }
  return kb.value();
}

}  // namespace norotriage::cli
