// Runs `norotriage serve` (NOROTRIAGE_BINARY) as a real process on a free
// port and checks the HTTP API over real connections with testing_http::Client:
// every endpoint and error status, the episode token rule, the limits, the
// access log's hygiene, and graceful shutdown with a request in flight.
//
// Each test starts its own server with its own SQLite file. The server gets
// NOROTRIAGE_TESTING=1, which enables the X-Delay-Ms-For-Testing and
// X-Fail-For-Testing request headers. Every child has an alarm (it dies if
// a test hangs) and every client call has a timeout.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "norotriage/engine.h"
#include "norotriage/knowledge_base.h"
#include "http_client.h"
#include "server_process.h"

namespace norotriage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using testing_server::ClosedPort;
using testing_server::RawExchange;
using testing_server::ReadFile;
using testing_server::ServerProcess;

constexpr char kSelfCareRequest[] = R"({"ref": "server-test-ref-7f3a", "findings": {
  "age_years": 34, "weight_kg": 70, "days_since_onset": 1, "gi_ongoing": true, "vomits_24h": 5,
  "keeps_fluids_down": true, "back_pain": true, "back_pain_site": "lower", "back_pain_days": 1,
  "back_pain_began_with_vomiting": true, "saddle_numbness": false}})";
constexpr char kEmergencyRequest[] = R"({"findings": {"age_years": 45, "back_pain": true,
  "saddle_numbness": true, "bladder_control_change": true}})";

json Parse(const std::string& text) { return json::parse(text, nullptr, /*allow_exceptions=*/false); }

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(NOROTRIAGE_BINARY)) << NOROTRIAGE_BINARY << " not built";
    std::string pattern = (fs::path(::testing::TempDir()) / "norotriage_server_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp: " << std::strerror(errno);
    dir_ = pattern;
  }

  void TearDown() override {
    server_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Starts a server on a free port with a fresh SQLite file.
  void StartServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--port", "0", "--db", (dir_ / "episodes.db").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>();
    const std::string error = server_->Start(dir_ / "server.log", args);
    ASSERT_EQ(error, "");
  }

  testing_http::Client Client() const { return server_->Client(); }

  // POST `body` as JSON; the response (fails the test on a transport error).
  testing_http::Response Post(const std::string& path, const std::string& body,
                              const testing_http::Headers& headers = {}) {
    auto cli = Client();
    auto r = cli.Post(path, headers, body, "application/json");
    if (!r) {
      ADD_FAILURE() << "POST " << path << ": " << testing_http::to_string(r.error());
      return {};
    }
    return *r;
  }

  testing_http::Response Get(const std::string& path, const testing_http::Headers& headers = {}) {
    auto cli = Client();
    auto r = cli.Get(path, headers);
    if (!r) {
      ADD_FAILURE() << "GET " << path << ": " << testing_http::to_string(r.error());
      return {};
    }
    return *r;
  }

  testing_http::Response Delete(const std::string& path, const testing_http::Headers& headers = {}) {
    auto cli = Client();
    auto r = cli.Delete(path, headers);
    if (!r) {
      ADD_FAILURE() << "DELETE " << path << ": " << testing_http::to_string(r.error());
      return {};
    }
    return *r;
  }

  struct Episode {
    std::string id, token;
  };
  Episode NewEpisode(
      const std::string& body = R"({"onset_date": "2025-01-10", "findings": {"age_years": 40, "weight_kg": 70}})") {
    const auto r = Post("/v1/episodes", body);
    EXPECT_EQ(r.status, 201) << r.body;
    const json j = Parse(r.body);
    if (!j.is_object()) return {};
    return {j.value("id", ""), j.value("token", "")};
  }

  static testing_http::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  fs::path dir_;
  std::unique_ptr<ServerProcess> server_;
};

// The JSON error shape: {"error": {"code", "message", "path"?}}.
void ExpectJsonError(const testing_http::Response& r, int status, const std::string& code,
                     const std::string& path = "") {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.get_header_value("Content-Type"), "application/json") << r.body;
  const json j = Parse(r.body);
  ASSERT_TRUE(j.is_object() && j.contains("error") && j["error"].is_object()) << r.body;
  EXPECT_EQ(j["error"].value("code", ""), code) << r.body;
  EXPECT_FALSE(j["error"].value("message", "").empty()) << r.body;
  if (!path.empty()) {
    EXPECT_EQ(j["error"].value("path", ""), path) << r.body;
  }
}

std::string ExpectedDisposition(const std::string& request) {
  auto kb = KnowledgeBase::LoadBuiltin();
  if (!kb.ok()) return "";
  auto parsed = ParseRequest(**kb, request);
  return parsed.ok() ? std::string(LevelId(Assess(**kb, parsed.value()).disposition)) : "";
}

// ------------------------------------------------------------------ basics

TEST_F(ServerTest, PrintsListeningLineAndHealth) {
  StartServer();
  EXPECT_EQ(server_->first_line(), "norotriage listening on http://127.0.0.1:" + std::to_string(server_->port()));
  const auto r = Get("/healthz");
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = Parse(r.body);
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ(j.value("status", ""), "ok");
  EXPECT_EQ(j.value("knowledge_base", ""), (*kb)->version());
  EXPECT_EQ(j.value("store", ""), "sqlite");
  EXPECT_FALSE(r.get_header_value("X-Request-Id").empty());
  EXPECT_EQ(r.get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(server_->Stop(), 0) << server_->Log();
}

TEST_F(ServerTest, AssessReturnsTheLibrarysResult) {
  StartServer();
  for (const char* request : {kSelfCareRequest, kEmergencyRequest}) {
    const auto r = Post("/v1/assess", request);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.get_header_value("Content-Type"), "application/json");
    const json j = Parse(r.body);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j.value("disposition", ""), ExpectedDisposition(request));
    for (const char* key : {"summary", "flags", "hydration", "medicines", "unanswered", "knowledge_base"}) {
      EXPECT_TRUE(j.contains(key)) << key;
    }
  }
  EXPECT_EQ(Parse(Post("/v1/assess", kSelfCareRequest).body).value("ref", ""), "server-test-ref-7f3a");
}

TEST_F(ServerTest, BadInputIs400WithJsonPath) {
  StartServer();
  struct Case {
    const char* body;
    const char* path;
  };
  const Case cases[] = {
      {R"({"findings": {"age_years": 40, "back_pian": true}})", "$.findings.back_pian"},
      {R"({"findings": {"age_years": 40, "back_pain_score": 14}})", "$.findings.back_pain_score"},
      {R"({"findings": {"age_years": "forty"}})", "$.findings.age_years"},
      {R"({"findings": {"back_pain": true}})", "$.findings.age_years"},
      {R"({"findings": {"age_years": 40}, "extra": 1})", "$.extra"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    ExpectJsonError(Post("/v1/assess", c.body), 400, "bad_request", c.path);
  }
  const auto r = Post("/v1/assess", cases[0].body);
  const std::string message = Parse(r.body)["error"].value("message", "");
  EXPECT_NE(message.find("did you mean 'back_pain'"), std::string::npos) << r.body;
}

TEST_F(ServerTest, MalformedJsonIs400AtRoot) {
  StartServer();
  for (const char* body : {"", "{", "not json", "[1, 2]", R"({"findings": {}} trailing)"}) {
    SCOPED_TRACE(body);
    for (const char* path : {"/v1/assess", "/v1/interview"}) {
      ExpectJsonError(Post(path, body), 400, "bad_request", "$");
    }
  }
  // Inside the findings the parser names the value it could not read.
  ExpectJsonError(Post("/v1/assess", R"({"findings": })"), 400, "bad_request", "$.findings");
  for (const char* body : {"{", "[1]", R"({"findings": {}} x)"}) {
    SCOPED_TRACE(body);
    ExpectJsonError(Post("/v1/episodes", body), 400, "bad_request", "$");
  }
}

TEST_F(ServerTest, InterviewAsksThenFinishes) {
  StartServer();
  const auto first = Post("/v1/interview", R"({"findings": {}})");
  ASSERT_EQ(first.status, 200) << first.body;
  const json step = Parse(first.body);
  EXPECT_EQ(step.value("done", true), false) << first.body;
  ASSERT_TRUE(step.contains("screen")) << first.body;
  EXPECT_FALSE(step["screen"].value("questions", json::array()).empty());

  const auto last = Post("/v1/interview", kEmergencyRequest);
  ASSERT_EQ(last.status, 200) << last.body;
  const json done = Parse(last.body);
  EXPECT_EQ(done.value("done", false), true) << last.body;
  EXPECT_EQ(done.value("emergency", false), true) << last.body;
  EXPECT_EQ(done["result"].value("disposition", ""), "emergency");
}

// ------------------------------------------------------------------ episodes

TEST_F(ServerTest, EpisodeLifecycle) {
  StartServer();
  const auto created = Post("/v1/episodes", R"({"onset_date": "2025-01-10", "findings": {"age_years": 40}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json c = Parse(created.body);
  const std::string id = c.value("id", ""), token = c.value("token", "");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(c.value("onset_date", ""), "2025-01-10");
  EXPECT_EQ(created.get_header_value("Location"), "/v1/episodes/" + id);
  EXPECT_EQ(created.body.find("token_hash"), std::string::npos);

  const std::string checkins = "/v1/episodes/" + id + "/checkins";
  const auto checkin =
      Post(checkins, R"({"date": "2025-01-11", "findings": {"back_pain": true, "back_pain_score": 5}})", Bearer(token));
  ASSERT_EQ(checkin.status, 201) << checkin.body;
  const json ci = Parse(checkin.body);
  EXPECT_EQ(ci.value("episode", ""), id);
  EXPECT_EQ(ci.value("seq", 0), 1);
  EXPECT_EQ(ci.value("date", ""), "2025-01-11");
  EXPECT_TRUE(ci.contains("result") && ci["result"].contains("disposition")) << checkin.body;

  const auto second =
      Post(checkins, R"({"date": "2025-01-12", "findings": {"back_pain_score": 4, "back_pain": true}})", Bearer(token));
  EXPECT_EQ(second.status, 201) << second.body;

  const auto view = Get("/v1/episodes/" + id, Bearer(token));
  ASSERT_EQ(view.status, 200) << view.body;
  const json v = Parse(view.body);
  EXPECT_EQ(v["episode"].value("id", ""), id);
  EXPECT_EQ(v.value("checkins", json::array()).size(), 2u) << view.body;

  const auto chart = Get("/v1/episodes/" + id + "/chart.svg", Bearer(token));
  ASSERT_EQ(chart.status, 200) << chart.body;
  EXPECT_EQ(chart.get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_NE(chart.body.find("<svg"), std::string::npos);

  const auto deleted = Delete("/v1/episodes/" + id, Bearer(token));
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(deleted.body, "");
  ExpectJsonError(Get("/v1/episodes/" + id, Bearer(token)), 404, "not_found");
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ServerTest, EpisodeBodyIsOptionalAndChecked) {
  StartServer();
  EXPECT_EQ(Post("/v1/episodes", "").status, 201);
  EXPECT_EQ(Post("/v1/episodes", "{}").status, 201);
  ExpectJsonError(Post("/v1/episodes", R"({"onset_date": "yesterday"})"), 400, "bad_request", "$.onset_date");
  ExpectJsonError(Post("/v1/episodes", R"({"onset_date": 5})"), 400, "bad_request", "$.onset_date");
  ExpectJsonError(Post("/v1/episodes", R"({"onset": "2025-01-10"})"), 400, "bad_request", "$.onset");
  ExpectJsonError(Post("/v1/episodes", R"({"findings": {"age_yeers": 3}})"), 400, "bad_request",
                  "$.findings.age_yeers");
  ExpectJsonError(Post("/v1/episodes", R"({"findings": [1]})"), 400, "bad_request", "$.findings");

  const Episode e = NewEpisode();
  const std::string path = "/v1/episodes/" + e.id + "/checkins";
  ExpectJsonError(Post(path, R"({"date": "2025-01-11"})", Bearer(e.token)), 400, "bad_request", "$.findings");
  for (const char* body : {R"({"date": "2025-01-01", "findings": {}})", R"({"date": "2025-02-30", "findings": {}})",
                           R"({"date": 20250111, "findings": {}})"}) {
    SCOPED_TRACE(body);
    ExpectJsonError(Post(path, body, Bearer(e.token)), 400, "bad_request", "$.date");
  }
  ExpectJsonError(Post(path, R"({"findings": {"back_pain_score": 11}})", Bearer(e.token)), 400, "bad_request",
                  "$.findings.back_pain_score");
}

// A second check-in on one date: 409 same_day with that day's answers and
// nothing stored; with "same_day": "amend" (or "replace") it takes that
// day's place (200, the same seq, no new day). Bad values name the field.
TEST_F(ServerTest, SecondCheckinOnOneDateIsAskedThenUpdatesThatDay) {
  StartServer();
  const Episode e = NewEpisode();
  const std::string path = "/v1/episodes/" + e.id + "/checkins";
  ASSERT_EQ(Post(path, R"({"date": "2025-01-11", "findings": {"back_pain": true, "back_pain_score": 6}})",
                 Bearer(e.token)).status, 201);
  ASSERT_EQ(Post(path, R"({"date": "2025-01-12", "findings": {"back_pain": true, "back_pain_score": 4, "thirst": "thirsty"}})",
                 Bearer(e.token)).status, 201);

  const auto asked =
      Post(path, R"({"date": "2025-01-12", "findings": {"back_pain": true, "back_pain_score": 3}})", Bearer(e.token));
  ExpectJsonError(asked, 409, "same_day", "$.date");
  const json a = Parse(asked.body);
  ASSERT_TRUE(a.contains("checkin")) << asked.body;
  EXPECT_EQ(a["checkin"].value("seq", 0), 2);
  EXPECT_EQ(a["checkin"].value("date", ""), "2025-01-12");
  std::map<std::string, std::string> answers;
  for (const auto& x : a["checkin"]["answers"]) answers[x.value("finding", "")] = x.value("answer", "");
  EXPECT_EQ(answers["back_pain_score"], "4") << asked.body;
  EXPECT_EQ(answers.count("age_years"), 0u) << asked.body;
  EXPECT_FALSE(answers["thirst"].empty()) << asked.body;
  EXPECT_EQ(Parse(Get("/v1/episodes/" + e.id, Bearer(e.token)).body)["checkins"].size(), 2u);

  const auto amended = Post(
      path, R"({"date": "2025-01-12", "same_day": "amend", "findings": {"back_pain": true, "back_pain_score": 3}})",
      Bearer(e.token));
  ASSERT_EQ(amended.status, 200) << amended.body;
  const json m = Parse(amended.body);
  EXPECT_EQ(m.value("seq", 0), 2);
  EXPECT_EQ(m.value("replaced", false), true);
  const json view = Parse(Get("/v1/episodes/" + e.id, Bearer(e.token)).body);
  ASSERT_EQ(view["checkins"].size(), 2u) << view.dump();
  EXPECT_EQ(view["checkins"][1].value("back_pain_score", 0.0), 3);
  for (const auto& h : m.value("history", json::array())) {
    EXPECT_EQ(h.get<std::string>().find("day 2, and is"), std::string::npos) << h;
  }

  const auto replaced = Post(
      path, R"({"date": "2025-01-12", "same_day": "replace", "findings": {"back_pain": true, "back_pain_score": 2}})",
      Bearer(e.token));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(Parse(Get("/v1/episodes/" + e.id, Bearer(e.token)).body)["checkins"].size(), 2u);

  // "add" keeps both (the behaviour before); a new date is never asked.
  EXPECT_EQ(Post(path, R"({"date": "2025-01-12", "same_day": "add", "findings": {"back_pain": true}})",
                 Bearer(e.token)).status, 201);
  EXPECT_EQ(Post(path, R"({"date": "2025-01-13", "findings": {"back_pain": true}})", Bearer(e.token)).status, 201);
  EXPECT_EQ(Parse(Get("/v1/episodes/" + e.id, Bearer(e.token)).body)["checkins"].size(), 4u);

  ExpectJsonError(Post(path, R"({"same_day": "merge", "findings": {}})", Bearer(e.token)), 400, "bad_request",
                  "$.same_day");
  ExpectJsonError(Post(path, R"({"same_day": 1, "findings": {}})", Bearer(e.token)), 400, "bad_request", "$.same_day");
  ExpectJsonError(Post("/v1/episodes", R"({"same_day": "add"})"), 400, "bad_request", "$.same_day");
}

// chart.svg?width=N lays the chart out N units wide, for N CSS pixels.
TEST_F(ServerTest, ChartWidthIsChosenByTheClient) {
  StartServer();
  const Episode e = NewEpisode();
  ASSERT_EQ(Post("/v1/episodes/" + e.id + "/checkins",
                 R"({"date": "2025-01-11", "findings": {"back_pain": true, "back_pain_score": 6}})", Bearer(e.token))
                .status,
            201);
  const std::string base = "/v1/episodes/" + e.id + "/chart.svg";
  EXPECT_NE(Get(base, Bearer(e.token)).body.find(R"(viewBox="0 0 800.0 )"), std::string::npos);
  const auto narrow = Get(base + "?width=340", Bearer(e.token));
  ASSERT_EQ(narrow.status, 200);
  EXPECT_NE(narrow.body.find(R"(viewBox="0 0 340.0 )"), std::string::npos) << narrow.body.substr(0, 300);
  for (const char* q : {"?width=299", "?width=1201", "?width=", "?width=abc", "?w=400", "?width=400&x=1"}) {
    SCOPED_TRACE(q);
    ExpectJsonError(Get(base + q, Bearer(e.token)), 400, "bad_request", "width");
  }
  EXPECT_EQ(Get(base + "?width=400").status, 404);  // the token first
}

// No token, a wrong token, another episode's token: the same 404 as an id
// that does not exist, on every episode endpoint; the episode is untouched.
TEST_F(ServerTest, EpisodeTokenRule) {
  StartServer();
  const Episode a = NewEpisode();
  const Episode b = NewEpisode();
  ASSERT_FALSE(a.id.empty());
  ASSERT_FALSE(b.id.empty());
  const std::string unknown_id = "0123456789abcdef0123456789abcdef";
  const auto reference = Get("/v1/episodes/" + unknown_id, Bearer(a.token));
  ExpectJsonError(reference, 404, "not_found");

  std::string wrong = a.token;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  const std::vector<std::pair<std::string, testing_http::Headers>> credentials = {
      {"no token", {}},
      {"wrong token", Bearer(wrong)},
      {"other episode's token", Bearer(b.token)},
      {"empty bearer", {{"Authorization", "Bearer "}}},
      {"basic scheme", {{"Authorization", "Basic " + a.token}}},
      {"token hash", Bearer(std::string(64, '0'))},
  };
  for (const auto& [name, headers] : credentials) {
    SCOPED_TRACE(name);
    for (const std::string& id : {a.id, unknown_id, std::string("not-an-id")}) {
      SCOPED_TRACE(id);
      const std::string base = "/v1/episodes/" + id;
      for (const auto& r : {Get(base, headers), Get(base + "/chart.svg", headers),
                            Post(base + "/checkins", R"({"findings": {}})", headers), Delete(base, headers)}) {
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(r.body, reference.body);
      }
    }
  }
  const auto still = Get("/v1/episodes/" + a.id, Bearer(a.token));
  EXPECT_EQ(still.status, 200) << still.body;
  EXPECT_EQ(Parse(still.body).value("checkins", json::array()).size(), 0u);
  // A token is case-sensitive hex; the scheme is not case-sensitive.
  EXPECT_EQ(Get("/v1/episodes/" + a.id, {{"Authorization", "bearer " + a.token}}).status, 200);
}

// ------------------------------------------------------------------ reference

TEST_F(ServerTest, KnowledgeListsVocabularyAndRules) {
  StartServer();
  const auto r = Get("/v1/knowledge");
  ASSERT_EQ(r.status, 200);
  const json k = Parse(r.body);
  ASSERT_TRUE(k.is_object()) << r.body.substr(0, 300);
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ(k.value("version", ""), (*kb)->version());
  ASSERT_EQ(k["findings"].size(), (*kb)->findings().size());
  bool saw_age = false, saw_choice = false;
  for (const json& f : k["findings"]) {
    EXPECT_FALSE(f.value("question", "").empty()) << f.dump();
    if (f.value("id", "") == "age_years") {
      saw_age = true;
      EXPECT_EQ(f.value("type", ""), "number");
      EXPECT_EQ(f.value("min", -1.0), 0.0);
      EXPECT_EQ(f.value("max", -1.0), 120.0);
    }
    if (f.value("type", "") == "choice") {
      saw_choice = true;
      EXPECT_FALSE(f.value("choices", json::array()).empty()) << f.dump();
    }
  }
  EXPECT_TRUE(saw_age);
  EXPECT_TRUE(saw_choice);
  ASSERT_FALSE(k["flags"].empty());
  for (const json& f : k["flags"]) {
    EXPECT_FALSE(f.value("title", "").empty()) << f.dump();
    EXPECT_FALSE(f.value("level", "").empty()) << f.dump();
    EXPECT_FALSE(f.value("sources", json::array()).empty()) << f.dump();
  }
  EXPECT_FALSE(k["medicines"].empty());
  EXPECT_FALSE(k["mechanisms"].empty());
  EXPECT_FALSE(k["sources"].empty());

  const std::string etag = r.get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Get("/v1/knowledge", {{"If-None-Match", etag}}).status, 304);
}

TEST_F(ServerTest, OpenApiDocumentsEveryRoute) {
  StartServer();
  const auto r = Get("/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const json doc = Parse(r.body);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.value("openapi", "").substr(0, 2), "3.");
  // The document served is the one kept in the repository.
  EXPECT_EQ(doc, json::parse(ReadFile(fs::path(NOROTRIAGE_SOURCE_DIR) / "doc" / "openapi.json")));
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"/v1/assess", "post"}, {"/v1/interview", "post"}, {"/v1/episodes", "post"},
      {"/v1/episodes/{id}", "get"}, {"/v1/episodes/{id}", "delete"}, {"/v1/episodes/{id}/checkins", "post"},
      {"/v1/episodes/{id}/chart.svg", "get"}, {"/v1/knowledge", "get"}, {"/v1/openapi.json", "get"},
      {"/healthz", "get"}};
  for (const auto& [path, method] : routes) {
    EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method)) << method << " " << path;
  }
}

// ------------------------------------------------------------------ errors

TEST_F(ServerTest, UnknownRouteIs404AndWrongMethodIs405) {
  StartServer();
  ExpectJsonError(Get("/nope"), 404, "not_found");
  ExpectJsonError(Get("/v1/assess/extra"), 404, "not_found");
  const auto get_assess = Get("/v1/assess");
  ExpectJsonError(get_assess, 405, "method_not_allowed");
  EXPECT_EQ(get_assess.get_header_value("Allow"), "POST");
  ExpectJsonError(Post("/healthz", "{}"), 405, "method_not_allowed");
  ExpectJsonError(Post("/v1/knowledge", "{}"), 405, "method_not_allowed");
  auto cli = Client();
  const auto put = cli.Put("/v1/episodes/0123456789abcdef0123456789abcdef", "{}", "application/json");
  ASSERT_TRUE(put);
  ExpectJsonError(*put, 405, "method_not_allowed");
  EXPECT_EQ(put->get_header_value("Allow"), "GET, HEAD, DELETE");
}

// FHIR and CDS Hooks routes may be called from pages on any origin: the
// preflight is answered with what a browser needs, and the replies (errors
// too) carry Access-Control-Allow-Origin. The /v1 API is not opened.
TEST_F(ServerTest, CorsPreflightForFhirAndCdsRoutesOnly) {
  StartServer();
  auto cli = Client();
  const testing_http::Headers preflight = {{"Origin", "https://ehr.example"},
                                      {"Access-Control-Request-Method", "POST"},
                                      {"Access-Control-Request-Headers", "content-type, authorization"}};
  for (const char* path : {"/cds-services/norotriage", "/fhir/QuestionnaireResponse/$assess"}) {
    const auto res = cli.Options(path, preflight);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 204) << path;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*") << path;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Methods"), "POST") << path;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Headers"), "Content-Type, Accept, Authorization") << path;
    EXPECT_EQ(res->get_header_value("Access-Control-Max-Age"), "600") << path;
  }
  const auto discovery = cli.Options("/cds-services", preflight);
  ASSERT_TRUE(discovery);
  EXPECT_EQ(discovery->get_header_value("Access-Control-Allow-Methods"), "GET, HEAD");
  // Replies, a handler's error and the server's own refusal carry the origin once.
  const auto ok = cli.Get("/cds-services");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->get_header_value_count("Access-Control-Allow-Origin"), 1u);
  const auto not_found = cli.Post("/cds-services/other", "{}", "application/json");
  ASSERT_TRUE(not_found);
  EXPECT_EQ(not_found->status, 404);
  EXPECT_EQ(not_found->get_header_value("Access-Control-Allow-Origin"), "*");
  const auto too_large = cli.Post("/cds-services/norotriage", std::string(70 * 1024, ' '), "application/json");
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_EQ(too_large->get_header_value_count("Access-Control-Allow-Origin"), 1u);
  const auto refused = cli.Put("/cds-services", "{}", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 405);
  EXPECT_EQ(refused->get_header_value_count("Access-Control-Allow-Origin"), 1u);
  // The private API answers OPTIONS with Allow only.
  const auto api = cli.Options("/v1/assess", preflight);
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 204);
  EXPECT_EQ(api->get_header_value("Allow"), "POST");
  EXPECT_FALSE(api->has_header("Access-Control-Allow-Origin"));
  const auto assess = Post("/v1/assess", kSelfCareRequest);
  EXPECT_FALSE(assess.has_header("Access-Control-Allow-Origin"));
}

TEST_F(ServerTest, BodyLimitIs64KiB) {
  StartServer();
  // A valid request padded with spaces to exactly the limit is read...
  std::string at_limit = kSelfCareRequest;
  at_limit.append(64 * 1024 - at_limit.size(), ' ');
  EXPECT_EQ(Post("/v1/assess", at_limit).status, 200);
  // ...one byte more is refused, on every route, before any handler runs.
  for (const char* path : {"/v1/assess", "/v1/interview", "/v1/episodes", "/nope"}) {
    SCOPED_TRACE(path);
    ExpectJsonError(Post(path, at_limit + " "), 413, "payload_too_large");
  }
  ExpectJsonError(Post("/v1/assess", std::string(1 << 20, ' ')), 413, "payload_too_large");
  // The connection is still in step after a refused body (keep-alive).
  auto cli = Client();
  cli.set_keep_alive(true);
  auto big = cli.Post("/v1/assess", at_limit + " ", "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto next = cli.Get("/healthz");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, ChunkedAndCompressedBodiesAreRefused) {
  StartServer();
  auto cli = Client();
  const std::string body = kSelfCareRequest;
  auto chunked = cli.Post(
      "/v1/assess",
      [&body](size_t, testing_http::DataSink& sink) {
        sink.write(body.data(), body.size());
        sink.done();
        return true;
      },
      "application/json");
  ASSERT_TRUE(chunked);
  ExpectJsonError(*chunked, 411, "length_required");
  ExpectJsonError(Post("/v1/assess", body, {{"Content-Encoding", "gzip"}}), 415, "unsupported_media_type");
}

TEST_F(ServerTest, RawHttpEdgeCases) {
  StartServer();
  // Malformed request line: 400, JSON.
  const std::string bad = RawExchange(server_->port(), "FOO / HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(2));
  EXPECT_EQ(bad.rfind("HTTP/1.1 400", 0), 0u) << bad;
  EXPECT_NE(bad.find(R"({"error":{"code":"bad_request")"), std::string::npos) << bad;
  // POST without Content-Length has no body (RFC 9112): answered at once.
  const auto start = Clock::now();
  const std::string empty = RawExchange(
      server_->port(), "POST /v1/episodes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", std::chrono::seconds(4));
  EXPECT_EQ(empty.rfind("HTTP/1.1 201", 0), 0u) << empty;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  // TRACE is not served.
  const std::string trace = RawExchange(
      server_->port(), "TRACE /v1/assess HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", std::chrono::seconds(2));
  EXPECT_EQ(trace.rfind("HTTP/1.1 405", 0), 0u) << trace;
}

TEST_F(ServerTest, ExceptionInHandlerIs500Json) {
  StartServer();
  const auto r = Get("/v1/knowledge", {{"X-Fail-For-Testing", "throw"}});
  ExpectJsonError(r, 500, "internal");
  EXPECT_NE(r.body.find(r.get_header_value("X-Request-Id")), std::string::npos) << r.body;
  EXPECT_EQ(Get("/healthz").status, 200);  // still serving
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ServerTest, UnreachablePostgresIs503) {
  server_ = std::make_unique<ServerProcess>();
  const std::string url =
      "postgresql://norotriage@127.0.0.1:" + std::to_string(ClosedPort()) + "/norotriage?connect_timeout=2";
  ASSERT_EQ(server_->Start(dir_ / "server.log", {"--port", "0", "--db", url}), "");
  ExpectJsonError(Post("/v1/episodes", "{}"), 503, "unavailable");
  ExpectJsonError(Get("/v1/episodes/0123456789abcdef0123456789abcdef", Bearer(std::string(64, 'a'))), 503,
                  "unavailable");
  const auto health = Get("/healthz");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(Parse(health.body).value("store", ""), "postgresql");
  EXPECT_EQ(Parse(health.body).value("status", ""), "unavailable");
  EXPECT_EQ(Post("/v1/assess", kSelfCareRequest).status, 200);  // stateless work goes on
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ServerTest, PortInUseExits69) {
  StartServer();
  ServerProcess second;
  ASSERT_EQ(second.Start(dir_ / "second.log",
                         {"--port", std::to_string(server_->port()), "--db", (dir_ / "other.db").string()},
                         /*expect_listening=*/false),
            "");
  EXPECT_EQ(second.Wait(std::chrono::seconds(10)), 69) << second.Log();
  EXPECT_NE(second.Log().find("cannot listen"), std::string::npos) << second.Log();
}

// ------------------------------------------------------------------ hygiene

// The log has one line per request with method, route pattern, status and
// time, and nothing of what was sent: no findings, ref, token or episode id.
TEST_F(ServerTest, LogHoldsNoHealthData) {
  StartServer();
  EXPECT_EQ(Post("/v1/assess", kSelfCareRequest).status, 200);
  EXPECT_EQ(Post("/v1/assess", R"({"findings": {"age_years": 40, "saddle_numbnes": true}})").status, 400);
  EXPECT_EQ(Post("/v1/interview", kEmergencyRequest).status, 200);
  const Episode e = NewEpisode(R"({"findings": {"age_years": 40, "kidney_disease": true}})");
  EXPECT_EQ(Post("/v1/episodes/" + e.id + "/checkins", R"({"findings": {"back_pain": true, "back_pain_score": 7}})",
                 Bearer(e.token)).status,
            201);
  EXPECT_EQ(Get("/v1/episodes/" + e.id, Bearer(e.token)).status, 200);
  std::string wrong = e.token;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  EXPECT_EQ(Get("/v1/episodes/" + e.id, Bearer(wrong)).status, 404);
  EXPECT_EQ(Get("/v1/episodes/" + e.id + "/chart.svg?note=saddle_numbness").status, 404);
  EXPECT_EQ(Get("/no/such/path/saddle_numbness").status, 404);
  EXPECT_EQ(server_->Stop(), 0);

  const std::string log = server_->Log();
  for (const std::string& secret : {std::string("saddle_numb"), std::string("back_pain"), std::string("kidney"),
                                     std::string("age_years"), std::string("server-test-ref"), e.token, e.id,
                                     std::string("no/such/path")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds '" << secret << "':\n" << log;
  }
  for (const char* line : {" POST /v1/assess 200 ", " POST /v1/assess 400 ", " POST /v1/interview 200 ",
                           " POST /v1/episodes 201 ", " POST /v1/episodes/{id}/checkins 201 ",
                           " GET /v1/episodes/{id} 200 ", " GET /v1/episodes/{id} 404 ", " GET - 404 "}) {
    EXPECT_NE(log.find(line), std::string::npos) << "no '" << line << "' line:\n" << log;
  }
}

// ------------------------------------------------------------------ shutdown

// SIGTERM while a request runs: no new connections, the request completes
// with 200, and the process exits 0.
TEST_F(ServerTest, GracefulShutdownFinishesRequestInFlight) {
  StartServer();
  std::optional<testing_http::Response> slow;
  std::string slow_error;
  std::thread client([&] {
    auto cli = Client();
    auto r = cli.Post("/v1/assess", {{"X-Delay-Ms-For-Testing", "2000"}}, kSelfCareRequest, "application/json");
    if (r) {
      slow = *r;
    } else {
      slow_error = testing_http::to_string(r.error());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the request is in its handler
  const auto signalled = Clock::now();
  server_->Signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    auto cli = Client();
    cli.set_connection_timeout(1, 0);
    auto refused = cli.Get("/healthz");
    EXPECT_FALSE(refused) << "a new connection was served after SIGTERM";
  }
  client.join();
  ASSERT_TRUE(slow.has_value()) << slow_error << "\n" << server_->Log();
  EXPECT_EQ(slow->status, 200) << slow->body;
  EXPECT_EQ(Parse(slow->body).value("disposition", ""), ExpectedDisposition(kSelfCareRequest));
  EXPECT_EQ(slow->get_header_value("Connection"), "close");
  EXPECT_EQ(server_->Wait(std::chrono::seconds(10)), 0) << server_->Log();
  EXPECT_LT(Clock::now() - signalled, std::chrono::seconds(5));
  const std::string log = server_->Log();
  EXPECT_NE(log.find("stopping"), std::string::npos) << log;
  EXPECT_NE(log.find(" POST /v1/assess 200 "), std::string::npos) << log;
}

// A request that outlives --shutdown-timeout does not keep the process alive.
TEST_F(ServerTest, ShutdownTimeoutEndsTheProcess) {
  StartServer({"--shutdown-timeout", "1"});
  std::thread client([&] {
    auto cli = Client();
    cli.set_read_timeout(8, 0);
    (void)cli.Post("/v1/assess", {{"X-Delay-Ms-For-Testing", "6000"}}, kSelfCareRequest, "application/json");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = Clock::now();
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(std::chrono::seconds(5)), 1) << server_->Log();
  EXPECT_LT(Clock::now() - signalled, std::chrono::seconds(3));
  client.join();
}

}  // namespace
}  // namespace norotriage
