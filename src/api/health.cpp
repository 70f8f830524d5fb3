#include "api/health.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "domain/api_json.hpp"

namespace gateway::api {

std::string_view health_status_name(domain::HealthStatus status) {
    switch (status) {
        case domain::HealthStatus::healthy:
            return "healthy";
        case domain::HealthStatus::degraded:
            return "degraded";
        case domain::HealthStatus::unhealthy:
            return "unhealthy";
    }
    return "unhealthy";  // not reached: every enumerator is handled above
}

Response health_response(const DatabaseHealth& database) {
    const bool healthy = database.status != domain::HealthStatus::unhealthy;
    Response response;
    response.status = healthy ? 200 : 503;
    // Written by hand: monitors poll this often, and its key order is part of the contract.
    std::string& out = response.body;
    out.reserve(256);
    out += healthy ? R"({"status":"healthy")" : R"({"status":"unhealthy")";
    out += R"(,"service":"Gateway Management API","version":")" GATEWAY_VERSION
           R"(","database":{"status":)";
    domain::append_json_string(out, health_status_name(database.status));
    out += ",\"type\":";
    domain::append_json_string(out, database.type);
    out += ",\"message\":";
    domain::append_json_string(out, database.message);
    out += database.using_primary ? ",\"using_primary\":true" : ",\"using_primary\":false";
    for (const auto& [key, value] : database.details) {
        out += ',';
        domain::append_json_string(out, key);
        out += ':';
        // Latencies read better as 1.234 than as Boost's shortest form 1.234E0.
        out += value.is_double() ? fmt::format("{:.3f}", value.get_double())
                                 : boost::json::serialize(value);
    }
    out += "}}";
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

}  // namespace gateway::api
