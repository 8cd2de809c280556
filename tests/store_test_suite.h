// The Store test suite, written once and run against every backend.
//
// StoreTest is value-parameterised by a StoreBackend: a function that makes a
// fresh, empty database for one test. tests/store_test.cc holds the tests and
// instantiates them for SQLite (in norotriage_tests); tests/pg/ instantiates
// them for PostgreSQL (in norotriage_pg_tests, run under pg_virtualenv).
#ifndef NOROTRIAGE_TESTS_STORE_TEST_SUITE_H_
#define NOROTRIAGE_TESTS_STORE_TEST_SUITE_H_

#include <stdlib.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "norotriage/store.h"

namespace norotriage {

// The Status of a Status or a Result<T>, for EXPECT_OK / ASSERT_OK.
inline Status StatusOfForTesting(const Status& s) { return s; }
template <typename T>
Status StatusOfForTesting(const Result<T>& r) {
  return r.status();
}

#ifndef EXPECT_OK
#define EXPECT_OK(expr) EXPECT_EQ(::norotriage::StatusOfForTesting(expr).ToString(), "OK")
#endif
#ifndef ASSERT_OK
#define ASSERT_OK(expr) ASSERT_EQ(::norotriage::StatusOfForTesting(expr).ToString(), "OK")
#endif

// A fresh directory under the test temporary directory, removed at the end.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "norotriage_store_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
      return;
    }
    path_ = pattern;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;  // owns the directory
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One fresh database, dropped when this is destroyed. The raw accessors go
// around the Store, on a connection of their own, to check what is really
// stored.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // What Store::Open takes; opening it again reaches the same data.
  virtual std::string url() const = 0;
  // The single integer a query such as "SELECT COUNT(*) FROM …" returns;
  // -1 (and a test failure) on error.
  virtual int64_t QueryIntForTesting(const std::string& sql) = 0;
  // Runs `sql` (no result); adds a test failure on error.
  virtual void ExecForTesting(const std::string& sql) = 0;

  // Held until destroyed.
  class Lock {
   public:
    virtual ~Lock() = default;
  };
  // Takes, on a connection of its own, the lock AppendCheckin needs for
  // episode `id` (PostgreSQL: its row, FOR UPDATE; SQLite: the database's
  // write lock, BEGIN IMMEDIATE), as a check-in in another process would;
  // nullptr after a test failure. It may be destroyed on any thread.
  virtual std::unique_ptr<Lock> LockEpisodeForTesting(const std::string& id) = 0;
};

// The id of test episode `n`: 32 hex digits.
inline std::string EpisodeId(int n) { return fmt::format("{:032x}", n); }

// A valid episode `n` (onset 2025-01-01) and a valid check-in with the given
// request (dated 2025-01-02), for the tests to vary.
inline EpisodeRecord MakeEpisode(int n, std::string created_at = "2025-01-02T03:04:05Z") {
  EpisodeRecord e;
  e.id = EpisodeId(n);
  e.onset_date = "2025-01-01";
  e.stable_json = fmt::format(R"({{"findings":{{"age_years":{},"weight_kg":70}}}})", 20 + n);
  e.created_at = std::move(created_at);
  return e;
}

inline CheckinRecord MakeCheckin(std::string request_json, std::string disposition = "self_care") {
  CheckinRecord c;
  c.date = "2025-01-02";
  c.day = 1.5;
  c.request_json = std::move(request_json);
  c.result_json = fmt::format(R"({{"disposition":"{}"}})", disposition);
  c.disposition = std::move(disposition);
  c.created_at = "2025-01-02T10:00:00Z";
  return c;
}

struct StoreBackend {
  std::string name;  // "sqlite", "postgresql": the test-name suffix
  // A fresh, empty database; nullptr after adding a test failure that says why.
  std::function<std::unique_ptr<TestDatabase>()> make_database;
};

inline std::ostream& operator<<(std::ostream& os, const StoreBackend& b) { return os << b.name; }

class StoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    db_ = GetParam().make_database();
    ASSERT_NE(db_, nullptr) << "cannot make a " << GetParam().name << " test database";
    Result<std::unique_ptr<Store>> store = Store::Open(db_->url());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  void TearDown() override {
    store_.reset();  // closes its connections before the database is dropped
    db_.reset();
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace norotriage

#endif  // NOROTRIAGE_TESTS_STORE_TEST_SUITE_H_
