// norotriage kb lint [DIR] | kb show [--program]: the knowledge base itself.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"

namespace norotriage::cli {

Command KbCommand() {
  return {"kb", "Check or list the knowledge base",
          [](CLI::App* sub, const GlobalOptions* g) -> std::function<int()> {
            sub->require_subcommand(1);
            auto dir = std::make_shared<std::string>();
            auto program = std::make_shared<bool>(false);
            CLI::App* lint = sub->add_subcommand("lint", "Validate a knowledge base directory (default: the built-in one)");
            lint->add_option("dir", *dir, "Directory of knowledge-base YAML files");
            CLI::App* show = sub->add_subcommand("show", "List the findings and rules");
            show->add_flag("--program", *program, "Also print the compiled program of every rule");
            return [=]() -> int {
              if (lint->parsed()) {
                GlobalOptions opts = *g;
                if (!dir->empty()) opts.kb_dir = *dir;
                auto kb = opts.kb_dir.empty() ? KnowledgeBase::LoadBuiltin() : KnowledgeBase::LoadDir(opts.kb_dir);
                if (!kb.ok()) {
                  fmt::print(stderr, "error: {}\n", kb.status().message());
                  return kExitDataErr;
                }
                fmt::print("ok: knowledge base {} ({} findings)\n", kb.value()->version(),
                           kb.value()->findings().size());
                return kExitOk;
              }
              auto kb = LoadKnowledgeBase(*g);
              if (!kb) return kExitSoftware;
              std::string out = kb->Describe();
              if (*program) out += "\n" + kb->DumpProgram();
              std::fwrite(out.data(), 1, out.size(), stdout);
              return kExitOk;
            };
          }};
}

}  // namespace norotriage::cli
