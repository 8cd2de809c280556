// The application behind `norotriage serve`, without a socket: the routes
// of the four route modules, with the hygiene every route shares (request
// ids, refusals of compressed bodies and unknown methods, JSON errors, CORS,
// security headers, the access log; see app.cc), together with the state
// they share (the episode service, the shutdown flag, the count of requests
// in flight).
//
// A request goes through three steps, each a method here:
//   Route   (I/O thread)  finds the handler, or answers at once (404, 405,
//                         415, an OPTIONS preflight);
//   Run     (I/O thread, or the store pool for routes that use the store)
//                         runs the handler;
//   Finish  (I/O thread)  adds what every reply carries and logs the line.
// The event loop (event_loop.h) drives them over sockets. Tests and the HTTP
// fuzzer (fuzz/http_fuzzer.cc) feed raw bytes instead, through
// HandleRawForTesting: the same reader, steps and handlers, with no socket.
//
// Thread safety: construct and Install on one thread, before serving. While
// serving, Route/Run/Finish may be called from any threads for different
// exchanges (the App's state is atomic or read-only). HandleRawForTesting
// and SetStoreForTesting must not run while serving, nor concurrently with
// each other. Not copyable or movable: the handlers keep pointers into it.
#ifndef NOROTRIAGE_SERVER_APP_H_
#define NOROTRIAGE_SERVER_APP_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "norotriage/episode.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"
#include "norotriage/store.h"
#include "server/http_message.h"
#include "server/router.h"
#include "server/server.h"
#include "server/server_context.h"

namespace norotriage::server {

// One request on its way through the App.
struct Exchange {
  HttpRequest request;
  HttpResponse response;
  std::string id;  // the request id (X-Request-Id, the log)
  std::chrono::steady_clock::time_point start;
  std::string route;                    // the route's pattern for the log; "" when none
  const HttpHandler* handler = nullptr; // set by Route when a handler is to run
  bool uses_store = false;              // the handler runs on the store pool
  int delay_ms = 0;                     // X-Delay-Ms-For-Testing (test hooks only)
  bool counted = false;                 // in App::in_flight()
};

class App {
 public:
  // Configures the application from `options` (limits, test hooks; host,
  // port, db and public_url are not used here). Borrows `store` and `clock`:
  // both must outlive the App. Registers no route yet.
  App(const ServeOptions& options, std::shared_ptr<const KnowledgeBase> kb, Store* store, const Clock* clock);
  App(const App&) = delete;  // the handlers keep pointers into it
  App& operator=(const App&) = delete;

  // Registers the four route modules. `base_url` is the base of absolute
  // links in FHIR and CDS answers ("http://127.0.0.1:8080"); trailing
  // slashes are dropped. Internal, with the exception's message, if a route
  // module throws while registering. REQUIRES: called once, before serving.
  [[nodiscard]] Status Install(std::string base_url);

  // The steps of a request (see the file comment). Route returns whether a
  // handler is to run (ex.handler); if not, ex.response is the answer.
  bool Route(Exchange& ex);
  void Run(Exchange& ex);
  // Returns whether the connection is to be closed after this reply.
  bool Finish(Exchange& ex);

  // The reply to bytes that are not a request (RequestReader's error: 400,
  // 408, 411, 413, 414, 431) or to a connection refused when the server is
  // full (503), logged as refused before routing. `request` is what was read
  // of it (for the log's method and CORS), or nullptr. The connection is
  // always closed after it.
  HttpResponse Refusal(int status, std::string_view message, const HttpRequest* request);
  // The reply when a handler on the store pool missed its deadline or could
  // not be queued: 503, and the access log line. The exchange is finished.
  void FinishUnavailable(Exchange& ex, std::string_view message);

  // A routed request that will not be answered (its connection closed):
  // no longer in flight. Touches nothing but ex.counted.
  void Abandon(Exchange& ex);

  const ServerContext& context() const { return ctx_; }
  const ServerLimits& limits() const { return ctx_.limits; }

  // Starts the shutdown: from now on every reply says "Connection: close".
  // Returns whether it had been started already.
  bool BeginStopping() { return stopping_.exchange(true); }
  bool stopping() const { return stopping_.load(); }
  // Requests routed and not finished yet.
  int in_flight() const { return in_flight_.load(); }

  // Reads and answers the requests in `bytes` as over one connection whose
  // client sent them and then nothing more (keep-alive, pipelining), until
  // the bytes run out or a reply closes the connection. Handlers run on the
  // calling thread; a test delay sleeps. Returns every byte written in reply
  // ("" for none); no "100 Continue" is written.
  // REQUIRES: Install has succeeded; not while serving.
  std::string HandleRawForTesting(std::string_view bytes);

  // Serves the episode endpoints from `store` from now on (a fresh store per
  // fuzz input keeps runs reproducible). Borrows `store` as the constructor
  // does. REQUIRES: no request is being handled.
  void SetStoreForTesting(Store* store);

 private:
  std::unique_ptr<Episodes> episodes_;  // on ctx_.store
  const Clock* clock_;                  // borrowed
  ServerContext ctx_;                   // the route handlers keep a reference
  Router router_;
  bool test_hooks_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  bool installed_ = false;
};

// The bytes of a reply: its head and, unless the request was HEAD, its body.
std::string SerializeReply(const Exchange& ex, bool close);

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_APP_H_
