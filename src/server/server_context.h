// What every HTTP route module shares: the knowledge base, the episode store
// and service, the clock, and the limits. Each module adds its routes with
// one Register…Routes function, so modules do not reach into each other.
//
// Thread safety: httplib calls handlers from a thread pool. The knowledge
// base is immutable; Store and Episodes are thread-safe (see their headers).
#ifndef NOROTRIAGE_SERVER_SERVER_CONTEXT_H_
#define NOROTRIAGE_SERVER_SERVER_CONTEXT_H_

#include <cstddef>
#include <memory>
#include <string>

#include <httplib.h>

#include "norotriage/episode.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/store.h"

namespace norotriage::server {

struct ServerLimits {
  size_t max_body_bytes = 64 * 1024;  // larger bodies: 413
  int read_timeout_seconds = 5;       // slow clients are cut off
  int write_timeout_seconds = 5;
  int threads = 8;
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
void RegisterApiRoutes(httplib::Server& http, ServerContext& ctx);   // /v1/…, /healthz
void RegisterWebRoutes(httplib::Server& http, ServerContext& ctx);   // /, /app/… (the web page)
void RegisterFhirRoutes(httplib::Server& http, ServerContext& ctx);  // /fhir/…
void RegisterCdsRoutes(httplib::Server& http, ServerContext& ctx);   // /cds-services…

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_SERVER_CONTEXT_H_
