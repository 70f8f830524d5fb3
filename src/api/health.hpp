// GET /health: the service and the state of its storage.
#pragma once

#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "api/request.hpp"

namespace gateway::api {

// The "database" member of /health. `details` holds additive fields (latency, pool
// figures, the source chosen); it is empty for the in-memory row, which the contract
// fixes key for key.
struct DatabaseHealth {
    std::string status;  // healthy | degraded | unhealthy
    std::string type;    // postgresql | in-memory
    std::string message;
    bool using_primary = false;
    boost::json::object details;
};

// Whoever owns the storage answers this; it must bound its own wait.
using DatabaseHealthCheck = std::function<boost::asio::awaitable<DatabaseHealth>()>;

// 200 unless the database is unhealthy, then 503.
Response health_response(const DatabaseHealth& database);

}  // namespace gateway::api
