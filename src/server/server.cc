// Serve: the store, the event loop (event_loop.h) around the App (app.h),
// signals and shutdown.
//
// Signals are taken by a dedicated thread with sigtimedwait (no work in a
// signal handler): the first SIGINT/SIGTERM starts the App's stopping (every
// reply says "Connection: close") and the loop's shutdown; the second, or
// the shutdown timeout, ends the process at once.
#include "server/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
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
#include "server/event_loop.h"
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

// Lets the process hold as many connections as it may open: the soft limit
// on descriptors is often 1,024, the hard one much higher.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Takes SIGINT/SIGTERM and shuts `loop` down; see the file comment.
void WaitForSignals(App& app, EventLoop& loop, const sigset_t& signals, const std::atomic<bool>& done,
                    int shutdown_timeout_seconds) {
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
    if (sig > 0) loop.Shutdown();
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
  RaiseDescriptorLimit();
  EventLoop loop(app);
  auto port = loop.Listen(o.host, o.port);
  if (!port.ok()) {
    fmt::print(stderr, "error: cannot listen on {}:{} (is the address valid and the port free?)\n", o.host, o.port);
    return kServeUnavailable;
  }
  const std::string listen_url = fmt::format("http://{}:{}", HostForUrl(o.host), *port);

  if (Status s = app.Install(o.public_url.empty() ? listen_url : o.public_url); !s.ok()) {
    fmt::print(stderr, "error: registering the routes failed: {}\n", s.message());
    return kServeSoftware;
  }

  LogLine(fmt::format("norotriage {} (knowledge base {}), store {}, {} I/O threads", NOROTRIAGE_VERSION,
                      kb->version(), app.context().store->backend(), loop.threads()));
  std::fputs(fmt::format("norotriage listening on {}\n", listen_url).c_str(), stdout);
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread signal_thread([&] { WaitForSignals(app, loop, signals, done, o.shutdown_timeout_seconds); });
  const Status ran = loop.Run();
  done = true;
  signal_thread.join();
  if (!ran.ok()) {
    LogLine(fmt::format("error: {}", ran.message()));
    return kServeSoftware;
  }
  LogLine("stopped");
  return kServeOk;
}

}  // namespace norotriage::server
