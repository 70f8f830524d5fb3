#include "db/database_manager.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

#include "db/migrations.hpp"
#include "db/preflight_check.hpp"

namespace gateway::db {

namespace {

using Clock = std::chrono::steady_clock;

// Migrations may rewrite tables; they get far longer than an ordinary statement.
constexpr std::chrono::milliseconds migration_timeout{std::chrono::minutes(5)};

double millis_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

DatabaseManager::DatabaseManager(config::DatabaseSettings settings,
                                 std::unique_ptr<PrimaryCandidates> candidates)
    : settings_(settings), candidates_(std::move(candidates)) {}

DatabaseManager::~DatabaseManager() {
    shutdown();
}

std::shared_ptr<const Primary> DatabaseManager::primary() const {
    std::lock_guard lock(primary_mutex_);
    return primary_;
}

boost::asio::awaitable<bool> DatabaseManager::initialize(boost::asio::any_io_executor executor) {
    if (candidates_->size() == 0) {
        spdlog::info("database: none configured; using in-memory storage");
        co_return false;
    }
    auto chosen = co_await resolve(executor);
    if (!chosen) {
        if (settings_.fallback == config::FallbackPolicy::none) {
            throw std::runtime_error(
                "no configured database passed its pre-flight check and DB_FALLBACK=none forbids "
                "falling back to in-memory storage");
        }
        spdlog::warn(
            "database: no configured source is reachable; FALLING BACK to in-memory "
            "storage");
        co_return false;
    }
    install(std::move(chosen));
    co_return true;
}

boost::asio::awaitable<bool> DatabaseManager::reinitialize(boost::asio::any_io_executor executor) {
    if (resolving_.exchange(true)) {
        spdlog::info("database: reinitialize already under way");
        co_return primary() != nullptr;
    }
    struct Done {
        std::atomic<bool>& flag;
        ~Done() { flag.store(false); }
    } done{resolving_};

    spdlog::info("database: reinitializing");
    std::shared_ptr<const Primary> chosen;
    try {
        chosen = co_await resolve(executor);
    } catch (const std::exception& error) {
        spdlog::error("database: reinitialize failed, keeping the current storage: {}",
                      error.what());
        co_return primary() != nullptr;
    }
    if (!chosen) {
        spdlog::warn(
            "database: reinitialize found no reachable source; keeping the current "
            "storage");
        co_return primary() != nullptr;
    }
    install(std::move(chosen));
    co_return true;
}

void DatabaseManager::install(std::shared_ptr<const Primary> next) {
    spdlog::info("database: using {} ({})", next->source, next->description);
    std::shared_ptr<const Primary> previous;
    {
        std::lock_guard lock(primary_mutex_);
        previous = std::exchange(primary_, std::move(next));
    }
    // Requests that already hold the old pool (or wait on it) finish on it; its
    // connections close as they come back, and the pool goes with its last user.
    if (previous) previous->pool->retire();
}

boost::asio::awaitable<std::shared_ptr<const Primary>> DatabaseManager::resolve(
    boost::asio::any_io_executor executor) {
    for (std::size_t index = 0; index < candidates_->size(); ++index) {
        auto candidate = co_await candidates_->prepare(index);
        if (!candidate) continue;
        if (auto primary = co_await try_candidate(executor, std::move(*candidate))) {
            co_return primary;
        }
    }
    co_return nullptr;
}

boost::asio::awaitable<std::shared_ptr<const Primary>> DatabaseManager::try_candidate(
    boost::asio::any_io_executor executor, PrimaryCandidate candidate) {
    const auto started = Clock::now();
    auto connection =
        co_await preflight_check(executor, candidate.preflight_conninfo, settings_.connect_timeout);
    if (!connection) {
        spdlog::warn("database: source {} ({}) failed its pre-flight check: {}", candidate.source,
                     candidate.description, connection.error().message);
        co_return nullptr;
    }
    spdlog::info("database: source {} ({}) passed its pre-flight check in {:.1f}ms",
                 candidate.source, candidate.description, millis_since(started));

    if (settings_.auto_migrate) {
        auto applied = co_await apply_migrations(**connection, migration_timeout);
        if (!applied) {
            throw std::runtime_error("database migrations failed on " + candidate.description +
                                     ": " + applied.error().message);
        }
        spdlog::info("database: schema up to date ({} migration(s) applied)", *applied);
    }

    auto primary = std::make_shared<Primary>();
    primary->pool =
        ConnectionPool::create(std::move(candidate.conninfo), settings_, statement_stats_);
    static_cast<PrimaryDescription&>(*primary) =
        std::move(static_cast<PrimaryDescription&>(candidate));
    primary->ssl = (*connection)->ssl_in_use();
    co_return primary;
}

boost::asio::awaitable<HealthReport> DatabaseManager::health_check() {
    HealthReport report;
    auto current = primary();
    if (!current) {
        report.status = domain::HealthStatus::degraded;
        report.type = "in-memory";
        report.message = "Using fallback in-memory storage";
        report.using_primary = false;
        co_return report;
    }
    report.type = "postgresql";
    report.using_primary = true;
    report.source = current->source;

    const auto started = Clock::now();
    auto connection = co_await current->pool->acquire(settings_.health_timeout);
    if (connection) {
        const auto spent =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
        const auto left = std::max(settings_.health_timeout - spent, std::chrono::milliseconds(1));
        auto ping = co_await (*connection)->simple_query("SELECT 1", left);
        if (ping) {
            report.status = domain::HealthStatus::healthy;
            report.message = "Primary database connection is healthy";
            report.latency_ms = millis_since(started);
            report.pool = current->pool->stats();
            co_return report;
        }
        spdlog::warn("database: health check failed: {}", ping.error().message);
        report.message =
            "Primary database check failed: " + std::string(plain_words(ping.error().code));
    } else {
        spdlog::warn("database: health check failed: {}", connection.error().message);
        report.message =
            "Primary database check failed: " + std::string(plain_words(connection.error().code));
    }
    report.status = domain::HealthStatus::unhealthy;
    report.pool = current->pool->stats();
    co_return report;
}

ConnectionInfo DatabaseManager::connection_info() const {
    ConnectionInfo info;
    auto current = primary();
    if (!current) return info;
    info.using_primary = true;
    info.source = current->source;
    if (current->renewable) {
        // After a rotation the pool connects with what the source gave last.
        const auto params = current->renewable->params();
        info.url = config::describe_for_log(params);
        info.host = params.host;
        info.port = params.port;
        info.database = params.dbname;
        info.user = params.user;
    } else {
        info.url = current->description;
        info.host = current->host;
        info.port = current->port;
        info.database = current->database;
        info.user = current->user;
    }
    info.ssl = current->ssl;
    info.pool = current->pool->stats();
    return info;
}

void DatabaseManager::shutdown() {
    if (auto current = primary()) current->pool->close();
    candidates_->stop();
}

}  // namespace gateway::db
