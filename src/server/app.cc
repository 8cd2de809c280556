// App: the routes with the hygiene every route shares, and the raw-bytes
// request loop for tests (see app.h).
//
// What every reply gets, whichever module answers:
//   - errors as JSON ({"error": {"code", "message", "path"?}}), also for
//     unknown paths (404), wrong methods (405, with Allow), compressed bodies
//     (415), the reader's refusals (400, 408, 411, 413, 414, 431) and
//     exceptions (500; never a crash);
//   - X-Request-Id (not on refusals before routing, which close the
//     connection), X-Content-Type-Options: nosniff, and Cache-Control:
//     no-store unless the handler set its own;
//   - one access-log line on stderr: time, request id, method, route
//     pattern, status, milliseconds. Never a body, a finding, a token or a
//     raw path.
#include "server/app.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "server/http_util.h"
#include "server/request_reader.h"

namespace norotriage::server {
namespace {

// 16 lower-case hex digits of a per-thread mt19937_64 (as "{:016x}" would
// print them, without fmt's parsing of the format per request).
std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) id[i] = kHex[v & 15];
  return id;
}

// The methods the service answers at all; others known to HTTP get 405.
bool IsServedMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "POST" || m == "PUT" || m == "PATCH" ||
         m == "DELETE";
}

// The message of an error reply a handler left without a body.
std::string DefaultMessage(int status, size_t max_body) {
  switch (status) {
    case 400: return "The request could not be read as HTTP.";
    case 404: return "No such endpoint. The API is described at /v1/openapi.json.";
    case 405: return "This method is not allowed here.";
    case 413: return fmt::format("The request body is larger than {} bytes.", max_body);
    case 503: return "The service is unavailable; try again later.";
    default: return status >= 500 ? "Internal error." : "The request was refused.";
  }
}

// The time since `start` in hundredths of a millisecond, rounded.
int64_t HundredthsOfMillisecondSince(std::chrono::steady_clock::time_point start) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
  return (ns.count() + 5000) / 10000;
}

// Sets the thread's log state to an exchange's id while a handler runs.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(const std::string& id) { CurrentRequestForLogging().id = id; }
  ~ScopedRequestId() { CurrentRequestForLogging() = RequestLogState{}; }
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;
};

}  // namespace

App::App(const ServeOptions& options, std::shared_ptr<const KnowledgeBase> kb, Store* store, const Clock* clock)
    : clock_(clock), test_hooks_(options.test_hooks_for_testing) {
  episodes_ = std::make_unique<Episodes>(kb, store, clock);
  ctx_.kb = std::move(kb);
  ctx_.store = store;
  ctx_.episodes = episodes_.get();
  ctx_.clock = clock;
  ctx_.limits = options.limits;
}

Status App::Install(std::string base_url) {
  if (installed_) return Status::Internal("the routes are registered already");
  installed_ = true;
  ctx_.base_url = std::move(base_url);
  while (!ctx_.base_url.empty() && ctx_.base_url.back() == '/') ctx_.base_url.pop_back();
  try {
    RegisterApiRoutes(router_, ctx_);
    RegisterWebRoutes(router_, ctx_);
    RegisterFhirRoutes(router_, ctx_);
    RegisterCdsRoutes(router_, ctx_);
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
  return Status::Ok();
}

bool App::Route(Exchange& ex) {
  const HttpRequest& req = ex.request;
  HttpResponse& res = ex.response;
  ex.id = NewRequestId();
  ex.start = std::chrono::steady_clock::now();
  ex.counted = true;
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  res.set_header("X-Request-Id", ex.id);
  const Router::Route* route = router_.Find(req.path, &ex.request.params);
  if (route != nullptr) ex.route = route->pattern;
  // A page on another origin can read the refusals of a route it may call.
  auto refuse = [&](int status, std::string_view message) {
    if (route != nullptr && route->options.any_origin) AllowAnyOrigin(res);
    ReplyError(res, status, message);
    return false;
  };
  if (!IsServedMethod(req.method)) {
    return refuse(405, fmt::format("The method {} is not supported.", req.method));
  }
  const std::string_view encoding = req.headers.Get("Content-Encoding");
  if (!encoding.empty() && !EqualsNoCase(encoding, "identity")) {
    return refuse(415, "Send the request body uncompressed; Content-Encoding is not accepted.");
  }
  if (route == nullptr) {
    ReplyError(res, 404, DefaultMessage(404, 0));
    return false;
  }
  ex.handler = Router::HandlerFor(*route, req.method);
  if (ex.handler == nullptr) {
    res.set_header("Allow", Router::AllowHeader(*route));
    if (req.method == "OPTIONS") {
      if (route->options.any_origin) {
        AnswerPreflight(*route, res);  // what a browser asks before a cross-origin POST
      } else {
        res.status = 204;
      }
      return false;
    }
    return refuse(405, fmt::format("{} is not allowed here; use {}.", req.method, Router::AllowHeader(*route)));
  }
  ex.uses_store = route->options.uses_store;
  if (test_hooks_) {
    const std::string_view delay = req.headers.Get("X-Delay-Ms-For-Testing");
    if (!delay.empty()) ex.delay_ms = static_cast<int>(std::clamp(std::atol(std::string(delay).c_str()), 0L, 30000L));
  }
  return true;
}

void App::Run(Exchange& ex) {
  ScopedRequestId scope(ex.id);
  // X-Fail-For-Testing: throw makes the route's guard (AddRoute) meet an exception.
  CurrentRequestForLogging().throw_for_testing =
      test_hooks_ && ex.request.headers.Get("X-Fail-For-Testing") == "throw";
  (*ex.handler)(ex.request, ex.response);
}

bool App::Finish(Exchange& ex) {
  const HttpRequest& req = ex.request;
  HttpResponse& res = ex.response;
  if (res.status >= 400 && res.content().empty()) {
    ReplyError(res, res.status, DefaultMessage(res.status, ctx_.limits.http.max_body_bytes));
  }
  if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  const std::string_view connection = req.headers.Get("Connection");
  bool close = stopping_.load(std::memory_order_relaxed) || EqualsNoCase(connection, "close") ||
               (req.version_minor == 0 && !EqualsNoCase(connection, "keep-alive"));
  res.headers.Erase("Connection");
  if (!close && req.version_minor == 0) res.set_header("Connection", "keep-alive");
  const std::string_view method = IsServedMethod(req.method) ? std::string_view(req.method) : "-";
  // "<id> <method> <route> <status> <ms>ms", built in the thread's buffer
  // with the milliseconds as whole hundredths: no allocation, no format
  // string and no floating-point formatting per request.
  thread_local std::string line;
  const int64_t hundredths = HundredthsOfMillisecondSince(ex.start);
  const fmt::format_int status(res.status);
  const fmt::format_int whole(hundredths / 100);
  const char fraction[] = {'.', static_cast<char>('0' + hundredths % 100 / 10), static_cast<char>('0' + hundredths % 10)};
  line.assign(ex.id);
  line += ' ';
  line += method;
  line += ' ';
  line += ex.route.empty() ? std::string_view("-") : std::string_view(ex.route);
  line += ' ';
  line.append(status.data(), status.size());
  line += ' ';
  line.append(whole.data(), whole.size());
  line.append(fraction, sizeof(fraction));
  line += "ms";
  LogLine(line);
  if (ex.counted) {
    ex.counted = false;
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
  }
  return close;
}

HttpResponse App::Refusal(int status, std::string_view message, const HttpRequest* request) {
  HttpResponse res;
  ReplyError(res, status, message);
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  std::string_view method = "-";
  if (request != nullptr) {
    if (IsServedMethod(request->method)) method = request->method;
    std::vector<std::string> params;
    const Router::Route* route = request->path.empty() ? nullptr : router_.Find(request->path, &params);
    if (route != nullptr && route->options.any_origin) AllowAnyOrigin(res);
  }
  LogLine(fmt::format("- {} - {} -", method, status));
  return res;
}

void App::FinishUnavailable(Exchange& ex, std::string_view message) {
  ex.response = HttpResponse{};
  ex.response.set_header("X-Request-Id", ex.id);
  ReplyError(ex.response, 503, message);
  ex.response.set_header("Retry-After", "1");
}

void App::Abandon(Exchange& ex) {
  if (ex.counted) {
    ex.counted = false;
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
  }
}

std::string SerializeReply(const Exchange& ex, bool close) {
  std::string out = SerializeHead(ex.response, close);
  if (ex.request.method != "HEAD") out.append(ex.response.content());
  return out;
}

std::string App::HandleRawForTesting(std::string_view bytes) {
  std::string out;
  RequestReader reader(ctx_.limits.http);
  while (true) {
    size_t consumed = 0;
    const RequestReader::Progress p = reader.Read(bytes, &consumed);
    bytes.remove_prefix(consumed);
    if (p == RequestReader::Progress::kNeedMore) break;  // the client sent no more
    if (p == RequestReader::Progress::kError) {
      HttpResponse res = Refusal(reader.error_status(), reader.error_message(), reader.refused_request());
      out += SerializeHead(res, /*close=*/true);
      out.append(res.content());
      break;
    }
    Exchange ex;
    ex.request = std::move(reader.request());
    reader.Next();
    if (Route(ex)) {
      if (ex.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ex.delay_ms));
      Run(ex);
    }
    const bool close = Finish(ex);
    out += SerializeReply(ex, close);
    if (close) break;
  }
  return out;
}

void App::SetStoreForTesting(Store* store) {
  auto episodes = std::make_unique<Episodes>(ctx_.kb, store, clock_);
  ctx_.store = store;
  ctx_.episodes = episodes.get();
  episodes_ = std::move(episodes);
}

}  // namespace norotriage::server
