// ParseRequest: JSON text -> validated Findings, with JSON-path errors.
//
// simdjson's on-demand parser walks the document once. Every key is checked
// (unknown ids get a "did you mean"), duplicates are rejected, every value is
// type- and range-checked, and the knowledge base's consistency rules reject
// contradictions. Nothing partial is ever returned.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_set>

#include <fmt/format.h>
#include <simdjson.h>

#include "compile/compiled_kb.h"
#include "eval/evaluator.h"
#include "eval/fast_eval.h"
#include "eval/request_state.h"
#include "eval/slot_set.h"
#include "norotriage/engine.h"

namespace norotriage {
namespace {

namespace od = simdjson::ondemand;

constexpr size_t kMaxRequestBytes = 1 << 20;

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

// A printable, bounded rendering of untrusted text for messages. `s` is
// valid UTF-8 (simdjson checks): the cut falls between characters, and
// control characters (C0, DEL, C1) are escaped, so the result is plain text.
std::string Shown(std::string_view s) {
  size_t n = std::min<size_t>(s.size(), 64);
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    unsigned char u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 || u == 0x7f || s[i] == '"' || s[i] == '\\') {
      out += fmt::format("\\x{:02x}", u);
    } else if (u == 0xC2 && i + 1 < n && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[++i]));  // U+0080..U+009F
    } else {
      out += s[i];
    }
  }
  if (n < s.size()) out += "…";
  return out;
}

std::string FindingPath(std::string_view key) {
  return IsIdentifier(key) ? fmt::format("$.findings.{}", key)
                           : fmt::format("$.findings[\"{}\"]", Shown(key));
}

const char* JsonTypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "a list";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "text";
    case od::json_type::boolean: return "true/false";
    case od::json_type::null: return "null";
  }
  return "something else";
}

std::string FormatNumber(double d) { return fmt::format("{}", d); }

std::string ChoiceList(const FindingSpec& f) {
  std::string out;
  for (size_t i = 0; i < f.choices.size(); ++i) out += (i ? ", " : "") + f.choices[i];
  return out;
}

InputError Err(std::string path, std::string msg) { return InputError{std::move(path), std::move(msg)}; }

InputError Malformed(simdjson::error_code e, std::string path = "$") {
  return Err(std::move(path), fmt::format("malformed JSON: {}", simdjson::error_message(e)));
}

// Parses the value of finding `f` (given under `key`) into *out (NaN for
// null). The error path is built only on error: formatting it for every
// finding cost more than the rest of the parse.
std::optional<InputError> ParseValue(const FindingSpec& f, od::value val, std::string_view key,
                                     double* out) {
  od::json_type type;
  if (auto e = val.type().get(type)) return Malformed(e, FindingPath(key));
  if (type == od::json_type::null) {
    // type() says null for any token starting with 'n' ("nan"): is_null() reads it.
    bool is_null = false;
    if (val.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
      return Err(FindingPath(key), "malformed JSON: not a JSON value (null, true, false, a number or text)");
    }
    *out = Findings::kUnknown;
    return std::nullopt;
  }
  switch (f.type) {
    case FindingType::kBool: {
      bool b;
      if (type != od::json_type::boolean) return Err(FindingPath(key), fmt::format("expected true or false, got {}", JsonTypeName(type)));
      if (auto e = val.get_bool().get(b)) return Malformed(e, FindingPath(key));
      *out = b ? 1 : 0;
      return std::nullopt;
    }
    case FindingType::kNumber:
    case FindingType::kInteger: {
      if (type != od::json_type::number) return Err(FindingPath(key), fmt::format("expected a number, got {}", JsonTypeName(type)));
      double d;
      if (auto e = val.get_double().get(d)) {
        return Err(FindingPath(key), fmt::format("is not a number that can be read ({})", simdjson::error_message(e)));
      }
      if (!std::isfinite(d)) return Err(FindingPath(key), "is not a finite number");
      if (f.type == FindingType::kInteger && d != std::floor(d)) {
        return Err(FindingPath(key), fmt::format("{} is not a whole number", FormatNumber(d)));
      }
      if (d < f.min) return Err(FindingPath(key), fmt::format("{} is below the minimum of {}", FormatNumber(d), FormatNumber(f.min)));
      if (d > f.max) return Err(FindingPath(key), fmt::format("{} is above the maximum of {}", FormatNumber(d), FormatNumber(f.max)));
      *out = d;
      return std::nullopt;
    }
    case FindingType::kChoice: {
      if (type != od::json_type::string) {
        return Err(FindingPath(key), fmt::format("expected one of: {}; got {}", ChoiceList(f), JsonTypeName(type)));
      }
      std::string_view s;
      if (auto e = val.get_string().get(s)) return Malformed(e, FindingPath(key));
      for (size_t i = 0; i < f.choices.size(); ++i) {
        if (f.choices[i] == s) {
          *out = static_cast<double>(i);
          return std::nullopt;
        }
      }
      return Err(FindingPath(key), fmt::format("\"{}\" is not one of: {}", Shown(s), ChoiceList(f)));
    }
  }
  return Err(FindingPath(key), "unsupported finding type");
}

std::optional<InputError> ParseFindings(const KnowledgeBase& kb, od::value val, Findings* findings,
                                        std::vector<bool>* declined) {
  // The same answers as kb.FindingIndex, faster: every key of every request.
  const internal::FindingTable& table = internal::FastOf(kb.compiled()).finding_table();
  od::json_type type;
  if (auto e = val.type().get(type)) return Malformed(e, "$.findings");
  if (type != od::json_type::object) {
    return Err("$.findings", fmt::format("expected an object of finding ids and values, got {}", JsonTypeName(type)));
  }
  od::object obj;
  if (auto e = val.get_object().get(obj)) return Malformed(e, "$.findings");
  internal::SlotSet seen;  // findings are fewer than kMaxSlots (the loader's cap)
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return Malformed(e, "$.findings");
    int idx = table.Find(key);
    if (idx < 0) {
      std::string hint = kb.SuggestFinding(key);
      return Err(FindingPath(key), hint.empty() ? fmt::format("unknown finding '{}'", Shown(key))
                                    : fmt::format("unknown finding '{}' (did you mean '{}'?)", Shown(key), hint));
    }
    if (seen.test(idx)) return Err(FindingPath(key), "is given twice");
    seen.set(idx);
    od::value v;
    if (auto e = field.value().get(v)) return Malformed(e, FindingPath(key));
    double d;
    if (auto err = ParseValue(kb.findings()[idx], v, key, &d)) return err;
    if (std::isnan(d)) {
      (*declined)[idx] = true;
    } else {
      findings->set(idx, d);
    }
  }
  return std::nullopt;
}

// Empties *req for the findings of `kb`, keeping its buffers.
void Reset(const KnowledgeBase& kb, Request* req) {
  const size_t n = kb.compiled().findings.size();
  thread_local Findings unknown;  // all unknown: copied into the kept buffer
  if (unknown.size() != n) unknown = Findings(n);
  req->ref.reset();
  req->findings = unknown;
  req->declined.assign(n, false);
}

// The whole request, read by simdjson. REQUIRES: *req is empty (Reset) and
// json.size() <= kMaxRequestBytes.
std::optional<InputError> ParseWithSimdjson(const KnowledgeBase& kb, std::string_view json, Request* req) {
  thread_local od::parser parser;  // not thread-safe: one per thread
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse a padded
  // copy, in a buffer kept per thread rather than allocated per request.
  thread_local std::string padded;
  if (padded.size() < json.size() + simdjson::SIMDJSON_PADDING) padded.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), json.data(), json.size());
  std::memset(padded.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);  // as padded_string has it
  od::document doc;
  if (auto e = parser.iterate(simdjson::padded_string_view(padded.data(), json.size(), padded.size())).get(doc)) {
    return Malformed(e);
  }
  od::json_type type;
  if (auto e = doc.type().get(type)) return Malformed(e);
  if (type != od::json_type::object) {
    return Err("$", fmt::format("expected a JSON object with \"findings\", got {}", JsonTypeName(type)));
  }
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return Malformed(e);
  bool have_findings = false, have_ref = false;
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return Malformed(e);
    od::value v;
    if (auto e = field.value().get(v)) return Malformed(e);
    if (key == "ref") {
      if (have_ref) return Err("$.ref", "is given twice");
      have_ref = true;
      od::json_type t;
      if (auto e = v.type().get(t)) return Malformed(e, "$.ref");
      if (t == od::json_type::null) {
        bool is_null = false;  // as in ParseValue: "nan" has type null too
        if (v.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
          return Err("$.ref", "malformed JSON: not a JSON value (null, true, false, a number or text)");
        }
        continue;
      }
      if (t != od::json_type::string) return Err("$.ref", fmt::format("expected text, got {}", JsonTypeName(t)));
      std::string_view s;
      if (auto e = v.get_string().get(s)) return Malformed(e, "$.ref");
      if (s.size() > 256) return Err("$.ref", "is longer than 256 characters");
      req->ref = std::string(s);
    } else if (key == "findings") {
      if (have_findings) return Err("$.findings", "is given twice");
      have_findings = true;
      if (auto err = ParseFindings(kb, v, &req->findings, &req->declined)) return err;
    } else {
      return Err(IsIdentifier(key) ? fmt::format("$.{}", key) : fmt::format("$[\"{}\"]", Shown(key)),
                 "unknown field (a request has \"ref\" and \"findings\")");
    }
  }
  // After the root object, the document must be at its end.
  if (const char* rest = nullptr; doc.current_location().get(rest) == simdjson::SUCCESS) {
    return Err("$", "unexpected text after the JSON object");
  }
  if (!have_findings) return Err("$.findings", "is required");
  return std::nullopt;
}

// The checks after the JSON: the age, and the consistency rules.
std::optional<InputError> CheckRequest(const KnowledgeBase& kb, const ParseOptions& options, const Request& req) {
  const auto& ckb = kb.compiled();
  if (options.require_age && !req.findings.known(ckb.age_slot)) return Err("$.findings.age_years", "is required");
  // The consistency rules read findings only (as a rule): then the findings
  // are their values, and the derived values need not be worked out.
  const internal::FastProgram& fast = internal::FastOf(ckb);
  int broken;
  if (fast.consistency_on_findings()) {
    broken = fast.FirstTrueConsistencyRule(req.findings.data());
  } else {
    internal::RequestState st;
    internal::PrepareState(ckb, req.findings, &st);
    broken = fast.FirstTrueConsistencyRule(st.values.data());
  }
  if (broken >= 0) return Err(FindingPath(ckb.consistency[broken].path), ckb.consistency[broken].message);
  return std::nullopt;
}

}  // namespace

std::optional<InputError> ParseRequestInto(const KnowledgeBase& kb, std::string_view json,
                                           const ParseOptions& options, Request* out) {
  if (json.size() > kMaxRequestBytes) {
    return Err("$", fmt::format("the request is larger than {} bytes", kMaxRequestBytes));
  }
  Reset(kb, out);
  if (auto err = ParseWithSimdjson(kb, json, out)) return err;
  return CheckRequest(kb, options, *out);
}

Result<Request, InputError> ParseRequest(const KnowledgeBase& kb, std::string_view json,
                                         const ParseOptions& options) {
  Request req;
  if (auto err = ParseRequestInto(kb, json, options, &req)) return *std::move(err);
  return req;
}

}  // namespace norotriage
