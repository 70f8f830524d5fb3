#include "app/serve.hpp"

#include <csignal>
#include <functional>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "api/api_handlers.hpp"
#include "api/health.hpp"
#include "api/router.hpp"
#include "app/database_startup.hpp"
#include "app/health_details.hpp"
#include "app/logging.hpp"
#include "db/database_manager.hpp"
#include "http/io_pool.hpp"
#include "http/server.hpp"
#include "store/memory_store.hpp"
#include "store/storage_router.hpp"

namespace gateway::app {

namespace asio = boost::asio;

namespace {

unsigned worker_count(const config::ServerSettings& settings) {
    if (settings.workers != 0) return settings.workers;
    return std::max(1u, std::thread::hardware_concurrency());
}

asio::awaitable<api::DatabaseHealth> database_health(db::DatabaseManager& database) {
    co_return to_database_health(co_await database.health_check());
}

// Requests in flight get up to the shutdown timeout; then the workers stop regardless.
asio::awaitable<void> drain_then_stop(http::Server& server, http::IoPool& pool,
                                      std::chrono::seconds limit) {
    const bool drained = co_await server.drain(limit);
    if (!drained) {
        spdlog::warn("shutdown: {} connection(s) still open after {}s, closing them",
                     server.open_sessions(), limit.count());
    }
    pool.stop();
}

asio::awaitable<void> reinitialize(db::DatabaseManager& database, asio::any_io_executor executor) {
    co_await database.reinitialize(executor);
}

// SIGHUP resolves the database sources again; the wait re-arms itself.
void on_hangup(asio::signal_set& hangups, db::DatabaseManager& database) {
    hangups.async_wait([&hangups, &database](const boost::system::error_code& ec, int) {
        if (ec) return;
        spdlog::info("received SIGHUP: reinitializing the database");
        asio::co_spawn(hangups.get_executor(), reinitialize(database, hangups.get_executor()),
                       asio::detached);
        on_hangup(hangups, database);
    });
}

}  // namespace

int serve(const config::Settings& settings, std::vector<config::DatabaseSource> sources,
          config::EnvMap environment) {
    const unsigned workers = worker_count(settings.server);
    const bool database_configured = !sources.empty();
    auto database =
        make_database_manager(settings.database, std::move(sources), std::move(environment));
    bool using_primary = false;
    try {
        using_primary = initialize_database(database);
    } catch (const std::exception& error) {
        spdlog::critical("cannot start: {}", error.what());
        flush_logs();
        return 1;
    }

    store::MemoryStore memory;
    // With no database configured there is nothing to route between: the memory store
    // serves directly, without the router's indirection on every request.
    std::unique_ptr<store::StorageRouter> router_store;
    store::Repository* repository = &memory;
    if (database_configured) {
        router_store = std::make_unique<store::StorageRouter>(database, memory);
        repository = router_store.get();
    }
    api::ApiHandlers handlers(*repository);
    api::Router router(handlers, [&database] { return database_health(database); });

    http::IoPool pool(workers);
    http::Server server(
        pool, settings.server,
        [&router](const api::Request& request) { return router.route(request); },
        [&settings] { return make_access_logger(settings.log); });
    boost::asio::ip::tcp::endpoint endpoint;
    try {
        endpoint = server.listen();
    } catch (const boost::system::system_error& error) {
        spdlog::critical("cannot listen on {}:{}: {}", settings.server.host, settings.server.port,
                         error.code().message());
        flush_logs();
        return 1;
    }
    server.start();

    auto& io = pool.at(0);
    asio::signal_set stops(io, SIGINT, SIGTERM);
    stops.async_wait([&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        spdlog::info("received signal {}: shutting down", signal_number);
        server.begin_shutdown();
        asio::co_spawn(io, drain_then_stop(server, pool, settings.server.shutdown_timeout),
                       asio::detached);
    });
    asio::signal_set hangups(io, SIGHUP);
    on_hangup(hangups, database);

    const auto address = endpoint.address();
    spdlog::info(
        "Gateway Management API {} listening on http://{}{}{}:{} ({} workers, storage: "
        "{})",
        GATEWAY_VERSION, address.is_v6() ? "[" : "", address.to_string(),
        address.is_v6() ? "]" : "", endpoint.port(), workers,
        using_primary ? "postgresql" : "in-memory");
    flush_logs();

    pool.run();
    server.flush_access_logs();

    database.shutdown();
    spdlog::info("stopped");
    flush_logs();
    return 0;
}

}  // namespace gateway::app
