// Store::AppendCheckin (include/norotriage/store.h) in the shared Store suite:
// the check-in is decided and written in one transaction that locks its
// episode, so rules over an episode's check-ins hold when several
// connections (like several processes) append at once.
//
// Built into norotriage_tests (SQLite) and norotriage_pg_tests (PostgreSQL,
// under pg_virtualenv), like tests/store_test.cc.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "episode/dates.h"
#include "norotriage/store.h"
#include "store_test_suite.h"

namespace norotriage {
namespace {

constexpr size_t kLimit = 100;  // as kMaxCheckinsPerEpisode, the rule under test

// 2025-01-01 plus `days`, as YYYY-MM-DD.
std::string NewYearPlus(int days) {
  return internal::FormatDate(*internal::ParseDate("2025-01-01") + days);
}

// The rules Episodes::Checkin keeps, as a CheckinMaker: at most kLimit
// check-ins, and none dated before the last one. `tag` goes into the request
// so the stored record can be told apart.
Result<CheckinRecord> MakeByTheRules(const std::vector<CheckinRecord>& before,
                                     const std::string& date, const std::string& tag) {
  if (before.size() >= kLimit) return Status::FailedPrecondition("the episode is full");
  if (!before.empty() && date < before.back().date) {
    return Status::InvalidArgument(fmt::format("date: {} is before {}", date, before.back().date));
  }
  CheckinRecord c = MakeCheckin(fmt::format(R"({{"tag":"{}"}})", tag));
  c.date = date;
  return c;
}

// Several threads, each with a Store of its own on one database (separate
// connections, like separate processes), append to one episode at once with
// dates that race, until the episode is full. Afterwards: exactly kLimit
// check-ins, seq 1..n without a gap or a repeat, dates in seq order, every
// acknowledged append stored as acknowledged, no refused one stored.
TEST_P(StoreTest, RacingAppendsFromSeparateStoresKeepEveryRule) {
  constexpr int kThreads = 4;
  constexpr int kMaxAttempts = 400;  // ends the test should the episode never fill
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads; ++t) {
    Result<std::unique_ptr<Store>> s = Store::Open(db_->url());
    ASSERT_OK(s);
    stores.push_back(std::move(s).value());
  }
  // Attempt k, whichever thread makes it, is dated k/3 days on plus 0..2 days
  // of jitter: attempts made at about the same moment carry crossing dates.
  std::atomic<int> next_attempt{0};
  std::atomic<bool> full{false};
  std::mutex mu;
  std::map<std::string, int64_t> acknowledged;  // tag → seq; guarded by mu
  std::set<std::string> refused;                // guarded by mu
  std::map<Status::Code, int> refusals;         // guarded by mu
  std::vector<std::string> mismatches;          // guarded by mu
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      for (int k; !full && (k = next_attempt++) < kMaxAttempts;) {
        const std::string date = NewYearPlus(k / 3 + static_cast<int>(rng() % 3));
        const std::string tag = fmt::format("t{}-k{}", t, k);
        size_t shown = 0;  // how many check-ins the last call of make saw
        Result<CheckinRecord> r = stores[t]->AppendCheckin(
            EpisodeId(1), [&](const EpisodeRecord& e, const std::vector<CheckinRecord>& before) {
              EXPECT_EQ(e.id, EpisodeId(1));
              shown = before.size();
              return MakeByTheRules(before, date, tag);
            });
        std::lock_guard<std::mutex> lock(mu);
        if (!r.ok()) {
          refused.insert(tag);
          ++refusals[r.status().code()];
          if (r.status().code() == Status::Code::kFailedPrecondition) full = true;
          continue;
        }
        acknowledged[tag] = r->seq;
        if (r->seq != static_cast<int64_t>(shown) + 1 || r->date != date) {
          mismatches.push_back(fmt::format("{}: seq {} after {} shown, date {}", tag, r->seq, shown, r->date));
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  EXPECT_TRUE(mismatches.empty()) << mismatches.front();

  Result<std::vector<CheckinRecord>> got = store_->GetCheckins(EpisodeId(1));
  ASSERT_OK(got);
  EXPECT_EQ(got->size(), kLimit) << "the episode should have filled up";
  EXPECT_GE(refusals[Status::Code::kFailedPrecondition], 1);
  EXPECT_EQ(got->size(), acknowledged.size());
  std::set<std::string> stored_tags;
  for (size_t i = 0; i < got->size(); ++i) {
    const CheckinRecord& c = (*got)[i];
    EXPECT_EQ(c.seq, static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_LE((*got)[i - 1].date, c.date) << "seq " << c.seq << " is out of date order";
    }
    const std::string tag = c.request_json.substr(8, c.request_json.size() - 10);  // {"tag":"…"}
    stored_tags.insert(tag);
    auto ack = acknowledged.find(tag);
    ASSERT_NE(ack, acknowledged.end()) << tag << " is stored but was not acknowledged";
    EXPECT_EQ(ack->second, c.seq) << tag;
    EXPECT_EQ(refused.count(tag), 0u) << tag << " was refused but is stored";
  }
  EXPECT_EQ(stored_tags.size(), acknowledged.size());
  const int attempts = std::min(next_attempt.load(), kMaxAttempts);
  EXPECT_EQ(acknowledged.size() + refused.size(), static_cast<size_t>(attempts));
  // Only the rules' refusals, and a lock not had within the deadline.
  for (const auto& [code, n] : refusals) {
    EXPECT_TRUE(code == Status::Code::kFailedPrecondition || code == Status::Code::kInvalidArgument ||
                code == Status::Code::kUnavailable)
        << n << " refused with code " << static_cast<int>(code);
  }
  std::cout << fmt::format(
      "[ figures  ] {} appends from {} stores: {} stored, refused {} (limit) + {} (date) + {} (unavailable)\n",
      attempts, kThreads, acknowledged.size(), refusals[Status::Code::kFailedPrecondition],
      refusals[Status::Code::kInvalidArgument], refusals[Status::Code::kUnavailable]);
}

TEST_P(StoreTest, AppendCheckinShowsTheEpisodeAndItsCheckinsAndStoresWhatMakeReturns) {
  const EpisodeRecord episode = MakeEpisode(1);
  ASSERT_OK(store_->CreateEpisode(episode));
  ASSERT_OK(store_->AddCheckin(EpisodeId(1), MakeCheckin(R"({"n":1})")));
  ASSERT_OK(store_->AddCheckin(EpisodeId(1), MakeCheckin(R"({"n":2})")));
  int calls = 0;
  Result<CheckinRecord> r = store_->AppendCheckin(
      EpisodeId(1), [&](const EpisodeRecord& e, const std::vector<CheckinRecord>& before) {
        ++calls;
        EXPECT_EQ(e.id, episode.id);
        EXPECT_EQ(e.stable_json, episode.stable_json);
        EXPECT_EQ(before.size(), 2u);
        for (size_t i = 0; i < before.size(); ++i) {
          EXPECT_EQ(before[i].seq, static_cast<int64_t>(i + 1));
          EXPECT_EQ(before[i].request_json, fmt::format(R"({{"n":{}}})", i + 1));
        }
        CheckinRecord c = MakeCheckin(R"({"n":3})", "urgent");
        c.seq = 99;  // ignored
        return Result<CheckinRecord>(std::move(c));
      });
  ASSERT_OK(r);
  EXPECT_GE(calls, 1);
  EXPECT_EQ(r->seq, 3);
  EXPECT_EQ(r->disposition, "urgent");
  Result<std::vector<CheckinRecord>> got = store_->GetCheckins(EpisodeId(1));
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[2].request_json, R"({"n":3})");
  EXPECT_EQ((*got)[2].disposition, "urgent");
}

// A second check-in on one date takes the place of that day's (replaces =
// its seq) inside the locked transaction: same seq and date, the new data, and
// the number of check-ins does not grow; the rules still hold (only the last
// check-in, only of its own date), and a refused replacement writes nothing.
TEST_P(StoreTest, AppendCheckinReplacesTheLastCheckinOfTheSameDate) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  CheckinRecord first = MakeCheckin(R"({"n":1})");
  first.date = "2025-01-02";
  ASSERT_OK(store_->AddCheckin(EpisodeId(1), first));
  CheckinRecord second = MakeCheckin(R"({"n":2})");
  second.date = "2025-01-03";
  second.day = 2;
  ASSERT_OK(store_->AddCheckin(EpisodeId(1), second));

  Result<CheckinRecord> r = store_->AppendCheckin(
      EpisodeId(1), [&](const EpisodeRecord&, const std::vector<CheckinRecord>& before) -> Result<CheckinRecord> {
        EXPECT_EQ(before.size(), 2u);
        CheckinRecord c = MakeCheckin(R"({"n":"2b"})", "routine");
        c.date = "2025-01-03";
        c.day = 2;
        c.created_at = "2025-01-03T18:00:00Z";
        c.replaces = before.back().seq;
        return c;
      });
  ASSERT_OK(r);
  EXPECT_EQ(r->seq, 2);
  EXPECT_EQ(r->replaces, 2);
  Result<std::vector<CheckinRecord>> got = store_->GetCheckins(EpisodeId(1));
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].request_json, R"({"n":1})");
  EXPECT_EQ((*got)[1].seq, 2);
  EXPECT_EQ((*got)[1].date, "2025-01-03");
  EXPECT_EQ((*got)[1].request_json, R"({"n":"2b"})");
  EXPECT_EQ((*got)[1].disposition, "routine");
  EXPECT_EQ((*got)[1].created_at, "2025-01-03T18:00:00Z");
  EXPECT_EQ((*got)[1].replaces, 0);  // not stored
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 2);

  // Not the last check-in, or another date: InvalidArgument, nothing written.
  for (const auto& bad_case : {std::pair<int64_t, std::string>{1, "2025-01-02"},
                               std::pair<int64_t, std::string>{2, "2025-01-04"},
                               std::pair<int64_t, std::string>{7, "2025-01-03"}}) {
    // Named copies: clang (the ASan build) cannot capture structured bindings.
    const int64_t replaces = bad_case.first;
    const std::string& date = bad_case.second;
    SCOPED_TRACE(fmt::format("replaces {} dated {}", replaces, date));
    Result<CheckinRecord> bad = store_->AppendCheckin(
        EpisodeId(1), [&](const EpisodeRecord&, const std::vector<CheckinRecord>&) -> Result<CheckinRecord> {
          CheckinRecord c = MakeCheckin(R"({"n":"bad"})");
          c.date = date;
          c.replaces = replaces;
          return c;
        });
    EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument) << bad.status().ToString();
    EXPECT_NE(bad.status().message().find("checkin.replaces"), std::string::npos) << bad.status().ToString();
  }
  got = store_->GetCheckins(EpisodeId(1));
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].request_json, R"({"n":1})");
  EXPECT_EQ((*got)[1].request_json, R"({"n":"2b"})");
}

// Two replacements of one day at once, from separate stores (connections, as
// separate processes would be): each runs in the episode's lock, so both are
// decided on what the other left, the day stays one check-in, and the last
// one written is what is stored.
TEST_P(StoreTest, ConcurrentReplacementsOfOneDayKeepOneCheckin) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  ASSERT_OK(store_->AddCheckin(EpisodeId(1), MakeCheckin(R"({"n":0})")));
  constexpr int kThreads = 4, kEach = 5;
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads; ++t) {
    Result<std::unique_ptr<Store>> s = Store::Open(db_->url());
    ASSERT_OK(s);
    stores.push_back(std::move(s).value());
  }
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Result<CheckinRecord> r = stores[t]->AppendCheckin(
            EpisodeId(1), [&](const EpisodeRecord&, const std::vector<CheckinRecord>& before) -> Result<CheckinRecord> {
              CheckinRecord c = MakeCheckin(fmt::format(R"({{"t":{},"i":{}}})", t, i));
              c.replaces = before.back().seq;
              return c;
            });
        if (r.ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GE(ok.load(), 1);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 1);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT MAX(seq) FROM checkins"), 1);
}

TEST_P(StoreTest, AppendCheckinWritesNothingWhenMakeRefusesOrTheEpisodeIsMissing) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  ASSERT_OK(store_->AddCheckin(EpisodeId(1), MakeCheckin("{}")));
  // make's own Status comes back unchanged.
  Result<CheckinRecord> refused = store_->AppendCheckin(
      EpisodeId(1), [](const EpisodeRecord&, const std::vector<CheckinRecord>&) -> Result<CheckinRecord> {
        return Status::FailedPrecondition("full up");
      });
  EXPECT_EQ(refused.status().ToString(), Status::FailedPrecondition("full up").ToString());
  // A malformed record from make is InvalidArgument.
  Result<CheckinRecord> malformed = store_->AppendCheckin(
      EpisodeId(1), [](const EpisodeRecord&, const std::vector<CheckinRecord>&) -> Result<CheckinRecord> {
        CheckinRecord c = MakeCheckin("{}");
        c.disposition = "soon";
        return c;
      });
  EXPECT_EQ(malformed.status().code(), Status::Code::kInvalidArgument) << malformed.status().ToString();
  // A missing episode is NotFound, and make is not called.
  bool called = false;
  Result<CheckinRecord> missing = store_->AppendCheckin(
      EpisodeId(9), [&](const EpisodeRecord&, const std::vector<CheckinRecord>&) -> Result<CheckinRecord> {
        called = true;
        return MakeCheckin("{}");
      });
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound) << missing.status().ToString();
  EXPECT_FALSE(called);
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 1);
}

// Another connection holds the episode's lock (a check-in in another process
// that has stopped): an append waits for it, and past the store's deadline
// (store.h) gives up Unavailable, writing nothing; once the lock is let go it
// succeeds. No timing is asserted, only that the call comes back.
TEST_P(StoreTest, AppendCheckinGivesUpUnavailableWhileTheEpisodeStaysLocked) {
  ASSERT_OK(store_->CreateEpisode(MakeEpisode(1)));
  auto append = [&] { return store_->AddCheckin(EpisodeId(1), MakeCheckin("{}")); };
  {
    std::unique_ptr<TestDatabase::Lock> held = db_->LockEpisodeForTesting(EpisodeId(1));
    ASSERT_NE(held, nullptr);
    const auto start = std::chrono::steady_clock::now();
    Result<int64_t> r = append();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status().code(), Status::Code::kUnavailable) << r.status().ToString();
    std::cout << fmt::format("[ figures  ] gave up after {:.2f} s: {}\n", secs, r.status().ToString());
  }
  EXPECT_EQ(db_->QueryIntForTesting("SELECT COUNT(*) FROM checkins"), 0);
  // A lock let go while the append waits: the append goes through.
  std::unique_ptr<TestDatabase::Lock> held = db_->LockEpisodeForTesting(EpisodeId(1));
  ASSERT_NE(held, nullptr);
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    held.reset();
  });
  Result<int64_t> r = append();
  release.join();
  ASSERT_OK(r);
  EXPECT_EQ(*r, 1);
}

}  // namespace
}  // namespace norotriage
