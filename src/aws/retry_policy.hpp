// When an AWS call is tried again and how long to wait first: the AWS SDKs' "standard"
// retry mode. Three attempts in all; throttling errors, 5xx answers, a handful of
// transient error codes and failures below HTTP are retried; the wait before retry n
// (counted from 0) is a full-jitter draw from [0, min(20 s, base * 2^n)), with a base of
// 100 ms, or 500 ms after throttling (the JavaScript and Java SDKs' constants).
#pragma once

#include <chrono>
#include <string_view>

namespace gateway::aws {

struct RetryPolicy {
    int max_attempts = 3;
    std::chrono::milliseconds base_delay{100};
    std::chrono::milliseconds throttling_base_delay{500};
    std::chrono::milliseconds max_backoff{20000};
};

enum class RetryKind {
    none,        // the answer will not change: report it
    transient,   // a 5xx, a transient code, or no answer at all
    throttling,  // the service asks the client to slow down
};

// For an HTTP answer: `status` and the error type the service named ("" when none).
RetryKind classify_failure(long status, std::string_view error_type);

// The wait before retry `retry` (0 = the first retry). `unit_random` is a draw from
// [0, 1); the result is that fraction of the capped exponential bound.
std::chrono::milliseconds backoff_before_retry(const RetryPolicy& policy, int retry, RetryKind kind,
                                               double unit_random);

}  // namespace gateway::aws
