#include "app/serve.hpp"

#include <atomic>
#include <csignal>
#include <functional>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>

#include "api/api_handlers.hpp"
#include "api/health.hpp"
#include "api/metrics_listener.hpp"
#include "api/router.hpp"
#include "app/database_startup.hpp"
#include "app/health_details.hpp"
#include "app/journal_replayer.hpp"
#include "app/journal_report.hpp"
#include "app/logging.hpp"
#include "app/metrics_page.hpp"
#include "app/mirror_health.hpp"
#include "app/primary_keeper.hpp"
#include "auth/key_store.hpp"
#include "config/host_syntax.hpp"
#include "db/database_manager.hpp"
#include "domain/timestamps.hpp"
#include "http/io_pool.hpp"
#include "http/server.hpp"
#include "local/durable_repository.hpp"
#include "local/journal.hpp"
#include "local/local_state.hpp"
#include "store/memory_store.hpp"
#include "store/mirrored_store.hpp"

namespace gateway::app {

namespace asio = boost::asio;

namespace {

unsigned worker_count(const config::ServerSettings& settings) {
    if (settings.workers != 0) return settings.workers;
    return std::max(1u, std::thread::hardware_concurrency());
}

asio::awaitable<api::DatabaseHealth> database_health(db::DatabaseManager& database) {
    co_return to_database_health(co_await database.health_check());
}

// Runs the keeper's first load before the workers exist, so that the server never
// answers from an empty mirror while a primary is in use.
bool load_mirror_before_serving(PrimaryKeeper& keeper) {
    asio::io_context io;
    auto loaded = asio::co_spawn(io, keeper.adopt_initial(), asio::use_future);
    io.run();
    return loaded.get();
}

db::CircuitBreaker::Options breaker_options(const config::MirrorSettings& mirror) {
    db::CircuitBreaker::Options options;
    options.threshold = mirror.breaker_threshold;
    options.max_backoff = mirror.max_probe_interval;
    return options;
}

// GET /health/ready: reads state only, never waits. `server` is null until it exists.
api::Readiness readiness(const http::Server* server, bool storage_loaded) {
    if (server == nullptr) return {false, "starting"};
    if (server->draining()) return {false, "shutting down"};
    if (!storage_loaded) return {false, "storage not loaded"};
    return {true, {}};
}

// Requests in flight get up to the shutdown timeout; then the workers stop regardless.
asio::awaitable<void> drain_then_stop(http::Server& server, http::IoPool& pool,
                                      std::chrono::seconds limit) {
    const bool drained = co_await server.drain(limit);
    if (!drained) {
        spdlog::warn("shutdown: {} connection(s) still open after {}s, closing them",
                     server.open_sessions(), limit.count());
    }
    pool.stop();
}

asio::awaitable<void> reinitialize(db::DatabaseManager& database, asio::any_io_executor executor) {
    co_await database.reinitialize(executor);
}

// Reads API_KEYS_FILE again; a bad file leaves the keys in use as they were.
void reload_keys(auth::KeyStore& keys) {
    try {
        const std::size_t count = keys.reload();
        spdlog::info("API keys: {} key(s) in use, read again from API_KEYS_FILE", count);
    } catch (const auth::KeyFileError& error) {
        spdlog::error("API keys: API_KEYS_FILE {}; the {} key(s) read before stay in use",
                      error.what(), keys.current()->size());
    }
}

// Reads the TLS files again; bad files leave the certificate in use as it was. Open
// connections keep the context they were accepted with.
void reload_tls(http::TlsCredentials& tls) {
    try {
        tls.reload();
        spdlog::info("TLS: certificate reloaded: {}", tls.describe());
    } catch (const http::TlsSetupError& error) {
        spdlog::error("TLS: {}; the certificate in use stays: {}", error.what(), tls.describe());
    }
}

// What SIGHUP reads again: null members are not in use.
struct Reloadable {
    db::DatabaseManager& database;
    auth::KeyStore* keys;
    http::TlsCredentials* tls;
};

// SIGHUP reads the key file and the TLS files again and resolves the database sources
// again; the wait re-arms itself.
void on_hangup(asio::signal_set& hangups, Reloadable reloadable) {
    hangups.async_wait([&hangups, reloadable](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (reloadable.keys != nullptr) reload_keys(*reloadable.keys);
        if (reloadable.tls != nullptr) reload_tls(*reloadable.tls);
        spdlog::info("received SIGHUP: reinitializing the database");
        asio::co_spawn(hangups.get_executor(),
                       reinitialize(reloadable.database, hangups.get_executor()), asio::detached);
        on_hangup(hangups, reloadable);
    });
}

// The listener of METRICS_LISTEN, listening; null (after a critical line) when it cannot.
std::unique_ptr<http::Server> listen_for_metrics(http::IoPool& pool,
                                                 const config::ServerSettings& api_settings,
                                                 const api::MetricsPage& page,
                                                 const api::AccessRules& access,
                                                 const http::AccessLogFactory& make_log) {
    config::ServerSettings settings = api_settings;
    settings.host = api_settings.metrics_host;
    settings.port = api_settings.metrics_port;
    auto server = std::make_unique<http::Server>(
        pool, settings,
        [&page, access](const api::Request& request) -> asio::awaitable<api::Response> {
            co_return api::metrics_listener_answer(request, page, access);
        },
        make_log);
    try {
        const auto endpoint = server->listen();
        const auto address = endpoint.address();
        spdlog::info("serving metrics at http://{}{}{}:{}/metrics", address.is_v6() ? "[" : "",
                     address.to_string(), address.is_v6() ? "]" : "", endpoint.port());
    } catch (const boost::system::system_error& error) {
        spdlog::critical("cannot listen on {}:{} (METRICS_LISTEN): {}", settings.host,
                         settings.port, error.code().message());
        flush_logs();
        return nullptr;
    }
    return server;
}

// The key store of API_KEYS_FILE, null when it is unset. Throws auth::KeyFileError.
std::unique_ptr<auth::KeyStore> open_key_store(const config::AuthSettings& settings) {
    if (settings.keys_file.empty()) return nullptr;
    auto keys = std::make_unique<auth::KeyStore>(settings.keys_file);
    const std::size_t count = keys->current()->size();
    if (count == 0) {
        spdlog::warn(
            "API keys: API_KEYS_FILE holds no keys: every request that needs one is refused");
    } else {
        spdlog::info("API keys: {} key(s) in use; /apis{} need(s) one", count,
                     settings.protect_docs ? ", /openapi.json and /metrics" : "");
    }
    return keys;
}

// The listener's TLS credentials, null without TLS_CERT_FILE. Throws http::TlsSetupError.
std::unique_ptr<http::TlsCredentials> open_tls(const config::TlsSettings& settings) {
    if (!settings.enabled()) return nullptr;
    auto tls = std::make_unique<http::TlsCredentials>(settings);
    spdlog::info("TLS: serving HTTPS only (TLS 1.2 and 1.3){}; certificate: {}",
                 settings.client_ca_file.empty()
                     ? ""
                     : ", client certificates required (TLS_CLIENT_CA_FILE)",
                 tls->describe());
    return tls;
}

// Opens DATA_DIR when local state is in use; null when it is not. Throws
// local::LocalStateError.
std::unique_ptr<local::LocalState> open_local_state(const config::LocalSettings& settings,
                                                    bool database_configured) {
    const auto directory = settings.directory(database_configured);
    if (!directory) return nullptr;
    return std::make_unique<local::LocalState>(*directory);
}

// Puts the snapshot's APIs into the store, as they were when it was written.
void load_snapshot(store::MemoryStore& memory, local::Snapshot& snapshot) {
    for (auto& api : snapshot.apis) memory.apply_current(std::move(api));
    snapshot.apis.clear();
    snapshot.apis.shrink_to_fit();
}

}  // namespace

int serve(const config::Settings& settings, std::vector<config::DatabaseSource> sources,
          config::EnvMap environment) {
    const unsigned workers = worker_count(settings.server);
    const bool database_configured = !sources.empty();
    std::unique_ptr<auth::KeyStore> keys;
    try {
        keys = open_key_store(settings.auth);
    } catch (const auth::KeyFileError& error) {
        spdlog::critical("cannot start: API_KEYS_FILE {}", error.what());
        flush_logs();
        return 1;
    }
    std::unique_ptr<http::TlsCredentials> tls;
    try {
        tls = open_tls(settings.tls);
    } catch (const http::TlsSetupError& error) {
        spdlog::critical("cannot start: {}", error.what());
        flush_logs();
        return 1;
    }
    if (!keys && !config::is_loopback_host(settings.server.host)) {
        spdlog::warn(
            "SECURITY: HOST={} can be reached from other machines and no API_KEYS_FILE is set: "
            "anyone who reaches this port can change every API. Set API_KEYS_FILE (see "
            "`gateway-api hash-key`) unless a network policy keeps everyone else out",
            settings.server.host);
    }
    std::unique_ptr<local::LocalState> local_state;
    local::Snapshot snapshot;
    std::vector<domain::JournalEntry> journal_entries;
    try {
        local_state = open_local_state(settings.local, database_configured);
        if (local_state) {
            snapshot = local_state->read_snapshot();
            journal_entries = local_state->read_journal();
        }
    } catch (const std::exception& error) {
        spdlog::critical("cannot start: {}", error.what());
        flush_logs();
        return 1;
    }
    const auto aws_counters = std::make_shared<sources::AwsCounters>();
    auto database = make_database_manager(settings.database, std::move(sources),
                                          std::move(environment), aws_counters);
    bool using_primary = false;
    try {
        using_primary = initialize_database(database);
    } catch (const std::exception& error) {
        spdlog::critical("cannot start: {}", error.what());
        flush_logs();
        return 1;
    }

    // The APIs in memory: the storage of record without a database, its warm mirror with
    // one. The objects the keeper's coroutine uses are declared before the worker pool,
    // so they outlive its event loops.
    store::MemoryStore memory;
    store::MirrorStatus mirror_status;
    auto breaker = std::make_shared<db::CircuitBreaker>(breaker_options(settings.mirror));
    std::unique_ptr<local::Journal> journal;
    std::unique_ptr<store::MirroredStore> mirrored;
    std::unique_ptr<PrimaryKeeper> keeper;
    std::unique_ptr<JournalReplayer> replayer;
    std::unique_ptr<local::DurableRepository> durable;
    store::Repository* repository = &memory;
    // Serving the snapshot: the primary was unreachable at start, and the last run left
    // one. Reads answer what it holds, marked stale since it was last in sync.
    const bool from_snapshot =
        local_state && database_configured && !using_primary && snapshot.present;
    bool snapshot_loaded = false;
    if (local_state) {
        const auto primary = database.primary();
        if (from_snapshot || !database_configured ||
            (primary && snapshot.mark.database == primary->description)) {
            // With the same primary in use, the mirror then reads only what changed since.
            load_snapshot(memory, snapshot);
            snapshot_loaded = true;
            if (database_configured) {
                mirror_status.restore({snapshot.mark.database, snapshot.mark.feed_position},
                                      snapshot.mark.synced_at);
            }
        } else if (using_primary) {
            local_state->reset_snapshot();  // of another database: the full load replaces it
        }
        memory.set_change_sink(local_state.get());
        if (database_configured) {
            local_state->start([&mirror_status] {
                auto place = mirror_status.feed_place();
                return local::SnapshotMark{std::move(place.database), place.position,
                                           mirror_status.last_synced()};
            });
        } else {
            local_state->start([] { return local::SnapshotMark{}; });
        }
    }
    // Stops the snapshot writer before what its mark reads (mirror_status) goes away.
    struct LocalStateStop {
        local::LocalState* state;
        ~LocalStateStop() {
            if (state != nullptr) state->stop();
        }
    } local_state_stop{local_state.get()};
    if (!database_configured) {
        // Memory mode keeps the audit trail too (in memory only, even with DATA_DIR); with
        // a database, PostgreSQL keeps it.
        memory.keep_audit_trail({settings.audit.retention, settings.audit.memory_max_records});
    }
    if (local_state && !database_configured) {
        spdlog::info("storage: in memory, kept in {} ({} API(s) loaded)",
                     local_state->directory().string(), memory.size());
    }
    if (from_snapshot) {
        spdlog::warn(
            "storage: serving {} API(s) from the local snapshot in {} (in sync with the primary "
            "at {}) until the primary returns",
            memory.size(), local_state->directory().string(),
            snapshot.mark.synced_at != 0 ? domain::format_timestamp(snapshot.mark.synced_at)
                                         : std::string("an unknown time"));
    }
    if (database_configured) {
        // With a database configured there is always local state (DATA_DIR or its default).
        journal = std::make_unique<local::Journal>(*local_state, std::move(journal_entries));
        if (journal->depth() > 0 || journal->conflict_count() > 0) {
            spdlog::warn(
                "journal: {} write(s) wait to be replayed into the primary, {} conflict(s) "
                "are kept for review",
                journal->depth(), journal->conflict_count());
        }
        mirrored = std::make_unique<store::MirroredStore>(
            memory, breaker, [&database] { return database.primary(); }, settings.database,
            using_primary ? store::MirroredStore::Start::on_primary
                          : store::MirroredStore::Start::on_fallback,
            *journal, settings.local.fallback_writes == config::FallbackWrites::journal);
        keeper = std::make_unique<PrimaryKeeper>(database, *mirrored, memory, mirror_status,
                                                 *breaker, settings);
        replayer = std::make_unique<JournalReplayer>(
            *journal, *mirrored, database, *breaker, settings.database.statement_timeout,
            [keeper = keeper.get()] { keeper->reload_mirror(); });
        if (snapshot_loaded) {
            keeper->resume_from_snapshot({snapshot.mark.database, snapshot.mark.feed_position});
        }
        if (using_primary) load_mirror_before_serving(*keeper);
        repository = mirrored.get();
    } else if (local_state) {
        durable = std::make_unique<local::DurableRepository>(memory, *local_state);
        repository = durable.get();
    }
    api::ApiHandlers handlers(
        *repository, [&mirror_status] { return mirror_status.stale_since(); },
        [&journal] { return journal && journal->depth() > 0; });
    api::DatabaseHealthCheck health_check;
    if (database_configured) {
        health_check = [&] {
            return mirror_health({database, *mirrored, memory, mirror_status, *breaker,
                                  local_state.get(), journal.get()});
        };
    } else {
        health_check = [&database] { return database_health(database); };
    }
    // Readiness's storage term: whether reads can be served. Without a database, as soon
    // as the server listens; with one, once the mirror holds the adopted primary's APIs
    // (or while the in-memory fallback is the storage of record).
    std::atomic<bool> listening{false};
    const auto storage_loaded = [&listening, &mirrored] {
        return listening.load() && (!mirrored || mirrored->serves_reads());
    };
    const http::Server* ready_server = nullptr;  // set below, before any request arrives
    MetricsSources metrics_sources{.database = database,
                                   .memory = memory,
                                   .mirror = database_configured ? &mirror_status : nullptr,
                                   .breaker = database_configured ? breaker.get() : nullptr,
                                   .journal = journal.get(),
                                   .aws = aws_counters.get()};
    const api::MetricsPage metrics = [&metrics_sources] { return metrics_page(metrics_sources); };
    const bool separate_metrics = !settings.server.metrics_host.empty();
    api::Router router(
        handlers, health_check,
        [&ready_server, storage_loaded] { return readiness(ready_server, storage_loaded()); },
        [&journal]() -> std::optional<std::string> {
            if (!journal) return std::nullopt;
            return journal_conflicts_json(*journal);
        },
        separate_metrics ? api::MetricsPage{} : metrics,
        api::AccessRules{keys.get(), settings.auth.protect_docs});

    http::IoPool pool(workers);
    const auto make_log = [&settings] { return make_access_log(settings.log); };
    http::Server server(
        pool, settings.server,
        [&router](const api::Request& request) { return router.route(request); }, make_log,
        tls.get());
    ready_server = &server;
    metrics_sources.server = &server;
    boost::asio::ip::tcp::endpoint endpoint;
    try {
        endpoint = server.listen();
    } catch (const boost::system::system_error& error) {
        spdlog::critical("cannot listen on {}:{}: {}", settings.server.host, settings.server.port,
                         error.code().message());
        flush_logs();
        return 1;
    }
    std::unique_ptr<http::Server> metrics_server;
    if (separate_metrics) {
        metrics_server = listen_for_metrics(pool, settings.server, metrics,
                                            {keys.get(), settings.auth.protect_docs}, make_log);
        if (!metrics_server) return 1;
    }
    listening = true;
    server.start();
    if (metrics_server) metrics_server->start();

    auto& io = pool.at(0);
    asio::signal_set stops(io, SIGINT, SIGTERM);
    if (keeper) asio::co_spawn(pool.at(0), keeper->run(), asio::detached);
    if (replayer) asio::co_spawn(pool.at(0), replayer->run(), asio::detached);
    stops.async_wait([&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        spdlog::info("received signal {}: shutting down", signal_number);
        if (keeper) keeper->stop();
        if (replayer) replayer->stop();
        server.begin_shutdown();
        if (metrics_server) metrics_server->begin_shutdown();
        asio::co_spawn(io, drain_then_stop(server, pool, settings.server.shutdown_timeout),
                       asio::detached);
    });
    asio::signal_set hangups(io, SIGHUP);
    on_hangup(hangups, Reloadable{database, keys.get(), tls.get()});

    const auto address = endpoint.address();
    spdlog::info(
        "Gateway Management API {} listening on {}://{}{}{}:{} ({} workers, storage: "
        "{})",
        GATEWAY_VERSION, tls ? "https" : "http", address.is_v6() ? "[" : "", address.to_string(),
        address.is_v6() ? "]" : "", endpoint.port(), workers,
        using_primary ? "postgresql" : "in-memory");
    flush_logs();

    pool.run();
    server.flush_access_logs();
    if (metrics_server) metrics_server->flush_access_logs();

    database.shutdown();
    if (local_state) local_state->stop();  // writes what the mirror changed last, now
    spdlog::info("stopped");
    flush_logs();
    return 0;
}

}  // namespace gateway::app
