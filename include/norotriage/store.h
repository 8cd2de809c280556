// Storage of episodes and their check-ins, behind one narrow interface.
//
// Two real backends share one schema and one set of tests:
//   - SQLite, the embedded default: a file path (created if missing), WAL
//     mode, synchronous=FULL, foreign keys on;
//   - PostgreSQL: a "postgresql://…" or "postgres://…" URL.
// Versioned migrations run at Open. Every write is one transaction: a
// check-in acknowledged by AppendCheckin or AddCheckin (OK returned) survives
// a crash of the process that wrote it.
//
// Several processes may share one database (any number of `serve` processes
// on one PostgreSQL, or `serve` and the CLI on one SQLite file): a check-in
// is read, decided and written in one transaction that locks its episode
// (AppendCheckin), so rules over an episode's check-ins hold across them.
//
// Deadlines, so that a stuck database cannot hold a caller for ever:
//   - SQLite: busy_timeout 1.5 s, how long a write waits for another
//     connection's (or process's) write lock before it fails Unavailable; it
//     stays below the HTTP layer's 2 s deadline for episode requests.
//   - PostgreSQL, added to the connection unless the URL (or for the server
//     settings, PGOPTIONS, ALTER ROLE/DATABASE or postgresql.conf) sets them:
//     connect_timeout=2 (s, libpq's minimum); keepalives=1,
//     keepalives_idle=5, keepalives_interval=2, keepalives_count=3 and
//     tcp_user_timeout=10000 (ms), so a vanished server or network is given
//     up on within about 10 s instead of the kernel's 15 minutes;
//     lock_timeout 2 s, how long a check-in waits for its episode's lock (held
//     for milliseconds by another check-in; waiting past the HTTP deadline
//     helps nobody); statement_timeout 5 s, a bound on any one statement (ours
//     take milliseconds); idle_in_transaction_session_timeout 10 s, so a
//     process that stops while it holds an episode's lock (SIGSTOP, a swap
//     storm) loses its session and the lock. A timeout is Unavailable. The
//     last three are enforced by the server: a frozen server holds a call
//     until it wakes or the TCP timeouts end the connection.
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
#include <functional>
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
  // Only on a record an AppendCheckin `make` returns: the seq of the check-in
  // it replaces (it must be the last one, and of the same date), or 0 to add a
  // new one. Not stored: records read back have 0.
  int64_t replaces = 0;
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

  // Makes the next check-in of `episode` from the check-ins before it (in seq
  // order), or refuses with a Status. Both references are valid during the
  // call only.
  using CheckinMaker = std::function<Result<CheckinRecord>(
      const EpisodeRecord& episode, const std::vector<CheckinRecord>& before)>;

  // Appends the check-in `make` returns, all or nothing, in one transaction
  // that holds the episode's lock from the read to the commit (PostgreSQL:
  // SELECT … FOR UPDATE of the episode's row; SQLite: BEGIN IMMEDIATE), so no
  // other check-in to the episode, from any connection or process, is stored
  // between what `make` was shown and what it returned. The returned record's
  // seq is ignored: the next one (last + 1, from 1) is assigned and the record
  // is returned as stored. A record whose `replaces` is the last check-in's seq
  // takes that check-in's place instead (same seq, same date; the number of
  // check-ins does not grow), in the same transaction: a second check-in on
  // one date amends that day rather than adding one. When this returns OK the
  // check-in is durable.
  //
  // Errors: NotFound if the episode does not exist (`make` is not called);
  // `make`'s own Status, unchanged, when it refuses; InvalidArgument if its
  // record is malformed, or `replaces` is not the last check-in or its date
  // is not that check-in's; Unavailable when the lock or the database is not to
  // be had within the deadlines above. Nothing is written on any error.
  //
  // REQUIRES: `make` does not use this Store (it runs with the lock held) and
  // may be called more than once (PostgreSQL retries a transaction that was
  // rolled back for a conflict or a dropped idle connection); only the last
  // call's record is stored. It should be quick: every other check-in to the
  // episode (on SQLite, every write) waits for it.
  virtual Result<CheckinRecord> AppendCheckin(const std::string& episode_id,
                                              const CheckinMaker& make) = 0;

  // Appends `checkin` as it is (AppendCheckin with a `make` that returns it)
  // and returns its seq.
  Result<int64_t> AddCheckin(const std::string& episode_id, const CheckinRecord& checkin);
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
