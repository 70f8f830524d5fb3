#include "db/database_manager.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>

#include "aws/credential_chain.hpp"
#include "aws/database_secret.hpp"
#include "db/blocking_work.hpp"
#include "db/iam_token_conninfo.hpp"
#include "db/migrations.hpp"
#include "db/pg_connection.hpp"

namespace gateway::db {

namespace {

using Clock = std::chrono::steady_clock;

// Migrations may rewrite tables; they get far longer than an ordinary statement.
constexpr std::chrono::milliseconds migration_timeout{std::chrono::minutes(5)};

double millis_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The pool's connections ask the server to abandon a statement after half of our own
// timeout. Every write must also start on the server within 45% of it (PgStore's
// deadline guard), so a write that started in time has ended, one way or the other,
// before our timer gives up on it: a write we report as failed cannot commit later.
config::ConnectionParams with_server_statement_timeout(config::ConnectionParams params,
                                                       std::chrono::milliseconds client_timeout) {
    const auto server_timeout = std::max<std::int64_t>(1, client_timeout.count() / 2);
    std::string options(config::find_parameter(params, "options").value_or(""));
    if (!options.empty()) options += ' ';
    options += "-c statement_timeout=" + std::to_string(server_timeout);
    config::set_parameter(params, "options", std::move(options));
    return params;
}

// Connections name the service in pg_stat_activity unless the source chose a name.
config::ConnectionParams with_application_name(config::ConnectionParams params) {
    if (!config::find_parameter(params, "application_name")) {
        config::set_parameter(params, "application_name", "gateway-api");
    }
    return params;
}

// Two threads: a start-up fetch and a renewal may overlap (SIGHUP during a rotation).
constexpr std::size_t kBlockingThreads = 2;

// Sources that call AWS: Secrets Manager, and AWS_DB_* with IAM auth tokens.
bool needs_aws(const std::vector<config::DatabaseSource>& sources) {
    return std::ranges::any_of(sources, [](const config::DatabaseSource& source) {
        if (std::holds_alternative<config::SecretsManagerSource>(source)) return true;
        const auto* aws_db = std::get_if<config::AwsDbSource>(&source);
        return aws_db != nullptr && aws_db->iam.has_value();
    });
}

// The chain's answer as one clause for a log line.
domain::Expected<aws::Credentials, std::string> fetch_credentials(aws::CredentialChain& chain) {
    auto credentials = chain.get();
    if (!credentials) return domain::unexpected(std::move(credentials.error().message));
    return std::move(*credentials);
}

// The connection parameters of a source that carries them itself.
std::optional<config::ConnectionParams> params_of(const config::DatabaseSource& source) {
    return std::visit(
        [](const auto& s) -> std::optional<config::ConnectionParams> {
            using S = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<S, config::SecretsManagerSource>) {
                return std::nullopt;
            } else {
                return s.params;
            }
        },
        source);
}

}  // namespace

boost::json::object pool_stats_json(const PoolStats& stats) {
    return {{"in_use", stats.in_use},   {"idle", stats.idle},        {"waiting", stats.waiting},
            {"created", stats.created}, {"closed", stats.closed},    {"timeouts", stats.timeouts},
            {"errors", stats.errors},   {"rejected", stats.rejected}};
}

DatabaseManager::DatabaseManager(config::DatabaseSettings settings,
                                 std::vector<config::DatabaseSource> sources,
                                 config::EnvMap environment)
    : settings_(settings), sources_(std::move(sources)) {
    if (needs_aws(sources_)) {
        blocking_ = std::make_unique<boost::asio::thread_pool>(kBlockingThreads);
        aws_credentials_ = std::make_shared<aws::CredentialChain>(std::move(environment));
    }
}

DatabaseManager::~DatabaseManager() {
    shutdown();
}

std::shared_ptr<const Primary> DatabaseManager::primary() const {
    std::lock_guard lock(primary_mutex_);
    return primary_;
}

boost::asio::awaitable<bool> DatabaseManager::initialize(boost::asio::any_io_executor executor) {
    if (sources_.empty()) {
        spdlog::info("database: none configured; using in-memory storage");
        co_return false;
    }
    auto chosen = co_await resolve(executor);
    if (!chosen) {
        if (settings_.fallback == config::FallbackPolicy::none) {
            throw std::runtime_error(
                "no configured database passed its pre-flight check and DB_FALLBACK=none forbids "
                "falling back to in-memory storage");
        }
        spdlog::warn(
            "database: no configured source is reachable; FALLING BACK to in-memory "
            "storage (data will not survive a restart)");
        co_return false;
    }
    install(std::move(chosen));
    co_return true;
}

boost::asio::awaitable<bool> DatabaseManager::reinitialize(boost::asio::any_io_executor executor) {
    if (resolving_.exchange(true)) {
        spdlog::info("database: reinitialize already under way");
        co_return primary() != nullptr;
    }
    struct Done {
        std::atomic<bool>& flag;
        ~Done() { flag.store(false); }
    } done{resolving_};

    spdlog::info("database: reinitializing");
    std::shared_ptr<const Primary> chosen;
    try {
        chosen = co_await resolve(executor);
    } catch (const std::exception& error) {
        spdlog::error("database: reinitialize failed, keeping the current storage: {}",
                      error.what());
        co_return primary() != nullptr;
    }
    if (!chosen) {
        spdlog::warn(
            "database: reinitialize found no reachable source; keeping the current "
            "storage");
        co_return primary() != nullptr;
    }
    install(std::move(chosen));
    co_return true;
}

void DatabaseManager::install(std::shared_ptr<const Primary> next) {
    spdlog::info("database: using {} ({})", next->source, next->description);
    std::shared_ptr<const Primary> previous;
    {
        std::lock_guard lock(primary_mutex_);
        previous = std::exchange(primary_, std::move(next));
    }
    // Requests that already hold the old pool (or wait on it) finish on it; its
    // connections close as they come back, and the pool goes with its last user.
    if (previous) previous->pool->retire();
}

boost::asio::awaitable<std::shared_ptr<const Primary>> DatabaseManager::resolve(
    boost::asio::any_io_executor executor) {
    for (const auto& source : sources_) {
        if (auto primary = co_await try_source(executor, source)) co_return primary;
    }
    co_return nullptr;
}

boost::asio::awaitable<std::optional<config::ConnectionParams>> DatabaseManager::fetch_secret(
    const config::SecretsManagerSource& source) {
    const boost::asio::any_io_executor blocking = blocking_->get_executor();
    // Named, not a temporary of the co_await expression (see run_blocking).
    auto fetch = [&source, credentials = aws_credentials_] {
        return aws::fetch_database_secret(source, *credentials);
    };
    auto result = co_await run_blocking(blocking, std::move(fetch));
    auto& fetched = *result;
    if (!fetched) {
        spdlog::warn("database: source {} skipped: {}", source.kind, fetched.error().message);
        co_return std::nullopt;
    }
    spdlog::info("database: source {}: read secret {} (version {}) signed with credentials from {}",
                 source.kind, source.secret_id,
                 fetched->version_id.empty() ? "unknown" : fetched->version_id,
                 fetched->credentials_provider);
    co_return with_application_name(std::move(fetched->params));
}

boost::asio::awaitable<std::optional<config::ConnectionParams>> DatabaseManager::connection_params(
    const config::DatabaseSource& source) {
    if (const auto* secret_source = std::get_if<config::SecretsManagerSource>(&source)) {
        co_return co_await fetch_secret(*secret_source);
    }
    co_return with_application_name(*params_of(source));
}

std::shared_ptr<RenewableConninfo> DatabaseManager::renewable_conninfo(
    const config::SecretsManagerSource& source, config::ConnectionParams initial) const {
    // The fetch runs on blocking_'s threads and may outlive this call: it owns copies.
    auto fetch = [source, credentials = aws_credentials_]()
        -> domain::Expected<config::ConnectionParams, std::string> {
        auto fetched = aws::fetch_database_secret(source, *credentials);
        if (!fetched) return domain::unexpected(std::move(fetched.error().message));
        return with_application_name(std::move(fetched->params));
    };
    auto render = [statement_timeout =
                       settings_.statement_timeout](const config::ConnectionParams& params) {
        return config::to_conninfo(with_server_statement_timeout(params, statement_timeout));
    };
    return RenewableConninfo::create(std::move(initial), std::move(fetch), std::move(render),
                                     blocking_->get_executor(),
                                     RenewableConninfo::Options{std::string(source.kind)});
}

boost::asio::awaitable<std::shared_ptr<IamTokenConninfo>> DatabaseManager::iam_conninfo(
    const config::IamAuthentication& iam, const config::ConnectionParams& params) {
    const boost::asio::any_io_executor blocking = blocking_->get_executor();
    // Named, not a temporary of the co_await expression (see run_blocking).
    auto fetch = [credentials = aws_credentials_] { return fetch_credentials(*credentials); };
    auto initial = co_await run_blocking(blocking, fetch);
    if (!*initial) {
        spdlog::warn("database: source {} skipped: no AWS credentials to sign IAM auth tokens: {}",
                     config::AwsDbSource::kind, initial->error());
        co_return nullptr;
    }
    spdlog::info(
        "database: source {} logs in with IAM auth tokens for region {}, signed with "
        "credentials from {}",
        config::AwsDbSource::kind, iam.region, (*initial)->provider);
    auto render = [statement_timeout =
                       settings_.statement_timeout](const config::ConnectionParams& with_token) {
        return config::to_conninfo(with_server_statement_timeout(with_token, statement_timeout));
    };
    co_return IamTokenConninfo::create(params, iam.region, std::move(**initial), std::move(fetch),
                                       std::move(render), blocking, {});
}

boost::asio::awaitable<std::shared_ptr<const Primary>> DatabaseManager::try_source(
    boost::asio::any_io_executor executor, const config::DatabaseSource& source) {
    const std::string kind(config::source_kind(source));
    const auto* secret_source = std::get_if<config::SecretsManagerSource>(&source);
    auto params = co_await connection_params(source);
    if (!params) co_return nullptr;
    const std::string description = config::describe_for_log(*params);
    std::shared_ptr<IamTokenConninfo> iam;
    if (const auto* aws_db = std::get_if<config::AwsDbSource>(&source); aws_db && aws_db->iam) {
        iam = co_await iam_conninfo(*aws_db->iam, *params);
        if (!iam) co_return nullptr;
    }
    const std::string conninfo = iam ? iam->current().conninfo : config::to_conninfo(*params);

    const auto started = Clock::now();
    auto connection = co_await PgConnection::connect(executor, conninfo, settings_.connect_timeout);
    if (!connection) {
        spdlog::warn("database: source {} ({}) failed its pre-flight check: {}", kind, description,
                     connection.error().message);
        co_return nullptr;
    }
    auto ping = co_await (*connection)->simple_query("SELECT 1", settings_.connect_timeout);
    if (!ping) {
        spdlog::warn("database: source {} ({}) failed its pre-flight check: {}", kind, description,
                     ping.error().message);
        co_return nullptr;
    }
    spdlog::info("database: source {} ({}) passed its pre-flight check in {:.1f}ms", kind,
                 description, millis_since(started));

    if (settings_.auto_migrate) {
        auto applied = co_await apply_migrations(**connection, migration_timeout);
        if (!applied) {
            throw std::runtime_error("database migrations failed on " + description + ": " +
                                     applied.error().message);
        }
        spdlog::info("database: schema up to date ({} migration(s) applied)", *applied);
    }

    auto primary = std::make_shared<Primary>();
    if (iam) {
        primary->pool = ConnectionPool::create(std::move(iam), settings_);
    } else if (secret_source != nullptr) {
        auto renewable = renewable_conninfo(*secret_source, *params);
        primary->pool = ConnectionPool::create(renewable, settings_);
        primary->renewable = std::move(renewable);
    } else {
        primary->pool = ConnectionPool::create(config::to_conninfo(with_server_statement_timeout(
                                                   *params, settings_.statement_timeout)),
                                               settings_);
    }
    primary->source = kind;
    primary->description = description;
    primary->host = params->host;
    primary->port = params->port;
    primary->database = params->dbname;
    primary->user = params->user;
    primary->ssl = (*connection)->ssl_in_use();
    co_return primary;
}

boost::asio::awaitable<HealthReport> DatabaseManager::health_check() {
    HealthReport report;
    auto current = primary();
    if (!current) {
        report.status = "degraded";
        report.type = "in-memory";
        report.message = "Using fallback in-memory storage";
        report.using_primary = false;
        co_return report;
    }
    report.type = "postgresql";
    report.using_primary = true;
    report.source = current->source;

    const auto started = Clock::now();
    auto connection = co_await current->pool->acquire(settings_.health_timeout);
    if (connection) {
        const auto spent =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
        const auto left = std::max(settings_.health_timeout - spent, std::chrono::milliseconds(1));
        auto ping = co_await (*connection)->simple_query("SELECT 1", left);
        if (ping) {
            report.status = "healthy";
            report.message = "Primary database connection is healthy";
            report.latency_ms = millis_since(started);
            report.pool = current->pool->stats();
            co_return report;
        }
        report.message = "Primary database check failed: " + ping.error().message;
    } else {
        report.message = "Primary database check failed: " + connection.error().message;
    }
    report.status = "unhealthy";
    report.pool = current->pool->stats();
    co_return report;
}

boost::json::object DatabaseManager::connection_info() const {
    boost::json::object info;
    auto current = primary();
    info["type"] = current ? "postgresql" : "in-memory";
    info["using_primary"] = current != nullptr;
    if (!current) return info;
    info["source"] = current->source;
    if (current->renewable) {
        // After a rotation the pool connects with what the source gave last.
        const auto params = current->renewable->params();
        info["url"] = config::describe_for_log(params);
        info["host"] = params.host;
        info["port"] = params.port;
        info["database"] = params.dbname;
        info["user"] = params.user;
    } else {
        info["url"] = current->description;
        info["host"] = current->host;
        info["port"] = current->port;
        info["database"] = current->database;
        info["user"] = current->user;
    }
    info["ssl"] = current->ssl;
    info["pool"] = pool_stats_json(current->pool->stats());
    return info;
}

void DatabaseManager::shutdown() {
    if (auto current = primary()) current->pool->close();
    if (blocking_) {
        // Queued fetches are dropped; one under way ends within its own timeouts.
        blocking_->stop();
        blocking_->join();
    }
}

}  // namespace gateway::db
