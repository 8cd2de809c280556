// norotriage serve: the HTTP API (and the web page, FHIR and CDS Hooks
// modules) until SIGINT or SIGTERM. The work is in src/server/server.cc.
#include <cstdlib>
#include <cstring>
#include <memory>

#include "cli/commands.h"
#include "norotriage/store.h"
#include "server/server.h"

namespace norotriage::cli {
namespace {

// A phone number for a tel: link (IsCallNumber). CLI11 names the flag in
// its message: "--urgent-number: '11x' is not a phone number: …".
CLI::Validator CallNumberValidator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (IsCallNumber(s)) return std::string();
        return "'" + s + "' is not a phone number: use 2 to 15 digits, optionally after '+' (for example 999)";
      },
      "NUMBER");
}

}  // namespace

Command ServeCommand() {
  return {"serve", "Serve the HTTP API on this machine until SIGINT or SIGTERM (see README, \"Service\")",
          [](CLI::App* sub, const GlobalOptions* g) -> std::function<int()> {
            auto o = std::make_shared<server::ServeOptions>();
            sub->add_option("--host", o->host, "Address to listen on")->capture_default_str();
            sub->add_option("--port", o->port, "Port to listen on; 0 picks a free one (printed at start)")
                ->check(CLI::Range(0, 65535))
                ->capture_default_str();
            sub->add_option("--db", o->db,
                            "SQLite file or postgresql:// URL for episodes (default: " + DefaultDatabasePath() + ")");
            sub->add_option("--threads", o->limits.threads, "I/O threads (default: one per core)")
                ->check(CLI::Range(1, 1024));
            sub->add_option("--idle-timeout", o->limits.idle_timeout_seconds,
                            "Seconds a connection with no request under way is kept open (keep-alive)")
                ->check(CLI::Range(1, 3600))
                ->capture_default_str();
            sub->add_option("--max-connections", o->limits.max_connections,
                            "Connections open at once; more get 503 and are closed")
                ->check(CLI::Range(1, 1000000))
                ->capture_default_str();
            sub->add_option("--public-url", o->public_url,
                            "Base URL of absolute links when behind a proxy (default: the listening address)");
            sub->add_option("--shutdown-timeout", o->shutdown_timeout_seconds,
                            "Seconds to let requests in flight finish after SIGTERM before exiting anyway")
                ->check(CLI::Range(1, 3600))
                ->capture_default_str();
            // The numbers the page's emergency and urgent banners call (tel:
            // links), shown as numbers; results carry them in "call".
            auto call = std::make_shared<CallNumbers>();
            sub->add_option("--emergency-number", call->emergency,
                            "Phone number for an emergency (an ambulance), e.g. 999 (default: the knowledge "
                            "base's, for its country; GET /v1/knowledge \"call\")")
                ->check(CallNumberValidator());
            sub->add_option("--urgent-number", call->urgent,
                            "Phone number for urgent advice that is not an emergency, e.g. 111 (default: the "
                            "knowledge base's)")
                ->check(CallNumberValidator());
            return [o, g, call]() -> int {
              auto kb = LoadKnowledgeBase(*g);
              if (!kb) return kExitSoftware;
              if (!call->emergency.empty() || !call->urgent.empty()) kb = kb->WithCallNumbers(*call);
              // Test-only request headers (X-Delay-Ms-For-Testing, …): off
              // unless the environment asks, so a deployment never has them.
              const char* testing = std::getenv("NOROTRIAGE_TESTING");
              o->test_hooks_for_testing = testing != nullptr && std::strcmp(testing, "1") == 0;
              return server::Serve(*o, kb);
            };
          }};
}

}  // namespace norotriage::cli
