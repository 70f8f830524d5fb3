#include "db/statement_stats.hpp"

#include <utility>
#include <vector>

namespace gateway::db {

StatementStats::Entry& StatementStats::entry(std::string_view name) {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(name);
    if (found == entries_.end()) {
        found = entries_.emplace(std::string(name), std::make_unique<Entry>()).first;
    }
    return *found->second;
}

void StatementStats::record(std::string_view name, std::chrono::steady_clock::duration took,
                            bool succeeded) {
    auto& counted = entry(name);
    counted.latency.observe(took);
    if (!succeeded) counted.errors.fetch_add(1, std::memory_order_relaxed);
}

void StatementStats::write(metrics::Exposition& out) const {
    using metrics::MetricType;
    std::vector<std::pair<std::string_view, const Entry*>> entries;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, counted] : entries_) entries.emplace_back(name, counted.get());
    }
    out.family("gateway_db_statement_duration_seconds", MetricType::histogram,
               "Time each named statement took, from sending it to its last result, failures "
               "included.");
    for (const auto& [name, counted] : entries) {
        metrics::HistogramCounts counts;
        counted->latency.add_to(counts);
        metrics::write_histogram(out, "gateway_db_statement_duration_seconds",
                                 {{"statement", name}}, counts);
    }
    out.family("gateway_db_statement_errors_total", MetricType::counter,
               "Runs of each named statement that failed (an error from the server, a timeout, "
               "a lost connection).");
    for (const auto& [name, counted] : entries) {
        out.sample("gateway_db_statement_errors_total", {{"statement", name}},
                   counted->errors.load(std::memory_order_relaxed));
    }
}

}  // namespace gateway::db
