// ConnectionPool against the test cluster: bounds, overflow, recycling, pre-ping,
// shutdown and the statistics that report them.
#include <thread>

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "pg_fixture.hpp"

namespace gateway::test {
namespace {

using db::DbErrc;

class ConnectionPoolTest : public PgTest {
  protected:
    static config::DatabaseSettings settings(unsigned size, unsigned overflow) {
        config::DatabaseSettings settings;
        settings.pool_size = size;
        settings.max_overflow = overflow;
        settings.pool_timeout = 10s;
        settings.connect_timeout = 10s;
        settings.pool_recycle = 0s;
        return settings;
    }

    std::shared_ptr<db::ConnectionPool> pool(const config::DatabaseSettings& settings) {
        return db::ConnectionPool::create(app_conninfo(), settings);
    }

    db::PooledConnection must_acquire(db::ConnectionPool& pool) {
        auto connection = acquire(pool);
        if (!connection) throw std::runtime_error("acquire failed: " + connection.error().message);
        return std::move(connection).value();
    }

    // Starts an acquire on io_ without running it; the result lands in `slot`.
    void spawn_acquire(db::ConnectionPool& pool,
                       std::optional<db::DbResult<db::PooledConnection>>& slot) {
        boost::asio::co_spawn(
            io_,
            [&pool, &slot]() -> boost::asio::awaitable<void> {
                slot.emplace(co_await pool.acquire());
            },
            boost::asio::detached);
    }

    void run_until_idle() {
        io_.restart();
        io_.run_for(kPgTestBound);
    }
};

TEST_F(ConnectionPoolTest, AcquireOpensAConnectionAndReleaseKeepsItIdle) {
    auto connections = pool(settings(2, 0));
    {
        auto connection = must_acquire(*connections);
        EXPECT_TRUE(query(*connection, "SELECT 1"));
        const auto busy = connections->stats();
        EXPECT_EQ(busy.in_use, 1u);
        EXPECT_EQ(busy.idle, 0u);
        EXPECT_EQ(busy.created, 1u);
    }
    const auto after = connections->stats();
    EXPECT_EQ(after.in_use, 0u);
    EXPECT_EQ(after.idle, 1u);
    EXPECT_EQ(after.closed, 0u);
    // The idle connection is reused, not a new one opened.
    { auto again = must_acquire(*connections); }
    EXPECT_EQ(connections->stats().created, 1u);
}

TEST_F(ConnectionPoolTest, ExhaustedPoolFailsAfterPoolTimeoutInsteadOfHanging) {
    auto options = settings(1, 0);
    options.pool_timeout = 300ms;
    auto connections = pool(options);
    auto held = must_acquire(*connections);
    const auto started = std::chrono::steady_clock::now();
    auto second = acquire(*connections);
    const auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, DbErrc::pool_exhausted);
    EXPECT_EQ(second.error().message, "no database connection available within 0.3s");
    EXPECT_GE(waited, 300ms);
    const auto stats = connections->stats();
    EXPECT_EQ(stats.timeouts, 1u);
    EXPECT_EQ(stats.waiting, 0u);
    EXPECT_EQ(stats.in_use, 1u);
}

// DB_POOL_TIMEOUT bounds the wait, not the number waiting: twenty acquirers on one
// connection are served one after the other.
TEST_F(ConnectionPoolTest, BurstFarLargerThanThePoolIsServedInTurn) {
    constexpr int kBurst = 20;
    auto connections = pool(settings(1, 0));
    std::optional<db::PooledConnection> held(must_acquire(*connections));
    std::vector<std::optional<db::DbResult<db::PgResult>>> results(kBurst);
    for (auto& slot : results) {
        boost::asio::co_spawn(
            io_,
            [&connections, &slot]() -> boost::asio::awaitable<void> {
                auto connection = co_await connections->acquire();
                if (!connection) {
                    slot.emplace(domain::unexpected(std::move(connection).error()));
                    co_return;
                }
                slot.emplace(co_await (*connection)->simple_query("SELECT 1", 10s));
            },
            boost::asio::detached);
    }
    io_.restart();
    io_.poll();  // every acquirer has joined the queue
    EXPECT_EQ(connections->stats().waiting, static_cast<std::size_t>(kBurst));
    held.reset();
    run_until_idle();
    for (auto& result : results) {
        ASSERT_TRUE(result.has_value());
        EXPECT_TRUE(*result) << (*result).error().message;
    }
    const auto stats = connections->stats();
    EXPECT_EQ(stats.rejected, 0u);
    EXPECT_EQ(stats.timeouts, 0u);
    EXPECT_EQ(stats.created, 1u);
    EXPECT_EQ(stats.waiting, 0u);
}

// DB_POOL_MAX_WAITERS is a memory guard: once that many wait, the next acquirer is
// refused at once rather than queued.
TEST_F(ConnectionPoolTest, AcquirerBeyondMaxWaitersIsRefusedAtOnce) {
    auto options = settings(1, 0);
    options.pool_max_waiters = 2;
    auto connections = pool(options);
    auto held = must_acquire(*connections);
    std::vector<std::optional<db::DbResult<db::PooledConnection>>> results(3);
    for (auto& slot : results) spawn_acquire(*connections, slot);
    io_.restart();
    io_.poll();  // no timer can expire within DB_POOL_TIMEOUT (10 s) here
    ASSERT_FALSE(results[0].has_value());
    ASSERT_FALSE(results[1].has_value());
    ASSERT_TRUE(results[2].has_value()) << "the third acquirer was queued";
    ASSERT_FALSE(*results[2]);
    EXPECT_EQ(results[2]->error().code, DbErrc::pool_exhausted);
    EXPECT_EQ(results[2]->error().message,
              "all 1 database connections are busy and 2 requests already wait, as many as "
              "DB_POOL_MAX_WAITERS allows");
    auto stats = connections->stats();
    EXPECT_EQ(stats.rejected, 1u);
    EXPECT_EQ(stats.waiting, 2u);

    connections->close();  // ends the two waits without waiting for their timeout
    run_until_idle();
    for (std::size_t i = 0; i < 2; ++i) {
        ASSERT_TRUE(results[i].has_value());
        ASSERT_FALSE(*results[i]);
        EXPECT_EQ(results[i]->error().code, DbErrc::shutting_down);
    }
    stats = connections->stats();
    EXPECT_EQ(stats.rejected, 1u);
    EXPECT_EQ(stats.timeouts, 0u);
}

TEST_F(ConnectionPoolTest, AReleasedConnectionGoesToTheWaiter) {
    auto connections = pool(settings(1, 0));
    std::optional<db::PooledConnection> held(must_acquire(*connections));
    std::optional<db::DbResult<db::PooledConnection>> waiter;
    spawn_acquire(*connections, waiter);
    boost::asio::steady_timer later(io_, 100ms);
    later.async_wait([&](boost::system::error_code) { held.reset(); });
    run_until_idle();
    ASSERT_TRUE(waiter.has_value());
    ASSERT_TRUE(*waiter) << (*waiter).error().message;
    EXPECT_TRUE(query(***waiter, "SELECT 1"));
    EXPECT_EQ(connections->stats().created, 1u);
}

TEST_F(ConnectionPoolTest, OverflowConnectionsAreClosedOnceIdlePastTheirGrace) {
    auto options = settings(1, 1);
    options.overflow_idle_timeout = 200ms;
    auto connections = pool(options);
    {
        auto first = must_acquire(*connections);
        auto second = must_acquire(*connections);
        EXPECT_EQ(connections->stats().in_use, 2u);
    }
    // Within the grace both stay open: steady load reuses the overflow connection.
    auto stats = connections->stats();
    EXPECT_EQ(stats.idle, 2u);
    EXPECT_EQ(stats.closed, 0u);

    std::this_thread::sleep_for(300ms);
    { auto again = must_acquire(*connections); }
    stats = connections->stats();
    EXPECT_EQ(stats.created, 2u);
    EXPECT_EQ(stats.idle, 1u);
    EXPECT_EQ(stats.closed, 1u);
    EXPECT_EQ(stats.in_use, 0u);
}

TEST_F(ConnectionPoolTest, RecycleReplacesConnectionsOlderThanItsAge) {
    auto options = settings(1, 0);
    options.pool_recycle = 1s;
    options.pool_pre_ping = false;
    auto connections = pool(options);
    std::int64_t first_pid = 0;
    {
        auto connection = must_acquire(*connections);
        first_pid = backend_pid(*connection);
    }
    std::this_thread::sleep_for(1100ms);
    auto connection = must_acquire(*connections);
    EXPECT_NE(backend_pid(*connection), first_pid);
    const auto stats = connections->stats();
    EXPECT_EQ(stats.created, 2u);
    EXPECT_EQ(stats.closed, 1u);
    EXPECT_EQ(stats.errors, 0u);
    EXPECT_EQ(stats.recycled, 1u);
    EXPECT_EQ(stats.ping_failures, 0u);
}

TEST_F(ConnectionPoolTest, PrePingReplacesATerminatedBackendWithoutFailingTheCaller) {
    auto connections = pool(settings(1, 0));
    std::int64_t first_pid = 0;
    {
        auto connection = must_acquire(*connections);
        first_pid = backend_pid(*connection);
    }
    terminate_backend(first_pid);
    std::this_thread::sleep_for(1100ms);  // idle past the pre-ping threshold
    auto connection = must_acquire(*connections);
    auto pid = query(*connection, "SELECT pg_backend_pid()");
    ASSERT_TRUE(pid) << pid.error().message;
    EXPECT_NE(pid->integer(0, 0), first_pid);
    const auto stats = connections->stats();
    EXPECT_EQ(stats.created, 2u);
    EXPECT_EQ(stats.closed, 1u);
    EXPECT_EQ(stats.errors, 1u);
    EXPECT_EQ(stats.ping_failures, 1u);
    EXPECT_EQ(stats.recycled, 0u);
}

TEST_F(ConnectionPoolTest, BrokenConnectionIsDiscardedOnRelease) {
    auto connections = pool(settings(1, 0));
    {
        auto connection = must_acquire(*connections);
        auto slow = query(*connection, "SELECT pg_sleep(5)", 100ms);
        ASSERT_FALSE(slow);
        EXPECT_EQ(slow.error().code, DbErrc::timeout);
    }
    auto stats = connections->stats();
    EXPECT_EQ(stats.idle, 0u);
    EXPECT_EQ(stats.closed, 1u);
    EXPECT_EQ(stats.errors, 1u);
    auto next = must_acquire(*connections);
    EXPECT_TRUE(query(*next, "SELECT 1"));
}

TEST_F(ConnectionPoolTest, ConnectionReturnedInsideATransactionIsClosed) {
    auto connections = pool(settings(1, 0));
    {
        auto connection = must_acquire(*connections);
        ASSERT_TRUE(query(*connection, "BEGIN"));
    }
    const auto stats = connections->stats();
    EXPECT_EQ(stats.idle, 0u);
    EXPECT_EQ(stats.closed, 1u);
}

TEST_F(ConnectionPoolTest, FailedConnectIsReportedAndFreesItsPlace) {
    boost::asio::ip::tcp::acceptor probe(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = std::to_string(probe.local_endpoint().port());
    probe.close();
    auto connections = db::ConnectionPool::create(app_conninfo(PgConnectOptions().with_port(port)),
                                                  settings(1, 0));
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto connection = acquire(*connections);
        ASSERT_FALSE(connection);
        EXPECT_EQ(connection.error().code, DbErrc::connect_failed);
    }
    const auto stats = connections->stats();
    EXPECT_EQ(stats.errors, 2u);
    EXPECT_EQ(stats.connect_failures, 2u);
    EXPECT_EQ(stats.in_use, 0u);
    EXPECT_EQ(stats.created, 0u);
}

TEST_F(ConnectionPoolTest, CloseWakesWaitersAndRefusesLaterAcquires) {
    auto connections = pool(settings(1, 0));
    std::optional<db::PooledConnection> held(must_acquire(*connections));
    std::optional<db::DbResult<db::PooledConnection>> waiter;
    spawn_acquire(*connections, waiter);
    boost::asio::steady_timer later(io_, 100ms);
    later.async_wait([&](boost::system::error_code) { connections->close(); });
    run_until_idle();
    ASSERT_TRUE(waiter.has_value());
    ASSERT_FALSE(*waiter);
    EXPECT_EQ((*waiter).error().code, DbErrc::shutting_down);

    auto after = acquire(*connections);
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().code, DbErrc::shutting_down);
    held.reset();  // the connection in use is closed as it comes back
    const auto stats = connections->stats();
    EXPECT_EQ(stats.in_use, 0u);
    EXPECT_EQ(stats.idle, 0u);
    EXPECT_EQ(stats.closed, 1u);
}

}  // namespace
}  // namespace gateway::test
