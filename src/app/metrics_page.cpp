#include "app/metrics_page.hpp"

#include <cstdint>

#include "metrics/exposition.hpp"
#include "metrics/process_metrics.hpp"

namespace gateway::app {

namespace {

using metrics::Exposition;
using metrics::MetricType;

std::uint64_t count(std::size_t value) {
    return static_cast<std::uint64_t>(value);
}

// A counter family of one sample without labels.
void write_counter(Exposition& out, std::string_view name, std::string_view help,
                   std::uint64_t value) {
    out.family(name, MetricType::counter, help);
    out.sample(name, value);
}

void write_build_info(Exposition& out) {
    out.family("gateway_build_info", MetricType::gauge,
               "Always 1; the version of the running build is its label.");
    out.sample("gateway_build_info", {{"version", GATEWAY_VERSION}}, std::uint64_t{1});
}

void write_database(Exposition& out, const MetricsSources& sources) {
    const auto primary = sources.database.primary();
    const bool reachable = primary && !(sources.breaker && sources.breaker->is_open());
    out.family("gateway_db_primary_in_use", MetricType::gauge,
               "1 while requests are served by the primary PostgreSQL database, 0 while the "
               "in-memory storage serves them.");
    out.sample("gateway_db_primary_in_use", std::uint64_t{reachable ? 1U : 0U});
    out.family("gateway_db_primary_source", MetricType::gauge,
               "1, labelled with the configured source the primary comes from; absent without "
               "a primary.");
    if (primary)
        out.sample("gateway_db_primary_source", {{"source", primary->source}}, std::uint64_t{1});

    if (primary) {
        const auto stats = primary->pool->stats();
        const auto& settings = primary->pool->settings();
        out.family("gateway_db_pool_size", MetricType::gauge,
                   "Connections the pool keeps open (DB_POOL_SIZE).");
        out.sample("gateway_db_pool_size", count(settings.pool_size));
        out.family("gateway_db_pool_max_connections", MetricType::gauge,
                   "Connections the pool may open at most (DB_POOL_SIZE + DB_MAX_OVERFLOW).");
        out.sample("gateway_db_pool_max_connections",
                   count(settings.pool_size + settings.max_overflow));
        out.family("gateway_db_pool_connections", MetricType::gauge,
                   "Pool connections by state: in use (checked out or being opened) or idle.");
        out.sample("gateway_db_pool_connections", {{"state", "in_use"}}, count(stats.in_use));
        out.sample("gateway_db_pool_connections", {{"state", "idle"}}, count(stats.idle));
        out.family("gateway_db_pool_waiters", MetricType::gauge,
                   "Requests waiting for a pool connection.");
        out.sample("gateway_db_pool_waiters", count(stats.waiting));
        write_counter(out, "gateway_db_pool_acquire_timeouts_total",
                      "Requests that gave up waiting for a connection after DB_POOL_TIMEOUT.",
                      stats.timeouts);
        write_counter(out, "gateway_db_pool_rejected_total",
                      "Requests refused a connection at once because DB_POOL_MAX_WAITERS already "
                      "waited.",
                      stats.rejected);
        write_counter(out, "gateway_db_pool_connect_failures_total",
                      "Pool connections that could not be opened.", stats.connect_failures);
        write_counter(out, "gateway_db_pool_ping_failures_total",
                      "Idle pool connections found broken before reuse (pre-ping).",
                      stats.ping_failures);
        write_counter(out, "gateway_db_pool_recycled_total",
                      "Pool connections closed for their age (DB_POOL_RECYCLE).", stats.recycled);
        write_counter(out, "gateway_db_pool_connections_opened_total", "Pool connections opened.",
                      stats.created);
        write_counter(out, "gateway_db_pool_connections_closed_total", "Pool connections closed.",
                      stats.closed);
    }
    sources.database.statement_stats().write(out);
}

void write_storage(Exposition& out, const MetricsSources& sources) {
    out.family("gateway_apis_stored", MetricType::gauge,
               "APIs held in memory: the storage of record, or the primary's mirror.");
    out.sample("gateway_apis_stored", count(sources.memory.size()));
    if (sources.breaker) {
        const auto state = sources.breaker->state();
        out.family("gateway_db_breaker_open", MetricType::gauge,
                   "1 while the circuit breaker holds requests off the primary.");
        out.sample("gateway_db_breaker_open", std::uint64_t{state.open ? 1U : 0U});
        write_counter(out, "gateway_db_breaker_opened_total", "Times the circuit breaker opened.",
                      state.times_opened);
    }
    if (sources.mirror) {
        out.family("gateway_mirror_last_sync_timestamp_seconds", MetricType::gauge,
                   "When the in-memory mirror was last known in sync with the primary (0: "
                   "never).");
        out.sample("gateway_mirror_last_sync_timestamp_seconds",
                   static_cast<double>(sources.mirror->last_synced()) / 1000.0);
        write_counter(out, "gateway_mirror_full_loads_total",
                      "Full loads of the primary into the mirror.", sources.mirror->full_loads());
    }
    if (sources.journal) {
        out.family("gateway_journal_pending", MetricType::gauge,
                   "Writes accepted while the primary was away, waiting to be replayed.");
        out.sample("gateway_journal_pending", count(sources.journal->depth()));
        out.family("gateway_journal_conflicts", MetricType::gauge,
                   "Journaled writes the primary refused on replay, kept for review.");
        out.sample("gateway_journal_conflicts", count(sources.journal->conflict_count()));
    }
}

void write_aws(Exposition& out, const sources::AwsCounters& aws) {
    write_counter(out, "gateway_secrets_manager_fetches_total",
                  "Reads of the database secret from AWS Secrets Manager.",
                  aws.secret_fetches.load(std::memory_order_relaxed));
    write_counter(out, "gateway_secrets_manager_fetch_failures_total",
                  "Reads of the database secret from AWS Secrets Manager that failed.",
                  aws.secret_fetch_failures.load(std::memory_order_relaxed));
    write_counter(out, "gateway_db_credential_refreshes_total",
                  "Database credentials fetched again while in use: the secret read again after "
                  "the server refused its password, or the AWS credentials behind IAM auth tokens "
                  "renewed.",
                  aws.credential_refreshes.load(std::memory_order_relaxed));
}

}  // namespace

std::string metrics_page(const MetricsSources& sources) {
    Exposition out;
    write_build_info(out);
    if (sources.server) sources.server->write_metrics(out);
    write_database(out, sources);
    write_storage(out, sources);
    if (sources.aws) write_aws(out, *sources.aws);
    metrics::write_process_metrics(out);
    return out.take();
}

}  // namespace gateway::app
