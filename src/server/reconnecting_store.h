// A Store that opens its database on first use, and again after a failed
// open, so that `norotriage serve` can start while PostgreSQL is down (the
// stateless endpoints work; the episode endpoints answer 503) and recovers
// by itself when the database comes back.
//
// Once an open succeeds every call goes straight to the opened Store. While
// opening fails, calls fail with its Status (usually Unavailable) and a new
// attempt is made at most once per `retry_interval`, so a down database is
// not hammered.
//
// Thread safety: as the Store it opens (both backends are thread-safe);
// opening is serialised by a mutex.
#ifndef NOROTRIAGE_SERVER_RECONNECTING_STORE_H_
#define NOROTRIAGE_SERVER_RECONNECTING_STORE_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "norotriage/status.h"
#include "norotriage/store.h"

namespace norotriage::server {

class ReconnectingStore : public Store {
 public:
  // `url` as for Store::Open; `first_error` the failure of an open already
  // tried (returned until the next attempt is due).
  ReconnectingStore(std::string url, Status first_error,
                    std::chrono::milliseconds retry_interval = std::chrono::seconds(1));

  const char* backend() const override;
  Status CreateEpisode(const EpisodeRecord& episode) override;
  Result<EpisodeRecord> GetEpisode(const std::string& id) override;
  Result<std::vector<EpisodeRecord>> ListEpisodes() override;
  Result<std::vector<CheckinRecord>> GetCheckins(const std::string& episode_id) override;
  Result<CheckinRecord> AppendCheckin(const std::string& episode_id,
                                      const CheckinMaker& make) override;
  Status DeleteEpisode(const std::string& id) override;
  Result<int> SchemaVersion() override;

 private:
  // The opened store, opening it if an attempt is due; or the open's error.
  Result<Store*> Get();

  const std::string url_;  // may hold a password: never logged
  const bool postgres_;
  const std::chrono::milliseconds retry_interval_;
  std::atomic<Store*> ready_{nullptr};  // set once, to inner_.get()
  std::mutex mu_;
  std::unique_ptr<Store> inner_;                       // guarded by mu_; never reset once set
  Status last_error_;                                  // guarded by mu_
  std::chrono::steady_clock::time_point next_try_;     // guarded by mu_
};

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_RECONNECTING_STORE_H_
