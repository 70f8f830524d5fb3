// What answers a request once it has arrived: the router, seen from the server.
#pragma once

#include <functional>

#include <boost/asio/awaitable.hpp>

#include "api/request.hpp"

namespace gateway::http {

using RequestHandler = std::function<boost::asio::awaitable<api::Response>(const api::Request&)>;

}  // namespace gateway::http
