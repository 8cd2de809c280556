// norotriage kb lint [DIR] | kb show [--program] |
// kb export --format json-rules-engine [-o FILE] |
// kb review [-o FILE] [--format md|html]: the knowledge base itself.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"
#include "kb/export_rules_engine.h"
#include "kb/review_pack.h"

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
            auto format = std::make_shared<std::string>();
            auto output = std::make_shared<std::string>();
            CLI::App* exp = sub->add_subcommand("export", "Write the flag rules in another rules engine's format");
            exp->add_option("--format", *format, "The format: json-rules-engine (npm json-rules-engine)")
                ->required()
                ->check(CLI::IsMember({"json-rules-engine"}));
            exp->add_option("-o,--output", *output, "Output file (default: standard output)");
            auto review_format = std::make_shared<std::string>("md");
            CLI::App* review = sub->add_subcommand(
                "review", "Write the clinical review pack: every rule in plain words, to read and sign off");
            review->add_option("--format", *review_format, "md (Markdown, the default) or html (a printable page)")
                ->check(CLI::IsMember({"md", "html"}));
            review->add_option("-o,--output", *output, "Output file (default: standard output)");
            return [=]() -> int {
              if (exp->parsed() || review->parsed()) {
                // json-rules-engine is the only export format (CLI11 checked);
                // naming `format` here also keeps the string CLI11 writes to alive.
                if (exp->parsed() && *format != "json-rules-engine") return kExitUsage;
                auto kb = LoadKnowledgeBase(*g);
                if (!kb) return kExitSoftware;
                auto doc = exp->parsed()              ? internal::ExportRulesEngine(*kb)
                           : *review_format == "html" ? internal::ReviewPackHtml(*kb)
                                                      : internal::ReviewPackMarkdown(*kb);
                if (!doc.ok()) {
                  fmt::print(stderr, "error: {}\n", doc.status().message());
                  return kExitSoftware;
                }
                std::FILE* out = output->empty() ? stdout : std::fopen(output->c_str(), "wb");
                if (!out) {
                  fmt::print(stderr, "error: {}: cannot create the file\n", *output);
                  return kExitCantCreate;
                }
                bool ok = std::fwrite(doc->data(), 1, doc->size(), out) == doc->size();
                ok = (out == stdout ? std::fflush(out) : std::fclose(out)) == 0 && ok;
                if (!ok) {
                  fmt::print(stderr, "error: {}: writing failed\n", output->empty() ? "-" : *output);
                  return 74;  // EX_IOERR
                }
                return kExitOk;
              }
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
