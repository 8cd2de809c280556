// HTTP helpers for the route modules: JSON replies and errors, the access
// log, content types, CORS, and routes registered with the exception guard.
//
// Every error the service sends is JSON of one shape:
//   {"error": {"code": "not_found", "message": "…", "path"?: "$.findings.x"}}
// `path` is present for bad input only (the JSON path of the offending value).
//
// Thread safety: the functions are reentrant.
#ifndef NOROTRIAGE_SERVER_HTTP_UTIL_H_
#define NOROTRIAGE_SERVER_HTTP_UTIL_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "norotriage/status.h"
#include "server/http_message.h"
#include "server/router.h"

namespace norotriage::server {

inline constexpr char kJsonContentType[] = "application/json";
inline constexpr char kSvgContentType[] = "image/svg+xml";

// The wire code of each error status: 400 "bad_request", 404 "not_found",
// 405 "method_not_allowed", 411 "length_required", 413 "payload_too_large",
// 408 "request_timeout", 414 "uri_too_long", 415 "unsupported_media_type",
// 431 "request_header_fields_too_large", 503 "unavailable", 500 and others
// "internal".
std::string_view ErrorCodeFor(int status);

// {"error": {"code": …, "message": …, "path": …}}; no "path" when empty.
std::string ErrorJson(std::string_view code, std::string_view message, std::string_view path = "");

// Sets status, body and Content-Type. REQUIRES: `json` is one JSON value.
void ReplyJson(HttpResponse& res, int status, std::string json);

// An error reply with ErrorCodeFor(status) as its code.
void ReplyError(HttpResponse& res, int status, std::string_view message,
                std::string_view path = "");

// A failed Status as an error reply: InvalidArgument 400 (a message that
// starts with a JSON path or argument name, "date: …", gives "path"),
// NotFound 404, FailedPrecondition 409 (its message is sent), Unavailable 503,
// ResourceExhausted 507 (the store is full), anything else 500 (the store's
// message of a 503 or 507 goes to the log only).
// For 500 the Status's text is not sent (it may quote stored data).
// REQUIRES: !s.ok().
void ReplyStatus(HttpResponse& res, const Status& s);

// Per-request state of the access log, for the thread running the request's
// handler: App sets it around each handler call (on an I/O thread or the
// store pool), so that handlers can name the request id in log lines.
struct RequestLogState {
  std::string id;  // 16 hex characters, also sent as X-Request-Id
  bool throw_for_testing = false;  // the handler's guard throws first (X-Fail-For-Testing)
};
RequestLogState& CurrentRequestForLogging();

// Writes one line to stderr with a single write, so that lines from several
// threads never interleave: "2025-01-31T12:00:00.123Z <text>". REQUIRES:
// `text` holds no health data (no bodies, findings or tokens).
void LogLine(std::string_view text);

// Turns LogLine's output off (or on again) in the whole process; on by
// default. For the HTTP fuzzer, whose every request would write a line.
void SetLogLinesEnabledForTesting(bool on);

// Registers `handler` for `method` ("GET", "POST", "PUT", "PATCH" or
// "DELETE") at `pattern` (router.h); the "{name}" segments reach the handler
// as req.params[0], [1], … in order. The handler is wrapped so that an
// exception becomes a 500 JSON error (logged without its message) and never
// escapes, and so that replies of an any_origin route carry CORS headers.
// REQUIRES: before serving; a valid method.
void AddRoute(Router& router, std::string_view method, std::string_view pattern, HttpHandler handler,
              RouteOptions options = {});

// The media type of a Content-Type value, without parameters, lower case.
std::string MediaType(std::string_view content_type);

// Lets browser pages on any origin read the reply (RouteOptions::any_origin).
void AllowAnyOrigin(HttpResponse& res);

// The reply to a CORS preflight (OPTIONS with Origin) for `route`: 204,
// any origin, the route's methods, and the request headers a FHIR or CDS
// Hooks client sends (Content-Type, Accept, Authorization), cached 10 min.
void AnswerPreflight(const Router::Route& route, HttpResponse& res);

// The base of the URLs an answer carries: `configured` (serve's public URL)
// when set, else the address the client used (Host, when it is a plain
// host[:port]), else "".
std::string BaseUrl(const std::string& configured, const HttpRequest& req);

// The bearer token of an "Authorization: Bearer <token>" header, or "" when
// there is none (the scheme is matched without regard to case).
std::string BearerToken(const HttpRequest& req);

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_HTTP_UTIL_H_
