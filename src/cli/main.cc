// norotriage: the command-line tool. A thin layer over libnorotriage.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "util/spell.h"

namespace norotriage::cli {
namespace {

int Main(int argc, char** argv) {
  const std::vector<Command> commands = {AssessCommand(), InterviewCommand(), EpisodeCommand(), BatchCommand(),
                                         ServeCommand(), KbCommand()};
  // An unknown subcommand gets a "did you mean" before CLI11 sees it.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto& c : commands) names.emplace_back(c.name);
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::string hint = internal::Suggest(argv[1], names);
      fmt::print(stderr, "error: unknown command '{}'{}\nRun 'norotriage --help' for the commands.\n", argv[1],
                 hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
      return kExitUsage;
    }
  }
  CLI::App app{"norotriage: is this pain from the stomach bug, or a warning sign?\n"
               "Decision support for back pain and aching legs during norovirus."};
  app.require_subcommand(0, 1);
  GlobalOptions global;
  bool version = false;
  app.add_flag("--version", version, "Print the program and knowledge-base versions");
  app.add_option("--kb", global.kb_dir, "Use the knowledge base in this directory instead of the built-in one");
  std::vector<std::pair<CLI::App*, std::function<int()>>> runners;
  for (const auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    runners.emplace_back(sub, c.setup(sub, &global));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (version) {
    auto kb = LoadKnowledgeBase(global);
    if (!kb) return kExitSoftware;
    fmt::print("norotriage {} (knowledge base {})\n", NOROTRIAGE_VERSION, kb->version());
    return kExitOk;
  }
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  fmt::print("{}", app.help());
  return kExitUsage;
}

}  // namespace
}  // namespace norotriage::cli

int main(int argc, char** argv) {
  try {
    return norotriage::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal error: %s\n", e.what());
    return norotriage::cli::kExitSoftware;
  }
}
