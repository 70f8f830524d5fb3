#include "db/connection_pool.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "db/pg_messages.hpp"

namespace gateway::db {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A connection used within the last second is taken on trust; an older one must answer
// SELECT 1 first. SQLAlchemy pings on every checkout; this spares the busy path.
constexpr auto kPingAfterIdle = 1s;
// The ping is a liveness check, not a query: a healthy server answers in milliseconds.
constexpr std::chrono::milliseconds kPingTimeoutCap = 2s;

}  // namespace

StatementLogging ConnectionPool::statement_logging() const {
    return {settings_.sql_echo, settings_.slow_query, statement_stats_};
}

// One acquirer waiting for a connection or for room to open one.
struct ConnectionPool::Waiter {
    explicit Waiter(asio::any_io_executor executor_in)
        : executor(std::move(executor_in)), timer(executor) {}

    const asio::any_io_executor executor;
    // Touched only on `executor`: a releaser on another thread posts its cancel there.
    asio::steady_timer timer;

    // Guarded by the pool's mutex.
    enum class State { waiting, granted, shut_down } state = State::waiting;
    std::unique_ptr<PgConnection> connection;  // when granted; null = room to open one
};

std::shared_ptr<ConnectionPool> ConnectionPool::create(
    std::string conninfo, config::DatabaseSettings settings,
    std::shared_ptr<StatementStats> statement_stats) {
    return create(std::make_shared<FixedConninfo>(std::move(conninfo)), settings,
                  std::move(statement_stats));
}

std::shared_ptr<ConnectionPool> ConnectionPool::create(
    std::shared_ptr<ConninfoSource> conninfo, config::DatabaseSettings settings,
    std::shared_ptr<StatementStats> statement_stats) {
    return std::shared_ptr<ConnectionPool>(
        new ConnectionPool(std::move(conninfo), settings, std::move(statement_stats)));
}

ConnectionPool::ConnectionPool(std::shared_ptr<ConninfoSource> conninfo,
                               config::DatabaseSettings settings,
                               std::shared_ptr<StatementStats> statement_stats)
    : conninfo_(std::move(conninfo)),
      settings_(settings),
      statement_stats_(std::move(statement_stats)) {}

asio::awaitable<DbResult<PooledConnection>> ConnectionPool::acquire() {
    return acquire(settings_.pool_timeout);
}

asio::awaitable<DbResult<PooledConnection>> ConnectionPool::acquire(
    std::chrono::milliseconds max_wait) {
    auto self = shared_from_this();  // outlive any waiting, whatever the caller does
    const auto executor = co_await asio::this_coro::executor;
    // Waiting, pinging and connecting all fit in max_wait together: the health check
    // relies on that to answer within its own bound.
    const auto deadline = Clock::now() + max_wait;
    const auto time_left = [deadline] {
        return std::max(
            std::chrono::milliseconds(1),
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    };
    auto claimed = co_await claim(executor, max_wait);
    if (!claimed) co_return domain::unexpected(std::move(claimed).error());
    auto connection = std::move(claimed->connection);

    for (;;) {
        if (connection) {
            if (co_await still_good(*connection, time_left())) {
                co_return PooledConnection(std::move(self), std::move(connection));
            }
            std::unique_ptr<PgConnection> discarded = std::move(connection);
            std::lock_guard lock(mutex_);
            ++counters_.closed;
            if (closed_) {
                --claimed_;
                co_return db_error(DbErrc::shutting_down, "the database pool is closed");
            }
            // Our claim stays ours: swap in another idle connection, or open a new one.
            if (!idle_.empty()) {
                connection = std::move(idle_.back());
                idle_.pop_back();
                continue;
            }
        }

        auto opened = co_await open(executor, deadline);
        std::shared_ptr<Waiter> to_wake;
        std::unique_ptr<PgConnection> unwanted;
        {
            std::lock_guard lock(mutex_);
            if (!opened) {
                ++counters_.errors;
                ++counters_.connect_failures;
                to_wake = relinquish_locked();
            } else {
                ++counters_.created;
                if (closed_) {
                    unwanted = std::move(*opened);
                    ++counters_.closed;
                    --claimed_;
                }
            }
        }
        wake(std::move(to_wake));
        if (!opened) co_return domain::unexpected(std::move(opened).error());
        if (unwanted) co_return db_error(DbErrc::shutting_down, "the database pool is closed");
        (*opened)->set_logging(statement_logging());
        co_return PooledConnection(std::move(self), std::move(*opened));
    }
}

asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> ConnectionPool::open(
    asio::any_io_executor executor, Clock::time_point deadline) {
    for (;;) {
        const auto target = conninfo_->current();
        const auto left = std::max(
            std::chrono::milliseconds(1),
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
        auto opened = co_await PgConnection::connect(executor, target.conninfo,
                                                     std::min(settings_.connect_timeout, left));
        if (opened || !is_credentials_refusal(opened.error()) || Clock::now() >= deadline) {
            co_return opened;
        }
        // Rotated credentials: the claim stays ours while the source fetches new ones.
        if (!co_await conninfo_->renew_after_refusal(target.generation, deadline)) {
            co_return opened;
        }
    }
}

asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> ConnectionPool::open_dedicated(
    asio::any_io_executor executor, std::chrono::milliseconds timeout) {
    auto opened = co_await open(std::move(executor), Clock::now() + timeout);
    if (opened) (*opened)->set_logging(statement_logging());
    co_return opened;
}

asio::awaitable<DbResult<ConnectionPool::Claim>> ConnectionPool::claim(
    asio::any_io_executor executor, std::chrono::milliseconds max_wait) {
    std::shared_ptr<Waiter> waiter;
    std::vector<std::unique_ptr<PgConnection>> reaped;  // closed after the lock is let go
    {
        std::lock_guard lock(mutex_);
        if (closed_) co_return db_error(DbErrc::shutting_down, "the database pool is closed");
        reap_idle_overflow_locked(reaped);
        if (!idle_.empty()) {
            Claim taken{std::move(idle_.back())};
            idle_.pop_back();
            ++claimed_;
            co_return std::move(taken);
        }
        if (claimed_ + idle_.size() < max_connections()) {
            ++claimed_;
            co_return Claim{};
        }
        // A burst waits its turn: DB_POOL_TIMEOUT bounds each wait, as in SQLAlchemy. The
        // count of waiters is bounded only so that a flood cannot grow the queue (and the
        // requests behind it) without end; the bound sits far above any sane burst.
        if (waiters_.size() >= settings_.pool_max_waiters) {
            ++counters_.rejected;
            co_return db_error(DbErrc::pool_exhausted,
                               "all " + std::to_string(max_connections()) +
                                   " database connections are busy and " +
                                   std::to_string(waiters_.size()) +
                                   " requests already wait, as many as DB_POOL_MAX_WAITERS allows");
        }
        waiter = std::make_shared<Waiter>(executor);
        waiter->timer.expires_after(max_wait);
        waiters_.push_back(waiter);
    }

    // Ends early when a releaser (or close()) posts a cancel; the state says which.
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));

    std::lock_guard lock(mutex_);
    switch (waiter->state) {
        case Waiter::State::granted:
            co_return Claim{std::move(waiter->connection)};
        case Waiter::State::shut_down:
            co_return db_error(DbErrc::shutting_down, "the database pool is closed");
        case Waiter::State::waiting:
            break;
    }
    std::erase(waiters_, waiter);
    ++counters_.timeouts;
    co_return db_error(DbErrc::pool_exhausted,
                       "no database connection available within " + describe_duration(max_wait));
}

asio::awaitable<bool> ConnectionPool::still_good(PgConnection& conn,
                                                 std::chrono::milliseconds ping_limit) {
    const auto now = Clock::now();
    if (expired(conn, now)) {
        std::lock_guard lock(mutex_);
        ++counters_.recycled;
        co_return false;
    }
    if (!conn.still_connected()) {
        // Found broken, like a failed pre-ping: counted the same way.
        std::lock_guard lock(mutex_);
        ++counters_.errors;
        ++counters_.ping_failures;
        co_return false;
    }
    if (!settings_.pool_pre_ping || now - conn.last_used() <= kPingAfterIdle) co_return true;
    // SQL_ECHO and DB_SLOW_QUERY_MS are about the application's statements, not pings.
    conn.set_logging({});
    // Named first: g++ 12 rejects a braced list inside a co_await expression.
    const auto ping_timeout = std::min({settings_.connect_timeout, kPingTimeoutCap, ping_limit});
    const auto pong = co_await conn.simple_query("SELECT 1", ping_timeout);
    conn.set_logging(statement_logging());
    if (pong) co_return true;
    spdlog::warn("replacing a pooled database connection that failed its pre-ping: {}",
                 pong.error().message);
    std::lock_guard lock(mutex_);
    ++counters_.errors;
    ++counters_.ping_failures;
    co_return false;
}

void ConnectionPool::reap_idle_overflow_locked(std::vector<std::unique_ptr<PgConnection>>& out) {
    const auto now = Clock::now();
    // The front is the least recently returned; it goes first.
    while (!idle_.empty() && claimed_ + idle_.size() > settings_.pool_size &&
           now - idle_.front()->last_used() >= settings_.overflow_idle_timeout) {
        out.push_back(std::move(idle_.front()));
        idle_.erase(idle_.begin());
        ++counters_.closed;
    }
}

void ConnectionPool::release(std::unique_ptr<PgConnection> conn) {
    std::shared_ptr<Waiter> to_wake;
    std::unique_ptr<PgConnection> to_close;
    std::vector<std::unique_ptr<PgConnection>> reaped;
    const bool broken = conn->broken();
    const bool in_transaction = !broken && conn->in_transaction();
    {
        std::lock_guard lock(mutex_);
        if (broken) ++counters_.errors;
        const bool too_old = !closed_ && !broken && !in_transaction && expired(*conn, Clock::now());
        if (too_old) ++counters_.recycled;
        if (closed_ || broken || in_transaction || too_old) {
            to_close = std::move(conn);
            ++counters_.closed;
            to_wake = relinquish_locked();
        } else if (!waiters_.empty()) {
            // Straight to the oldest waiter: a newcomer must not overtake it.
            to_wake = std::move(waiters_.front());
            waiters_.pop_front();
            to_wake->state = Waiter::State::granted;
            to_wake->connection = std::move(conn);
        } else if (retiring_) {
            to_close = std::move(conn);
            ++counters_.closed;
            --claimed_;
        } else {
            // Overflow connections idle too, for a short grace (reaped below and on
            // every claim), so that steady load does not reconnect for every request.
            idle_.push_back(std::move(conn));
            --claimed_;
        }
        reap_idle_overflow_locked(reaped);
    }
    if (in_transaction) {
        spdlog::warn("a database connection came back inside a transaction; closing it");
    }
    wake(std::move(to_wake));
    // to_close is finished here, outside the lock.
}

std::shared_ptr<ConnectionPool::Waiter> ConnectionPool::relinquish_locked() {
    if (!closed_ && !waiters_.empty()) {
        auto waiter = std::move(waiters_.front());
        waiters_.pop_front();
        waiter->state = Waiter::State::granted;  // with no connection: room to open one
        return waiter;
    }
    --claimed_;
    return nullptr;
}

void ConnectionPool::wake(std::shared_ptr<Waiter> waiter) {
    if (!waiter) return;
    // The timer belongs to the waiter's executor; only that executor may touch it.
    auto executor = waiter->executor;
    asio::post(executor, [waiter = std::move(waiter)] { waiter->timer.cancel(); });
}

bool ConnectionPool::expired(const PgConnection& conn, Clock::time_point now) const {
    return settings_.pool_recycle.count() > 0 && now - conn.created_at() >= settings_.pool_recycle;
}

PoolStats ConnectionPool::stats() const {
    std::lock_guard lock(mutex_);
    PoolStats stats = counters_;
    stats.in_use = claimed_;
    stats.idle = idle_.size();
    stats.waiting = waiters_.size();
    return stats;
}

void ConnectionPool::retire() {
    std::vector<std::unique_ptr<PgConnection>> idle;
    {
        std::lock_guard lock(mutex_);
        retiring_ = true;
        idle.swap(idle_);
        counters_.closed += idle.size();
    }
    // The idle connections are finished here, outside the lock.
}

void ConnectionPool::close() {
    std::vector<std::unique_ptr<PgConnection>> idle;
    std::deque<std::shared_ptr<Waiter>> waiters;
    {
        std::lock_guard lock(mutex_);
        if (closed_) return;
        closed_ = true;
        idle.swap(idle_);
        waiters.swap(waiters_);
        counters_.closed += idle.size();
        for (auto& waiter : waiters) waiter->state = Waiter::State::shut_down;
    }
    for (auto& waiter : waiters) wake(std::move(waiter));
    // The idle connections are finished here, outside the lock.
}

}  // namespace gateway::db
