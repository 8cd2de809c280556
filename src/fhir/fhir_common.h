// What the FHIR and CDS Hooks layers share: the error value, the options of
// one call, bounded JSON input, ids, time and the code systems we mint.
//
// The FHIR layer (src/fhir/) turns the knowledge base into a FHIR R4
// Questionnaire, a QuestionnaireResponse into a Request, and an Assessment
// into a RiskAssessment and a CarePlan; cds_hooks.h puts the same on a CDS
// Hooks service. Everything here is pure except FhirInstantNow and
// RandomIdSeed, which the HTTP adapters call once per request so that the
// library itself stays deterministic under test. See doc/fhir.md.
//
// Thread safety: functions only; no shared state.
#ifndef NOROTRIAGE_FHIR_FHIR_COMMON_H_
#define NOROTRIAGE_FHIR_FHIR_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "norotriage/status.h"

namespace norotriage::fhir {

// Documents keep their keys in the order written, input and output alike, so
// that a resource echoed back (the QuestionnaireResponse in a Bundle) reads as
// it was sent. `Json` names input (parsed, read-only), `OrderedJson` output.
using Json = nlohmann::ordered_json;
using OrderedJson = nlohmann::ordered_json;

// One problem with the input, in FHIR's terms. Rendered as an
// OperationOutcome by the FHIR routes, as {"error": {path, message}} by CDS.
struct FhirIssue {
  int http_status = 400;           // 400 bad input; 404 unknown resource; 412 data missing (CDS)
  std::string code = "invalid";    // OperationOutcome.issue.code (IssueType value set)
  std::string expression;          // FHIRPath of the offending element, e.g.
                                   // "QuestionnaireResponse.item[2].answer[0].valueDecimal"
  std::string message;             // plain words; names the finding where there is one
};

// What one call needs from outside: where the server is and what time it is.
struct FhirOptions {
  std::string base_url;   // e.g. "http://127.0.0.1:8080"; "" gives relative URLs
  std::string now;        // FHIR instant, e.g. "2026-11-21T10:05:00Z" (FhirInstantNow())
  uint64_t id_seed = 0;   // seeds the urn:uuid ids of the resources made (RandomIdSeed())
};

// Limits on untrusted JSON: larger or deeper input is a clean 400.
inline constexpr size_t kMaxInputBytes = 1 << 20;
inline constexpr int kMaxInputDepth = 48;        // objects and arrays nested
inline constexpr size_t kMaxQuestionnaireItems = 2000;

// Parses `text` as one JSON value. Rejects (with `root` as the expression)
// text over kMaxInputBytes, nesting deeper than kMaxInputDepth (checked
// before parsing, so nlohmann's recursive parser never sees it), malformed
// JSON, invalid UTF-8 and duplicate keys in an object. Never throws.
// Budget: linear in the size of `text`.
Result<Json, FhirIssue> ParseBoundedJson(std::string_view text, std::string_view root);

// Compact JSON text. Invalid UTF-8 (impossible for text from ParseBoundedJson
// or the knowledge base) becomes U+FFFD instead of throwing.
std::string Dump(const OrderedJson& doc);

// {"resourceType": "OperationOutcome", "issue": [{severity error, code,
// diagnostics, expression}]}, as text.
std::string OperationOutcomeJson(const FhirIssue& issue);

// A version-4-shaped UUID derived from (seed, n): distinct n give distinct
// ids for one seed. Deterministic, so tests can pin ids.
std::string UuidFromSeed(uint64_t seed, uint64_t n);

// The current UTC time as a FHIR instant ("YYYY-MM-DDThh:mm:ssZ").
std::string FhirInstantNow();
// A seed for UuidFromSeed from std::random_device.
uint64_t RandomIdSeed();

// `text` cut to at most `max_chars` Unicode code points, ending in "…" when
// cut. REQUIRES: valid UTF-8; max_chars >= 1.
std::string TruncateChars(std::string_view text, size_t max_chars);
// Number of Unicode code points in valid UTF-8 `text`.
size_t CountChars(std::string_view text);

// Code systems and identifiers minted by norotriage. URNs, so that they do not
// depend on where a server runs; doc/fhir.md lists them.
inline constexpr std::string_view kQuestionnaireId = "norotriage";
inline constexpr std::string_view kFindingSystem = "urn:norotriage:finding";
inline constexpr std::string_view kChoiceSystemPrefix = "urn:norotriage:choice:";  // + finding id
inline constexpr std::string_view kFlagSystem = "urn:norotriage:flag";
inline constexpr std::string_view kLevelSystem = "urn:norotriage:level";
inline constexpr std::string_view kMedicineSystem = "urn:norotriage:medicine";
inline constexpr std::string_view kSelfCareSystem = "urn:norotriage:self-care";
inline constexpr std::string_view kFluidPlanSystem = "urn:norotriage:fluid-plan";
inline constexpr std::string_view kReviewSystem = "urn:norotriage:review";
inline constexpr std::string_view kCitationExtension = "urn:norotriage:extension:citation";

// The canonical URL of the generated Questionnaire under `base_url`.
std::string QuestionnaireUrl(std::string_view base_url);

}  // namespace norotriage::fhir

#endif  // NOROTRIAGE_FHIR_FHIR_COMMON_H_
