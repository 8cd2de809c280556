// When a review point comes, in whole days from the assessment's day: the one
// computation behind the text ("That is in N more days.") and the recovery
// chart's review line (drawn at the check-in's day + N), so the two agree.
//
// Thread safety: a pure function.
#ifndef NOROTRIAGE_OUTPUT_REVIEW_DAYS_H_
#define NOROTRIAGE_OUTPUT_REVIEW_DAYS_H_

#include <algorithm>
#include <cmath>
#include <optional>

#include "norotriage/assessment.h"

namespace norotriage::internal {

// Whole days until `r` comes, rounded down (saying it comes earlier is the
// safe error), 0 when it is now; nullopt when its days are unknown.
inline std::optional<long long> ReviewDaysFromNow(const ReviewPoint& r) {
  if (!r.days_left || !std::isfinite(*r.days_left)) return std::nullopt;
  const double days = std::floor(std::max(0.0, *r.days_left));
  return static_cast<long long>(std::min(days, 1e6));
}

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_OUTPUT_REVIEW_DAYS_H_
