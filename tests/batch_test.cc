// Batch mode: input order, identical output across thread counts, bad lines
// in place, and every result equal to assessing the line on its own.
#include <cstdio>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "norotriage/batch.h"
#include "request_generator.h"

namespace norotriage::testing {
namespace {

std::string RunOn(const std::string& input, BatchOptions options, BatchStats* stats) {
  std::FILE* in = std::tmpfile();
  std::FILE* out = std::tmpfile();
  std::fwrite(input.data(), 1, input.size(), in);
  std::rewind(in);
  Status s = RunBatch(Kb(), in, out, options, stats);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::rewind(out);
  std::string text;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, out)) > 0;) text.append(buf, n);
  std::fclose(in);
  std::fclose(out);
  return text;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = s.find('\n', start)) != std::string::npos; start = nl + 1) out.push_back(s.substr(start, nl - start));
  return out;
}

// Generated requests, with a few bad lines mixed in.
std::string Input(int n, std::vector<std::string>* requests) {
  RequestGenerator gen(Kb().compiled());
  Rng rng(99);
  std::string input;
  for (int i = 0; i < n; ++i) {
    std::string line;
    if (i % 97 == 13) line = R"({"ref": "bad-)" + std::to_string(i) + R"(", "findings": {"age_years": 30, "back_pian": true}})";
    else if (i % 89 == 7) line = R"({"findings": {"age_years": )";  // truncated JSON
    else {
      nlohmann::json j = nlohmann::json::parse(ToRequestJson(Kb().compiled(), gen.Generate(rng)));
      j["ref"] = "r" + std::to_string(i);
      line = j.dump();
    }
    requests->push_back(line);
    input += line + (i % 5 == 0 ? "\r\n" : "\n");
  }
  return input;
}

TEST(BatchTest, SameOutputWithAnyThreadCountInInputOrder) {
  std::vector<std::string> requests;
  const std::string input = Input(3000, &requests);
  BatchStats one, four;
  BatchOptions o1;
  o1.lines_per_chunk = 64;
  BatchOptions o4 = o1;
  o4.threads = 4;
  const std::string a = RunOn(input, o1, &one);
  const std::string b = RunOn(input, o4, &four);
  EXPECT_EQ(a, b);
  EXPECT_EQ(one.lines, 3000u);
  EXPECT_EQ(one.results + one.errors, 3000u);
  EXPECT_GT(one.errors, 0u);
  const auto lines = Lines(a);
  ASSERT_EQ(lines.size(), requests.size());
  for (size_t i = 0; i < lines.size(); i += 7) {  // a sample, line by line against a single assessment
    auto req = ParseRequest(Kb(), requests[i]);
    if (req.ok()) {
      ASSERT_EQ(lines[i], ToJson(Assess(Kb(), req.value()))) << "line " << i + 1;
    } else {
      nlohmann::json e = nlohmann::json::parse(lines[i]);
      EXPECT_EQ(e["line"], i + 1);
      EXPECT_EQ(e["error"]["path"], req.error().path);
    }
  }
}

TEST(BatchTest, CompactAndBadLines) {
  const std::string input =
      "{\"ref\": \"a\", \"findings\": {\"age_years\": 45, \"back_pain\": true, \"saddle_numbness\": true}}\n"
      "\n"
      "   \n"
      "{\"ref\": \"b\", \"findings\": {\"age_years\": \"x\"}}\n"
      "not json\n"
      "{\"ref\": \"c\", \"findings\": {\"age_years\": 30}}";  // no final newline
  BatchOptions o;
  o.compact = true;
  BatchStats stats;
  const auto lines = Lines(RunOn(input, o, &stats));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(stats.lines, 4u);
  EXPECT_EQ(stats.errors, 2u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["ref"], "a");
  EXPECT_EQ(first["disposition"], "emergency");
  EXPECT_EQ(first["flags"][0], "cauda_equina");
  EXPECT_EQ(first["medicines"]["ibuprofen"], "caution");
  auto bad = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(bad["ref"], "b");
  EXPECT_EQ(bad["line"], 4);  // input line numbers, blank lines included
  EXPECT_EQ(bad["error"]["path"], "$.findings.age_years");
  auto garbage = nlohmann::json::parse(lines[2]);
  EXPECT_FALSE(garbage.contains("ref"));
  EXPECT_EQ(garbage["line"], 5);
  EXPECT_EQ(nlohmann::json::parse(lines[3])["ref"], "c");
}

}  // namespace
}  // namespace norotriage::testing
