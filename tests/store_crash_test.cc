// Crash safety of the SQLite store: a writer process (tools/store_writer.cc)
// adds check-ins and prints each seq once AddCheckin has returned OK; we kill
// it with SIGKILL at a random moment, reopen the database and check that
//   - every acknowledged check-in is there, byte for byte;
//   - the seqs are 1..n without a gap, n being the acknowledged count or one
//     more (committed, killed before it could print);
//   - PRAGMA integrity_check and foreign_key_check find nothing wrong.
// Twenty cycles, each on a fresh database; all must pass. The seed is printed
// so a failure can be replayed (NOROTRIAGE_CRASH_SEED=…).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "norotriage/store.h"
#include "store_test_suite.h"
#include "tools/store_writer.h"

#ifndef NOROTRIAGE_STORE_WRITER
#error "NOROTRIAGE_STORE_WRITER must name the built norotriage_store_writer (set by CMakeLists.txt)"
#endif

namespace norotriage {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kCycles = 20;
constexpr int kMinDelayMs = 20;
constexpr int kMaxDelayMs = 200;

struct KilledRun {
  bool killed = false;          // ended by our SIGKILL (not by itself)
  std::string how;              // how it ended, for messages
  std::vector<int64_t> acked;   // the seqs it printed, in order
  std::string err;              // its stderr
};

// Starts the writer on `db`, kills it after `delay`, and collects what it printed.
KilledRun RunAndKill(const fs::path& db, std::chrono::milliseconds delay) {
  KilledRun run;
  const fs::path err_path = db.parent_path() / "writer.stderr";
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return run;
  }
  std::string writer = NOROTRIAGE_STORE_WRITER;
  std::string db_arg = db.string();
  char* argv[] = {writer.data(), db_arg.data(), nullptr};
  const Clock::time_point start = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return run;
  }
  if (pid == 0) {  // child: only async-signal-safe calls from here on
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err < 0 || dup2(out[1], 1) < 0 || dup2(err, 2) < 0) _exit(126);
    alarm(60);  // a writer that outlives the test anyway is stopped
    execv(argv[0], argv);
    _exit(127);
  }
  close(out[1]);

  // Read while waiting, so a full pipe never blocks the writer.
  std::string text;
  char buf[4096];
  const Clock::time_point deadline = start + delay;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      break;  // the writer ended by itself: reported below
    }
  }
  kill(pid, SIGKILL);
  for (;;) {  // what it printed before it died
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  run.how = WIFSIGNALED(status) ? fmt::format("signal {}", WTERMSIG(status))
                                : fmt::format("exit {}", WEXITSTATUS(status));
  std::ifstream err_in(err_path);
  run.err.assign(std::istreambuf_iterator<char>(err_in), std::istreambuf_iterator<char>());

  // Whole lines only (a line is one write(), so none is torn, but be strict).
  std::istringstream lines(text.substr(0, text.rfind('\n') + 1));
  std::string line;
  while (std::getline(lines, line)) run.acked.push_back(std::stoll(line));
  return run;
}

// Checks the database after the kill; returns how many check-ins it holds.
int64_t CheckSurvivors(const fs::path& db, const std::vector<int64_t>& acked) {
  for (size_t i = 0; i < acked.size(); ++i) {
    if (acked[i] != static_cast<int64_t>(i + 1)) {
      ADD_FAILURE() << "the writer acknowledged seq " << acked[i] << " in place " << i + 1;
      return -1;
    }
  }
  int64_t stored = 0;
  {
    Result<std::unique_ptr<Store>> store = Store::Open(db.string());
    if (!store.ok()) {
      ADD_FAILURE() << "reopening after the kill: " << store.status().ToString();
      return -1;
    }
    Result<std::vector<CheckinRecord>> checkins = (*store)->GetCheckins(kStoreWriterEpisodeId);
    if (!checkins.ok()) {
      // Killed before the episode was committed: then nothing was acknowledged.
      EXPECT_EQ(checkins.status().code(), Status::Code::kNotFound) << checkins.status().ToString();
      EXPECT_TRUE(acked.empty()) << acked.size() << " acknowledged but the episode is missing";
    } else {
      stored = static_cast<int64_t>(checkins->size());
      const int64_t n_acked = static_cast<int64_t>(acked.size());
      EXPECT_GE(stored, n_acked) << "acknowledged check-ins were lost";
      EXPECT_LE(stored, n_acked + 1) << "more check-ins than one in flight";
      for (int64_t i = 0; i < stored; ++i) {
        const CheckinRecord& c = (*checkins)[i];
        EXPECT_EQ(c.seq, i + 1) << "seqs are not 1..n";
        EXPECT_TRUE(c.request_json == StoreWriterRequestJson(i + 1))
            << "request_json of seq " << i + 1 << " differs (" << c.request_json.size()
            << " bytes)";
        EXPECT_EQ(c.result_json, StoreWriterResultJson(i + 1));
        EXPECT_EQ(c.disposition, "self_care");
      }
    }
  }
  SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
  SQLite::Statement fk(raw, "PRAGMA foreign_key_check");
  EXPECT_FALSE(fk.executeStep()) << "foreign_key_check found an orphan";
  return stored;
}

TEST(StoreCrashTest, AcknowledgedCheckinsSurviveSigkill) {
  ASSERT_TRUE(fs::exists(NOROTRIAGE_STORE_WRITER)) << NOROTRIAGE_STORE_WRITER << " not built";
  uint32_t seed = std::random_device{}();
  if (const char* s = std::getenv("NOROTRIAGE_CRASH_SEED")) seed = std::strtoul(s, nullptr, 10);
  std::cout << "seed " << seed << " (replay with NOROTRIAGE_CRASH_SEED=" << seed << ")\n";
  RecordProperty("seed", std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(kMinDelayMs, kMaxDelayMs);

  int64_t total_acked = 0;
  int64_t total_stored = 0;
  const Clock::time_point start = Clock::now();
  for (int cycle = 1; cycle <= kCycles; ++cycle) {
    const int delay = delay_ms(rng);
    SCOPED_TRACE(fmt::format("cycle {} of {}, killed after {} ms (seed {})", cycle, kCycles,
                             delay, seed));
    ScopedTempDir dir;
    ASSERT_FALSE(dir.path().empty());
    const fs::path db = dir.path() / "crash.db";
    const KilledRun run = RunAndKill(db, std::chrono::milliseconds(delay));
    ASSERT_TRUE(run.killed) << "the writer ended by itself (" << run.how << "): " << run.err;
    const int64_t stored = CheckSurvivors(db, run.acked);
    ASSERT_FALSE(HasFailure());
    total_acked += static_cast<int64_t>(run.acked.size());
    total_stored += stored;
    std::cout << fmt::format("cycle {:2}: killed after {:3} ms: {:4} acknowledged, {:4} stored\n",
                             cycle, delay, run.acked.size(), stored);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << fmt::format("{} cycles in {:.2f} s; {} check-ins acknowledged, {} stored\n",
                           kCycles, seconds, total_acked, total_stored);
  // The kills must land while check-ins are being written, or this proves little.
  EXPECT_GT(total_acked, 0) << "no cycle got as far as a check-in before the kill";
}

}  // namespace
}  // namespace norotriage
