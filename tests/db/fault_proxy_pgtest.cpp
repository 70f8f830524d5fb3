// The fault proxy between PgConnection and the test cluster: each mode does to a real
// PostgreSQL session what the tests that use it rely on. The connections use TLS, so a
// byte lost, duplicated or reordered by the proxy would fail them too.
#include <exception>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>

#include "pg_fixture.hpp"
#include "support/fault_proxy.hpp"

namespace gateway::test {
namespace {

using db::DbErrc;
using Clock = std::chrono::steady_clock;

// How long the client side runs between two looks at a condition another thread changes.
constexpr auto kPollSlice = 10ms;
// Far beyond anything a loopback reset takes, far below the timeouts that would otherwise
// end the operation: what fails sooner failed because of the reset.
constexpr auto kPrompt = 20s;
constexpr auto kLongTimeout = 45s;

class FaultProxyTest : public PgTest {
  protected:
    void SetUp() override {
        PgTest::SetUp();
        if (IsSkipped()) return;
        proxy_ = std::make_unique<FaultProxy>(env_.host,
                                              static_cast<std::uint16_t>(std::stoi(env_.port)));
    }

    std::string proxied_conninfo() const {
        return app_conninfo(PgConnectOptions().with_port(std::to_string(proxy_->port())));
    }

    db::DbResult<std::unique_ptr<db::PgConnection>> connect_through_proxy(
        std::chrono::milliseconds timeout = 10s) {
        return connect(proxied_conninfo(), timeout);
    }

    std::unique_ptr<db::PgConnection> must_connect_through_proxy() {
        auto connection = connect_through_proxy();
        if (!connection) throw std::runtime_error("connect failed: " + connection.error().message);
        return std::move(connection).value();
    }

    void expect_select_works(db::PgConnection& connection) {
        auto answer = query(connection, "SELECT 41 + 1");
        ASSERT_TRUE(answer) << answer.error().message;
        EXPECT_EQ(answer->integer(0, 0), 42);
    }

    // Starts `operation` on io_ without waiting for it; `result` is set when it ends.
    template <class T>
    void start(boost::asio::awaitable<T> operation, std::optional<T>& result) {
        boost::asio::co_spawn(
            io_,
            [&result, operation = std::move(operation)]() mutable -> boost::asio::awaitable<void> {
                result.emplace(co_await std::move(operation));
            },
            [this](std::exception_ptr error) {
                if (error) failure_ = error;
            });
    }

    // Runs the client's side until `done` holds, or fails the wait after `bound`. Every
    // condition waited on includes the operation's end, so io_ always has work meanwhile.
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds bound) {
        const auto deadline = Clock::now() + bound;
        while (!done()) {
            if (failure_) std::rethrow_exception(failure_);
            if (Clock::now() >= deadline) return false;
            io_.restart();
            io_.run_for(kPollSlice);
        }
        return true;
    }

    std::unique_ptr<FaultProxy> proxy_;
    std::exception_ptr failure_;
};

TEST_F(FaultProxyTest, PassForwardsASessionBothWays) {
    EXPECT_EQ(proxy_->mode(), FaultProxy::Mode::pass);
    auto connection = connect_through_proxy();
    ASSERT_TRUE(connection) << connection.error().message;
    EXPECT_TRUE((*connection)->ssl_in_use());
    expect_select_works(**connection);
    EXPECT_EQ(proxy_->connections_accepted(), 1u);
    EXPECT_GT(proxy_->bytes_forwarded(), 0u);
}

TEST_F(FaultProxyTest, DropMakesAQueryTimeOutAndANewConnectionWorksAfterPass) {
    auto connection = must_connect_through_proxy();
    expect_select_works(*connection);

    proxy_->drop();
    EXPECT_EQ(proxy_->mode(), FaultProxy::Mode::drop);
    constexpr auto timeout = 500ms;
    const auto started = Clock::now();
    auto lost = query(*connection, "SELECT 1", timeout);
    const auto waited = Clock::now() - started;
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().code, DbErrc::timeout) << lost.error().message;
    EXPECT_GE(waited, timeout);
    EXPECT_LT(waited, timeout + kPrompt);
    EXPECT_TRUE(connection->broken());

    proxy_->pass();
    auto fresh = connect_through_proxy();
    ASSERT_TRUE(fresh) << fresh.error().message;
    expect_select_works(**fresh);
}

TEST_F(FaultProxyTest, WhatDropHeldIsDeliveredOnPass) {
    auto connection = must_connect_through_proxy();
    proxy_->drop();
    const auto forwarded = proxy_->bytes_forwarded();

    std::optional<db::DbResult<db::PgResult>> answer;
    start(connection->simple_query("SELECT 6 * 7", kLongTimeout), answer);
    ASSERT_TRUE(run_until([&] { return answer || proxy_->bytes_held() > 0; }, kPgTestBound));
    ASSERT_FALSE(answer) << "answered although the proxy drops everything";
    EXPECT_EQ(proxy_->bytes_forwarded(), forwarded);

    proxy_->pass();
    ASSERT_TRUE(run_until([&] { return answer.has_value(); }, kPgTestBound));
    ASSERT_TRUE(*answer) << (*answer).error().message;
    EXPECT_EQ((**answer).integer(0, 0), 42);
    EXPECT_GT(proxy_->bytes_forwarded(), forwarded);
    EXPECT_FALSE(connection->broken());
}

TEST_F(FaultProxyTest, ConnectionAcceptedInDropReachesTheServerOnPass) {
    proxy_->drop();
    std::optional<db::DbResult<std::unique_ptr<db::PgConnection>>> connection;
    start(db::PgConnection::connect(io_.get_executor(), proxied_conninfo(), kLongTimeout),
          connection);
    // Held bytes mean the connection was accepted and its first message is waiting.
    ASSERT_TRUE(run_until([&] { return connection || proxy_->bytes_held() > 0; }, kPgTestBound));
    ASSERT_FALSE(connection) << "connected although the proxy drops everything";
    EXPECT_EQ(proxy_->connections_accepted(), 1u);
    EXPECT_EQ(proxy_->bytes_forwarded(), 0u);

    proxy_->pass();
    ASSERT_TRUE(run_until([&] { return connection.has_value(); }, kPgTestBound));
    ASSERT_TRUE(*connection) << (*connection).error().message;
    expect_select_works(***connection);
}

TEST_F(FaultProxyTest, ResetEndsExistingConnectionsAndNewOnesPromptly) {
    auto connection = must_connect_through_proxy();
    expect_select_works(*connection);

    proxy_->reset();
    EXPECT_EQ(proxy_->mode(), FaultProxy::Mode::reset);
    auto started = Clock::now();
    auto lost = query(*connection, "SELECT 1", kLongTimeout);
    auto waited = Clock::now() - started;
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().code, DbErrc::connection_lost) << lost.error().message;
    EXPECT_LT(waited, kPrompt);

    const auto accepted = proxy_->connections_accepted();
    started = Clock::now();
    auto refused = connect_through_proxy(kLongTimeout);
    waited = Clock::now() - started;
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, DbErrc::connect_failed) << refused.error().message;
    EXPECT_LT(waited, kPrompt);
    EXPECT_GT(proxy_->connections_accepted(), accepted);

    proxy_->pass();
    auto fresh = connect_through_proxy();
    ASSERT_TRUE(fresh) << fresh.error().message;
    expect_select_works(**fresh);
}

TEST_F(FaultProxyTest, DelayHoldsBackEachDirection) {
    auto connection = must_connect_through_proxy();
    expect_select_works(*connection);

    constexpr auto delay = 200ms;
    proxy_->delay(delay);
    EXPECT_EQ(proxy_->mode(), FaultProxy::Mode::delay);
    const auto started = Clock::now();
    auto answer = query(*connection, "SELECT 41 + 1", kLongTimeout);
    const auto round_trip = Clock::now() - started;
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_EQ(answer->integer(0, 0), 42);
    // The query waits out the delay on its way in, the answer on its way out. Only a
    // lower bound: a busy machine may add any amount.
    EXPECT_GE(round_trip, 2 * delay);

    proxy_->pass();
    expect_select_works(*connection);
}

}  // namespace
}  // namespace gateway::test
