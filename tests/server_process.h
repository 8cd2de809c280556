// A `norotriage serve` child process for tests, and raw-socket helpers:
// tests/server_test.cc and the hardening tests (malformed input, faults)
// start real servers with these. Every child has an alarm (it dies if a
// test hangs); the server gets NOROTRIAGE_TESTING=1, which enables the
// X-Delay-Ms-For-Testing and X-Fail-For-Testing request headers.
#ifndef NOROTRIAGE_TESTS_SERVER_PROCESS_H_
#define NOROTRIAGE_TESTS_SERVER_PROCESS_H_

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"

#ifndef NOROTRIAGE_BINARY
#error "NOROTRIAGE_BINARY must name the built CLI (set by CMakeLists.txt)"
#endif

extern char** environ;

namespace norotriage::testing_server {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

inline constexpr unsigned kChildAlarmSeconds = 60;  // a server left running dies of SIGALRM
inline constexpr int kStartTimeoutMs = 15000;

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A port nothing listens on (bound, then released).
inline int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return 1;
  }
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// One `norotriage serve` child process.
class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;  // owns a process
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() { Kill(); }

  // Starts `serve --port <port> --db <db> <extra>`; returns "" or what went wrong.
  // With `expect_listening`, waits for the "listening" line and reads the port.
  std::string Start(const fs::path& log_path, const std::vector<std::string>& args, bool expect_listening = true) {
    log_path_ = log_path;
    std::vector<std::string> argv_storage = {NOROTRIAGE_BINARY, "serve"};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "NOROTRIAGE_TESTING=", 19) != 0) env_storage.emplace_back(*e);
    }
    env_storage.emplace_back("NOROTRIAGE_TESTING=1");
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    int out[2];
    if (pipe(out) != 0) return std::string("pipe: ") + std::strerror(errno);
    pid_ = fork();
    if (pid_ < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid_ == 0) {  // child: async-signal-safe calls only
      const int err = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int in = open("/dev/null", O_RDONLY);
      if (err < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err, 2) < 0) _exit(126);
      close(out[0]);
      close(out[1]);
      alarm(alarm_seconds_);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    stdout_fd_ = out[0];
    if (!expect_listening) return "";
    std::string line;
    const auto deadline = Clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
    while (line.find('\n') == std::string::npos) {
      const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      const int left = static_cast<int>(left_ms.count());
      pollfd p{stdout_fd_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, left) <= 0) return "no 'listening' line in time; log:\n" + Log();
      char buf[256];
      const ssize_t n = read(stdout_fd_, buf, sizeof(buf));
      if (n <= 0) return "the server closed stdout before listening; log:\n" + Log();
      line.append(buf, static_cast<size_t>(n));
    }
    first_line_ = line.substr(0, line.find('\n'));
    const std::string prefix = "norotriage listening on http://127.0.0.1:";
    if (first_line_.rfind(prefix, 0) != 0) return "unexpected first line: " + first_line_;
    port_ = std::atoi(first_line_.c_str() + prefix.size());
    return port_ > 0 ? "" : "no port in: " + first_line_;
  }

  // The child's alarm (default kChildAlarmSeconds); set before Start.
  void set_alarm_seconds(unsigned seconds) { alarm_seconds_ = seconds; }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& first_line() const { return first_line_; }
  std::string Log() const { return ReadFile(log_path_); }

  testing_http::Client Client() const {
    testing_http::Client cli("127.0.0.1", port_);
    cli.set_connection_timeout(5, 0);
    cli.set_read_timeout(20, 0);
    cli.set_write_timeout(5, 0);
    return cli;
  }

  void Signal(int sig) const {
    if (pid_ > 0) kill(pid_, sig);
  }

  // Waits up to `timeout` for the exit; the exit status, or -1 (killed, or
  // still running: then killed).
  int Wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      if (r < 0 && errno != EINTR) break;
      if (Clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Kill();
    return -1;
  }

  // SIGTERM, then the exit status.
  int Stop() {
    Signal(SIGTERM);
    return Wait(std::chrono::seconds(15));
  }

 private:
  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (stdout_fd_ >= 0) {
      close(stdout_fd_);
      stdout_fd_ = -1;
    }
  }

  fs::path log_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  unsigned alarm_seconds_ = kChildAlarmSeconds;
  std::string first_line_;
};

// Sends raw bytes on a new connection; everything read until the server
// closes the connection or `wait` passes.
inline std::string RawExchange(int port, const std::string& bytes, std::chrono::milliseconds wait) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
    if (fd >= 0) close(fd);
    return out;
  }
  const auto deadline = Clock::now() + wait;
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    // Done once one whole response is in (the server keeps the connection).
    const size_t end = out.find("\r\n\r\n");
    const size_t length = out.find("Content-Length: ");
    if (end != std::string::npos && length != std::string::npos && length < end &&
        out.size() >= end + 4 + std::strtoul(out.c_str() + length + 16, nullptr, 10)) {
      break;
    }
  }
  close(fd);
  return out;
}

}  // namespace norotriage::testing_server

#endif  // NOROTRIAGE_TESTS_SERVER_PROCESS_H_
