// norotriage_store_writer: a helper for tests/store_crash_test.cc.
//
//   norotriage_store_writer DB_PATH [COUNT]
//
// Opens (creating) the SQLite store at DB_PATH, creates the episode
// kStoreWriterEpisodeId, then adds check-ins 1, 2, 3, … (COUNT of them, or
// until killed). It writes each seq to stdout, one per line, only after
// AddCheckin has returned OK for it: a line on stdout is a promise that the
// check-in is durable. With COUNT it prints the rate to stderr at the end.
// Exit status: 0 after COUNT check-ins, 1 on a store error, 2 on bad usage.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "norotriage/store.h"
#include "tools/store_writer.h"

namespace {

// Writes all of `s` to stdout, unbuffered, so it is out before the next step.
bool WriteOut(const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = write(STDOUT_FILENO, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using norotriage::Result;
  using norotriage::Status;
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s DB_PATH [COUNT]\n", argv[0]);
    return 2;
  }
  const int64_t count = argc == 3 ? std::strtoll(argv[2], nullptr, 10) : -1;

  Result<std::unique_ptr<norotriage::Store>> store = norotriage::Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "store_writer: %s\n", store.status().ToString().c_str());
    return 1;
  }
  norotriage::EpisodeRecord episode;
  episode.id = norotriage::kStoreWriterEpisodeId;
  episode.onset_date = "2025-01-01";
  episode.stable_json = R"({"findings":{"age_years":40}})";
  episode.created_at = "2025-01-01T08:00:00Z";
  if (Status s = (*store)->CreateEpisode(episode); !s.ok()) {
    std::fprintf(stderr, "store_writer: %s\n", s.ToString().c_str());
    return 1;
  }

  const auto start = std::chrono::steady_clock::now();
  for (int64_t seq = 1; count < 0 || seq <= count; ++seq) {
    norotriage::CheckinRecord checkin;
    checkin.date = "2025-01-02";
    checkin.day = 1;
    checkin.request_json = norotriage::StoreWriterRequestJson(seq);
    checkin.result_json = norotriage::StoreWriterResultJson(seq);
    checkin.disposition = "self_care";
    checkin.created_at = "2025-01-02T09:00:00Z";
    Result<int64_t> got = (*store)->AddCheckin(episode.id, checkin);
    if (!got.ok()) {
      std::fprintf(stderr, "store_writer: %s\n", got.status().ToString().c_str());
      return 1;
    }
    if (*got != seq) {
      std::fprintf(stderr, "store_writer: expected seq %lld, got %lld\n",
                   static_cast<long long>(seq), static_cast<long long>(*got));
      return 1;
    }
    if (!WriteOut(std::to_string(seq) + "\n")) return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "store_writer: %lld check-ins in %.3f s: %.0f check-ins/s\n",
               static_cast<long long>(count), seconds, static_cast<double>(count) / seconds);
  return 0;
}
