// libFuzzer target: raw HTTP/1.1 bytes through the whole `norotriage serve`
// application in process; see fuzz/http_target.h.
#include "http_target.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)norotriage::fuzz::Harness();  // the routes and the knowledge base, once
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  norotriage::fuzz::Http(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
