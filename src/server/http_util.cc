#include "server/http_util.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>

#include <fmt/format.h>

#include "util/json_writer.h"

namespace norotriage::server {
namespace {

bool IsIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// The JSON path a Status message starts with ("$.findings.x: …",
// "date: …"), or "" when it starts with none.
std::pair<std::string, std::string> SplitPath(const std::string& message) {
  const size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return {"", message};
  const std::string head = message.substr(0, colon);
  if (head[0] == '$') return {head, message.substr(colon + 2)};
  if (std::all_of(head.begin(), head.end(), IsIdentifierChar)) {
    return {"$." + head, message.substr(colon + 2)};
  }
  return {"", message};
}

// Applies the test-only request headers. REQUIRES: test hooks are on.
void ApplyTestHooks(const httplib::Request& req) {
  const std::string delay = req.get_header_value("X-Delay-Ms-For-Testing");
  if (!delay.empty()) {
    long ms = std::strtol(delay.c_str(), nullptr, 10);
    ms = std::clamp(ms, 0L, 30000L);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  if (req.get_header_value("X-Fail-For-Testing") == "throw") {
    throw std::runtime_error("X-Fail-For-Testing");
  }
}

void ReplyInternalError(httplib::Response& res) {
  res.headers.erase("Content-Type");
  ReplyError(res, 500,
             fmt::format("Internal error. If it persists, report request id {}.",
                         CurrentRequestForLogging().id));
}

}  // namespace

std::string_view ErrorCodeFor(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 411: return "length_required";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 416: return "range_not_satisfiable";
    case 409: return "conflict";
    case 429: return "too_many_requests";
    case 503: return "unavailable";
    case 507: return "insufficient_storage";
    default: return status >= 400 && status < 500 ? "bad_request" : "internal";
  }
}

std::string ErrorJson(std::string_view code, std::string_view message, std::string_view path) {
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("error");
  w.BeginObject();
  w.Key("code");
  w.String(code);
  if (!path.empty()) {
    w.Key("path");
    w.String(path);
  }
  w.Key("message");
  w.String(message);
  w.EndObject();
  w.EndObject();
  return out;
}

void ReplyJson(httplib::Response& res, int status, std::string json) {
  res.status = status;
  res.body = std::move(json);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", kJsonContentType);
}

void ReplyError(httplib::Response& res, int status, std::string_view message, std::string_view path) {
  ReplyJson(res, status, ErrorJson(ErrorCodeFor(status), message, path));
}

void ReplyStatus(httplib::Response& res, const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalidArgument: {
      auto [path, message] = SplitPath(s.message());
      ReplyError(res, 400, message, path);
      return;
    }
    case Status::Code::kNotFound:
      ReplyError(res, 404, "Not found.");
      return;
    case Status::Code::kFailedPrecondition:
      ReplyError(res, 409, s.message());
      return;
    case Status::Code::kUnavailable:
      // The store's own words (e.g. "the database is read-only") go to the
      // operator's log only: they may name files or hosts.
      LogLine(fmt::format("{} store unavailable: {}", CurrentRequestForLogging().id, s.message()));
      ReplyError(res, 503, "The episode store is unavailable; try again later.");
      return;
    case Status::Code::kResourceExhausted:
      LogLine(fmt::format("{} store out of space: {}", CurrentRequestForLogging().id, s.message()));
      ReplyError(res, 507, "The episode store is out of space; try again later.");
      return;
    default:
      LogLine(fmt::format("{} internal error: {} status", CurrentRequestForLogging().id,
                          s.code() == Status::Code::kCorruption ? "corruption" : "internal"));
      ReplyInternalError(res);
      return;
  }
}

bool CheckBodySize(const httplib::Request& req, httplib::Response& res, size_t max_bytes) {
  if (req.body.size() <= max_bytes) return true;
  ReplyError(res, 413, fmt::format("The request body is larger than {} bytes.", max_bytes));
  return false;
}

RequestLogState& CurrentRequestForLogging() {
  thread_local RequestLogState state;
  return state;
}

namespace {
std::atomic<bool> log_lines_enabled{true};
}  // namespace

void SetLogLinesEnabledForTesting(bool on) { log_lines_enabled.store(on); }

void LogLine(std::string_view text) {
  if (!log_lines_enabled.load(std::memory_order_relaxed)) return;
  using std::chrono::system_clock;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line = fmt::format("{}.{:03d}Z {}\n", stamp, static_cast<int>(ms), text);
  // One write(2): lines from several threads never interleave.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// --- Routes ------------------------------------------------------------------

std::string PatternToRegex(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '{') {
      const size_t end = pattern.find('}', i);
      if (end != std::string_view::npos) {
        out += "([^/]+)";
        i = end;
        continue;
      }
    }
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

void RouteTable::Add(std::string_view method, std::string_view pattern, bool any_origin) {
  for (Route& r : routes_) {
    if (r.pattern == pattern) {
      r.methods.emplace_back(method);
      r.any_origin = r.any_origin || any_origin;
      return;
    }
  }
  const size_t brace = pattern.find('{');
  routes_.push_back(Route{std::string(pattern), std::regex(PatternToRegex(pattern)), {std::string(method)},
                          std::string(pattern.substr(0, brace)), brace == std::string_view::npos, any_origin});
}

const RouteTable::Route* RouteTable::Find(const std::string& path) const {
  for (const Route& r : routes_) {
    if (r.literal ? path == r.pattern
                  : path.compare(0, r.prefix.size(), r.prefix) == 0 && std::regex_match(path, r.regex)) {
      return &r;
    }
  }
  return nullptr;
}

std::string RouteTable::AllowHeader(const Route& route) {
  std::string out;
  for (const std::string& m : route.methods) {
    out += (out.empty() ? "" : ", ") + m;
    if (m == "GET") out += ", HEAD";
  }
  return out;
}

bool HttpServer::SetListenBacklog(int backlog) {
  const socket_t sock = svr_sock_;
  if (sock == INVALID_SOCKET) return false;
  // Calling listen(2) again on a listening socket only changes its backlog.
  return ::listen(sock, backlog) == 0;
}

void HttpServer::ServeStreamForTesting(httplib::Stream& strm) {
  // httplib writes a content provider's body only while svr_sock_ is valid
  // (it takes an invalid one for "shutting down"): a placeholder descriptor,
  // never used as a socket, stands in for the listening socket meanwhile.
  const int placeholder = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  svr_sock_ = placeholder;
  // As httplib's loop for a socket (process_server_socket_core), with
  // "bytes remain" in place of "readable before the keep-alive timeout".
  for (size_t left = keep_alive_max_count_; left > 0 && strm.is_readable(); --left) {
    bool connection_closed = false;
    if (!process_request(strm, /*close_connection=*/left == 1, connection_closed, nullptr)) break;
    if (connection_closed) break;
  }
  svr_sock_ = INVALID_SOCKET;
  if (placeholder >= 0) ::close(placeholder);
}

void AddRoute(httplib::Server& http, std::string_view method, std::string_view pattern,
              httplib::Server::Handler handler, RouteOptions options) {
  auto* server = dynamic_cast<HttpServer*>(&http);
  if (server != nullptr) server->routes().Add(method, pattern, options.any_origin);
  auto wrapped = [server, handler = std::move(handler), options](const httplib::Request& req,
                                                                  httplib::Response& res) {
    if (options.any_origin) AllowAnyOrigin(res);  // set first: a reply may be an exception's 500
    try {
      if (server != nullptr && server->test_hooks_for_testing()) ApplyTestHooks(req);
      handler(req, res);
    } catch (const std::exception& e) {
      // The type, never what(): a message may quote the request.
      LogLine(fmt::format("{} internal error: exception {}", CurrentRequestForLogging().id, typeid(e).name()));
      ReplyInternalError(res);
    } catch (...) {
      LogLine(fmt::format("{} internal error: unknown exception", CurrentRequestForLogging().id));
      ReplyInternalError(res);
    }
  };
  const std::string regex = PatternToRegex(pattern);
  if (method == "GET") {
    http.Get(regex, std::move(wrapped));
  } else if (method == "POST") {
    http.Post(regex, std::move(wrapped));
  } else if (method == "PUT") {
    http.Put(regex, std::move(wrapped));
  } else if (method == "PATCH") {
    http.Patch(regex, std::move(wrapped));
  } else if (method == "DELETE") {
    http.Delete(regex, std::move(wrapped));
  } else {
    throw std::invalid_argument("AddRoute: unsupported method");
  }
}

std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!type.empty() && type.back() == ' ') type.pop_back();
  while (!type.empty() && type.front() == ' ') type.erase(type.begin());
  return type;
}

void AllowAnyOrigin(httplib::Response& res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Expose-Headers", "Content-Type, X-Request-Id");
}

void AnswerPreflight(const RouteTable::Route& route, httplib::Response& res) {
  res.status = 204;
  res.set_header("Allow", RouteTable::AllowHeader(route));
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Allow-Methods", RouteTable::AllowHeader(route));
  res.set_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization");
  res.set_header("Access-Control-Max-Age", "600");
}

std::string BaseUrl(const std::string& configured, const httplib::Request& req) {
  if (!configured.empty()) return configured;
  const std::string host = req.get_header_value("Host");
  const bool plain = !host.empty() && host.size() <= 255 &&
                     std::all_of(host.begin(), host.end(), [](unsigned char c) {
                       return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
                     });
  return plain ? "http://" + host : "";
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

std::string BearerToken(const httplib::Request& req) {
  const std::string value = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size()) return "";
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return "";
  }
  size_t begin = kScheme.size();
  while (begin < value.size() && value[begin] == ' ') ++begin;
  size_t end = value.size();
  while (end > begin && value[end - 1] == ' ') --end;
  return value.substr(begin, end - begin);
}

}  // namespace norotriage::server
