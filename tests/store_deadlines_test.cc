// The client-side deadlines of the PostgreSQL store (include/norotriage/store.h):
// the parameters added to a URL, and a server that accepts a connection but
// never answers. (The server-side ones are tested against a real server in
// tests/pg/store_pg_test.cc; SQLite's busy timeout in the Store suite,
// tests/store_append_test.cc.)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "norotriage/store.h"
#include "store/store_internal.h"

namespace norotriage {
namespace {

constexpr char kAdded[] =
    "connect_timeout=2&keepalives=1&keepalives_idle=5&keepalives_interval=2&keepalives_count=3&"
    "tcp_user_timeout=10000";

TEST(WithClientDeadlinesTest, AddsWhatTheUrlDoesNotSet) {
  if (std::getenv("PGCONNECT_TIMEOUT") != nullptr) GTEST_SKIP() << "PGCONNECT_TIMEOUT is set";
  const struct {
    std::string url;
    std::string want;
  } cases[] = {
      {"postgresql:///x", fmt::format("postgresql:///x?{}", kAdded)},
      {"postgresql://ann:pw@db:5433/x", fmt::format("postgresql://ann:pw@db:5433/x?{}", kAdded)},
      {"postgresql:///x?", fmt::format("postgresql:///x?{}", kAdded)},
      {"postgresql:///x?sslmode=require", fmt::format("postgresql:///x?sslmode=require&{}", kAdded)},
      // What the URL sets, it keeps.
      {"postgresql:///x?connect_timeout=9&keepalives=0",
       "postgresql:///x?connect_timeout=9&keepalives=0&keepalives_idle=5&keepalives_interval=2&"
       "keepalives_count=3&tcp_user_timeout=10000"},
      {"postgresql:///x?tcp_user_timeout=0&keepalives_count=9&",
       "postgresql:///x?tcp_user_timeout=0&keepalives_count=9&connect_timeout=2&keepalives=1&"
       "keepalives_idle=5&keepalives_interval=2"},
  };
  for (const auto& c : cases) EXPECT_EQ(internal::WithClientDeadlines(c.url), c.want) << c.url;
}

// A listening socket that never accepts: the kernel completes the TCP
// handshake, so libpq's connection "succeeds" and then waits for an answer
// that never comes. Store::Open must give up (connect_timeout) with
// Unavailable. The 30 s watchdog only turns a hang into a failure: it closes
// the socket, which resets the waiting connection.
TEST(PostgresDeadlineTest, ServerThatNeverAnswersIsUnavailable) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url =
      fmt::format("postgresql://nobody@127.0.0.1:{}/nowhere?sslmode=disable", ntohs(addr.sin_port));

  const auto start = std::chrono::steady_clock::now();
  auto opening = std::async(std::launch::async, [&] { return Store::Open(url); });
  const bool returned = opening.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  close(listener);
  Result<std::unique_ptr<Store>> store = opening.get();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(returned) << "Store::Open still waiting after 30 s: no connect_timeout";
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable) << store.status().ToString();
  std::cout << fmt::format("[ figures  ] gave up after {:.2f} s: {}\n", secs, store.status().ToString());
}

}  // namespace
}  // namespace norotriage
