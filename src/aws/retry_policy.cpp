#include "aws/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace gateway::aws {
namespace {

// The error codes the SDKs' standard mode treats as throttling.
constexpr std::array<std::string_view, 12> kThrottlingCodes{
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
};

// And as transient, whatever the status (Secrets Manager's own is InternalServiceError).
constexpr std::array<std::string_view, 7> kTransientCodes{
    "RequestTimeout",  "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
    "InternalFailure", "InternalServiceError",    "ServiceUnavailable",
};

template <std::size_t N>
bool contains_code(const std::array<std::string_view, N>& codes, std::string_view code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

RetryKind classify_failure(long status, std::string_view error_type) {
    if (status == 429 || contains_code(kThrottlingCodes, error_type)) return RetryKind::throttling;
    if (status == 500 || status == 502 || status == 503 || status == 504 ||
        contains_code(kTransientCodes, error_type)) {
        return RetryKind::transient;
    }
    return RetryKind::none;
}

std::chrono::milliseconds backoff_before_retry(const RetryPolicy& policy, int retry, RetryKind kind,
                                               double unit_random) {
    const auto base =
        kind == RetryKind::throttling ? policy.throttling_base_delay : policy.base_delay;
    // Doubling stops mattering long before an int overflows; the cap is reached first.
    const double bound = std::min(static_cast<double>(policy.max_backoff.count()),
                                  static_cast<double>(base.count()) * std::ldexp(1.0, retry));
    const double fraction = std::clamp(unit_random, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(std::floor(fraction * bound)));
}

}  // namespace gateway::aws
