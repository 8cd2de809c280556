#include "fhir/fhir_common.h"

#include <chrono>
#include <ctime>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

namespace norotriage::fhir {
namespace {

// The deepest nesting of objects and arrays in `text`, counted outside
// strings, stopping early once it passes `limit`. Malformed text is left for
// the parser to report; this only guards its recursion.
int NestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '{': case '[':
        if (++depth > deepest) deepest = depth;
        if (deepest > limit) return deepest;
        break;
      case '}': case ']': --depth; break;
      default: break;
    }
  }
  return deepest;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

Result<Json, FhirIssue> ParseBoundedJson(std::string_view text, std::string_view root) {
  auto issue = [&](std::string message) {
    return FhirIssue{400, "invalid", std::string(root), std::move(message)};
  };
  if (text.size() > kMaxInputBytes) {
    return issue(fmt::format("the body is larger than {} bytes", kMaxInputBytes));
  }
  if (NestingDepth(text, kMaxInputDepth) > kMaxInputDepth) {
    return issue(fmt::format("the JSON is nested more than {} levels deep", kMaxInputDepth));
  }
  // FHIR JSON forbids repeated keys; nlohmann would silently keep the last
  // one, which could turn a "yes" into a "no". Track the keys of each open
  // object and remember the first repeat.
  std::vector<std::unordered_set<std::string>> open_objects;
  std::string duplicate;
  auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case Json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string() &&
            !open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default: break;
    }
    return true;
  };
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                      /*ignore_comments=*/false);
  } catch (const Json::exception& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 7: …".
    std::string what = e.what();
    if (size_t pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    return issue("malformed JSON: " + what);
  }
  if (!duplicate.empty()) {
    return issue(fmt::format("the key \"{}\" is given twice in one object",
                             TruncateChars(duplicate, 64)));
  }
  return doc;
}

std::string Dump(const OrderedJson& doc) {
  return doc.dump(-1, ' ', /*ensure_ascii=*/false, OrderedJson::error_handler_t::replace);
}

std::string OperationOutcomeJson(const FhirIssue& issue) {
  OrderedJson entry = {{"severity", "error"}, {"code", issue.code},
                       {"diagnostics", issue.message}};
  if (!issue.expression.empty()) entry["expression"] = OrderedJson::array({issue.expression});
  OrderedJson oo = {{"resourceType", "OperationOutcome"},
                    {"issue", OrderedJson::array({std::move(entry)})}};
  return Dump(oo);
}

std::string UuidFromSeed(uint64_t seed, uint64_t n) {
  uint64_t hi = SplitMix64(seed ^ SplitMix64(n));
  uint64_t lo = SplitMix64(hi ^ (n + 0x632be59bd9b4e019ULL));
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::string FhirInstantNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

uint64_t RandomIdSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

size_t CountChars(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += !IsContinuation(static_cast<unsigned char>(c));
  return n;
}

std::string TruncateChars(std::string_view text, size_t max_chars) {
  if (CountChars(text) <= max_chars) return std::string(text);
  // Keep max_chars - 1 code points and add the ellipsis.
  size_t kept = 0, end = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsContinuation(static_cast<unsigned char>(text[i]))) {
      if (kept == max_chars - 1) break;
      ++kept;
    }
    end = i + 1;
  }
  std::string out(text.substr(0, end));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

std::string QuestionnaireUrl(std::string_view base_url) {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return fmt::format("{}/fhir/Questionnaire/{}", base, kQuestionnaireId);
}

}  // namespace norotriage::fhir
