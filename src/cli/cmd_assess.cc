// norotriage assess [FILE|-] [--json]: one request in, one result out.
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"
#include "norotriage/engine.h"

namespace norotriage::cli {

Command AssessCommand() {
  return {"assess", "Assess one request (JSON) and print the advice",
          [](CLI::App* sub, const GlobalOptions* g) -> std::function<int()> {
            auto file = std::make_shared<std::string>("-");
            auto json = std::make_shared<bool>(false);
            auto color = std::make_shared<std::string>("auto");
            sub->add_option("file", *file, "Request file (spec/request.md), or - for standard input");
            sub->add_flag("--json", *json, "Print the result object (spec/result.md) instead of text");
            sub->add_option("--color", *color, "Colour the text: auto, always or never")
                ->check(CLI::IsMember({"auto", "always", "never"}));
            return [=]() -> int {
              auto kb = LoadKnowledgeBase(*g);
              if (!kb) return kExitSoftware;
              auto text = ReadInput(*file);
              if (!text.ok()) {
                fmt::print(stderr, "error: {}\n", text.status().message());
                return kExitNoInput;
              }
              auto req = ParseRequest(*kb, *text);
              if (!req.ok()) {
                fmt::print(stderr, "error: {}: {}\n", req.error().path, req.error().message);
                return kExitDataErr;
              }
              Assessment a = Assess(*kb, req.value());
              std::string out;
              if (*json) {
                out = ToJson(a);
                out += '\n';
              } else {
                bool use_color = *color == "always" || (*color == "auto" && isatty(STDOUT_FILENO));
                out = ToText(a, use_color);
              }
              std::fwrite(out.data(), 1, out.size(), stdout);
              return std::fflush(stdout) == 0 ? kExitOk : kExitSoftware;
            };
          }};
}

}  // namespace norotriage::cli
