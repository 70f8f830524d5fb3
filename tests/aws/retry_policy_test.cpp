// The SDKs' standard retry mode: what is retried, and the capped, fully jittered
// exponential schedule.
#include "aws/retry_policy.hpp"

#include <gtest/gtest.h>

namespace gateway::aws {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicy, ThrottlingByCodeOrStatus) {
    for (const auto* code : {"ThrottlingException", "TooManyRequestsException", "Throttling",
                             "RequestLimitExceeded", "SlowDown"}) {
        EXPECT_EQ(classify_failure(400, code), RetryKind::throttling) << code;
    }
    EXPECT_EQ(classify_failure(429, ""), RetryKind::throttling);
}

TEST(RetryPolicy, TransientByStatusOrCode) {
    for (const long status : {500L, 502L, 503L, 504L}) {
        EXPECT_EQ(classify_failure(status, ""), RetryKind::transient) << status;
    }
    EXPECT_EQ(classify_failure(500, "InternalServiceError"), RetryKind::transient);
    EXPECT_EQ(classify_failure(400, "RequestTimeout"), RetryKind::transient);
}

TEST(RetryPolicy, RefusalsAreNotRetried) {
    for (const auto* code :
         {"ResourceNotFoundException", "AccessDeniedException", "InvalidSignatureException",
          "UnrecognizedClientException", "DecryptionFailure", "InvalidRequestException", ""}) {
        EXPECT_EQ(classify_failure(400, code), RetryKind::none) << code;
    }
    EXPECT_EQ(classify_failure(403, ""), RetryKind::none);
    EXPECT_EQ(classify_failure(501, ""), RetryKind::none);
}

TEST(RetryPolicy, DefaultsAreTheStandardModes) {
    const RetryPolicy policy;
    EXPECT_EQ(policy.max_attempts, 3);
    EXPECT_EQ(policy.base_delay, 100ms);
    EXPECT_EQ(policy.throttling_base_delay, 500ms);
    EXPECT_EQ(policy.max_backoff, 20s);
}

TEST(RetryPolicy, BoundDoublesPerRetry) {
    const RetryPolicy policy;
    // Just under 1: the draw's share of the bound, rounded down.
    constexpr double almost_one = 0.9999999;
    EXPECT_EQ(backoff_before_retry(policy, 0, RetryKind::transient, almost_one), 99ms);
    EXPECT_EQ(backoff_before_retry(policy, 1, RetryKind::transient, almost_one), 199ms);
    EXPECT_EQ(backoff_before_retry(policy, 2, RetryKind::transient, almost_one), 399ms);
    EXPECT_EQ(backoff_before_retry(policy, 0, RetryKind::throttling, almost_one), 499ms);
    EXPECT_EQ(backoff_before_retry(policy, 1, RetryKind::throttling, almost_one), 999ms);
}

TEST(RetryPolicy, FullJitterScalesTheWholeBound) {
    const RetryPolicy policy;
    EXPECT_EQ(backoff_before_retry(policy, 1, RetryKind::throttling, 0.0), 0ms);
    EXPECT_EQ(backoff_before_retry(policy, 1, RetryKind::throttling, 0.5), 500ms);
    EXPECT_EQ(backoff_before_retry(policy, 2, RetryKind::transient, 0.25), 100ms);
}

TEST(RetryPolicy, CappedAtMaxBackoff) {
    const RetryPolicy policy;
    EXPECT_EQ(backoff_before_retry(policy, 10, RetryKind::throttling, 0.5), 10s);
    EXPECT_EQ(backoff_before_retry(policy, 200, RetryKind::transient, 0.5), 10s);
    EXPECT_EQ(backoff_before_retry(policy, 2000, RetryKind::transient, 1.0), 20s);
}

}  // namespace
}  // namespace gateway::aws
