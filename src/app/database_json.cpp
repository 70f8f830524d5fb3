#include "app/database_json.hpp"

namespace gateway::app {

boost::json::object pool_stats_json(const db::PoolStats& stats) {
    return {{"in_use", stats.in_use},   {"idle", stats.idle},        {"waiting", stats.waiting},
            {"created", stats.created}, {"closed", stats.closed},    {"timeouts", stats.timeouts},
            {"errors", stats.errors},   {"rejected", stats.rejected}};
}

boost::json::object connection_info_json(const db::ConnectionInfo& info) {
    boost::json::object out;
    out["type"] = info.using_primary ? "postgresql" : "in-memory";
    out["using_primary"] = info.using_primary;
    if (!info.using_primary) return out;
    out["source"] = info.source;
    out["url"] = info.url;
    out["host"] = info.host;
    out["port"] = info.port;
    out["database"] = info.database;
    out["user"] = info.user;
    out["ssl"] = info.ssl;
    out["pool"] = pool_stats_json(info.pool);
    return out;
}

}  // namespace gateway::app
