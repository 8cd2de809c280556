// The HTTP fuzz target: raw bytes from a client, as one connection, through
// the whole application of `norotriage serve` (server::App: hygiene, the
// API, web, FHIR and CDS routes) in process, with no socket. Kept apart
// from targets.h because it needs the server library. It runs the same
// request reader (Beast's parser and the limits), router and handlers as
// the event loop; only the sockets are left out.
//
// Each input gets a fresh in-memory SQLite store holding one known episode
// (kEpisodeId, token kEpisodeToken, onset kOnset), so that inputs can reach
// the authorised episode endpoints and a run can be replayed exactly. The
// clock is fixed at kToday.
//
// Invariants checked on every input (a violation traps, which libFuzzer
// reports as a crash): the output is empty or a sequence of whole HTTP/1.1
// responses, each framed by its Content-Length; every status is in
// 100..599 and never 500 (a 500 is a handler that threw or failed); every
// JSON body parses (unless compressed or a 206 part), and every JSON error
// is {"error": {"code", "message"}} or a FHIR OperationOutcome; a request
// refused before routing (an error without X-Request-Id) closes the
// connection, and no reply follows one that says "Connection: close".
#ifndef NOROTRIAGE_FUZZ_HTTP_TARGET_H_
#define NOROTRIAGE_FUZZ_HTTP_TARGET_H_

#include <cctype>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "norotriage/engine.h"
#include "norotriage/episode.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/store.h"
#include "server/access_token.h"
#include "server/app.h"
#include "server/http_util.h"

namespace norotriage::fuzz {

inline constexpr char kEpisodeId[] = "0123456789abcdef0123456789abcdef";
inline constexpr char kEpisodeToken[] = "f00df00df00df00df00df00df00df00df00df00df00df00df00df00df00df00d";
inline constexpr char kOnset[] = "2025-03-01";
inline constexpr char kToday[] = "2025-03-04";
inline constexpr size_t kMaxHttpInput = 1 << 17;  // two bodies over the 64 KiB limit

// The process-wide application; stores are swapped per input.
class HttpHarness {
 public:
  HttpHarness()
      : kb_(KnowledgeBase::LoadBuiltin().value()), clock_(kToday), store_(NewStore(*kb_)),
        app_(server::ServeOptions{}, kb_, store_.get(), &clock_) {
    if (!app_.Install("http://fuzz.invalid/").ok()) std::abort();
  }

  // The bytes the application writes in reply to `data`, from a fresh store.
  std::string Run(std::string_view data) {
    std::unique_ptr<Store> fresh = NewStore(*kb_);
    app_.SetStoreForTesting(fresh.get());
    store_ = std::move(fresh);  // after the swap: the old Episodes went first
    return app_.HandleRawForTesting(data);
  }

 private:
  static std::unique_ptr<Store> NewStore(const KnowledgeBase& kb) {
    auto store = Store::Open(":memory:");
    if (!store.ok()) std::abort();
    auto stable = ParseRequest(kb, R"({"findings": {"age_years": 34, "weight_kg": 70}})",
                               ParseOptions{.require_age = false});
    if (!stable.ok()) std::abort();
    EpisodeRecord e;
    e.id = kEpisodeId;
    e.onset_date = kOnset;
    e.stable_json = ToJson(kb, stable.value());
    e.token_hash = server::AccessTokenHash(kEpisodeToken);
    e.created_at = "2025-03-01T08:00:00Z";
    if (!store.value()->CreateEpisode(e).ok()) std::abort();
    return std::move(store).value();
  }

  std::shared_ptr<const KnowledgeBase> kb_;
  FixedClock clock_;
  std::unique_ptr<Store> store_;
  server::App app_;
};

inline HttpHarness& Harness() {
  static HttpHarness* harness = [] {
    server::SetLogLinesEnabledForTesting(false);
    return new HttpHarness;  // never destroyed: no teardown order to get wrong at exit
  }();
  return *harness;
}

inline bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

inline bool IsErrorShape(const nlohmann::json& j) {
  if (!j.is_object()) return false;
  if (j.contains("resourceType")) return j["resourceType"] == "OperationOutcome";
  if (!j.contains("error") || !j["error"].is_object()) return false;
  const auto& e = j["error"];
  return e.contains("code") && e["code"].is_string() && e.contains("message") && e["message"].is_string();
}

// Checks the invariants of the file comment on `out`; traps on a violation.
inline void CheckResponses(std::string_view out) {
  constexpr std::string_view kStatusLine = "HTTP/1.1 ";
  size_t pos = 0;
  while (pos < out.size()) {
    if (out.substr(pos, kStatusLine.size()) != kStatusLine) __builtin_trap();
    const std::string_view code = out.substr(pos + kStatusLine.size(), 3);
    if (code.size() != 3 || !std::isdigit(static_cast<unsigned char>(code[0])) ||
        !std::isdigit(static_cast<unsigned char>(code[1])) || !std::isdigit(static_cast<unsigned char>(code[2]))) {
      __builtin_trap();
    }
    const int status = std::atoi(std::string(code).c_str());
    if (status < 100 || status > 599) __builtin_trap();
    if (status == 500) __builtin_trap();  // a handler threw or failed
    const size_t head_end = out.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) __builtin_trap();
    size_t length = 0;
    bool has_length = false, closes = false, has_request_id = false, encoded = false;
    std::string_view type;
    for (size_t line = out.find("\r\n", pos) + 2; line < head_end + 2;) {
      const size_t eol = out.find("\r\n", line);
      const std::string_view h = out.substr(line, eol - line);
      if (StartsWithNoCase(h, "Content-Length: ")) {
        const std::string v(h.substr(16));
        if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) __builtin_trap();
        length = std::strtoull(v.c_str(), nullptr, 10);
        has_length = true;
      } else if (StartsWithNoCase(h, "Content-Type: ")) {
        type = h.substr(14);
      } else if (StartsWithNoCase(h, "Connection: close")) {
        closes = true;
      } else if (StartsWithNoCase(h, "X-Request-Id: ")) {
        has_request_id = true;
      } else if (StartsWithNoCase(h, "Content-Encoding: ")) {
        encoded = true;  // compressed for an Accept-Encoding
      } else if (StartsWithNoCase(h, "Transfer-Encoding:")) {
        __builtin_trap();  // the service never streams a reply
      }
      line = eol + 2;
    }
    const size_t body = head_end + 4;
    if (status < 200) {  // 100 Continue: a status line alone, the reply follows
      pos = body;
      continue;
    }
    // A reply to HEAD carries the Content-Length of the GET but no body.
    if (has_length && (body == out.size() || out.substr(body, kStatusLine.size()) == kStatusLine)) length = 0;
    if (length > out.size() - body) __builtin_trap();
    const std::string_view content = out.substr(body, length);
    if (!content.empty() && !encoded && status != 206 && type.find("json") != std::string_view::npos) {
      const auto j = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) __builtin_trap();
      if (status >= 400 && !IsErrorShape(j)) __builtin_trap();
    }
    pos = body + length;
    // A request refused before routing (no request id) ends the connection,
    // so that the rest of it is never read as another request; and nothing
    // follows a reply that says the connection closes.
    if (status >= 400 && !has_request_id && !closes) __builtin_trap();
    if (closes && pos != out.size()) __builtin_trap();
  }
}

// One input: the bytes as one client connection, then the checks.
inline void Http(std::string_view data) {
  if (data.size() > kMaxHttpInput) return;
  CheckResponses(Harness().Run(data));
}

}  // namespace norotriage::fuzz

#endif  // NOROTRIAGE_FUZZ_HTTP_TARGET_H_
