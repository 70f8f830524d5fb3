#include "app/health_details.hpp"

#include "app/database_json.hpp"

namespace gateway::app {

api::DatabaseHealth to_database_health(const db::HealthReport& report) {
    api::DatabaseHealth health{
        report.status, report.type, report.message, report.using_primary, {}};
    if (!report.using_primary) return health;
    if (report.latency_ms) health.details["latency_ms"] = *report.latency_ms;
    health.details["source"] = report.source;
    if (report.pool) health.details["pool"] = pool_stats_json(*report.pool);
    return health;
}

boost::json::object health_to_json(const db::HealthReport& report) {
    const api::DatabaseHealth health = to_database_health(report);
    boost::json::object out{{"status", api::health_status_name(health.status)},
                            {"type", health.type},
                            {"message", health.message},
                            {"using_primary", health.using_primary}};
    for (const auto& [key, value] : health.details) out[key] = value;
    return out;
}

}  // namespace gateway::app
