// A set of value slots (findings and derived values), as a fixed bitset.
#ifndef NOROTRIAGE_EVAL_SLOT_SET_H_
#define NOROTRIAGE_EVAL_SLOT_SET_H_

#include <bitset>

namespace norotriage::internal {

// Slot indexes are below kMaxSlots; the loader caps findings at 250 so the
// findings plus the derived values always fit.
constexpr size_t kMaxSlots = 256;
using SlotSet = std::bitset<kMaxSlots>;

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EVAL_SLOT_SET_H_
