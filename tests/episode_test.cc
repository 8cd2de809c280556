// Episodes over a real SQLite store: scripted recoveries and bad input.
#include <filesystem>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "norotriage/episode.h"
#include "norotriage/store.h"

namespace norotriage::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using nlohmann::json;

class EpisodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("norotriage_episode_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = Store::Open((dir_ / "episodes.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    kb_ = KnowledgeBase::LoadBuiltin().value();
    episodes_ = std::make_unique<Episodes>(kb_, store_.get(), &clock_);
  }
  void TearDown() override {
    episodes_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Request Parse(const std::string& findings) {
    auto r = ParseRequest(*kb_, "{\"findings\": {" + findings + "}}", ParseOptions{.require_age = false});
    EXPECT_TRUE(r.ok()) << findings << ": " << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? std::move(r).value() : Request{};
  }

  std::string NewEpisode(const std::string& stable = R"("age_years": 40, "weight_kg": 75, "sex": "male")") {
    auto e = episodes_->Create("2026-11-01", Parse(stable));
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? e->id : "";
  }

  // Checks in on day `day` (2026-11-01 + day) with `findings`.
  CheckinResult CheckinOnDay(const std::string& id, int day, const std::string& findings) {
    auto r = episodes_->Checkin(id, fmt::format("2026-11-{:02}", 1 + day), Parse(findings));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : CheckinResult{};
  }

  std::filesystem::path dir_;
  FixedClock clock_{"2026-11-30"};
  std::shared_ptr<const KnowledgeBase> kb_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Episodes> episodes_;
};

// Back pain checked in on days 1, 3, 8, 15, 22, falling then flat: routine on
// day 22 (past the 21-day review point), not before.
TEST_F(EpisodeTest, BackPainPastItsReviewPointOnDay22) {
  std::string id = NewEpisode();
  const std::pair<int, int> script[] = {{1, 5}, {3, 4}, {8, 2}, {15, 2}, {22, 2}};
  for (auto [day, score] : script) {
    CheckinResult r = CheckinOnDay(id, day, R"("back_pain": true, "back_pain_trend": "same", "back_pain_score": )" +
                                                std::to_string(score));
    SCOPED_TRACE(day);
    if (day < 22) {
      EXPECT_EQ(r.assessment.disposition, Level::kSelfCare);
    } else {
      EXPECT_EQ(r.assessment.disposition, Level::kRoutine);
      EXPECT_TRUE(HasFlag(r.assessment, "persistent_back_pain"));
      EXPECT_THAT(r.history, ::testing::Contains(HasSubstr("was 5/10 on day 1, and is 2/10 on day 22")));
    }
  }
}

// A leg-ache score that rises on three check-ins escalates before day 7.
TEST_F(EpisodeTest, RisingLegAchesEscalateBeforeDay7) {
  std::string id = NewEpisode();
  CheckinResult r;
  const std::pair<int, int> script[] = {{1, 3}, {2, 5}, {3, 7}};
  for (auto [day, score] : script) {
    r = CheckinOnDay(id, day, R"("leg_aches": true, "leg_aches_score": )" + std::to_string(score));
  }
  EXPECT_TRUE(HasFlag(r.assessment, "pain_rising_over_checkins"));
  EXPECT_GE(r.assessment.disposition, Level::kRoutine);
  EXPECT_EQ(r.checkin.day, 3);
}

// Hydration worse than at the last check-in (none -> some) escalates.
TEST_F(EpisodeTest, HydrationGettingWorseEscalates) {
  std::string id = NewEpisode();
  CheckinResult first = CheckinOnDay(id, 1, R"("gi_ongoing": true, "thirst": "normal", "dry_mouth": false,
      "dark_urine": false, "dizzy_on_standing": false)");
  EXPECT_EQ(first.assessment.hydration.status, HydrationStatus::kNone);
  EXPECT_EQ(first.assessment.disposition, Level::kSelfCare);
  CheckinResult second = CheckinOnDay(id, 2, R"("gi_ongoing": true, "thirst": "thirsty", "dry_mouth": true)");
  EXPECT_EQ(second.assessment.hydration.status, HydrationStatus::kSome);
  EXPECT_TRUE(HasFlag(second.assessment, "hydration_getting_worse"));
  EXPECT_GE(second.assessment.disposition, Level::kUrgent);
}

TEST_F(EpisodeTest, BetterThenWorseEscalates) {
  std::string id = NewEpisode();
  CheckinOnDay(id, 2, R"("back_pain": true, "back_pain_trend": "better")");
  CheckinResult r = CheckinOnDay(id, 4, R"("back_pain": true, "back_pain_trend": "worse")");
  EXPECT_TRUE(HasFlag(r.assessment, "pain_better_then_worse"));
  EXPECT_EQ(r.assessment.disposition, Level::kRoutine);
}

// An episode holds at most kMaxCheckinsPerEpisode check-ins: the next one is
// refused (FailedPrecondition, nothing written), so a check-in's work, which
// reads the whole history, stays bounded.
TEST_F(EpisodeTest, CheckinsBeyondTheLimitAreRefused) {
  std::string id = NewEpisode();
  for (size_t i = 0; i < kMaxCheckinsPerEpisode; ++i) {
    ASSERT_TRUE(episodes_->Checkin(id, "2026-11-20", Parse(R"("back_pain": true)")).ok()) << i;
  }
  auto refused = episodes_->Checkin(id, "2026-11-20", Parse(R"("back_pain": true)"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("start a new episode"));
  auto view = episodes_->Show(id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->checkins.size(), kMaxCheckinsPerEpisode);
}

// Day counts come from the dates: the person does not have to count.
TEST_F(EpisodeTest, DayCountsFromDates) {
  std::string id = NewEpisode();
  CheckinOnDay(id, 2, R"("back_pain": true)");
  CheckinResult r = CheckinOnDay(id, 6, R"("back_pain": true, "leg_aches": true)");
  const Findings& f = r.request.findings;
  EXPECT_EQ(f.get(kb_->FindingIndex("days_since_onset")), 6);
  EXPECT_EQ(f.get(kb_->FindingIndex("back_pain_days")), 6);   // since day 2's check-in, which said 2
  EXPECT_EQ(f.get(kb_->FindingIndex("leg_aches_days")), 6);   // first seen today: since the onset
  EXPECT_EQ(f.get(kb_->FindingIndex("age_years")), 40);       // from the episode's stable findings
  // An explicit day count wins.
  CheckinResult given = CheckinOnDay(id, 7, R"("back_pain": true, "back_pain_days": 3)");
  EXPECT_EQ(given.request.findings.get(kb_->FindingIndex("back_pain_days")), 3);
}

// No check-in for days while symptoms were present: today's advice says so.
TEST_F(EpisodeTest, OverdueCheckinShowsToday) {
  std::string id = NewEpisode();
  CheckinOnDay(id, 20, R"("back_pain": true, "back_pain_score": 3)");
  auto view = episodes_->Show(id);  // today is day 29
  ASSERT_TRUE(view.ok());
  ASSERT_TRUE(view->current);
  EXPECT_TRUE(HasFlag(view->current->assessment, "checkin_overdue"));
  EXPECT_TRUE(HasFlag(view->current->assessment, "persistent_back_pain"));  // day 29 now
  EXPECT_EQ(view->today_day, 29);
  EXPECT_THAT(view->history, ::testing::Contains(HasSubstr("9 days ago")));
  std::string svg = episodes_->ChartSvg(*view);
  EXPECT_THAT(svg, StartsWith("<?xml"));
  EXPECT_THAT(svg, HasSubstr("<svg"));
  json v = json::parse(episodes_->ViewJson(*view));
  EXPECT_EQ(v["checkins"].size(), 1u);
  EXPECT_EQ(v["current"]["disposition"], "routine");
}

TEST_F(EpisodeTest, BadInputWritesNothing) {
  std::string id = NewEpisode();
  CheckinOnDay(id, 3, R"("back_pain": true)");
  auto count = [&] { return store_->GetCheckins(id)->size(); };
  // An unknown episode.
  auto r = episodes_->Checkin("00000000000000000000000000000000", "2026-11-05", Parse(R"("back_pain": true)"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  // Before the episode began, before the last check-in, in the future, not a date.
  for (const char* date : {"2026-10-30", "2026-11-02", "2026-12-25", "2026-13-01", "yesterday"}) {
    auto bad = episodes_->Checkin(id, date, Parse(R"("back_pain": true)"));
    ASSERT_FALSE(bad.ok()) << date;
    EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument) << date;
    EXPECT_THAT(bad.status().message(), StartsWith("date: ")) << date;
  }
  // A contradiction between the stable findings and the check-in.
  auto contra = episodes_->Checkin(id, "2026-11-05", Parse(R"("pregnancy_weeks": 20)"));
  ASSERT_FALSE(contra.ok());
  EXPECT_THAT(contra.status().message(), StartsWith("$.findings.pregnancy_weeks"));
  // No age anywhere.
  auto e2 = episodes_->Create("2026-11-01", Parse(""));
  ASSERT_TRUE(e2.ok());
  auto no_age = episodes_->Checkin(e2->id, "2026-11-05", Parse(R"("back_pain": true)"));
  ASSERT_FALSE(no_age.ok());
  EXPECT_THAT(no_age.status().message(), StartsWith("$.findings.age_years"));
  EXPECT_EQ(count(), 1u);
  EXPECT_EQ(store_->GetCheckins(e2->id)->size(), 0u);
  // A bad onset date.
  EXPECT_FALSE(episodes_->Create("2026-02-30", Parse("")).ok());
  EXPECT_FALSE(episodes_->Create("2027-01-01", Parse("")).ok());  // in the future
}

TEST_F(EpisodeTest, ExportAndDelete) {
  std::string id = NewEpisode();
  CheckinOnDay(id, 1, R"("back_pain": true, "back_pain_score": 4)");
  CheckinOnDay(id, 2, R"("back_pain": true, "back_pain_score": 3)");
  auto exported = episodes_->Export(id);
  ASSERT_TRUE(exported.ok());
  json j = json::parse(*exported);
  EXPECT_EQ(j["episode"]["id"], id);
  EXPECT_EQ(j["episode"]["stable"]["findings"]["age_years"], 40);
  ASSERT_EQ(j["checkins"].size(), 2u);
  EXPECT_EQ(j["checkins"][1]["request"]["findings"]["back_pain_score"], 3);
  EXPECT_EQ(j["checkins"][1]["result"]["disposition"], "self_care");
  ASSERT_TRUE(episodes_->Delete(id).ok());
  EXPECT_EQ(episodes_->Show(id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(episodes_->Delete(id).code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetCheckins(id).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace norotriage::testing
