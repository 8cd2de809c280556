// Runs the built `norotriage` binary (NOROTRIAGE_BINARY) as a user would and
// checks its command-line contract: output streams, exit statuses (0 ok,
// 65 bad input, 66 unreadable input file) and error message formats.
//
// Expected dispositions and labels come from the library itself, so these
// tests check the CLI's plumbing, not the clinical policy (that is
// vignette_test.cc's job).

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "norotriage/engine.h"
#include "norotriage/interview.h"
#include "norotriage/knowledge_base.h"

#ifndef NOROTRIAGE_BINARY
#error "NOROTRIAGE_BINARY must name the built CLI (set by CMakeLists.txt)"
#endif
#ifndef NOROTRIAGE_SOURCE_DIR
#error "NOROTRIAGE_SOURCE_DIR must name the source root (set by CMakeLists.txt)"
#endif

namespace norotriage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A child that runs longer than this is killed (SIGALRM) and the test fails.
constexpr unsigned kTimeoutSeconds = 60;

// A self-care case: day 1, back pain from retching, some dehydration.
constexpr char kSelfCareRequest[] = R"({
  "ref": "cli-test-self-care",
  "findings": {
    "age_years": 34, "weight_kg": 70, "days_since_onset": 1, "gi_ongoing": true,
    "vomits_24h": 5, "keeps_fluids_down": true, "thirst": "thirsty", "dry_mouth": true,
    "back_pain": true, "back_pain_site": "lower", "back_pain_days": 1,
    "back_pain_began_with_vomiting": true, "saddle_numbness": false
  }
})";

// An emergency: back pain with saddle numbness (cauda equina).
constexpr char kEmergencyRequest[] = R"({
  "findings": {
    "age_years": 45, "back_pain": true, "back_pain_days": 3,
    "saddle_numbness": true, "bladder_control_change": true
  }
})";

// A misspelt finding id.
constexpr char kMisspeltRequest[] = R"({
  "findings": { "age_years": 40, "back_pian": true }
})";

struct RunResult {
  int exit_code = -1;    // -1 when the child did not exit normally
  int term_signal = 0;   // the signal that ended it, if any
  std::string out;       // stdout
  std::string err;       // stderr
};

std::ostream& operator<<(std::ostream& os, const RunResult& r) {
  os << "exit " << r.exit_code;
  if (r.term_signal != 0) os << " (signal " << r.term_signal << ")";
  return os << "\n--- stdout ---\n" << r.out.substr(0, 2000)
            << "\n--- stderr ---\n" << r.err.substr(0, 2000);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// The first line with any text on it: blank lines and rules made only of
// punctuation (such as "=====") do not count.
std::string FirstTextLine(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    for (char c : line) {
      if (std::isalnum(static_cast<unsigned char>(c))) return line;
    }
  }
  return "";
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What the library says about `request`: the disposition id and its label.
struct Expected {
  std::string disposition;
  std::string label;
};

Expected ExpectedFor(const std::string& request) {
  auto kb = KnowledgeBase::LoadBuiltin();
  if (!kb.ok()) {
    ADD_FAILURE() << "LoadBuiltin: " << kb.status().ToString();
    return {};
  }
  auto parsed = ParseRequest(**kb, request);
  if (!parsed.ok()) {
    ADD_FAILURE() << "ParseRequest: " << parsed.error().ToString();
    return {};
  }
  const Assessment a = Assess(**kb, parsed.value());
  return {std::string(LevelId(a.disposition)), std::string(a.disposition_label)};
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(NOROTRIAGE_BINARY)) << NOROTRIAGE_BINARY << " not built";
    std::string pattern = (fs::path(::testing::TempDir()) / "norotriage_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp: " << std::strerror(errno);
    dir_ = pattern;
  }

  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Writes `text` to a file in the test's temporary directory; returns its path.
  std::string TempFile(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    WriteFile(path, text);
    return path.string();
  }

  // Runs the binary with `args`, `stdin_text` on its standard input, and
  // stdout/stderr captured in files (no pipe can fill up and deadlock).
  RunResult Run(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    RunResult result;
    const fs::path in_path = dir_ / "stdin.txt";
    const fs::path out_path = dir_ / "stdout.txt";
    const fs::path err_path = dir_ / "stderr.txt";
    WriteFile(in_path, stdin_text);

    std::vector<std::string> argv_storage;
    argv_storage.push_back(NOROTRIAGE_BINARY);
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0) {
      ADD_FAILURE() << "fork: " << std::strerror(errno);
      return result;
    }
    if (pid == 0) {  // child: only async-signal-safe calls from here on
      const int in = open(in_path.c_str(), O_RDONLY);
      const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (in < 0 || out < 0 || err < 0) _exit(126);
      if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
      close(in);
      close(out);
      close(err);
      alarm(kTimeoutSeconds);  // survives exec: a hung binary gets SIGALRM
      execv(argv[0], argv.data());
      _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        ADD_FAILURE() << "waitpid: " << std::strerror(errno);
        return result;
      }
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
    result.out = ReadFile(out_path);
    result.err = ReadFile(err_path);
    return result;
  }

  fs::path dir_;
};

// `assess --json FILE` prints exactly one JSON object, the library's result.
TEST_F(CliTest, AssessJsonPrintsOneObject) {
  for (const char* request : {kSelfCareRequest, kEmergencyRequest}) {
    SCOPED_TRACE(request);
    const Expected want = ExpectedFor(request);
    const RunResult r = Run({"assess", "--json", TempFile("request.json", request)});
    ASSERT_EQ(r.exit_code, 0) << r;
    const json result = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(result.is_discarded()) << "stdout is not one JSON value\n" << r;
    ASSERT_TRUE(result.is_object()) << r;
    EXPECT_EQ(result.value("disposition", ""), want.disposition) << r;
  }
}

// The reference is echoed back unchanged.
TEST_F(CliTest, AssessJsonEchoesRef) {
  const RunResult r = Run({"assess", "--json", TempFile("request.json", kSelfCareRequest)});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json result = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(result.is_object()) << r;
  EXPECT_EQ(result.value("ref", ""), "cli-test-self-care") << r;
}

// Bad input: status 65, nothing on stdout, "error: <path>: <what>" with a suggestion.
TEST_F(CliTest, MisspeltFindingExits65WithSuggestion) {
  const std::string file = TempFile("request.json", kMisspeltRequest);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"assess", "--json", file},
        std::vector<std::string>{"assess", file}}) {
    SCOPED_TRACE(args.size() == 3 ? "--json" : "text");
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 65) << r;
    EXPECT_EQ(r.out, "") << r;
    EXPECT_TRUE(StartsWith(r.err, "error: $.findings.back_pian:")) << r;
    EXPECT_NE(r.err.find("did you mean"), std::string::npos) << r;
    EXPECT_NE(r.err.find("back_pain"), std::string::npos) << r;
  }
}

// Without --json the result is text, and its first line of text is the disposition.
TEST_F(CliTest, AssessTextLeadsWithDispositionLabel) {
  for (const char* request : {kSelfCareRequest, kEmergencyRequest}) {
    SCOPED_TRACE(request);
    const Expected want = ExpectedFor(request);
    ASSERT_FALSE(want.label.empty());
    const RunResult r = Run({"assess", TempFile("request.json", request)});
    ASSERT_EQ(r.exit_code, 0) << r;
    const std::string first = FirstTextLine(r.out);
    // Case-insensitive: an emergency banner may be set in capitals.
    EXPECT_NE(Lower(first).find(Lower(want.label)), std::string::npos)
        << "first line: " << first << "\nexpected label: " << want.label << "\n" << r;
    EXPECT_FALSE(StartsWith(r.out, "{")) << "text output looks like JSON\n" << r;
  }
}

// "-" reads the request from standard input.
TEST_F(CliTest, AssessReadsStdin) {
  const Expected want = ExpectedFor(kEmergencyRequest);

  const RunResult text = Run({"assess", "-"}, kEmergencyRequest);
  ASSERT_EQ(text.exit_code, 0) << text;
  EXPECT_NE(Lower(FirstTextLine(text.out)).find(Lower(want.label)), std::string::npos)
      << "expected label: " << want.label << "\n" << text;

  const RunResult from_stdin = Run({"assess", "--json", "-"}, kEmergencyRequest);
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin;
  const RunResult from_file =
      Run({"assess", "--json", TempFile("request.json", kEmergencyRequest)});
  ASSERT_EQ(from_file.exit_code, 0) << from_file;
  const json a = json::parse(from_stdin.out, nullptr, false);
  const json b = json::parse(from_file.out, nullptr, false);
  ASSERT_TRUE(a.is_object()) << from_stdin;
  ASSERT_TRUE(b.is_object()) << from_file;
  EXPECT_EQ(a.value("disposition", ""), want.disposition);
  for (const char* key : {"disposition", "flags", "hydration", "medicines", "unanswered"}) {
    EXPECT_EQ(a.value(key, json()), b.value(key, json())) << key;
  }
}

// Bad input on stdin is bad input too.
TEST_F(CliTest, AssessStdinBadInputExits65) {
  const RunResult r = Run({"assess", "--json", "-"}, kMisspeltRequest);
  EXPECT_EQ(r.exit_code, 65) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_TRUE(StartsWith(r.err, "error: $.findings.back_pian:")) << r;
}

// An input file that cannot be read: status 66, nothing on stdout.
TEST_F(CliTest, MissingInputFileExits66) {
  const RunResult r = Run({"assess", "--json", (dir_ / "no-such-file.json").string()});
  EXPECT_EQ(r.exit_code, 66) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_FALSE(r.err.empty()) << r;
}

// --version names the program and the built-in knowledge base's version.
TEST_F(CliTest, VersionMentionsKnowledgeBase) {
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  const RunResult r = Run({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::string lower = Lower(r.out);
  EXPECT_NE(lower.find("norotriage"), std::string::npos) << r;
  EXPECT_TRUE(lower.find("knowledge") != std::string::npos ||
              lower.find("kb") != std::string::npos)
      << r;
  EXPECT_NE(r.out.find((*kb)->version()), std::string::npos)
      << "knowledge base version " << (*kb)->version() << " not shown\n" << r;
}

TEST_F(CliTest, KbLintAcceptsRepositoryKnowledge) {
  const RunResult r =
      Run({"kb", "lint", (fs::path(NOROTRIAGE_SOURCE_DIR) / "knowledge").string()});
  EXPECT_EQ(r.exit_code, 0) << r;
}

// Copies knowledge/*.yaml into `dir`.
void CopyKnowledge(const fs::path& dir) {
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator(fs::path(NOROTRIAGE_SOURCE_DIR) / "knowledge")) {
    if (entry.path().extension() == ".yaml") {
      fs::copy_file(entry.path(), dir / entry.path().filename(),
                    fs::copy_options::overwrite_existing);
    }
  }
}

const std::regex& FlagsLocation() {
  static const std::regex kRe(R"(flags\.yaml:[0-9]+:[0-9]+)");
  return kRe;
}

// A YAML syntax error in flags.yaml is reported as file:line:col.
TEST_F(CliTest, KbLintReportsSyntaxErrorLocation) {
  const fs::path kb = dir_ / "kb";
  CopyKnowledge(kb);
  std::string flags = fs::exists(kb / "flags.yaml") ? ReadFile(kb / "flags.yaml") : "flags:\n";
  if (!flags.empty() && flags.back() != '\n') flags += '\n';
  flags += "  - id: broken_flag\n    when: [unclosed\n";
  WriteFile(kb / "flags.yaml", flags);

  const RunResult r = Run({"kb", "lint", kb.string()});
  EXPECT_NE(r.exit_code, 0) << r;
  EXPECT_EQ(r.term_signal, 0) << r;
  EXPECT_TRUE(std::regex_search(r.err + r.out, FlagsLocation()))
      << "no flags.yaml:LINE:COL in the message\n" << r;
}

// An unknown finding in a flag's condition is reported as file:line:col.
TEST_F(CliTest, KbLintReportsUnknownFindingLocation) {
  const fs::path kb = dir_ / "kb";
  CopyKnowledge(kb);
  if (!fs::exists(kb / "flags.yaml")) GTEST_SKIP() << "knowledge/flags.yaml not written yet";

  // Replace the first one-line quoted condition with a misspelt finding.
  std::istringstream in(ReadFile(kb / "flags.yaml"));
  static const std::regex kWhen(R"re(^(\s*(?:-\s+)?when:\s*)"[^"]*"\s*$)re");
  std::string line, edited;
  bool replaced = false;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!replaced && std::regex_match(line, m, kWhen)) {
      line = m[1].str() + "\"back_pian\"";
      replaced = true;
    }
    edited += line + "\n";
  }
  if (!replaced) GTEST_SKIP() << "no one-line `when: \"...\"` in knowledge/flags.yaml";
  WriteFile(kb / "flags.yaml", edited);

  const RunResult r = Run({"kb", "lint", kb.string()});
  EXPECT_NE(r.exit_code, 0) << r;
  EXPECT_EQ(r.term_signal, 0) << r;
  EXPECT_TRUE(std::regex_search(r.err + r.out, FlagsLocation()))
      << "no flags.yaml:LINE:COL in the message\n" << r;
  EXPECT_NE((r.err + r.out).find("back_pian"), std::string::npos) << r;
}

TEST_F(CliTest, UnknownSubcommandFails) {
  const RunResult r = Run({"asess", "x.json"});
  EXPECT_NE(r.exit_code, 0) << r;
  EXPECT_EQ(r.term_signal, 0) << r;
  EXPECT_FALSE(r.err.empty()) << r;
}

// ---------------------------------------------------------------- interview

// Many "I don't know" answers: enough to finish any interview.
std::string DontKnowToEverything() {
  std::string s;
  for (int i = 0; i < 80; ++i) s += "u\n";
  return s;
}

// The 1-based position of `finding` on the screen the library shows next for `request`.
int PositionOnNextScreen(const std::string& request, std::string_view finding) {
  auto kb = KnowledgeBase::LoadBuiltin().value();
  auto req = ParseRequest(*kb, request, ParseOptions{.require_age = false});
  if (!req.ok()) {
    ADD_FAILURE() << req.error().ToString();
    return -1;
  }
  InterviewStep step = NextStep(*kb, req.value());
  if (!step.screen) return -1;
  for (size_t i = 0; i < step.screen->questions.size(); ++i) {
    if (step.screen->questions[i].finding == finding) return static_cast<int>(i) + 1;
  }
  return -1;
}

TEST_F(CliTest, InterviewNextStartsWithAge) {
  const RunResult r = Run({"interview", "--next", "-"}, R"({"findings": {}})");
  ASSERT_EQ(r.exit_code, 0) << r;
  const json step = json::parse(r.out);
  EXPECT_FALSE(step["done"].get<bool>());
  EXPECT_EQ(step["screen"]["questions"][0]["finding"], "age_years");
  EXPECT_FALSE(step["screen"]["questions"][0]["why"].get<std::string>().empty());
}

TEST_F(CliTest, InterviewNextGivesTheResultWhenDone) {
  const RunResult r = Run({"interview", "--next", TempFile("r.json", kEmergencyRequest)});
  ASSERT_EQ(r.exit_code, 0) << r;
  const json step = json::parse(r.out);
  EXPECT_TRUE(step["done"].get<bool>());
  EXPECT_TRUE(step["emergency"].get<bool>());
  EXPECT_EQ(step["result"]["disposition"], "emergency");
}

TEST_F(CliTest, InterviewNextRejectsBadInput) {
  const RunResult r = Run({"interview", "--next", "-"}, R"({"findings": {"back_pian": true}})");
  EXPECT_EQ(r.exit_code, 65) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  EXPECT_NE(r.err.find("$.findings.back_pian"), std::string::npos) << r;
}

// Piped answers: "I don't know" to everything ends with a self-care result.
TEST_F(CliTest, InterviewPipedDontKnowFinishes) {
  const std::string saved = (dir_ / "answers.json").string();
  // About you: age 35, sex 1 (female), weight "u"; then the complaint: 1 (back pain).
  const RunResult r = Run({"interview", "--color", "never", "--save", saved}, "35\n1\nu\n1\n" + DontKnowToEverything());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("Self-care"), std::string::npos) << r;
  const json answers = json::parse(ReadFile(saved));
  EXPECT_EQ(answers["findings"]["age_years"], 35);
  EXPECT_EQ(answers["findings"]["sex"], "female");
  EXPECT_EQ(answers["findings"]["back_pain"], true);
  EXPECT_TRUE(answers["findings"]["weight_kg"].is_null());  // "u": asked, not known
  EXPECT_TRUE(answers["findings"].contains("weight_kg"));
}

// An emergency answer stops the interview at once, with the banner and the result.
TEST_F(CliTest, InterviewEmergencyStopsAtOnce) {
  const int pos = PositionOnNextScreen(
      R"({"findings": {"age_years": 45, "sex": "male", "weight_kg": 70, "back_pain": true, "leg_aches": false,
          "leg_cramps": false}})",
      "saddle_numbness");
  ASSERT_GT(pos, 0);
  // About you (age, sex 2 = male, weight), complaint: back pain only (1), then tick saddle numbness.
  const std::string input = "45\n2\n70\n1\n" + std::to_string(pos) + "\n" + DontKnowToEverything();
  const std::string saved = (dir_ / "answers.json").string();
  const RunResult r = Run({"interview", "--color", "never", "--json", "--save", saved}, input);
  ASSERT_EQ(r.exit_code, 0) << r;
  const json result = json::parse(r.out);  // --json: stdout is the result only
  EXPECT_EQ(result["disposition"], "emergency");
  EXPECT_NE(r.err.find("emergency"), std::string::npos) << r;  // the banner, on the conversation stream
  // Nothing was asked after the emergency sign: 3 screens, no more.
  EXPECT_EQ(r.err.find("\n4. "), std::string::npos) << r;
  EXPECT_EQ(json::parse(ReadFile(saved))["findings"]["saddle_numbness"], true);
}

// "b" goes back to the previous screen; its answer can be changed.
TEST_F(CliTest, InterviewBackChangesAnEarlierAnswer) {
  // About you (30, female, 70 kg); complaint "1" (back pain); at the first
  // emergency list go back, and answer the complaint "2" (aching legs) instead.
  const std::string saved = (dir_ / "answers.json").string();
  const RunResult r = Run({"interview", "--color", "never", "--save", saved},
                          "30\n1\n70\n1\nb\n2\n" + DontKnowToEverything());
  ASSERT_EQ(r.exit_code, 0) << r;
  const json f = json::parse(ReadFile(saved))["findings"];
  EXPECT_EQ(f["back_pain"], false) << f;
  EXPECT_EQ(f["leg_aches"], true) << f;
}

// "?" shows the help and why the question is asked; bad input is asked again.
TEST_F(CliTest, InterviewHelpAndRetry) {
  const RunResult r = Run({"interview", "--color", "never"}, "?\nabc\n200\n30\n" + DontKnowToEverything());
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("Why we ask:"), std::string::npos) << r;
  EXPECT_NE(r.out.find("Please type a number from 0 to 120"), std::string::npos) << r;
}

// Input that ends early still gives advice for what was said.
TEST_F(CliTest, InterviewEndOfInputGivesAdviceSoFar) {
  const RunResult r = Run({"interview", "--color", "never"}, "30\n");
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("stopped before the end"), std::string::npos) << r;
  EXPECT_NE(r.out.find("Self-care"), std::string::npos) << r;
}

// ---------------------------------------------------------------- episodes

TEST_F(CliTest, EpisodeLifecycle) {
  const std::string db = (dir_ / "ep.db").string();
  const std::vector<std::string> base = {"episode", "--db", db, "--today", "2026-11-30"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  RunResult made = Run(with({"new", "--onset", "2026-11-01", "-"}), R"({"findings": {"age_years": 40, "sex": "male"}})");
  ASSERT_EQ(made.exit_code, 0) << made;
  const std::string id = made.out.substr(0, made.out.find('\n'));
  ASSERT_EQ(id.size(), 32u) << made;
  for (auto [date, score] : {std::pair{"2026-11-02", 5}, std::pair{"2026-11-04", 4}}) {
    RunResult c = Run(with({"checkin", id, "-", "--date", date, "--json"}),
                      "{\"findings\": {\"back_pain\": true, \"back_pain_score\": " + std::to_string(score) + "}}");
    ASSERT_EQ(c.exit_code, 0) << c;
    const json j = json::parse(c.out);
    EXPECT_EQ(j["date"], date);
    EXPECT_EQ(j["result"]["disposition"], "self_care");
  }
  // A second check-in on 2026-11-04: refused (exit 65) with that day's
  // answers and the choices; --same-day amend updates that day, no new one.
  RunResult again = Run(with({"checkin", id, "-", "--date", "2026-11-04", "--json"}),
                        R"({"findings": {"back_pain": true, "back_pain_score": 3}})");
  EXPECT_EQ(again.exit_code, 65) << again;
  EXPECT_EQ(again.out, "") << again;
  EXPECT_NE(again.err.find("has a check-in already"), std::string::npos) << again;
  EXPECT_NE(again.err.find(": 4\n"), std::string::npos) << again;  // the earlier score
  EXPECT_NE(again.err.find("--same-day amend"), std::string::npos) << again;
  RunResult amended = Run(with({"checkin", id, "-", "--date", "2026-11-04", "--same-day", "amend", "--json"}),
                          R"({"findings": {"back_pain": true, "back_pain_score": 3}})");
  ASSERT_EQ(amended.exit_code, 0) << amended;
  EXPECT_EQ(json::parse(amended.out)["seq"], 2);
  EXPECT_EQ(json::parse(amended.out)["replaced"], true);
  const std::string chart = (dir_ / "chart.svg").string();
  RunResult shown = Run(with({"show", id, "--chart", chart, "--color", "never"}));
  ASSERT_EQ(shown.exit_code, 0) << shown;
  EXPECT_NE(shown.out.find("2026-11-04"), std::string::npos) << shown;
  EXPECT_NE(shown.out.find("Advice for today"), std::string::npos) << shown;
  EXPECT_NE(ReadFile(chart).find("<svg"), std::string::npos);
  RunResult listed = Run(with({"list"}));
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed;
  RunResult exported = Run(with({"export", id}));
  ASSERT_EQ(exported.exit_code, 0) << exported;
  EXPECT_EQ(json::parse(exported.out)["checkins"].size(), 2u);
  RunResult deleted = Run(with({"delete", id}));
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  RunResult gone = Run(with({"show", id}));
  EXPECT_EQ(gone.exit_code, 65) << gone;
  EXPECT_NE(gone.err.find("error: "), std::string::npos) << gone;
}

// Bad input: a clear error and nothing written.
TEST_F(CliTest, EpisodeBadInputWritesNothing) {
  const std::string db = (dir_ / "ep.db").string();
  RunResult made = Run({"episode", "--db", db, "--today", "2026-11-30", "new", "--onset", "2026-11-10", "-"},
                       R"({"findings": {"age_years": 30}})");
  ASSERT_EQ(made.exit_code, 0) << made;
  const std::string id = made.out.substr(0, made.out.find('\n'));
  struct Case { std::vector<std::string> args; std::string in; std::string err; } cases[] = {
      {{"checkin", "ffffffffffffffffffffffffffffffff", "-"}, R"({"findings": {"back_pain": true}})", "not found"},
      {{"checkin", id, "-", "--date", "2026-11-01"}, R"({"findings": {"back_pain": true}})", "before the episode began"},
      {{"checkin", id, "-"}, R"({"findings": {"back_pain": tru}})", "error: $"},
      {{"checkin", id, "-"}, R"({"findings": {"back_pian": true}})", "did you mean 'back_pain'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"episode", "--db", db, "--today", "2026-11-30"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = Run(args, c.in);
    EXPECT_EQ(r.exit_code, 65) << r;
    EXPECT_TRUE(r.out.empty()) << r;
    EXPECT_NE(r.err.find(c.err), std::string::npos) << r;
  }
  RunResult exported = Run({"episode", "--db", db, "export", id});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  EXPECT_EQ(json::parse(exported.out)["checkins"].size(), 0u);
}

// On a terminal, batch mode draws a progress line with a bar (the input is a
// file of known size), erases it, and ends with the summary. Run under a
// pseudo-terminal, as a person at a shell would.
TEST_F(CliTest, BatchDrawsAProgressBarOnATerminal) {
  // One request per line: the multi-line sample folded onto one line.
  std::string one_line = kSelfCareRequest;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  std::string lines;
  for (int i = 0; i < 5000; ++i) lines += one_line + "\n";
  const std::string in = TempFile("requests.jsonl", lines);
  const std::string out = (dir_ / "results.jsonl").string();

  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0) << "forkpty: " << std::strerror(errno);
  if (pid == 0) {  // child: stdin, stdout and stderr are the terminal
    alarm(kTimeoutSeconds);
    execl(NOROTRIAGE_BINARY, NOROTRIAGE_BINARY, "batch", in.c_str(), "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string screen;
  char buf[4096];
  while (true) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, kTimeoutSeconds * 1000) <= 0) break;
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has exited and closed the terminal
    screen.append(buf, static_cast<size_t>(n));
  }
  close(master);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << screen;
  EXPECT_EQ(WEXITSTATUS(status), 0) << screen;
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(\r\x1b\[K\[[#.]{20}\] +[0-9]+%  [0-9,]+ lines)"))) << screen;
  EXPECT_NE(screen.find("\r\x1b[Kbatch: 5000 lines, 5000 results, 0 errors"), std::string::npos) << screen;
  const std::string results = ReadFile(out);
  EXPECT_EQ(std::count(results.begin(), results.end(), '\n'), 5000);
}

}  // namespace
}  // namespace norotriage
