// The triage engine as a CDS Hooks service (https://cds-hooks.hl7.org, 1.0
// and 2.0): discovery, and the cards for one hook call.
//
// Hook: patient-view. The advice is about the patient as a whole (is there a
// warning sign, how much to drink, which painkiller), not about an order
// being written, so it belongs where the chart is opened; order-select would
// only fire while prescribing and would miss every other visit.
//
// Where the findings come from (exactly one of these; doc/fhir.md):
//   prefetch.questionnaireResponse  the patient's latest QuestionnaireResponse
//                                   to Questionnaire/norotriage, as a resource
//                                   or as the searchset Bundle the discovery
//                                   prefetch template returns (first entry);
//   context.norotriageRequest       a norotriage request (spec/request.md),
//   prefetch.norotriageRequest      for clients without FHIR answers.
// None (or null, or an OperationOutcome: the client could not prefetch) is a
// 412, as the spec asks of a service that cannot get its data. A Bundle with
// no QuestionnaireResponse means nothing was answered: no cards.
//
// Cards: one for the disposition (indicator critical for emergency, warning
// for urgent and routine, info for self-care; markdown detail with warning
// signs, fluids, pain relief, when to get help and open questions; a
// suggestion to create the CarePlan), then one per fired flag, highest level
// first, with the flag's citations as its source label. Summaries have fewer
// than kCardSummaryLimit characters.
//
// Thread safety: pure functions.
#ifndef NOROTRIAGE_FHIR_CDS_HOOKS_H_
#define NOROTRIAGE_FHIR_CDS_HOOKS_H_

#include <string>
#include <string_view>

#include "fhir/assessment_resources.h"
#include "fhir/fhir_common.h"
#include "norotriage/assessment.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::fhir {

inline constexpr std::string_view kCdsHook = "patient-view";
inline constexpr std::string_view kCdsServiceId = "norotriage";
inline constexpr size_t kCardSummaryLimit = 140;  // summaries are shorter (the spec's "<140")

// GET /cds-services: {"services": [{hook, id, title, description, prefetch}]}.
OrderedJson BuildCdsDiscovery(const KnowledgeBase& kb, std::string_view base_url);
std::string CdsDiscoveryJson(const KnowledgeBase& kb, std::string_view base_url);

// "critical", "warning" or "info".
std::string_view CardIndicator(Level level);

// {"cards": [...]} for an assessment. `links` gives the CarePlan suggestion
// its subject and basis.
OrderedJson BuildCards(const KnowledgeBase& kb, const Assessment& a, const ResourceLinks& links,
                       const FhirOptions& options);

// POST /cds-services/norotriage on a hook request body. Errors are
// FhirIssues with a JSON path ("$.prefetch.questionnaireResponse.item[0]…")
// as expression: 400 for bad input, 412 when the findings are missing.
// Budget: well under a millisecond.
Result<std::string, FhirIssue> CallCdsService(const KnowledgeBase& kb, std::string_view body,
                                              const FhirOptions& options);

// {"error": {"path": expression, "message": message}} (the /v1 API's shape).
std::string CdsErrorJson(const FhirIssue& issue);

}  // namespace norotriage::fhir

#endif  // NOROTRIAGE_FHIR_CDS_HOOKS_H_
