#include "server/http_util.h"

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

void ReplyInternalError(HttpResponse& res) {
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
    case 431: return "request_header_fields_too_large";
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

void ReplyJson(HttpResponse& res, int status, std::string json) {
  res.status = status;
  res.set_content(std::move(json), kJsonContentType);
}

void ReplyError(HttpResponse& res, int status, std::string_view message, std::string_view path) {
  ReplyJson(res, status, ErrorJson(ErrorCodeFor(status), message, path));
}

void ReplyStatus(HttpResponse& res, const Status& s) {
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
    case Status::Code::kAlreadyExists:
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
  // The stamp up to the second changes once a second: each thread formats
  // it then, not for every line (strftime was a tenth of a request's work).
  thread_local std::time_t stamp_secs = -1;
  thread_local char stamp[32];
  thread_local size_t stamp_size = 0;
  if (secs != stamp_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    stamp_size = std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    stamp_secs = secs;
  }
  thread_local std::string line;
  line.assign(stamp, stamp_size);
  const int m = static_cast<int>(ms);
  const char millis[] = {'.', static_cast<char>('0' + m / 100), static_cast<char>('0' + m / 10 % 10),
                         static_cast<char>('0' + m % 10), 'Z', ' '};
  line.append(millis, sizeof(millis));
  line.append(text);
  line += '\n';
  // One write(2): lines from several threads never interleave.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (line.capacity() > 4096) std::string().swap(line);  // a rare long line is not kept
}

void AddRoute(Router& router, std::string_view method, std::string_view pattern, HttpHandler handler,
              RouteOptions options) {
  auto wrapped = [handler = std::move(handler), options](const HttpRequest& req, HttpResponse& res) {
    if (options.any_origin) AllowAnyOrigin(res);  // set first: a reply may be an exception's 500
    try {
      if (CurrentRequestForLogging().throw_for_testing) throw std::runtime_error("X-Fail-For-Testing");
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
  router.Add(method, pattern, std::move(wrapped), options);
}

std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!type.empty() && type.back() == ' ') type.pop_back();
  while (!type.empty() && type.front() == ' ') type.erase(type.begin());
  return type;
}

void AllowAnyOrigin(HttpResponse& res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Expose-Headers", "Content-Type, X-Request-Id");
}

void AnswerPreflight(const Router::Route& route, HttpResponse& res) {
  res.status = 204;
  res.set_header("Allow", Router::AllowHeader(route));
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Allow-Methods", Router::AllowHeader(route));
  res.set_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization");
  res.set_header("Access-Control-Max-Age", "600");
}

std::string BaseUrl(const std::string& configured, const HttpRequest& req) {
  if (!configured.empty()) return configured;
  const std::string host = req.get_header_value("Host");
  const bool plain = !host.empty() && host.size() <= 255 &&
                     std::all_of(host.begin(), host.end(), [](unsigned char c) {
                       return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
                     });
  return plain ? "http://" + host : "";
}

std::string BearerToken(const HttpRequest& req) {
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
