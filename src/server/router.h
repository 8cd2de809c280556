// The routes of `norotriage serve`: patterns such as "/v1/episodes/{id}",
// where "{name}" stands for one non-empty path segment, each with a handler
// per method. The server answers 405 (with Allow) for a known path with
// another method, and logs a route's pattern rather than its path (which may
// carry ids).
//
// Thread safety: written while routes are registered (one thread, before
// serving), then only read.
#ifndef NOROTRIAGE_SERVER_ROUTER_H_
#define NOROTRIAGE_SERVER_ROUTER_H_

#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"

namespace norotriage::server {

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct RouteOptions {
  // Browser pages on any origin may call the route (FHIR and CDS Hooks:
  // stateless, no credentials): every reply carries
  // Access-Control-Allow-Origin: *, and an OPTIONS preflight for the path is
  // answered (AnswerPreflight), the server's own refusals included.
  bool any_origin = false;
  // The handler uses the episode store: it runs on the store pool, with a
  // deadline, never on an I/O thread (event_loop.h).
  bool uses_store = false;
};

class Router {
 public:
  struct Route {
    std::string pattern;                  // as registered: "/v1/episodes/{id}"
    std::vector<std::string> segments;    // "v1", "episodes", "{id}"
    bool literal = false;                 // no "{name}": matched by one string comparison
    std::vector<std::string> methods;     // "GET", "POST", …; HEAD is allowed with GET
    std::vector<HttpHandler> handlers;    // one per method
    RouteOptions options;
  };

  // REQUIRES: before serving; `method` one of GET, POST, PUT, PATCH, DELETE;
  // the same pattern registered again only with another method and the
  // same options' uses_store.
  void Add(std::string_view method, std::string_view pattern, HttpHandler handler, RouteOptions options = {});

  // The route whose pattern matches all of `path`, or nullptr; its "{name}"
  // segments are stored in *params, in order. The pointer lives as long as
  // the router.
  const Route* Find(std::string_view path, std::vector<std::string>* params) const;

  // The handler of `route` for `method` (HEAD uses GET's), or nullptr.
  static const HttpHandler* HandlerFor(const Route& route, std::string_view method);
  // "GET, HEAD, DELETE": the Allow header for a route.
  static std::string AllowHeader(const Route& route);

 private:
  std::deque<Route> routes_;  // a deque: Find's pointers stay valid across Add
};

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_ROUTER_H_
