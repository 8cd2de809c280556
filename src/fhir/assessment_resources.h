// An Assessment as FHIR R4 resources, and the $assess operation.
//
// RiskAssessment: status final; one prediction per fired flag (outcome =
// flag title and urn:norotriage:flag code, qualitativeRisk from the flag's
// level, rationale = advice, citations in urn:norotriage:extension:citation
// extensions) and a last one for the overall disposition (rationale =
// summary); basis = the QuestionnaireResponse; note = the summary.
// CarePlan: status active, intent plan; description = summary; activities
// for getting help (when the disposition is above self-care), fluids (plan,
// ORS ml), each medicine (advice, dose; doNotPerform when it is to be
// avoided), each self-care item and each follow-up review point; notes with
// the safety net and the expected course.
//
// Levels map to the HL7 risk-probability codes as emergency -> high, urgent
// -> moderate, routine and self_care -> low, each with its exact
// urn:norotriage:level code beside it.
//
// Thread safety: pure functions. The Assessment must come from `kb`.
#ifndef NOROTRIAGE_FHIR_ASSESSMENT_RESOURCES_H_
#define NOROTRIAGE_FHIR_ASSESSMENT_RESOURCES_H_

#include <string>
#include <string_view>

#include "fhir/fhir_common.h"
#include "fhir/questionnaire_response.h"
#include "norotriage/assessment.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::fhir {

// Who and what the resources are about, and what they rest on.
struct ResourceLinks {
  OrderedJson subject;   // a Reference; {"display": …} when the response named nobody
  OrderedJson encounter; // a Reference, or null for none
  OrderedJson basis;     // a Reference to the QuestionnaireResponse, or null
};

// The links for `context`: the response's subject and encounter, and
// `basis_reference` (e.g. "urn:uuid:…" or "QuestionnaireResponse/abc").
ResourceLinks LinksFor(const ResponseContext& context, std::string_view basis_reference);

OrderedJson BuildRiskAssessment(const KnowledgeBase& kb, const Assessment& a,
                                const ResourceLinks& links, const FhirOptions& options);
OrderedJson BuildCarePlan(const Assessment& a, const ResourceLinks& links, const FhirOptions& options);

// The risk-probability code for a level ("high", "moderate", "low").
std::string_view RiskProbabilityCode(Level level);

// The answer of POST /fhir/QuestionnaireResponse/$assess for `converted`: a
// Bundle of type "collection" (a set of new resources made together, not the
// result of a search: "searchset" would claim search semantics and search
// modes it does not have). Entries, each with a urn:uuid fullUrl: the
// response itself when it has no id (so that the basis reference resolves
// inside the Bundle; with an id, basis is "QuestionnaireResponse/<id>"
// instead), then the RiskAssessment, then the CarePlan.
OrderedJson BuildAssessmentBundle(const KnowledgeBase& kb, const Json& response,
                                  const ConvertedResponse& converted, const Assessment& a,
                                  const FhirOptions& options);

// The whole operation on a request body: parse (ParseBoundedJson), accept a
// QuestionnaireResponse or a Parameters resource whose parameter "response"
// (or any parameter) holds one, convert, assess, and build the Bundle.
// Errors are 400 FhirIssues whose expression is a FHIRPath into the body.
// Budget: tens of microseconds for a full response.
Result<std::string, FhirIssue> AssessQuestionnaireResponse(const KnowledgeBase& kb,
                                                           std::string_view body,
                                                           const FhirOptions& options);

}  // namespace norotriage::fhir

#endif  // NOROTRIAGE_FHIR_ASSESSMENT_RESOURCES_H_
