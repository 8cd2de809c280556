// Store::Open (the dispatch to a backend), the default database path, and
// the argument checks both backends share.
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "norotriage/store.h"
#include "store/store_internal.h"
#include "util/utf8.h"
#include "util/percent_decode.h"

namespace norotriage {
namespace {

namespace fs = std::filesystem;

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Creates the missing directories above `file`, each 0700: the database holds
// health data, so directories this program makes are private. Existing ones
// are left as they are.
Status CreateParentDirectories(const fs::path& file) {
  const fs::path parent = file.parent_path();
  if (parent.empty()) return Status::Ok();
  fs::path partial;
  for (const fs::path& part : parent) {
    partial /= part;
    if (mkdir(partial.c_str(), 0700) == 0 || errno == EEXIST) continue;
    return Status::Unavailable(
        fmt::format("{}: cannot create directory: {}", partial.string(), std::strerror(errno)));
  }
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    return Status::Unavailable(fmt::format("{}: not a directory", parent.string()));
  }
  return Status::Ok();
}

// Creates `file` empty with mode 0600 if it does not exist, so the database,
// and the -wal/-shm files SQLite gives the same mode, are private to the user.
Status CreatePrivateFile(const fs::path& file) {
  const int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable(
        fmt::format("{}: cannot open database file: {}", file.string(), std::strerror(errno)));
  }
  close(fd);
  return Status::Ok();
}

const char* NonEmptyEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? value : nullptr;
}

// --- Validation -------------------------------------------------------------

bool IsLowerHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Digits at s[pos, pos+n) as a number, or -1.
int Digits(std::string_view s, size_t pos, size_t n) {
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

// A real calendar date written YYYY-MM-DD at the start of `s`.
bool IsDatePrefix(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = Digits(s, 0, 4), m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool IsDate(std::string_view s) { return s.size() == 10 && IsDatePrefix(s); }

// YYYY-MM-DDTHH:MM:SSZ (a leap second allowed).
bool IsUtcTimestamp(std::string_view s) {
  if (s.size() != 20 || !IsDatePrefix(s) || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s[19] != 'Z') {
    return false;
  }
  const int h = Digits(s, 11, 2), m = Digits(s, 14, 2), sec = Digits(s, 17, 2);
  return h >= 0 && h <= 23 && m >= 0 && m <= 59 && sec >= 0 && sec <= 60;
}

// Well-formed UTF-8 without NUL bytes.
bool IsStorableText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t n = internal::Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// The start of a caller's value, for a message (never JSON: it holds health data).
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  for (char c : s.substr(0, kMax)) {
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  return out + (s.size() > kMax ? "…'" : "'");
}

Status CheckJson(const char* field, const std::string& text) {
  if (text.empty()) return Status::InvalidArgument(fmt::format("{}: is empty", field));
  if (!IsStorableText(text)) {
    return Status::InvalidArgument(
        fmt::format("{}: is not valid UTF-8 text (or contains a NUL byte)", field));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& url) {
  if (url.empty()) return Status::InvalidArgument("database: the path or URL is empty");
  if (StartsWithNoCase(url, "postgresql://") || StartsWithNoCase(url, "postgres://")) {
    return internal::OpenPostgresStore(url);
  }
  if (url != ":memory:") {
    const fs::path path(url);
    if (Status s = CreateParentDirectories(path); !s.ok()) return s;
    if (Status s = CreatePrivateFile(path); !s.ok()) return s;
  }
  return internal::OpenSqliteStore(url);
}

Result<int64_t> Store::AddCheckin(const std::string& episode_id, const CheckinRecord& checkin) {
  Result<CheckinRecord> stored = AppendCheckin(
      episode_id, [&](const EpisodeRecord&, const std::vector<CheckinRecord>&) -> Result<CheckinRecord> {
        return checkin;
      });
  if (!stored.ok()) return stored.status();
  return stored->seq;
}

std::string DefaultDatabasePath() {
  if (const char* db = NonEmptyEnv("NOROTRIAGE_DB")) return db;
  // The XDG base-directory spec says to ignore a relative XDG_DATA_HOME.
  if (const char* xdg = NonEmptyEnv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
    return (fs::path(xdg) / "norotriage" / "norotriage.db").string();
  }
  std::string home;
  if (const char* h = NonEmptyEnv("HOME")) {
    home = h;
  } else {
    // No $HOME (e.g. under some service managers): the password database's.
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
        found->pw_dir != nullptr) {
      home = found->pw_dir;
    }
  }
  if (home.empty()) home = ".";
  return (fs::path(home) / ".local" / "share" / "norotriage" / "norotriage.db").string();
}

namespace internal {

std::string QuoteForMessage(std::string_view s) { return Quote(s); }

Status ValidateEpisode(const EpisodeRecord& e) {
  if (!IsLowerHex(e.id, 32)) {
    return Status::InvalidArgument(
        fmt::format("episode.id: {} is not 32 lowercase hex characters", Quote(e.id)));
  }
  if (!IsDate(e.onset_date)) {
    return Status::InvalidArgument(
        fmt::format("episode.onset_date: {} is not a date YYYY-MM-DD", Quote(e.onset_date)));
  }
  if (!e.token_hash.empty() && !IsLowerHex(e.token_hash, 64)) {
    return Status::InvalidArgument(
        "episode.token_hash: is neither empty nor 64 lowercase hex characters (SHA-256)");
  }
  if (!IsUtcTimestamp(e.created_at)) {
    return Status::InvalidArgument(fmt::format(
        "episode.created_at: {} is not a UTC time YYYY-MM-DDTHH:MM:SSZ", Quote(e.created_at)));
  }
  return CheckJson("episode.stable_json", e.stable_json);
}

Status ValidateCheckin(const CheckinRecord& c) {
  if (!IsDate(c.date)) {
    return Status::InvalidArgument(
        fmt::format("checkin.date: {} is not a date YYYY-MM-DD", Quote(c.date)));
  }
  if (!std::isfinite(c.day)) return Status::InvalidArgument("checkin.day: is not a finite number");
  if (c.disposition != "emergency" && c.disposition != "urgent" && c.disposition != "routine" &&
      c.disposition != "self_care") {
    return Status::InvalidArgument(fmt::format(
        "checkin.disposition: {} is not one of emergency, urgent, routine, self_care",
        Quote(c.disposition)));
  }
  if (!IsUtcTimestamp(c.created_at)) {
    return Status::InvalidArgument(fmt::format(
        "checkin.created_at: {} is not a UTC time YYYY-MM-DDTHH:MM:SSZ", Quote(c.created_at)));
  }
  if (Status s = CheckJson("checkin.request_json", c.request_json); !s.ok()) return s;
  return CheckJson("checkin.result_json", c.result_json);
}

Status PlaceCheckin(CheckinRecord* checkin, const std::vector<CheckinRecord>& before) {
  const CheckinRecord& c = *checkin;
  if (c.replaces == 0) {
    checkin->seq = before.empty() ? 1 : before.back().seq + 1;
    return Status::Ok();
  }
  if (before.empty() || c.replaces != before.back().seq) {
    return Status::InvalidArgument(fmt::format(
        "checkin.replaces: {} is not the episode's last check-in ({})", c.replaces,
        before.empty() ? std::string("none") : std::to_string(before.back().seq)));
  }
  if (c.date != before.back().date) {
    return Status::InvalidArgument(fmt::format(
        "checkin.replaces: check-in {} is dated {}, not {}", c.replaces, before.back().date,
        Quote(c.date)));
  }
  checkin->seq = c.replaces;
  return Status::Ok();
}

std::string RedactDatabaseUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "<database URL>";
  const size_t rest_begin = scheme_end + 3;
  // The authority ends at the first '/', '?' or '#'.
  size_t authority_end = url.find_first_of("/?#", rest_begin);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string_view authority = url.substr(rest_begin, authority_end - rest_begin);
  std::string out(url.substr(0, rest_begin));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    out += userinfo.substr(0, userinfo.find(':'));  // the user without ":password"
    out += '@';
    authority.remove_prefix(at + 1);
  }
  out += authority;
  // The path (the database name), without the query string or fragment.
  const size_t path_end = url.find_first_of("?#", authority_end);
  out += url.substr(authority_end, (path_end == std::string_view::npos ? url.size() : path_end) -
                                       authority_end);
  return out;
}

std::string WithClientDeadlines(std::string_view url) {
  // The values store.h documents: libpq's minimum connect_timeout (seconds);
  // keepalive probes after 5 s idle, every 2 s, 3 unanswered → dead; and
  // sent data unacknowledged for 10 s → dead (the case keepalives miss: a
  // query sent to a server that vanished).
  static constexpr std::pair<std::string_view, std::string_view> kDefaults[] = {
      {"connect_timeout", "2"},     {"keepalives", "1"},       {"keepalives_idle", "5"},
      {"keepalives_interval", "2"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "10000"},
  };
  const size_t query = url.find('?');
  std::vector<std::string_view> given;  // the keys the URL sets
  if (query != std::string_view::npos) {
    std::string_view rest = url.substr(query + 1);
    while (!rest.empty()) {
      const std::string_view param = rest.substr(0, rest.find('&'));
      given.push_back(param.substr(0, param.find('=')));
      rest.remove_prefix(std::min(rest.size(), param.size() + 1));
    }
  }
  std::string out(url);
  char separator = query == std::string_view::npos ? '?' : '&';
  if (query != std::string_view::npos && (url.back() == '?' || url.back() == '&')) separator = '\0';
  for (const auto& [key, value] : kDefaults) {
    if (std::find(given.begin(), given.end(), key) != given.end()) continue;
    if (key == "connect_timeout" && NonEmptyEnv("PGCONNECT_TIMEOUT") != nullptr) continue;
    if (separator != '\0') out += separator;
    out += fmt::format("{}={}", key, value);
    separator = '&';
  }
  return out;
}

namespace {

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

std::string HideDatabasePassword(std::string message, std::string_view url) {
  ReplaceAll(message, url, RedactDatabaseUrl(url));
  std::vector<std::string> secrets;
  if (const size_t scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    const size_t begin = scheme_end + 3;
    size_t end = url.find_first_of("/?#", begin);
    if (end == std::string_view::npos) end = url.size();
    const std::string_view authority = url.substr(begin, end - begin);
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      const std::string_view userinfo = authority.substr(0, at);
      if (const size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
        secrets.emplace_back(userinfo.substr(colon + 1));
      }
    }
  }
  // password=… in a query string or a key=value connection string.
  for (size_t pos = url.find("password="); pos != std::string_view::npos;
       pos = url.find("password=", pos + 1)) {
    const size_t begin = pos + 9;
    const size_t end = url.find_first_of("& ", begin);
    secrets.emplace_back(url.substr(begin, end == std::string_view::npos ? end : end - begin));
  }
  const size_t raw = secrets.size();
  for (size_t i = 0; i < raw; ++i) secrets.push_back(internal::PercentDecode(secrets[i]));
  // Longest first, so a secret that contains another is hidden whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : secrets) ReplaceAll(message, secret, "***");
  return message;
}

}  // namespace internal
}  // namespace norotriage
