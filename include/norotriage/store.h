// Storage of episodes and their check-ins, behind one narrow interface.
//
// Two real backends share one schema and one set of tests:
//   - SQLite, the embedded default: a file path (created if missing), WAL
//     mode, synchronous=FULL, foreign keys on;
//   - PostgreSQL: a "postgresql://…" or "postgres://…" URL.
// Versioned migrations run at Open. Every write is one transaction: a
// check-in acknowledged by AddCheckin (OK returned) survives a crash of the
// process that wrote it.
//
// Errors: NotFound for an episode that does not exist (kept apart from
// failures); Unavailable when the database cannot be reached; Corruption
// when stored data is not what this version wrote; InvalidArgument for bad
// arguments. No exception escapes.
//
// Thread safety: a Store may be used from several threads; calls are
// serialised inside (SQLite) or use a connection per call (PostgreSQL).
#ifndef NOROTRIAGE_STORE_H_
#define NOROTRIAGE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "norotriage/status.h"

namespace norotriage {

struct EpisodeRecord {
  std::string id;           // 32 lowercase hex characters (128 random bits)
  std::string onset_date;   // YYYY-MM-DD: the day vomiting or diarrhoea began
  std::string stable_json;  // a request (spec/request.md) of the stable findings: age, weight, conditions, medicines
  std::string token_hash;   // hex SHA-256 of the access token for the HTTP API; "" when none
  std::string created_at;   // UTC, YYYY-MM-DDTHH:MM:SSZ
};

struct CheckinRecord {
  int64_t seq = 0;          // 1, 2, 3, … within its episode, in the order written
  std::string date;         // YYYY-MM-DD of the check-in
  double day = 0;           // days since onset on that date
  std::string request_json; // the request as assessed (with the derived day counts)
  std::string result_json;  // the result the engine gave (spec/result.md)
  std::string disposition;  // "emergency" | "urgent" | "routine" | "self_care"
  std::string created_at;   // UTC, YYYY-MM-DDTHH:MM:SSZ
};

class Store {
 public:
  // Opens (creating and migrating if needed) the database at `url`: a file
  // path for SQLite, or a postgresql:// URL.
  static Result<std::unique_ptr<Store>> Open(const std::string& url);

  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;  // owns a connection
  Store& operator=(const Store&) = delete;

  // "sqlite" or "postgresql".
  virtual const char* backend() const = 0;

  // InvalidArgument if the id exists already.
  virtual Status CreateEpisode(const EpisodeRecord& episode) = 0;
  virtual Result<EpisodeRecord> GetEpisode(const std::string& id) = 0;
  // Newest first.
  virtual Result<std::vector<EpisodeRecord>> ListEpisodes() = 0;
  // In seq order. NotFound if the episode does not exist.
  virtual Result<std::vector<CheckinRecord>> GetCheckins(const std::string& episode_id) = 0;
  // Appends a check-in; its seq is assigned in the same transaction (the
  // caller's `seq` is ignored) and returned. NotFound if the episode does not
  // exist. When this returns OK the check-in is durable.
  virtual Result<int64_t> AddCheckin(const std::string& episode_id, const CheckinRecord& checkin) = 0;
  // Deletes the episode and all its check-ins for real. NotFound if absent.
  virtual Status DeleteEpisode(const std::string& id) = 0;
  // Schema version after migrations (for tests and `--version`).
  virtual Result<int> SchemaVersion() = 0;
};

// The default SQLite file: $NOROTRIAGE_DB, else $XDG_DATA_HOME/norotriage/norotriage.db,
// else ~/.local/share/norotriage/norotriage.db.
std::string DefaultDatabasePath();

}  // namespace norotriage

#endif  // NOROTRIAGE_STORE_H_
