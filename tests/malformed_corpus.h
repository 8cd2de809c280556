// A deterministic corpus of malformed assessment requests, for the hardening
// tests (tests/malformed_input_test.cc): every case is a request that must be
// rejected with a clear error naming the JSON path of the problem, through the
// library, the CLI, batch mode and the HTTP API alike.
//
// Contract: MalformedCorpus() returns the same cases, in the same order, on
// every call (no randomness, no files). Each case has a unique name
// ("<kind>/<what>"), the exact bytes of the request, and the path its error
// must name: `path` exactly, or (with `path_is_prefix`) `path` or any path
// below it ("$.findings" covers "$.findings.age_years" and
// "$.findings[\"x y\"]"). "$" is the whole document: the text is not a JSON
// object, is not JSON at all, or is too large. When `message_has` is set, the
// message must contain it. Cases marked `needs_age` are bad only because
// "age_years" is missing: an interview step or an episode check-in, which do
// not require it, accepts them.
//
// Header-only: CMake compiles tests/*_test.cc, and this is not a test.
#ifndef NOROTRIAGE_TESTS_MALFORMED_CORPUS_H_
#define NOROTRIAGE_TESTS_MALFORMED_CORPUS_H_

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace norotriage::testing {

struct MalformedCase {
  std::string kind;         // e.g. "truncated", "utf8", "range"
  std::string name;         // unique: "<kind>/<what>"
  std::string bytes;        // the request, exactly as sent
  std::string path;         // the JSON path the error must name
  bool path_is_prefix = false;
  std::string message_has;  // "" or a substring the message must contain
  bool needs_age = false;   // valid where age_years is not required
};

// A valid request: the good lines between the bad ones in batch mode, and the
// source of the truncation cases.
inline constexpr std::string_view kValidRequest =
    R"({"ref": "ok-1", "findings": {"age_years": 34, "weight_kg": 70, "sex": "female", )"
    R"("back_pain": true, "back_pain_score": 4, "temperature_c": 37.5, "vomits_24h": 2}})";

// True when `actual` is the path `c` expects.
inline bool PathMatches(const MalformedCase& c, std::string_view actual) {
  if (actual == c.path) return true;
  if (!c.path_is_prefix || actual.size() <= c.path.size() || actual.substr(0, c.path.size()) != c.path) return false;
  const char next = actual[c.path.size()];
  return next == '.' || next == '[';
}

namespace corpus_internal {

constexpr char kMalformed[] = "malformed JSON";
constexpr size_t kTenMiB = 10u << 20;

class Builder {
 public:
  // A case whose error names exactly `path`.
  void Exact(std::string kind, std::string what, std::string bytes, std::string path, std::string message_has = "") {
    Add(std::move(kind), std::move(what), std::move(bytes), std::move(path), false, std::move(message_has));
  }
  // A case whose error names `path` or a path below it.
  void Under(std::string kind, std::string what, std::string bytes, std::string path, std::string message_has = "") {
    Add(std::move(kind), std::move(what), std::move(bytes), std::move(path), true, std::move(message_has));
  }
  // A finding with a bad value, next to a valid age: the error names it.
  void Finding(std::string kind, std::string what, const std::string& id, const std::string& value,
               std::string message_has = "") {
    std::string bytes = id == "age_years" ? "{\"findings\": {\"age_years\": " + value + "}}"
                                          : Findings("\"" + id + "\": " + value);
    Exact(std::move(kind), std::move(what), std::move(bytes), "$.findings." + id, std::move(message_has));
  }
  void NeedsAge(std::string kind, std::string what, std::string bytes) {
    Exact(std::move(kind), std::move(what), std::move(bytes), "$.findings.age_years", "is required");
    cases_.back().needs_age = true;
  }

  // {"findings": {"age_years": 34, <rest>}}
  static std::string Findings(const std::string& rest) {
    return "{\"findings\": {\"age_years\": 34, " + rest + "}}";
  }

  std::vector<MalformedCase> Take() { return std::move(cases_); }

 private:
  void Add(std::string kind, std::string what, std::string bytes, std::string path, bool prefix,
           std::string message_has) {
    MalformedCase c;
    c.name = kind + "/" + what;
    c.kind = std::move(kind);
    c.bytes = std::move(bytes);
    c.path = std::move(path);
    c.path_is_prefix = prefix;
    c.message_has = std::move(message_has);
    cases_.push_back(std::move(c));
  }

  std::vector<MalformedCase> cases_;
};

inline std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// {"findings": {"00000": v, "00001": v, …}} with n keys (n <= 100000), or with
// `top_level` {"findings": {"age_years": 34}, "00000": v, …}: 10 bytes a key.
inline std::string ManyKeys(size_t n, std::string_view value, bool top_level) {
  std::string out = top_level ? "{\"findings\": {\"age_years\": 34}" : "{\"findings\": {";
  char key[24];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(key, sizeof key, "%05zu", i);
    if (i > 0 || top_level) out += ',';
    out += '"';
    out += key;
    out += "\":";
    out += value;
  }
  out += top_level ? "}" : "}}";
  return out;
}

inline void EmptyAndBlank(Builder& b) {
  b.Exact("empty", "nothing", "", "$", kMalformed);
  b.Exact("empty", "space", " ", "$", kMalformed);
  b.Exact("empty", "newline", "\n", "$", kMalformed);
  b.Exact("empty", "crlf", "\r\n", "$", kMalformed);
  b.Exact("empty", "mixed_whitespace", " \t\r\n \t ", "$", kMalformed);
  b.Exact("empty", "many_spaces", std::string(4000, ' '), "$", kMalformed);
  b.Exact("empty", "nul_byte", std::string(1, '\0'), "$");
  b.Exact("empty", "bom_only", "\xEF\xBB\xBF", "$");
  b.Exact("empty", "form_feed", "\f", "$");
  b.Exact("empty", "vertical_tab", "\v", "$");
  b.Exact("empty", "nbsp", "\xC2\xA0", "$");
}

inline void TopLevel(Builder& b) {
  b.Exact("top_level", "array_empty", "[]", "$", "expected a JSON object");
  b.Exact("top_level", "array_of_request", "[" + std::string(kValidRequest) + "]", "$", "expected a JSON object");
  b.Exact("top_level", "string", "\"findings\"", "$", "expected a JSON object");
  b.Exact("top_level", "number", "42", "$", "expected a JSON object");
  b.Exact("top_level", "negative_zero", "-0", "$", "expected a JSON object");
  b.Exact("top_level", "huge_number", "1e400", "$");
  b.Exact("top_level", "true", "true", "$", "expected a JSON object");
  b.Exact("top_level", "false", "false", "$", "expected a JSON object");
  b.Exact("top_level", "null", "null", "$", "expected a JSON object");
  b.Exact("top_level", "bare_word", "findings", "$");
  b.Exact("top_level", "quoted_json", "\"{\\\"findings\\\": {\\\"age_years\\\": 34}}\"", "$",
          "expected a JSON object");
  b.Exact("top_level", "yaml", "findings:\n  age_years: 34\n", "$");
  b.Exact("top_level", "form_encoded", "findings=%7B%22age_years%22%3A34%7D", "$");
  b.Exact("top_level", "xml", "<request><age_years>34</age_years></request>", "$");
}

inline void Truncated(Builder& b) {
  const std::string good(kValidRequest);
  // Every 6th byte, and the last few: inside keys, strings, numbers, literals
  // and between tokens, at every depth.
  for (size_t n = 1; n < good.size(); n += (n + 4 >= good.size() ? 1 : 6)) {
    b.Under("truncated", "at_" + std::to_string(n), good.substr(0, n), "$", kMalformed);
  }
  b.Under("truncated", "open_brace", "{", "$", kMalformed);
  b.Under("truncated", "findings_colon", "{\"findings\":", "$", kMalformed);
  b.Under("truncated", "findings_open", "{\"findings\": {", "$", kMalformed);
  b.Under("truncated", "after_value", "{\"findings\": {\"age_years\": 34", "$", kMalformed);
  b.Under("truncated", "after_comma", "{\"findings\": {\"age_years\": 34,", "$", kMalformed);
  b.Under("truncated", "inner_closed_only", "{\"findings\": {\"age_years\": 34}", "$", kMalformed);
  b.Under("truncated", "escape_at_end", "{\"ref\": \"a\\", "$", kMalformed);
  b.Under("truncated", "unicode_escape_at_end", "{\"ref\": \"\\u00", "$", kMalformed);
  b.Under("truncated", "literal_tru", "{\"findings\": {\"age_years\": 34, \"back_pain\": tru", "$");
  b.Under("truncated", "literal_nul", "{\"findings\": {\"age_years\": 34, \"sex\": nul", "$");
  b.Under("truncated", "exponent", "{\"findings\": {\"age_years\": 3e", "$");
}

inline void Syntax(Builder& b) {
  b.Under("syntax", "missing_colon", "{\"findings\" {\"age_years\": 34}}", "$", kMalformed);
  b.Under("syntax", "missing_comma", "{\"findings\": {\"age_years\": 34 \"weight_kg\": 70}}", "$", kMalformed);
  b.Under("syntax", "trailing_comma_findings", "{\"findings\": {\"age_years\": 34,}}", "$", kMalformed);
  b.Under("syntax", "trailing_comma_root", "{\"findings\": {\"age_years\": 34},}", "$", kMalformed);
  b.Under("syntax", "leading_comma", "{,\"findings\": {\"age_years\": 34}}", "$", kMalformed);
  b.Under("syntax", "double_comma", "{\"findings\": {\"age_years\": 34,, \"weight_kg\": 70}}", "$", kMalformed);
  b.Under("syntax", "single_quotes", "{'findings': {'age_years': 34}}", "$", kMalformed);
  b.Under("syntax", "unquoted_keys", "{findings: {age_years: 34}}", "$", kMalformed);
  b.Under("syntax", "line_comment", "{\"findings\": {\"age_years\": 34 // age\n}}", "$", kMalformed);
  b.Under("syntax", "block_comment", "{\"findings\": /* x */ {\"age_years\": 34}}", "$", kMalformed);
  b.Under("syntax", "equals_not_colon", "{\"findings\" = {\"age_years\": 34}}", "$", kMalformed);
  b.Under("syntax", "brackets_mismatched", "{\"findings\": {\"age_years\": 34]}", "$", kMalformed);
  b.Under("syntax", "array_as_findings_body", "{\"findings\": [\"age_years\", 34}}", "$");
  b.Under("syntax", "key_without_value", "{\"findings\": {\"age_years\"}}", "$", kMalformed);
  b.Under("syntax", "value_without_key", "{\"findings\": {34}}", "$", kMalformed);
  b.Under("syntax", "number_as_key", "{\"findings\": {1: 34}}", "$", kMalformed);
  b.Under("syntax", "capitalised_true", "{\"findings\": {\"age_years\": 34, \"back_pain\": True}}", "$");
  b.Under("syntax", "python_none", "{\"findings\": {\"age_years\": 34, \"sex\": None}}", "$");
  b.Under("syntax", "undefined", "{\"findings\": {\"age_years\": undefined}}", "$");
  b.Under("syntax", "bad_escape_x", "{\"ref\": \"\\x41\", \"findings\": {\"age_years\": 34}}", "$", kMalformed);
  b.Under("syntax", "bad_escape_a", "{\"ref\": \"\\a\", \"findings\": {\"age_years\": 34}}", "$", kMalformed);
  b.Under("syntax", "bad_escape_quote", "{\"ref\": \"\\'\", \"findings\": {\"age_years\": 34}}", "$", kMalformed);
  b.Under("syntax", "short_unicode_escape", "{\"ref\": \"\\u12\", \"findings\": {\"age_years\": 34}}", "$",
          kMalformed);
  b.Under("syntax", "non_hex_unicode_escape", "{\"ref\": \"\\uZZZZ\", \"findings\": {\"age_years\": 34}}", "$",
          kMalformed);
  b.Under("syntax", "bad_escape_in_key", "{\"findings\": {\"age\\q\": 34}}", "$", kMalformed);
  b.Under("syntax", "bad_escape_in_choice", "{\"findings\": {\"age_years\": 34, \"sex\": \"\\z\"}}", "$",
          kMalformed);
  b.Under("syntax", "unterminated_string", "{\"ref\": \"abc, \"findings\": {\"age_years\": 34}}", "$");
}

inline void Trailing(Builder& b) {
  const std::string good(kValidRequest);
  b.Exact("trailing", "garbage_word", good + " garbage", "$");
  b.Exact("trailing", "extra_brace", good + "}", "$");
  b.Exact("trailing", "extra_bracket", good + "]", "$");
  b.Exact("trailing", "comma", good + ",", "$");
  b.Exact("trailing", "two_objects", good + good, "$");
  b.Exact("trailing", "two_objects_spaced", good + " " + good, "$");
  b.Exact("trailing", "number", good + " 1", "$");
  b.Exact("trailing", "comment", good + " // done", "$");
  b.Exact("trailing", "nul_byte", good + std::string(1, '\0'), "$");
  b.Exact("trailing", "string", good + " \"x\"", "$");
  b.Exact("trailing", "second_findings_object", good + "{\"findings\": {}}", "$");
  b.Exact("trailing", "after_newline", good + "\n{\"findings\": {}}", "$");
}

inline void Nesting(Builder& b) {
  for (size_t depth : {100u, 1025u, 10000u}) {
    const std::string d = std::to_string(depth);
    b.Exact("nesting", "top_level_arrays_" + d, Repeat("[", depth) + Repeat("]", depth), "$");
    b.Exact("nesting", "finding_value_arrays_" + d,
            "{\"findings\": {\"age_years\": " + Repeat("[", depth) + Repeat("]", depth) + "}}",
            "$.findings.age_years");
    b.Exact("nesting", "unknown_key_objects_" + d,
            "{\"x\": " + Repeat("{\"x\": ", depth) + "1" + Repeat("}", depth) + ", \"findings\": {}}", "$.x",
            "unknown field");
  }
  b.Exact("nesting", "ref_objects_10000", "{\"ref\": " + Repeat("{\"a\":", 10000) + "1" + Repeat("}", 10000) + "}",
          "$.ref");
  b.Exact("nesting", "findings_arrays_10000",
          "{\"findings\": " + Repeat("[", 10000) + Repeat("]", 10000) + "}", "$.findings");
  b.Under("nesting", "unclosed_arrays_10000", "{\"findings\": {\"age_years\": " + Repeat("[", 10000), "$");
  b.Under("nesting", "unclosed_objects_10000", Repeat("{\"a\":", 10000), "$");
  b.Exact("nesting", "top_level_objects_10000", Repeat("{\"a\":", 10000) + "1" + Repeat("}", 10000), "$.a",
          "unknown field");
}

inline void Numbers(Builder& b) {
  // Too large for a double, or not JSON numbers at all.
  b.Finding("number", "1e400", "weight_kg", "1e400");
  b.Finding("number", "minus_1e400", "weight_kg", "-1e400");
  b.Finding("number", "1E+999", "age_years", "1E+999");
  b.Finding("number", "1e309", "temperature_c", "1e309");
  b.Finding("number", "1e308", "age_years", "1e308", "maximum");
  b.Finding("number", "30_digits", "vomits_24h", "123456789012345678901234567890", "maximum");
  b.Finding("number", "400_digits", "vomits_24h", std::string(400, '9'));
  b.Finding("number", "uint64_max_plus_1", "stools_24h", "18446744073709551616", "maximum");
  b.Finding("number", "int64_min_minus_1", "stools_24h", "-9223372036854775809", "minimum");
  // Underflows to (-)0: in range for age, below the minimum for weight.
  b.Finding("number", "1.0e-400_weight", "weight_kg", "1.0e-400", "minimum");
  b.Finding("number", "negative_zero_weight", "weight_kg", "-0", "minimum");
  b.Finding("number", "negative_zero_float_weight", "weight_kg", "-0.0", "minimum");
  b.Finding("number", "long_fraction_weight", "weight_kg", "0." + std::string(5000, '0') + "1", "minimum");
  // Not JSON numbers.
  b.Finding("number", "leading_zero", "age_years", "034");
  b.Finding("number", "leading_zeros_negative", "vomits_24h", "-007");
  b.Finding("number", "leading_plus", "age_years", "+34");
  b.Finding("number", "leading_dot", "weight_kg", ".5");
  b.Finding("number", "trailing_dot", "weight_kg", "70.");
  b.Finding("number", "hex", "age_years", "0x22");
  b.Finding("number", "exponent_without_digits", "age_years", "3e");
  b.Finding("number", "exponent_sign_only", "age_years", "3e+");
  b.Finding("number", "double_minus", "age_years", "--34");
  b.Under("number", "comma_decimal", Builder::Findings("\"weight_kg\": 70,5"), "$.findings", kMalformed);
  b.Finding("number", "underscore_digits", "weight_kg", "1_000");
  b.Finding("number", "minus_only", "age_years", "-");
  b.Finding("number", "digits_then_letters", "age_years", "34years");
}

inline void NotANumber(Builder& b) {
  b.Finding("nan", "bare_NaN", "age_years", "NaN");
  b.Finding("nan", "bare_nan", "weight_kg", "nan");
  b.Finding("nan", "negative_NaN", "weight_kg", "-NaN");
  b.Finding("nan", "bare_Infinity", "temperature_c", "Infinity");
  b.Finding("nan", "negative_Infinity", "temperature_c", "-Infinity");
  b.Finding("nan", "positive_Infinity", "temperature_c", "+Infinity");
  b.Finding("nan", "bare_inf", "temperature_c", "inf");
  b.Finding("nan", "string_NaN", "weight_kg", "\"NaN\"", "expected a number");
  b.Finding("nan", "string_Infinity", "temperature_c", "\"Infinity\"", "expected a number");
  b.Finding("nan", "string_minus_Infinity", "temperature_c", "\"-Infinity\"", "expected a number");
}

// Tokens that are not JSON literals. simdjson's type() looks at the first
// byte only ('n' is null, 't'/'f' true/false): each must still be rejected.
inline void Literals(Builder& b) {
  b.Finding("literal", "nope_for_number", "weight_kg", "nope", kMalformed);
  b.Finding("literal", "nil_for_bool", "back_pain", "nil", kMalformed);
  b.Finding("literal", "n_for_choice", "sex", "n", kMalformed);
  b.Finding("literal", "nulll", "sex", "nulll", kMalformed);
  b.Finding("literal", "nul_then_comma", "sex", "nul, \"weight_kg\": 70", kMalformed);
  b.Finding("literal", "none", "thirst", "none", kMalformed);
  b.Finding("literal", "NULL", "thirst", "NULL");
  b.Finding("literal", "Null", "thirst", "Null");
  b.Finding("literal", "nan_for_age", "age_years", "nan", kMalformed);
  b.Finding("literal", "tru", "back_pain", "tru", kMalformed);
  b.Finding("literal", "truex", "back_pain", "truex", kMalformed);
  b.Finding("literal", "fals", "back_pain", "fals", kMalformed);
  b.Finding("literal", "falsey", "back_pain", "falsey", kMalformed);
  b.Finding("literal", "t_for_number", "weight_kg", "t");
  b.Exact("literal", "ref_nope", "{\"ref\": nope, \"findings\": {\"age_years\": 34}}", "$.ref", kMalformed);
  b.Exact("literal", "ref_nan", "{\"ref\": nan, \"findings\": {\"age_years\": 34}}", "$.ref", kMalformed);
  b.Exact("literal", "findings_nope", "{\"findings\": nope}", "$.findings");
  b.Exact("literal", "top_level_nope", "nope", "$");
}

inline void WrongTypes(Builder& b) {
  // Booleans.
  b.Finding("type", "bool_as_yes", "back_pain", "\"yes\"", "expected true or false");
  b.Finding("type", "bool_as_no", "back_pain", "\"no\"", "expected true or false");
  b.Finding("type", "bool_as_string_true", "back_pain", "\"true\"", "expected true or false");
  b.Finding("type", "bool_as_1", "back_pain", "1", "expected true or false");
  b.Finding("type", "bool_as_0", "gi_ongoing", "0", "expected true or false");
  b.Finding("type", "bool_as_1.0", "gi_ongoing", "1.0", "expected true or false");
  b.Finding("type", "bool_as_list", "dry_mouth", "[true]", "expected true or false");
  b.Finding("type", "bool_as_object", "dry_mouth", "{\"value\": true}", "expected true or false");
  b.Finding("type", "bool_as_empty_string", "dark_urine", "\"\"", "expected true or false");
  // Numbers.
  b.Finding("type", "number_as_string", "weight_kg", "\"70\"", "expected a number");
  b.Finding("type", "number_with_unit", "weight_kg", "\"70 kg\"", "expected a number");
  b.Finding("type", "number_as_true", "weight_kg", "true", "expected a number");
  b.Finding("type", "number_as_list", "weight_kg", "[70]", "expected a number");
  b.Finding("type", "number_as_object", "weight_kg", "{\"kg\": 70}", "expected a number");
  b.Finding("type", "age_as_string", "age_years", "\"34\"", "expected a number");
  // Choices.
  b.Finding("type", "choice_as_number", "sex", "1", "expected one of");
  b.Finding("type", "choice_as_true", "sex", "true", "expected one of");
  b.Finding("type", "choice_as_list", "sex", "[\"female\"]", "expected one of");
  b.Finding("type", "choice_as_object", "thirst", "{}", "expected one of");
  b.Finding("type", "choice_as_index", "alertness", "0", "expected one of");
}

inline void Ranges(Builder& b) {
  b.Finding("range", "age_minus_1", "age_years", "-1", "minimum");
  b.Finding("range", "age_200", "age_years", "200", "maximum");
  b.Finding("range", "age_just_over", "age_years", "120.0001", "maximum");
  b.Finding("range", "weight_0", "weight_kg", "0", "minimum");
  b.Finding("range", "weight_351", "weight_kg", "351", "maximum");
  b.Finding("range", "pre_illness_weight_negative", "pre_illness_weight_kg", "-70", "minimum");
  b.Finding("range", "pregnancy_46_weeks", "pregnancy_weeks", "46", "maximum");
  b.Finding("range", "days_since_onset_366", "days_since_onset", "366", "maximum");
  b.Finding("range", "vomits_not_whole", "vomits_24h", "2.5", "whole number");
  b.Finding("range", "vomits_negative", "vomits_24h", "-1", "minimum");
  b.Finding("range", "stools_101", "stools_24h", "101", "maximum");
  b.Finding("range", "temperature_29.9", "temperature_c", "29.9", "minimum");
  b.Finding("range", "temperature_45.1", "temperature_c", "45.1", "maximum");
  b.Finding("range", "temperature_fahrenheit", "temperature_c", "101.3", "maximum");
  b.Finding("range", "urinations_51", "urinations_24h", "51", "maximum");
  b.Finding("range", "hours_since_urine_negative", "hours_since_urine", "-0.5", "minimum");
  b.Finding("range", "back_pain_score_11", "back_pain_score", "11", "maximum");
  b.Finding("range", "back_pain_days_3651", "back_pain_days", "3651", "maximum");
  b.Finding("range", "leg_aches_score_negative", "leg_aches_score", "-3", "minimum");
  b.Finding("range", "bedbound_days_1000", "bedbound_days", "1000", "maximum");
  // Contradictions (the knowledge base's consistency rules).
  b.Exact("range", "back_pain_false_with_score",
          Builder::Findings("\"back_pain\": false, \"back_pain_score\": 6"), "$.findings.back_pain_score",
          "back_pain is false");
  b.Exact("range", "leg_aches_false_with_days", Builder::Findings("\"leg_aches\": false, \"leg_aches_days\": 2"),
          "$.findings.leg_aches_days", "leg_aches is false");
  b.Exact("range", "male_pregnant", Builder::Findings("\"sex\": \"male\", \"pregnancy_weeks\": 20"),
          "$.findings.pregnancy_weeks");
}

inline void Choices(Builder& b) {
  b.Finding("choice", "sex_abbreviated", "sex", "\"f\"", "is not one of");
  b.Finding("choice", "sex_empty", "sex", "\"\"", "is not one of");
  b.Finding("choice", "sex_capitalised", "sex", "\"Female\"", "is not one of");
  b.Finding("choice", "sex_padded", "sex", "\" female\"", "is not one of");
  b.Finding("choice", "sex_escaped_nul", "sex", "\"female\\u0000\"", "is not one of");
  b.Finding("choice", "sex_accented", "sex", "\"f\xC3\xA9male\"", "is not one of");
  b.Finding("choice", "thirst_unknown", "thirst", "\"very\"", "is not one of");
  b.Finding("choice", "skin_pinch_fast", "skin_pinch", "\"fast\"", "is not one of");
  b.Finding("choice", "alertness_asleep", "alertness", "\"asleep\"", "is not one of");
  b.Finding("choice", "back_pain_site_neck", "back_pain_site", "\"neck\"", "is not one of");
  b.Finding("choice", "sciatica_left_leg", "sciatica", "\"left_leg\"", "is not one of");
  b.Finding("choice", "choice_1000_chars", "leg_weakness", "\"" + std::string(1000, 'p') + "\"", "is not one of");
  b.Finding("choice", "terminal_escape", "sex", "\"\\u001b[31mmale\"", "is not one of");
  b.Finding("choice", "c1_control", "sex", "\"\\u0085male\"", "is not one of");
  b.Finding("choice", "choice_emoji", "back_pain_trend", "\"\xF0\x9F\x98\x80\"", "is not one of");
}

inline void Nulls(Builder& b) {
  b.Exact("null", "findings_null", "{\"findings\": null}", "$.findings", "expected an object");
  b.Exact("null", "findings_null_with_ref", "{\"ref\": \"r\", \"findings\": null}", "$.findings",
          "expected an object");
  b.NeedsAge("null", "age_null", "{\"findings\": {\"age_years\": null}}");
  b.NeedsAge("null", "age_null_others_known", "{\"findings\": {\"age_years\": null, \"weight_kg\": 70}}");
  b.Under("null", "null_as_key", "{\"findings\": {null: 34}}", "$", kMalformed);
}

inline void Structure(Builder& b) {
  b.Exact("structure", "empty_object", "{}", "$.findings", "is required");
  b.Exact("structure", "ref_only", "{\"ref\": \"r\"}", "$.findings", "is required");
  b.NeedsAge("structure", "findings_empty", "{\"findings\": {}}");
  b.NeedsAge("structure", "findings_without_age", "{\"findings\": {\"weight_kg\": 70, \"back_pain\": true}}");
  b.Exact("structure", "findings_list", "{\"findings\": []}", "$.findings", "expected an object");
  b.Exact("structure", "findings_list_of_pairs", "{\"findings\": [[\"age_years\", 34]]}", "$.findings",
          "expected an object");
  b.Exact("structure", "findings_string", "{\"findings\": \"age_years=34\"}", "$.findings", "expected an object");
  b.Exact("structure", "findings_number", "{\"findings\": 34}", "$.findings", "expected an object");
  b.Exact("structure", "findings_true", "{\"findings\": true}", "$.findings", "expected an object");
  b.Exact("structure", "findings_nested_twice", "{\"findings\": {\"findings\": {\"age_years\": 34}}}",
          "$.findings.findings", "unknown finding");
  b.Exact("structure", "unknown_top_level_key", "{\"findings\": {\"age_years\": 34}, \"extra\": 1}", "$.extra",
          "unknown field");
  b.Exact("structure", "unknown_top_level_first", "{\"version\": 2, \"findings\": {\"age_years\": 34}}", "$.version",
          "unknown field");
  b.Exact("structure", "misspelled_findings", "{\"finding\": {\"age_years\": 34}}", "$.finding", "unknown field");
  b.Exact("structure", "capitalised_findings", "{\"Findings\": {\"age_years\": 34}}", "$.Findings",
          "unknown field");
  b.Exact("structure", "capitalised_ref", "{\"REF\": \"r\", \"findings\": {\"age_years\": 34}}", "$.REF",
          "unknown field");
  b.Exact("structure", "empty_top_level_key", "{\"\": 1, \"findings\": {\"age_years\": 34}}", "$[\"\"]",
          "unknown field");
  b.Exact("structure", "spaced_top_level_key", "{\"find ings\": {}}", "$[\"find ings\"]", "unknown field");
}

inline void UnknownIds(Builder& b) {
  auto unknown = [&b](std::string what, const std::string& key_json, std::string path) {
    b.Exact("unknown_id", std::move(what), Builder::Findings(key_json + ": true"), std::move(path),
            "unknown finding");
  };
  unknown("misspelled", "\"back_pian\"", "$.findings.back_pian");
  unknown("short", "\"age\"", "$.findings.age");
  unknown("capitalised", "\"Back_pain\"", "$.findings.Back_pain");
  unknown("camel_case", "\"backPain\"", "$.findings.backPain");
  unknown("trailing_space", "\"back_pain \"", "$.findings[\"back_pain \"]");
  unknown("hyphenated", "\"back-pain\"", "$.findings[\"back-pain\"]");
  unknown("dotted", "\"back.pain\"", "$.findings[\"back.pain\"]");
  unknown("empty_key", "\"\"", "$.findings[\"\"]");
  unknown("proto", "\"__proto__\"", "$.findings.__proto__");
  unknown("constructor", "\"constructor\"", "$.findings.constructor");
  unknown("ref_inside_findings", "\"ref\"", "$.findings.ref");
  unknown("escaped_nul_in_key", "\"back_pain\\u0000\"", "$.findings[\"back_pain\\x00\"]");
  unknown("escaped_newline_in_key", "\"a\\nb\"", "$.findings[\"a\\x0ab\"]");
  unknown("quote_in_key", "\"a\\\"b\"", "$.findings[\"a\\x22b\"]");
  unknown("non_ascii_key", "\"\xC3\xA2ge\"", "$.findings[\"\xC3\xA2ge\"]");
  unknown("65_char_identifier", "\"" + std::string(65, 'a') + "\"",
          "$.findings[\"" + std::string(64, 'a') + "\xE2\x80\xA6\"]");
  unknown("raw_del_in_key", "\"back\x7Fpain\"", "$.findings[\"back\\x7fpain\"]");
  unknown("c1_control_in_key", "\"a\\u009b31m\"", "$.findings[\"a\\u009b31m\"]");
  unknown("escape_sequence_in_key", "\"\\u001b[2J\"", "$.findings[\"\\x1b[2J\"]");
  b.Under("unknown_id", "key_60_kib", Builder::Findings("\"" + std::string(60 << 10, 'k') + "\": 1"), "$.findings",
          "unknown finding");
  // A long key cut where a multi-byte character straddles the cut.
  b.Under("unknown_id", "multibyte_at_cut", Builder::Findings("\"" + std::string(63, 'a') + "\xC3\xA9" + "\": 1"),
          "$.findings", "unknown finding");
  b.Under("unknown_id", "emoji_at_cut", Builder::Findings("\"" + std::string(62, 'a') + "\xF0\x9F\x98\x80" + "\": 1"),
          "$.findings", "unknown finding");
}

inline void Duplicates(Builder& b) {
  b.Exact("duplicate", "age_twice_same", "{\"findings\": {\"age_years\": 34, \"age_years\": 34}}",
          "$.findings.age_years", "twice");
  b.Exact("duplicate", "age_twice_different", "{\"findings\": {\"age_years\": 34, \"age_years\": 80}}",
          "$.findings.age_years", "twice");
  b.Exact("duplicate", "null_then_value", Builder::Findings("\"sex\": null, \"sex\": \"male\""), "$.findings.sex",
          "twice");
  b.Exact("duplicate", "escaped_spelling", Builder::Findings("\"back_pain\": true, \"back\\u005fpain\": true"),
          "$.findings.back_pain", "twice");
  b.Exact("duplicate", "findings_twice", "{\"findings\": {\"age_years\": 34}, \"findings\": {\"age_years\": 34}}",
          "$.findings", "twice");
  b.Exact("duplicate", "ref_twice", "{\"ref\": \"a\", \"ref\": \"b\", \"findings\": {\"age_years\": 34}}", "$.ref",
          "twice");
  b.Exact("duplicate", "ref_null_twice", "{\"ref\": null, \"ref\": null, \"findings\": {\"age_years\": 34}}", "$.ref",
          "twice");
}

inline void Refs(Builder& b) {
  const std::string findings = ", \"findings\": {\"age_years\": 34}}";
  b.Exact("ref", "number", "{\"ref\": 1" + findings, "$.ref", "expected text");
  b.Exact("ref", "true", "{\"ref\": true" + findings, "$.ref", "expected text");
  b.Exact("ref", "list", "{\"ref\": [\"a\"]" + findings, "$.ref", "expected text");
  b.Exact("ref", "object", "{\"ref\": {\"id\": \"a\"}" + findings, "$.ref", "expected text");
  b.Exact("ref", "257_chars", "{\"ref\": \"" + std::string(257, 'r') + "\"" + findings, "$.ref", "longer than 256");
  b.Exact("ref", "10000_chars", "{\"ref\": \"" + std::string(10000, 'r') + "\"" + findings, "$.ref",
          "longer than 256");
  b.Exact("ref", "60_kib", "{\"ref\": \"" + std::string(60 << 10, 'r') + "\"" + findings, "$.ref", "longer than 256");
  b.Exact("ref", "200_kib_after_findings", "{\"findings\": {\"age_years\": 34}, \"ref\": \"" +
          std::string(200 << 10, 'r') + "\"}", "$.ref", "longer than 256");
}

inline void Utf8(Builder& b) {
  auto in_ref = [&b](std::string what, const std::string& bytes) {
    b.Exact("utf8", std::move(what), "{\"ref\": \"" + bytes + "\", \"findings\": {\"age_years\": 34}}", "$");
  };
  in_ref("lone_continuation", "\x80");
  in_ref("truncated_two_byte", "\xC3");
  in_ref("truncated_three_byte", "\xE2\x82");
  in_ref("truncated_four_byte", "\xF0\x9F\x98");
  in_ref("overlong_slash", "\xC0\xAF");
  in_ref("overlong_nul", "\xC0\x80");
  in_ref("overlong_three_byte", "\xE0\x80\xAF");
  in_ref("overlong_four_byte", "\xF0\x80\x80\xAF");
  in_ref("surrogate_encoded", "\xED\xA0\x80");
  in_ref("above_10ffff", "\xF4\x90\x80\x80");
  in_ref("byte_fe", "\xFE");
  in_ref("byte_ff", "\xFF");
  in_ref("latin1_e_acute", "caf\xE9");
  b.Exact("utf8", "in_key", Builder::Findings("\"back\xFFpain\": true"), "$");
  b.Exact("utf8", "in_choice", Builder::Findings("\"sex\": \"f\xE9male\""), "$");
  b.Exact("utf8", "between_tokens", "{\"findings\": \xFF {\"age_years\": 34}}", "$");
  b.Exact("utf8", "utf16_le_bom", std::string("\xFF\xFE{\0}\0", 6), "$");
  b.Exact("utf8", "utf16_be", std::string("\0{\0}", 4), "$");
  b.Exact("utf8", "bom_then_garbage", "\xEF\xBB\xBF" "garbage", "$");
  b.Exact("utf8", "bom_then_array", "\xEF\xBB\xBF[]", "$");
  b.Exact("utf8", "bom_twice", "\xEF\xBB\xBF\xEF\xBB\xBF" + std::string(kValidRequest), "$");
  b.Under("utf8", "bom_in_middle", "{\"findings\": \xEF\xBB\xBF{\"age_years\": 34}}", "$");
}

inline void Surrogates(Builder& b) {
  auto in_ref = [&b](std::string what, const std::string& escaped) {
    b.Under("surrogate", std::move(what), "{\"ref\": \"" + escaped + "\", \"findings\": {\"age_years\": 34}}", "$",
            kMalformed);
  };
  in_ref("lone_high", "\\ud800");
  in_ref("lone_high_at_end", "abc\\udbff");
  in_ref("lone_low", "\\udc00");
  in_ref("low_then_high", "\\udc00\\ud800");
  in_ref("high_then_letter", "\\ud800x");
  in_ref("high_then_bmp_escape", "\\ud800\\u0041");
  in_ref("high_then_high", "\\ud800\\ud800");
  in_ref("high_then_short_escape", "\\ud800\\u12");
  b.Under("surrogate", "lone_high_in_key", Builder::Findings("\"\\ud83d\": 1"), "$", kMalformed);
  b.Under("surrogate", "lone_low_in_choice", Builder::Findings("\"sex\": \"\\udfff\""), "$", kMalformed);
}

inline void ControlChars(Builder& b) {
  auto in_ref = [&b](std::string what, const std::string& raw) {
    b.Exact("control", std::move(what), "{\"ref\": \"a" + raw + "b\", \"findings\": {\"age_years\": 34}}", "$",
            kMalformed);
  };
  in_ref("raw_nul_in_string", std::string(1, '\0'));
  in_ref("raw_soh_in_string", "\x01");
  in_ref("raw_tab_in_string", "\t");
  in_ref("raw_cr_in_string", "\r");
  in_ref("raw_escape_in_string", "\x1B[31m");
  in_ref("raw_unit_separator", "\x1F");
  b.Exact("control", "raw_newline_in_string", "{\"ref\": \"a\nb\", \"findings\": {\"age_years\": 34}}", "$",
          kMalformed);
  b.Exact("control", "raw_control_in_key", Builder::Findings("\"back\x02pain\": true"), "$", kMalformed);
  b.Exact("control", "raw_control_in_choice", Builder::Findings("\"sex\": \"male\x07\""), "$", kMalformed);
  b.Under("control", "nul_between_tokens", std::string("{\"findings\":\0{\"age_years\": 34}}", 31), "$");
  b.Under("control", "nul_first", std::string("\0", 1) + std::string(kValidRequest), "$");
  b.Under("control", "soh_between_tokens", "{\"findings\": \x01{\"age_years\": 34}}", "$");
}

inline void Large(Builder& b) {
  // Over the parser's 1 MiB limit (and the server's 64 KiB one).
  b.Exact("large", "ref_10_mib", "{\"ref\": \"" + std::string(kTenMiB, 'r') + "\", \"findings\": {\"age_years\": 34}}",
          "$", "larger than");
  b.Exact("large", "choice_10_mib", Builder::Findings("\"sex\": \"" + std::string(kTenMiB, 'f') + "\""), "$",
          "larger than");
  b.Exact("large", "whitespace_10_mib", std::string(kValidRequest) + std::string(kTenMiB, ' '), "$", "larger than");
  b.Exact("large", "key_1_mib", Builder::Findings("\"" + std::string(1u << 20, 'k') + "\": 1"), "$", "larger than");
  b.Exact("large", "digits_2_mib", Builder::Findings("\"weight_kg\": " + std::string(2u << 20, '7')), "$",
          "larger than");
  // Under the parser's limit, over the server's.
  b.Exact("large", "keys_100k_unknown", ManyKeys(100000, "0", false), "$.findings.00000", "unknown finding");
  b.Exact("large", "keys_100k_top_level", ManyKeys(100000, "0", true), "$.00000", "unknown field");
  b.Exact("large", "age_repeated_60k",
          "{\"findings\": {" + Repeat("\"age_years\":34,", 60000) + "\"age_years\":34}}", "$.findings.age_years",
          "twice");
  b.Exact("large", "ref_900_kib", "{\"ref\": \"" + std::string(900u << 10, 'r') + "\", \"findings\": {}}", "$.ref",
          "longer than 256");
  // Many keys under the server's limit.
  b.Exact("large", "keys_4000_unknown", ManyKeys(4000, "null", false), "$.findings.00000", "unknown finding");
}

}  // namespace corpus_internal

// The corpus, in a fixed order (see the top of this file).
inline std::vector<MalformedCase> MalformedCorpus() {
  corpus_internal::Builder b;
  corpus_internal::EmptyAndBlank(b);
  corpus_internal::TopLevel(b);
  corpus_internal::Truncated(b);
  corpus_internal::Syntax(b);
  corpus_internal::Trailing(b);
  corpus_internal::Nesting(b);
  corpus_internal::Numbers(b);
  corpus_internal::NotANumber(b);
  corpus_internal::Literals(b);
  corpus_internal::WrongTypes(b);
  corpus_internal::Ranges(b);
  corpus_internal::Choices(b);
  corpus_internal::Nulls(b);
  corpus_internal::Structure(b);
  corpus_internal::UnknownIds(b);
  corpus_internal::Duplicates(b);
  corpus_internal::Refs(b);
  corpus_internal::Utf8(b);
  corpus_internal::Surrogates(b);
  corpus_internal::ControlChars(b);
  corpus_internal::Large(b);
  return b.Take();
}

}  // namespace norotriage::testing

#endif  // NOROTRIAGE_TESTS_MALFORMED_CORPUS_H_
