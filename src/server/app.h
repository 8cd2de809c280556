// The application behind `norotriage serve`, without a socket: an HttpServer
// configured as serve configures it, with the hygiene every route shares
// (request ids, refusals of chunked, compressed, oversized and unknown-method
// requests, JSON errors, security headers, the access log; see app.cc) and
// the four route modules, together with the state they share (the episode
// service, the shutdown flag, the count of requests in flight).
//
// Serve (server.cc) binds an App's server to a port and listens. Tests and
// the HTTP fuzzer (fuzz/http_fuzzer.cc) feed it raw bytes instead, through
// HandleRawForTesting: the same handlers, with no socket and no thread.
//
// Thread safety: construct and Install on one thread, before serving. While
// serving, httplib calls the handlers from its worker threads (the App's
// state is atomic or read-only). HandleRawForTesting and SetStoreForTesting
// must not run while the server listens, nor concurrently with each other.
// Not copyable or movable: the handlers keep pointers into the App.
#ifndef NOROTRIAGE_SERVER_APP_H_
#define NOROTRIAGE_SERVER_APP_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "norotriage/episode.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"
#include "norotriage/store.h"
#include "server/http_util.h"
#include "server/server.h"
#include "server/server_context.h"

namespace norotriage::server {

class App {
 public:
  // Configures the server from `options` (limits, timeouts, keep-alive, test
  // hooks; host, port, db and public_url are not used here). Borrows `store`
  // and `clock`: both must outlive the App. Registers no route yet.
  App(const ServeOptions& options, std::shared_ptr<const KnowledgeBase> kb, Store* store, const Clock* clock);
  App(const App&) = delete;  // the handlers keep pointers into it
  App& operator=(const App&) = delete;

  // Installs the hygiene handlers and registers the four route modules.
  // `base_url` is the base of absolute links in FHIR and CDS answers
  // ("http://127.0.0.1:8080"); trailing slashes are dropped. Internal, with
  // the exception's message, if a route module throws while registering.
  // REQUIRES: called once, before serving.
  [[nodiscard]] Status Install(std::string base_url);

  HttpServer& http() { return http_; }
  const ServerContext& context() const { return ctx_; }

  // Starts the shutdown: from now on every reply says "Connection: close".
  // Returns whether it had been started already.
  bool BeginStopping() { return stopping_.exchange(true); }
  bool stopping() const { return stopping_.load(); }
  // Requests that have passed the pre-routing handler and whose reply has
  // not been logged yet.
  int in_flight() const { return in_flight_.load(); }

  // Runs httplib's request loop over `bytes` as over one connection: the
  // requests in it one after the other (keep-alive, pipelining), until the
  // bytes run out, a request cannot be read, or a reply closes the
  // connection. Returns every byte written in reply ("" for none).
  // REQUIRES: Install has succeeded; not while the server listens.
  std::string HandleRawForTesting(std::string_view bytes);

  // Serves the episode endpoints from `store` from now on (a fresh store per
  // fuzz input keeps runs reproducible). Borrows `store` as the constructor
  // does. REQUIRES: no request is being handled.
  void SetStoreForTesting(Store* store);

 private:
  std::unique_ptr<Episodes> episodes_;  // on ctx_.store
  const Clock* clock_;                  // borrowed
  ServerContext ctx_;                   // the route handlers keep a reference
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  bool installed_ = false;
  HttpServer http_;  // last: destroyed first, its handlers point at the members above
};

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_APP_H_
