// The SQLite backend of Store (store.h), through SQLiteCpp.
//
// One connection per Store, its calls serialised by a mutex. The database is
// in WAL mode with synchronous=FULL, so a commit is on disk (the WAL fsynced)
// before AppendCheckin returns OK. Every write is one BEGIN IMMEDIATE
// transaction: it takes the write lock up front, so writers in other
// connections or processes wait (busy_timeout) instead of failing half-way.
// AppendCheckin reads the episode and its check-ins inside that transaction,
// so what its `make` is shown is still the last word when the insert commits:
// no other connection or process can write in between.
#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "norotriage/store.h"
#include "store/migrations.h"
#include "store/store_internal.h"

namespace norotriage::internal {
namespace {

// How long a call waits for another connection's write lock before it
// returns Unavailable (store.h): below the HTTP layer's 2 s deadline for an
// episode request. A write holds the lock for milliseconds (an fsync, and
// for a check-in its evaluation).
constexpr int kBusyTimeoutMs = 1500;

// Thrown (and caught in Run) when a stored row is not what this version writes.
class CorruptRow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string Text(SQLite::Statement& st, int i) {
  SQLite::Column c = st.getColumn(i);
  if (!c.isText()) throw CorruptRow(fmt::format("column {} is not text", c.getName()));
  return c.getString();
}

int64_t Integer(SQLite::Statement& st, int i) {
  SQLite::Column c = st.getColumn(i);
  if (!c.isInteger()) throw CorruptRow(fmt::format("column {} is not an integer", c.getName()));
  return c.getInt64();
}

double Real(SQLite::Statement& st, int i) {
  SQLite::Column c = st.getColumn(i);
  if (!c.isFloat() && !c.isInteger()) {
    throw CorruptRow(fmt::format("column {} is not a number", c.getName()));
  }
  return c.getDouble();
}

constexpr char kEpisodeColumns[] = "id, onset_date, stable_json, token_hash, created_at";

EpisodeRecord EpisodeFromRow(SQLite::Statement& st) {
  EpisodeRecord e;
  e.id = Text(st, 0);
  e.onset_date = Text(st, 1);
  e.stable_json = Text(st, 2);
  e.token_hash = Text(st, 3);
  e.created_at = Text(st, 4);
  return e;
}

// Maps a SQLite error to a Status: NotFound is never produced here (callers
// decide that from query results), so "missing" and "failed" stay apart.
Status FromSqliteError(const SQLite::Exception& e, const std::string& path) {
  const std::string msg = fmt::format("{}: {}", path, e.what());
  switch (e.getErrorCode() & 0xff) {  // the primary result code
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(msg + " (another connection holds the database; try again)");
    case SQLITE_READONLY:
      return Status::Unavailable(fmt::format("{}: the database is read-only ({})", path, e.what()));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_AUTH:
    case SQLITE_PROTOCOL:
      return Status::Unavailable(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(msg);
    case SQLITE_FULL:
      return Status::ResourceExhausted(fmt::format("{}: the disk is full ({})", path, e.what()));
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return Status::ResourceExhausted(msg);
    default:
      return Status::Internal(msg);
  }
}

// A BUSY or LOCKED error as FromSqliteError words it.
bool IsBusy(const Status& s) {
  return s.message().find("(another connection holds the database; try again)") != std::string::npos;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<SQLite::Database> db)
      : path_(std::move(path)), db_(std::move(db)) {}

  // Sets the connection's pragmas and applies pending migrations.
  Status Init() {
    return Run([&]() -> Status {
      // journal_mode persists in the file; the others are per connection.
      const std::string mode = db_->execAndGet("PRAGMA journal_mode = WAL").getString();
      if (mode != "wal" && path_ != ":memory:") {
        return Status::Unavailable(
            fmt::format("{}: cannot switch to WAL mode (journal_mode is {})", path_, mode));
      }
      db_->exec("PRAGMA synchronous = FULL");
      db_->exec("PRAGMA foreign_keys = ON");
      if (db_->execAndGet("PRAGMA foreign_keys").getInt() != 1) {
        return Status::Internal(fmt::format("{}: this SQLite lacks foreign keys", path_));
      }
      return Migrate();
    });
  }

  const char* backend() const override { return "sqlite"; }

  Status CreateEpisode(const EpisodeRecord& episode) override {
    if (Status s = ValidateEpisode(episode); !s.ok()) return s;
    return Run([&]() -> Status {
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement insert(*db_, fmt::format("INSERT INTO episodes ({}) VALUES (?, ?, ?, ?, ?)",
                                                 kEpisodeColumns));
      insert.bind(1, episode.id);
      insert.bind(2, episode.onset_date);
      insert.bind(3, episode.stable_json);
      insert.bind(4, episode.token_hash);
      insert.bind(5, episode.created_at);
      try {
        insert.exec();
      } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_PRIMARYKEY) throw;
        return Status::InvalidArgument(fmt::format("episode {} exists already", episode.id));
      }
      tx.commit();
      return Status::Ok();
    });
  }

  Result<EpisodeRecord> GetEpisode(const std::string& id) override {
    return Run([&]() -> Result<EpisodeRecord> { return SelectEpisode(id); });
  }

  Result<std::vector<EpisodeRecord>> ListEpisodes() override {
    return Run([&]() -> Result<std::vector<EpisodeRecord>> {
      SQLite::Statement select(
          *db_, fmt::format("SELECT {} FROM episodes ORDER BY created_at DESC, id DESC",
                            kEpisodeColumns));
      std::vector<EpisodeRecord> episodes;
      while (select.executeStep()) episodes.push_back(EpisodeFromRow(select));
      return episodes;
    });
  }

  Result<std::vector<CheckinRecord>> GetCheckins(const std::string& episode_id) override {
    return Run([&]() -> Result<std::vector<CheckinRecord>> {
      // A read transaction: both queries see one snapshot even while another
      // process writes.
      SQLite::Transaction tx(*db_);
      if (!EpisodeExists(episode_id)) return NotFoundError(episode_id);
      std::vector<CheckinRecord> checkins = SelectCheckins(episode_id);
      tx.commit();
      return checkins;
    });
  }

  Result<CheckinRecord> AppendCheckin(const std::string& episode_id,
                                      const CheckinMaker& make) override {
    return Run([&]() -> Result<CheckinRecord> {
      // The write lock first: from here to the commit no other connection or
      // process can write, so `before` stays the episode's last word.
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      Result<EpisodeRecord> episode = SelectEpisode(episode_id);
      if (!episode.ok()) return episode.status();
      const std::vector<CheckinRecord> before = SelectCheckins(episode_id);
      Result<CheckinRecord> made = make(*episode, before);
      if (!made.ok()) return made.status();  // rolled back: nothing written
      CheckinRecord c = std::move(made).value();
      if (Status s = ValidateCheckin(c); !s.ok()) return s;
      if (Status s = PlaceCheckin(&c, before); !s.ok()) return s;
      // Each statement is finished before the commit: one still open keeps the
      // connection in a read transaction after COMMIT, and the automatic WAL
      // checkpoint that COMMIT runs then fails (silently), so the WAL would
      // grow without end and every read get slower.
      {
        // A new seq inserts; a replacement (PlaceCheckin: the last row) updates it.
        SQLite::Statement write(*db_,
                                "INSERT INTO checkins (episode_id, seq, date, day, request_json, "
                                "result_json, disposition, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT (episode_id, seq) DO UPDATE SET date = excluded.date, "
                                "day = excluded.day, request_json = excluded.request_json, "
                                "result_json = excluded.result_json, "
                                "disposition = excluded.disposition, created_at = excluded.created_at");
        write.bind(1, episode_id);
        write.bind(2, c.seq);
        write.bind(3, c.date);
        write.bind(4, c.day);
        write.bind(5, c.request_json);
        write.bind(6, c.result_json);
        write.bind(7, c.disposition);
        write.bind(8, c.created_at);
        write.exec();
      }
      tx.commit();  // WAL + synchronous=FULL: durable once this returns
      return c;
    });
  }

  Status DeleteEpisode(const std::string& id) override {
    return Run([&]() -> Status {
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement del(*db_, "DELETE FROM episodes WHERE id = ?");
      del.bind(1, id);
      // Check-ins go with it: ON DELETE CASCADE, foreign_keys is on.
      if (del.exec() == 0) return NotFoundError(id);
      tx.commit();
      return Status::Ok();
    });
  }

  Result<int> SchemaVersion() override {
    return Run([&]() -> Result<int> {
      return db_->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_version").getInt();
    });
  }

 private:
  // Runs `fn` with the connection to itself and turns every exception into a
  // Status. `fn` returns a Status or a Result<T>.
  template <typename Fn>
  auto Run(Fn&& fn) -> decltype(fn()) {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      return fn();
    } catch (const SQLite::Exception& e) {
      return FromSqliteError(e, path_);
    } catch (const CorruptRow& e) {
      return Status::Corruption(fmt::format("{}: {}", path_, e.what()));
    } catch (const std::bad_alloc&) {
      return Status::ResourceExhausted(fmt::format("{}: out of memory", path_));
    } catch (const std::exception& e) {
      return Status::Internal(fmt::format("{}: {}", path_, e.what()));
    } catch (...) {
      return Status::Internal(fmt::format("{}: unknown exception", path_));
    }
  }

  // REQUIRES: mu_ held.
  Status Migrate() {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    db_->exec(SchemaVersionTableSql(SqlDialect::kSqlite));
    const int current =
        db_->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_version").getInt();
    if (current > LatestSchemaVersion()) {
      return Status::Corruption(fmt::format(
          "{}: schema version {} is newer than this program's {}; use a newer norotriage", path_,
          current, LatestSchemaVersion()));
    }
    for (const Migration& m : Migrations()) {
      if (m.version <= current) continue;
      db_->exec(m.Sql(SqlDialect::kSqlite));
      SQLite::Statement record(
          *db_, "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
      record.bind(1, m.version);
      record.bind(2, m.description);
      record.bind(3, UtcNowIso8601());
      record.exec();
    }
    tx.commit();
    return Status::Ok();
  }

  // The episode `id`, or NotFound. REQUIRES: mu_ held.
  Result<EpisodeRecord> SelectEpisode(const std::string& id) {
    SQLite::Statement select(
        *db_, fmt::format("SELECT {} FROM episodes WHERE id = ?", kEpisodeColumns));
    select.bind(1, id);
    if (!select.executeStep()) return NotFoundError(id);
    return EpisodeFromRow(select);
  }

  // The check-ins of an episode in seq order. REQUIRES: mu_ held, in a
  // transaction (one snapshot with whatever else it read).
  std::vector<CheckinRecord> SelectCheckins(const std::string& episode_id) {
    SQLite::Statement select(*db_,
                             "SELECT seq, date, day, request_json, result_json, disposition, "
                             "created_at FROM checkins WHERE episode_id = ? ORDER BY seq");
    select.bind(1, episode_id);
    std::vector<CheckinRecord> checkins;
    while (select.executeStep()) {
      CheckinRecord c;
      c.seq = Integer(select, 0);
      c.date = Text(select, 1);
      c.day = Real(select, 2);
      c.request_json = Text(select, 3);
      c.result_json = Text(select, 4);
      c.disposition = Text(select, 5);
      c.created_at = Text(select, 6);
      checkins.push_back(std::move(c));
    }
    return checkins;
  }

  // REQUIRES: mu_ held.
  bool EpisodeExists(const std::string& id) {
    SQLite::Statement select(*db_, "SELECT 1 FROM episodes WHERE id = ?");
    select.bind(1, id);
    return select.executeStep();
  }

  static Status NotFoundError(const std::string& id) {
    return Status::NotFound(fmt::format("episode {} not found", QuoteForMessage(id)));
  }

  const std::string path_;  // for messages
  std::mutex mu_;           // serialises every use of db_
  std::unique_ptr<SQLite::Database> db_;  // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  std::unique_ptr<SQLite::Database> db;
  try {
    db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                            kBusyTimeoutMs);
  } catch (const SQLite::Exception& e) {
    return FromSqliteError(e, path);
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("{}: {}", path, e.what()));
  }
  auto store = std::make_unique<SqliteStore>(path, std::move(db));
  // Switching a new file to WAL needs an exclusive lock, and when several
  // connections open a new file at once SQLite may refuse one at once with
  // SQLITE_BUSY rather than wait (it would deadlock otherwise): the busy
  // timeout does not apply. Try again, within the same time budget.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (int attempt = 1;; ++attempt) {
    Status s = store->Init();
    if (s.ok()) break;
    if (s.code() != Status::Code::kUnavailable || !IsBusy(s) || std::chrono::steady_clock::now() > deadline) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5 * attempt, 100)));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace norotriage::internal
