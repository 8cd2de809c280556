// A second form of the knowledge base's conditions, for the value-only paths
// (flags, medicines, hydration, consistency): each condition as a prefix tree
// whose AND/OR/at-least nodes stop as soon as their value is decided.
//
// Kleene AND is false as soon as one operand is false, OR is true as soon as
// one is true, and "at least k of n" is decided once k are true or too few
// could still be; so stopping early gives exactly the value that Eval (which
// always runs the whole postfix slice) gives. IsTrue/IsFalse go further: they
// only ask whether the value is true (or false), and AND stops at the first
// operand that is not true. Explain (which needs every operand) keeps using
// the postfix program.
//
// The fast form is built from a CompiledKb on first use (FastOf) and kept in
// it (CompiledKb::fast_cache); it is never serialised. A condition the fast
// form does not know (not one of the knowledge base's rule conditions, or too
// deep) is evaluated by Eval, with the same result.
//
// Thread safety: immutable once built; FastOf may be called from any thread.
#ifndef NOROTRIAGE_EVAL_FAST_EVAL_H_
#define NOROTRIAGE_EVAL_FAST_EVAL_H_

#include <cstdint>
#include <vector>

#include "compile/compiled_kb.h"
#include "compile/finding_table.h"
#include "compile/program.h"
#include "eval/refused_answers.h"

namespace norotriage::internal {

// Leaf operations have the comparison folded in; operators come last.
enum class FastOp : uint8_t {
  kBool, kEq, kNe, kLt, kLe, kGt, kGe, kIn, kKnown, kSum,
  kAnd, kOr, kNot, kAtLeast,
};

struct FastNode {
  FastOp op = FastOp::kBool;
  uint8_t k = 0;        // kAtLeast: the threshold; kSum: the comparison (a Cmp)
  uint16_t n = 0;       // operands (kAnd/kOr/kAtLeast) or summed slots (kSum)
  uint16_t slot = 0;    // value slot (leaves); first FastProgram::sum_slots index (kSum)
  uint16_t size = 1;    // nodes in this subtree, itself included: the next sibling is this + size
  union {
    double value;       // constant of a comparison or sum
    uint64_t mask;      // kIn: bit i set when choice i is in the set
  };
  FastNode() : value(0) {}
};

class FastProgram {
 public:
  // Translates every rule condition of `kb`. Borrows kb.program for the
  // lifetime of the result (the fallback for unknown conditions).
  explicit FastProgram(const CompiledKb& kb);

  FastProgram(const FastProgram&) = delete;  // holds offsets into its own arrays
  FastProgram& operator=(const FastProgram&) = delete;

  // The three-valued value of `cond`: the same as Eval(kb.program, cond, values).
  // REQUIRES: `values` has kb.slot_count() entries (NaN = unknown).
  Tri Eval(Cond cond, const double* values) const;
  // Eval(cond, values) == kTrue, and == kFalse, each doing only the work needed.
  bool IsTrue(Cond cond, const double* values) const;
  bool IsFalse(Cond cond, const double* values) const;

  // Writes the indexes of the flags of kb.flags whose condition is true, in
  // order, to `out` and returns how many. The same as IsTrue for each flag,
  // in one pass. REQUIRES: `out` has room for kb.flags.size() indexes.
  size_t TrueFlags(const double* values, uint32_t* out) const;

  // The index of the first rule of kb.consistency whose condition is true,
  // or -1: the same as IsTrue for each rule, in order. `values` as for Eval;
  // when consistency_on_findings(), the findings alone will do.
  int FirstTrueConsistencyRule(const double* values) const;
  // True when no consistency rule reads a derived value.
  bool consistency_on_findings() const { return consistency_on_findings_; }
  // IsTrue of kb.consistency[i].error_if.
  bool ConsistencyRuleIsTrue(uint32_t i, const double* values) const;

  // The questions the consistency rules leave no answer to (refused_answers.h).
  const RefusedAnswers& refused_answers() const { return refused_answers_; }

  // The conditions of kb.medicines[m], as indexes for MedicineValue and
  // MedicineIsTrue: [first, first + count) of each list, in the rule's order.
  struct MedicineConds {
    int32_t review = -1;  // is_review only
    int32_t listed = -1;  // listed_when, when the medicine has one
    uint32_t avoid_first = 0, avoid_count = 0;
    uint32_t caution_first = 0, caution_count = 0;
  };
  const MedicineConds& medicine(size_t m) const { return medicines_[m]; }
  // Eval and IsTrue of medicine condition `i` (see MedicineConds).
  Tri MedicineValue(uint32_t i, const double* values) const;
  bool MedicineIsTrue(uint32_t i, const double* values) const;

  // Finding id -> index, for the request parser.
  const FindingTable& finding_table() const { return finding_table_; }

  // True when `cond` reads a slot other than a finding (a derived value).
  // Conservative: true for a condition the fast form does not know.
  bool ReadsDerived(Cond cond) const;
  // False when Explain(cond) can never be "soft" (the condition has no set
  // membership of the hydration status), so that a false value means the
  // condition is not possible(). Conservative: true for an unknown condition.
  bool CanBeSoft(Cond cond) const;

 private:
  // A leaf whose value must be `want` for the whole condition to have the
  // value asked for (e.g. the first operand of an AND, for "true"): checking
  // it alone settles most conditions. `exact`: the leaf's value is the
  // answer (the condition is the leaf, or 'not' of it).
  struct Guard {
    int32_t node = -1;  // in nodes_; -1: none
    Tri want = kTrue;
    bool exact = false;
  };
  struct Root {
    uint32_t end = 0;
    int32_t node = -1;    // in nodes_; -1: not translated
    bool derived = true;  // reads a derived slot
    bool soft = true;     // has an 'in' on the hydration slot
    Guard if_true, if_false;  // for IsTrue and IsFalse
  };

  // The root of `cond`, or null when it was not translated.
  const Root* RootOf(Cond cond) const {
    if (cond.begin >= roots_.size()) return nullptr;
    const Root& r = roots_[cond.begin];
    return r.node >= 0 && r.end == cond.end ? &r : nullptr;
  }
  void Add(Cond cond);
  Guard GuardOf(int32_t node, Tri want) const;
  Tri Value(const FastNode* p, const double* v) const;
  Tri Operand(const FastNode* c, const double* v) const;
  bool Is(const FastNode* p, const double* v, Tri want) const;
  bool IsGuarded(const Root& r, const Guard& g, const double* v, Tri want) const;
  Tri Leaf(const FastNode& nd, const double* v) const;
  Tri SumLeaf(const FastNode& nd, const double* v) const;

  // A condition of a list (flags, consistency rules) with its guard leaf
  // copied in, so that the common case (guard not met) reads one array in order.
  struct Entry {
    FastNode guard;       // valid when has_guard
    Tri want = kTrue;
    bool has_guard = false;
    bool exact = false;
    bool leaf_root = false;  // the condition is the guard leaf itself
    int32_t node = -1;    // root in nodes_; -1: not translated (use Eval)
    Cond cond;
  };

  const Program* prog_;
  size_t findings_;
  int hydration_slot_;
  std::vector<Root> roots_;  // indexed by Cond::begin
  std::vector<FastNode> nodes_;
  std::vector<uint16_t> sum_slots_;
  Entry EntryOf(Cond cond) const;
  bool EntryIsTrue(const Entry& e, const double* v) const;

  // A test without branches on one value, for Filter: it passes when
  // x = values[slot] is not NaN and (lo <= x <= hi) != invert.
  struct Range {
    double lo = 0, hi = 0;
    uint16_t slot = 0;
    bool invert = false;
    uint32_t flag = 0;  // the condition (index into its list) that may be true when it passes
  };
  // A leaf whose value is `want` only if `r` passes (over-approximating).
  static bool LeafRange(const FastNode& leaf, Tri want, Range* r);
  // Appends to *out tests one of which passes whenever the subtree at `node`
  // has the value `want`; false (and *out as it was) when there are none.
  bool NecessaryRanges(int32_t node, Tri want, std::vector<Range>* out) const;

  // A filter over a list of conditions (flags, consistency rules): condition
  // i can only be true when one of its ranges passes, or when bit i % 64 of
  // always[i / 64] is set (it has no ranges). Ranges are in the list's order;
  // blocks[b] is the first range of conditions 64b.., and blocks.back() the end.
  struct Filter {
    std::vector<Range> ranges;
    std::vector<uint32_t> blocks;
    std::vector<uint64_t> always;
  };
  Filter FilterOf(const std::vector<Cond>& conds) const;
  // Bit i set: condition 64b + i may be true (a clear bit: it is not).
  static uint64_t MaybeTrue(const Filter& f, size_t b, const double* v);

  std::vector<Entry> flags_;        // parallel to kb.flags
  Filter flag_filter_;
  std::vector<Entry> consistency_;  // parallel to kb.consistency
  Filter consistency_filter_;
  bool consistency_on_findings_ = false;
  std::vector<MedicineConds> medicines_;  // parallel to kb.medicines
  std::vector<Entry> medicine_conds_;
  FindingTable finding_table_;
  RefusedAnswers refused_answers_;
};

// The fast form of `kb`, built on the first call and kept in kb.fast_cache.
// REQUIRES: kb is complete (the loader is done with it) and is not modified
// afterwards.
const FastProgram& FastOf(const CompiledKb& kb);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_FAST_EVAL_H_
