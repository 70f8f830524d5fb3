// A bounded pool of PgConnections shared by all worker threads, with SQLAlchemy's knobs:
// pool_size kept open, max_overflow more when busy (closed when idle again), a wait of at
// most DB_POOL_TIMEOUT for a connection, recycling by age, and a pre-ping before reusing a
// connection that sat idle. Waiters are served oldest first; their number is capped only
// as a memory guard (DB_POOL_MAX_WAITERS), far above any burst the pool should absorb.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "config/settings.hpp"
#include "db/conninfo_source.hpp"
#include "db/db_error.hpp"
#include "db/pg_connection.hpp"

namespace gateway::db {

struct PoolStats {
    std::size_t in_use = 0;
    std::size_t idle = 0;
    std::size_t waiting = 0;
    std::uint64_t created = 0;
    std::uint64_t closed = 0;
    std::uint64_t timeouts = 0;  // acquires that gave up after DB_POOL_TIMEOUT
    std::uint64_t errors = 0;    // failed connects and connections found broken
    std::uint64_t rejected = 0;  // acquires refused at once: DB_POOL_MAX_WAITERS already wait
    // Parts of the figures above, for metrics:
    std::uint64_t connect_failures = 0;  // connections that could not be opened
    std::uint64_t ping_failures = 0;     // idle connections found broken before reuse
    std::uint64_t recycled = 0;          // connections closed for their age (DB_POOL_RECYCLE)
};

class ConnectionPool;

// A checked-out connection; returns itself to the pool when destroyed (or is
// discarded if it broke).
class PooledConnection {
  public:
    PooledConnection() = default;
    PooledConnection(std::shared_ptr<ConnectionPool> pool, std::unique_ptr<PgConnection> conn);
    PooledConnection(PooledConnection&&) noexcept = default;
    PooledConnection& operator=(PooledConnection&&) noexcept;
    ~PooledConnection();

    PgConnection* operator->() const { return conn_.get(); }
    PgConnection& operator*() const { return *conn_; }

  private:
    void give_back() noexcept;

    std::shared_ptr<ConnectionPool> pool_;
    std::unique_ptr<PgConnection> conn_;
};

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
  public:
    // `conninfo` may carry a password; it is kept only to open connections.
    // `statement_stats`, when given, counts every statement the pool's connections run.
    static std::shared_ptr<ConnectionPool> create(
        std::string conninfo, config::DatabaseSettings settings,
        std::shared_ptr<StatementStats> statement_stats = nullptr);
    // Connections are opened with whatever `conninfo` holds at the time; when the server
    // refuses its credentials, the source may renew them and the connect is tried again
    // within the acquire's bound.
    static std::shared_ptr<ConnectionPool> create(
        std::shared_ptr<ConninfoSource> conninfo, config::DatabaseSettings settings,
        std::shared_ptr<StatementStats> statement_stats = nullptr);

    // A healthy connection, or pool_exhausted after DB_POOL_TIMEOUT (or at once when
    // DB_POOL_MAX_WAITERS requests already wait), connect_failed / timeout when a new one
    // cannot be opened, shutting_down after close(). A broken idle connection found by
    // the pre-ping is replaced without failing the caller.
    // The connection is opened on, and later used from, the caller's executor.
    boost::asio::awaitable<DbResult<PooledConnection>> acquire();

    // The same with a shorter bound for callers that must answer fast (the health
    // check): waits at most `max_wait` for a connection and for opening one.
    boost::asio::awaitable<DbResult<PooledConnection>> acquire(std::chrono::milliseconds max_wait);

    // A connection of its own, outside the pool's count, opened with the pool's conninfo
    // (renewed credentials included) within `timeout`: for a LISTEN, which must keep
    // one session for as long as it listens.
    boost::asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> open_dedicated(
        boost::asio::any_io_executor executor, std::chrono::milliseconds timeout);

    PoolStats stats() const;

    // Closes idle connections now and the others as they come back; later acquires fail.
    void close();

    // For a pool being replaced (SIGHUP): closes idle connections now; connections that
    // come back go to requests still waiting on this pool, else are closed. Requests that
    // already hold this pool are served to the end: nothing in flight fails.
    void retire();

    const config::DatabaseSettings& settings() const { return settings_; }

  private:
    friend class PooledConnection;
    using Clock = PgConnection::Clock;
    struct Waiter;
    // An acquirer's share of the pool: an idle connection to check, or (when null)
    // room to open a new one. Counted in claimed_ until handed back.
    struct Claim {
        std::unique_ptr<PgConnection> connection;
    };

    ConnectionPool(std::shared_ptr<ConninfoSource> conninfo, config::DatabaseSettings settings,
                   std::shared_ptr<StatementStats> statement_stats);
    // What the pool's connections log and count of the statements they run.
    StatementLogging statement_logging() const;
    void release(std::unique_ptr<PgConnection> conn);
    // Opens a connection by `deadline`, renewing refused credentials on the way.
    boost::asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> open(
        boost::asio::any_io_executor executor, Clock::time_point deadline);
    boost::asio::awaitable<DbResult<Claim>> claim(boost::asio::any_io_executor executor,
                                                  std::chrono::milliseconds max_wait);
    // Young enough, and answering SELECT 1 if it sat idle for a while.
    boost::asio::awaitable<bool> still_good(PgConnection& conn,
                                            std::chrono::milliseconds ping_limit);
    // A claim whose connection is gone: its room goes to the oldest waiter, or back to
    // the pool. Returns the waiter to wake (after unlocking). Needs mutex_ held.
    std::shared_ptr<Waiter> relinquish_locked();
    static void wake(std::shared_ptr<Waiter> waiter);
    bool expired(const PgConnection& conn, Clock::time_point now) const;
    std::size_t max_connections() const { return settings_.pool_size + settings_.max_overflow; }

    const std::shared_ptr<ConninfoSource> conninfo_;
    const config::DatabaseSettings settings_;
    const std::shared_ptr<StatementStats> statement_stats_;
    mutable std::mutex mutex_;
    // Everything below is guarded by mutex_.
    std::vector<std::unique_ptr<PgConnection>> idle_;  // back = most recently returned (LIFO)

    // Moves idle connections beyond pool_size that sat longer than the overflow grace
    // into `out`, to be closed outside the lock.
    void reap_idle_overflow_locked(std::vector<std::unique_ptr<PgConnection>>& out);
    std::deque<std::shared_ptr<Waiter>> waiters_;  // oldest first
    std::size_t claimed_ = 0;                      // checked out, being opened, or being checked
    bool closed_ = false;
    bool retiring_ = false;
    PoolStats counters_;  // the cumulative counters; the gauges are computed in stats()
};

}  // namespace gateway::db
