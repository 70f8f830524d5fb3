#include "config/settings.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>

#include <boost/asio/ip/address.hpp>

#include "config/env_value.hpp"
#include "config/host_syntax.hpp"

namespace gateway::config {
namespace {

// Far beyond any sane timeout, and small enough that no conversion to finer units
// can overflow.
constexpr long long max_timeout_seconds = 86400;
constexpr long long max_recycle_seconds = 2147483647;

std::chrono::seconds read_timeout(const EnvMap& env, std::string_view name,
                                  std::chrono::seconds fallback) {
    const auto value = read_integer(env, name, 1, max_timeout_seconds);
    return value ? std::chrono::seconds{*value} : fallback;
}

// METRICS_LISTEN: an IP address and a port, "127.0.0.1:9464" or "[::1]:9464".
void read_metrics_listen(const EnvMap& env, ServerSettings& server) {
    const auto value = lookup(env, "METRICS_LISTEN");
    if (!value) return;
    const std::string_view text = *value;
    const auto colon = text.rfind(':');
    const auto invalid = [] {
        return ConfigError("METRICS_LISTEN",
                           "expected an IP address and a port, such as 127.0.0.1:9464 or "
                           "[::1]:9464");
    };
    if (colon == std::string_view::npos || colon == 0) throw invalid();
    std::string_view host = text.substr(0, colon);
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec) throw invalid();
    const auto port = parse_integer(text.substr(colon + 1), 0, 65535);
    if (!port) throw invalid();
    server.metrics_host = address.to_string();
    server.metrics_port = static_cast<std::uint16_t>(*port);
}

ServerSettings read_server(const EnvMap& env) {
    ServerSettings server;
    if (const auto host = lookup(env, "HOST")) {
        auto normal = normalise_host(*host);
        if (!normal) throw ConfigError("HOST", "expected an IPv4 or IPv6 address or a host name");
        server.host = std::move(*normal);
    }
    if (const auto port = read_integer(env, "PORT", 0, 65535)) {
        server.port = static_cast<std::uint16_t>(*port);
    }
    if (const auto workers = read_integer(env, "WORKERS", 1, 256)) {
        server.workers = static_cast<unsigned>(*workers);
    }
    server.read_timeout = read_timeout(env, "HTTP_READ_TIMEOUT", server.read_timeout);
    server.idle_timeout = read_timeout(env, "HTTP_IDLE_TIMEOUT", server.idle_timeout);
    server.shutdown_timeout = read_timeout(env, "SHUTDOWN_TIMEOUT", server.shutdown_timeout);
    if (const auto connections = read_integer(env, "HTTP_MAX_CONNECTIONS", 1, 1000000)) {
        server.max_connections = static_cast<std::size_t>(*connections);
    }
    read_metrics_listen(env, server);
    return server;
}

LogSettings read_log(const EnvMap& env) {
    LogSettings log;
    if (const auto level = lookup(env, "LOG_LEVEL")) {
        constexpr std::array<std::string_view, 8> known{"trace",   "debug", "info",     "warn",
                                                        "warning", "error", "critical", "off"};
        std::string normal = to_lower(*level);
        if (std::ranges::find(known, normal) == known.end()) {
            throw ConfigError("LOG_LEVEL",
                              "expected one of trace, debug, info, warn, error, critical, off");
        }
        // One spelling downstream, whichever the operator typed.
        log.level = normal == "warning" ? "warn" : std::move(normal);
    }
    if (const auto format = lookup(env, "LOG_FORMAT")) {
        if (iequals(*format, "text")) {
            log.format = LogFormat::text;
        } else if (iequals(*format, "json")) {
            log.format = LogFormat::json;
        } else {
            throw ConfigError("LOG_FORMAT", "expected text or json");
        }
    }
    return log;
}

DatabaseSettings read_database(const EnvMap& env) {
    DatabaseSettings db;
    if (const auto size = read_integer(env, "DB_POOL_SIZE", 1, 1000)) {
        db.pool_size = static_cast<unsigned>(*size);
    }
    if (const auto overflow = read_integer(env, "DB_MAX_OVERFLOW", 0, 1000)) {
        db.max_overflow = static_cast<unsigned>(*overflow);
    }
    if (const auto timeout = read_decimal_seconds(env, "DB_POOL_TIMEOUT", max_timeout_seconds)) {
        db.pool_timeout = *timeout;
    }
    if (const auto waiters = read_integer(env, "DB_POOL_MAX_WAITERS", 1, 1000000)) {
        db.pool_max_waiters = static_cast<std::size_t>(*waiters);
    }
    if (const auto text = lookup(env, "DB_POOL_RECYCLE")) {
        // SQLAlchemy spells "never" as -1; 0 would otherwise mean recycling on every use.
        const auto recycle = parse_integer(*text, -1, max_recycle_seconds);
        if (!recycle) {
            throw ConfigError("DB_POOL_RECYCLE", "expected an integer number of seconds up to " +
                                                     std::to_string(max_recycle_seconds) +
                                                     ", or -1 or 0 for never");
        }
        db.pool_recycle = std::chrono::seconds{std::max(*recycle, 0LL)};
    }
    db.pool_pre_ping = read_boolean(env, "DB_POOL_PRE_PING").value_or(db.pool_pre_ping);
    if (const auto timeout = read_decimal_seconds(env, "DB_CONNECT_TIMEOUT", max_timeout_seconds)) {
        db.connect_timeout = *timeout;
    }
    if (const auto timeout =
            read_decimal_seconds(env, "DB_STATEMENT_TIMEOUT", max_timeout_seconds)) {
        db.statement_timeout = *timeout;
    }
    if (const auto timeout = read_decimal_seconds(env, "DB_HEALTH_TIMEOUT", max_timeout_seconds)) {
        db.health_timeout = *timeout;
    }
    db.sql_echo = read_boolean(env, "SQL_ECHO").value_or(db.sql_echo);
    if (const auto slow = read_integer(env, "DB_SLOW_QUERY_MS", 0, 3'600'000)) {
        db.slow_query = std::chrono::milliseconds{*slow};
    }
    db.auto_migrate = read_boolean(env, "DB_AUTO_MIGRATE").value_or(db.auto_migrate);
    if (const auto fallback = lookup(env, "DB_FALLBACK")) {
        if (iequals(*fallback, "memory")) {
            db.fallback = FallbackPolicy::memory;
        } else if (iequals(*fallback, "none")) {
            db.fallback = FallbackPolicy::none;
        } else {
            throw ConfigError("DB_FALLBACK", "expected memory or none");
        }
    }
    return db;
}

MirrorSettings read_mirror(const EnvMap& env) {
    MirrorSettings mirror;
    if (const auto interval = read_decimal_seconds(env, "FEED_POLL_INTERVAL", 60)) {
        mirror.poll_interval = *interval;
    }
    if (const auto retention = read_integer(env, "FEED_RETENTION", 60, 30LL * 24 * 3600)) {
        mirror.retention = std::chrono::seconds{*retention};
    }
    if (const auto threshold = read_integer(env, "DB_BREAKER_THRESHOLD", 1, 1000)) {
        mirror.breaker_threshold = static_cast<unsigned>(*threshold);
    }
    if (const auto interval = read_decimal_seconds(env, "DB_PROBE_MAX_INTERVAL", 60)) {
        mirror.max_probe_interval = *interval;
    }
    return mirror;
}

LocalSettings read_local(const EnvMap& env) {
    LocalSettings local;
    if (const auto directory = lookup(env, "DATA_DIR")) {
        local.data_dir = std::string(*directory);
    }
    if (const auto policy = lookup(env, "FALLBACK_WRITES")) {
        if (iequals(*policy, "journal")) {
            local.fallback_writes = FallbackWrites::journal;
        } else if (iequals(*policy, "reject")) {
            local.fallback_writes = FallbackWrites::reject;
        } else {
            throw ConfigError("FALLBACK_WRITES", "expected journal or reject");
        }
    }
    // The XDG base directory specification's place for state that should persist.
    if (const auto state_home = lookup(env, "XDG_STATE_HOME");
        state_home && state_home->starts_with('/')) {
        local.default_data_dir = std::string(*state_home) + "/gateway-api";
    } else if (const auto home = lookup(env, "HOME"); home && home->starts_with('/')) {
        local.default_data_dir = std::string(*home) + "/.local/state/gateway-api";
    }
    return local;
}

AuthSettings read_auth(const EnvMap& env) {
    AuthSettings auth;
    if (const auto file = lookup(env, "API_KEYS_FILE")) auth.keys_file = std::string(*file);
    auth.protect_docs = read_boolean(env, "API_KEYS_PROTECT_DOCS").value_or(false);
    // Protection the operator asked for and would not get is worse than none asked for.
    if (auth.protect_docs && auth.keys_file.empty()) {
        throw ConfigError("API_KEYS_PROTECT_DOCS",
                          "needs API_KEYS_FILE: without keys nothing is protected");
    }
    return auth;
}

TlsSettings read_tls(const EnvMap& env) {
    TlsSettings tls;
    if (const auto file = lookup(env, "TLS_CERT_FILE")) tls.cert_file = std::string(*file);
    if (const auto file = lookup(env, "TLS_KEY_FILE")) tls.key_file = std::string(*file);
    if (const auto file = lookup(env, "TLS_CLIENT_CA_FILE"))
        tls.client_ca_file = std::string(*file);
    // Half a TLS setup would otherwise start as plain HTTP, which the operator did not ask for.
    if (!tls.cert_file.empty() && tls.key_file.empty()) {
        throw ConfigError("TLS_KEY_FILE",
                          "needed with TLS_CERT_FILE: the certificate's private key");
    }
    if (tls.cert_file.empty() && !tls.key_file.empty()) {
        throw ConfigError("TLS_CERT_FILE", "needed with TLS_KEY_FILE: the certificate to serve");
    }
    if (!tls.client_ca_file.empty() && tls.cert_file.empty()) {
        throw ConfigError("TLS_CLIENT_CA_FILE",
                          "needs TLS_CERT_FILE and TLS_KEY_FILE: client certificates are checked "
                          "only over TLS");
    }
    return tls;
}

AuditSettings read_audit_settings(const EnvMap& env) {
    AuditSettings audit;
    if (const auto days = read_integer(env, "AUDIT_RETENTION_DAYS", 1, 36500)) {
        audit.retention = std::chrono::days{*days};
    }
    if (const auto count = read_integer(env, "AUDIT_MEMORY_MAX_RECORDS", 1, 10'000'000)) {
        audit.memory_max_records = static_cast<std::size_t>(*count);
    }
    return audit;
}

}  // namespace

Settings parse_settings(const EnvMap& env) {
    return Settings{read_server(env), read_log(env),  read_database(env), read_mirror(env),
                    read_local(env),  read_auth(env), read_tls(env),      read_audit_settings(env)};
}

EnvMap current_environment() {
    EnvMap env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text{*entry};
        const auto equals = text.find('=');
        if (equals == std::string_view::npos) continue;
        // emplace keeps the first of duplicate names, as getenv() does.
        env.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
    return env;
}

}  // namespace gateway::config
