// Which handler answers a request: the contract's paths and methods, the probes, and the
// 400, 404 and 405 answers for everything else. Pure: no sockets, so it is tested as a function.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "api/api_handlers.hpp"
#include "api/authentication.hpp"
#include "api/health.hpp"
#include "api/probes.hpp"
#include "api/request.hpp"
#include "auth/key_store.hpp"

namespace gateway::api {

// GET /journal/conflicts: the body (a JSON document), or nullopt where there is no
// journal (no database configured): then the path is a 404.
using JournalConflicts = std::function<std::optional<std::string>()>;

// GET /metrics: the Prometheus page. Empty where metrics are not served on this listener:
// then the path is a 404.
using MetricsPage = std::function<std::string()>;

// Who may use which route. Without a key store every route is open, as before keys.
struct AccessRules {
    const auth::KeyStore* keys = nullptr;  // outlives the router
    bool protect_docs = false;             // API_KEYS_PROTECT_DOCS
};

class Router {
  public:
    Router(ApiHandlers& apis, DatabaseHealthCheck database_health, ReadinessCheck readiness,
           JournalConflicts journal_conflicts = {}, MetricsPage metrics_page = {},
           AccessRules access = {})
        : apis_(apis),
          database_health_(std::move(database_health)),
          readiness_(std::move(readiness)),
          journal_conflicts_(std::move(journal_conflicts)),
          metrics_page_(std::move(metrics_page)),
          access_(access) {}

    // The answer, with the template of the route that gave it in Response::route and who
    // asked in Response::actor. A route that needs a key is refused (401, 403) before
    // its handler runs.
    boost::asio::awaitable<Response> route(const Request& request);

  private:
    // The answer; sets `route_template` once the path is matched and `actor` once the
    // request is authenticated (it views `keys`, null without a key store).
    boost::asio::awaitable<Response> dispatch(const Request& request, const auth::KeySet* keys,
                                              std::string_view& route_template,
                                              std::string_view& actor);

    ApiHandlers& apis_;
    DatabaseHealthCheck database_health_;
    ReadinessCheck readiness_;
    JournalConflicts journal_conflicts_;
    MetricsPage metrics_page_;
    AccessRules access_;
};

}  // namespace gateway::api
