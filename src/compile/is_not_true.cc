#include "compile/is_not_true.h"

#include <utility>

namespace norotriage::internal {
namespace {

struct Pair {
  std::vector<Instr> nt, nf;  // NT(c) and NF(c)
};

Instr Known(int32_t slot) {
  Instr in;
  in.op = Op::kKnown;
  in.slot = slot;
  return in;
}

Instr Nary(Op op, size_t n, size_t k = 0) {
  Instr in;
  in.op = op;
  in.n = static_cast<uint16_t>(n);
  in.k = static_cast<uint16_t>(k);
  return in;
}

Result<Pair, std::string> Rewrite(const std::vector<Instr>& code) {
  std::vector<Pair> stack;
  for (const Instr& in : code) {
    switch (in.op) {
      case Op::kSum:
        return std::string("'is not true' cannot be used on a sum (a + b ...)");
      case Op::kKnown:
        stack.push_back({{in, Instr{Op::kNot}}, {in}});
        break;
      case Op::kBool:
      case Op::kCompare:
      case Op::kIn:
        stack.push_back({{Known(in.slot), Instr{Op::kNot}, in, Instr{Op::kNot}, Nary(Op::kOr, 2)},
                         {Known(in.slot), Instr{Op::kNot}, in, Nary(Op::kOr, 2)}});
        break;
      case Op::kNot:
        if (stack.empty()) return std::string("internal error: 'not' without an operand");
        std::swap(stack.back().nt, stack.back().nf);
        break;
      case Op::kAnd:
      case Op::kOr:
      case Op::kAtLeast: {
        const size_t n = in.n;
        if (n == 0 || stack.size() < n) return std::string("internal error: operator without operands");
        Pair r;
        for (size_t i = stack.size() - n; i < stack.size(); ++i) {
          r.nt.insert(r.nt.end(), stack[i].nt.begin(), stack[i].nt.end());
          r.nf.insert(r.nf.end(), stack[i].nf.begin(), stack[i].nf.end());
        }
        stack.resize(stack.size() - n);
        if (in.op == Op::kAnd) {
          r.nt.push_back(Nary(Op::kOr, n));
          r.nf.push_back(Nary(Op::kAnd, n));
        } else if (in.op == Op::kOr) {
          r.nt.push_back(Nary(Op::kAnd, n));
          r.nf.push_back(Nary(Op::kOr, n));
        } else {
          r.nt.push_back(Nary(Op::kAtLeast, n, n - in.k + 1));
          r.nf.push_back(Nary(Op::kAtLeast, n, in.k));
        }
        stack.push_back(std::move(r));
        break;
      }
    }
  }
  if (stack.size() != 1) return std::string("internal error: condition does not reduce to one value");
  return std::move(stack[0]);
}

}  // namespace

Result<std::vector<Instr>, std::string> IsNotTrueCode(const std::vector<Instr>& c) {
  auto r = Rewrite(c);
  if (!r.ok()) return r.error();
  return std::move(r.value().nt);
}

Result<std::vector<Instr>, std::string> IsNotFalseCode(const std::vector<Instr>& c) {
  auto r = Rewrite(c);
  if (!r.ok()) return r.error();
  return std::move(r.value().nf);
}

}  // namespace norotriage::internal
