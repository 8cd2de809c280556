// Tests of Store (include/norotriage/store.h) against real databases.
//
// The StoreTest suite is written once and run for every backend: here it is
// instantiated for SQLite (temporary files); tests/pg/store_pg_test.cc
// instantiates it for PostgreSQL in norotriage_pg_tests, which compiles this
// file with NOROTRIAGE_PG_TESTS defined so that the SQLite part is left out.

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "norotriage/store.h"
#include "store/migrations.h"
#include "store/store_internal.h"
#include "store_test_suite.h"

#ifndef NOROTRIAGE_PG_TESTS
#include <SQLiteCpp/SQLiteCpp.h>
#endif

namespace norotriage {
namespace {

namespace fs = std::filesystem;

void ExpectSameEpisode(const EpisodeRecord& got, const EpisodeRecord& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.onset_date, want.onset_date);
  EXPECT_EQ(got.stable_json, want.stable_json);
  EXPECT_EQ(got.token_hash, want.token_hash);
  EXPECT_EQ(got.created_at, want.created_at);
}

// Compares everything but seq. Long JSON is compared by size and equality so
// a failure does not print megabytes.
void ExpectSameCheckin(const CheckinRecord& got, const CheckinRecord& want) {
  EXPECT_EQ(got.date, want.date);
  EXPECT_EQ(got.day, want.day);  // exact: a double must round-trip
  EXPECT_EQ(got.request_json.size(), want.request_json.size());
  EXPECT_TRUE(got.request_json == want.request_json) << "request_json differs";
  EXPECT_TRUE(got.result_json == want.result_json) << "result_json differs";
  EXPECT_EQ(got.disposition, want.disposition);
  EXPECT_EQ(got.created_at, want.created_at);
}

std::string Quoted(const std::string& id) { return "'" + id + "'"; }

// --- The suite, for every backend -------------------------------------------

TEST_P(StoreTest, NamesItsBackend) { EXPECT_EQ(std::string(store_->backend()), GetParam().name); }

TEST_P(StoreTest, SchemaVersionIsTheLatest) {
  Result<int> version = store_->SchemaVersion();
  ASSERT_OK(version);
  EXPECT_EQ(*version, internal::LatestSchemaVersion());
  EXPECT_EQ(*version, 1);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT MAX(version) FROM schema_version"), 1);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM schema_version"), 1);
}

// The columns doc/storage-schema.md documents exist under those names.
TEST_P(StoreTest, SchemaHasTheDocumentedColumns) {
  EXPECT_EQ(db_->QueryIntForTesting(
                "SELECT COUNT(*) FROM episodes WHERE id = '' AND onset_date = '' AND "
                "stable_json = '' AND token_hash = '' AND created_at = ''"),
            0);
  EXPECT_EQ(db_->QueryIntForTesting(
                "SELECT COUNT(*) FROM checkins WHERE episode_id = '' AND seq = 0 AND date = '' "
                "AND day = 0 AND request_json = '' AND result_json = '' AND disposition = '' "
                "AND created_at = ''"),
            0);
  EXPECT_EQ(db_->QueryIntForTesting(
                "SELECT COUNT(*) FROM schema_version WHERE description = '' OR applied_at = ''"),
            0);
}

TEST_P(StoreTest, CreateThenGetRoundTrips) {
  EpisodeRecord e = MakeEpisode(1);
  e.token_hash = std::string(64, 'a');
  e.stable_json = R"({"findings":{"age_years":71,"conditions":["diabète","腎臓病"]},"note":"🤒"})";
  ASSERT_OK(store_->CreateEpisode(e));
  Result<EpisodeRecord> got = store_->GetEpisode(e.id);
  ASSERT_OK(got);
  ExpectSameEpisode(*got, e);
}

TEST_P(StoreTest, ListIsEmptyAtFirst) {
  Result<std::vector<EpisodeRecord>> list = store_->ListEpisodes();
  ASSERT_OK(list);
  EXPECT_TRUE(list->empty());
}

TEST_P(StoreTest, ListIsNewestFirst) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1, "2025-01-02T00:00:00Z")));
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(2, "2025-01-03T12:00:00Z")));
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(3, "2024-12-31T23:59:59Z")));
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(4, "2025-01-03T12:00:00Z")));  // ties with 2
  Result<std::vector<EpisodeRecord>> list = store_->ListEpisodes();
  ASSERT_OK(list);
  std::vector<std::string> ids;
  for (const EpisodeRecord& e : *list) ids.push_back(e.id);
  // Ties are broken by id, descending, in both backends.
  EXPECT_EQ(ids, (std::vector<std::string>{EpisodeId(4), EpisodeId(2), EpisodeId(1), EpisodeId(3)}));
  ASSERT_EQ(list->size(), 4u);
  ExpectSameEpisode((*list)[2], MakeEpisode(1, "2025-01-02T00:00:00Z"));
}

TEST_P(StoreTest, UnknownIdsAreNotFound) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  for (const std::string& id :
       {EpisodeId(2), std::string("not an id"), std::string("x' OR '1'='1"), std::string()}) {
    SCOPED_TRACE(Quoted(id));
    EXPECT_EQ(store_->GetEpisode(id).status().code(), Status::Code::kNotFound);
    EXPECT_EQ(store_->GetCheckins(id).status().code(), Status::Code::kNotFound);
    EXPECT_EQ(store_->AddCheckin(id, MakeCheckin("{}")).status().code(), Status::Code::kNotFound);
    EXPECT_EQ(store_->DeleteEpisode(id).code(), Status::Code::kNotFound);
  }
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM episodes"), 1);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 0);
}

TEST_P(StoreTest, DuplicateIdIsRejected) {
  const EpisodeRecord first = MakeEpisode(1, "2025-01-02T00:00:00Z");
  ASSERT_OK(store_->CreateEpisode(first));
  EpisodeRecord second = MakeEpisode(1, "2025-02-02T00:00:00Z");
  second.stable_json = R"({"other":true})";
  const Status s = store_->CreateEpisode(second);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("exists"), std::string::npos) << s.ToString();
  Result<EpisodeRecord> got = store_->GetEpisode(first.id);
  ASSERT_OK(got);
  ExpectSameEpisode(*got, first);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM episodes"), 1);
}

TEST_P(StoreTest, MalformedEpisodesAreRejected) {
  struct Case {
    const char* what;
    void (*mutate)(EpisodeRecord&);
  };
  const Case cases[] = {
      {"id", [](EpisodeRecord& e) { e.id = "0123456789ABCDEF0123456789ABCDEF"; }},
      {"id", [](EpisodeRecord& e) { e.id.pop_back(); }},
      {"onset_date", [](EpisodeRecord& e) { e.onset_date = "2025-02-29"; }},
      {"onset_date", [](EpisodeRecord& e) { e.onset_date = "2025-1-01"; }},
      {"token_hash", [](EpisodeRecord& e) { e.token_hash = "abc"; }},
      {"created_at", [](EpisodeRecord& e) { e.created_at = "2025-01-02 03:04:05"; }},
      {"created_at", [](EpisodeRecord& e) { e.created_at = "2025-01-02T24:00:00Z"; }},
      {"stable_json", [](EpisodeRecord& e) { e.stable_json.clear(); }},
      {"stable_json", [](EpisodeRecord& e) { e.stable_json = "{\"a\":\"\xff\"}"; }},
      {"stable_json", [](EpisodeRecord& e) { e.stable_json = std::string("{\"a\":\"\0\"}", 9); }},
  };
  for (const Case& c : cases) {
    EpisodeRecord e = MakeEpisode(1);
    c.mutate(e);
    const Status s = store_->CreateEpisode(e);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.what << ": " << s.ToString();
    EXPECT_NE(s.message().find(c.what), std::string::npos) << s.ToString();
  }
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM episodes"), 0);
  EXPECT_OK(store_->CreateEpisode(MakeEpisode(1)));  // the unmutated one is fine
}

TEST_P(StoreTest, MalformedCheckinsAreRejected) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  struct Case {
    const char* what;
    void (*mutate)(CheckinRecord&);
  };
  const Case cases[] = {
      {"date", [](CheckinRecord& c) { c.date = "yesterday"; }},
      {"day", [](CheckinRecord& c) { c.day = std::nan(""); }},
      {"day", [](CheckinRecord& c) { c.day = INFINITY; }},
      {"disposition", [](CheckinRecord& c) { c.disposition = "soon"; }},
      {"created_at", [](CheckinRecord& c) { c.created_at = ""; }},
      {"request_json", [](CheckinRecord& c) { c.request_json = "\xc3\x28"; }},
      {"result_json", [](CheckinRecord& c) { c.result_json.clear(); }},
  };
  for (const Case& c : cases) {
    CheckinRecord checkin = MakeCheckin("{}");
    c.mutate(checkin);
    const Result<int64_t> r = store_->AddCheckin(EpisodeId(1), checkin);
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << c.what << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.what), std::string::npos) << r.status().ToString();
  }
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 0);
}

TEST_P(StoreTest, AddCheckinAssignsSeqOneToN) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(2)));
  for (int64_t want = 1; want <= 5; ++want) {
    CheckinRecord c = MakeCheckin(fmt::format(R"({{"n":{}}})", want));
    c.seq = 42;  // ignored
    Result<int64_t> seq = store_->AddCheckin(EpisodeId(1), c);
    ASSERT_OK(seq);
    EXPECT_EQ(*seq, want);
  }
  // Each episode counts from 1.
  Result<int64_t> seq = store_->AddCheckin(EpisodeId(2), MakeCheckin("{}"));
  ASSERT_OK(seq);
  EXPECT_EQ(*seq, 1);
  EXPECT_EQ(db_->QueryIntForTesting(
                "SELECT COUNT(*) FROM checkins WHERE episode_id = '" + EpisodeId(1) + "'"),
            5);
}

TEST_P(StoreTest, GetCheckinsRoundTripsInSeqOrder) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  std::vector<CheckinRecord> written;
  // Text in several scripts, combining marks, right-to-left text, emoji (4-byte UTF-8).
  written.push_back(MakeCheckin(
      R"({"note":"Rückenschmerzen, 腰痛, боль в спине, ألم الظهر, é (e\u0301), 🤢🦵","n":1})",
      "emergency"));
  written.back().day = 0;
  written.back().date = "2025-01-01";
  written.push_back(MakeCheckin(R"({"n":2})", "urgent"));
  written.back().day = 1.0 / 3.0;
  written.back().result_json = R"({"disposition":"urgent","why":["Übelkeit","🚑"]})";
  // About 3 MiB of JSON: a long string of multi-byte characters.
  std::string big = R"({"n":3,"pad":")";
  for (int i = 0; i < 200000; ++i) big += "αβγ😀-абв-";  // 18 bytes
  big += R"("})";
  ASSERT_GT(big.size(), 3u << 20);
  written.push_back(MakeCheckin(big, "routine"));
  written.back().day = 2.75;
  written.back().result_json = big;
  written.push_back(MakeCheckin(R"({"n":4})", "self_care"));
  written.back().day = 1e-300;
  written.back().created_at = "2025-01-05T23:59:60Z";  // a leap second
  for (size_t i = 0; i < written.size(); ++i) {
    Result<int64_t> seq = store_->AddCheckin(EpisodeId(1), written[i]);
    ASSERT_OK(seq);
    ASSERT_EQ(*seq, static_cast<int64_t>(i + 1));
  }
  Result<std::vector<CheckinRecord>> got = store_->GetCheckins(EpisodeId(1));
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ((*got)[i].seq, static_cast<int64_t>(i + 1));
    ExpectSameCheckin((*got)[i], written[i]);
  }
}

TEST_P(StoreTest, GetCheckinsOfAnEpisodeWithoutAnyIsEmpty) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  Result<std::vector<CheckinRecord>> got = store_->GetCheckins(EpisodeId(1));
  ASSERT_OK(got);
  EXPECT_TRUE(got->empty());
}

TEST_P(StoreTest, DeleteEpisodeRemovesItsCheckins) {
  for (int n : {1, 2}) {
    ASSERT_OK(store_->CreateEpisode(MakeEpisode(n)));
    for (int i = 0; i < 3; ++i) ASSERT_OK(store_->AddCheckin(EpisodeId(n), MakeCheckin("{}")));
  }
  ASSERT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 6);
  ASSERT_OK(store_->DeleteEpisode(EpisodeId(1)));
  // Gone for real, by the foreign key's ON DELETE CASCADE.
  EXPECT_EQ(db_->QueryIntForTesting(
                "SELECT COUNT(*) FROM checkins WHERE episode_id = '" + EpisodeId(1) + "'"),
            0);
  EXPECT_EQ(db_->QueryIntForTesting(
                "SELECT COUNT(*) FROM episodes WHERE id = '" + EpisodeId(1) + "'"),
            0);
  EXPECT_EQ(db_->QueryIntForTesting(
                "SELECT COUNT(*) FROM checkins WHERE episode_id = '" + EpisodeId(2) + "'"),
            3);
  EXPECT_EQ(store_->GetEpisode(EpisodeId(1)).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetCheckins(EpisodeId(1)).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->DeleteEpisode(EpisodeId(1)).code(), Status::Code::kNotFound);
  Result<std::vector<CheckinRecord>> other = store_->GetCheckins(EpisodeId(2));
  ASSERT_OK(other);
  EXPECT_EQ(other->size(), 3u);
  // A new episode with the old id starts again at seq 1.
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  Result<int64_t> seq = store_->AddCheckin(EpisodeId(1), MakeCheckin("{}"));
  ASSERT_OK(seq);
  EXPECT_EQ(*seq, 1);
}

TEST_P(StoreTest, AddCheckinToMissingEpisodeWritesNothing) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  ASSERT_OK(store_->AddCheckin(EpisodeId(1), MakeCheckin("{}")));
  const Result<int64_t> r = store_->AddCheckin(EpisodeId(9), MakeCheckin(R"({"lost":true})"));
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound) << r.status().ToString();
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 1);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM episodes"), 1);
}

// Writers in `threads` threads, each adding `per_thread` check-ins through
// store_for(t); every seq must be given exactly once, 1..n with no gap, and
// each stored check-in must be the one its seq was returned for.
void RunConcurrentCheckins(Store& reader, const std::function<Store&(int)>& store_for,
                           int threads, int per_thread) {
  ASSERT_OK(reader.CreateEpisode(MakeEpisode(1)));
  std::vector<std::map<int64_t, std::string>> seen(threads);  // per thread: seq → request
  std::vector<std::string> errors(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string request = fmt::format(R"({{"thread":{},"i":{}}})", t, i);
        Result<int64_t> seq = store_for(t).AddCheckin(EpisodeId(1), MakeCheckin(request));
        if (!seq.ok()) {
          errors[t] = seq.status().ToString();
          return;
        }
        seen[t][*seq] = request;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  for (int t = 0; t < threads; ++t) ASSERT_EQ(errors[t], "") << "thread " << t;
  std::map<int64_t, std::string> all;
  for (const auto& m : seen) {
    for (const auto& [seq, request] : m) {
      EXPECT_TRUE(all.emplace(seq, request).second) << "seq " << seq << " given twice";
    }
  }
  const int64_t n = int64_t{threads} * per_thread;
  ASSERT_EQ(static_cast<int64_t>(all.size()), n);
  EXPECT_EQ(all.begin()->first, 1);
  EXPECT_EQ(all.rbegin()->first, n);
  Result<std::vector<CheckinRecord>> got = reader.GetCheckins(EpisodeId(1));
  ASSERT_OK(got);
  ASSERT_EQ(static_cast<int64_t>(got->size()), n);
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_EQ((*got)[i].seq, i + 1);
    EXPECT_EQ((*got)[i].request_json, all[i + 1]) << "seq " << i + 1;
  }
}

TEST_P(StoreTest, ConcurrentAddCheckinThroughOneStore) {
  RunConcurrentCheckins(*store_, [&](int) -> Store& { return *store_; }, 4, 25);
}

TEST_P(StoreTest, ConcurrentAddCheckinThroughSeparateStores) {
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < 4; ++t) {
    Result<std::unique_ptr<Store>> s = Store::Open(db_->url());
    ASSERT_OK(s);
    stores.push_back(std::move(s).value());
  }
  RunConcurrentCheckins(*store_, [&](int t) -> Store& { return *stores[t]; }, 4, 15);
}

TEST_P(StoreTest, ConcurrentOpensMigrateOnce) {
  std::unique_ptr<TestDatabase> fresh = GetParam().make_database();
  ASSERT_NE(fresh, nullptr);
  std::vector<std::unique_ptr<Store>> stores(4);
  std::vector<std::string> errors(4);
  std::vector<std::thread> openers;
  for (int t = 0; t < 4; ++t) {
    openers.emplace_back([&, t] {
      Result<std::unique_ptr<Store>> s = Store::Open(fresh->url());
      if (s.ok()) {
        stores[t] = std::move(s).value();
      } else {
        errors[t] = s.status().ToString();
      }
    });
  }
  for (std::thread& o : openers) o.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(errors[t], "") << "opener " << t;
  stores.clear();
  EXPECT_EQ(fresh->QueryIntForTesting("SELECT COUNT(*) FROM schema_version"),
            internal::LatestSchemaVersion());
}

TEST_P(StoreTest, ReopeningKeepsTheData) {
  EpisodeRecord e = MakeEpisode(7);
  e.token_hash = std::string(64, 'f');
  ASSERT_OK(store_->CreateEpisode(e));
  const CheckinRecord c1 = MakeCheckin(R"({"n":1,"note":"día 1"})", "routine");
  const CheckinRecord c2 = MakeCheckin(R"({"n":2})", "self_care");
  ASSERT_OK(store_->AddCheckin(e.id, c1));
  ASSERT_OK(store_->AddCheckin(e.id, c2));
  for (int reopen = 0; reopen < 2; ++reopen) {
    store_.reset();
    Result<std::unique_ptr<Store>> again = Store::Open(db_->url());
    ASSERT_OK(again);
    store_ = std::move(again).value();
  }
  Result<EpisodeRecord> got = store_->GetEpisode(e.id);
  ASSERT_OK(got);
  ExpectSameEpisode(*got, e);
  Result<std::vector<CheckinRecord>> checkins = store_->GetCheckins(e.id);
  ASSERT_OK(checkins);
  ASSERT_EQ(checkins->size(), 2u);
  ExpectSameCheckin((*checkins)[0], c1);
  ExpectSameCheckin((*checkins)[1], c2);
  Result<int64_t> seq = store_->AddCheckin(e.id, MakeCheckin("{}"));
  ASSERT_OK(seq);
  EXPECT_EQ(*seq, 3);
  // Migrations ran once, not at every Open.
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM schema_version"), 1);
  Result<int> version = store_->SchemaVersion();
  ASSERT_OK(version);
  EXPECT_EQ(*version, 1);
}

TEST_P(StoreTest, NewerSchemaIsRefused) {
  db_->ExecForTesting(
      "INSERT INTO schema_version (version, description, applied_at) "
      "VALUES (99, 'from the future', '2099-01-01T00:00:00Z')");
  Result<std::unique_ptr<Store>> again = Store::Open(db_->url());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Status::Code::kCorruption) << again.status().ToString();
  EXPECT_NE(again.status().message().find("newer"), std::string::npos) << again.status().ToString();
}

#ifndef NOROTRIAGE_PG_TESTS

// --- Not specific to a backend, needing no server ---------------------------

TEST(StoreOpenTest, EmptyUrlIsInvalid) {
  EXPECT_EQ(Store::Open("").status().code(), Status::Code::kInvalidArgument);
}

// Nothing listens on port 1: Unavailable, and no password in the message.
TEST(StoreOpenTest, UnreachablePostgresIsUnavailableAndHidesThePassword) {
  for (const char* url :
       {"postgresql://ann:s3cret-pw@127.0.0.1:1/triage?connect_timeout=5&password=s3cret-pw",
        "POSTGRES://ann:s3cret-pw@127.0.0.1:1/triage"}) {
    SCOPED_TRACE(url);
    Result<std::unique_ptr<Store>> store = Store::Open(url);
    ASSERT_FALSE(store.ok());
    const Status& s = store.error();
    EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
    EXPECT_EQ(s.message().find("s3cret"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("PostgreSQL"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("ann@127.0.0.1:1/triage"), std::string::npos) << s.ToString();
  }
}

TEST(RedactDatabaseUrlTest, DropsPasswordAndQuery) {
  const struct {
    const char* url;
    const char* want;
  } cases[] = {
      {"postgresql://ann:secret@db.example:5432/triage?sslmode=require",
       "postgresql://ann@db.example:5432/triage"},
      {"postgresql://ann@db/triage", "postgresql://ann@db/triage"},
      {"postgresql://db/triage#frag", "postgresql://db/triage"},
      {"postgres://:pw@/triage", "postgres://@/triage"},
      {"postgresql://a:b:c@h?password=x", "postgresql://a@h"},
      {"postgresql:///triage", "postgresql:///triage"},
      {"postgresql://", "postgresql://"},
      {"not a url", "<database URL>"},
  };
  for (const auto& c : cases) EXPECT_EQ(internal::RedactDatabaseUrl(c.url), c.want) << c.url;
}

TEST(HideDatabasePasswordTest, HidesEveryFormOfThePassword) {
  const std::string url = "postgresql://ann:p%40ss@db/triage?password=other&sslmode=require";
  const std::string message = "bad: \"" + url + "\"; p@ss, p%40ss, other";
  const std::string hidden = internal::HideDatabasePassword(message, url);
  EXPECT_EQ(hidden, "bad: \"postgresql://ann@db/triage\"; ***, ***, ***");
  EXPECT_EQ(internal::HideDatabasePassword("no secret here", "postgresql://db/x"),
            "no secret here");
}

// Sets an environment variable for the life of this object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;  // restores once
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

TEST(DefaultDatabasePathTest, FollowsTheEnvironment) {
  ScopedEnv home("HOME", "/home/ann");
  {
    ScopedEnv db("NOROTRIAGE_DB", "/srv/triage.db");
    ScopedEnv xdg("XDG_DATA_HOME", "/data");
    EXPECT_EQ(DefaultDatabasePath(), "/srv/triage.db");
  }
  {
    ScopedEnv db("NOROTRIAGE_DB", "");
    ScopedEnv xdg("XDG_DATA_HOME", "/data");
    EXPECT_EQ(DefaultDatabasePath(), "/data/norotriage/norotriage.db");
  }
  {
    ScopedEnv db("NOROTRIAGE_DB", nullptr);
    ScopedEnv xdg("XDG_DATA_HOME", "relative/ignored");
    EXPECT_EQ(DefaultDatabasePath(), "/home/ann/.local/share/norotriage/norotriage.db");
  }
  {
    ScopedEnv db("NOROTRIAGE_DB", nullptr);
    ScopedEnv xdg("XDG_DATA_HOME", nullptr);
    EXPECT_EQ(DefaultDatabasePath(), "/home/ann/.local/share/norotriage/norotriage.db");
  }
}

// --- SQLite -----------------------------------------------------------------

class SqliteTestDatabase : public TestDatabase {
 public:
  std::string url() const override { return (dir_.path() / "store.db").string(); }

  int64_t QueryIntForTesting(const std::string& sql) override {
    try {
      SQLite::Database db(url(), SQLite::OPEN_READONLY);
      return db.execAndGet(sql).getInt64();
    } catch (const std::exception& e) {
      ADD_FAILURE() << sql << ": " << e.what();
      return -1;
    }
  }

  void ExecForTesting(const std::string& sql) override {
    try {
      SQLite::Database db(url(), SQLite::OPEN_READWRITE);
      db.exec(sql);
    } catch (const std::exception& e) {
      ADD_FAILURE() << sql << ": " << e.what();
    }
  }

  std::unique_ptr<Lock> LockEpisodeForTesting(const std::string&) override {
    struct WriteLock : Lock {
      explicit WriteLock(const std::string& url) : db(url, SQLite::OPEN_READWRITE) {
        db.exec("BEGIN IMMEDIATE");
      }
      SQLite::Database db;  // closing it rolls back and lets go
    };
    try {
      return std::make_unique<WriteLock>(url());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "BEGIN IMMEDIATE: " << e.what();
      return nullptr;
    }
  }

 private:
  ScopedTempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest,
                         ::testing::Values(StoreBackend{
                             "sqlite", []() -> std::unique_ptr<TestDatabase> {
                               return std::make_unique<SqliteTestDatabase>();
                             }}),
                         [](const ::testing::TestParamInfo<StoreBackend>& info) {
                           return info.param.name;
                         });

TEST(SqliteStoreTest, CreatesPrivateDirectoriesAndFile) {
  ScopedTempDir dir;
  const fs::path db = dir.path() / "a" / "b" / "store.db";
  Result<std::unique_ptr<Store>> store = Store::Open(db.string());
  ASSERT_OK(store);
  EXPECT_EQ(std::string((*store)->backend()), "sqlite");
  struct stat st {};
  ASSERT_EQ(stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(db.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // WAL mode is a property of the file; synchronous and foreign_keys are per
  // connection (the cascade test shows foreign keys at work).
  SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(SqliteStoreTest, NotADatabaseIsCorruption) {
  ScopedTempDir dir;
  const fs::path db = dir.path() / "notes.txt";
  {
    std::ofstream out(db);
    for (int i = 0; i < 100; ++i) out << "This is a text file, not a database.\n";
  }
  Result<std::unique_ptr<Store>> store = Store::Open(db.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), Status::Code::kCorruption) << store.error().ToString();
  EXPECT_NE(store.error().message().find(db.string()), std::string::npos);
}

TEST(SqliteStoreTest, UnusablePathIsUnavailable) {
  ScopedTempDir dir;
  const fs::path file = dir.path() / "plain-file";
  { std::ofstream out(file); }
  for (const fs::path& path : {file / "store.db", dir.path()}) {
    SCOPED_TRACE(path.string());
    Result<std::unique_ptr<Store>> store = Store::Open(path.string());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code(), Status::Code::kUnavailable) << store.error().ToString();
  }
}

#endif  // NOROTRIAGE_PG_TESTS

}  // namespace
}  // namespace norotriage
