// App: the configured HttpServer with the hygiene every route shares, and
// its request loop over bytes in memory (see app.h).
//
// How httplib 0.11 behaves, and what this file does about it:
//   - The pre-routing handler runs after the headers and before the body is
//     read. httplib reads chunked bodies and bodies without a length with no
//     limit, and inflates gzip/brotli bodies; those are refused here. A
//     refused request whose body was sent is routed to kRejectPath, whose
//     handler reads and drops the body (up to the limit), so that its bytes
//     are not taken for the next request on the connection.
//   - The error handler runs for every status >= 400, including replies a
//     handler made: it fills in a JSON body only when there is none.
//   - The logger runs after the response is written, on the worker thread
//     that ran the pre-routing handler (RequestLogState is thread-local).
//   - After App::BeginStopping (serve's shutdown), a worker leaves a
//     keep-alive connection after its current reply: the post-routing
//     handler says "Connection: close" on it.
#include "server/app.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include <fmt/format.h>

namespace norotriage::server {
namespace {

using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

// Where refused requests with a body are sent to have the body drained.
// Not a path any client can reach: its handler answers 404 unless the
// pre-routing handler refused the request.
constexpr char kRejectPath[] = "/.norotriage/refused";

// The refusal of the current request (kept across the body read, which may
// set its own status).
struct Refusal {
  int status = 0;
  std::string body;
};
Refusal& CurrentRefusal() {
  thread_local Refusal refusal;
  return refusal;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

bool IsBodyMethod(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE"; }

bool IsKnownMethod(const std::string& m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || IsBodyMethod(m);
}

uint64_t ContentLength(const Request& req) {
  const std::string v = req.get_header_value("Content-Length");
  return v.empty() ? 0 : std::strtoull(v.c_str(), nullptr, 10);
}

bool Allows(const RouteTable::Route& route, const std::string& method) {
  for (const std::string& m : route.methods) {
    if (m == method || (m == "GET" && method == "HEAD")) return true;
  }
  return false;
}

// The path with each capture group of the route that matched replaced by
// "{}": the pattern of a route registered without AddRoute. "" if none matched.
std::string MatchedPattern(const Request& req) {
  if (req.matches.empty()) return "";
  std::string out;
  size_t pos = 0;
  const std::string& path = req.path;
  for (size_t i = 1; i < req.matches.size(); ++i) {
    if (!req.matches[i].matched) continue;
    const auto begin = static_cast<size_t>(req.matches.position(static_cast<int>(i)));
    if (begin < pos || begin > path.size()) continue;  // nested in a group already replaced
    out.append(path, pos, begin - pos);
    out += "{}";
    pos = begin + static_cast<size_t>(req.matches.length(static_cast<int>(i)));
  }
  out.append(path, std::min(pos, path.size()), std::string::npos);
  return out;
}

// Refuses the request with an error reply. When a body was sent and httplib
// would read it, the request goes on to kRejectPath to have it drained.
HandlerResponse Refuse(const Request& req, Response& res, int status, std::string_view message) {
  CurrentRequestForLogging().rejected = true;
  ReplyError(res, status, message);
  const bool has_body = req.has_header("Transfer-Encoding") || ContentLength(req) > 0;
  if (!has_body || !IsBodyMethod(req.method)) return HandlerResponse::Handled;
  CurrentRefusal() = Refusal{res.status, res.body};
  // httplib's Request is a non-const local of its request loop; only the
  // handler's signature is const. Rewriting the path routes the request to
  // the drain; dropping Content-Encoding keeps httplib from inflating it.
  auto& mutable_req = const_cast<Request&>(req);
  mutable_req.path = kRejectPath;
  mutable_req.headers.erase("Content-Encoding");
  return HandlerResponse::Unhandled;
}


// Ends the connection once `res` is written. httplib 0.11 goes on reading a
// connection after a request it refuses before routing -- a request line or
// headers it cannot parse (400), a URI too long (414), a Range it cannot
// parse (416), an Expect: 100-continue refused (413) -- without reading the
// rest of that request: its headers or body would be read as more requests,
// and answered, putting the client (or a proxy in front) out of step with
// the server, or smuggling a request inside a body. RFC 9112 (9.6) says to
// close. httplib 0.11 closes only when writing a reply fails, so the body
// is written by a content provider that writes all of it and then reports
// a failure; "Connection: close" on the request makes httplib say so.
// Once the server is stopping, httplib no longer calls content providers
// (and leaves the connection anyway): the body stays a plain body then.
void CloseAfterReply(Request& req, Response& res, bool stopping) {
  req.headers.erase("Connection");
  req.set_header("Connection", "close");
  if (stopping) return;
  // httplib writes no body, so calls no provider, for HEAD: the reply to a
  // refused HEAD carries its body (the method of a request refused this
  // early is not to be trusted anyway; the log shows it as "-").
  if (req.method == "HEAD") req.method.clear();
  auto body = std::make_shared<const std::string>(std::move(res.body));
  res.body.clear();
  std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");  // set_content_provider adds its own
  res.headers.erase("Content-Length");
  res.set_content_provider(body->size(), type, [body](size_t offset, size_t length, httplib::DataSink& sink) {
    if (offset < body->size()) sink.write(body->data() + offset, std::min(length, body->size() - offset));
    return false;  // written: now fail, and httplib closes the connection
  });
}

void InstallHygiene(HttpServer& http, const ServerLimits& limits, std::atomic<bool>& stopping,
                    std::atomic<int>& in_flight) {
  const size_t max_body = limits.max_body_bytes;

  http.set_expect_100_continue_handler([max_body](const Request& req, Response& res) {
    if (ContentLength(req) <= max_body) return 100;
    res.status = 413;  // httplib writes res as the final reply
    return 413;
  });

  http.set_pre_routing_handler([&http, &in_flight, max_body](const Request& req, Response& res) {
    RequestLogState& log = CurrentRequestForLogging();
    log = RequestLogState{true, NewRequestId(), std::chrono::steady_clock::now(), "", false};
    in_flight.fetch_add(1, std::memory_order_relaxed);
    res.set_header("X-Request-Id", log.id);
    const RouteTable::Route* route = http.routes().Find(req.path);
    if (route != nullptr) log.route = route->pattern;
    // A page on another origin can read the refusals of a route it may call.
    auto refuse = [&](int status, std::string_view message) {
      if (route != nullptr && route->any_origin) AllowAnyOrigin(res);
      return Refuse(req, res, status, message);
    };

    if (!IsKnownMethod(req.method)) {
      return refuse(405, fmt::format("The method {} is not supported.", req.method));
    }
    if (req.has_header("Transfer-Encoding")) {
      return refuse(411, "Send the request body with a Content-Length header; chunked bodies are not accepted.");
    }
    const std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && !EqualsNoCase(encoding, "identity")) {
      return refuse(415, "Send the request body uncompressed; Content-Encoding is not accepted.");
    }
    if (ContentLength(req) > max_body) return HandlerResponse::Unhandled;  // httplib: 413, body skipped
    if (!req.has_header("Content-Length") && IsBodyMethod(req.method) && req.method != "DELETE") {
      // No length and no Transfer-Encoding means no body (RFC 9112 6.3);
      // httplib 0.11 would instead read until the client closes.
      const_cast<Request&>(req).set_header("Content-Length", "0");
    }
    if (route != nullptr && !Allows(*route, req.method)) {
      if (req.method == "OPTIONS") {
        log.rejected = true;
        if (route->any_origin) {
          AnswerPreflight(*route, res);  // what a browser asks before a cross-origin POST
        } else {
          res.set_header("Allow", RouteTable::AllowHeader(*route));
          res.status = 204;
        }
        return HandlerResponse::Handled;
      }
      res.set_header("Allow", RouteTable::AllowHeader(*route));
      return refuse(405, fmt::format("{} is not allowed here; use {}.", req.method, RouteTable::AllowHeader(*route)));
    }
    return HandlerResponse::Unhandled;
  });

  // The drain for refused requests that carry a body.
  auto drain = [max_body](const Request&, Response& res, const httplib::ContentReader& read) {
    if (!CurrentRequestForLogging().rejected) {
      ReplyError(res, 404, "No such endpoint. The API is described at /v1/openapi.json.");
      return;
    }
    size_t total = 0;
    read([&total, max_body](const char*, size_t n) {
      total += n;
      return total <= max_body;
    });
    const Refusal& refusal = CurrentRefusal();
    ReplyJson(res, refusal.status, refusal.body);
  };
  const std::string reject_regex = PatternToRegex(kRejectPath);
  http.Post(reject_regex, drain);
  http.Put(reject_regex, drain);
  http.Patch(reject_regex, drain);
  http.Delete(reject_regex, drain);

  http.set_error_handler(httplib::Server::HandlerWithResponse([&http, max_body, &stopping](const Request& req,
                                                                                             Response& res) {
    // httplib's Request is a non-const local of its request loop (see Refuse).
    auto& mutable_req = const_cast<Request&>(req);
    // An error reply goes out whole: httplib would cut its body to the
    // request's Range, and a client would get part of a JSON error with the
    // error's status. (RFC 9110 14.2: a Range applies to a 200 only.)
    mutable_req.ranges.clear();
    const bool refused_before_routing = !CurrentRequestForLogging().active;
    const bool own_reply = !res.body.empty();  // a handler's own error reply
    // httplib's own refusals (413) on a route open to any origin are readable by the page too.
    if (!refused_before_routing && !res.has_header("Access-Control-Allow-Origin")) {
      const RouteTable::Route* route = http.routes().Find(req.path);
      if (route != nullptr && route->any_origin) AllowAnyOrigin(res);
    }
    if (!own_reply) {
      std::string message;
      switch (res.status) {
        case 400: message = "The request could not be read as HTTP."; break;
        case 404: message = "No such endpoint. The API is described at /v1/openapi.json."; break;
        case 405: message = "This method is not allowed here."; break;
        case 413: message = fmt::format("The request body is larger than {} bytes.", max_body); break;
        case 414: message = "The request line is too long."; break;
        case 415: message = "The request body's encoding is not supported."; break;
        case 503: message = "The service is unavailable; try again later."; break;
        default:
          message = res.status >= 500 ? "Internal error." : "The request was refused.";
          break;
      }
      ReplyError(res, res.status, message);
    }
    if (refused_before_routing) CloseAfterReply(mutable_req, res, stopping.load());
    return own_reply ? HandlerResponse::Unhandled : HandlerResponse::Handled;
  }));

  http.set_exception_handler([](const Request&, Response& res, std::exception_ptr ep) {
    std::string type = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      type = typeid(e).name();  // never what(): it may quote the request
    } catch (...) {
    }
    LogLine(fmt::format("{} internal error: exception {}", CurrentRequestForLogging().id, type));
    res.headers.erase("Content-Type");
    ReplyError(res, 500, "Internal error.");
  });

  http.set_post_routing_handler([&stopping](const Request&, Response& res) {
    if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (res.status == 204 || res.status == 304) res.headers.erase("Content-Length");  // RFC 9110 8.6
    if (stopping.load(std::memory_order_relaxed)) {
      // The worker leaves the connection after this reply: say so.
      res.headers.erase("Keep-Alive");
      res.headers.erase("Connection");
      res.set_header("Connection", "close");
    }
  });

  http.set_logger([&in_flight](const Request& req, const Response& res) {
    RequestLogState& log = CurrentRequestForLogging();
    std::string route = log.route;
    if (route.empty() && log.active && !log.rejected) route = MatchedPattern(req);
    if (route.empty()) route = "-";
    const std::string method = IsKnownMethod(req.method) ? req.method : "-";
    if (log.active) {
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - log.start).count();
      LogLine(fmt::format("{} {} {} {} {:.2f}ms", log.id, method, route, res.status, ms));
      in_flight.fetch_sub(1, std::memory_order_relaxed);
    } else {
      // Refused before routing (malformed request line, Expect: 100-continue).
      LogLine(fmt::format("- {} - {} -", method, res.status));
    }
    log = RequestLogState{};
  });
}

void ConfigureServer(HttpServer& http, const ServeOptions& o) {
  const int threads = o.limits.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_read_timeout(o.limits.read_timeout_seconds, 0);
  http.set_write_timeout(o.limits.write_timeout_seconds, 0);
  http.set_keep_alive_timeout(o.keep_alive_seconds);
  http.set_keep_alive_max_count(1000);
  http.set_payload_max_length(o.limits.max_body_bytes);
  // Replies go out as two writes (headers, body): without TCP_NODELAY,
  // Nagle's algorithm and delayed ACKs stall keep-alive clients ~40 ms.
  http.set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT, which lets a second server bind the
  // same port silently; SO_REUSEADDR alone allows a quick restart only.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http.set_test_hooks_for_testing(o.test_hooks_for_testing);
}


// A connection whose client sent `in` and then nothing more: reads come from
// `in`, writes go to `out`. is_readable() is whether unread bytes remain.
class StringStream : public httplib::Stream {
 public:
  explicit StringStream(std::string_view in) : in_(in) {}

  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    if (n > 0) std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);  // 0 at the end: the client is done
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

  std::string TakeOutput() { return std::move(out_); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string out_;
};

}  // namespace

App::App(const ServeOptions& options, std::shared_ptr<const KnowledgeBase> kb, Store* store, const Clock* clock)
    : clock_(clock) {
  ConfigureServer(http_, options);
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
    InstallHygiene(http_, ctx_.limits, stopping_, in_flight_);
    RegisterApiRoutes(http_, ctx_);
    RegisterWebRoutes(http_, ctx_);
    RegisterFhirRoutes(http_, ctx_);
    RegisterCdsRoutes(http_, ctx_);
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
  return Status::Ok();
}

std::string App::HandleRawForTesting(std::string_view bytes) {
  StringStream stream(bytes);
  http_.ServeStreamForTesting(stream);
  return stream.TakeOutput();
}

void App::SetStoreForTesting(Store* store) {
  auto episodes = std::make_unique<Episodes>(ctx_.kb, store, clock_);
  ctx_.store = store;
  ctx_.episodes = episodes.get();
  episodes_ = std::move(episodes);
}

}  // namespace norotriage::server
