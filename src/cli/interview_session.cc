#include "cli/interview_session.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

namespace norotriage::cli {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool ParseNumber(const std::string& s, double* out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && p == end && std::isfinite(*out);
}

// Every whitespace- or comma-separated token as a whole number, or false.
bool ParseList(const std::string& s, std::vector<int>* out) {
  std::string t = s;
  std::replace(t.begin(), t.end(), ',', ' ');
  std::istringstream ss(t);
  std::string tok;
  while (ss >> tok) {
    int v = 0;
    auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (ec != std::errc() || p != tok.data() + tok.size()) return false;
    out->push_back(v);
  }
  return !out->empty();
}

}  // namespace

InterviewSession::InterviewSession(const KnowledgeBase& kb, Request start, std::istream& in, std::FILE* out,
                                   bool color)
    : kb_(kb), req_(std::move(start)), in_(in), out_(out), color_(color) {
  if (req_.findings.size() != kb.findings().size()) req_.findings = Findings(kb.findings().size());
  req_.declined.resize(kb.findings().size(), false);
}

void InterviewSession::Print(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), out_);
  std::fflush(out_);
}

bool InterviewSession::ReadLine(std::string* line) {
  Print("> ");
  if (!std::getline(in_, *line)) {
    Print("\n");
    return false;
  }
  *line = Trim(*line);
  return true;
}

void InterviewSession::Set(std::string_view finding, double value) {
  int i = kb_.FindingIndex(finding);
  req_.findings.set(i, value);
  req_.declined[i] = false;
}

void InterviewSession::Decline(std::string_view finding) {
  int i = kb_.FindingIndex(finding);
  req_.findings.clear(i);
  req_.declined[i] = true;
}

void InterviewSession::ShowHelp(const Screen& screen, const ScreenQuestion* q) {
  std::string out;
  if (q) {
    if (!q->help.empty()) out += fmt::format("  Help: {}\n", q->help);
    if (!q->why.empty()) out += fmt::format("  Why we ask: {}\n", q->why);
  } else {
    for (const auto& item : screen.questions) {
      if (!item.help.empty()) out += fmt::format("  {}: {}\n", item.label, item.help);
    }
    if (!screen.why.empty()) out += fmt::format("  Why we ask: {}\n", screen.why);
  }
  if (out.empty()) out = "  No more help for this question.\n";
  Print(out);
}

InterviewSession::Outcome InterviewSession::AskChecklist(const Screen& screen) {
  std::string text;
  for (size_t i = 0; i < screen.questions.size(); ++i) {
    text += fmt::format("  {:>2}) {}\n", i + 1, screen.questions[i].label);
  }
  text += fmt::format("   0) {}\n   u) {}\n", screen.none_label, screen.unknown_label);
  text += "Type the numbers of all that apply (for example: 1 3), 0 for none, u if you are not sure.\n"
          "Type ? for help, b to go back.\n";
  Print(text);
  std::string line;
  while (true) {
    if (!ReadLine(&line)) return Outcome::kEof;
    if (line == "b" || line == "B") return Outcome::kBack;
    if (line == "?") {
      ShowHelp(screen, nullptr);
      continue;
    }
    if (line == "u" || line == "U") {
      for (const auto& q : screen.questions) Decline(q.finding);
      return Outcome::kAnswered;
    }
    std::vector<int> picks;
    bool ok = ParseList(line, &picks);
    for (int p : picks) ok = ok && p >= 0 && p <= static_cast<int>(screen.questions.size());
    if (!ok || (picks.size() > 1 && std::count(picks.begin(), picks.end(), 0) > 0)) {
      Print(fmt::format("Please type numbers from 1 to {}, or 0 for none.\n", screen.questions.size()));
      continue;
    }
    // Ticked items are yes; the others are no ("none of these" for the rest).
    for (size_t i = 0; i < screen.questions.size(); ++i) {
      bool ticked = std::find(picks.begin(), picks.end(), static_cast<int>(i + 1)) != picks.end();
      Set(screen.questions[i].finding, ticked ? 1 : 0);
    }
    return Outcome::kAnswered;
  }
}

InterviewSession::Outcome InterviewSession::AskQuestion(const Screen& screen, const ScreenQuestion& q,
                                                        bool in_form) {
  std::string text = in_form ? fmt::format("  - {}\n", q.text) : "";
  const bool numeric = q.type == FindingType::kNumber || q.type == FindingType::kInteger;
  if (!numeric) {
    for (size_t i = 0; i < q.choices.size(); ++i) text += fmt::format("    {}) {}\n", i + 1, q.choices[i].label);
    text += fmt::format("    u) {}\n", screen.unknown_label);
  } else {
    text += fmt::format("    Type a number from {} to {}, or u for \"{}\".\n", q.min, q.max, screen.unknown_label);
  }
  Print(text);
  std::string line;
  while (true) {
    if (!ReadLine(&line)) return Outcome::kEof;
    if (line == "b" || line == "B") return Outcome::kBack;
    if (line == "?") {
      ShowHelp(screen, &q);
      continue;
    }
    if (line == "u" || line == "U") {
      Decline(q.finding);
      return Outcome::kAnswered;
    }
    double v = 0;
    if (numeric) {
      if (ParseNumber(line, &v) && v >= q.min && v <= q.max &&
          (q.type == FindingType::kNumber || v == std::floor(v))) {
        Set(q.finding, v);
        return Outcome::kAnswered;
      }
      Print(fmt::format("Please type a {} from {} to {}, or u.\n",
                        q.type == FindingType::kInteger ? "whole number" : "number", q.min, q.max));
      continue;
    }
    if (ParseNumber(line, &v) && v >= 1 && v <= q.choices.size() && v == std::floor(v)) {
      const AnswerChoice& c = q.choices[static_cast<size_t>(v) - 1];
      if (q.type == FindingType::kBool) {
        Set(q.finding, c.value == "true" ? 1 : 0);
      } else {
        const auto& f = kb_.findings()[kb_.FindingIndex(q.finding)];
        Set(q.finding, static_cast<double>(std::find(f.choices.begin(), f.choices.end(), c.value) - f.choices.begin()));
      }
      return Outcome::kAnswered;
    }
    Print(fmt::format("Please type a number from 1 to {}, or u.\n", q.choices.size()));
  }
}

InterviewSession::Outcome InterviewSession::Ask(const Screen& screen, int number) {
  std::string head = fmt::format("\n{}{}. {}{}\n", color_ ? "\x1b[1m" : "", number, screen.title, color_ ? "\x1b[0m" : "");
  Print(head);
  if (screen.kind == ScreenKind::kChecklist) return AskChecklist(screen);
  if (screen.kind == ScreenKind::kQuestion) return AskQuestion(screen, screen.questions[0], false);
  Print("Type ? for help, b to go back.\n");
  for (const auto& q : screen.questions) {
    Outcome o = AskQuestion(screen, q, true);
    if (o != Outcome::kAnswered) return o;
  }
  return Outcome::kAnswered;
}

InterviewStep InterviewSession::Run() {
  while (true) {
    InterviewStep step = NextStep(kb_, req_);
    if (step.done) return step;
    Request before = req_;
    Outcome o = Ask(*step.screen, static_cast<int>(history_.size()) + 1);
    if (o == Outcome::kEof) {
      req_ = before;
      ended_early_ = true;
      step.done = true;
      step.screen.reset();
      return step;
    }
    if (o == Outcome::kBack) {
      req_ = before;  // drop anything half-answered on this screen
      if (history_.empty()) {
        Print("This is the first question.\n");
      } else {
        req_ = history_.back();
        history_.pop_back();
      }
      continue;
    }
    history_.push_back(before);
  }
}

}  // namespace norotriage::cli
