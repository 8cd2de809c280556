// HTTP helpers for the route modules: JSON replies and errors, the body
// limit, content types, and routes written with "{name}" path parameters.
//
// Every error the service sends is JSON of one shape:
//   {"error": {"code": "not_found", "message": "…", "path"?: "$.findings.x"}}
// `path` is present for bad input only (the JSON path of the offending value).
//
// Thread safety: the functions are reentrant; RouteTable and HttpServer are
// written while routes are registered (one thread, before listening) and
// only read while the server runs.
#ifndef NOROTRIAGE_SERVER_HTTP_UTIL_H_
#define NOROTRIAGE_SERVER_HTTP_UTIL_H_

#include <chrono>
#include <cstddef>
#include <deque>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "norotriage/status.h"

namespace norotriage::server {

inline constexpr char kJsonContentType[] = "application/json";
inline constexpr char kSvgContentType[] = "image/svg+xml";

// The wire code of each error status: 400 "bad_request", 404 "not_found",
// 405 "method_not_allowed", 411 "length_required", 413 "payload_too_large",
// 415 "unsupported_media_type", 503 "unavailable", 500 and others "internal".
std::string_view ErrorCodeFor(int status);

// {"error": {"code": …, "message": …, "path": …}}; no "path" when empty.
std::string ErrorJson(std::string_view code, std::string_view message, std::string_view path = "");

// Sets status, body and Content-Type. REQUIRES: `json` is one JSON value.
void ReplyJson(httplib::Response& res, int status, std::string json);

// An error reply with ErrorCodeFor(status) as its code.
void ReplyError(httplib::Response& res, int status, std::string_view message,
                std::string_view path = "");

// A failed Status as an error reply: InvalidArgument 400 (a message that
// starts with a JSON path or argument name, "date: …", gives "path"),
// NotFound 404, FailedPrecondition 409 (its message is sent), Unavailable 503,
// ResourceExhausted 507 (the store is full), anything else 500 (the store's
// message of a 503 or 507 goes to the log only).
// For 500 the Status's text is not sent (it may quote stored data).
// REQUIRES: !s.ok().
void ReplyStatus(httplib::Response& res, const Status& s);

// False, after replying 413, when the request body is longer than
// `max_bytes`. The server already refuses longer bodies before reading them
// (serve's payload limit); this is for handlers that want a smaller limit.
bool CheckBodySize(const httplib::Request& req, httplib::Response& res, size_t max_bytes);

// Per-request state of the access log. httplib handles each request from
// start to end on one worker thread, so the state is thread-local; the server
// sets it when a request arrives and clears it when the response is written.
struct RequestLogState {
  bool active = false;
  std::string id;      // 16 hex characters, also sent as X-Request-Id
  std::chrono::steady_clock::time_point start;
  std::string route;   // the route's pattern ("/v1/episodes/{id}"), "" when unknown
  bool rejected = false;  // answered by the server before any route ran
};
RequestLogState& CurrentRequestForLogging();

// Writes one line to stderr with a single write, so that lines from several
// threads never interleave: "2025-01-31T12:00:00.123Z <text>". REQUIRES:
// `text` holds no health data (no bodies, findings or tokens).
void LogLine(std::string_view text);

// Turns LogLine's output off (or on again) in the whole process; on by
// default. For the HTTP fuzzer, whose every request would write a line.
void SetLogLinesEnabledForTesting(bool on);

// The routes registered with AddRoute: the server answers 405 (with Allow)
// for a known path with another method, and logs a route's pattern rather
// than its path (which may carry ids).
class RouteTable {
 public:
  struct Route {
    std::string pattern;               // as registered: "/v1/episodes/{id}"
    std::regex regex;                  // "{name}" as ([^/]+)
    std::vector<std::string> methods;  // "GET", "POST", …; HEAD is allowed with GET
    std::string prefix;                // the text before the first "{": a cheap first test
    bool literal = false;              // no "{name}": matched by string comparison
    bool any_origin = false;           // browser pages on any origin may call it (CORS)
  };

  // REQUIRES: before the server starts listening.
  void Add(std::string_view method, std::string_view pattern, bool any_origin = false);
  // The route whose pattern matches all of `path`, or nullptr. The pointer
  // lives as long as the table. Cost: a string comparison per route, and a
  // regex match only for patterns with parameters whose prefix matches.
  const Route* Find(const std::string& path) const;
  // "GET, HEAD, DELETE": the Allow header for a route.
  static std::string AllowHeader(const Route& route);

 private:
  std::deque<Route> routes_;  // a deque: Find's pointers stay valid across Add
};

// The regex for a pattern: literal text escaped, each "{name}" ([^/]+).
std::string PatternToRegex(std::string_view pattern);

// The server of `norotriage serve`: httplib::Server plus its route table,
// the test hooks, access to the listening socket (httplib 0.11 listens
// with a backlog of 5), and its request loop over any Stream. Not copyable or movable (httplib::Server is not).
class HttpServer : public httplib::Server {
 public:
  RouteTable& routes() { return routes_; }
  const RouteTable& routes() const { return routes_; }

  // Raises the listen backlog of the bound socket. REQUIRES: after a
  // successful bind_to_port/bind_to_any_port, before listen_after_bind.
  bool SetListenBacklog(int backlog);

  // Honour the X-Delay-Ms-For-Testing and X-Fail-For-Testing request headers
  // in AddRoute handlers (serve turns this on only when NOROTRIAGE_TESTING=1).
  void set_test_hooks_for_testing(bool on) { test_hooks_ = on; }
  bool test_hooks_for_testing() const { return test_hooks_; }

  // httplib's request loop over `strm` instead of an accepted socket: reads
  // and answers requests on it while strm.is_readable() (which must mean
  // "unread bytes remain") and the connection stays open, up to the
  // keep-alive count. Runs the handlers on the calling thread.
  // REQUIRES: not while the server listens.
  void ServeStreamForTesting(httplib::Stream& strm);

 private:
  RouteTable routes_;
  bool test_hooks_ = false;
};

struct RouteOptions {
  // Browser pages on any origin may call the route (FHIR and CDS Hooks:
  // stateless, no credentials): every reply of the handler carries
  // Access-Control-Allow-Origin: *, and on an HttpServer an OPTIONS
  // preflight for the path is answered (AnswerPreflight) and the server's
  // own refusals carry it too.
  bool any_origin = false;
};

// Registers `handler` for `method` ("GET", "POST", "PUT", "PATCH" or
// "DELETE") at `pattern`, a path in which "{name}" stands for one non-empty
// path segment; the segments reach the handler as req.matches[1], [2], … in
// order. The handler is wrapped so that an exception becomes a 500 JSON
// error (logged without its message) and never escapes. When `http` is an
// HttpServer the route also enters its table.
// REQUIRES: before the server starts listening; a valid method.
void AddRoute(httplib::Server& http, std::string_view method, std::string_view pattern,
              httplib::Server::Handler handler, RouteOptions options = {});

// The media type of a Content-Type value, without parameters, lower case.
std::string MediaType(const std::string& content_type);

// Lets browser pages on any origin read the reply (RouteOptions::any_origin).
void AllowAnyOrigin(httplib::Response& res);

// The reply to a CORS preflight (OPTIONS with Origin) for `route`: 204,
// any origin, the route's methods, and the request headers a FHIR or CDS
// Hooks client sends (Content-Type, Accept, Authorization), cached 10 min.
void AnswerPreflight(const RouteTable::Route& route, httplib::Response& res);

// The base of the URLs an answer carries: `configured` (serve's public URL)
// when set, else the address the client used (Host, when it is a plain
// host[:port]), else "".
std::string BaseUrl(const std::string& configured, const httplib::Request& req);

// Whether `a` and `b` are equal when ASCII letters are compared without case
// (header values, URL schemes).
bool EqualsNoCase(std::string_view a, std::string_view b);

// The bearer token of an "Authorization: Bearer <token>" header, or "" when
// there is none (the scheme is matched without regard to case).
std::string BearerToken(const httplib::Request& req);

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_HTTP_UTIL_H_
