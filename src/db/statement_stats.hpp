// Per-statement figures for the metrics page, the seed's "query performance monitoring":
// how long each named statement takes and how often it fails. Statements are named in
// the code, so the set of names is bounded; parameter values are never seen here.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "metrics/exposition.hpp"
#include "metrics/histogram.hpp"

namespace gateway::db {

// Shared by every connection of every pool a DatabaseManager makes, so the figures
// survive a SIGHUP that swaps the pool.
class StatementStats {
  public:
    void record(std::string_view name, std::chrono::steady_clock::duration took, bool succeeded);
    void write(metrics::Exposition& out) const;

  private:
    struct Entry {
        metrics::LatencyHistogram latency;
        std::atomic<std::uint64_t> errors{0};
    };
    Entry& entry(std::string_view name);

    // Guards the map only: an entry, once made, stays where it is and counts lock-free.
    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
};

}  // namespace gateway::db
