// `norotriage serve`: the HTTP service around the engine.
//
// Serve loads nothing itself: it opens the episode store, builds the
// ServerContext, lets the four route modules register their routes (API,
// web page, FHIR, CDS Hooks), and serves until SIGINT or SIGTERM.
//
// What every response gets, whichever module answers (see server.cc):
//   - errors as JSON ({"error": {"code", "message", "path"?}}), also for
//     unknown paths (404), wrong methods (405, with Allow), bodies over the
//     limit (413), chunked bodies (411), compressed bodies (415), malformed
//     HTTP (400), and exceptions (500; never a crash);
//   - X-Request-Id, X-Content-Type-Options: nosniff, and Cache-Control:
//     no-store unless the handler set its own;
//   - one access-log line on stderr: time, request id, method, route pattern,
//     status, milliseconds. Never a body, a finding, a token or a raw path.
//
// Shutdown: the first SIGINT/SIGTERM stops accepting connections (the
// listening socket is closed); requests in flight run to the end and are
// answered with "Connection: close"; then Serve returns 0. Connections
// accepted but not yet started are closed unanswered. If requests are still
// running after `shutdown_timeout_seconds`, or a second signal comes, the
// process exits at once with status 1 (or 128 + signal).
//
// Thread safety: Serve blocks SIGINT and SIGTERM in the calling thread and
// so in every thread started after it; call it from the main thread before
// starting any other thread.
#ifndef NOROTRIAGE_SERVER_SERVER_H_
#define NOROTRIAGE_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "norotriage/knowledge_base.h"
#include "server/server_context.h"

namespace norotriage::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                   // 0: any free port (the one chosen is printed)
  std::string db;                    // SQLite path or postgresql:// URL; "" = DefaultDatabasePath()
  std::string public_url;            // base of absolute links; "" = the listening address
  ServerLimits limits;
  int shutdown_timeout_seconds = 10;
  // Honour the X-Delay-Ms-For-Testing and X-Fail-For-Testing headers
  // (cmd_serve sets it only when NOROTRIAGE_TESTING=1).
  bool test_hooks_for_testing = false;
};

// Exit statuses of Serve.
constexpr int kServeOk = 0;
constexpr int kServeForcedExit = 1;    // requests still running at the shutdown timeout
constexpr int kServeUnavailable = 69;  // cannot listen, or cannot open an SQLite store
constexpr int kServeSoftware = 70;     // a route module failed to register, or accept failed

// Serves until SIGINT or SIGTERM, then shuts down as described above, and
// returns an exit status. Prints exactly one line on stdout, flushed, once
// the port is open: "norotriage listening on http://HOST:PORT". Errors and
// the access log go to stderr.
// A PostgreSQL store that cannot be reached at start is opened later on
// demand (the episode endpoints answer 503 meanwhile); any other store error
// ends Serve before it listens.
int Serve(const ServeOptions& options, std::shared_ptr<const KnowledgeBase> kb);

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_SERVER_H_
