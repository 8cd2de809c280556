#include "compile/condition_compiler.h"

#include <algorithm>

#include <fmt/format.h>

#include "compile/is_not_true.h"
#include "util/spell.h"

namespace norotriage::internal {

ConditionCompiler::ConditionCompiler(CompiledKb* kb, const CondBudget& budget,
                                     size_t max_program_size)
    : kb_(kb), budget_(budget), max_program_size_(max_program_size) {
  for (size_t i = 0; i < kb->findings.size(); ++i) {
    const FindingSpec& f = kb->findings[i];
    SlotType t = f.type == FindingType::kBool     ? SlotType::kBool
                 : f.type == FindingType::kChoice ? SlotType::kChoice
                                                  : SlotType::kNumber;
    symbols_[f.id] = {t, static_cast<int>(i)};
  }
  symbols_["weight_loss_percent"] = {SlotType::kNumber, kb->weight_loss_slot};
  symbols_["hydration"] = {SlotType::kChoice, kb->hydration_slot};
}

bool ConditionCompiler::IsName(const std::string& id) const {
  return symbols_.count(id) || definitions_.count(id);
}

CondError ConditionCompiler::UnknownName(const std::string& name, size_t offset) const {
  std::vector<std::string> all;
  for (const auto& [k, v] : symbols_) all.push_back(k);
  for (const auto& [k, v] : definitions_) all.push_back(k);
  std::sort(all.begin(), all.end());
  std::string hint = Suggest(name, all);
  return CondError{offset, hint.empty()
                               ? fmt::format("unknown finding or definition '{}'", name)
                               : fmt::format("unknown finding or definition '{}' (did you mean '{}'?)",
                                             name, hint)};
}

CondError ConditionCompiler::Resolve(const CondItem& item, std::vector<Instr>* out) {
  auto lookup = [&](const std::string& name, const Symbol** sym) -> CondError {
    auto it = symbols_.find(name);
    if (it == symbols_.end()) return UnknownName(name, item.offset);
    *sym = &it->second;
    return {};
  };
  const std::string& name = item.names.empty() ? std::string() : item.names[0];
  switch (item.kind) {
    case CondItem::Kind::kAnd:
    case CondItem::Kind::kOr: {
      Instr in;
      in.op = item.kind == CondItem::Kind::kAnd ? Op::kAnd : Op::kOr;
      in.n = static_cast<uint16_t>(item.n);
      out->push_back(in);
      return {};
    }
    case CondItem::Kind::kNot:
      out->push_back(Instr{Op::kNot});
      return {};
    case CondItem::Kind::kIsNotTrue:  // rewritten by Compile, never resolved
      return CondError{item.offset, "internal error: 'is not true' reached Resolve"};
    case CondItem::Kind::kAtLeast: {
      Instr in;
      in.op = Op::kAtLeast;
      in.n = static_cast<uint16_t>(item.n);
      in.k = static_cast<uint16_t>(item.k);
      out->push_back(in);
      return {};
    }
    case CondItem::Kind::kKnown: {
      const Symbol* sym = nullptr;
      if (auto e = lookup(name, &sym); !e.message.empty()) return e;
      Instr in;
      in.op = Op::kKnown;
      in.slot = sym->slot;
      out->push_back(in);
      return {};
    }
    case CondItem::Kind::kName: {
      if (auto d = definitions_.find(name); d != definitions_.end()) {
        const auto& code = kb_->program.code;
        out->insert(out->end(), code.begin() + d->second.begin, code.begin() + d->second.end);
        return {};
      }
      const Symbol* sym = nullptr;
      if (auto e = lookup(name, &sym); !e.message.empty()) return e;
      if (sym->type != SlotType::kBool) {
        return CondError{item.offset,
                         fmt::format("'{}' is a {}; compare it (e.g. '{} {}')", name,
                                     sym->type == SlotType::kNumber ? "number" : "choice", name,
                                     sym->type == SlotType::kNumber ? ">= 1" : "= <choice>")};
      }
      Instr in;
      in.op = Op::kBool;
      in.slot = sym->slot;
      out->push_back(in);
      return {};
    }
    case CondItem::Kind::kIn: {
      const Symbol* sym = nullptr;
      if (auto e = lookup(name, &sym); !e.message.empty()) return e;
      if (sym->type != SlotType::kChoice) {
        return CondError{item.offset, fmt::format("'{}' is not a choice; 'in' needs one", name)};
      }
      const auto& choices = kb_->slot_choices[sym->slot];
      Instr in;
      in.op = Op::kIn;
      in.slot = sym->slot;
      for (const auto& c : item.set) {
        auto it = std::find(choices.begin(), choices.end(), c);
        if (it == choices.end()) {
          std::string hint = Suggest(c, choices);
          return CondError{item.offset, fmt::format("'{}' is not a choice of '{}'{}", c, name,
                                                    hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
        }
        in.mask |= uint64_t{1} << (it - choices.begin());
      }
      out->push_back(in);
      return {};
    }
    case CondItem::Kind::kCompare: {
      if (item.names.size() > 1) {
        Instr in;
        in.op = Op::kSum;
        in.cmp = item.cmp;
        in.n = static_cast<uint16_t>(item.names.size());
        in.slot = static_cast<int32_t>(kb_->program.sum_slots.size());
        if (item.value_kind != CondItem::ValueKind::kNumber) {
          return CondError{item.offset, "a sum must be compared with a number"};
        }
        in.value = item.number;
        for (const auto& n : item.names) {
          const Symbol* sym = nullptr;
          if (auto e = lookup(n, &sym); !e.message.empty()) return e;
          if (sym->type != SlotType::kNumber) {
            return CondError{item.offset, fmt::format("'{}' is not a number; it cannot be summed", n)};
          }
          if (sym->slot < static_cast<int>(kb_->findings.size()) &&
              kb_->findings[sym->slot].min < 0) {
            return CondError{item.offset, fmt::format("'{}' can be negative; sums need findings >= 0", n)};
          }
          kb_->program.sum_slots.push_back(sym->slot);
        }
        out->push_back(in);
        return {};
      }
      const Symbol* sym = nullptr;
      if (auto e = lookup(name, &sym); !e.message.empty()) return e;
      const bool eq_ne = item.cmp == Cmp::kEq || item.cmp == Cmp::kNe;
      Instr in;
      in.slot = sym->slot;
      switch (sym->type) {
        case SlotType::kBool: {
          if (item.value_kind != CondItem::ValueKind::kTrue &&
              item.value_kind != CondItem::ValueKind::kFalse) {
            return CondError{item.offset, fmt::format("'{}' is true or false; compare it with true or false", name)};
          }
          if (!eq_ne) return CondError{item.offset, fmt::format("'{}' is true or false; use = or !=", name)};
          in.op = Op::kBool;
          out->push_back(in);
          bool want_true = (item.value_kind == CondItem::ValueKind::kTrue) == (item.cmp == Cmp::kEq);
          if (!want_true) out->push_back(Instr{Op::kNot});
          return {};
        }
        case SlotType::kChoice: {
          if (item.value_kind != CondItem::ValueKind::kName) {
            return CondError{item.offset, fmt::format("'{}' is a choice; compare it with one of its choices", name)};
          }
          if (!eq_ne) return CondError{item.offset, fmt::format("'{}' is a choice; use =, != or in", name)};
          const auto& choices = kb_->slot_choices[sym->slot];
          auto it = std::find(choices.begin(), choices.end(), item.value_name);
          if (it == choices.end()) {
            std::string hint = Suggest(item.value_name, choices);
            return CondError{item.offset, fmt::format("'{}' is not a choice of '{}'{}", item.value_name, name,
                                                      hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
          }
          in.op = Op::kIn;
          in.mask = uint64_t{1} << (it - choices.begin());
          out->push_back(in);
          if (item.cmp == Cmp::kNe) out->push_back(Instr{Op::kNot});
          return {};
        }
        case SlotType::kNumber: {
          if (item.value_kind != CondItem::ValueKind::kNumber) {
            return CondError{item.offset, fmt::format("'{}' is a number; compare it with a number", name)};
          }
          in.op = Op::kCompare;
          in.cmp = item.cmp;
          in.value = item.number;
          out->push_back(in);
          return {};
        }
      }
      return {};
    }
  }
  return {};
}

namespace {

// Merges chains of the same associative operator into one n-ary operator:
// "a and b and c" parses as and(and(a, b), c) and becomes and(a, b, c).
// Kleene AND and OR are associative, so the value (and every `because` and
// `open` set) is unchanged; evaluation runs fewer instructions.
// Operands of one flattened operator stay few enough that the evaluation
// stack (kMaxStack) still holds any condition the token budget allows.
constexpr int kMaxFlatArity = 16;

std::vector<Instr> Flatten(const std::vector<Instr>& code) {
  struct Entry {
    std::vector<Instr> code;  // postfix code of one subtree
  };
  std::vector<Entry> stack;
  for (const Instr& in : code) {
    if (in.op == Op::kAnd || in.op == Op::kOr) {
      Entry merged;
      int n = 0;
      for (size_t i = stack.size() - in.n; i < stack.size(); ++i) {
        std::vector<Instr>& child = stack[i].code;
        if (child.back().op == in.op && n + child.back().n <= kMaxFlatArity) {
          n += child.back().n;
          child.pop_back();
        } else {
          ++n;
        }
        merged.code.insert(merged.code.end(), child.begin(), child.end());
      }
      stack.resize(stack.size() - in.n);
      Instr op = in;
      op.n = static_cast<uint16_t>(n);
      merged.code.push_back(op);
      stack.push_back(std::move(merged));
    } else if (in.op == Op::kNot) {
      stack.back().code.push_back(in);
    } else if (in.op == Op::kAtLeast) {
      Entry merged;
      for (size_t i = stack.size() - in.n; i < stack.size(); ++i) {
        merged.code.insert(merged.code.end(), stack[i].code.begin(), stack[i].code.end());
      }
      stack.resize(stack.size() - in.n);
      merged.code.push_back(in);
      stack.push_back(std::move(merged));
    } else {
      stack.push_back(Entry{{in}});
    }
  }
  return stack.size() == 1 ? std::move(stack[0].code) : code;
}

}  // namespace

Result<Cond, CondError> ConditionCompiler::Compile(std::string_view text) {
  auto items = ParseCondition(text, budget_);
  if (!items.ok()) return items.error();
  std::vector<Instr> code;
  std::vector<size_t> starts;  // where each complete operand on the value stack begins in `code`
  for (const CondItem& item : items.value()) {
    if (item.kind == CondItem::Kind::kIsNotTrue) {
      // Rewrites the operand just completed (is_not_true.h).
      if (starts.empty()) return CondError{item.offset, "'is not true' needs a condition before it"};
      std::vector<Instr> operand(code.begin() + static_cast<std::ptrdiff_t>(starts.back()), code.end());
      auto nt = IsNotTrueCode(operand);
      if (!nt.ok()) return CondError{item.offset, nt.error()};
      // Each rewrite multiplies the operand's size; "a is not true is not
      // true ..." would grow without end but for this budget.
      if (nt.value().size() + starts.back() > max_program_size_) {
        return CondError{item.offset, fmt::format("the condition is larger than {} instructions", max_program_size_)};
      }
      code.resize(starts.back());
      code.insert(code.end(), nt.value().begin(), nt.value().end());
      continue;
    }
    const size_t begin = code.size();
    if (auto e = Resolve(item, &code); !e.message.empty()) return e;
    switch (item.kind) {
      case CondItem::Kind::kNot: break;
      case CondItem::Kind::kAnd:
      case CondItem::Kind::kOr:
      case CondItem::Kind::kAtLeast: {
        const size_t n = item.kind == CondItem::Kind::kAtLeast ? static_cast<size_t>(item.n) : 2;
        const size_t first = starts[starts.size() - n];
        starts.resize(starts.size() - n);
        starts.push_back(first);
        break;
      }
      default: starts.push_back(begin);
    }
  }
  code = Flatten(code);
  // Check the evaluation stack stays within kMaxStack.
  int depth = 0, max_depth = 0;
  for (const Instr& in : code) {
    switch (in.op) {
      case Op::kAnd: case Op::kOr: case Op::kAtLeast: depth -= in.n - 1; break;
      case Op::kNot: break;
      default: ++depth;
    }
    max_depth = std::max(max_depth, depth);
  }
  if (max_depth > kMaxStack) {
    return CondError{0, fmt::format("condition needs {} stack slots; the limit is {}", max_depth, kMaxStack)};
  }
  if (depth != 1) return CondError{0, "internal error: condition does not reduce to one value"};
  auto& prog = kb_->program.code;
  if (prog.size() + code.size() > max_program_size_) {
    return CondError{0, fmt::format("the knowledge base is larger than {} instructions", max_program_size_)};
  }
  Cond c;
  c.begin = static_cast<uint32_t>(prog.size());
  prog.insert(prog.end(), code.begin(), code.end());
  c.end = static_cast<uint32_t>(prog.size());
  return c;
}

Result<Cond, CondError> ConditionCompiler::Define(const std::string& id, std::string_view text) {
  auto c = Compile(text);
  if (!c.ok()) return c;
  definitions_[id] = c.value();
  kb_->definitions.emplace_back(id, c.value());
  return c;
}

}  // namespace norotriage::internal
