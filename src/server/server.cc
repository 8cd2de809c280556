// Serve: the listening socket, the hygiene every route shares, and shutdown.
//
// How httplib 0.11 behaves, and what this file does about it:
//   - Server::stop() closes the listening socket. The accept loop then ends,
//     and ThreadPool::shutdown() joins the workers once their queue is empty,
//     so listen_after_bind() returns only after every connection a worker
//     had taken is finished: requests in flight complete. A worker leaves a
//     keep-alive connection after its current request (it checks the closed
//     listening socket between requests), but may first wait up to the
//     keep-alive timeout for a next request on an idle one.
//   - stop() does nothing before the accept loop has started, and must not
//     be called twice (it asserts). A dedicated thread takes the signals
//     with sigtimedwait (no work in a signal handler) and calls stop() once,
//     when is_running().
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
#include "server/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <typeinfo>

#include <fmt/format.h>

#include "norotriage/episode.h"
#include "norotriage/store.h"
#include "server/http_util.h"
#include "server/reconnecting_store.h"

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

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
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

// The state Serve shares with the handlers and the signal thread.
struct Shared {
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
};

void InstallHygiene(HttpServer& http, const ServerLimits& limits, Shared& shared) {
  const size_t max_body = limits.max_body_bytes;

  http.set_expect_100_continue_handler([max_body](const Request& req, Response& res) {
    if (ContentLength(req) <= max_body) return 100;
    res.status = 413;  // httplib writes res as the final reply
    return 413;
  });

  http.set_pre_routing_handler([&http, &shared, max_body](const Request& req, Response& res) {
    RequestLogState& log = CurrentRequestForLogging();
    log = RequestLogState{true, NewRequestId(), std::chrono::steady_clock::now(), "", false};
    shared.in_flight.fetch_add(1, std::memory_order_relaxed);
    res.set_header("X-Request-Id", log.id);
    const RouteTable::Route* route = http.routes().Find(req.path);
    if (route != nullptr) log.route = route->pattern;

    if (!IsKnownMethod(req.method)) {
      return Refuse(req, res, 405, fmt::format("The method {} is not supported.", req.method));
    }
    if (req.has_header("Transfer-Encoding")) {
      return Refuse(req, res, 411,
                    "Send the request body with a Content-Length header; chunked bodies are not accepted.");
    }
    const std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && !EqualsNoCase(encoding, "identity")) {
      return Refuse(req, res, 415, "Send the request body uncompressed; Content-Encoding is not accepted.");
    }
    if (ContentLength(req) > max_body) return HandlerResponse::Unhandled;  // httplib: 413, body skipped
    if (!req.has_header("Content-Length") && IsBodyMethod(req.method) && req.method != "DELETE") {
      // No length and no Transfer-Encoding means no body (RFC 9112 6.3);
      // httplib 0.11 would instead read until the client closes.
      const_cast<Request&>(req).set_header("Content-Length", "0");
    }
    if (route != nullptr && !Allows(*route, req.method)) {
      res.set_header("Allow", RouteTable::AllowHeader(*route));
      if (req.method == "OPTIONS") {
        log.rejected = true;
        res.status = 204;
        return HandlerResponse::Handled;
      }
      return Refuse(req, res, 405,
                    fmt::format("{} is not allowed here; use {}.", req.method, RouteTable::AllowHeader(*route)));
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

  http.set_error_handler(httplib::Server::HandlerWithResponse([max_body](const Request&, Response& res) {
    if (!res.body.empty()) return HandlerResponse::Unhandled;  // the handler's own reply
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
    return HandlerResponse::Handled;
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

  http.set_post_routing_handler([&shared](const Request&, Response& res) {
    if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (res.status == 204 || res.status == 304) res.headers.erase("Content-Length");  // RFC 9110 8.6
    if (shared.stopping.load(std::memory_order_relaxed)) {
      // The worker leaves the connection after this reply: say so.
      res.headers.erase("Keep-Alive");
      res.headers.erase("Connection");
      res.set_header("Connection", "close");
    }
  });

  http.set_logger([&shared](const Request& req, const Response& res) {
    RequestLogState& log = CurrentRequestForLogging();
    std::string route = log.route;
    if (route.empty() && log.active && !log.rejected) route = MatchedPattern(req);
    if (route.empty()) route = "-";
    const std::string method = IsKnownMethod(req.method) ? req.method : "-";
    if (log.active) {
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - log.start).count();
      LogLine(fmt::format("{} {} {} {} {:.2f}ms", log.id, method, route, res.status, ms));
      shared.in_flight.fetch_sub(1, std::memory_order_relaxed);
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

bool IsPostgresUrl(std::string_view url) {
  auto starts = [&](std::string_view p) {
    return url.size() >= p.size() && EqualsNoCase(url.substr(0, p.size()), p);
  };
  return starts("postgresql://") || starts("postgres://");
}

// Opens the store; a PostgreSQL store that cannot be reached yet is opened later.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  auto opened = Store::Open(url);
  if (opened.ok()) return std::move(opened).value();
  if (IsPostgresUrl(url) && opened.status().code() == Status::Code::kUnavailable) {
    LogLine(fmt::format("store unavailable: {}; serving anyway, episode endpoints answer 503 until it can be reached",
                        opened.status().message()));
    return std::unique_ptr<Store>(std::make_unique<ReconnectingStore>(url, opened.status()));
  }
  return opened.status();
}

std::string HostForUrl(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// Takes SIGINT/SIGTERM and stops `http`; see the file comment.
void WaitForSignals(HttpServer& http, const sigset_t& signals, Shared& shared, const std::atomic<bool>& done,
                    int shutdown_timeout_seconds) {
  bool stop_called = false;
  std::chrono::steady_clock::time_point deadline;
  while (!done.load()) {
    timespec tick{0, 50 * 1000 * 1000};
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (done.load()) return;
    if (sig > 0) {
      if (shared.stopping.exchange(true)) {
        LogLine(fmt::format("second signal {}: exiting now", sig));
        std::_Exit(128 + sig);
      }
      LogLine(fmt::format("signal {}: stopping; finishing {} request(s) in flight", sig,
                          shared.in_flight.load()));
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(shutdown_timeout_seconds);
    }
    if (!shared.stopping.load()) continue;
    if (!stop_called && http.is_running()) {
      http.stop();
      stop_called = true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      LogLine(fmt::format("{} request(s) still running after {} s: exiting now", shared.in_flight.load(),
                          shutdown_timeout_seconds));
      std::_Exit(kServeForcedExit);
    }
  }
}

}  // namespace

int Serve(const ServeOptions& o, std::shared_ptr<const KnowledgeBase> kb) {
  // Block the signals before any thread exists: every thread inherits the
  // mask, and only the signal thread takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  signal(SIGINT, SIG_DFL);  // an inherited SIG_IGN would drop them before sigtimedwait
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the process
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string url = o.db.empty() ? DefaultDatabasePath() : o.db;
  auto store = OpenStore(url);
  if (!store.ok()) {
    fmt::print(stderr, "error: {}\n", store.status().message());
    return store.status().code() == Status::Code::kUnavailable ? kServeUnavailable : kServeSoftware;
  }
  SystemClock clock;
  Episodes episodes(kb, store->get(), &clock);

  HttpServer http;
  ConfigureServer(http, o);
  const int port = o.port == 0 ? http.bind_to_any_port(o.host) : (http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port <= 0) {
    fmt::print(stderr, "error: cannot listen on {}:{} (is the address valid and the port free?)\n", o.host, o.port);
    return kServeUnavailable;
  }
  http.SetListenBacklog(SOMAXCONN);
  const std::string listen_url = fmt::format("http://{}:{}", HostForUrl(o.host), port);

  ServerContext ctx;
  ctx.kb = kb;
  ctx.store = store->get();
  ctx.episodes = &episodes;
  ctx.clock = &clock;
  ctx.limits = o.limits;
  ctx.base_url = o.public_url.empty() ? listen_url : o.public_url;
  while (!ctx.base_url.empty() && ctx.base_url.back() == '/') ctx.base_url.pop_back();

  Shared shared;
  try {
    InstallHygiene(http, o.limits, shared);
    RegisterApiRoutes(http, ctx);
    RegisterWebRoutes(http, ctx);
    RegisterFhirRoutes(http, ctx);
    RegisterCdsRoutes(http, ctx);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: registering the routes failed: {}\n", e.what());
    return kServeSoftware;
  }

  LogLine(fmt::format("norotriage {} (knowledge base {}), store {}, {} threads", NOROTRIAGE_VERSION, kb->version(),
                      ctx.store->backend(), o.limits.threads));
  std::fputs(fmt::format("norotriage listening on {}\n", listen_url).c_str(), stdout);
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread signal_thread(
      [&] { WaitForSignals(http, signals, shared, done, o.shutdown_timeout_seconds); });
  bool ok = false;
  try {
    ok = http.listen_after_bind();
  } catch (const std::exception& e) {
    LogLine(fmt::format("error: the server failed: exception {}", typeid(e).name()));
  }
  done = true;
  signal_thread.join();
  if (!ok) {
    LogLine("error: accepting connections failed");
    return kServeSoftware;
  }
  LogLine("stopped");
  return kServeOk;
}

}  // namespace norotriage::server
