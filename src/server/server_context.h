// What every HTTP route module shares: the knowledge base, the episode store
// and service, the clock, and the limits. Each module adds its routes with
// one Register…Routes function, so modules do not reach into each other.
//
// Thread safety: handlers run on the I/O threads and (routes that use the
// store) on the store pool. The knowledge base is immutable; Store and
// Episodes are thread-safe (see their headers).
#ifndef NOROTRIAGE_SERVER_SERVER_CONTEXT_H_
#define NOROTRIAGE_SERVER_SERVER_CONTEXT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "norotriage/episode.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/store.h"
#include "server/request_reader.h"
#include "server/router.h"

namespace norotriage::server {

// The limits and deadlines of `norotriage serve` (README, "Limits").
struct ServerLimits {
  HttpLimits http;                 // header, URL and body sizes (request_reader.h)
  int threads = 0;                 // I/O threads; 0: one per core
  int idle_timeout_seconds = 5;    // a connection with no request under way is closed
  int header_timeout_seconds = 10; // the whole header section, from its first byte
  int body_timeout_seconds = 10;   // the whole body, from the end of the header
  int write_timeout_seconds = 10;  // a reply the client does not read is dropped
  int max_connections = 10000;     // open at once; more get 503 and are closed
  int store_threads = 8;           // the store pool (event_loop.h)
  int store_queue = 256;           // requests waiting for it; more get 503 at once
  int store_deadline_ms = 1500;    // from the request's arrival: then 503
};

struct ServerContext {
  std::shared_ptr<const KnowledgeBase> kb;
  Store* store = nullptr;           // borrowed; outlives the server
  Episodes* episodes = nullptr;     // borrowed; outlives the server
  const Clock* clock = nullptr;     // borrowed
  ServerLimits limits;
  std::string base_url;             // e.g. "http://127.0.0.1:8080" (for links in FHIR/CDS answers)
};

// The route modules (src/server/routes_*.cc).
void RegisterApiRoutes(Router& http, ServerContext& ctx);   // /v1/…, /healthz
void RegisterWebRoutes(Router& http, ServerContext& ctx);   // /, /app/… (the web page)
void RegisterFhirRoutes(Router& http, ServerContext& ctx);  // /fhir/…
void RegisterCdsRoutes(Router& http, ServerContext& ctx);   // /cds-services…

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_SERVER_CONTEXT_H_
