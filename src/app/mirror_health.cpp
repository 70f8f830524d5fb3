#include "app/mirror_health.hpp"

#include "app/health_details.hpp"
#include "domain/timestamps.hpp"

namespace gateway::app {

namespace {

boost::json::value timestamp_or_null(domain::Millis at) {
    if (at == 0) return nullptr;
    return boost::json::value(domain::format_timestamp(at));
}

boost::json::object mirror_details(const MirrorHealthSources& sources) {
    const auto stale_since = sources.status.stale_since();
    return {{"apis", sources.mirror.size()},
            {"loaded", sources.status.loaded()},
            {"following_changes", sources.status.following()},
            {"last_synced", timestamp_or_null(sources.status.last_synced())},
            {"stale_since", stale_since ? timestamp_or_null(*stale_since) : nullptr},
            {"full_loads", sources.status.full_loads()}};
}

boost::json::object breaker_details(const db::CircuitBreaker::State& state) {
    boost::json::object out{{"state", state.open ? "open" : "closed"},
                            {"consecutive_failures", state.consecutive_failures},
                            {"times_opened", state.times_opened}};
    if (state.open) {
        out["opened_at"] =
            domain::format_timestamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         state.opened_at.time_since_epoch())
                                         .count());
    }
    return out;
}

}  // namespace

boost::asio::awaitable<api::DatabaseHealth> mirror_health(MirrorHealthSources sources) {
    if (!sources.store.adopted()) {
        // The contract's fallback row, exactly: the memory store is the storage of record.
        co_return api::DatabaseHealth{domain::HealthStatus::degraded,
                                      "in-memory",
                                      "Using fallback in-memory storage",
                                      false,
                                      {}};
    }
    sources.store.notice_primary_swap();
    const auto breaker = sources.breaker.state();
    api::DatabaseHealth health;
    if (breaker.open) {
        health = api::DatabaseHealth{domain::HealthStatus::unhealthy,
                                     "postgresql",
                                     "Primary database unavailable: " + breaker.reason,
                                     true,
                                     {}};
    } else {
        health = to_database_health(co_await sources.database.health_check());
    }
    health.details["mirror"] = mirror_details(sources);
    health.details["breaker"] = breaker_details(breaker);
    co_return health;
}

}  // namespace gateway::app
