// A FHIR R4 QuestionnaireResponse (answers to BuildQuestionnaire's
// Questionnaire) -> an assessment Request.
//
// Items may be nested to any depth (groups, answer.item); an item with an
// answer must have a finding id as its linkId. Answers map by the finding's
// type: boolean <- valueBoolean; number and integer <- valueDecimal,
// valueInteger or valueQuantity.value; choice <- valueCoding (code, and system
// urn:norotriage:choice:<id> if given) or valueString (the choice id). An item
// without an answer is unknown, never "no". The findings are then written as
// a request (spec/request.md) and read back with ParseRequest, so every rule
// of the engine's own validation applies; its errors come back with the FHIR
// path of the answer that caused them.
//
// Thread safety: pure functions.
#ifndef NOROTRIAGE_FHIR_QUESTIONNAIRE_RESPONSE_H_
#define NOROTRIAGE_FHIR_QUESTIONNAIRE_RESPONSE_H_

#include <optional>
#include <string>
#include <string_view>

#include "fhir/fhir_common.h"
#include "norotriage/findings.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::fhir {

// What the assessment resources need from the response besides the findings.
struct ResponseContext {
  std::optional<std::string> id;     // QuestionnaireResponse.id
  std::optional<Json> subject;       // a Reference (object), as given
  std::optional<Json> encounter;     // a Reference (object), as given
};

struct ConvertedResponse {
  Request request;                   // validated by ParseRequest; ref = the response's id
  std::string request_json;          // the request as built (spec/request.md)
  ResponseContext context;
};

// Converts `qr`. `root` is the FHIRPath of `qr` in the input, used to prefix
// every expression in an error ("QuestionnaireResponse" for a body of its
// own; "$.prefetch.questionnaireResponse" in a CDS Hooks request).
// Errors (400, code "invalid"): not a QuestionnaireResponse; a linkId that is
// not a finding (with "did you mean"); an answer of the wrong value[x] for
// the finding's type; two answers to one finding; anything ParseRequest
// rejects (range, choice, contradiction, a missing age). Walks the item tree
// with an explicit stack. Budget: linear in the size of `qr`, at most
// kMaxQuestionnaireItems items.
Result<ConvertedResponse, FhirIssue> RequestFromQuestionnaireResponse(const KnowledgeBase& kb,
                                                                      const Json& qr,
                                                                      std::string_view root);

}  // namespace norotriage::fhir

#endif  // NOROTRIAGE_FHIR_QUESTIONNAIRE_RESPONSE_H_
