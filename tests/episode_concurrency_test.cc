// Check-ins to one episode from several threads at once (a double submit, two
// devices): each is judged against every check-in stored before it, so the
// rule "a check-in's date may not be before the last check-in" holds in the
// stored order. Before Episodes::Checkin locked the episode (now: the store's
// transaction, Store::AppendCheckin), two at once were both judged against
// the same earlier check-ins, and the later date could be stored first (about
// one pair in three, through the HTTP server).
#include <chrono>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "norotriage/engine.h"
#include "norotriage/episode.h"
#include "norotriage/store.h"

namespace norotriage {
namespace {

namespace fs = std::filesystem;

// 2026-06-01 plus `days`, as YYYY-MM-DD.
std::string JuneFirstPlus(int days) {
  using namespace std::chrono;
  const year_month_day d{sys_days{year{2026} / June / 1} + std::chrono::days{days}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

TEST(EpisodeConcurrency, SimultaneousCheckinsAreStoredInDateOrder) {
  // Per process: builds run side by side (the sanitizer builds) share /tmp.
  const fs::path dir = fs::path(::testing::TempDir()) / fmt::format("norotriage_episode_concurrency_{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = Store::Open((dir / "episodes.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok());
  FixedClock clock("2026-11-30");
  Episodes episodes(*kb, store->get(), &clock);
  auto findings = [&](int score) {
    auto r = ParseRequest(**kb, fmt::format(R"({{"findings": {{"back_pain": true, "back_pain_score": {}}}}})", score),
                          ParseOptions{.require_age = false});
    EXPECT_TRUE(r.ok());
    return std::move(r).value();
  };
  auto stable = ParseRequest(**kb, R"({"findings": {"age_years": 40}})", ParseOptions{.require_age = false});
  ASSERT_TRUE(stable.ok());
  auto e = episodes.Create("2026-06-01", *stable);
  ASSERT_TRUE(e.ok()) << e.status().ToString();

  // Pair k: days 2k+1 and 2k of June–October, sent at the same moment. The
  // later date may win; the earlier must then be refused, not stored after it.
  constexpr int kPairs = 60;
  int stored = 0, refused = 0;
  for (int k = 1; k <= kPairs; ++k) {
    std::optional<Result<CheckinResult>> results[2];
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        const int day = 2 * k + 1 - i;
        const Request today = findings(day % 11);
        results[i].emplace(episodes.Checkin(e->id, JuneFirstPlus(day), today));
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& result : results) {
      ASSERT_TRUE(result.has_value());
      const Result<CheckinResult>& r = *result;
      if (r.ok()) {
        ++stored;
      } else {
        ++refused;
        EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << r.status().ToString();
        EXPECT_NE(r.status().message().find("is before the last check-in"), std::string::npos)
            << r.status().ToString();
      }
    }
  }
  auto all = (*store)->GetCheckins(e->id);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), static_cast<size_t>(stored));
  EXPECT_EQ(stored + refused, 2 * kPairs);
  for (size_t i = 1; i < all->size(); ++i) {
    EXPECT_LE((*all)[i - 1].date, (*all)[i].date) << "seq " << (*all)[i].seq << " is dated before seq "
                                                  << (*all)[i - 1].seq;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace norotriage
