#include "app/mirror_health.hpp"

#include "app/health_details.hpp"

#include <algorithm>
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

boost::json::object local_state_details(const local::LocalState& state) {
    const auto failure = state.last_failure();
    return {{"directory", state.directory().string()},
            {"snapshot_written_at", timestamp_or_null(state.last_written())},
            {"unwritten_changes", state.unwritten()},
            {"write_failure",
             failure.empty() ? boost::json::value(nullptr) : boost::json::value(failure)}};
}

boost::json::object journal_details(const local::Journal& journal) {
    return {{"pending", journal.depth()}, {"conflicts", journal.conflict_count()}};
}

// What the fallback serves: the local snapshot (and how old it is) or nothing yet.
boost::json::object fallback_details(const MirrorHealthSources& sources) {
    boost::json::object out;
    const bool snapshot = sources.status.loaded();
    out["serving"] = snapshot ? "snapshot" : "empty";
    out["apis"] = sources.mirror.size();
    const auto synced = sources.status.last_synced();
    out["snapshot_synced_at"] = snapshot ? timestamp_or_null(synced) : nullptr;
    if (snapshot && synced != 0) {
        out["snapshot_age_seconds"] =
            std::max<domain::Millis>(0, domain::now_millis() - synced) / 1000;
    }
    out["local_state"] = local_state_details(*sources.local_state);
    if (sources.journal != nullptr) out["journal"] = journal_details(*sources.journal);
    return out;
}

}  // namespace

boost::asio::awaitable<api::DatabaseHealth> mirror_health(MirrorHealthSources sources) {
    if (!sources.store.adopted()) {
        // The contract's fallback row; with local state, fields say what it serves.
        api::DatabaseHealth fallback{domain::HealthStatus::degraded,
                                     "in-memory",
                                     "Using fallback in-memory storage",
                                     false,
                                     {}};
        if (sources.local_state != nullptr) fallback.details = fallback_details(sources);
        co_return fallback;
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
    if (sources.local_state != nullptr) {
        health.details["local_state"] = local_state_details(*sources.local_state);
    }
    if (sources.journal != nullptr) health.details["journal"] = journal_details(*sources.journal);
    co_return health;
}

}  // namespace gateway::app
