#include "eval/fast_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "eval/evaluator.h"

namespace norotriage::internal {
namespace {

// The evaluator recurses once per tree level; deeper conditions (only
// possible with long chains of 'not') are left to the postfix Eval.
constexpr int kMaxDepth = 64;

constexpr bool IsOperator(FastOp op) { return op >= FastOp::kAnd; }

FastOp LeafOp(const Instr& in) {
  switch (in.op) {
    case Op::kBool: return FastOp::kBool;
    case Op::kIn: return FastOp::kIn;
    case Op::kKnown: return FastOp::kKnown;
    case Op::kSum: return FastOp::kSum;
    default: break;
  }
  switch (in.cmp) {
    case Cmp::kEq: return FastOp::kEq;
    case Cmp::kNe: return FastOp::kNe;
    case Cmp::kLt: return FastOp::kLt;
    case Cmp::kLe: return FastOp::kLe;
    case Cmp::kGt: return FastOp::kGt;
    case Cmp::kGe: return FastOp::kGe;
  }
  return FastOp::kEq;
}

inline Tri FromBool(bool b) { return b ? kTrue : kFalse; }

std::vector<std::string> IdsOf(const std::vector<FindingSpec>& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) ids.push_back(f.id);
  return ids;
}

}  // namespace

FastProgram::FastProgram(const CompiledKb& kb)
    : prog_(&kb.program), findings_(kb.findings.size()), hydration_slot_(kb.hydration_slot), roots_(kb.program.code.size() + 1),
      finding_table_(IdsOf(kb.findings)), refused_answers_(kb) {
  Add(kb.hydration.severe);
  Add(kb.hydration.some);
  for (const auto& [id, c] : kb.definitions) Add(c);
  for (const auto& a : kb.applicability) Add(a.asked_when);
  Add(kb.hydration.fluid_limit_when);
  for (const auto& c : kb.consistency) Add(c.error_if);
  for (const auto& f : kb.flags) Add(f.when);
  for (const auto& m : kb.medicines) {
    if (m.is_review) Add(m.review.when);
    Add(m.listed_when);
    for (const auto& c : m.avoid) Add(c.when);
    for (const auto& c : m.caution) Add(c.when);
  }
  for (const auto* list : {&kb.mechanisms, &kb.self_care, &kb.expected}) {
    for (const auto& t : *list) Add(t.when);
  }
  for (const auto& p : kb.pain_regions) {
    Add(p.present);
    for (const auto& t : p.types) Add(t.when);
  }
  for (const auto& r : kb.review) Add(r.present);
  std::vector<Cond> conds;
  for (const auto& f : kb.flags) {
    flags_.push_back(EntryOf(f.when));
    conds.push_back(f.when);
  }
  flag_filter_ = FilterOf(conds);
  for (const auto& m : kb.medicines) {
    MedicineConds mc;
    if (m.is_review) {
      mc.review = static_cast<int32_t>(medicine_conds_.size());
      medicine_conds_.push_back(EntryOf(m.review.when));
    }
    if (!m.listed_when.empty()) {
      mc.listed = static_cast<int32_t>(medicine_conds_.size());
      medicine_conds_.push_back(EntryOf(m.listed_when));
    }
    mc.avoid_first = static_cast<uint32_t>(medicine_conds_.size());
    for (const auto& c : m.avoid) medicine_conds_.push_back(EntryOf(c.when));
    mc.avoid_count = static_cast<uint32_t>(m.avoid.size());
    mc.caution_first = static_cast<uint32_t>(medicine_conds_.size());
    for (const auto& c : m.caution) medicine_conds_.push_back(EntryOf(c.when));
    mc.caution_count = static_cast<uint32_t>(m.caution.size());
    medicines_.push_back(mc);
  }
  consistency_on_findings_ = true;
  conds.clear();
  for (const auto& c : kb.consistency) {
    consistency_.push_back(EntryOf(c.error_if));
    conds.push_back(c.error_if);
    consistency_on_findings_ = consistency_on_findings_ && !ReadsDerived(c.error_if);
  }
  consistency_filter_ = FilterOf(conds);
}

void FastProgram::Add(Cond cond) {
  const auto& code = prog_->code;
  if (cond.empty() || cond.begin > cond.end || cond.end > code.size()) return;
  if (roots_[cond.begin].node >= 0) return;  // already there (a condition used twice)
  roots_[cond.begin] = Root{};
  struct Subtree {
    std::vector<FastNode> nodes;  // prefix order
    int depth = 1;
  };
  std::vector<Subtree> stack;
  bool derived = false, soft = false;
  for (uint32_t pc = cond.begin; pc < cond.end; ++pc) {
    const Instr& in = code[pc];
    FastNode nd;
    if (in.op == Op::kNot || in.op == Op::kAnd || in.op == Op::kOr || in.op == Op::kAtLeast) {
      const size_t n = in.op == Op::kNot ? 1 : in.n;
      if (n == 0 || n > stack.size() || in.k > 255) return;
      nd.op = in.op == Op::kNot ? FastOp::kNot : in.op == Op::kAnd ? FastOp::kAnd
            : in.op == Op::kOr  ? FastOp::kOr  : FastOp::kAtLeast;
      nd.n = static_cast<uint16_t>(n);
      nd.k = static_cast<uint8_t>(in.k);
      Subtree t;
      t.nodes.push_back(nd);
      for (size_t i = stack.size() - n; i < stack.size(); ++i) {
        t.nodes.insert(t.nodes.end(), stack[i].nodes.begin(), stack[i].nodes.end());
        t.depth = std::max(t.depth, stack[i].depth + 1);
      }
      if (t.nodes.size() > UINT16_MAX || t.depth > kMaxDepth) return;
      t.nodes[0].size = static_cast<uint16_t>(t.nodes.size());
      stack.resize(stack.size() - n);
      stack.push_back(std::move(t));
      continue;
    }
    nd.op = LeafOp(in);
    if (in.op == Op::kSum) {
      if (sum_slots_.size() + in.n > UINT16_MAX || in.slot < 0 ||
          static_cast<size_t>(in.slot) + in.n > prog_->sum_slots.size()) {
        return;
      }
      nd.slot = static_cast<uint16_t>(sum_slots_.size());
      nd.n = in.n;
      nd.k = static_cast<uint8_t>(in.cmp);
      for (int i = 0; i < in.n; ++i) {
        const int32_t s = prog_->sum_slots[in.slot + i];
        if (s < 0 || s > UINT16_MAX) return;
        derived = derived || static_cast<size_t>(s) >= findings_;
        sum_slots_.push_back(static_cast<uint16_t>(s));
      }
    } else {
      if (in.slot < 0 || in.slot > UINT16_MAX) return;
      nd.slot = static_cast<uint16_t>(in.slot);
      derived = derived || static_cast<size_t>(in.slot) >= findings_;
      soft = soft || (in.op == Op::kIn && in.slot == hydration_slot_);
    }
    if (in.op == Op::kIn) nd.mask = in.mask; else nd.value = in.value;
    stack.push_back(Subtree{{nd}, 1});
  }
  if (stack.size() != 1) return;
  Root& r = roots_[cond.begin];
  r.end = cond.end;
  r.node = static_cast<int32_t>(nodes_.size());
  r.derived = derived;
  r.soft = soft;
  nodes_.insert(nodes_.end(), stack[0].nodes.begin(), stack[0].nodes.end());
  r.if_true = GuardOf(r.node, kTrue);
  r.if_false = GuardOf(r.node, kFalse);
}

FastProgram::Guard FastProgram::GuardOf(int32_t node, Tri want) const {
  const FastNode& p = nodes_[node];
  if (!IsOperator(p.op)) return Guard{node, want, true};
  if (p.op == FastOp::kNot) return GuardOf(node + 1, static_cast<Tri>(2 - want));
  // AND is true only when every operand is; OR is false only when every one is.
  if ((p.op == FastOp::kAnd && want == kTrue) || (p.op == FastOp::kOr && want == kFalse)) {
    int32_t c = node + 1;
    for (int i = 0; i < p.n; c += nodes_[c].size, ++i) {
      Guard g = GuardOf(c, want);
      if (g.node >= 0) return Guard{g.node, g.want, false};
    }
  }
  return Guard{};
}

// Each case is the leaf of the postfix evaluator (evaluator.cc), with the
// comparison chosen at build time.
[[gnu::always_inline]] inline Tri FastProgram::Leaf(const FastNode& nd, const double* v) const {
  const double x = v[nd.slot];
  switch (nd.op) {
    case FastOp::kBool: return std::isnan(x) ? kUnknown : FromBool(x != 0);
    case FastOp::kEq: return std::isnan(x) ? kUnknown : FromBool(x == nd.value);
    case FastOp::kNe: return std::isnan(x) ? kUnknown : FromBool(x != nd.value);
    case FastOp::kLt: return std::isnan(x) ? kUnknown : FromBool(x < nd.value);
    case FastOp::kLe: return std::isnan(x) ? kUnknown : FromBool(x <= nd.value);
    case FastOp::kGt: return std::isnan(x) ? kUnknown : FromBool(x > nd.value);
    case FastOp::kGe: return std::isnan(x) ? kUnknown : FromBool(x >= nd.value);
    case FastOp::kIn: return std::isnan(x) ? kUnknown : FromBool(nd.mask >> static_cast<int>(x) & 1);
    case FastOp::kKnown: return FromBool(!std::isnan(x));
    default: return SumLeaf(nd, v);
  }
}

// Terms are >= 0 (checked by the compiler), so a partial sum can already
// decide >=, > (true) and <=, < (false).
Tri FastProgram::SumLeaf(const FastNode& nd, const double* v) const {
  double sum = 0;
  bool unknown = false;
  for (int i = 0; i < nd.n; ++i) {
    double x = v[sum_slots_[nd.slot + i]];
    if (std::isnan(x)) unknown = true; else sum += x;
  }
  bool holds = false;
  bool decides_true = false, decides_false = false;  // what a partial sum can decide
  switch (static_cast<Cmp>(nd.k)) {
    case Cmp::kEq: holds = sum == nd.value; break;
    case Cmp::kNe: holds = sum != nd.value; break;
    case Cmp::kLt: holds = sum < nd.value; decides_false = true; break;
    case Cmp::kLe: holds = sum <= nd.value; decides_false = true; break;
    case Cmp::kGt: holds = sum > nd.value; decides_true = true; break;
    case Cmp::kGe: holds = sum >= nd.value; decides_true = true; break;
  }
  if (!unknown) return FromBool(holds);
  if (decides_true && holds) return kTrue;
  if (decides_false && !holds) return kFalse;
  return kUnknown;
}

// Operators call Value for operator operands only: most operands are
// leaves, and a call costs more than a leaf.
[[gnu::always_inline]] inline Tri FastProgram::Operand(const FastNode* c, const double* v) const {
  return IsOperator(c->op) ? Value(c, v) : Leaf(*c, v);
}

Tri FastProgram::Value(const FastNode* p, const double* v) const {
  const FastNode* c = p + 1;
  switch (p->op) {
    case FastOp::kAnd: {
      Tri r = kTrue;
      for (int i = 0; i < p->n; ++i, c += c->size) {
        const Tri x = Operand(c, v);
        if (x == kFalse) return kFalse;
        r = std::min(r, x);
      }
      return r;
    }
    case FastOp::kOr: {
      Tri r = kFalse;
      for (int i = 0; i < p->n; ++i, c += c->size) {
        const Tri x = Operand(c, v);
        if (x == kTrue) return kTrue;
        r = std::max(r, x);
      }
      return r;
    }
    case FastOp::kNot:
      return static_cast<Tri>(2 - Operand(c, v));
    case FastOp::kAtLeast: {  // decided once k are true, or once k can no longer be
      const int n = p->n, k = p->k;
      int t = 0, u = 0;
      for (int i = 0; i < n; ++i, c += c->size) {
        const Tri x = Operand(c, v);
        t += x == kTrue;
        u += x == kUnknown;
        if (t >= k) return kTrue;
        if (t + u + (n - 1 - i) < k) return kFalse;
      }
      return t >= k ? kTrue : (t + u >= k ? kUnknown : kFalse);
    }
    default:
      return Leaf(*p, v);
  }
}

// Whether the value of the subtree at p is `want` (kTrue or kFalse).
bool FastProgram::Is(const FastNode* p, const double* v, Tri want) const {
  const FastNode* c = p + 1;
  switch (p->op) {
    case FastOp::kAnd:
    case FastOp::kOr: {
      // AND is true when all are, false when one is; OR the other way round.
      const bool all = (p->op == FastOp::kAnd) == (want == kTrue);
      for (int i = 0; i < p->n; ++i, c += c->size) {
        const bool is = IsOperator(c->op) ? Is(c, v, want) : Leaf(*c, v) == want;
        if (is != all) return !all;
      }
      return all;
    }
    case FastOp::kNot: {
      const Tri flipped = static_cast<Tri>(2 - want);
      return IsOperator(c->op) ? Is(c, v, flipped) : Leaf(*c, v) == flipped;
    }
    case FastOp::kAtLeast: {
      // At least k of n: true when k operands are true; false when more than
      // n - k are false (then fewer than k are true or unknown).
      const int n = p->n;
      const int need = want == kTrue ? p->k : n - p->k + 1;
      int hits = 0;
      for (int i = 0; i < n; ++i, c += c->size) {
        hits += IsOperator(c->op) ? Is(c, v, want) : Leaf(*c, v) == want;
        if (hits >= need) return true;
        if (hits + (n - 1 - i) < need) return false;
      }
      return hits >= need;
    }
    default:
      return Leaf(*p, v) == want;
  }
}

Tri FastProgram::Eval(Cond cond, const double* values) const {
  const Root* r = RootOf(cond);
  if (!r) return ::norotriage::internal::Eval(*prog_, cond, values);
  const FastNode* root = &nodes_[r->node];
  return IsOperator(root->op) ? Value(root, values) : Leaf(*root, values);
}

FastProgram::Entry FastProgram::EntryOf(Cond cond) const {
  Entry e;
  e.cond = cond;
  if (const Root* r = RootOf(cond)) {
    e.node = r->node;
    if (r->if_true.node >= 0) {
      e.has_guard = true;
      e.guard = nodes_[r->if_true.node];
      e.want = r->if_true.want;
      e.exact = r->if_true.exact;
      e.leaf_root = r->if_true.node == r->node;
    }
  }
  return e;
}

Tri FastProgram::MedicineValue(uint32_t i, const double* v) const {
  const Entry& e = medicine_conds_[i];
  if (e.leaf_root) return Leaf(e.guard, v);
  if (e.node >= 0) return Value(&nodes_[e.node], v);
  return ::norotriage::internal::Eval(*prog_, e.cond, v);
}

bool FastProgram::MedicineIsTrue(uint32_t i, const double* v) const {
  return EntryIsTrue(medicine_conds_[i], v);
}

[[gnu::always_inline]] inline bool FastProgram::EntryIsTrue(const Entry& e, const double* v) const {
  if (e.has_guard) {
    if (Leaf(e.guard, v) != e.want) return false;
    if (e.exact) return true;
  }
  if (e.node >= 0) return Is(&nodes_[e.node], v, kTrue);
  return ::norotriage::internal::Eval(*prog_, e.cond, v) == kTrue;
}

bool FastProgram::LeafRange(const FastNode& leaf, Tri want, Range* r) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double c = leaf.value;
  Range g;
  // The leaf is true when x is not NaN and (lo <= x <= hi) != invert.
  switch (leaf.op) {
    case FastOp::kBool: g.lo = 0, g.hi = 0, g.invert = true; break;      // x != 0
    case FastOp::kEq: g.lo = c, g.hi = c; break;
    case FastOp::kNe: g.lo = c, g.hi = c, g.invert = true; break;
    case FastOp::kLt: g.lo = c, g.hi = kInf, g.invert = true; break;     // not x >= c
    case FastOp::kLe: g.lo = -kInf, g.hi = c; break;
    case FastOp::kGt: g.lo = -kInf, g.hi = c, g.invert = true; break;    // not x <= c
    case FastOp::kGe: g.lo = c, g.hi = kInf; break;
    case FastOp::kKnown:  // true for any x but NaN; never unknown, so false only for NaN
      if (want != kTrue) return false;
      g.lo = -kInf, g.hi = kInf;
      break;
    case FastOp::kIn: {
      // True only when bit int(x) of the mask is set: then x > lowest - 1
      // and x < highest + 1 (a wider range is still a necessary condition).
      if (want != kTrue || leaf.mask == 0) return false;
      const int lowest = __builtin_ctzll(leaf.mask), highest = 63 - __builtin_clzll(leaf.mask);
      g.lo = lowest - 1, g.hi = highest + 1;
      break;
    }
    default: return false;  // kSum
  }
  // Not NaN, a comparison is false exactly when it is not true.
  if (want == kFalse && leaf.op != FastOp::kKnown && leaf.op != FastOp::kIn) {
    g.invert = !g.invert;
  } else if (want != kTrue) {
    return false;
  }
  g.slot = leaf.slot;
  *r = g;
  return true;
}

bool FastProgram::NecessaryRanges(int32_t node, Tri want, std::vector<Range>* out) const {
  const FastNode& p = nodes_[node];
  if (!IsOperator(p.op)) {
    Range r;
    if (!LeafRange(p, want, &r)) return false;
    out->push_back(r);
    return true;
  }
  if (p.op == FastOp::kNot) return NecessaryRanges(node + 1, static_cast<Tri>(2 - want), out);
  const bool every = (p.op == FastOp::kAnd && want == kTrue) || (p.op == FastOp::kOr && want == kFalse);
  if (every) {
    // Every operand has the value: the tests of any one of them will do (the fewest).
    std::vector<Range> best, tmp;
    bool found = false;
    int32_t c = node + 1;
    for (int i = 0; i < p.n; c += nodes_[c].size, ++i) {
      tmp.clear();
      if (NecessaryRanges(c, want, &tmp) && (!found || tmp.size() < best.size())) {
        best = tmp;
        found = true;
      }
    }
    if (found) out->insert(out->end(), best.begin(), best.end());
    return found;
  }
  // AND false, OR true: some operand has the value. At least k of n: true
  // needs a true operand (k >= 1), false a false one (k <= n).
  if (p.op == FastOp::kAtLeast && (want == kTrue ? p.k < 1 : p.k > p.n)) return false;
  if (want != kTrue && want != kFalse) return false;
  const size_t size = out->size();
  int32_t c = node + 1;
  for (int i = 0; i < p.n; c += nodes_[c].size, ++i) {
    if (!NecessaryRanges(c, want, out)) {
      out->resize(size);
      return false;
    }
  }
  return true;
}

FastProgram::Filter FastProgram::FilterOf(const std::vector<Cond>& conds) const {
  Filter f;
  f.always.assign((conds.size() + 63) / 64, 0);
  for (size_t i = 0; i < conds.size(); ++i) {
    if (i % 64 == 0) f.blocks.push_back(static_cast<uint32_t>(f.ranges.size()));
    const size_t first = f.ranges.size();
    const Root* r = RootOf(conds[i]);
    if (r && NecessaryRanges(r->node, kTrue, &f.ranges)) {
      for (size_t k = first; k < f.ranges.size(); ++k) f.ranges[k].flag = static_cast<uint32_t>(i);
    } else {
      f.always[i / 64] |= uint64_t{1} << (i % 64);
    }
  }
  f.blocks.push_back(static_cast<uint32_t>(f.ranges.size()));
  return f;
}

// Without branches: most conditions are false, in no pattern a branch
// predictor could learn.
inline uint64_t FastProgram::MaybeTrue(const Filter& f, size_t b, const double* v) {
  uint64_t maybe = f.always[b];
  for (uint32_t k = f.blocks[b]; k < f.blocks[b + 1]; ++k) {
    const Range& r = f.ranges[k];
    const double x = v[r.slot];
    const bool in = (x >= r.lo) & (x <= r.hi);
    const bool pass = (x == x) & (in != r.invert);
    maybe |= uint64_t{pass} << (r.flag % 64);
  }
  return maybe;
}

size_t FastProgram::TrueFlags(const double* v, uint32_t* out) const {
  size_t count = 0;
  for (size_t b = 0; b < flag_filter_.always.size(); ++b) {
    for (uint64_t maybe = MaybeTrue(flag_filter_, b, v); maybe != 0; maybe &= maybe - 1) {
      const size_t i = b * 64 + static_cast<size_t>(__builtin_ctzll(maybe));
      if (EntryIsTrue(flags_[i], v)) out[count++] = static_cast<uint32_t>(i);
    }
  }
  return count;
}

bool FastProgram::ConsistencyRuleIsTrue(uint32_t i, const double* v) const {
  return EntryIsTrue(consistency_[i], v);
}

int FastProgram::FirstTrueConsistencyRule(const double* v) const {
  for (size_t b = 0; b < consistency_filter_.always.size(); ++b) {
    for (uint64_t maybe = MaybeTrue(consistency_filter_, b, v); maybe != 0; maybe &= maybe - 1) {
      const size_t i = b * 64 + static_cast<size_t>(__builtin_ctzll(maybe));
      if (EntryIsTrue(consistency_[i], v)) return static_cast<int>(i);
    }
  }
  return -1;
}

inline bool FastProgram::IsGuarded(const Root& r, const Guard& g, const double* v, Tri want) const {
  if (g.node >= 0) {
    if (Leaf(nodes_[g.node], v) != g.want) return false;
    if (g.exact) return true;
  }
  return Is(&nodes_[r.node], v, want);
}

bool FastProgram::IsTrue(Cond cond, const double* values) const {
  const Root* r = RootOf(cond);
  if (!r) return ::norotriage::internal::Eval(*prog_, cond, values) == kTrue;
  return IsGuarded(*r, r->if_true, values, kTrue);
}

bool FastProgram::IsFalse(Cond cond, const double* values) const {
  const Root* r = RootOf(cond);
  if (!r) return ::norotriage::internal::Eval(*prog_, cond, values) == kFalse;
  return IsGuarded(*r, r->if_false, values, kFalse);
}

bool FastProgram::ReadsDerived(Cond cond) const {
  const Root* r = RootOf(cond);
  return !r || r->derived;
}

bool FastProgram::CanBeSoft(Cond cond) const {
  const Root* r = RootOf(cond);
  return !r || r->soft;
}

const FastProgram& FastOf(const CompiledKb& kb) {
  return kb.fast_cache.Get([&] { return std::make_shared<const FastProgram>(kb); });
}

}  // namespace norotriage::internal
