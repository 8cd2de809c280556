#include "store/migrations.h"

#include <ctime>

#include <fmt/format.h>

namespace norotriage::internal {
namespace {

// DO NOT EDIT a migration once released: databases already at its version
// never run it again. Change the schema by appending a new one.
constexpr Migration kMigrations[] = {
    {1, "episodes and their check-ins",
     // SQLite. TEXT columns hold UTF-8 exactly as written (JSON is stored as
     // text, not re-encoded, so it reads back byte for byte).
     R"sql(
CREATE TABLE episodes (
  id          TEXT NOT NULL PRIMARY KEY,
  onset_date  TEXT NOT NULL,
  stable_json TEXT NOT NULL,
  token_hash  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);
CREATE INDEX episodes_by_created_at ON episodes (created_at);
CREATE TABLE checkins (
  episode_id   TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  date         TEXT NOT NULL,
  day          REAL NOT NULL,
  request_json TEXT NOT NULL,
  result_json  TEXT NOT NULL,
  disposition  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (episode_id, seq)
);
)sql",
     // PostgreSQL: the same tables; TEXT rather than DATE/JSONB so values
     // round-trip unchanged and both backends behave alike.
     R"sql(
CREATE TABLE episodes (
  id          TEXT NOT NULL PRIMARY KEY,
  onset_date  TEXT NOT NULL,
  stable_json TEXT NOT NULL,
  token_hash  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);
CREATE INDEX episodes_by_created_at ON episodes (created_at);
CREATE TABLE checkins (
  episode_id   TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
  seq          BIGINT NOT NULL CHECK (seq >= 1),
  date         TEXT NOT NULL,
  day          DOUBLE PRECISION NOT NULL,
  request_json TEXT NOT NULL,
  result_json  TEXT NOT NULL,
  disposition  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (episode_id, seq)
);
)sql"},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

const char* SchemaVersionTableSql(SqlDialect dialect) {
  // The same in both dialects today; kept per dialect so it can diverge.
  (void)dialect;
  return R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version     INTEGER NOT NULL PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL
);
)sql";
}

std::string UtcNowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace norotriage::internal
