#include "app/database_startup.hpp"

#include <cstdio>
#include <exception>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>

#include "app/database_json.hpp"
#include "app/health_details.hpp"
#include "app/logging.hpp"
#include "sources/source_resolver.hpp"

namespace gateway::app {

namespace asio = boost::asio;

namespace {

// Runs one coroutine to completion on a loop of its own: start-up work happens before
// the worker threads exist, and the commands never start them.
template <class T>
T run_to_completion(asio::awaitable<T> (*make)(db::DatabaseManager&, asio::any_io_executor),
                    db::DatabaseManager& database) {
    asio::io_context io;
    auto result = asio::co_spawn(io, make(database, io.get_executor()), asio::use_future);
    io.run();
    return result.get();
}

asio::awaitable<bool> initialize_on(db::DatabaseManager& database, asio::any_io_executor executor) {
    co_return co_await database.initialize(executor);
}

asio::awaitable<db::HealthReport> check_on(db::DatabaseManager& database,
                                           asio::any_io_executor executor) {
    co_await database.initialize(executor);
    co_return co_await database.health_check();
}

}  // namespace

db::DatabaseManager make_database_manager(const config::DatabaseSettings& settings,
                                          std::vector<config::DatabaseSource> sources,
                                          config::EnvMap environment,
                                          std::shared_ptr<sources::AwsCounters> aws_counters) {
    return db::DatabaseManager(settings, std::make_unique<sources::SourceResolver>(
                                             std::move(sources), std::move(environment),
                                             settings.statement_timeout, std::move(aws_counters)));
}

bool initialize_database(db::DatabaseManager& database) {
    return run_to_completion(&initialize_on, database);
}

int run_migrate(const config::Settings& settings, std::vector<config::DatabaseSource> sources,
                config::EnvMap environment) {
    config::DatabaseSettings database_settings = settings.database;
    database_settings.auto_migrate = true;  // the point of the command
    database_settings.fallback = config::FallbackPolicy::none;
    if (sources.empty()) {
        std::fprintf(stderr,
                     "gateway-api migrate: no database configured (set DATABASE_URL or "
                     "AWS_DB_HOST)\n");
        return 1;
    }
    auto database =
        make_database_manager(database_settings, std::move(sources), std::move(environment));
    try {
        initialize_database(database);
    } catch (const std::exception& error) {
        spdlog::critical("migrate: {}", error.what());
        flush_logs();
        return 1;
    }
    database.shutdown();
    flush_logs();
    return 0;
}

int run_check_db(const config::Settings& settings, std::vector<config::DatabaseSource> sources,
                 config::EnvMap environment) {
    config::DatabaseSettings database_settings = settings.database;
    database_settings.auto_migrate = false;  // a check must not change the database
    database_settings.fallback = config::FallbackPolicy::memory;
    auto database =
        make_database_manager(database_settings, std::move(sources), std::move(environment));
    db::HealthReport health;
    try {
        health = run_to_completion(&check_on, database);
    } catch (const std::exception& error) {
        spdlog::critical("check-db: {}", error.what());
        flush_logs();
        return 1;
    }
    boost::json::object out;
    out["connection"] = connection_info_json(database.connection_info());
    out["health"] = health_to_json(health);
    database.shutdown();
    flush_logs();
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return health.using_primary && health.status == domain::HealthStatus::healthy ? 0 : 1;
}

}  // namespace gateway::app
