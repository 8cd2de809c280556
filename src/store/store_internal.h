// What the Store backends share: their openers (Store::Open dispatches to
// them), argument validation, and URL redaction for error messages.
//
// Thread safety: free functions without shared state.
#ifndef NOROTRIAGE_STORE_STORE_INTERNAL_H_
#define NOROTRIAGE_STORE_STORE_INTERNAL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "norotriage/status.h"
#include "norotriage/store.h"

namespace norotriage::internal {

// Opens or creates the SQLite database file at `path` (its parent directory
// must exist) and migrates it. Unavailable if it cannot be opened; Corruption
// if it is not a database this version can use.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// Connects to the PostgreSQL database at `url` (a libpq connection URI; unset
// parts come from the PG* environment variables) and migrates it.
// Unavailable if it cannot be reached; messages never contain the password.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

// InvalidArgument, naming the field, unless `episode` has the formats store.h
// documents: a 32-lowercase-hex id, dates as YYYY-MM-DD, created_at as
// YYYY-MM-DDTHH:MM:SSZ, token_hash "" or 64 lowercase hex, and non-empty JSON
// text that is valid UTF-8 without NUL bytes (PostgreSQL cannot store NUL).
Status ValidateEpisode(const EpisodeRecord& episode);
// The same for a check-in (its seq is ignored); `day` must be finite and the
// disposition one of "emergency", "urgent", "routine", "self_care".
Status ValidateCheckin(const CheckinRecord& checkin);
// Where a check-in goes after `before` (store.h, AppendCheckin): sets
// checkin->seq to the next number, or to `replaces` when that names the last
// of `before` with the same date. InvalidArgument (seq untouched) for any
// other `replaces`. Each store then writes the row with one upsert.
Status PlaceCheckin(CheckinRecord* checkin, const std::vector<CheckinRecord>& before);

// The start of a caller-supplied id, printable, for an error message.
std::string QuoteForMessage(std::string_view s);

// `url` fit for an error message: the password and the query string (which may
// hold one) are removed, e.g. "postgresql://ann:secret@db/x?sslmode=require"
// becomes "postgresql://ann@db/x".
std::string RedactDatabaseUrl(std::string_view url);

// `url` (a postgresql:// URL) with the client-side deadlines of store.h
// added as query parameters: connect_timeout (unless PGCONNECT_TIMEOUT is
// set), keepalives, keepalives_idle, keepalives_interval, keepalives_count and
// tcp_user_timeout, each unless the URL sets it already. E.g.
// "postgresql:///x?connect_timeout=9" keeps its 9 and gains the others.
std::string WithClientDeadlines(std::string_view url);

// `message` with `url` replaced by RedactDatabaseUrl(url) and every password
// in `url` (after "user:" or in "password=", as written and percent-decoded)
// replaced by "***": libpq quotes the connection string in some errors.
std::string HideDatabasePassword(std::string message, std::string_view url);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_STORE_STORE_INTERNAL_H_
