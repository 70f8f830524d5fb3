#include "app/serve.hpp"

#include <csignal>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "api/api_handlers.hpp"
#include "api/health.hpp"
#include "api/router.hpp"
#include "app/logging.hpp"
#include "http/io_pool.hpp"
#include "http/server.hpp"
#include "store/memory_store.hpp"

namespace gateway::app {

namespace asio = boost::asio;

namespace {

unsigned worker_count(const config::ServerSettings& settings) {
    if (settings.workers != 0) return settings.workers;
    return std::max(1u, std::thread::hardware_concurrency());
}

asio::awaitable<api::DatabaseHealth> in_memory_database_health() {
    co_return api::in_memory_health();
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

}  // namespace

int serve(const config::Settings& settings) {
    const unsigned workers = worker_count(settings.server);
    store::MemoryStore memory;
    api::ApiHandlers handlers(memory);
    api::Router router(handlers, in_memory_database_health);

    http::IoPool pool(workers);
    http::Server server(pool, settings.server,
                        [&router](const api::Request& request) { return router.route(request); });
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
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        spdlog::info("received signal {}: shutting down", signal_number);
        server.begin_shutdown();
        asio::co_spawn(io, drain_then_stop(server, pool, settings.server.shutdown_timeout),
                       asio::detached);
    });

    const auto address = endpoint.address();
    spdlog::info(
        "Gateway Management API {} listening on http://{}{}{}:{} ({} workers, storage: "
        "in-memory)",
        GATEWAY_VERSION, address.is_v6() ? "[" : "", address.to_string(),
        address.is_v6() ? "]" : "", endpoint.port(), workers);
    flush_logs();

    pool.run();

    spdlog::info("stopped");
    flush_logs();
    return 0;
}

}  // namespace gateway::app
