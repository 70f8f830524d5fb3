// GET /health: the service and the state of its storage.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "api/request.hpp"
#include "domain/health_status.hpp"

namespace gateway::api {

// The "database" member of /health. `details` holds additive fields (latency, pool
// figures, the source chosen); it is empty for the in-memory row, which the contract
// fixes key for key.
struct DatabaseHealth {
    domain::HealthStatus status = domain::HealthStatus::unhealthy;
    std::string type;  // postgresql | in-memory
    std::string message;
    bool using_primary = false;
    boost::json::object details;
};

// Whoever owns the storage answers this; it must bound its own wait.
using DatabaseHealthCheck = std::function<boost::asio::awaitable<DatabaseHealth>()>;

// "healthy", "degraded" or "unhealthy": the status as JSON carries it.
std::string_view health_status_name(domain::HealthStatus status);

// 200 unless the database is unhealthy, then 503.
Response health_response(const DatabaseHealth& database);

}  // namespace gateway::api
