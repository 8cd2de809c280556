// norotriage_gen: writes generated assessment requests, one JSON object a line.
//
//   norotriage_gen [--count N] [--seed S] [-o OUT]
//
// The requests come from the seeded generator the property tests use
// (tests/request_generator.h): random subsets of the vocabulary, values on and
// around the rules' thresholds, and "well adult" baselines. Each line is
// {"ref": "gen-S-I", "findings": {...}}. Only requests that ParseRequest
// accepts are written (a generated one can break a consistency rule), so the
// file holds exactly N valid requests. The same N and S give the same file,
// byte for byte, on any machine.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"
#include "tests/request_generator.h"

namespace {

int Usage() {
  std::fprintf(stderr, "usage: norotriage_gen [--count N] [--seed S] [-o OUT]\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t count = 1000000, seed = 1;
  std::string out_path;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (i + 1 >= argc) return Usage();
    char* end = nullptr;
    if (!std::strcmp(a, "--count")) {
      count = std::strtoull(argv[++i], &end, 10);
    } else if (!std::strcmp(a, "--seed")) {
      seed = std::strtoull(argv[++i], &end, 10);
    } else if (!std::strcmp(a, "-o")) {
      out_path = argv[++i];
      continue;
    } else {
      return Usage();
    }
    if (!end || *end != '\0') return Usage();
  }
  auto kb = norotriage::KnowledgeBase::LoadBuiltin();
  if (!kb.ok()) {
    std::fprintf(stderr, "error: knowledge base: %s\n", kb.status().message().c_str());
    return 70;
  }
  std::FILE* out = out_path.empty() ? stdout : std::fopen(out_path.c_str(), "wb");
  if (!out) {
    std::fprintf(stderr, "error: %s: cannot create the file\n", out_path.c_str());
    return 73;
  }
  const auto& ckb = kb.value()->compiled();
  norotriage::testing::RequestGenerator gen(ckb);
  norotriage::testing::Rng rng(seed);
  std::string buf;
  uint64_t written = 0, rejected = 0;
  for (uint64_t i = 0; written < count; ++i) {
    // {"findings":{...}} -> {"ref":"gen-S-I","findings":{...}}
    const std::string request = norotriage::testing::ToRequestJson(ckb, gen.Generate(rng));
    if (!norotriage::ParseRequest(*kb.value(), request).ok()) {
      ++rejected;
      continue;
    }
    buf += fmt::format(R"({{"ref":"gen-{}-{}",)", seed, written);
    buf.append(request, 1);
    buf += '\n';
    ++written;
    if (buf.size() >= (1 << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) break;
      buf.clear();
    }
  }
  bool ok = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size();
  ok = (out == stdout ? std::fflush(out) : std::fclose(out)) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "error: %s: writing failed\n", out_path.empty() ? "-" : out_path.c_str());
    return 74;
  }
  std::fprintf(stderr, "norotriage_gen: %llu requests (seed %llu; %llu generated ones broke a consistency rule and were skipped)\n",
               static_cast<unsigned long long>(written), static_cast<unsigned long long>(seed),
               static_cast<unsigned long long>(rejected));
  return 0;
}
