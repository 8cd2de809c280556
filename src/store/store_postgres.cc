// The PostgreSQL backend of Store (store.h), through libpqxx 6.4.
//
// Each call runs on a connection of its own, taken from a small pool of idle
// ones (or newly opened) and returned after, so calls from several threads
// run in parallel. A pooled connection that the server has dropped is found
// out on first use; the call is then retried once on a fresh connection
// (safe: nothing was committed, since a loss during COMMIT is reported as
// "in doubt" and never retried).
//
// AppendCheckin locks the episode's row (SELECT … FOR UPDATE) before it reads
// the check-ins, so concurrent check-ins to one episode, from any process,
// queue behind each other and each is decided on the one before it;
// check-ins to different episodes do not wait for each other.
//
// Deadlines (store.h): the client-side ones are added to the URL
// (WithClientDeadlines); the server-side ones are set on each new connection
// unless the operator has set them (their pg_settings source is not
// "default": URL options, PGOPTIONS, ALTER ROLE/DATABASE, postgresql.conf).
#include <pqxx/pqxx>

#include <cctype>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "norotriage/store.h"
#include "store/migrations.h"
#include "store/store_internal.h"

namespace norotriage::internal {
namespace {

// Idle connections kept for reuse; more may be open while calls run.
constexpr size_t kMaxIdleConnections = 4;
// Tries of a transaction that PostgreSQL rolled back for a serialisation
// failure or deadlock (not expected with the row lock; kept as a safety net).
constexpr int kMaxAttempts = 3;
// pg_advisory_xact_lock key held while migrating, so that concurrent Opens
// apply each migration once ("noro" in ASCII).
constexpr int64_t kMigrationLockKey = 0x6e6f726f;

using ReadOnlyTransaction =
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only>;

constexpr char kEpisodeColumns[] = "id, onset_date, stable_json, token_hash, created_at";

// Sets the server-side deadlines of store.h on a session, each unless the
// operator has set it: lock_timeout (a check-in waiting for its episode's
// lock), statement_timeout (any one statement) and
// idle_in_transaction_session_timeout (a client that stops while holding a
// lock loses its session, and the lock).
constexpr char kSetDeadlinesSql[] =
    "SELECT set_config(d.name, d.value, false) "
    "FROM (VALUES ('lock_timeout', '2s'), ('statement_timeout', '5s'), "
    "('idle_in_transaction_session_timeout', '10s')) AS d(name, value) "
    "JOIN pg_settings s ON s.name = d.name WHERE s.source = 'default'";

EpisodeRecord EpisodeFromRow(const pqxx::row& row) {
  EpisodeRecord e;
  e.id = row[0].as<std::string>();
  e.onset_date = row[1].as<std::string>();
  e.stable_json = row[2].as<std::string>();
  e.token_hash = row[3].as<std::string>();
  e.created_at = row[4].as<std::string>();
  return e;
}

Status NotFoundError(const std::string& id) {
  return Status::NotFound(fmt::format("episode {} not found", QuoteForMessage(id)));
}

// The first line of a libpq/libpqxx message (they end in newlines and may
// continue with DETAIL lines that quote row values).
std::string FirstLine(const char* what) {
  std::string s(what);
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string url, std::string where)
      : url_(std::move(url)), conninfo_(WithClientDeadlines(url_)), where_(std::move(where)) {}

  // Checks the server and applies pending migrations.
  Status Init() {
    return Run([&](pqxx::connection& conn) -> Status {
      pqxx::work tx(conn);
      const std::string encoding = tx.exec("SHOW server_encoding")[0][0].as<std::string>();
      if (encoding != "UTF8" && encoding != "SQL_ASCII") {
        return Status::Unavailable(fmt::format(
            "{}: the database's encoding is {}; norotriage needs UTF8 (CREATE DATABASE … "
            "ENCODING 'UTF8')",
            where_, encoding));
      }
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
      tx.exec("SET LOCAL client_min_messages = warning");  // no "already exists" notices
      tx.exec(SchemaVersionTableSql(SqlDialect::kPostgres));
      const int current =
          tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0].as<int>();
      if (current > LatestSchemaVersion()) {
        return Status::Corruption(fmt::format(
            "{}: schema version {} is newer than this program's {}; use a newer norotriage",
            where_, current, LatestSchemaVersion()));
      }
      for (const Migration& m : Migrations()) {
        if (m.version <= current) continue;
        tx.exec(m.Sql(SqlDialect::kPostgres));
        tx.exec_params(
            "INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)",
            m.version, std::string(m.description), UtcNowIso8601());
      }
      tx.commit();
      return Status::Ok();
    });
  }

  const char* backend() const override { return "postgresql"; }

  Status CreateEpisode(const EpisodeRecord& episode) override {
    if (Status s = ValidateEpisode(episode); !s.ok()) return s;
    return Run([&](pqxx::connection& conn) -> Status {
      pqxx::work tx(conn);
      try {
        tx.exec_params(fmt::format("INSERT INTO episodes ({}) VALUES ($1, $2, $3, $4, $5)",
                                   kEpisodeColumns),
                       episode.id, episode.onset_date, episode.stable_json, episode.token_hash,
                       episode.created_at);
      } catch (const pqxx::unique_violation&) {
        return Status::InvalidArgument(fmt::format("episode {} exists already", episode.id));
      }
      tx.commit();
      return Status::Ok();
    });
  }

  Result<EpisodeRecord> GetEpisode(const std::string& id) override {
    return Run([&](pqxx::connection& conn) -> Result<EpisodeRecord> {
      ReadOnlyTransaction tx(conn);
      const pqxx::result r = tx.exec_params(
          fmt::format("SELECT {} FROM episodes WHERE id = $1", kEpisodeColumns), id);
      if (r.empty()) return NotFoundError(id);
      return EpisodeFromRow(r[0]);
    });
  }

  Result<std::vector<EpisodeRecord>> ListEpisodes() override {
    return Run([&](pqxx::connection& conn) -> Result<std::vector<EpisodeRecord>> {
      ReadOnlyTransaction tx(conn);
      const pqxx::result r = tx.exec(fmt::format(
          "SELECT {} FROM episodes ORDER BY created_at DESC, id DESC", kEpisodeColumns));
      std::vector<EpisodeRecord> episodes;
      episodes.reserve(r.size());
      for (const pqxx::row& row : r) episodes.push_back(EpisodeFromRow(row));
      return episodes;
    });
  }

  Result<std::vector<CheckinRecord>> GetCheckins(const std::string& episode_id) override {
    return Run([&](pqxx::connection& conn) -> Result<std::vector<CheckinRecord>> {
      ReadOnlyTransaction tx(conn);  // one snapshot for both queries
      if (tx.exec_params("SELECT 1 FROM episodes WHERE id = $1", episode_id).empty()) {
        return NotFoundError(episode_id);
      }
      return SelectCheckins(tx, episode_id);
    });
  }

  Result<CheckinRecord> AppendCheckin(const std::string& episode_id,
                                      const CheckinMaker& make) override {
    return Run([&](pqxx::connection& conn) -> Result<CheckinRecord> {
      pqxx::work tx(conn);
      // The row lock serialises check-ins to this episode across connections
      // and processes (and waits for a delete of it to finish); READ
      // COMMITTED gives each later statement a snapshot taken after the lock,
      // so `before` includes the check-in of whoever held it last.
      const pqxx::result e = tx.exec_params(
          fmt::format("SELECT {} FROM episodes WHERE id = $1 FOR UPDATE", kEpisodeColumns),
          episode_id);
      if (e.empty()) return NotFoundError(episode_id);
      const EpisodeRecord episode = EpisodeFromRow(e[0]);
      const std::vector<CheckinRecord> before = SelectCheckins(tx, episode_id);
      Result<CheckinRecord> made = make(episode, before);
      if (!made.ok()) return made.status();  // tx's destructor rolls back
      CheckinRecord c = std::move(made).value();
      if (Status s = ValidateCheckin(c); !s.ok()) return s;
      if (Status s = PlaceCheckin(&c, before); !s.ok()) return s;
      // A new seq inserts; a replacement (PlaceCheckin: the last row) updates it.
      tx.exec_params(
          "INSERT INTO checkins (episode_id, seq, date, day, request_json, result_json, "
          "disposition, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
          "ON CONFLICT (episode_id, seq) DO UPDATE SET date = excluded.date, day = excluded.day, "
          "request_json = excluded.request_json, result_json = excluded.result_json, "
          "disposition = excluded.disposition, created_at = excluded.created_at",
          episode_id, c.seq, c.date, c.day, c.request_json, c.result_json, c.disposition,
          c.created_at);
      tx.commit();  // synchronous_commit: durable once this returns
      return c;
    });
  }

  Status DeleteEpisode(const std::string& id) override {
    return Run([&](pqxx::connection& conn) -> Status {
      pqxx::work tx(conn);
      // Check-ins go with it: ON DELETE CASCADE.
      const pqxx::result r = tx.exec_params("DELETE FROM episodes WHERE id = $1", id);
      if (r.affected_rows() == 0) return NotFoundError(id);
      tx.commit();
      return Status::Ok();
    });
  }

  Result<int> SchemaVersion() override {
    return Run([&](pqxx::connection& conn) -> Result<int> {
      ReadOnlyTransaction tx(conn);
      return tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0].as<int>();
    });
  }

 private:
  // Runs `fn` on a connection and turns every exception into a Status. `fn`
  // returns a Status or a Result<T> and must be safe to run again after a
  // rollback.
  template <typename Fn>
  auto Run(Fn&& fn) -> decltype(fn(std::declval<pqxx::connection&>())) {
    bool retried_broken = false;
    for (int attempt = 1;; ++attempt) {
      std::unique_ptr<pqxx::connection> conn = retried_broken ? nullptr : TakeIdle();
      const bool reused = conn != nullptr;
      if (!reused) {
        Result<std::unique_ptr<pqxx::connection>> fresh = Connect();
        if (!fresh.ok()) return fresh.status();
        conn = std::move(fresh).value();
      }
      try {
        auto result = fn(*conn);
        GiveBack(std::move(conn));
        return result;
      } catch (const pqxx::in_doubt_error& e) {
        return Status::Unavailable(fmt::format(
            "{}: connection lost while committing; the change may or may not have been made: {}",
            where_, Clean(e.what())));
      } catch (const pqxx::broken_connection& e) {
        // A pooled connection the server has closed (a restart closes them
        // all): drop the idle ones and try once more on a new connection.
        if (reused && !retried_broken) {
          retried_broken = true;
          DropIdle();
          continue;
        }
        return Status::Unavailable(
            fmt::format("{}: connection to PostgreSQL lost: {}", where_, Clean(e.what())));
      } catch (const pqxx::statement_completion_unknown& e) {
        return Status::Unavailable(fmt::format(
            "{}: the outcome of a statement is unknown: {}", where_, Clean(e.what())));
      } catch (const pqxx::transaction_rollback& e) {  // serialisation failure, deadlock
        GiveBack(std::move(conn));
        if (attempt < kMaxAttempts) continue;
        return Status::Unavailable(fmt::format("{}: gave up after {} conflicting tries: {}", where_,
                                               attempt, Clean(e.what())));
      } catch (const pqxx::insufficient_resources& e) {
        GiveBack(std::move(conn));
        return Status::ResourceExhausted(fmt::format("{}: {}", where_, Clean(e.what())));
      } catch (const pqxx::sql_error& e) {
        GiveBack(std::move(conn));
        return FromSqlError(e);
      } catch (const pqxx::conversion_error& e) {
        GiveBack(std::move(conn));
        return Status::Corruption(
            fmt::format("{}: stored data is not what this version wrote: {}", where_, e.what()));
      } catch (const std::bad_alloc&) {
        return Status::ResourceExhausted(fmt::format("{}: out of memory", where_));
      } catch (const std::exception& e) {
        return Status::Internal(fmt::format("{}: {}", where_, Clean(e.what())));
      } catch (...) {
        return Status::Internal(fmt::format("{}: unknown exception", where_));
      }
    }
  }

  // The check-ins of an episode in seq order, in `tx`'s snapshot.
  static std::vector<CheckinRecord> SelectCheckins(pqxx::transaction_base& tx,
                                                   const std::string& episode_id) {
    const pqxx::result r = tx.exec_params(
        "SELECT seq, date, day, request_json, result_json, disposition, created_at "
        "FROM checkins WHERE episode_id = $1 ORDER BY seq",
        episode_id);
    std::vector<CheckinRecord> checkins;
    checkins.reserve(r.size());
    for (const pqxx::row& row : r) {
      CheckinRecord c;
      c.seq = row[0].as<int64_t>();
      c.date = row[1].as<std::string>();
      c.day = row[2].as<double>();
      c.request_json = row[3].as<std::string>();
      c.result_json = row[4].as<std::string>();
      c.disposition = row[5].as<std::string>();
      c.created_at = row[6].as<std::string>();
      checkins.push_back(std::move(c));
    }
    return checkins;
  }

  Status FromSqlError(const pqxx::sql_error& e) const {
    const std::string state = e.sqlstate();
    const std::string msg = fmt::format("{}: {} (SQLSTATE {})", where_, Clean(e.what()), state);
    // Class 08: connection exception; 57P0x: the server is shutting down or
    // cannot accept connections; 53: insufficient resources.
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) return Status::Unavailable(msg);
    // No SQLSTATE: libpq's own failure, not the server's answer ("server
    // closed the connection unexpectedly" while a statement ran, as a
    // restart does); a commit lost that way is in_doubt_error, caught before.
    if (state.empty()) return Status::Unavailable(msg);
    // A deadline of store.h passed: 55P03 lock_timeout, 57014 statement_timeout
    // (or a cancel), 25P03 idle_in_transaction_session_timeout.
    if (state == "55P03" || state == "57014" || state == "25P03") {
      return Status::Unavailable(msg + " (the database did not answer in time; try again)");
    }
    if (state.rfind("53", 0) == 0) return Status::ResourceExhausted(msg);
    // Class 42 (undefined table or column, …) on our own queries means the
    // schema is not the one this version made.
    if (state.rfind("42", 0) == 0) return Status::Corruption(msg);
    return Status::Internal(msg);
  }

  // An exception's message fit for a Status: its first line, without the
  // password.
  std::string Clean(const char* what) const { return HideDatabasePassword(FirstLine(what), url_); }

  Result<std::unique_ptr<pqxx::connection>> Connect() {
    try {
      auto conn = std::make_unique<pqxx::connection>(conninfo_);
      conn->set_client_encoding("UTF8");
      pqxx::nontransaction setup(*conn);
      setup.exec(kSetDeadlinesSql);
      setup.commit();
      return conn;
    } catch (const pqxx::broken_connection& e) {
      // libpq's messages name the host, port, user and database, never the password.
      return Status::Unavailable(fmt::format("cannot connect to PostgreSQL at {}: {}", where_,
                                             Clean(e.what())));
    } catch (const std::exception& e) {
      return Status::Unavailable(fmt::format("cannot connect to PostgreSQL at {}: {}", where_,
                                             Clean(e.what())));
    }
  }

  std::unique_ptr<pqxx::connection> TakeIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.empty()) return nullptr;
    std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }

  void DropIdle() {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.clear();
  }

  // Keeps `conn` for reuse if it is still open and the pool has room.
  void GiveBack(std::unique_ptr<pqxx::connection> conn) {
    if (conn == nullptr || !conn->is_open()) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(conn));
  }

  const std::string url_;       // may hold a password: never put it in a message
  const std::string conninfo_;  // url_ with the client-side deadlines (store.h)
  const std::string where_;  // RedactDatabaseUrl(url_), for messages
  std::mutex mu_;            // guards idle_
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  // libpq knows the scheme in lower case only ("POSTGRES://" would be taken
  // for a key=value string, and quoted whole in the error).
  std::string normalized = url;
  for (size_t i = 0; i < normalized.size() && normalized[i] != ':'; ++i) {
    normalized[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(normalized[i])));
  }
  auto store = std::make_unique<PostgresStore>(normalized, RedactDatabaseUrl(normalized));
  if (Status s = store->Init(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace norotriage::internal
