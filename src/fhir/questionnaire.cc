// BuildQuestionnaire: the finding vocabulary as a FHIR R4 Questionnaire.
#include "fhir/questionnaire.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "compile/compiled_kb.h"

namespace norotriage::fhir {
namespace {

using internal::Cond;
using internal::Instr;
using internal::Op;

constexpr std::string_view kHistoryGroup = "history";
constexpr std::string_view kMinValueUrl = "http://hl7.org/fhir/StructureDefinition/minValue";
constexpr std::string_view kMaxValueUrl = "http://hl7.org/fhir/StructureDefinition/maxValue";
constexpr std::string_view kItemControlUrl =
    "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
constexpr std::string_view kItemControlSystem = "http://hl7.org/fhir/questionnaire-item-control";

// The knowledge base names groups but gives them no titles; these are the
// section headings of spec/request.md.
const std::map<std::string, std::string, std::less<>>& GroupTitles() {
  static const auto* titles = new std::map<std::string, std::string, std::less<>>{
      {"patient", "About you"},
      {"illness", "The stomach illness"},
      {"hydration", "Fluids and hydration"},
      {"back", "Back pain"},
      {"legs", "Legs and muscles"},
      {"warning", "Other warning signs"},
      {"medicines", "Medicines and long-term conditions"},
      {"history", "Earlier check-ins"},
  };
  return *titles;
}

// A node of a condition's postfix program: the instructions [begin, end).
struct Span {
  uint32_t begin = 0, end = 0;
  size_t size() const { return end - begin; }
};

// The two operands of a condition of the form "A and B", or nothing.
// Rebuilds operand spans with an explicit stack (no recursion).
std::optional<std::pair<Span, Span>> SplitAnd(const internal::Program& prog, Cond cond) {
  if (cond.end - cond.begin < 3) return std::nullopt;
  const Instr& root = prog.code[cond.end - 1];
  if (root.op != Op::kAnd || root.n != 2) return std::nullopt;
  std::vector<Span> stack;
  for (uint32_t i = cond.begin; i + 1 < cond.end; ++i) {
    const Instr& in = prog.code[i];
    switch (in.op) {
      case Op::kBool: case Op::kCompare: case Op::kIn: case Op::kKnown: case Op::kSum:
        stack.push_back({i, i + 1});
        break;
      case Op::kNot:
        if (stack.empty()) return std::nullopt;
        stack.back().end = i + 1;
        break;
      case Op::kAnd: case Op::kOr: case Op::kAtLeast: {
        if (in.n == 0 || stack.size() < in.n) return std::nullopt;
        const uint32_t begin = stack[stack.size() - in.n].begin;
        stack.resize(stack.size() - in.n);
        stack.push_back({begin, i + 1});
        break;
      }
    }
  }
  if (stack.size() != 2) return std::nullopt;
  return std::make_pair(stack[0], stack[1]);
}

// The one slot every leaf of `span` reads, or -1 (several slots, or a sum).
int SingleSlot(const internal::Program& prog, Span span) {
  int slot = -1;
  for (uint32_t i = span.begin; i < span.end; ++i) {
    const Instr& in = prog.code[i];
    if (in.op == Op::kSum) return -1;
    if (in.op == Op::kBool || in.op == Op::kCompare || in.op == Op::kIn || in.op == Op::kKnown) {
      if (slot >= 0 && slot != in.slot) return -1;
      slot = in.slot;
    }
  }
  return slot;
}

// If `span` is a guard on one bool or choice finding (X, not X, X in S,
// not X in S), the dependency it implies for `dependent`.
std::optional<Dependency> GuardDependency(const internal::CompiledKb& ckb, Span span,
                                          const std::string& dependent) {
  if (span.size() != 1 && span.size() != 2) return std::nullopt;
  const Instr& leaf = ckb.program.code[span.begin];
  const bool negated = span.size() == 2;
  if (negated && ckb.program.code[span.begin + 1].op != Op::kNot) return std::nullopt;
  if (leaf.slot < 0 || static_cast<size_t>(leaf.slot) >= ckb.findings.size()) return std::nullopt;
  const FindingSpec& guard = ckb.findings[leaf.slot];
  Dependency dep{dependent, guard.id, {}, false};
  if (leaf.op == Op::kBool) {
    // The guard forbids the answer when it holds: enabled on the other value.
    dep.enabled_when.push_back(negated ? "true" : "false");
    return dep;
  }
  if (leaf.op != Op::kIn) return std::nullopt;
  std::vector<std::string> in_set, out_set;
  for (size_t c = 0; c < guard.choices.size() && c < 64; ++c) {
    ((leaf.mask >> c) & 1 ? in_set : out_set).push_back(guard.choices[c]);
  }
  if (negated) {
    dep.enabled_when = std::move(in_set);            // forbidden unless X in S
  } else if (in_set.size() == 1) {
    dep.enabled_when = std::move(in_set);            // forbidden when X = s: "unless X = s",
    dep.negate = true;                               // so an unanswered X leaves it asked
  } else {
    dep.enabled_when = std::move(out_set);
  }
  if (dep.enabled_when.empty()) return std::nullopt;
  return dep;
}

// True when `span` reads only the dependent's value (known(Y), Y > 0, …)
// and is not itself guard-shaped, so which side is which is unambiguous.
bool IsDependentSide(const internal::Program& prog, Span span) {
  for (uint32_t i = span.begin; i < span.end; ++i) {
    if (prog.code[i].op == Op::kKnown || prog.code[i].op == Op::kCompare) return true;
  }
  return false;
}

OrderedJson Extension(std::string_view url, std::string_view value_key, OrderedJson value) {
  return OrderedJson{{"url", url}, {value_key, std::move(value)}};
}

OrderedJson ChoiceCoding(const FindingSpec& f, size_t c) {
  OrderedJson coding = {{"system", fmt::format("{}{}", kChoiceSystemPrefix, f.id)},
                        {"code", f.choices[c]}};
  if (c < f.choice_labels.size() && !f.choice_labels[c].empty()) {
    coding["display"] = f.choice_labels[c];
  }
  return coding;
}

const char* ItemType(FindingType t) {
  switch (t) {
    case FindingType::kBool: return "boolean";
    case FindingType::kNumber: return "decimal";
    case FindingType::kInteger: return "integer";
    case FindingType::kChoice: return "choice";
  }
  return "string";
}

// One enableWhen entry on a bool or choice question: "question != value"
// (a choice index, or 0/1 for a bool).
OrderedJson NotEqual(const FindingSpec& guard, size_t value) {
  OrderedJson c = {{"question", guard.id}, {"operator", "!="}};
  if (guard.type == FindingType::kBool) {
    c["answerBoolean"] = value != 0;
  } else {
    c["answerCoding"] = ChoiceCoding(guard, value);
  }
  return c;
}

const char* CmpOperator(internal::Cmp cmp) {
  switch (cmp) {
    case internal::Cmp::kEq: return "=";
    case internal::Cmp::kNe: return "!=";
    case internal::Cmp::kLt: return "<";
    case internal::Cmp::kLe: return "<=";
    case internal::Cmp::kGt: return ">";
    case internal::Cmp::kGe: return ">=";
  }
  return "=";
}

// The enableWhen entries of one leaf of an asked_when (negated or not), or
// why it cannot be said.
Result<std::vector<OrderedJson>, std::string> LeafEnableWhen(const internal::CompiledKb& ckb,
                                                             const Instr& leaf, bool negated) {
  if (leaf.slot < 0 || static_cast<size_t>(leaf.slot) >= ckb.findings.size()) {
    return std::string("it reads a definition or a sum");
  }
  const FindingSpec& x = ckb.findings[leaf.slot];
  if (x.group == kHistoryGroup) return fmt::format("'{}' is not in the questionnaire", x.id);
  std::vector<OrderedJson> out;
  switch (leaf.op) {
    case Op::kBool:
      out.push_back(NotEqual(x, negated ? 1 : 0));  // X: shown unless X = false
      return out;
    case Op::kIn:
      for (size_t c = 0; c < x.choices.size() && c < 64; ++c) {
        const bool in = (leaf.mask >> c) & 1;
        if (in == negated) out.push_back(NotEqual(x, c));  // every choice that makes it false
      }
      return out;
    case Op::kCompare: {
      if (leaf.slot != ckb.age_slot) {
        return fmt::format("a comparison of '{}', which may be unanswered (enableWhen would then "
                           "hide the question, where the engine asks it)", x.id);
      }
      if (negated) return fmt::format("'not' before a comparison of '{}'", x.id);
      OrderedJson c = {{"question", x.id}, {"operator", CmpOperator(leaf.cmp)}};
      if (x.type == FindingType::kInteger) {
        c["answerInteger"] = static_cast<long long>(leaf.value);
      } else {
        c["answerDecimal"] = leaf.value;
      }
      out.push_back(std::move(c));
      return out;
    }
    default:
      return std::string("known() or a sum");
  }
}

// The enableWhen entries of one question and its enableBehavior: first its
// asked_when (all of them), then the dependencies on it whose guards are in
// the questionnaire.
void AddEnableWhen(const internal::CompiledKb& ckb, const std::vector<OrderedJson>& asked,
                   const std::vector<const Dependency*>& deps, OrderedJson* item) {
  OrderedJson conditions = OrderedJson::array();
  for (const OrderedJson& c : asked) conditions.push_back(c);
  std::string behavior = "all";
  for (const Dependency* d : deps) {
    // R4 has one enableBehavior per item: a dependency with several allowed
    // values ("any" of them) can only be said when it is the only condition.
    // Else it is left out, which asks the question more often, never less.
    if (d->enabled_when.size() > 1 && (deps.size() > 1 || !asked.empty())) continue;
    if (d->enabled_when.size() > 1) behavior = "any";
    const FindingSpec& guard = ckb.findings[ckb.finding_index.at(d->guard)];
    for (const std::string& value : d->enabled_when) {
      OrderedJson c = {{"question", guard.id}, {"operator", d->negate ? "!=" : "="}};
      if (guard.type == FindingType::kBool) {
        c["answerBoolean"] = value == "true";
      } else {
        auto it = std::find(guard.choices.begin(), guard.choices.end(), value);
        c["answerCoding"] = ChoiceCoding(guard, it - guard.choices.begin());
      }
      if (std::find(conditions.begin(), conditions.end(), c) == conditions.end()) {
        conditions.push_back(std::move(c));  // asked_when may already say it
      }
    }
  }
  if (conditions.empty()) return;
  (*item)["enableWhen"] = std::move(conditions);
  (*item)["enableBehavior"] = behavior;
}

OrderedJson QuestionItem(const internal::CompiledKb& ckb, int index, const std::vector<OrderedJson>& asked,
                         const std::vector<const Dependency*>& deps) {
  const FindingSpec& f = ckb.findings[index];
  OrderedJson item;
  const bool integer = f.type == FindingType::kInteger;
  if (f.type == FindingType::kNumber || integer) {
    const char* key = integer ? "valueInteger" : "valueDecimal";
    OrderedJson min = integer ? OrderedJson(static_cast<long long>(f.min)) : OrderedJson(f.min);
    OrderedJson max = integer ? OrderedJson(static_cast<long long>(f.max)) : OrderedJson(f.max);
    item["extension"] = OrderedJson::array(
        {Extension(kMinValueUrl, key, std::move(min)), Extension(kMaxValueUrl, key, std::move(max))});
  }
  item["linkId"] = f.id;
  item["code"] = OrderedJson::array(
      {{{"system", kFindingSystem}, {"code", f.id}, {"display", f.label.empty() ? f.question : f.label}}});
  item["text"] = f.question;
  item["type"] = ItemType(f.type);
  AddEnableWhen(ckb, asked, deps, &item);
  if (index == ckb.age_slot) item["required"] = true;  // the one finding a request must have
  if (f.type == FindingType::kChoice) {
    OrderedJson options = OrderedJson::array();
    for (size_t c = 0; c < f.choices.size(); ++c) {
      options.push_back({{"valueCoding", ChoiceCoding(f, c)}});
    }
    item["answerOption"] = std::move(options);
  }
  if (!f.help.empty()) {
    OrderedJson control = {
        {"coding", OrderedJson::array({{{"system", kItemControlSystem}, {"code", "help"},
                                        {"display", "Help-Button"}}})},
        {"text", "Help-Button"}};
    OrderedJson help = {
        {"extension", OrderedJson::array({Extension(kItemControlUrl, "valueCodeableConcept",
                                                    std::move(control))})},
        {"linkId", f.id + "-help"},
        {"text", f.help},
        {"type", "display"}};
    item["item"] = OrderedJson::array({std::move(help)});
  }
  return item;
}

}  // namespace

std::string GroupTitle(std::string_view group) {
  const auto& titles = GroupTitles();
  auto it = titles.find(group);
  return it == titles.end() ? std::string(group) : it->second;
}

std::string GroupLinkId(std::string_view group) { return fmt::format("group-{}", group); }

Result<std::vector<OrderedJson>> AskedWhenEnableWhen(const KnowledgeBase& kb, std::string_view id) {
  const internal::CompiledKb& ckb = kb.compiled();
  auto f = ckb.finding_index.find(id);
  if (f == ckb.finding_index.end()) return Status::NotFound(fmt::format("no finding '{}'", id));
  const internal::Applicability* a = nullptr;
  for (const internal::Applicability& x : ckb.applicability) {
    if (x.slot == f->second) a = &x;
  }
  std::vector<OrderedJson> out;
  if (a == nullptr) return out;
  auto fail = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("finding '{}': asked_when \"{}\" cannot be said as FHIR "
                                               "enableWhen: {}", id, ckb.findings[f->second].asked_when, why));
  };
  // The condition as a stack of terms: a leaf (with its 'not'), or a
  // conjunction of terms. Only "and" of leaves reduces to one term.
  struct Term {
    int leaf = -1;  // instruction index; -1: a conjunction
    bool negated = false;
  };
  std::vector<Term> stack, leaves;
  const internal::Program& prog = ckb.program;
  for (uint32_t i = a->asked_when.begin; i < a->asked_when.end; ++i) {
    const Instr& in = prog.code[i];
    switch (in.op) {
      case Op::kBool: case Op::kCompare: case Op::kIn:
        stack.push_back({static_cast<int>(i), false});
        break;
      case Op::kNot:
        if (stack.empty() || stack.back().leaf < 0 || stack.back().negated) return fail("'not' of more than one test");
        stack.back().negated = true;
        break;
      case Op::kAnd:
        if (in.n == 0 || stack.size() < in.n) return fail("a malformed program");
        for (size_t k = stack.size() - in.n; k < stack.size(); ++k) {
          if (stack[k].leaf >= 0) leaves.push_back(stack[k]);
        }
        stack.resize(stack.size() - in.n);
        stack.push_back({-1, false});
        break;
      case Op::kOr: return fail("'or' (enableBehavior says all or any, once per question)");
      case Op::kAtLeast: return fail("'at least'");
      case Op::kKnown: return fail("known()");
      case Op::kSum: return fail("a sum");
    }
  }
  if (stack.size() != 1) return fail("a malformed program");
  if (stack[0].leaf >= 0) leaves.push_back(stack[0]);
  for (const Term& t : leaves) {
    auto entries = LeafEnableWhen(ckb, prog.code[t.leaf], t.negated);
    if (!entries.ok()) return fail(entries.error());
    for (OrderedJson& e : entries.value()) out.push_back(std::move(e));
  }
  if (out.empty()) return fail("it is never true");
  return out;
}

std::vector<Dependency> DependenciesFromConsistency(const KnowledgeBase& kb) {
  const internal::CompiledKb& ckb = kb.compiled();
  std::vector<Dependency> deps;
  for (const internal::ConsistencyRule& rule : ckb.consistency) {
    auto halves = SplitAnd(ckb.program, rule.error_if);
    if (!halves) continue;
    for (int flip = 0; flip < 2; ++flip) {
      const Span guard = flip ? halves->second : halves->first;
      const Span other = flip ? halves->first : halves->second;
      const int dep_slot = SingleSlot(ckb.program, other);
      if (dep_slot < 0 || static_cast<size_t>(dep_slot) >= ckb.findings.size()) continue;
      if (!IsDependentSide(ckb.program, other)) continue;
      auto dep = GuardDependency(ckb, guard, ckb.findings[dep_slot].id);
      if (dep && dep->guard != dep->dependent) {
        deps.push_back(std::move(*dep));
        break;
      }
    }
  }
  return deps;
}

OrderedJson BuildQuestionnaire(const KnowledgeBase& kb, std::string_view base_url) {
  const internal::CompiledKb& ckb = kb.compiled();
  const std::vector<Dependency> deps = DependenciesFromConsistency(kb);

  // Groups in vocabulary order, each with its askable findings.
  std::vector<std::pair<std::string, std::vector<int>>> groups;
  for (size_t i = 0; i < ckb.findings.size(); ++i) {
    const FindingSpec& f = ckb.findings[i];
    if (f.group == kHistoryGroup) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == f.group; });
    if (it == groups.end()) it = groups.insert(groups.end(), {f.group, {}});
    it->second.push_back(static_cast<int>(i));
  }
  auto askable = [&](const std::string& id) {
    auto it = ckb.finding_index.find(id);
    return it != ckb.finding_index.end() && ckb.findings[it->second].group != kHistoryGroup;
  };

  OrderedJson items = OrderedJson::array();
  for (const auto& [group, members] : groups) {
    OrderedJson questions = OrderedJson::array();
    for (int index : members) {
      std::vector<const Dependency*> mine;
      for (const Dependency& d : deps) {
        if (d.dependent == ckb.findings[index].id && askable(d.guard)) mine.push_back(&d);
      }
      // An asked_when that enableWhen cannot say leaves the question always
      // shown: asked more often, never less (tests/fhir_v2_test.cc fails).
      auto asked = AskedWhenEnableWhen(kb, ckb.findings[index].id);
      questions.push_back(
          QuestionItem(ckb, index, asked.ok() ? asked.value() : std::vector<OrderedJson>{}, mine));
    }
    items.push_back({{"linkId", GroupLinkId(group)},
                     {"text", GroupTitle(group)},
                     {"type", "group"},
                     {"item", std::move(questions)}});
  }

  return OrderedJson{
      {"resourceType", "Questionnaire"},
      {"id", kQuestionnaireId},
      {"url", QuestionnaireUrl(base_url)},
      {"version", ckb.version},
      {"name", "NorotriageAssessment"},
      {"title", "Back pain and aching legs during a stomach bug (norovirus): triage questions"},
      {"status", "active"},
      {"subjectType", OrderedJson::array({"Patient"})},
      {"publisher", "norotriage"},
      {"description",
       fmt::format("Generated from the norotriage knowledge base {}. Answer what you know and leave "
                   "the rest blank: a blank answer is 'unknown', never 'no'. Decision support, not "
                   "a diagnosis; the content has not yet been reviewed by clinicians.",
                   ckb.version)},
      {"item", std::move(items)}};
}

std::string QuestionnaireJson(const KnowledgeBase& kb, std::string_view base_url) {
  return Dump(BuildQuestionnaire(kb, base_url));
}

}  // namespace norotriage::fhir
