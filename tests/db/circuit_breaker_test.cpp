#include "db/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace gateway::db {
namespace {

using namespace std::chrono_literals;

class CircuitBreakerTest : public ::testing::Test {
  protected:
    CircuitBreaker make(unsigned threshold = 3) {
        CircuitBreaker::Options options;
        options.threshold = threshold;
        options.first_backoff = 250ms;
        options.max_backoff = 2000ms;
        return CircuitBreaker(options, [this] { return now_; });
    }
    CircuitBreaker::Clock::time_point now_ = CircuitBreaker::Clock::time_point(1000s);
};

TEST_F(CircuitBreakerTest, OpensAfterTheThresholdOfConsecutiveFailures) {
    auto breaker = make(3);
    breaker.record_failure("cannot connect");
    breaker.record_failure("cannot connect");
    EXPECT_FALSE(breaker.refusal());
    breaker.record_failure("cannot connect");
    ASSERT_TRUE(breaker.refusal());
    EXPECT_GE(*breaker.refusal(), 1s);
    EXPECT_EQ(breaker.state().reason, "cannot connect");
    EXPECT_EQ(breaker.state().times_opened, 1u);
}

TEST_F(CircuitBreakerTest, ASuccessInBetweenStartsTheCountOver) {
    auto breaker = make(2);
    breaker.record_failure("timed out");
    breaker.record_success();
    breaker.record_failure("timed out");
    EXPECT_FALSE(breaker.is_open());
}

TEST_F(CircuitBreakerTest, ASuccessfulProbeClosesIt) {
    auto breaker = make(1);
    breaker.record_failure("connection lost");
    EXPECT_TRUE(breaker.is_open());
    breaker.record_success();
    EXPECT_FALSE(breaker.is_open());
    EXPECT_FALSE(breaker.refusal());
    EXPECT_TRUE(breaker.state().reason.empty());
}

TEST_F(CircuitBreakerTest, ProbesBackOffExponentiallyWithJitterUpToTheCap) {
    auto breaker = make(1);
    breaker.record_failure("cannot connect");
    std::chrono::milliseconds ceiling = 250ms;
    for (int probe = 0; probe < 12; ++probe) {
        const auto delay = breaker.schedule_probe();
        EXPECT_GE(delay, ceiling / 2) << "probe " << probe;
        EXPECT_LE(delay, ceiling) << "probe " << probe;
        ceiling = std::min(ceiling * 2, std::chrono::milliseconds(2000));
    }
}

TEST_F(CircuitBreakerTest, RetryAfterCountsDownToTheNextProbe) {
    auto breaker = make(1);
    breaker.record_failure("cannot connect");
    for (int i = 0; i < 6; ++i) breaker.schedule_probe();  // at the cap: 1 to 2 s
    const auto wait = breaker.refusal();
    ASSERT_TRUE(wait);
    EXPECT_GE(*wait, 1s);
    EXPECT_LE(*wait, 2s);
    now_ += 10s;  // the probe is overdue: still at least a second
    EXPECT_EQ(*breaker.refusal(), 1s);
}

TEST_F(CircuitBreakerTest, BackoffStartsOverAfterTheDatabaseReturns) {
    auto breaker = make(1);
    breaker.record_failure("cannot connect");
    for (int i = 0; i < 8; ++i) breaker.schedule_probe();
    breaker.record_success();
    breaker.record_failure("cannot connect");
    EXPECT_LE(breaker.schedule_probe(), 250ms);
}

}  // namespace
}  // namespace gateway::db
