// The command-line tool: a table of subcommands, each in its own file.
//
// Exit statuses follow sysexits.h: 0 ok, 64 usage, 65 bad input data,
// 66 cannot open input, 70 internal error.
#ifndef NOROTRIAGE_CLI_COMMANDS_H_
#define NOROTRIAGE_CLI_COMMANDS_H_

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"

namespace norotriage::cli {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 64;
constexpr int kExitDataErr = 65;
constexpr int kExitNoInput = 66;
constexpr int kExitSoftware = 70;
constexpr int kExitCantCreate = 73;

// Options every command shares.
struct GlobalOptions {
  std::string kb_dir;  // empty: the knowledge base built into the binary
};

// Loads the knowledge base the options name; prints the error and returns null on failure.
std::shared_ptr<const KnowledgeBase> LoadKnowledgeBase(const GlobalOptions& g);

// Reads a whole file, or standard input for "-". Errors: NotFound / Unavailable.
Result<std::string> ReadInput(const std::string& path);

struct Command {
  const char* name;
  const char* description;
  // Adds the subcommand's options to `sub` and returns the function that runs it
  // (called after parsing; returns the exit status).
  std::function<std::function<int()>(CLI::App* sub, const GlobalOptions* g)> setup;
};

Command AssessCommand();
Command KbCommand();
Command InterviewCommand();
Command EpisodeCommand();
Command ServeCommand();
Command BatchCommand();

}  // namespace norotriage::cli

#endif  // NOROTRIAGE_CLI_COMMANDS_H_
