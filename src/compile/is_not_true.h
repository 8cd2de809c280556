// "X is not true" (doc/knowledge-format.md, "The rule language"): true when X
// is false or unknown, never unknown itself. Policy fallbacks use it so that
// they fire when X was never asked ("urinary_symptoms and (fever is not true)").
//
// The form has no instruction of its own: the compiler rewrites it into the
// existing instructions, so the evaluators, the fast form, the binary image
// and the rules-engine export all handle it unchanged. The rewrite builds, in
// one postfix pass with an explicit stack, two conditions for every
// sub-condition c: NT(c) "c is not true" and NF(c) "c is not false":
//
//   NT(leaf on x) = not known(x) or not leaf    NF(leaf) = not known(x) or leaf
//   NT(known(x))  = not known(x)                NF(known(x)) = known(x)
//   NT(not a)     = NF(a)                       NF(not a)    = NT(a)
//   NT(a and b)   = NT(a) or NT(b)              NF(a and b)  = NF(a) and NF(b)
//   NT(a or b)    = NT(a) and NT(b)             NF(a or b)   = NF(a) or NF(b)
//   NT(at_least(k, x1..xn)) = at_least(n-k+1, NT(x1)..NT(xn))
//   NF(at_least(k, x1..xn)) = at_least(k, NF(x1)..NF(xn))
//
// Every NT and NF is two-valued: a leaf is unknown only when its slot is.
// A sum (a + b >= 4) can be unknown while some of its terms are known, so
// it is refused.
#ifndef NOROTRIAGE_COMPILE_IS_NOT_TRUE_H_
#define NOROTRIAGE_COMPILE_IS_NOT_TRUE_H_

#include <string>
#include <vector>

#include "compile/program.h"
#include "norotriage/status.h"

namespace norotriage::internal {

// The code of NT(c) for the postfix code `c` of one complete condition.
// Error (a message) when `c` holds a sum. Size: about 5x the input.
Result<std::vector<Instr>, std::string> IsNotTrueCode(const std::vector<Instr>& c);

// The code of NF(c), "c is not false" (used for "who a finding applies to").
Result<std::vector<Instr>, std::string> IsNotFalseCode(const std::vector<Instr>& c);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_COMPILE_IS_NOT_TRUE_H_
