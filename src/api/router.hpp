// Which handler answers a request: the contract's paths and methods, the probes, and the
// 400, 404 and 405 answers for everything else. Pure: no sockets, so it is tested as a function.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/api_handlers.hpp"
#include "api/health.hpp"
#include "api/probes.hpp"
#include "api/request.hpp"

namespace gateway::api {

class Router {
  public:
    Router(ApiHandlers& apis, DatabaseHealthCheck database_health, ReadinessCheck readiness)
        : apis_(apis),
          database_health_(std::move(database_health)),
          readiness_(std::move(readiness)) {}

    boost::asio::awaitable<Response> route(const Request& request);

  private:
    ApiHandlers& apis_;
    DatabaseHealthCheck database_health_;
    ReadinessCheck readiness_;
};

}  // namespace gateway::api
