// The versioned storage schema, one list for both backends.
//
// Each migration moves the schema from version N-1 to N and has the same
// meaning in both dialects (only the SQL spelling differs). A backend applies
// the pending ones at Open, all in one transaction together with their rows
// in `schema_version`, so a database is always at exactly one version and a
// crash mid-migration leaves the previous one. The schema is documented in
// doc/storage-schema.md; change both together.
//
// Thread safety: immutable data; no shared state.
#ifndef NOROTRIAGE_STORE_MIGRATIONS_H_
#define NOROTRIAGE_STORE_MIGRATIONS_H_

#include <span>
#include <string>

namespace norotriage::internal {

enum class SqlDialect { kSqlite, kPostgres };

struct Migration {
  int version;               // 1, 2, 3, …; DO NOT RENUMBER: stored in schema_version
  const char* description;   // one line, stored in schema_version
  const char* sqlite_sql;    // one or more statements separated by ';'
  const char* postgres_sql;  // the same schema in PostgreSQL's dialect

  const char* Sql(SqlDialect dialect) const {
    return dialect == SqlDialect::kSqlite ? sqlite_sql : postgres_sql;
  }
};

// All migrations, in version order (versions 1..n, no gaps).
std::span<const Migration> Migrations();

// The version the newest migration produces: what Open leaves a database at.
int LatestSchemaVersion();

// Creates the schema_version table if it is missing (idempotent). Run inside
// the migration transaction, before reading the current version.
const char* SchemaVersionTableSql(SqlDialect dialect);

// The current time in UTC as YYYY-MM-DDTHH:MM:SSZ.
std::string UtcNowIso8601();

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_STORE_MIGRATIONS_H_
