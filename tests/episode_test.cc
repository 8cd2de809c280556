// Episodes over a real SQLite store: scripted recoveries and bad input.
#include <cmath>
#include <filesystem>
#include <map>

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
    ASSERT_TRUE(episodes_->Checkin(id, "2026-11-20", Parse(R"("back_pain": true)"), SameDay::kAdd).ok()) << i;
  }
  auto refused = episodes_->Checkin(id, "2026-11-20", Parse(R"("back_pain": true)"), SameDay::kAdd);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("start a new episode"));
  auto view = episodes_->Show(id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->checkins.size(), kMaxCheckinsPerEpisode);
  // Amending the last day adds nothing, so it is allowed at the limit.
  auto amended = episodes_->Checkin(id, "2026-11-20", Parse(R"("back_pain": true, "back_pain_score": 2)"),
                                    SameDay::kAmend);
  ASSERT_TRUE(amended.ok()) << amended.status().ToString();
  EXPECT_EQ(amended->checkin.seq, static_cast<int64_t>(kMaxCheckinsPerEpisode));
  EXPECT_EQ(episodes_->Show(id)->checkins.size(), kMaxCheckinsPerEpisode);
}

// A second check-in on one date is asked about (AlreadyExists, nothing
// written, that day's answers to show), then amends or replaces that day:
// the same seq and date, never a second day ("4/10 on day 2, and is 4/10 on
// day 2"), judged on the days before it.
TEST_F(EpisodeTest, ASecondCheckinOnOneDateIsAskedThenAmendsOrReplacesThatDay) {
  std::string id = NewEpisode();
  CheckinOnDay(id, 1, R"("back_pain": true, "back_pain_score": 6, "back_pain_trend": "same")");
  CheckinOnDay(id, 2, R"("back_pain": true, "back_pain_score": 4, "back_pain_trend": "better", "thirst": "thirsty")");

  auto asked = episodes_->Checkin(id, "2026-11-03", Parse(R"("back_pain": true, "back_pain_score": 3)"));
  ASSERT_FALSE(asked.ok());
  EXPECT_EQ(asked.status().code(), Status::Code::kAlreadyExists) << asked.status().ToString();
  EXPECT_THAT(asked.status().message(), StartsWith("date: 2026-11-03"));
  ASSERT_EQ(episodes_->Show(id)->checkins.size(), 2u);
  auto day = episodes_->CheckinOn(id, "2026-11-03");
  ASSERT_TRUE(day.ok() && day->has_value());
  auto e = store_->GetEpisode(id);
  ASSERT_TRUE(e.ok());
  auto answers = episodes_->DayAnswers(*e, **day);
  ASSERT_TRUE(answers.ok());
  std::map<std::string, std::string> by_id;
  for (const auto& a : *answers) by_id[a.finding] = a.answer;
  EXPECT_EQ(by_id["back_pain_score"], "4");
  EXPECT_EQ(by_id["back_pain"], "Yes");
  EXPECT_EQ(by_id.count("age_years"), 0u) << "the episode's, not the day's";
  EXPECT_EQ(by_id.count("back_pain_score_rising"), 0u) << "worked out, not given";

  // Amend: the earlier answers stay (thirst), the new ones win (the score).
  auto amended = episodes_->Checkin(id, "2026-11-03", Parse(R"("back_pain": true, "back_pain_score": 3)"),
                                    SameDay::kAmend);
  ASSERT_TRUE(amended.ok()) << amended.status().ToString();
  EXPECT_EQ(amended->checkin.seq, 2);
  EXPECT_EQ(amended->checkin.replaces, 2);
  const int thirst = kb_->FindingIndex("thirst");
  EXPECT_TRUE(amended->request.findings.known(thirst));
  EXPECT_EQ(amended->request.findings.get(kb_->FindingIndex("back_pain_score")), 3);
  auto view = episodes_->Show(id);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->checkins.size(), 2u);
  EXPECT_EQ(view->checkins[1].date, "2026-11-03");
  // The history compares day 1 with day 2, not day 2 with itself.
  ASSERT_FALSE(amended->history.empty());
  EXPECT_THAT(amended->history[0], HasSubstr("6"));
  EXPECT_THAT(amended->history[0], HasSubstr("3"));

  // Replace: only the new findings (and the episode's) count.
  auto replaced = episodes_->Checkin(id, "2026-11-03", Parse(R"("back_pain": true, "back_pain_score": 5)"),
                                     SameDay::kReplace);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(replaced->checkin.seq, 2);
  EXPECT_FALSE(replaced->request.findings.known(thirst));
  EXPECT_EQ(episodes_->Show(id)->checkins.size(), 2u);

  // Add keeps both (the behaviour before; for clients that ask for it).
  auto added = episodes_->Checkin(id, "2026-11-03", Parse(R"("back_pain": true, "back_pain_score": 5)"),
                                  SameDay::kAdd);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->checkin.seq, 3);
  EXPECT_EQ(added->checkin.replaces, 0);

  // A new date is never asked about.
  auto next = episodes_->Checkin(id, "2026-11-04", Parse(R"("back_pain": true, "back_pain_score": 2)"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->checkin.seq, 4);
  EXPECT_FALSE(episodes_->CheckinOn(id, "2026-11-05")->has_value());
}

// The chart's review lines are where today's advice says: today's day plus
// its "in N more days" (legs began on day 6: the line is at day 13, not 7).
TEST_F(EpisodeTest, ChartReviewLinesAreAtTheDaysTheAdviceGives) {
  clock_ = FixedClock("2026-11-07");
  std::string id = NewEpisode();
  CheckinOnDay(id, 6, R"("leg_aches": true, "leg_aches_score": 4, "leg_aches_days": 0, "back_pain": true, "back_pain_score": 3, "back_pain_days": 2)");
  auto view = episodes_->Show(id);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_TRUE(view->current.has_value());
  std::map<std::string, double> text_day;
  for (const ReviewPoint& r : view->current->assessment.review) {
    ASSERT_TRUE(r.days_left.has_value()) << r.pain;
    text_day[std::string(r.pain)] = view->today_day + std::floor(*r.days_left);
  }
  ASSERT_EQ(text_day.count("legs"), 1u);
  ASSERT_EQ(text_day.count("back"), 1u);
  EXPECT_EQ(text_day["legs"], 13);  // today day 6, "in 7 more days"
  const std::string svg = episodes_->ChartSvg(*view, 340);
  for (const auto& [css, pain] : {std::pair<std::string, std::string>{"review-leg", "legs"}, {"review-back", "back"}}) {
    const size_t at = svg.find(fmt::format("review-line {}\"", css));
    ASSERT_NE(at, std::string::npos) << css;
    const size_t x1 = svg.find("x1=\"", at) + 4;
    const double x = std::stod(svg.substr(x1, svg.find('"', x1) - x1));
    // The plot runs from x 72 to width - 24 over days 0..x_max (ceil(last) + 2).
    const double x_max = std::ceil(std::max(text_day["legs"], text_day["back"])) + 2;
    EXPECT_NEAR((x - 72) / ((340 - 24 - 72) / x_max), text_day[pain], 0.05) << css;
  }
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
