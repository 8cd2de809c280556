// The Store suite (tests/store_test.cc) against PostgreSQL, plus what only
// PostgreSQL has (authentication, dropped connections).
//
// Built into norotriage_pg_tests. The server is the one the standard libpq
// environment variables name (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD),
// as `pg_virtualenv` sets them for a throw-away cluster; ctest runs
// `pg_virtualenv -t norotriage_pg_tests` (through run_under_pg_virtualenv.sh,
// which picks a random port). Without a reachable server every
// test FAILS (it does not skip): a green run means PostgreSQL was tested.
//
// Each test gets a database of its own (CREATE DATABASE nt_test_…), dropped
// at the end.

#include <unistd.h>

#include <pqxx/pqxx>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "norotriage/store.h"
#include "store_test_suite.h"

namespace norotriage {
namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && v[0] != '\0' ? v : nullptr;
}

// Refuses to guess a server: without PG* variables, libpq would try the local
// default socket, which may be a real database.
bool ServerNamed() {
  if (Env("PGHOST") || Env("PGPORT") || Env("PGDATABASE") || Env("PGSERVICE")) return true;
  ADD_FAILURE() << "norotriage_pg_tests needs a PostgreSQL server named by the PG* environment "
                   "variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD). Run it under "
                   "pg_virtualenv, as ctest does: pg_virtualenv -t build/norotriage_pg_tests";
  return false;
}

class PostgresTestDatabase : public TestDatabase {
 public:
  // Creates an empty database; nullptr after a test failure on error.
  static std::unique_ptr<TestDatabase> Make() {
    if (!ServerNamed()) return nullptr;
    static std::atomic<int> counter{0};
    const std::string name = fmt::format("nt_test_{}_{}_{:08x}", getpid(), counter++,
                                         std::random_device{}());
    try {
      pqxx::connection admin;  // PGDATABASE, from the environment
      pqxx::nontransaction tx(admin);
      tx.exec(fmt::format("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0 "
                          "LC_COLLATE 'C' LC_CTYPE 'C'",
                          name));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot create a test database on the PostgreSQL server of the PG* "
                       "environment variables: "
                    << e.what();
      return nullptr;
    }
    return std::unique_ptr<TestDatabase>(new PostgresTestDatabase(name));
  }

  ~PostgresTestDatabase() override {
    try {
      pqxx::connection admin;
      pqxx::nontransaction tx(admin);
      tx.exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "DROP DATABASE " << name_ << ": " << e.what();
    }
  }

  // Host, port, user and password come from the environment.
  std::string url() const override { return "postgresql:///" + name_; }

  int64_t QueryIntForTesting(const std::string& sql) override {
    try {
      pqxx::connection conn("dbname=" + name_);
      pqxx::nontransaction tx(conn);
      return tx.exec(sql)[0][0].as<int64_t>();
    } catch (const std::exception& e) {
      ADD_FAILURE() << sql << ": " << e.what();
      return -1;
    }
  }

  void ExecForTesting(const std::string& sql) override {
    try {
      pqxx::connection conn("dbname=" + name_);
      pqxx::nontransaction tx(conn);
      tx.exec(sql);
    } catch (const std::exception& e) {
      ADD_FAILURE() << sql << ": " << e.what();
    }
  }

  std::unique_ptr<Lock> LockEpisodeForTesting(const std::string& id) override {
    struct RowLock : Lock {
      RowLock(const std::string& name, const std::string& id) : conn("dbname=" + name), tx(conn) {
        if (tx.exec_params("SELECT 1 FROM episodes WHERE id = $1 FOR UPDATE", id).empty()) {
          ADD_FAILURE() << "no episode " << id << " to lock";
        }
      }
      pqxx::connection conn;
      pqxx::work tx;  // destroyed first: rolls back and lets go
    };
    try {
      return std::make_unique<RowLock>(name_, id);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "SELECT … FOR UPDATE: " << e.what();
      return nullptr;
    }
  }

  const std::string& name() const { return name_; }

 private:
  explicit PostgresTestDatabase(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest,
                         ::testing::Values(StoreBackend{"postgresql", &PostgresTestDatabase::Make}),
                         [](const ::testing::TestParamInfo<StoreBackend>& info) {
                           return info.param.name;
                         });

TEST(PostgresEnvironmentTest, ServerIsReachable) {
  ASSERT_TRUE(ServerNamed());
  try {
    pqxx::connection conn;
    EXPECT_GE(conn.server_version(), 100000) << "PostgreSQL 10 or newer expected";
  } catch (const std::exception& e) {
    FAIL() << "cannot connect to the PostgreSQL server of the PG* environment variables: "
           << e.what();
  }
}

// A wrong password: Unavailable, and the password is in no message.
TEST(PostgresStoreTest, WrongPasswordIsUnavailableAndNotEchoed) {
  ASSERT_TRUE(ServerNamed());
  const std::string user = Env("PGUSER") ? Env("PGUSER") : "postgres";
  const std::string host = Env("PGHOST") ? Env("PGHOST") : "localhost";
  const std::string port = Env("PGPORT") ? Env("PGPORT") : "5432";
  const std::string url = fmt::format("postgresql://{}:Wr0ng-Secret@{}:{}/{}", user, host, port,
                                      Env("PGDATABASE") ? Env("PGDATABASE") : "postgres");
  Result<std::unique_ptr<Store>> store = Store::Open(url);
  ASSERT_FALSE(store.ok()) << "the server accepted a wrong password; is it set to trust?";
  EXPECT_EQ(store.error().code(), Status::Code::kUnavailable) << store.error().ToString();
  EXPECT_EQ(store.error().message().find("Wr0ng-Secret"), std::string::npos)
      << store.error().ToString();
  if (const char* real = Env("PGPASSWORD")) {
    EXPECT_EQ(store.error().message().find(real), std::string::npos);
  }
}

TEST(PostgresStoreTest, MissingDatabaseIsUnavailable) {
  ASSERT_TRUE(ServerNamed());
  Result<std::unique_ptr<Store>> store = Store::Open("postgresql:///nt_no_such_database");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), Status::Code::kUnavailable) << store.error().ToString();
  EXPECT_NE(store.error().message().find("nt_no_such_database"), std::string::npos)
      << store.error().ToString();
}

// The server drops the store's idle connections (a restart, a failover, an
// idle timeout): the next call reconnects instead of failing.
TEST(PostgresStoreTest, DroppedConnectionsAreReplaced) {
  std::unique_ptr<TestDatabase> db = PostgresTestDatabase::Make();
  ASSERT_NE(db, nullptr);
  const std::string name = static_cast<PostgresTestDatabase&>(*db).name();
  Result<std::unique_ptr<Store>> opened = Store::Open(db->url());
  ASSERT_OK(opened);
  std::unique_ptr<Store> store = std::move(opened).value();
  EpisodeRecord e;
  e.id = std::string(32, 'a');
  e.onset_date = "2025-01-01";
  e.stable_json = "{}";
  e.created_at = "2025-01-01T00:00:00Z";
  ASSERT_OK(store->CreateEpisode(e));
  // Calls at once leave several connections in the pool, all to be dropped.
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (!store->GetEpisode(e.id).ok()) ++failures;
      }
    });
  }
  for (std::thread& r : readers) r.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_GE(db->QueryIntForTesting(fmt::format(
                "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = '{}' AND pid <> pg_backend_pid()",
                name)),
            1);
  Result<EpisodeRecord> got = store->GetEpisode(e.id);
  EXPECT_OK(got);
  CheckinRecord c;
  c.date = "2025-01-02";
  c.day = 1;
  c.request_json = "{}";
  c.result_json = "{}";
  c.disposition = "routine";
  c.created_at = "2025-01-02T00:00:00Z";
  Result<int64_t> seq = store->AddCheckin(e.id, c);
  ASSERT_OK(seq);
  EXPECT_EQ(*seq, 1);
  store.reset();
}

// The server-side deadlines of store.h are set on the store's connections
// unless the URL sets them: with the episode's row locked by another
// connection, a check-in gives up on lock_timeout; with lock_timeout turned
// off in the URL's options, statement_timeout ends it instead. Both are
// Unavailable (503 over HTTP), and nothing is written.
TEST(PostgresStoreTest, LockAndStatementTimeoutsEndAWaitUnlessTheUrlSetsThem) {
  std::unique_ptr<TestDatabase> db = PostgresTestDatabase::Make();
  ASSERT_NE(db, nullptr);
  Result<std::unique_ptr<Store>> store = Store::Open(db->url());
  ASSERT_OK(store);
  Result<std::unique_ptr<Store>> no_lock_timeout =
      Store::Open(db->url() + "?options=-c%20lock_timeout%3D0");
  ASSERT_OK(no_lock_timeout);
  ASSERT_OK((*store)->CreateEpisode(MakeEpisode(1)));
  std::unique_ptr<TestDatabase::Lock> held = db->LockEpisodeForTesting(EpisodeId(1));
  ASSERT_NE(held, nullptr);
  const struct {
    Store* store;
    const char* ended_by;
  } cases[] = {{store->get(), "lock timeout"}, {no_lock_timeout->get(), "statement timeout"}};
  for (const auto& c : cases) {
    Result<int64_t> r = c.store->AddCheckin(EpisodeId(1), MakeCheckin("{}"));
    EXPECT_EQ(r.status().code(), Status::Code::kUnavailable) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.ended_by), std::string::npos) << r.status().ToString();
  }
  held.reset();
  EXPECT_EQ(db->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 0);
  EXPECT_OK((*store)->AddCheckin(EpisodeId(1), MakeCheckin("{}")));
}

}  // namespace
}  // namespace norotriage
