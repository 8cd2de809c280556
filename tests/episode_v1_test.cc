// A check-in stored by the v1 engine (knowledge base 2026.11.0, before
// clinical policy v2) still shows with the v2 engine: `Episodes::Show`,
// `GET /v1/episodes/{id}` and `norotriage episode show`. The rows are those the
// v1 binary wrote (tests/fixtures/v1_episode.json): a woman of 70 with heart
// failure and some dehydration, whose v1 result gave 4000 ml of ORS.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "norotriage/episode.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/store.h"
#include "server/access_token.h"
#include "server/app.h"
#include "server/server.h"

namespace norotriage {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr char kToken[] = "v1-episode-test-token";

class EpisodeV1Test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("norotriage_episode_v1_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ifstream in(fs::path(NOROTRIAGE_SOURCE_DIR) / "tests" / "fixtures" / "v1_episode.json");
    std::stringstream ss;
    ss << in.rdbuf();
    fixture_ = json::parse(ss.str());
    auto store = Store::Open((dir_ / "episodes.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    const json& e = fixture_.at("episode");
    auto str = [](const json& j, const char* key) { return j.at(key).get<std::string>(); };
    id_ = str(e, "id");
    EpisodeRecord rec{id_, str(e, "onset_date"), str(e, "stable_json"), server::AccessTokenHash(kToken),
                      str(e, "created_at")};
    ASSERT_TRUE(store_->CreateEpisode(rec).ok());
    for (const json& c : fixture_.at("checkins")) {
      CheckinRecord r{c.at("seq").get<int64_t>(), str(c, "date"), c.at("day").get<double>(),
                      str(c, "request_json"), str(c, "result_json"), str(c, "disposition"), str(c, "created_at")};
      ASSERT_TRUE(store_->AddCheckin(id_, r).ok());
    }
    kb_ = KnowledgeBase::LoadBuiltin().value();
    ASSERT_NE(kb_->version(), "2026.11.0");  // the engine under test is not the one that wrote them
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  const json& V1Result() const { return fixture_.at("checkins")[0]; }

  fs::path dir_;
  json fixture_;
  std::string id_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<const KnowledgeBase> kb_;
  FixedClock clock_{"2026-11-04"};
};

TEST_F(EpisodeV1Test, FixtureIsAV1CheckIn) {
  const json result = json::parse(V1Result().at("result_json").get<std::string>());
  EXPECT_EQ(result.at("knowledge_base").at("version"), "2026.11.0");
  EXPECT_EQ(result.at("hydration").at("ors_ml"), 4000);  // what v2 no longer gives here
  EXPECT_FALSE(result.at("hydration").contains("fluid_limit"));
}

TEST_F(EpisodeV1Test, ShowKeepsTheStoredV1ResultAndAdvisesWithV2) {
  Episodes episodes(kb_, store_.get(), &clock_);
  auto view = episodes.Show(id_);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->checkins.size(), 1u);
  EXPECT_EQ(view->checkins[0].result_json, V1Result().at("result_json").get<std::string>());  // history as it was said
  ASSERT_TRUE(view->current.has_value());
  const Assessment& today = view->current->assessment;
  EXPECT_EQ(today.kb_version, kb_->version());
  EXPECT_TRUE(today.hydration.fluid_limit);  // v2 advice for today: no volume
  EXPECT_FALSE(today.hydration.ors_ml.has_value());
  const json j = json::parse(episodes.ViewJson(*view));
  EXPECT_EQ(j.dump().find("\"fluid_limit\":true") != std::string::npos, true) << j.dump();
  EXPECT_NE(episodes.ChartSvg(*view).find("<svg"), std::string::npos);
  auto exported = episodes.Export(id_);
  ASSERT_TRUE(exported.ok());
  EXPECT_THAT(*exported, HasSubstr("2026.11.0"));
}

TEST_F(EpisodeV1Test, HttpGetShowsIt) {
  server::ServeOptions options;
  server::App app(options, kb_, store_.get(), &clock_);
  ASSERT_TRUE(app.Install("http://127.0.0.1:8080").ok());
  const std::string reply = app.HandleRawForTesting(
      "GET /v1/episodes/" + id_ + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kToken +
      "\r\nConnection: close\r\n\r\n");
  ASSERT_THAT(reply, ::testing::StartsWith("HTTP/1.1 200")) << reply.substr(0, 400);
  const json body = json::parse(reply.substr(reply.find("\r\n\r\n") + 4));
  ASSERT_EQ(body.at("checkins").size(), 1u);
  const json& c = body.at("checkins")[0];
  EXPECT_EQ(c.at("date"), "2026-11-03");
  EXPECT_EQ(c.at("disposition"), "urgent");
  EXPECT_EQ(c.at("back_pain_score"), 6);
  EXPECT_EQ(c.at("hydration"), "some");  // read from the stored v1 result
  EXPECT_EQ(body.at("current").at("hydration").value("fluid_limit", false), true);
  EXPECT_FALSE(body.at("current").at("hydration").contains("ors_ml"));
}

TEST_F(EpisodeV1Test, CliShowShowsIt) {
  store_.reset();  // the binary opens the file itself
  const std::string cmd = std::string(NOROTRIAGE_BINARY) + " episode --db " + (dir_ / "episodes.db").string() +
                          " show " + id_ + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = pclose(p);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_THAT(out, HasSubstr("2026-11-03"));
  EXPECT_THAT(out, HasSubstr("Advice for today"));
  EXPECT_THAT(out, HasSubstr("no set amount"));
}

}  // namespace
}  // namespace norotriage
