// Serve: the store, the listening socket, and shutdown. The configured
// application (hygiene and routes) is an App (app.h), built here and bound to
// the socket.
//
// How httplib 0.11 behaves, and what this file does about it:
//   - Server::stop() closes the listening socket. The accept loop then ends,
//     and ThreadPool::shutdown() joins the workers once their queue is empty,
//     so listen_after_bind() returns only after every connection a worker
//     had taken is finished: requests in flight complete. A worker leaves a
//     keep-alive connection after its current request (it checks the closed
//     listening socket between requests), but may first wait up to the
//     keep-alive timeout for a next request on an idle one.
//   - stop() does nothing before the accept loop has started, and must not
//     be called twice (it asserts). A dedicated thread takes the signals
//     with sigtimedwait (no work in a signal handler) and calls stop() once,
//     when is_running().
#include "server/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <typeinfo>

#include <fmt/format.h>

#include "norotriage/episode.h"
#include "norotriage/store.h"
#include "server/app.h"
#include "server/http_util.h"
#include "server/reconnecting_store.h"

namespace norotriage::server {
namespace {

bool IsPostgresUrl(std::string_view url) {
  auto starts = [&](std::string_view p) {
    return url.size() >= p.size() && EqualsNoCase(url.substr(0, p.size()), p);
  };
  return starts("postgresql://") || starts("postgres://");
}

// Opens the store; a PostgreSQL store that cannot be reached yet is opened later.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  auto opened = Store::Open(url);
  if (opened.ok()) return std::move(opened).value();
  if (IsPostgresUrl(url) && opened.status().code() == Status::Code::kUnavailable) {
    LogLine(fmt::format("store unavailable: {}; serving anyway, episode endpoints answer 503 until it can be reached",
                        opened.status().message()));
    return std::unique_ptr<Store>(std::make_unique<ReconnectingStore>(url, opened.status()));
  }
  return opened.status();
}

std::string HostForUrl(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// Takes SIGINT/SIGTERM and stops `http`; see the file comment.
void WaitForSignals(App& app, const sigset_t& signals, const std::atomic<bool>& done,
                    int shutdown_timeout_seconds) {
  HttpServer& http = app.http();
  bool stop_called = false;
  std::chrono::steady_clock::time_point deadline;
  while (!done.load()) {
    timespec tick{0, 50 * 1000 * 1000};
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (done.load()) return;
    if (sig > 0) {
      if (app.BeginStopping()) {
        LogLine(fmt::format("second signal {}: exiting now", sig));
        std::_Exit(128 + sig);
      }
      LogLine(fmt::format("signal {}: stopping; finishing {} request(s) in flight", sig,
                          app.in_flight()));
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(shutdown_timeout_seconds);
    }
    if (!app.stopping()) continue;
    if (!stop_called && http.is_running()) {
      http.stop();
      stop_called = true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      LogLine(fmt::format("{} request(s) still running after {} s: exiting now", app.in_flight(),
                          shutdown_timeout_seconds));
      std::_Exit(kServeForcedExit);
    }
  }
}

}  // namespace

int Serve(const ServeOptions& o, std::shared_ptr<const KnowledgeBase> kb) {
  // Block the signals before any thread exists: every thread inherits the
  // mask, and only the signal thread takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  signal(SIGINT, SIG_DFL);  // an inherited SIG_IGN would drop them before sigtimedwait
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the process
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string url = o.db.empty() ? DefaultDatabasePath() : o.db;
  auto store = OpenStore(url);
  if (!store.ok()) {
    fmt::print(stderr, "error: {}\n", store.status().message());
    return store.status().code() == Status::Code::kUnavailable ? kServeUnavailable : kServeSoftware;
  }
  SystemClock clock;
  App app(o, kb, store->get(), &clock);

  HttpServer& http = app.http();
  const int port = o.port == 0 ? http.bind_to_any_port(o.host) : (http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port <= 0) {
    fmt::print(stderr, "error: cannot listen on {}:{} (is the address valid and the port free?)\n", o.host, o.port);
    return kServeUnavailable;
  }
  http.SetListenBacklog(SOMAXCONN);
  const std::string listen_url = fmt::format("http://{}:{}", HostForUrl(o.host), port);

  if (Status s = app.Install(o.public_url.empty() ? listen_url : o.public_url); !s.ok()) {
    fmt::print(stderr, "error: registering the routes failed: {}\n", s.message());
    return kServeSoftware;
  }

  LogLine(fmt::format("norotriage {} (knowledge base {}), store {}, {} threads", NOROTRIAGE_VERSION, kb->version(),
                      app.context().store->backend(), o.limits.threads));
  std::fputs(fmt::format("norotriage listening on {}\n", listen_url).c_str(), stdout);
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread signal_thread(
      [&] { WaitForSignals(app, signals, done, o.shutdown_timeout_seconds); });
  bool ok = false;
  try {
    ok = http.listen_after_bind();
  } catch (const std::exception& e) {
    LogLine(fmt::format("error: the server failed: exception {}", typeid(e).name()));
  }
  done = true;
  signal_thread.join();
  if (!ok) {
    LogLine("error: accepting connections failed");
    return kServeSoftware;
  }
  LogLine("stopped");
  return kServeOk;
}

}  // namespace norotriage::server
