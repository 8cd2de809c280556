#include "compile/finding_table.h"

#include <cstring>

namespace norotriage::internal {

FindingTable::FindingTable(const std::vector<std::string>& ids) {
  size_t size = 16;
  while (size < 2 * ids.size()) size *= 2;
  slots_.resize(size);
  shift_ = 64;
  for (size_t s = size; s > 1; s /= 2) --shift_;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    size_t pos = Hash(id) >> shift_;
    while (slots_[pos].index >= 0 && !Equal(slots_[pos], id)) pos = (pos + 1) & (size - 1);
    if (slots_[pos].index >= 0) {  // a duplicate: the last wins, as in finding_index
      slots_[pos].index = static_cast<int32_t>(i);
      continue;
    }
    slots_[pos] = Slot{static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(id.size()), static_cast<int32_t>(i)};
    text_ += id;
  }
}

}  // namespace norotriage::internal
