// The CDS Hooks routes (doc/fhir.md): a thin HTTP adapter over
// src/fhir/cds_hooks.h.
//
//   GET  /cds-services              discovery: the one patient-view service
//   POST /cds-services/norotriage   a hook call -> {"cards": [...]}
//
// Errors are {"error": {"code", "path", "message"}} like the rest of the
// HTTP API: 400 for bad input, 412 when the call carries no findings (the
// spec's answer when a service cannot get its data), 404 for another service
// id. CDS clients are often browser apps, so the routes are registered for
// any origin (RouteOptions): replies carry Access-Control-Allow-Origin: *,
// and the server answers the OPTIONS preflight (app.cc). The routes are
// stateless and use no credentials.
#include <algorithm>
#include <cctype>
#include <string>

#include <fmt/format.h>

#include "fhir/cds_hooks.h"
#include "fhir/fhir_common.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace norotriage::server {
namespace {

constexpr RouteOptions kAnyOrigin{.any_origin = true};

void ReplyCdsError(HttpResponse& res, const fhir::FhirIssue& issue) {
  const std::string_view code = issue.http_status == 412 ? "precondition_failed" : ErrorCodeFor(issue.http_status);
  ReplyJson(res, issue.http_status, ErrorJson(code, issue.message, issue.expression));
}

}  // namespace

void RegisterCdsRoutes(Router& http, ServerContext& ctx) {
  AddRoute(http, "GET", "/cds-services", [&ctx](const HttpRequest& req, HttpResponse& res) {
    ReplyJson(res, 200, fhir::CdsDiscoveryJson(*ctx.kb, BaseUrl(ctx.base_url, req)));
  }, kAnyOrigin);

  AddRoute(http, "POST", "/cds-services/{id}", [&ctx](const HttpRequest& req, HttpResponse& res) {
    if (req.params[0] != fhir::kCdsServiceId) {
      ReplyCdsError(res, fhir::FhirIssue{404, "not-found", "",
                                         fmt::format("There is no CDS service '{}'; this server has '{}'.",
                                                     fhir::TruncateChars(req.params[0], 64),
                                                     fhir::kCdsServiceId)});
      return;
    }
    const std::string type = MediaType(req.get_header_value("Content-Type"));
    if (!type.empty() && type != "application/json" && type != "application/fhir+json") {
      ReplyCdsError(res, fhir::FhirIssue{415, "not-supported", "", "Send the hook request as application/json."});
      return;
    }
    const fhir::FhirOptions options{BaseUrl(ctx.base_url, req), fhir::FhirInstantNow(), fhir::RandomIdSeed()};
    auto cards = fhir::CallCdsService(*ctx.kb, req.body, options);
    if (!cards.ok()) {
      ReplyCdsError(res, cards.error());
      return;
    }
    ReplyJson(res, 200, std::move(cards).value());
  }, kAnyOrigin);
}

}  // namespace norotriage::server
