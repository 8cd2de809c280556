// libFuzzer target: see fuzz/targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  norotriage::fuzz::Interview(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
