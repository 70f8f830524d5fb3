// The connection pool as HTTP clients see it: a burst larger than the pool waits for its
// connections, a pool with no connection to spare answers 503 after DB_POOL_TIMEOUT
// instead of queueing forever, a backend that dies between requests is replaced
// unnoticed, and a SIGHUP swaps pools without failing a request.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "pg_fixture.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/parallel_clients.hpp"
#include "support/pg_admin_session.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPoolTimeout = 500ms;
// Beyond DB_POOL_TIMEOUT, what a loaded machine may add before the 503 is out.
constexpr auto kAnswerSlack = 2500ms;

class PoolHttpTest : public PgTest {
  protected:
    // Waits until `count` of the role's sessions wait for a lock.
    bool wait_for_lock_waiters(const ScratchRole& role, int count) {
        auto watcher = PgAdminSession::superuser(env_);
        const std::string sql =
            "SELECT count(*) FROM pg_stat_activity WHERE usename = " + sql_literal(role.name()) +
            " AND wait_event_type = 'Lock'";
        const auto deadline = Clock::now() + kIoTimeout;
        while (watcher.value(sql) != std::to_string(count)) {
            if (Clock::now() >= deadline) return false;
            std::this_thread::sleep_for(20ms);
        }
        return true;
    }

    // Waits until /health reports at least `count` requests waiting in the pool. Its own
    // check joins the queue and gives up after DB_HEALTH_TIMEOUT; the figures it reports
    // then are taken after it left.
    static ::testing::AssertionResult wait_for_pool_waiters(HttpClient& client,
                                                            std::int64_t count) {
        const auto deadline = Clock::now() + kIoTimeout;
        for (;;) {
            const Response health = client.request("GET", "/health");
            if (pool_figure(health, "waiting") >= count) return ::testing::AssertionSuccess();
            if (Clock::now() >= deadline) {
                return ::testing::AssertionFailure()
                       << "fewer than " << count << " requests wait in the pool: " << health.body;
            }
        }
    }

    // One of the pool figures in a /health answer; -1 when it has none.
    static std::int64_t pool_figure(const Response& health, std::string_view name) {
        const boost::json::value body = health.json();
        const auto* pool = body.as_object().at("database").as_object().if_contains("pool");
        if (pool == nullptr) return -1;
        return pool->as_object().at(name).to_number<std::int64_t>();
    }
};

// SQLAlchemy's meaning of DB_POOL_TIMEOUT: a request waits up to that long for a
// connection, however many wait with it. Twenty creates on two connections, all held up
// behind a lock until every one of them is queued, are all served once the lock goes.
TEST_F(PoolHttpTest, BurstLargerThanThePoolWaitsForConnectionsAndEveryCreateSucceeds) {
    constexpr int kBurst = 20;
    constexpr int kConnections = 2;
    ScratchRole role(env_, "pool-burst-pw");
    ServerProcess server({{"DATABASE_URL", role.database_url()},
                          {"DB_POOL_SIZE", std::to_string(kConnections)},
                          {"DB_MAX_OVERFLOW", "0"},
                          {"DB_POOL_TIMEOUT", "10"},
                          // Far longer than the test holds the lock.
                          {"DB_STATEMENT_TIMEOUT", "60"},
                          {"DB_HEALTH_TIMEOUT", "0.2"},
                          {"WORKERS", "2"}});
    HttpClient client(server.port());
    must_create_api(client, minimal_api(unique_name()));

    // Declared before the lock's session, so that on an early failure the session (and
    // the lock) goes first and the burst can finish before its future is joined.
    std::future<std::vector<std::string>> burst;
    auto locker = PgAdminSession::superuser(env_);
    locker.exec("BEGIN");
    locker.exec("LOCK TABLE " + role.name() + ".apis IN ACCESS EXCLUSIVE MODE");
    burst = std::async(std::launch::async, [port = server.port()] {
        return run_concurrently(port, kBurst, [](int, HttpClient& http) {
            const Response created = create_api(http, minimal_api(unique_name()));
            if (created.status != 201) {
                throw std::runtime_error("HTTP " + std::to_string(created.status) + " " +
                                         created.body);
            }
        });
    });
    // Both connections wait for the lock and every other create waits for a connection.
    ASSERT_TRUE(wait_for_lock_waiters(role, kConnections));
    ASSERT_TRUE(wait_for_pool_waiters(client, kBurst - kConnections));

    locker.exec("COMMIT");
    const auto failures = burst.get();
    EXPECT_TRUE(failures.empty()) << failures.size() << " of " << kBurst
                                  << " creates failed, the first: " << failures.front();
    const Response health = client.request("GET", "/health");
    ASSERT_TRUE(HasStatus(health, 200));
    EXPECT_EQ(pool_figure(health, "rejected"), 0) << health.body;
    EXPECT_EQ(pool_figure(health, "waiting"), 0) << health.body;
    const Response listed = list_apis(client, "limit=100");
    ASSERT_TRUE(HasStatus(listed, 200));
    EXPECT_EQ(listed.json().as_object().at("data").as_array().size(),
              static_cast<std::size_t>(kBurst + 1));
    expect_clean_exit(server);
}

TEST_F(PoolHttpTest, ExhaustedPoolAnswers503AfterThePoolTimeoutAndRecovers) {
    ScratchRole role(env_, "pool-busy-pw");
    ServerProcess server({{"DATABASE_URL", role.database_url()},
                          {"DB_POOL_SIZE", "1"},
                          {"DB_MAX_OVERFLOW", "0"},
                          {"DB_POOL_TIMEOUT", "0.5"},
                          // Far longer than the test holds the lock: the blocked request must
                          // end because the lock goes, not because its statement timed out.
                          {"DB_STATEMENT_TIMEOUT", "60"},
                          {"WORKERS", "2"}});
    HttpClient client(server.port());
    const std::string name = unique_name();
    must_create_api(client, minimal_api(name));

    // Declared before the lock's session, so that on an early failure the session (and
    // the lock) goes first and the blocked request can finish before its future is joined.
    std::future<Response> blocked;
    // The pool's only connection goes into a request that waits for this lock.
    auto locker = PgAdminSession::superuser(env_);
    locker.exec("BEGIN");
    locker.exec("LOCK TABLE " + role.name() + ".apis IN ACCESS EXCLUSIVE MODE");
    // Reads are answered from the mirror: writes are what take connections.
    blocked = std::async(std::launch::async, [port = server.port(), name] {
        HttpClient other(port);
        return patch_api(other, name, boost::json::object{{"description", "after the lock"}});
    });
    ASSERT_TRUE(wait_for_lock_waiters(role, 1));

    const auto started = Clock::now();
    const Response refused = create_api(client, minimal_api(unique_name()));
    const auto spent = Clock::now() - started;
    ASSERT_TRUE(IsDetailError(refused, 503));
    EXPECT_EQ(refused.json().as_object().at("detail").as_string(),
              "Database unavailable: no database connection free within 0.5s");
    EXPECT_LT(spent, kPoolTimeout + kAnswerSlack)
        << std::chrono::duration<double>(spent).count() << " s";
    EXPECT_EQ(blocked.wait_for(0s), std::future_status::timeout)
        << "the request holding the connection should still wait for the lock";

    locker.exec("COMMIT");
    EXPECT_TRUE(HasStatus(blocked.get(), 200));
    EXPECT_TRUE(HasStatus(list_apis(client), 200));
    EXPECT_TRUE(HasStatus(client.request("GET", "/health"), 200));
    expect_clean_exit(server);
}

// A statement stuck behind a lock ends at DB_STATEMENT_TIMEOUT with a 503, and a write
// reported as failed must not take effect later, when the lock goes.
TEST_F(PoolHttpTest, StatementPastTheStatementTimeoutAnswers503AndLeavesNoTrace) {
    ScratchRole role(env_, "pool-statement-pw");
    ServerProcess server(
        {{"DATABASE_URL", role.database_url()}, {"DB_STATEMENT_TIMEOUT", "1"}, {"WORKERS", "2"}});
    HttpClient client(server.port());
    const std::string existing = unique_name();
    must_create_api(client, minimal_api(existing));

    auto locker = PgAdminSession::superuser(env_);
    locker.exec("BEGIN");
    locker.exec("LOCK TABLE " + role.name() + ".apis IN ACCESS EXCLUSIVE MODE");
    const std::string refused_name = unique_name();
    // A read does not wait on the lock at all: the mirror answers it.
    EXPECT_TRUE(HasStatus(get_api(client, existing), 200));
    const auto started = Clock::now();
    const Response response = create_api(client, minimal_api(refused_name));
    const auto spent = Clock::now() - started;
    EXPECT_TRUE(IsDetailError(response, 503));
    EXPECT_LT(spent, 1s + kAnswerSlack) << std::chrono::duration<double>(spent).count() << " s";
    locker.exec("COMMIT");

    EXPECT_TRUE(HasStatus(get_api(client, existing), 200));
    EXPECT_TRUE(HasStatus(get_api(client, refused_name), 404))
        << "a create answered with 503 was stored after all";
    expect_clean_exit(server);
}

TEST_F(PoolHttpTest, TerminatedBackendIsReplacedForTheNextRequest) {
    ScratchRole role(env_, "pool-killed-pw");
    ServerProcess server({{"DATABASE_URL", role.database_url()}, {"WORKERS", "2"}});
    HttpClient client(server.port());
    const std::string name = unique_name();
    must_create_api(client, minimal_api(name));
    ASSERT_TRUE(HasStatus(get_api(client, name), 200));

    ASSERT_GE(role.terminate_sessions(), 1);

    EXPECT_TRUE(HasStatus(get_api(client, name), 200));
    EXPECT_TRUE(HasStatus(list_apis(client), 200));
    EXPECT_TRUE(HasStatus(client.request("GET", "/health"), 200));
    expect_clean_exit(server);
}

// Four clients read, list and create without pause while the server is told to resolve
// its sources again `kReloads` times; every request must still succeed.
void expect_reloads_lose_no_request(const ScratchRole& role, Environment env) {
    env["DATABASE_URL"] = role.database_url();
    env["WORKERS"] = "2";
    ServerProcess server(env);
    std::vector<std::string> names;
    {
        HttpClient setup(server.port());
        for (int i = 0; i < 4; ++i) {
            names.push_back(unique_name());
            must_create_api(setup, minimal_api(names.back()));
        }
    }

    constexpr int kClients = 4;
    constexpr int kReloads = 5;
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0};
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    const auto fail = [&](std::string what) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(std::move(what));
    };
    {
        std::vector<std::jthread> clients;
        for (int index = 0; index < kClients; ++index) {
            clients.emplace_back([&, index] {
                HttpClient client(server.port());
                for (int round = 0; !stop; ++round) {
                    Response response;
                    try {
                        // Reads, lists and writes: each takes the pool's connections its own way.
                        switch (round % 3) {
                            case 0:
                                response = get_api(client, names[(index + round) % names.size()]);
                                break;
                            case 1:
                                response = list_apis(client, "limit=10");
                                break;
                            default:
                                response = create_api(client, minimal_api(unique_name()));
                                break;
                        }
                    } catch (const std::exception& error) {
                        fail("client " + std::to_string(index) + ": " + error.what());
                        return;
                    }
                    ++answered;
                    if (response.status < 200 || response.status > 299) {
                        fail("client " + std::to_string(index) + " round " + std::to_string(round) +
                             ": HTTP " + std::to_string(response.status) + " " + response.body);
                    }
                }
            });
        }

        for (int reload = 1; reload <= kReloads; ++reload) {
            std::this_thread::sleep_for(200ms);
            server.send_signal(SIGHUP);
            // One at a time: a SIGHUP during a reload is merged into it.
            EXPECT_TRUE(wait_for_line_count(server, "database: using", 1 + reload, kIoTimeout))
                << server.output();
        }
        std::this_thread::sleep_for(200ms);
        stop = true;
    }

    EXPECT_TRUE(failures.empty()) << failures.size() << " of " << answered.load()
                                  << " requests failed, the first: " << failures.front();
    EXPECT_GT(answered.load(), kClients * kReloads) << "the load was not steady";
    expect_clean_exit(server);
}

TEST_F(PoolHttpTest, SighupUnderSteadyLoadLosesNoRequest) {
    ScratchRole role(env_, "pool-sighup-pw");
    expect_reloads_lose_no_request(role, {});
}

// With one connection for four clients, requests are always queued in the pool when the
// SIGHUP swaps it: those waiters must be served, not failed with the old pool.
TEST_F(PoolHttpTest, SighupWhileRequestsWaitForTheOnlyConnectionLosesNoRequest) {
    ScratchRole role(env_, "pool-sighup-queue-pw");
    expect_reloads_lose_no_request(
        role, {{"DB_POOL_SIZE", "1"}, {"DB_MAX_OVERFLOW", "0"}, {"DB_POOL_TIMEOUT", "10"}});
}

}  // namespace
}  // namespace gateway::test
