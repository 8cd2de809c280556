// Issue 16 item 3 over the HTTP API: for every age the knowledge base
// draws a line at (each band edge and age condition in knowledge/*.yaml,
// just below it, and between edges) and every weight from 1 to 100 kg, the
// measured doses of POST /v1/assess are never above the per-dose or the
// daily maximum, liquids are whole 0.5 ml steps (or said to be too small,
// never "0 ml"), tablets whole tablets. The maxima are read from GET
// /v1/knowledge and from the result itself; a real `serve` over loopback.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.h"
#include "server_process.h"

namespace norotriage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing_server::ServerProcess;

constexpr double kEps = 1e-9;

// Every age the knowledge base names: band edges and age conditions.
std::set<double> KbAgeEdges() {
  std::set<double> edges;
  const std::regex cond(R"(age_years\s*(<=|>=|<|>|=)\s*([0-9]+(\.[0-9]+)?))");
  const std::regex key(R"((min_age_years|max_age_years|child_below_age_years):\s*([0-9]+(\.[0-9]+)?))");
  for (const auto& entry : fs::directory_iterator(fs::path(NOROTRIAGE_SOURCE_DIR) / "knowledge")) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const std::regex* re : {&cond, &key}) {
      for (auto it = std::sregex_iterator(text.begin(), text.end(), *re); it != std::sregex_iterator(); ++it) {
        edges.insert(std::stod((*it)[2].str()));
      }
    }
  }
  return edges;
}

// The ages to try: 0 and 120, each edge, just below it, and half-way to the next.
std::vector<double> AgesToTry() {
  std::set<double> ages = {0, 120};
  std::vector<double> edges;
  for (double e : KbAgeEdges()) {
    if (e > 0 && e <= 120) edges.push_back(e);
  }
  for (size_t i = 0; i < edges.size(); ++i) {
    ages.insert(edges[i]);
    ages.insert(std::max(0.0, edges[i] - 0.01));
    const double next = i + 1 < edges.size() ? edges[i + 1] : 120;
    ages.insert((edges[i] + next) / 2);
  }
  return {ages.begin(), ages.end()};
}

class AmountsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(NOROTRIAGE_BINARY)) << NOROTRIAGE_BINARY << " not built";
    std::string pattern = (fs::path(::testing::TempDir()) / "norotriage_amounts_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp: " << std::strerror(errno);
    dir_ = pattern;
    server_ = std::make_unique<ServerProcess>();
    ASSERT_EQ(server_->Start(dir_ / "server.log", {"--port", "0", "--db", (dir_ / "e.db").string()}), "");
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(AmountsApiTest, MeasuredDosesNeverAboveTheMaximumForEveryAgeAndWeight) {
  auto cli = server_->Client();
  auto k = cli.Get("/v1/knowledge", {});
  ASSERT_TRUE(k);
  const json kb = json::parse(k->body);
  std::map<std::string, json> rules;  // medicine id -> its dose rule
  for (const json& m : kb["medicines"]) {
    if (m.contains("dose")) rules[m["id"].get<std::string>()] = m["dose"];
  }
  ASSERT_TRUE(rules.count("paracetamol") && rules.count("ibuprofen"));
  ASSERT_TRUE(rules["paracetamol"].contains("measure"));

  const std::vector<double> ages = AgesToTry();
  ASSERT_GE(ages.size(), 20u);
  int liquids = 0, too_small = 0, tablets = 0, requests = 0;
  for (const bool liver : {false, true}) {  // liver disease: paracetamol's lower daily cap
    for (double age : ages) {
      for (int kg = 1; kg <= 100; ++kg) {
        json findings = {{"age_years", age}, {"weight_kg", kg}};
        if (liver) findings["liver_disease"] = true;
        const std::string body = json{{"findings", findings}}.dump();
        auto r = cli.Post("/v1/assess", {}, body, "application/json");
        ASSERT_TRUE(r) << testing_http::to_string(r.error());
        ASSERT_EQ(r->status, 200) << body << " -> " << r->body;
        ++requests;
        ASSERT_EQ(r->body.find(R"("ml":0,)"), std::string::npos) << body;
        const json res = json::parse(r->body);
        for (const json& m : res["medicines"]) {
          if (!m.contains("dose")) continue;
          SCOPED_TRACE(body + " " + m["id"].get<std::string>());
          const json& d = m["dose"];
          const json& rule = rules.at(m["id"].get<std::string>());
          const int dose_hi = d["mg_per_dose"][1];
          const int day_max = d["max_mg_per_24h"];
          // The mg dose itself is within the knowledge base's maxima.
          ASSERT_LE(dose_hi, rule["mg_per_dose"][1].get<int>());
          ASSERT_LE(day_max, rule["max_mg_per_24h"].get<int>());
          for (const json& l : d.value("liquids", json::array())) {
            if (!l["measurable"].get<bool>()) {
              ++too_small;
              ASSERT_FALSE(l.contains("ml"));
              ASSERT_FALSE(l.value("text", "").empty());
              continue;
            }
            ++liquids;
            const double ml = l["ml"], mg = l["mg"];
            const double strength = l["strength_mg"].get<double>() / l["strength_ml"].get<double>();
            const int doses = l["max_doses_per_24h"];
            ASSERT_GT(ml, 0);
            ASSERT_EQ(ml * 2, std::floor(ml * 2)) << "not a 0.5 ml step: " << ml;
            ASSERT_NEAR(mg, ml * strength, 0.01);
            ASSERT_LE(ml * strength, dose_hi + kEps);
            ASSERT_GE(doses, 1);
            ASSERT_LE(ml * strength * doses, day_max + kEps);
            // And within the weight-based rule read from the knowledge base.
            const json& w = rule["by_weight"];
            ASSERT_LE(ml * strength, std::min(w["mg_per_kg"].get<double>() * kg, w["max_mg_per_dose"].get<double>()) + kEps);
            ASSERT_LE(ml * strength * doses,
                      std::min(w["max_mg_per_kg_per_24h"].get<double>() * kg, w["max_mg_per_24h"].get<double>()) + kEps);
          }
          if (d.contains("tablets")) {
            ++tablets;
            const json& t = d["tablets"];
            const int each = t["mg_each"], lo = t["count"][0], hi = t["count"][1], per_day = t["max_per_24h"];
            ASSERT_GE(lo, 1);
            ASSERT_LE(lo, hi);
            ASSERT_LE(hi * each, dose_hi);
            ASSERT_LE(hi, per_day);
            ASSERT_LE(per_day * each, day_max);
          }
        }
      }
    }
  }
  // Every kind was seen (the sweep reached children, adults and the tiny doses).
  EXPECT_GT(liquids, 1000);
  EXPECT_GT(tablets, 1000);
  EXPECT_GT(too_small, 0);
  RecordProperty("requests", requests);
}

}  // namespace
}  // namespace norotriage
