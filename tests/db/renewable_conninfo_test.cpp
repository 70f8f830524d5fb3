// Renewing refused credentials: one fetch for every connect refused meanwhile, none sooner
// than the minimum interval, and no waiter held past its own deadline.
#include "db/renewable_conninfo.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

namespace gateway::db {
namespace {

using namespace std::chrono_literals;
using Clock = ConninfoSource::Clock;
namespace asio = boost::asio;

config::ConnectionParams credentials(std::string user, std::string password) {
    config::ConnectionParams params;
    params.host = "db.example.com";
    params.user = std::move(user);
    params.password = std::move(password);
    return params;
}

std::string render(const config::ConnectionParams& params) {
    return "user=" + params.user + " password=" + params.password;
}

// A fetch whose answer the test sets, and which can be held until the test lets it go.
class ScriptedFetch {
  public:
    RenewableConninfo::Fetch function() {
        return [this]() -> domain::Expected<config::ConnectionParams, std::string> {
            ++calls;
            if (held_) gate_.get_future().wait();
            return answer;
        };
    }
    void hold() { held_ = true; }
    void release() { gate_.set_value(); }

    std::atomic<int> calls{0};
    domain::Expected<config::ConnectionParams, std::string> answer =
        credentials("app", "second-password");

  private:
    std::atomic<bool> held_{false};
    std::promise<void> gate_;
};

class RenewableConninfoTest : public ::testing::Test {
  protected:
    std::shared_ptr<RenewableConninfo> make(std::chrono::milliseconds min_interval = 30s) {
        return RenewableConninfo::create(credentials("app", "first-password"), fetch_.function(),
                                         render, blocking_.get_executor(),
                                         {"a test store", min_interval});
    }

    // Starts one renewal on the event loop; its outcome lands in the returned slot.
    std::shared_ptr<std::optional<bool>> start_renewal(
        const std::shared_ptr<RenewableConninfo>& source, std::uint64_t generation,
        std::chrono::milliseconds bound = 10s) {
        auto outcome = std::make_shared<std::optional<bool>>();
        asio::co_spawn(
            io_,
            [source, generation, bound, outcome]() -> asio::awaitable<void> {
                *outcome = co_await source->renew_after_refusal(generation, Clock::now() + bound);
            },
            asio::detached);
        return outcome;
    }

    void run_until_done() {
        io_.restart();
        io_.run_for(20s);
    }

    ScriptedFetch fetch_;
    asio::io_context io_;
    asio::thread_pool blocking_{1};
};

TEST_F(RenewableConninfoTest, StartsWithTheFirstFetchsCredentials) {
    auto source = make();
    EXPECT_EQ(source->current().conninfo, "user=app password=first-password");
    EXPECT_EQ(source->current().generation, 0u);
    EXPECT_EQ(fetch_.calls, 0);
}

TEST_F(RenewableConninfoTest, ConcurrentRefusalsShareOneFetch) {
    auto source = make();
    fetch_.hold();
    std::vector<std::shared_ptr<std::optional<bool>>> outcomes;
    for (int i = 0; i < 5; ++i) outcomes.push_back(start_renewal(source, 0));
    // Let every renewal reach its wait before the fetch may finish.
    io_.run_for(100ms);
    fetch_.release();
    run_until_done();
    for (const auto& outcome : outcomes) {
        ASSERT_TRUE(outcome->has_value());
        EXPECT_TRUE(**outcome);
    }
    EXPECT_EQ(fetch_.calls, 1);
    EXPECT_EQ(source->renewals(), 1u);
    EXPECT_EQ(source->current().generation, 1u);
    EXPECT_EQ(source->current().conninfo, "user=app password=second-password");
    EXPECT_EQ(source->params().password, "second-password");
}

TEST_F(RenewableConninfoTest, ARefusalOfAnOlderGenerationRetriesAtOnce) {
    auto source = make();
    auto first = start_renewal(source, 0);
    run_until_done();
    ASSERT_TRUE(first->value_or(false));
    auto late = start_renewal(source, 0);
    run_until_done();
    EXPECT_TRUE(late->value_or(false));
    EXPECT_EQ(fetch_.calls, 1);
}

TEST_F(RenewableConninfoTest, NoSecondFetchWithinTheMinimumInterval) {
    auto source = make(300ms);
    auto first = start_renewal(source, 0);
    run_until_done();
    ASSERT_TRUE(first->value_or(false));

    fetch_.answer = credentials("app", "third-password");
    const auto refused_again_at = Clock::now();
    auto too_soon = start_renewal(source, 1);
    run_until_done();
    ASSERT_TRUE(too_soon->has_value());
    if (Clock::now() - refused_again_at < 300ms) {
        EXPECT_FALSE(**too_soon);
        EXPECT_EQ(fetch_.calls, 1);
    }

    std::this_thread::sleep_for(350ms);
    auto later = start_renewal(source, 1);
    run_until_done();
    EXPECT_TRUE(later->value_or(false));
    EXPECT_EQ(fetch_.calls, 2);
    EXPECT_EQ(source->current().conninfo, "user=app password=third-password");
}

TEST_F(RenewableConninfoTest, AnUnchangedSecretIsNotRetried) {
    auto source = make();
    fetch_.answer = credentials("app", "first-password");
    auto outcome = start_renewal(source, 0);
    run_until_done();
    ASSERT_TRUE(outcome->has_value());
    EXPECT_FALSE(**outcome);
    EXPECT_EQ(source->current().generation, 0u);
    EXPECT_EQ(fetch_.calls, 1);
}

TEST_F(RenewableConninfoTest, AFailedFetchKeepsTheCurrentCredentials) {
    auto source = make();
    fetch_.answer = domain::unexpected(std::string("the secret does not exist"));
    auto outcome = start_renewal(source, 0);
    run_until_done();
    ASSERT_TRUE(outcome->has_value());
    EXPECT_FALSE(**outcome);
    EXPECT_EQ(source->current().conninfo, "user=app password=first-password");
}

TEST_F(RenewableConninfoTest, AWaiterLeavesAtItsDeadline) {
    auto source = make();
    fetch_.hold();
    const auto started = Clock::now();
    auto impatient = start_renewal(source, 0, 100ms);
    io_.restart();
    io_.run_for(5s);  // returns once the only waiter has given up
    ASSERT_TRUE(impatient->has_value());
    EXPECT_FALSE(**impatient);
    EXPECT_LT(Clock::now() - started, 5s);
    EXPECT_EQ(source->current().generation, 0u);

    // The fetch still completes for those who come next.
    fetch_.release();
    blocking_.wait();
    EXPECT_EQ(source->current().generation, 1u);
    EXPECT_EQ(fetch_.calls, 1);
}

}  // namespace
}  // namespace gateway::db
