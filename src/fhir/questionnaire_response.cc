// RequestFromQuestionnaireResponse: QuestionnaireResponse -> Request.
#include "fhir/questionnaire_response.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "norotriage/engine.h"

namespace norotriage::fhir {
namespace {

FhirIssue Invalid(std::string expression, std::string message) {
  return FhirIssue{400, "invalid", std::move(expression), std::move(message)};
}

const char* TypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "a list";
    case Json::value_t::string: return "text";
    case Json::value_t::boolean: return "true/false";
    case Json::value_t::null: return "null";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    default: return "something else";
  }
}

// Untrusted text shown in a message: bounded, one line.
std::string Shown(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  return TruncateChars(out, 64);
}

// FHIR's id type: [A-Za-z0-9\-\.]{1,64}.
bool IsFhirId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

// True when canonical `q` (optionally "|version") names our Questionnaire,
// wherever it is served: its path ends in "Questionnaire/norotriage".
bool IsOurQuestionnaire(std::string_view q) {
  q = q.substr(0, q.find('|'));
  const std::string tail = fmt::format("Questionnaire/{}", kQuestionnaireId);
  return q.size() >= tail.size() && q.substr(q.size() - tail.size()) == tail &&
         (q.size() == tail.size() || q[q.size() - tail.size() - 1] == '/');
}

const char* Expected(FindingType t) {
  switch (t) {
    case FindingType::kBool: return "a yes/no answer (valueBoolean)";
    case FindingType::kNumber: return "a number (valueDecimal or valueInteger)";
    case FindingType::kInteger: return "a whole number (valueInteger)";
    case FindingType::kChoice: return "one of its options (valueCoding, or valueString with the code)";
  }
  return "an answer";
}

// The request value of the one answer `answer` (at `path`) to finding `f`.
Result<OrderedJson, FhirIssue> AnswerValue(const FindingSpec& f, const Json& answer,
                                           const std::string& path) {
  if (!answer.is_object()) {
    return Invalid(path, fmt::format("linkId '{}': expected an answer object, got {}", f.id,
                                     TypeName(answer)));
  }
  std::string key;
  for (const auto& [k, v] : answer.items()) {
    if (k.rfind("value", 0) != 0) continue;
    if (!key.empty()) {
      return Invalid(path, fmt::format("linkId '{}': an answer has one value[x], got {} and {}",
                                       f.id, key, k));
    }
    key = k;
  }
  if (key.empty()) {
    return Invalid(path, fmt::format("linkId '{}': the answer has no value[x]; expected {}", f.id,
                                     Expected(f.type)));
  }
  const Json& v = answer.at(key);
  const std::string vpath = fmt::format("{}.{}", path, key);
  auto wrong = [&]() {
    return Invalid(vpath, fmt::format("linkId '{}': expected {}, got {}", f.id, Expected(f.type), key));
  };
  auto wrong_json = [&](const char* what) {
    return Invalid(vpath, fmt::format("linkId '{}': {} must be {}, got {}", f.id, key, what, TypeName(v)));
  };
  switch (f.type) {
    case FindingType::kBool:
      if (key != "valueBoolean") return wrong();
      if (!v.is_boolean()) return wrong_json("true or false");
      return OrderedJson(v.get<bool>());
    case FindingType::kNumber:
    case FindingType::kInteger: {
      const Json* number = &v;
      if (key == "valueQuantity") {
        if (!v.is_object() || !v.contains("value")) return wrong_json("a Quantity with a value");
        number = &v.at("value");
      } else if (key != "valueDecimal" && key != "valueInteger") {
        return wrong();
      }
      if (!number->is_number()) return wrong_json("a number");
      if (key == "valueInteger" && !number->is_number_integer()) return wrong_json("a whole number");
      if (number->is_number_float()) {
        const double d = number->get<double>();
        if (!std::isfinite(d)) return wrong_json("a finite number");
        return OrderedJson(d);
      }
      if (number->is_number_unsigned()) return OrderedJson(number->get<uint64_t>());
      return OrderedJson(number->get<int64_t>());
    }
    case FindingType::kChoice: {
      std::string code;
      if (key == "valueString") {
        if (!v.is_string()) return wrong_json("text");
        code = v.get<std::string>();
      } else if (key == "valueCoding") {
        if (!v.is_object() || !v.contains("code") || !v.at("code").is_string()) {
          return wrong_json("a Coding with a code");
        }
        code = v.at("code").get<std::string>();
        const std::string system = fmt::format("{}{}", kChoiceSystemPrefix, f.id);
        if (v.contains("system") && v.at("system") != system) {
          return Invalid(vpath + ".system",
                         fmt::format("linkId '{}': codes come from the system {}, got {}", f.id,
                                     system, v.at("system").is_string()
                                                 ? Shown(v.at("system").get<std::string>())
                                                 : std::string(TypeName(v.at("system")))));
        }
      } else {
        return wrong();
      }
      // ParseRequest checks the code against the choices.
      return OrderedJson(code);
    }
  }
  return wrong();
}

// One item to visit: where it is and its FHIRPath.
struct Frame {
  const Json* item;
  std::string path;
};

// Pushes the items of `list` (at `path`) so that they pop in document order.
// An error when `list` is not a list.
std::optional<FhirIssue> PushItems(const Json& list, const std::string& path, std::vector<Frame>* stack) {
  if (!list.is_array()) return Invalid(path, fmt::format("expected a list of items, got {}", TypeName(list)));
  for (size_t i = list.size(); i-- > 0;) {
    stack->push_back({&list[i], fmt::format("{}[{}]", path, i)});
  }
  return std::nullopt;
}

}  // namespace

Result<ConvertedResponse, FhirIssue> RequestFromQuestionnaireResponse(const KnowledgeBase& kb,
                                                                      const Json& qr,
                                                                      std::string_view root_view) {
  const std::string root(root_view);
  if (!qr.is_object()) {
    return Invalid(root, fmt::format("expected a QuestionnaireResponse, got {}", TypeName(qr)));
  }
  const auto rt = qr.find("resourceType");
  if (rt == qr.end() || *rt != "QuestionnaireResponse") {
    return Invalid(root, fmt::format("expected resourceType \"QuestionnaireResponse\", got {}",
                                     rt == qr.end()      ? std::string("none")
                                     : rt->is_string() ? "\"" + Shown(rt->get<std::string>()) + "\""
                                                         : std::string(TypeName(*rt))));
  }
  ConvertedResponse out;
  if (auto id = qr.find("id"); id != qr.end()) {
    if (!id->is_string() || !IsFhirId(id->get<std::string>())) {
      return Invalid(root + ".id", "must be a FHIR id: 1 to 64 letters, digits, '-' or '.'");
    }
    out.context.id = id->get<std::string>();
  }
  if (auto q = qr.find("questionnaire"); q != qr.end()) {
    if (!q->is_string()) return Invalid(root + ".questionnaire", "must be a canonical URL (text)");
    if (!IsOurQuestionnaire(q->get<std::string>())) {
      return Invalid(root + ".questionnaire",
                     fmt::format("answers the questionnaire '{}'; this operation takes answers to "
                                 "Questionnaire/{}",
                                 Shown(q->get<std::string>()), kQuestionnaireId));
    }
  }
  for (const char* ref : {"subject", "encounter"}) {
    auto it = qr.find(ref);
    if (it == qr.end()) continue;
    if (!it->is_object()) {
      return Invalid(fmt::format("{}.{}", root, ref),
                     fmt::format("must be a Reference (an object), got {}", TypeName(*it)));
    }
    (std::string_view(ref) == "subject" ? out.context.subject : out.context.encounter) = *it;
  }

  // Walk the item tree in document order, collecting one value per finding.
  OrderedJson findings = OrderedJson::object();
  std::unordered_map<std::string, std::string> answer_path;  // finding -> FHIRPath of its value
  std::vector<Frame> stack;
  if (auto items = qr.find("item"); items != qr.end()) {
    if (auto error = PushItems(*items, root + ".item", &stack)) return *error;
  }
  size_t visited = 0;
  while (!stack.empty()) {
    const Frame frame = std::move(stack.back());
    stack.pop_back();
    if (++visited > kMaxQuestionnaireItems) {
      return Invalid(root, fmt::format("has more than {} items", kMaxQuestionnaireItems));
    }
    const Json& item = *frame.item;
    if (!item.is_object()) {
      return Invalid(frame.path, fmt::format("expected an item (an object), got {}", TypeName(item)));
    }
    const auto link = item.find("linkId");
    if (link == item.end() || !link->is_string()) {
      return Invalid(frame.path + ".linkId", "is required, as text");
    }
    const std::string link_id = link->get<std::string>();
    // Children after this item's answer, so that they pop after it.
    if (auto children = item.find("item"); children != item.end()) {
      if (auto error = PushItems(*children, frame.path + ".item", &stack)) return *error;
    }
    const auto answers = item.find("answer");
    if (answers == item.end()) continue;
    const std::string answers_path = frame.path + ".answer";
    if (!answers->is_array()) {
      return Invalid(answers_path, fmt::format("expected a list of answers, got {}", TypeName(*answers)));
    }
    if (answers->empty()) continue;  // asked, not answered: unknown
    const int index = kb.FindingIndex(link_id);
    if (index < 0) {
      const std::string hint = kb.SuggestFinding(link_id);
      return Invalid(frame.path,
                     fmt::format("unknown linkId '{}': not a finding of Questionnaire/{}{}",
                                 Shown(link_id), kQuestionnaireId,
                                 hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
    if (answers->size() > 1) {
      return Invalid(answers_path + "[1]",
                     fmt::format("linkId '{}' has {} answers; a finding takes one", link_id,
                                 answers->size()));
    }
    if (auto seen = answer_path.find(link_id); seen != answer_path.end()) {
      return Invalid(frame.path, fmt::format("linkId '{}' is answered twice (also at {})", link_id,
                                             seen->second));
    }
    const Json& answer = (*answers)[0];
    const std::string answer0 = answers_path + "[0]";
    auto value = AnswerValue(kb.findings()[index], answer, answer0);
    if (!value.ok()) return value.error();
    std::string value_path = answer0;
    for (const auto& [k, v] : answer.items()) {
      if (k.rfind("value", 0) == 0) value_path += "." + k;
    }
    answer_path.emplace(link_id, value_path);
    findings[link_id] = std::move(value).value();
    if (auto nested = answer.find("item"); nested != answer.end()) {
      if (auto error = PushItems(*nested, answer0 + ".item", &stack)) return *error;
    }
  }

  OrderedJson request = OrderedJson::object();
  if (out.context.id) request["ref"] = *out.context.id;
  request["findings"] = std::move(findings);
  out.request_json = Dump(request);
  auto parsed = ParseRequest(kb, out.request_json);
  if (!parsed.ok()) {
    // Map the request's JSON path back to the response.
    const InputError& e = parsed.error();
    constexpr std::string_view kFindingsPrefix = "$.findings.";
    if (e.path.rfind(kFindingsPrefix, 0) == 0) {
      const std::string id = e.path.substr(kFindingsPrefix.size());
      auto it = answer_path.find(id);
      if (it != answer_path.end()) {
        return Invalid(it->second, fmt::format("linkId '{}': {}", id, e.message));
      }
      const int index = kb.FindingIndex(id);
      const std::string question = index >= 0 ? kb.findings()[index].question : "";
      return Invalid(root + ".item", fmt::format("linkId '{}' ({}) {}", id, question, e.message));
    }
    if (e.path == "$.ref") return Invalid(root + ".id", e.message);
    return Invalid(root, e.message);
  }
  out.request = std::move(parsed).value();
  return out;
}

}  // namespace norotriage::fhir
