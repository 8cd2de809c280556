// The compiled form of rule conditions: a flat postfix program.
//
// Every condition of the knowledge base compiles to a slice [begin, end) of
// one shared instruction array. Leaves push a three-valued truth value;
// operators pop their operands and push the result. Evaluation needs no
// recursion and no allocation: a fixed stack of kMaxStack entries suffices,
// which the compiler checks for every condition.
//
// Thread safety: immutable after compilation; shared read-only.
#ifndef NOROTRIAGE_COMPILE_PROGRAM_H_
#define NOROTRIAGE_COMPILE_PROGRAM_H_

#include <cstdint>
#include <string>
#include <vector>

namespace norotriage::internal {

// Three-valued truth, ordered so that AND is min, OR is max, NOT is 2 - x.
enum Tri : uint8_t { kFalse = 0, kUnknown = 1, kTrue = 2 };

enum class Op : uint8_t {
  kBool,     // slot is a bool finding: true when 1
  kCompare,  // slot <cmp> value
  kIn,       // slot (a choice index) is in mask
  kKnown,    // slot is known (never unknown)
  kSum,      // sum of slots [arg, arg + n) of sum_slots <cmp> value
  kAnd,      // pops n, pushes the conjunction
  kOr,       // pops n, pushes the disjunction
  kNot,      // pops 1
  kAtLeast,  // pops n, true when at least k are true
};

enum class Cmp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct Instr {
  Op op = Op::kBool;
  Cmp cmp = Cmp::kEq;
  uint16_t n = 0;      // operand count (kAnd/kOr/kAtLeast/kSum)
  uint16_t k = 0;      // kAtLeast threshold
  int32_t slot = -1;   // value slot for leaves; first sum_slots index for kSum
  double value = 0;    // constant for kCompare/kSum
  uint64_t mask = 0;   // kIn: bit i set when choice i is in the set
};

// A condition: the slice [begin, end) of Program::code.
struct Cond {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool empty() const { return begin == end; }
};

constexpr int kMaxStack = 64;

struct Program {
  std::vector<Instr> code;
  std::vector<int32_t> sum_slots;
};

// Human-readable dump of one condition, one instruction per line, e.g.
//   0 bool back_pain
//   1 in sciatica {both_legs}
//   2 or 2
// `slot_names[i]` names slot i; `choices[i]` lists its choices (may be empty).
std::string DumpCond(const Program& prog, Cond cond, const std::vector<std::string>& slot_names,
                     const std::vector<std::vector<std::string>>& choices);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_COMPILE_PROGRAM_H_
