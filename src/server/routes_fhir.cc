// The FHIR R4 routes (doc/fhir.md): a thin HTTP adapter over src/fhir/.
//
//   GET  /fhir/Questionnaire/norotriage            the Questionnaire made from the knowledge base
//   POST /fhir/QuestionnaireResponse/$assess       QuestionnaireResponse -> Bundle (RiskAssessment, CarePlan)
//
// Answers are application/fhir+json (application/json when the client's
// Accept asks for that and not for FHIR's type); errors are OperationOutcome
// resources. The routes are stateless and use no credentials, so they are
// registered for any origin (RouteOptions): replies carry
// Access-Control-Allow-Origin: * for SMART apps and form fillers in a
// browser, and the server answers the OPTIONS preflight (app.cc).
#include <algorithm>
#include <cctype>
#include <string>

#include <fmt/format.h>

#include "fhir/assessment_resources.h"
#include "fhir/fhir_common.h"
#include "fhir/questionnaire.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace norotriage::server {
namespace {

constexpr RouteOptions kAnyOrigin{.any_origin = true};

constexpr char kFhirJson[] = "application/fhir+json";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// FHIR's type unless the client accepts plain JSON and not FHIR's type.
std::string ReplyType(const HttpRequest& req) {
  const std::string accept = Lower(req.get_header_value("Accept"));
  if (accept.find("application/json") != std::string::npos &&
      accept.find("application/fhir+json") == std::string::npos) {
    return "application/json";
  }
  return kFhirJson;
}

void ReplyFhir(const HttpRequest& req, HttpResponse& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);
    res.set_header("Content-Type", ReplyType(req));
}

void ReplyIssue(const HttpRequest& req, HttpResponse& res, const fhir::FhirIssue& issue) {
  ReplyFhir(req, res, issue.http_status, fhir::OperationOutcomeJson(issue));
}

}  // namespace

void RegisterFhirRoutes(Router& http, ServerContext& ctx) {
  AddRoute(http, "GET", "/fhir/Questionnaire/{id}",
           [&ctx](const HttpRequest& req, HttpResponse& res) {
             if (req.params[0] != fhir::kQuestionnaireId) {
               ReplyIssue(req, res,
                          fhir::FhirIssue{404, "not-found", "",
                                          fmt::format("There is no Questionnaire/{}; this server has "
                                                      "Questionnaire/{}.",
                                                      fhir::TruncateChars(req.params[0], 64),
                                                      fhir::kQuestionnaireId)});
               return;
             }
             ReplyFhir(req, res, 200, fhir::QuestionnaireJson(*ctx.kb, BaseUrl(ctx.base_url, req)));
           },
           kAnyOrigin);

  AddRoute(http, "POST", "/fhir/QuestionnaireResponse/$assess",
           [&ctx](const HttpRequest& req, HttpResponse& res) {
             const std::string type = MediaType(req.get_header_value("Content-Type"));
             if (!type.empty() && type != kFhirJson && type != "application/json") {
               ReplyIssue(req, res,
                          fhir::FhirIssue{415, "not-supported", "",
                                          "Send the QuestionnaireResponse as application/fhir+json "
                                          "(or application/json)."});
               return;
             }
             const fhir::FhirOptions options{BaseUrl(ctx.base_url, req), fhir::FhirInstantNow(),
                                             fhir::RandomIdSeed()};
             auto bundle = fhir::AssessQuestionnaireResponse(*ctx.kb, req.body, options);
             if (!bundle.ok()) {
               ReplyIssue(req, res, bundle.error());
               return;
             }
             ReplyFhir(req, res, 200, std::move(bundle).value());
           },
           kAnyOrigin);
}

}  // namespace norotriage::server
