// Which handler answers a request: the contract's paths and methods, the probes, and the
// 400, 404 and 405 answers for everything else. Pure: no sockets, so it is tested as a function.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "api/api_handlers.hpp"
#include "api/health.hpp"
#include "api/probes.hpp"
#include "api/request.hpp"

namespace gateway::api {

// GET /journal/conflicts: the body (a JSON document), or nullopt where there is no
// journal (no database configured): then the path is a 404.
using JournalConflicts = std::function<std::optional<std::string>()>;

// GET /metrics: the Prometheus page. Empty where metrics are not served on this listener:
// then the path is a 404.
using MetricsPage = std::function<std::string()>;

class Router {
  public:
    Router(ApiHandlers& apis, DatabaseHealthCheck database_health, ReadinessCheck readiness,
           JournalConflicts journal_conflicts = {}, MetricsPage metrics_page = {})
        : apis_(apis),
          database_health_(std::move(database_health)),
          readiness_(std::move(readiness)),
          journal_conflicts_(std::move(journal_conflicts)),
          metrics_page_(std::move(metrics_page)) {}

    // The answer, with the template of the route that gave it in Response::route.
    boost::asio::awaitable<Response> route(const Request& request);

  private:
    // The answer; sets `route_template` once the path is matched.
    boost::asio::awaitable<Response> dispatch(const Request& request,
                                              std::string_view& route_template);

    ApiHandlers& apis_;
    DatabaseHealthCheck database_health_;
    ReadinessCheck readiness_;
    JournalConflicts journal_conflicts_;
    MetricsPage metrics_page_;
};

}  // namespace gateway::api
