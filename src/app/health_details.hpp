// The database manager's health report in the shapes the outside sees.
#pragma once

#include <boost/json/object.hpp>

#include "api/health.hpp"
#include "db/database_manager.hpp"

namespace gateway::app {

// For /health: the contract's four fields, plus latency, source and pool figures as
// additive details when a primary is in use (the in-memory row stays exactly as fixed).
api::DatabaseHealth to_database_health(const db::HealthReport& report);

// For check-db: the same, as one JSON object.
boost::json::object health_to_json(const db::HealthReport& report);

}  // namespace gateway::app
