// The knowledge base's finding vocabulary as a FHIR R4 Questionnaire.
//
// One group item per finding group (knowledge/findings.yaml order), one
// question per finding except the "history" group (worked out from an
// episode's check-ins, never asked). Each question carries:
//   linkId   = the finding id (so a QuestionnaireResponse maps back 1:1),
//   text     = the finding's question, code = {urn:norotriage:finding, id, label},
//   type     = boolean | decimal | integer | choice,
//   answerOption valueCoding {urn:norotriage:choice:<id>, choice, label},
//   minValue/maxValue extensions (http://hl7.org/fhir/StructureDefinition/…),
//   the help text as a display child with itemControl "help" (LHC-Forms shows
//   it behind a help button),
//   enableWhen derived from the consistency rules (DependenciesFromConsistency).
//
// Thread safety: pure functions of the immutable knowledge base.
#ifndef NOROTRIAGE_FHIR_QUESTIONNAIRE_H_
#define NOROTRIAGE_FHIR_QUESTIONNAIRE_H_

#include <string>
#include <string_view>
#include <vector>

#include "fhir/fhir_common.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::fhir {

// "Question `dependent` is only asked when question `guard` has one of the
// answers in `enabled_when`" (booleans as "true"/"false", choices as ids;
// several values: any of them), or, when `negate` is set, "unless `guard`
// has the single answer enabled_when[0]".
struct Dependency {
  std::string dependent;
  std::string guard;
  std::vector<std::string> enabled_when;
  bool negate = false;
};

// The dependencies the consistency rules imply. A rule
// "G and C" where G tests one bool or choice finding X (X = false,
// X = true, X in {…}, possibly negated) and C mentions only one other
// finding Y (known(Y), Y > 0, …) forbids Y's answer exactly when G holds, so
// Y is enabled when G does not: "back_pain = false and known(back_pain_site)"
// gives back_pain_site enabled when back_pain = true; "sex = male and
// pregnancy_weeks > 0" gives pregnancy_weeks enabled unless sex = male.
// Rules of any other shape give none. In rule order.
std::vector<Dependency> DependenciesFromConsistency(const KnowledgeBase& kb);

// The enableWhen entries that say when finding `id` is asked, from its
// asked_when (CompiledKb::applicability): all of them must hold
// (enableBehavior "all"), and the question shows where asked_when is true or
// unknown, as the engine asks it. None when the finding has no asked_when.
// Said: a conjunction ("and") of
//   X in S, X = c      -> one "X != c" per choice c not in S (so an
//                         unanswered X leaves it shown),
//   not (X in S), X != c -> one "X != c" per choice c in S,
//   bool X / not X     -> "X != false" / "X != true",
//   a comparison of the required number (age_years) -> the same comparison
//                         (a required answer is never unknown).
// Anything else (or, at least, sums, known(), a comparison of a number that
// may be unanswered, which enableWhen would read as false) is an error that
// names the finding: BuildQuestionnaire then leaves the question always
// shown (asked more often, never less), and tests/fhir_v2_test.cc fails.
Result<std::vector<OrderedJson>> AskedWhenEnableWhen(const KnowledgeBase& kb, std::string_view id);

// The Questionnaire resource (url = QuestionnaireUrl(base_url), version = the
// knowledge base's version). Budget: linear in the vocabulary; ~30 KiB.
OrderedJson BuildQuestionnaire(const KnowledgeBase& kb, std::string_view base_url);
std::string QuestionnaireJson(const KnowledgeBase& kb, std::string_view base_url);

// The title of a finding group ("back" -> "Back pain"); the id itself for a
// group this layer has no title for.
std::string GroupTitle(std::string_view group);

// The linkId of a group item: "group-<group>" (no finding id has a '-').
std::string GroupLinkId(std::string_view group);

}  // namespace norotriage::fhir

#endif  // NOROTRIAGE_FHIR_QUESTIONNAIRE_H_
