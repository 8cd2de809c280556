// The malformed-input corpus (tests/malformed_corpus.h) through every way in:
// the library (ParseRequest), the CLI (`norotriage assess FILE` and stdin),
// batch mode (one file, a valid request between every two bad ones) and the
// HTTP API (POST /v1/assess, /v1/interview and an episode check-in, on a real
// `norotriage serve` process). Every case must get a clear error naming the
// expected JSON path, the server must keep serving, and its memory (VmRSS)
// must stay bounded over three passes of the corpus.
//
// Each test prints a one-line summary ("malformed corpus: …") for the CI log.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "assess_test_util.h"
#include "malformed_corpus.h"
#include "norotriage/engine.h"
#include "server_process.h"

extern char** environ;

namespace norotriage::testing {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitizedBuild = true;
#else
constexpr bool kSanitizedBuild = false;
#endif
#else
constexpr bool kSanitizedBuild = false;
#endif

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr size_t kServerMaxBody = 64 * 1024;  // ServerLimits::max_body_bytes
constexpr int kExitDataErr = 65;

const std::vector<MalformedCase>& Corpus() {
  static const std::vector<MalformedCase> corpus = MalformedCorpus();
  return corpus;
}

// ParseRequest's error for each case, in corpus order (empty path and message
// when the case was accepted).
const std::vector<InputError>& LibraryErrors() {
  static const std::vector<InputError> errors = [] {
    std::vector<InputError> out;
    for (const MalformedCase& c : Corpus()) {
      auto r = ParseRequest(Kb(), c.bytes);
      out.push_back(r.ok() ? InputError{} : r.error());
    }
    return out;
  }();
  return errors;
}

std::string ReadFile(const fs::path& path) { return testing_server::ReadFile(path); }

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// A printable rendering of a case's bytes for failure messages.
std::string Preview(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 120)) {
    const auto u = static_cast<unsigned char>(ch);
    out += (u < 0x20 || u >= 0x7f) ? fmt::format("\\x{:02x}", u) : std::string(1, ch);
  }
  if (s.size() > 120) out += fmt::format("… ({} bytes)", s.size());
  return out;
}

// Well-formed UTF-8 with no control characters (C0, DEL, C1), not empty, of
// a sane length: safe to print on a terminal or put in a log line.
bool IsPlainText(std::string_view s) {
  if (s.empty() || s.size() > 512) return false;
  for (size_t i = 0; i < s.size();) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x80) {
      if (u < 0x20 || u == 0x7f) return false;
      ++i;
      continue;
    }
    size_t n = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : u >= 0xC2 ? 2 : 0;
    if (n == 0 || u > 0xF4 || i + n > s.size()) return false;
    uint32_t cp = u & (0x3F >> (n - 1));
    for (size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((n == 2 && cp < 0xA0) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

std::string CaseTrace(size_t i) {
  const MalformedCase& c = Corpus()[i];
  return fmt::format("case #{} {} ({} bytes: {}); expected path {}{}", i, c.name, c.bytes.size(), Preview(c.bytes),
                     c.path, c.path_is_prefix ? " or below" : "");
}

// Runs the CLI with stdin, stdout and stderr redirected to files; the exit
// status, or -1 when it was killed by a signal (or by the 30 s deadline).
int RunCli(const std::vector<std::string>& args, const fs::path& in, const fs::path& out, const fs::path& err) {
  std::vector<std::string> storage = {NOROTRIAGE_BINARY};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn: " << std::strerror(rc);
    return -1;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "the CLI did not finish in 30 s";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class MalformedInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(NOROTRIAGE_BINARY)) << NOROTRIAGE_BINARY << " not built";
    std::string pattern = (fs::path(::testing::TempDir()) / "norotriage_malformed_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp: " << std::strerror(errno);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  fs::path dir_;
};

// ------------------------------------------------------------------- corpus

TEST(MalformedCorpusTest, IsLargeDeterministicAndNamed) {
  const auto& corpus = Corpus();
  EXPECT_GE(corpus.size(), 200u);
  std::map<std::string, int> per_kind;
  std::vector<std::string> names;
  for (const MalformedCase& c : corpus) {
    ++per_kind[c.kind];
    names.push_back(c.name);
    EXPECT_EQ(c.name.rfind(c.kind + "/", 0), 0u) << c.name;
    EXPECT_EQ(c.path.rfind("$", 0), 0u) << c.name;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "duplicate case names";
  // The truncation cases cut a request that is itself valid.
  auto valid = ParseRequest(Kb(), kValidRequest);
  EXPECT_TRUE(valid.ok()) << (valid.ok() ? "" : valid.error().ToString());
  const auto again = MalformedCorpus();
  ASSERT_EQ(again.size(), corpus.size());
  for (size_t i = 0; i < corpus.size(); ++i) {
    EXPECT_EQ(again[i].name, corpus[i].name);
    EXPECT_EQ(again[i].bytes, corpus[i].bytes) << corpus[i].name;
  }
  std::string kinds;
  for (const auto& [kind, n] : per_kind) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, n);
  std::printf("malformed corpus: %zu cases in %zu kinds (%s)\n", corpus.size(), per_kind.size(), kinds.c_str());
}

// ------------------------------------------------------------------ library

TEST(MalformedInputLibraryTest, EveryCaseIsRejectedWithItsPath) {
  const auto& corpus = Corpus();
  size_t clear = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const MalformedCase& c = corpus[i];
    SCOPED_TRACE(CaseTrace(i));
    auto r = ParseRequest(Kb(), c.bytes);
    if (r.ok()) {
      ADD_FAILURE() << "accepted";
      continue;
    }
    const InputError& e = r.error();
    bool ok = true;
    if (!PathMatches(c, e.path)) ok = false, ADD_FAILURE() << "path " << e.path << ": " << e.message;
    if (!IsPlainText(e.path)) ok = false, ADD_FAILURE() << "path is not plain text: " << Preview(e.path);
    if (!IsPlainText(e.message)) ok = false, ADD_FAILURE() << "message is not plain text: " << Preview(e.message);
    if (!c.message_has.empty() && e.message.find(c.message_has) == std::string::npos) {
      ok = false, ADD_FAILURE() << "message lacks \"" << c.message_has << "\": " << e.message;
    }
    if (c.needs_age) {  // valid where age is not required
      auto relaxed = ParseRequest(Kb(), c.bytes, ParseOptions{.require_age = false});
      if (!relaxed.ok()) ok = false, ADD_FAILURE() << "rejected without the age rule: " << relaxed.error().ToString();
    }
    clear += ok;
  }
  std::printf("malformed corpus: library %zu/%zu clear errors\n", clear, corpus.size());
}

// ---------------------------------------------------------------------- CLI

// Checks one CLI run against the library's error for case i; true if right.
bool CheckCliRun(size_t i, int exit_code, const std::string& out, const std::string& err) {
  const InputError& lib = LibraryErrors()[i];
  const std::string expected = "error: " + lib.path + ": " + lib.message + "\n";
  bool ok = true;
  if (exit_code != kExitDataErr) ok = false, ADD_FAILURE() << CaseTrace(i) << ": exit " << exit_code;
  if (!out.empty()) ok = false, ADD_FAILURE() << CaseTrace(i) << ": stdout: " << Preview(out);
  if (err != expected) ok = false, ADD_FAILURE() << CaseTrace(i) << ": stderr " << Preview(err);
  if (!PathMatches(Corpus()[i], lib.path)) ok = false;  // reported by the library test
  return ok;
}

TEST_F(MalformedInputTest, CliAssessGivesOneErrorLinePerCase) {
  const auto& corpus = Corpus();
  LibraryErrors();  // computed before the threads start
  for (size_t i = 0; i < corpus.size(); ++i) WriteFile(dir_ / fmt::format("case_{:03}.json", i), corpus[i].bytes);
  WriteFile(dir_ / "empty_stdin", "");

  // Files, in a few processes at a time.
  std::atomic<size_t> next{0}, clear{0};
  std::mutex mu;  // one check at a time, so that failure messages do not interleave
  auto worker = [&](int w) {
    const fs::path out = dir_ / fmt::format("out_{}", w), err = dir_ / fmt::format("err_{}", w);
    for (size_t i; (i = next++) < corpus.size();) {
      const int code =
          RunCli({"assess", (dir_ / fmt::format("case_{:03}.json", i)).string()}, dir_ / "empty_stdin", out, err);
      const std::string o = ReadFile(out), e = ReadFile(err);
      std::lock_guard lock(mu);
      clear += CheckCliRun(i, code, o, e);
    }
  };
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) threads.emplace_back(worker, w);
  for (auto& t : threads) t.join();
  const double file_seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  // A sample through standard input: every 13th case, and every large one.
  size_t stdin_runs = 0, stdin_clear = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (i % 13 != 0 && corpus[i].kind != "large") continue;
    ++stdin_runs;
    const int code =
        RunCli({"assess", "-"}, dir_ / fmt::format("case_{:03}.json", i), dir_ / "out_stdin", dir_ / "err_stdin");
    stdin_clear += CheckCliRun(i, code, ReadFile(dir_ / "out_stdin"), ReadFile(dir_ / "err_stdin"));
  }
  EXPECT_GE(stdin_runs, 20u);
  std::printf("malformed corpus: CLI assess FILE %zu/%zu clear errors (exit 65, one stderr line, %.1f s in 4 "
              "processes); stdin %zu/%zu\n",
              clear.load(), corpus.size(), file_seconds, stdin_clear, stdin_runs);
}

// -------------------------------------------------------------------- batch

// Valid requests for the lines between the bad ones (cycled).
const std::vector<std::string>& GoodLines() {
  static const std::vector<std::string> lines = {
      std::string(kValidRequest),
      R"({"ref": "ok-2", "findings": {"age_years": 45, "back_pain": true, "saddle_numbness": true, )"
      R"("bladder_control_change": true}})",
      R"({"findings": {"age_years": 3, "weight_kg": 14, "vomits_24h": 6, "stools_24h": 8, "keeps_fluids_down": false, )"
      R"("alertness": "lethargic", "tears_absent": true}})",
  };
  return lines;
}

// Cases that cannot be one batch line: a newline splits them into several
// lines, a blank line is skipped (no output), and a trailing \r is dropped
// as part of a CRLF ending (so the line would not be the case's bytes).
bool FitsOnOneLine(const MalformedCase& c) {
  if (c.bytes.find('\n') != std::string::npos) return false;
  if (c.bytes.find_first_not_of(" \t\r") == std::string::npos) return false;
  return c.bytes.back() != '\r';
}

TEST_F(MalformedInputTest, BatchReportsEachBadLineInPlace) {
  const auto& corpus = Corpus();
  const auto& good = GoodLines();
  // The expected result of each good line: `norotriage assess --json` of it.
  std::vector<json> good_results;
  for (size_t g = 0; g < good.size(); ++g) {
    const fs::path in = dir_ / fmt::format("good_{}.json", g);
    WriteFile(in, good[g]);
    ASSERT_EQ(RunCli({"assess", "--json", in.string()}, dir_ / "good_0.json", dir_ / "good.out", dir_ / "good.err"), 0)
        << ReadFile(dir_ / "good.err");
    good_results.push_back(json::parse(ReadFile(dir_ / "good.out")));
  }

  // bad, good, bad, good, …, bad; every third line ends in CRLF.
  struct Line {
    size_t case_index;  // corpus index, or SIZE_MAX for a good line
    size_t good_index;
  };
  std::vector<Line> lines;
  std::string input;
  size_t excluded = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (!FitsOnOneLine(corpus[i])) {
      ++excluded;
      continue;
    }
    if (!lines.empty()) {
      const size_t g = lines.size() / 2 % good.size();
      lines.push_back({SIZE_MAX, g});
      input += good[g] + (lines.size() % 3 == 0 ? "\r\n" : "\n");
    }
    lines.push_back({i, 0});
    input += corpus[i].bytes + (lines.size() % 3 == 0 ? "\r\n" : "\n");
  }
  const fs::path in = dir_ / "batch.ndjson";
  WriteFile(in, input);
  const fs::path out = dir_ / "batch.out", err = dir_ / "batch.err";
  const int code = RunCli({"batch", in.string(), "--threads", "2"}, in, out, err);
  EXPECT_EQ(code, kExitDataErr);

  const std::string text = ReadFile(out);
  std::vector<std::string> out_lines;
  for (size_t start = 0, nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out_lines.push_back(text.substr(start, nl - start));
  }
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  ASSERT_EQ(out_lines.size(), lines.size()) << "one output line per input line";
  size_t bad = 0, bad_clear = 0, good_lines = 0, good_equal = 0;
  for (size_t n = 0; n < lines.size(); ++n) {
    const json o = json::parse(out_lines[n], nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(o.is_object()) << "line " << n + 1 << ": " << Preview(out_lines[n]);
    if (lines[n].case_index == SIZE_MAX) {
      ++good_lines;
      if (o == good_results[lines[n].good_index]) ++good_equal;
      else ADD_FAILURE() << "line " << n + 1 << ": differs from assess --json: " << Preview(out_lines[n]);
      continue;
    }
    ++bad;
    const size_t i = lines[n].case_index;
    SCOPED_TRACE(CaseTrace(i));
    const InputError& lib = LibraryErrors()[i];
    const bool right = o.value("line", 0) == static_cast<int>(n + 1) && o.contains("error") &&
                       o["error"].value("path", "") == lib.path && PathMatches(corpus[i], lib.path) &&
                       IsPlainText(o["error"].value("message", "")) && !o.contains("disposition");
    if (right) ++bad_clear;
    else ADD_FAILURE() << "line " << n + 1 << ": " << Preview(out_lines[n]) << " (library: " << lib.ToString() << ")";
  }
  // The summary on stderr counts every line.
  const std::string summary = ReadFile(err);
  EXPECT_NE(summary.find(fmt::format("batch: {} lines, {} results, {} errors", lines.size(), good_lines, bad)),
            std::string::npos)
      << summary;
  std::printf("malformed corpus: batch %zu lines (%zu bad, %zu good; %zu multi-line or blank cases left out): "
              "%zu/%zu errors in place, %zu/%zu results equal to assess --json, exit %d\n",
              lines.size(), bad, good_lines, excluded, bad_clear, bad, good_equal, good_lines, code);
}

// --------------------------------------------------------------------- HTTP

size_t VmRssKiB(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoul(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// The check-in body is {"date", "findings"}: cases with a top-level "ref" or
// a key that is not an identifier get other (still right) errors there, and
// an empty body is a check-in without findings. The rest must name the
// expected path there too (the findings are re-parsed from their own text).
bool SuitsCheckin(const MalformedCase& c) {
  if (c.needs_age || c.bytes.find("\"ref\"") != std::string::npos) return false;
  if (c.bytes.find_first_not_of(" \t\r\n") == std::string::npos) return false;
  return c.path.rfind("$[", 0) != 0;
}

class MalformedInputHttpTest : public MalformedInputTest {
 protected:
  // Posts `body`; true if the reply is the expected error for case i: 413
  // over the server's limit, else 400 with the expected path (with
  // `same_as_library`, exactly the library's path).
  bool Check(const std::string& endpoint, size_t i, const std::string& body, bool same_as_library,
             const testing_http::Headers& headers = {}) {
    auto cli = server_.Client();
    auto r = cli.Post(endpoint, headers, body, "application/json");
    if (!r) {
      ADD_FAILURE() << CaseTrace(i) << ": POST " << endpoint << ": " << testing_http::to_string(r.error());
      return false;
    }
    const json reply = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
    const json error = reply.is_object() ? reply.value("error", json()) : json();
    if (body.size() > kServerMaxBody) {
      if (r->status == 413 && error.is_object() && error.value("code", "") == "payload_too_large") return true;
      ADD_FAILURE() << CaseTrace(i) << ": POST " << endpoint << ": " << r->status << " " << Preview(r->body);
      return false;
    }
    const InputError& lib = LibraryErrors()[i];
    const bool ok = r->status == 400 && error.is_object() && error.value("code", "") == "bad_request" &&
                    PathMatches(Corpus()[i], error.value("path", "")) && IsPlainText(error.value("message", "")) &&
                    (!same_as_library || error.value("path", "") == lib.path);
    if (!ok) {
      ADD_FAILURE() << CaseTrace(i) << ": POST " << endpoint << ": " << r->status << " " << Preview(r->body)
                    << " (library: " << lib.ToString() << ")";
    }
    return ok;
  }

  int Status(const std::string& method, const std::string& path, const std::string& body = "",
             const testing_http::Headers& headers = {}) {
    auto cli = server_.Client();
    auto r = method == "GET" ? cli.Get(path, headers) : cli.Post(path, headers, body, "application/json");
    return r ? r->status : -1;
  }

  testing_server::ServerProcess server_;
};

TEST_F(MalformedInputHttpTest, ServerAnswersEveryCaseAndKeepsServingInBoundedMemory) {
  const auto& corpus = Corpus();
  LibraryErrors();
  server_.set_alarm_seconds(120);
  ASSERT_EQ(server_.Start(dir_ / "server.log", {"--port", "0", "--db", (dir_ / "episodes.db").string()}), "");
  auto cli = server_.Client();
  auto created = cli.Post("/v1/episodes", R"({"findings": {"age_years": 40, "weight_kg": 70}})", "application/json");
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "no reply");
  const json episode = json::parse(created->body);
  const std::string checkins = "/v1/episodes/" + episode.value("id", "") + "/checkins";
  const testing_http::Headers bearer = {{"Authorization", "Bearer " + episode.value("token", "")}};

  // Warm up every endpoint before the first reading.
  const std::string good(kValidRequest);
  ASSERT_EQ(Status("POST", "/v1/assess", good), 200);
  ASSERT_EQ(Status("POST", "/v1/interview", good), 200);
  ASSERT_EQ(Status("POST", checkins, R"({"date": "2000-01-01", "findings": {}})", bearer), 400);
  const size_t rss_before = VmRssKiB(server_.pid());

  constexpr int kPasses = 3;
  size_t assess_clear = 0, interview_clear = 0, interview_total = 0, checkin_clear = 0, checkin_total = 0;
  size_t too_large = 0;
  std::vector<size_t> rss_after;
  for (int pass = 0; pass < kPasses; ++pass) {
    for (size_t i = 0; i < corpus.size(); ++i) {
      const MalformedCase& c = corpus[i];
      assess_clear += Check("/v1/assess", i, c.bytes, /*same_as_library=*/true);
      if (pass == 0) too_large += c.bytes.size() > kServerMaxBody;
      if (!c.needs_age) {
        ++interview_total;
        interview_clear += Check("/v1/interview", i, c.bytes, /*same_as_library=*/true);
      }
      if (SuitsCheckin(c)) {
        ++checkin_total;
        checkin_clear += Check(checkins, i, c.bytes, /*same_as_library=*/false, bearer);
      }
    }
    EXPECT_EQ(Status("GET", "/healthz"), 200) << "after pass " << pass + 1;
    rss_after.push_back(VmRssKiB(server_.pid()));
  }

  // Unknown episode ids: the episode 404, with a JSON error.
  for (const std::string& id : std::vector<std::string>{"0123456789abcdef0123456789abcdef", "not-an-id",
                                                        std::string(200, 'f'), "%00"}) {
    auto r = cli.Post("/v1/episodes/" + id + "/checkins", bearer, R"({"findings": {}})", "application/json");
    ASSERT_TRUE(r) << id;
    EXPECT_EQ(r->status, 404) << id;
    EXPECT_NE(r->body.find("\"not_found\""), std::string::npos) << r->body;
  }

  // Still serving, with right answers.
  EXPECT_EQ(Status("GET", "/healthz"), 200);
  EXPECT_EQ(Status("POST", "/v1/assess", good), 200);
  EXPECT_EQ(Status("POST", "/v1/interview", good), 200);
  EXPECT_EQ(Status("POST", checkins, R"({"findings": {"back_pain": true, "back_pain_score": 3}})", bearer), 201);
  EXPECT_EQ(server_.Log().find("internal error"), std::string::npos) << server_.Log().substr(0, 2000);

  const size_t total = corpus.size() * kPasses;
  EXPECT_EQ(assess_clear, total);
  EXPECT_EQ(interview_clear, interview_total);
  EXPECT_EQ(checkin_clear, checkin_total);
  ASSERT_GT(rss_before, 0u);
  const double mib = 1024.0;
  // Under AddressSanitizer freed memory sits in its quarantine, and both ASan
  // and TSan keep shadow memory: RSS says nothing about leaks there
  // (LeakSanitizer checks those at the server's exit).
  if (!kSanitizedBuild) {
    EXPECT_LT(rss_after.back(), rss_before + 32 * 1024) << "VmRSS grew by more than 32 MiB";
    // The first pass warms up every worker thread; later passes must not add much.
    EXPECT_LT(rss_after.back(), rss_after.front() + 16 * 1024) << "VmRSS keeps growing pass after pass";
  }
  std::printf("malformed corpus: HTTP x%d passes: /v1/assess %zu/%zu, /v1/interview %zu/%zu, check-in %zu/%zu "
              "clear errors (%zu cases over 64 KiB: 413); VmRSS %.1f MiB before, %.1f / %.1f / %.1f MiB after each pass\n",
              kPasses, assess_clear, total, interview_clear, interview_total, checkin_clear, checkin_total,
              too_large, rss_before / mib, rss_after[0] / mib, rss_after[1] / mib, rss_after[2] / mib);
  EXPECT_EQ(server_.Stop(), 0);
}

// Known bug, outside the request parser: the episode bodies' parser
// (ParseEpisodeBody in src/server/routes_api.cc) takes any token that starts
// with 'n' as null for "date"/"onset_date" (simdjson's type() looks at the
// first byte; only is_null() reads the literal), so these are accepted.
// Enable once it is fixed there.
TEST_F(MalformedInputHttpTest, EpisodeDatesRejectTokensThatOnlyStartLikeNull) {
  ASSERT_EQ(server_.Start(dir_ / "server.log", {"--port", "0", "--db", (dir_ / "episodes.db").string()}), "");
  EXPECT_EQ(Status("POST", "/v1/episodes", R"({"onset_date": nan})"), 400);
  auto cli = server_.Client();
  auto created = cli.Post("/v1/episodes", R"({"findings": {"age_years": 40}})", "application/json");
  ASSERT_TRUE(created && created->status == 201);
  const json episode = json::parse(created->body);
  const testing_http::Headers bearer = {{"Authorization", "Bearer " + episode.value("token", "")}};
  EXPECT_EQ(Status("POST", "/v1/episodes/" + episode.value("id", "") + "/checkins",
                   R"({"date": nope, "findings": {"back_pain": false}})", bearer),
            400);
}

}  // namespace
}  // namespace norotriage::testing
