// Owns the primary database: tries the candidate sources in order until one passes its
// pre-flight check, runs migrations, holds the pool, reports health, and can try the
// sources again (SIGHUP) without dropping work in flight. Where a source's credentials
// come from is the candidates' business (see sources/), not this class's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "config/settings.hpp"
#include "db/connection_pool.hpp"
#include "db/primary_candidate.hpp"
#include "db/renewable_conninfo.hpp"
#include "domain/health_status.hpp"

namespace gateway::db {

// The primary in use: its pool and what may be shown about it (never the password).
struct Primary : PrimaryDescription {
    std::shared_ptr<ConnectionPool> pool;
    bool ssl = false;
};

// One health probe's outcome; the api layer turns it into the /health body.
struct HealthReport {
    domain::HealthStatus status = domain::HealthStatus::unhealthy;
    std::string type;  // postgresql | in-memory
    std::string message;
    bool using_primary = false;
    std::optional<double> latency_ms;
    std::string source;
    std::optional<PoolStats> pool;
};

// What may be shown about the storage in use (check-db): never a password.
struct ConnectionInfo {
    bool using_primary = false;  // false: in-memory storage, and nothing below is set
    std::string source;
    std::string url;  // the password masked
    std::string host;
    std::uint16_t port = 0;
    std::string database;
    std::string user;
    bool ssl = false;
    PoolStats pool;
};

class DatabaseManager {
  public:
    // `candidates` are the configured sources in trial order; none means in-memory storage.
    DatabaseManager(config::DatabaseSettings settings,
                    std::unique_ptr<PrimaryCandidates> candidates);
    ~DatabaseManager();
    DatabaseManager(const DatabaseManager&) = delete;
    DatabaseManager& operator=(const DatabaseManager&) = delete;

    // Tries each source in order. Returns true when a primary is in use; false when
    // the service runs on memory (no source configured or none passed). Throws
    // std::runtime_error for failures that must stop the start: DB_FALLBACK=none with
    // no usable source, or migrations failing on the chosen database.
    boost::asio::awaitable<bool> initialize(boost::asio::any_io_executor executor);

    // Tries the candidates again and swaps the primary in one step; requests already
    // holding the old pool finish on it. When no source passes, the current state stays.
    boost::asio::awaitable<bool> reinitialize(boost::asio::any_io_executor executor);

    // SELECT 1 through the pool, bounded by DB_HEALTH_TIMEOUT.
    boost::asio::awaitable<HealthReport> health_check();

    // The primary in use, or null on in-memory storage.
    std::shared_ptr<const Primary> primary() const;

    // The primary in use as the pool connects to it now, with the pool's figures.
    ConnectionInfo connection_info() const;

    // Closes the pool: idle connections now, busy ones as they come back. Then stops the
    // candidates' background work (threads for blocking AWS calls).
    void shutdown();

    const config::DatabaseSettings& settings() const { return settings_; }

    // The figures of every statement the primaries' pools have run.
    const StatementStats& statement_stats() const { return *statement_stats_; }

  private:
    // The first candidate that passes, as a ready Primary (migrated when DB_AUTO_MIGRATE).
    boost::asio::awaitable<std::shared_ptr<const Primary>> resolve(
        boost::asio::any_io_executor executor);
    boost::asio::awaitable<std::shared_ptr<const Primary>> try_candidate(
        boost::asio::any_io_executor executor, PrimaryCandidate candidate);
    void install(std::shared_ptr<const Primary> primary);

    const config::DatabaseSettings settings_;
    const std::unique_ptr<PrimaryCandidates> candidates_;
    const std::shared_ptr<StatementStats> statement_stats_ = std::make_shared<StatementStats>();
    // A plain mutex rather than std::atomic<std::shared_ptr>: libstdc++ 12 releases that
    // one's internal lock with relaxed ordering, which ThreadSanitizer rightly flags.
    mutable std::mutex primary_mutex_;
    std::shared_ptr<const Primary> primary_;
    std::atomic<bool> resolving_{false};  // one resolution at a time; SIGHUPs meanwhile are merged
};

}  // namespace gateway::db
