#include "metrics/histogram.hpp"

namespace gateway::metrics {

namespace {

using std::chrono::nanoseconds;

// The bounds of latency_bucket_labels, in nanoseconds, for integer comparisons.
constexpr std::array<std::int64_t, latency_bucket_labels.size()> bucket_bounds = {
    500'000,       1'000'000,     2'500'000,     5'000'000,     10'000'000,
    25'000'000,    50'000'000,    100'000'000,   250'000'000,   500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

}  // namespace

HistogramCounts& HistogramCounts::operator+=(const HistogramCounts& other) {
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
    sum_nanoseconds += other.sum_nanoseconds;
    return *this;
}

std::uint64_t HistogramCounts::count() const {
    std::uint64_t total = 0;
    for (const auto n : buckets) total += n;
    return total;
}

void LatencyHistogram::observe(std::chrono::steady_clock::duration took) {
    const std::int64_t ns =
        std::max<std::int64_t>(0, std::chrono::duration_cast<nanoseconds>(took).count());
    std::size_t bucket = 0;
    while (bucket < bucket_bounds.size() && ns > bucket_bounds[bucket]) ++bucket;
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_nanoseconds_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

void LatencyHistogram::add_to(HistogramCounts& out) const {
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        out.buckets[i] += buckets_[i].load(std::memory_order_relaxed);
    }
    out.sum_nanoseconds += sum_nanoseconds_.load(std::memory_order_relaxed);
}

void write_histogram(Exposition& out, std::string_view name, std::initializer_list<Label> labels,
                     const HistogramCounts& counts) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < latency_bucket_labels.size(); ++i) {
        cumulative += counts.buckets[i];
        out.bucket(name, labels, latency_bucket_labels[i], cumulative);
    }
    cumulative += counts.buckets.back();
    out.bucket(name, labels, "+Inf", cumulative);
    std::string suffixed(name);
    suffixed += "_sum";
    out.sample(suffixed, labels, static_cast<double>(counts.sum_nanoseconds) / 1e9);
    suffixed.replace(suffixed.size() - 4, 4, "_count");
    out.sample(suffixed, labels, cumulative);
}

}  // namespace gateway::metrics
