#include "norotriage/findings.h"

namespace norotriage {

bool Findings::operator==(const Findings& o) const {
  if (values_.size() != o.values_.size()) return false;
  for (size_t i = 0; i < values_.size(); ++i) {
    bool a = known(i), b = o.known(i);
    if (a != b || (a && values_[i] != o.values_[i])) return false;
  }
  return true;
}

}  // namespace norotriage
