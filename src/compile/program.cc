#include "compile/program.h"

#include <fmt/format.h>

namespace norotriage::internal {
namespace {

const char* CmpText(Cmp c) {
  switch (c) {
    case Cmp::kEq: return "=";
    case Cmp::kNe: return "!=";
    case Cmp::kLt: return "<";
    case Cmp::kLe: return "<=";
    case Cmp::kGt: return ">";
    case Cmp::kGe: return ">=";
  }
  return "?";
}

}  // namespace

std::string DumpCond(const Program& prog, Cond cond, const std::vector<std::string>& slot_names,
                     const std::vector<std::vector<std::string>>& choices) {
  std::string out;
  for (uint32_t pc = cond.begin; pc < cond.end; ++pc) {
    const Instr& in = prog.code[pc];
    auto name = [&](int32_t slot) -> std::string {
      return slot >= 0 && static_cast<size_t>(slot) < slot_names.size() ? slot_names[slot] : "?";
    };
    std::string line;
    switch (in.op) {
      case Op::kBool: line = "bool " + name(in.slot); break;
      case Op::kKnown: line = "known " + name(in.slot); break;
      case Op::kCompare:
        line = fmt::format("cmp {} {} {}", name(in.slot), CmpText(in.cmp), in.value);
        break;
      case Op::kIn: {
        line = "in " + name(in.slot) + " {";
        const auto& list = choices[in.slot];
        bool first = true;
        for (size_t i = 0; i < list.size() && i < 64; ++i) {
          if (!(in.mask >> i & 1)) continue;
          line += (first ? "" : ", ") + list[i];
          first = false;
        }
        line += "}";
        break;
      }
      case Op::kSum: {
        line = "sum";
        for (int i = 0; i < in.n; ++i) line += " " + name(prog.sum_slots[in.slot + i]);
        line += fmt::format(" {} {}", CmpText(in.cmp), in.value);
        break;
      }
      case Op::kAnd: line = fmt::format("and {}", in.n); break;
      case Op::kOr: line = fmt::format("or {}", in.n); break;
      case Op::kNot: line = "not"; break;
      case Op::kAtLeast: line = fmt::format("at_least {} of {}", in.k, in.n); break;
    }
    out += fmt::format("{} {}\n", pc - cond.begin, line);
  }
  return out;
}

}  // namespace norotriage::internal
