// The interview: the fewest questions that make the advice safe.
//
// NextStep is stateless: given everything answered so far (a Request, where
// a finding given as null means "asked, I don't know"), it returns the next
// screen to show, or "done" with the final assessment. A client resends all
// answers each turn. Selection is deterministic:
//
//   1. Opening: the screens of knowledge/interview.yaml `opening` (one
//      "About you" form: age, sex, weight; then the complaint checklist),
//      each showing only what is not yet asked.
//   2. Raising: the unanswered findings that could raise the disposition,
//      highest reachable level first (emergency before urgent before
//      routine). Within a level: its yes/no signs as checklists, those that
//      alone could reach the level first (at most max_checklist_items, plus
//      their companions); then its other questions as short forms, a lone
//      sign left over first, then those more open flags read (temperature,
//      tummy pain, alertness; at most max_form_questions). Findings the
//      answers already settle are never asked (they are not open).
//   3. Care plan: hydration signs that could change the fluid plan; the
//      medicine-safety questions when pain relief is relevant; the days of a
//      pain that has a review point.
//   4. Done, when nothing above could change the result. An emergency stops
//      the interview at once (done, emergency).
//
// A screen with room left is topped up with findings of the same kind from
// the later stages. A finding asked only of some people (policy "Who a
// finding applies to") is never asked when it does not apply, nor before the
// findings its asked_when reads (they are asked first, on a screen of their
// own, when the opening has not asked them).
// Every screen asks at least one finding that is neither known nor declined,
// so an interview ends after at most one screen per finding.
// Thread safety: pure functions of immutable inputs.
#ifndef NOROTRIAGE_INTERVIEW_H_
#define NOROTRIAGE_INTERVIEW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "norotriage/assessment.h"
#include "norotriage/findings.h"
#include "norotriage/knowledge_base.h"

namespace norotriage {

enum class ScreenKind {
  kQuestion,   // one question
  kChecklist,  // yes/no findings: tick those that apply; "none of these"; "I don't know"
  kForm,       // several questions on one screen, each answered on its own
};
std::string_view ScreenKindId(ScreenKind k);  // "question", "checklist", "form"

struct AnswerChoice {
  std::string_view value;  // a choice id, or "true"/"false" for yes/no
  std::string_view label;
};

struct ScreenQuestion {
  std::string_view finding;
  FindingType type = FindingType::kBool;
  std::string_view text;    // the question
  std::string_view label;   // short form, for checklists
  std::string_view help;
  std::string why;          // which warning sign or part of the plan depends on it
  double min = 0, max = 0;  // numbers
  std::vector<AnswerChoice> choices;  // bool: yes/no; choice: its choices
  Level could_reach = Level::kSelfCare;
};

struct Screen {
  std::string id;           // deterministic, e.g. "emergency:checklist:saddle_numbness+..."
  ScreenKind kind = ScreenKind::kQuestion;
  std::string_view stage;   // "opening", "emergency", "urgent", "routine" or "care"
  std::string_view title;
  std::string why;
  std::vector<ScreenQuestion> questions;
  std::string_view none_label;     // checklists
  std::string_view unknown_label;  // every screen
};

struct InterviewStep {
  bool done = false;
  bool emergency = false;          // done early: an emergency sign was found
  std::string_view emergency_banner;
  std::optional<Screen> screen;    // when !done
  Assessment assessment;           // so far; final when done
};

// REQUIRES: `request` was parsed for `kb` (ParseRequest). Borrows text from kb.
InterviewStep NextStep(const KnowledgeBase& kb, const Request& request);

// {"done": …, "emergency": …, "screen": {…}} or {"done": true, …, "result": {…}}.
std::string ToJson(const InterviewStep& step);

}  // namespace norotriage

#endif  // NOROTRIAGE_INTERVIEW_H_
