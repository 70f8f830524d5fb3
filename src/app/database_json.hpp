// What the database manager reports, as the JSON that /health details and check-db print.
#pragma once

#include <boost/json/object.hpp>

#include "db/connection_pool.hpp"
#include "db/database_manager.hpp"

namespace gateway::app {

// in_use, idle, waiting, created, closed, timeouts, errors, rejected.
boost::json::object pool_stats_json(const db::PoolStats& stats);

// type, using_primary; with a primary also source, url, host, port, database, user, ssl
// and the pool's figures.
boost::json::object connection_info_json(const db::ConnectionInfo& info);

}  // namespace gateway::app
