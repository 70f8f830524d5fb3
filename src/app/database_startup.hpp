// Bringing the database manager up before the workers start, and the commands that
// only talk to the database (migrate, check-db).
#pragma once

#include <vector>

#include "config/database_sources.hpp"
#include "config/settings.hpp"
#include "db/database_manager.hpp"
#include "sources/aws_counters.hpp"

namespace gateway::app {

// The manager of the primary over the configured sources, in the contract's order.
// `environment` is where the AWS credential chain looks when a source needs it;
// `aws_counters`, when given, counts the calls to AWS.
db::DatabaseManager make_database_manager(
    const config::DatabaseSettings& settings, std::vector<config::DatabaseSource> sources,
    config::EnvMap environment, std::shared_ptr<sources::AwsCounters> aws_counters = nullptr);

// Runs DatabaseManager::initialize to completion on a private event loop. Returns
// whether a primary is in use; throws std::runtime_error when the start must stop.
bool initialize_database(db::DatabaseManager& database);

// `gateway-api migrate`: applies the migrations to the first reachable source.
// `environment` is where the AWS credential chain looks when a source needs it.
int run_migrate(const config::Settings& settings, std::vector<config::DatabaseSource> sources,
                config::EnvMap environment);

// `gateway-api check-db`: prints connection info and health as JSON; 0 when healthy.
int run_check_db(const config::Settings& settings, std::vector<config::DatabaseSource> sources,
                 config::EnvMap environment);

}  // namespace gateway::app
