// A latency histogram that any thread may record into without a lock, with buckets fixed
// at compile time (seconds, from half a millisecond to ten seconds): the same buckets for
// requests and statements, so their quantiles can be compared.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "metrics/exposition.hpp"

namespace gateway::metrics {

inline constexpr std::array<std::string_view, 14> latency_bucket_labels = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5",     "10"};

// Counts per bucket (not cumulative; the last one is above every bound) and the sum.
struct HistogramCounts {
    std::array<std::uint64_t, latency_bucket_labels.size() + 1> buckets{};
    std::uint64_t sum_nanoseconds = 0;

    HistogramCounts& operator+=(const HistogramCounts& other);
    std::uint64_t count() const;
};

class LatencyHistogram {
  public:
    void observe(std::chrono::steady_clock::duration took);
    // Adds what was recorded so far; concurrent observations may or may not be in.
    void add_to(HistogramCounts& out) const;

  private:
    std::array<std::atomic<std::uint64_t>, latency_bucket_labels.size() + 1> buckets_{};
    std::atomic<std::uint64_t> sum_nanoseconds_{0};
};

// Writes `name`_bucket (cumulative, with +Inf), `name`_sum (seconds) and `name`_count.
void write_histogram(Exposition& out, std::string_view name, std::initializer_list<Label> labels,
                     const HistogramCounts& counts);

}  // namespace gateway::metrics
