#include "kb/export_rules_engine.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compile/compiled_kb.h"
#include "util/status_macros.h"

namespace norotriage::internal {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kPriorityWeightLoss = 7;      // a hydration sign: before "_assessed"
constexpr int kPriorityAssessed = 6;
constexpr int kPriorityApplicability = 5;
constexpr int kPrioritySums = 3;
constexpr int kPriorityHydration = 2;
constexpr int kPriorityFlags = 1;

// json-rules-engine evaluates an empty `all` (and, surprisingly, an empty
// `any`) as true, so false is written as not(all []).
Json True() { return Json{{"all", Json::array()}}; }
Json False() { return Json{{"not", True()}}; }
bool IsTrue(const Json& j) { return j == True(); }
bool IsFalse(const Json& j) { return j == False(); }

// The one key of a boolean node ("all", "any", "not"), or "" for a leaf.
std::string BoolOp(const Json& j) {
  if (j.size() != 1) return "";
  const std::string& k = j.begin().key();
  return k == "all" || k == "any" || k == "not" ? k : "";
}

// all/any of `items`, flattened and with constants folded. `unit` is the
// constant that is dropped, `zero` the one that decides.
Json Junction(const char* op, std::vector<Json> items) {
  const bool is_all = std::string_view(op) == "all";
  Json out = Json::array();
  for (Json& it : items) {
    if (is_all ? IsTrue(it) : IsFalse(it)) continue;
    if (is_all ? IsFalse(it) : IsTrue(it)) return is_all ? False() : True();
    if (BoolOp(it) == op) {
      for (Json& c : it[op]) out.push_back(std::move(c));
    } else {
      out.push_back(std::move(it));
    }
  }
  if (out.empty()) return is_all ? True() : False();
  if (out.size() == 1) return std::move(out[0]);
  return Json{{op, std::move(out)}};
}

Json All(std::vector<Json> items) { return Junction("all", std::move(items)); }
Json Any(std::vector<Json> items) { return Junction("any", std::move(items)); }

Json Not(Json j) {
  if (IsTrue(j)) return False();
  if (IsFalse(j)) return True();
  return Json{{"not", std::move(j)}};
}

Json Fact(const std::string& fact, const char* op, Json value) {
  return Json{{"fact", fact}, {"operator", op}, {"value", std::move(value)}};
}

Cmp Negate(Cmp c) {
  switch (c) {
    case Cmp::kEq: return Cmp::kNe;
    case Cmp::kNe: return Cmp::kEq;
    case Cmp::kLt: return Cmp::kGe;
    case Cmp::kLe: return Cmp::kGt;
    case Cmp::kGt: return Cmp::kLe;
    case Cmp::kGe: return Cmp::kLt;
  }
  return c;
}

// fact <cmp> value, false when the fact is absent. "!=" is not notEqual,
// which holds for an absent fact.
Json Compare(const std::string& fact, Cmp cmp, double value) {
  switch (cmp) {
    case Cmp::kEq: return Fact(fact, "equal", value);
    case Cmp::kNe: return Any({Fact(fact, "lessThan", value), Fact(fact, "greaterThan", value)});
    case Cmp::kLt: return Fact(fact, "lessThan", value);
    case Cmp::kLe: return Fact(fact, "lessThanInclusive", value);
    case Cmp::kGt: return Fact(fact, "greaterThan", value);
    case Cmp::kGe: return Fact(fact, "greaterThanInclusive", value);
  }
  return False();
}

class Exporter {
 public:
  Exporter(const CompiledKb& kb, const RulesEngineExportLimits& limits) : kb_(kb), limits_(limits) {}

  // T(cond) and F(cond) in one postfix pass (an explicit stack, no recursion).
  Status Convert(Cond cond, Json* t, Json* f) {
    struct Pair {
      Json t, f;
    };
    std::vector<Pair> stack;
    for (uint32_t pc = cond.begin; pc < cond.end; ++pc) {
      const Instr& in = kb_.program.code[pc];
      switch (in.op) {
        case Op::kAnd:
        case Op::kOr: {
          std::vector<Json> ts, fs;
          for (size_t i = stack.size() - in.n; i < stack.size(); ++i) {
            ts.push_back(std::move(stack[i].t));
            fs.push_back(std::move(stack[i].f));
          }
          stack.resize(stack.size() - in.n);
          if (in.op == Op::kAnd) stack.push_back({All(std::move(ts)), Any(std::move(fs))});
          else stack.push_back({Any(std::move(ts)), All(std::move(fs))});
          break;
        }
        case Op::kNot:
          std::swap(stack.back().t, stack.back().f);
          break;
        case Op::kAtLeast: {
          std::vector<Json> ts, fs;
          for (size_t i = stack.size() - in.n; i < stack.size(); ++i) {
            ts.push_back(std::move(stack[i].t));
            fs.push_back(std::move(stack[i].f));
          }
          stack.resize(stack.size() - in.n);
          const int n = in.n, k = in.k;
          Pair p;
          // T: some k hold. F: fewer than k can hold, i.e. some n-k+1 fail.
          if (auto s = Choose(ts, k, &p.t); !s.ok()) return s;
          if (auto s = Choose(fs, n - k + 1, &p.f); !s.ok()) return s;
          stack.push_back(std::move(p));
          break;
        }
        default: {
          Pair p;
          if (auto s = Leaf(in, &p.t, &p.f); !s.ok()) return s;
          stack.push_back(std::move(p));
        }
      }
    }
    if (stack.size() != 1) return Status::Internal("export: a condition does not reduce to one value");
    *t = std::move(stack[0].t);
    *f = std::move(stack[0].f);
    return Status::Ok();
  }

  // "The fact of `slot` is present" (never unknown itself).
  Json Known(int slot) const {
    const std::string& fact = kb_.slot_names[slot];
    if (slot < static_cast<int>(kb_.findings.size()) && kb_.findings[slot].type == FindingType::kBool) {
      return Fact(fact, "in", Json::array({true, false}));
    }
    if (!kb_.slot_choices[slot].empty()) return Fact(fact, "in", kb_.slot_choices[slot]);
    return Any({Fact(fact, "greaterThanInclusive", 0), Fact(fact, "lessThan", 0)});
  }

  // Rules that derive the sums read by the conditions converted so far.
  std::vector<Json> SumRules() const {
    std::vector<Json> rules;
    for (const auto& [first, n] : sums_) {
      for (bool partial : {true, false}) {
        Json terms = Json::array();
        for (int i = 0; i < n; ++i) {
          Json term{{"fact", kb_.slot_names[kb_.program.sum_slots[first + i]]}};
          if (partial) term["default"] = 0;  // the sum of the known terms
          terms.push_back(std::move(term));
        }
        rules.push_back(DeriveRule(SumFact(first, partial), kPrioritySums, True(),
                                   Json{{"add", std::move(terms)}}));
      }
    }
    return rules;
  }

  static Json DeriveRule(const std::string& fact, int priority, Json conditions, Json value) {
    return Json{{"name", "derive " + fact},
                {"priority", priority},
                {"conditions", Root(std::move(conditions))},
                {"event", {{"type", "derive"}, {"params", {{"fact", fact}, {"value", std::move(value)}}}}}};
  }

  // A rule's conditions must be all/any/not at the top.
  static Json Root(Json j) { return BoolOp(j).empty() ? Json{{"all", Json::array({std::move(j)})}} : j; }

 private:
  static std::string SumFact(int first, bool partial) {
    return fmt::format("_sum_{}_{}", partial ? "known" : "all", first);
  }

  // `any` of the `all` of every m-element subset of items.
  Status Choose(std::vector<Json>& items, int m, Json* out) const {
    const int n = static_cast<int>(items.size());
    if (m <= 0) { *out = True(); return Status::Ok(); }
    if (m > n) { *out = False(); return Status::Ok(); }
    std::vector<int> idx(m);
    for (int i = 0; i < m; ++i) idx[i] = i;
    std::vector<Json> groups;
    while (true) {
      if (groups.size() >= limits_.max_combinations) {
        return Status::ResourceExhausted(fmt::format(
            "export: at_least() expands into more than {} combinations", limits_.max_combinations));
      }
      std::vector<Json> g;
      for (int i : idx) g.push_back(items[i]);
      groups.push_back(All(std::move(g)));
      // The next combination in lexicographic order.
      int i = m - 1;
      while (i >= 0 && idx[i] == n - m + i) --i;
      if (i < 0) break;
      ++idx[i];
      for (int j = i + 1; j < m; ++j) idx[j] = idx[j - 1] + 1;
    }
    *out = Any(std::move(groups));
    return Status::Ok();
  }

  Status Leaf(const Instr& in, Json* t, Json* f) {
    const std::string fact = in.op == Op::kSum ? std::string() : kb_.slot_names[in.slot];
    switch (in.op) {
      case Op::kBool:
        *t = Fact(fact, "equal", true);
        *f = Fact(fact, "equal", false);
        return Status::Ok();
      case Op::kCompare:
        *t = Compare(fact, in.cmp, in.value);
        *f = Compare(fact, Negate(in.cmp), in.value);
        return Status::Ok();
      case Op::kIn: {
        Json yes = Json::array(), no = Json::array();
        const auto& choices = kb_.slot_choices[in.slot];
        for (size_t i = 0; i < choices.size() && i < 64; ++i) {
          (in.mask >> i & 1 ? yes : no).push_back(choices[i]);
        }
        *t = yes.empty() ? False() : Fact(fact, "in", std::move(yes));
        *f = no.empty() ? False() : Fact(fact, "in", std::move(no));
        return Status::Ok();
      }
      case Op::kKnown:
        *t = Known(in.slot);
        *f = Not(Known(in.slot));
        return Status::Ok();
      case Op::kSum: {
        // Terms are >= 0: the known terms alone can make >= and > true, and
        // <= and < false (as the evaluator decides); the rest needs all.
        sums_[in.slot] = in.n;
        const bool up = in.cmp == Cmp::kGe || in.cmp == Cmp::kGt;
        const bool down = in.cmp == Cmp::kLe || in.cmp == Cmp::kLt;
        *t = Compare(SumFact(in.slot, up), in.cmp, in.value);
        *f = Compare(SumFact(in.slot, down), Negate(in.cmp), in.value);
        return Status::Ok();
      }
      default:
        return Status::Internal("export: unexpected instruction");
    }
  }

  const CompiledKb& kb_;
  const RulesEngineExportLimits& limits_;
  std::map<int, int> sums_;  // first sum_slots index -> term count
};

}  // namespace

Result<std::string> ExportRulesEngine(const KnowledgeBase& kbase, const RulesEngineExportLimits& limits) {
  const CompiledKb& kb = kbase.compiled();
  Exporter ex(kb, limits);
  Json rules = Json::array();

  // weight_loss_percent, as eval/request_state.cc computes it (the same
  // operations in the same order, so the doubles agree bit for bit).
  {
    const std::string& w = kb.slot_names[kb.weight_slot];
    const std::string& pre = kb.slot_names[kb.pre_weight_slot];
    auto fact = [](const std::string& id) { return Json{{"fact", id}}; };
    auto op = [](const char* name, Json a, Json b) { return Json{{name, Json::array({std::move(a), std::move(b)})}}; };
    Json value = Json{{"round", Json::array({op("mul", op("div", op("mul", 100, op("sub", fact(pre), fact(w))), fact(pre)), 1e9), 1e9})}};
    rules.push_back(Exporter::DeriveRule(kb.slot_names[kb.weight_loss_slot], kPriorityWeightLoss,
                                         All({Fact(pre, "greaterThan", 0), ex.Known(kb.weight_slot)}),
                                         std::move(value)));
  }

  // The hydration status: severe when its condition is definitely true, else
  // some when that one is, else none; set only when any sign is known.
  const HydrationRules& h = kb.hydration;
  for (int s : h.sign_slots) {
    if (s == kb.hydration_slot) return Status::InvalidArgument("export: a hydration condition reads 'hydration'");
  }
  Json severe_t, severe_f, some_t, some_f;
  NT_RETURN_IF_ERROR(ex.Convert(h.severe, &severe_t, &severe_f));
  NT_RETURN_IF_ERROR(ex.Convert(h.some, &some_t, &some_f));
  // "Assessed" reads the signs the request gave, so it is derived before the
  // findings that do not apply are filled in.
  std::vector<Json> known_signs;
  for (int s : h.sign_slots) known_signs.push_back(ex.Known(s));
  rules.push_back(Exporter::DeriveRule("_assessed", kPriorityAssessed, Any(std::move(known_signs)), Json(true)));
  const Json assessed = Fact("_assessed", "equal", true);
  // Who a finding applies to: read as `otherwise` when not given and its
  // asked_when is definitely false (eval/request_state.cc).
  for (const Applicability& a : kb.applicability) {
    Json t, f;
    NT_RETURN_IF_ERROR(ex.Convert(a.asked_when, &t, &f));
    const FindingSpec& spec = kb.findings[a.slot];
    Json value = spec.type == FindingType::kBool     ? Json(a.otherwise != 0)
                 : spec.type == FindingType::kChoice ? Json(spec.choices[static_cast<size_t>(a.otherwise)])
                                                     : Json(a.otherwise);
    rules.push_back(Exporter::DeriveRule(spec.id, kPriorityApplicability, All({Not(ex.Known(a.slot)), f}),
                                         std::move(value)));
  }
  const std::string& hyd = kb.slot_names[kb.hydration_slot];
  std::vector<Json> hydration_rules;
  hydration_rules.push_back(Exporter::DeriveRule(hyd, kPriorityHydration, All({assessed, severe_t}),
                                                 Json(std::string(HydrationStatusId(HydrationStatus::kSevere)))));
  hydration_rules.push_back(Exporter::DeriveRule(hyd, kPriorityHydration,
                                                 All({assessed, Not(severe_t), some_t}),
                                                 Json(std::string(HydrationStatusId(HydrationStatus::kSome)))));
  hydration_rules.push_back(Exporter::DeriveRule(hyd, kPriorityHydration,
                                                 All({assessed, Not(severe_t), Not(some_t)}),
                                                 Json(std::string(HydrationStatusId(HydrationStatus::kNone)))));

  std::vector<Json> flag_rules;
  for (const FlagRule& fl : kb.flags) {
    Json t, f;
    NT_RETURN_IF_ERROR(ex.Convert(fl.when, &t, &f));
    flag_rules.push_back(Json{{"name", fl.id},
                              {"priority", kPriorityFlags},
                              {"conditions", Exporter::Root(std::move(t))},
                              {"event", {{"type", "flag"}, {"params", {{"id", fl.id}, {"level", std::string(LevelId(fl.level))}}}}}});
  }

  for (Json& r : ex.SumRules()) rules.push_back(std::move(r));
  for (Json& r : hydration_rules) rules.push_back(std::move(r));
  for (Json& r : flag_rules) rules.push_back(std::move(r));

  Json levels = Json::array();
  for (Level l : {Level::kSelfCare, Level::kRoutine, Level::kUrgent, Level::kEmergency}) levels.push_back(std::string(LevelId(l)));
  Json doc{{"format", "json-rules-engine"},
           {"generator", "norotriage kb export --format json-rules-engine"},
           {"knowledge_base", kb.version},
           {"engine_options", {{"allowUndefinedFacts", true}}},
           {"levels", std::move(levels)},
           {"rules", std::move(rules)}};
  std::string out = doc.dump(2) + "\n";
  if (out.size() > limits.max_bytes) {
    return Status::ResourceExhausted(
        fmt::format("export: the document is {} bytes; the limit is {}", out.size(), limits.max_bytes));
  }
  return out;
}

}  // namespace norotriage::internal
