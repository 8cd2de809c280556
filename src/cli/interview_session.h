// The terminal interview: one screen at a time, read from a stream.
//
// Commands at any prompt: a number (or several for a checklist), "u" for
// "I don't know", "?" for help and why the question is asked, "b" to go back
// and change the previous screen (everything after it is re-evaluated).
// Works the same on a terminal and on piped input.
#ifndef NOROTRIAGE_CLI_INTERVIEW_SESSION_H_
#define NOROTRIAGE_CLI_INTERVIEW_SESSION_H_

#include <cstdio>
#include <istream>
#include <string>
#include <vector>

#include "norotriage/findings.h"
#include "norotriage/interview.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::cli {

class InterviewSession {
 public:
  // Borrows kb, in and out for its lifetime. `start` holds answers already known.
  InterviewSession(const KnowledgeBase& kb, Request start, std::istream& in, std::FILE* out, bool color);

  // Runs until the interview is done, an emergency stops it, or input ends.
  // Returns the final step (its assessment is the result).
  InterviewStep Run();

  const Request& request() const { return req_; }
  // True when input ended before the interview was done.
  bool ended_early() const { return ended_early_; }

 private:
  enum class Outcome { kAnswered, kBack, kEof };
  Outcome Ask(const Screen& screen, int number);
  Outcome AskChecklist(const Screen& screen);
  Outcome AskQuestion(const Screen& screen, const ScreenQuestion& q, bool in_form);
  bool ReadLine(std::string* line);
  void Print(const std::string& s);
  void ShowHelp(const Screen& screen, const ScreenQuestion* q);
  void Set(std::string_view finding, double value);
  void Decline(std::string_view finding);

  const KnowledgeBase& kb_;
  Request req_;
  std::istream& in_;
  std::FILE* out_;
  bool color_;
  bool ended_early_ = false;
  std::vector<Request> history_;  // the request before each answered screen
};

}  // namespace norotriage::cli

#endif  // NOROTRIAGE_CLI_INTERVIEW_SESSION_H_
