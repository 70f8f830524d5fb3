// One pool shared by two io_contexts, each run by its own thread, as the server runs
// it. Connections pass between the threads through the pool's hand-off; this is the
// test to run under ThreadSanitizer.
#include <atomic>
#include <thread>

#include <boost/asio/detached.hpp>

#include "pg_fixture.hpp"

namespace gateway::test {
namespace {

constexpr db::Statement kEcho{"test_threads_echo", "SELECT $1::int"};
constexpr int kContexts = 2;
constexpr int kWorkersPerContext = 7;  // 14 workers, 3 connections: up to 11 wait (12 allowed)
constexpr int kRoundsPerWorker = 20;

struct PoolTally {
    std::atomic<int> succeeded{0};
    std::atomic<int> failed{0};
    std::atomic<std::size_t> most_in_use{0};
};

// Acquires, runs one statement, releases; again and again.
boost::asio::awaitable<void> worker(std::shared_ptr<db::ConnectionPool> pool, int id,
                                    PoolTally& tally) {
    for (int round = 0; round < kRoundsPerWorker; ++round) {
        const int expected = id * 100 + round;
        auto connection = co_await pool->acquire();
        if (!connection) {
            ++tally.failed;
            continue;
        }
        const auto in_use = pool->stats().in_use;
        for (auto seen = tally.most_in_use.load();
             in_use > seen && !tally.most_in_use.compare_exchange_weak(seen, in_use);) {
        }
        // A named Params: g++ 12 miscompiles a braced list inside a co_await expression.
        const db::Params params{std::to_string(expected)};
        auto result = co_await (*connection)->execute(kEcho, params, 10s);
        if (result && result->integer(0, 0) == expected) {
            ++tally.succeeded;
        } else {
            ++tally.failed;
        }
    }
}

class PoolThreadsTest : public PgTest {};

TEST_F(PoolThreadsTest, ManyAcquiresFromTwoThreadsAllComplete) {
    config::DatabaseSettings settings;
    settings.pool_size = 2;
    settings.max_overflow = 1;
    settings.pool_timeout = 30s;
    settings.connect_timeout = 10s;
    auto pool = db::ConnectionPool::create(app_conninfo(), settings);

    PoolTally tally;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
    for (int c = 0; c < kContexts; ++c) {
        contexts.push_back(std::make_unique<boost::asio::io_context>(1));
        for (int w = 0; w < kWorkersPerContext; ++w) {
            boost::asio::co_spawn(*contexts.back(), worker(pool, c * kWorkersPerContext + w, tally),
                                  boost::asio::detached);
        }
    }
    std::vector<std::thread> threads;
    for (auto& context : contexts) {
        threads.emplace_back([&context] { context->run_for(kPgTestBound); });
    }
    for (auto& thread : threads) thread.join();

    EXPECT_EQ(tally.succeeded.load(), kContexts * kWorkersPerContext * kRoundsPerWorker);
    EXPECT_EQ(tally.failed.load(), 0);
    const auto stats = pool->stats();
    EXPECT_EQ(stats.in_use, 0u);
    EXPECT_EQ(stats.waiting, 0u);
    EXPECT_EQ(stats.timeouts, 0u);
    EXPECT_LE(tally.most_in_use.load(), 3u);  // pool_size + max_overflow
    // Whatever was opened is idle or closed now; overflow ones may still be within their
    // idle grace, never more than the pool's bound.
    EXPECT_EQ(stats.created - stats.closed, stats.idle);
    EXPECT_LE(stats.idle, 3u);
    pool->close();
}

}  // namespace
}  // namespace gateway::test
