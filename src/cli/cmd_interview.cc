// norotriage interview [--next FILE] [--json] [--save FILE] [--from FILE]
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/interview_session.h"
#include "norotriage/engine.h"
#include "norotriage/interview.h"

namespace norotriage::cli {
namespace {

struct Options {
  std::string next;   // --next FILE: one stateless step as JSON
  std::string from;   // --from FILE: answers to start from
  std::string save;   // --save FILE: write the answers as a request
  bool json = false;
  std::string color = "auto";
};

// Reads and parses a request file; prints the error and returns false on failure.
bool LoadRequest(const KnowledgeBase& kb, const std::string& path, Request* out, int* status) {
  auto text = ReadInput(path);
  if (!text.ok()) {
    fmt::print(stderr, "error: {}\n", text.status().message());
    *status = kExitNoInput;
    return false;
  }
  auto req = ParseRequest(kb, *text);
  if (!req.ok()) {
    fmt::print(stderr, "error: {}: {}\n", req.error().path, req.error().message);
    *status = kExitDataErr;
    return false;
  }
  *out = std::move(req).value();
  return true;
}

// What the interview is, before its first question: that it is not a
// diagnosis, and whom to call without waiting.
std::string Intro(const KnowledgeBase& kb, bool color) {
  const std::string& emergency = kb.call_numbers().emergency;
  const std::string call = emergency.empty() ? "call an ambulance" : fmt::format("call {}", emergency);
  return fmt::format(
      "{}Back pain or aching legs with a stomach bug?{}\n"
      "Answer some questions, one screen at a time. At the end you will find out how\n"
      "soon to get help, how much to drink and which pain relief is safe for you.\n"
      "This is not a diagnosis, and it has not yet been checked by doctors.\n"
      "If you think this is an emergency, {} now. Do not wait to answer these questions.\n",
      color ? "\x1b[1m" : "", color ? "\x1b[0m" : "", call);
}

int Run(const GlobalOptions& g, const Options& o) {
  auto kb = LoadKnowledgeBase(g);
  if (!kb) return kExitSoftware;
  int status = kExitOk;
  if (!o.next.empty()) {
    // The stateless step for programs: the request may lack age_years (the
    // first question asks it), so an empty findings object is accepted.
    auto text = ReadInput(o.next);
    if (!text.ok()) {
      fmt::print(stderr, "error: {}\n", text.status().message());
      return kExitNoInput;
    }
    auto parsed = ParseRequest(*kb, *text, ParseOptions{.require_age = false});
    if (!parsed.ok()) {
      fmt::print(stderr, "error: {}: {}\n", parsed.error().path, parsed.error().message);
      return kExitDataErr;
    }
    std::string out = ToJson(NextStep(*kb, parsed.value())) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : kExitSoftware;
  }
  Request start;
  if (!o.from.empty() && !LoadRequest(*kb, o.from, &start, &status)) return status;
  bool color = o.color == "always" || (o.color == "auto" && isatty(STDOUT_FILENO));
  // With --json the conversation goes to stderr and stdout holds only the result.
  std::FILE* talk = o.json ? stderr : stdout;
  const std::string intro = Intro(*kb, color);
  std::fwrite(intro.data(), 1, intro.size(), talk);
  InterviewSession session(*kb, std::move(start), std::cin, talk, color);
  InterviewStep step = session.Run();
  if (session.ended_early()) {
    fmt::print(talk, "\nThe questions stopped before the end. This advice uses only what you said.\n");
  }
  if (step.emergency) {
    std::string banner = fmt::format("\n{}{}{}\n", color ? "\x1b[1;31m" : "", step.emergency_banner, color ? "\x1b[0m" : "");
    std::fwrite(banner.data(), 1, banner.size(), talk);
  }
  if (!o.save.empty()) {
    std::ofstream f(o.save, std::ios::binary);
    f << ToJson(*kb, session.request()) << "\n";
    if (!f) {
      fmt::print(stderr, "error: {}: cannot write the file\n", o.save);
      return kExitCantCreate;
    }
  }
  // The text ends with the summary, so that the last screen of the terminal
  // says what matters (the disposition, what to do, when to get help).
  std::string out = o.json ? ToJson(step.assessment) + "\n"
                           : "\n" + ToText(step.assessment, color) + "\n" + ToTextSummary(step.assessment, color);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitSoftware;
}

}  // namespace

Command InterviewCommand() {
  return {"interview", "Ask the questions that make the advice safe, one screen at a time",
          [](CLI::App* sub, const GlobalOptions* g) -> std::function<int()> {
            auto o = std::make_shared<Options>();
            sub->add_option("--next", o->next,
                            "Print the next question (or the result) for the answers in FILE as JSON, and stop");
            sub->add_option("--from", o->from, "Start from the answers in this request file");
            sub->add_option("--save", o->save, "Save the answers as a request file at the end");
            sub->add_flag("--json", o->json, "Print the result object (spec/result.md) at the end instead of text");
            sub->add_option("--color", o->color, "Colour the text: auto, always or never")
                ->check(CLI::IsMember({"auto", "always", "never"}));
            return [o, g]() { return Run(*g, *o); };
          }};
}

}  // namespace norotriage::cli
