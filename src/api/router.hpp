// Which handler answers a request: the contract's paths and methods, and the 400, 404
// and 405 answers for everything else. Pure: no sockets, so it is tested as a function.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/api_handlers.hpp"
#include "api/health.hpp"
#include "api/request.hpp"

namespace gateway::api {

class Router {
  public:
    Router(ApiHandlers& apis, DatabaseHealthCheck database_health)
        : apis_(apis), database_health_(std::move(database_health)) {}

    boost::asio::awaitable<Response> route(const Request& request);

  private:
    ApiHandlers& apis_;
    DatabaseHealthCheck database_health_;
};

}  // namespace gateway::api
