#include "api/health.hpp"

#include <boost/json/serialize.hpp>

namespace gateway::api {

DatabaseHealth in_memory_health() {
    return DatabaseHealth{"degraded", "in-memory", "Using fallback in-memory storage", false, {}};
}

Response health_response(const DatabaseHealth& database) {
    const bool healthy = database.status != "unhealthy";
    boost::json::object db;
    db["status"] = database.status;
    db["type"] = database.type;
    db["message"] = database.message;
    db["using_primary"] = database.using_primary;
    for (const auto& [key, value] : database.details) db[key] = value;

    boost::json::object body;
    body["status"] = healthy ? "healthy" : "unhealthy";
    body["service"] = "Gateway Management API";
    body["version"] = GATEWAY_VERSION;
    body["database"] = std::move(db);

    Response response;
    response.status = healthy ? 200 : 503;
    response.body = boost::json::serialize(body);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

}  // namespace gateway::api
