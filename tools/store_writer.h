// What norotriage_store_writer (tools/store_writer.cc) writes, shared with
// tests/store_crash_test.cc so the test can check every stored byte.
#ifndef NOROTRIAGE_TOOLS_STORE_WRITER_H_
#define NOROTRIAGE_TOOLS_STORE_WRITER_H_

#include <cstdint>
#include <string>

namespace norotriage {

// The episode the writer creates.
inline constexpr char kStoreWriterEpisodeId[] = "c0ffee00c0ffee00c0ffee00c0ffee00";

// The request_json of check-in `seq`: about 1–9 KB (a few SQLite pages, so a
// torn write would show), with multi-byte UTF-8, different for every seq.
inline std::string StoreWriterRequestJson(int64_t seq) {
  std::string pad;
  const int64_t units = 40 + (seq * 7919) % 300;
  for (int64_t i = 0; i < units; ++i) pad += "Übelkeit-🤢-" + std::to_string((seq + i) % 10);
  return "{\"seq\":" + std::to_string(seq) + ",\"pad\":\"" + pad + "\"}";
}

// The result_json of check-in `seq`.
inline std::string StoreWriterResultJson(int64_t seq) {
  return "{\"disposition\":\"self_care\",\"seq\":" + std::to_string(seq) + "}";
}

}  // namespace norotriage

#endif  // NOROTRIAGE_TOOLS_STORE_WRITER_H_
