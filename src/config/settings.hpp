// The service's configuration, read from the environment by a pure function.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace gateway::config {

// The environment as name -> value; main() builds it from `environ`, tests by hand.
using EnvMap = std::map<std::string, std::string, std::less<>>;

// A malformed setting. what() names the variable and says what was expected; it
// never repeats a value that could be a secret.
class ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string variable, const std::string& message)
        : std::runtime_error(variable + ": " + message), variable_(std::move(variable)) {}
    const std::string& variable() const { return variable_; }

  private:
    std::string variable_;
};

enum class LogFormat { text, json };
enum class FallbackPolicy { memory, none };

struct ServerSettings {
    std::string host = "127.0.0.1";             // HOST
    std::uint16_t port = 8000;                  // PORT; 0 picks a free port
    unsigned workers = 0;                       // WORKERS; 0 = hardware threads
    std::chrono::seconds read_timeout{30};      // HTTP_READ_TIMEOUT: one request's arrival
    std::chrono::seconds idle_timeout{60};      // HTTP_IDLE_TIMEOUT: keep-alive between requests
    std::chrono::seconds shutdown_timeout{10};  // SHUTDOWN_TIMEOUT: in-flight requests on stop
    std::size_t body_limit = std::size_t{1024} * 1024;  // contract: 413 above 1 MiB
    std::size_t header_limit = std::size_t{16} * 1024;
    // Connections open at once; one more gets a 503 and is closed. Keeps clients from
    // using up the process's descriptors, which the database and accept itself need.
    std::size_t max_connections = 512;  // HTTP_MAX_CONNECTIONS
    // METRICS_LISTEN=address:port: GET /metrics on a listener of its own (operators often
    // keep metrics off the API's port), and not on the API's. Empty host: on the API's.
    std::string metrics_host;
    std::uint16_t metrics_port = 0;  // 0 picks a free port
};

struct LogSettings {
    std::string level = "info";          // LOG_LEVEL: trace|debug|info|warn|error|critical|off
    LogFormat format = LogFormat::text;  // LOG_FORMAT: text|json
};

// Pool and connection settings, with the defaults of SQLAlchemy's pool.
struct DatabaseSettings {
    unsigned pool_size = 5;                         // DB_POOL_SIZE
    unsigned max_overflow = 10;                     // DB_MAX_OVERFLOW
    std::chrono::milliseconds pool_timeout{30000};  // DB_POOL_TIMEOUT (seconds, fractions)
    std::chrono::seconds pool_recycle{1800};        // DB_POOL_RECYCLE; 0 = never
    bool pool_pre_ping = true;                      // DB_POOL_PRE_PING
    // Requests that may wait for a connection at once; one more fails at once. A guard
    // against unbounded memory, not a throttle: DB_POOL_TIMEOUT bounds each wait.
    std::size_t pool_max_waiters = 10000;  // DB_POOL_MAX_WAITERS
    // How long a connection beyond pool_size may sit idle before it is closed. SQLAlchemy
    // closes it at once; under steady load that opens and closes a connection (TCP,
    // SCRAM, a backend fork) for nearly every request, so a short grace keeps it.
    std::chrono::milliseconds overflow_idle_timeout{2000};  // not configurable
    std::chrono::milliseconds connect_timeout{5000};  // DB_CONNECT_TIMEOUT (seconds, fractions)
    // Bounds each statement, so a stalled database gives a 503, not a hung request.
    std::chrono::milliseconds statement_timeout{5000};  // DB_STATEMENT_TIMEOUT (seconds, fractions)
    // Bounds the database check behind GET /health.
    std::chrono::milliseconds health_timeout{1000};    // DB_HEALTH_TIMEOUT (seconds, fractions)
    bool sql_echo = false;                             // SQL_ECHO
    std::chrono::milliseconds slow_query{1000};        // DB_SLOW_QUERY_MS; 0 = off
    bool auto_migrate = true;                          // DB_AUTO_MIGRATE
    FallbackPolicy fallback = FallbackPolicy::memory;  // DB_FALLBACK=memory|none
};

// The warm mirror of the primary, its change feed and the breaker in front of it.
struct MirrorSettings {
    // How often the mirror reads the feed when no notification woke it: the safety net
    // for a lost NOTIFY.
    std::chrono::milliseconds poll_interval{1000};  // FEED_POLL_INTERVAL (seconds, fractions)
    // Feed rows older than this are pruned; an instance away longer loads everything.
    std::chrono::seconds retention{3600};  // FEED_RETENTION (seconds)
    // Consecutive failures to reach the primary that open the breaker.
    unsigned breaker_threshold = 3;  // DB_BREAKER_THRESHOLD
    // The longest wait between two probes of a primary that is away.
    std::chrono::milliseconds max_probe_interval{2000};  // DB_PROBE_MAX_INTERVAL (seconds)
};

// What a write gets while a configured primary cannot be reached.
enum class FallbackWrites {
    journal,  // decided against the mirror, kept in the local journal, replayed later
    reject,   // 503 with Retry-After
};

// The durable local state (a SQLite database in a directory of its own).
struct LocalSettings {
    FallbackWrites fallback_writes = FallbackWrites::journal;  // FALLBACK_WRITES
    // DATA_DIR as set; empty when unset.
    std::string data_dir;
    // Where it lives when DATA_DIR is unset and a database is configured:
    // $XDG_STATE_HOME/gateway-api, else $HOME/.local/state/gateway-api, else
    // /var/lib/gateway-api.
    std::string default_data_dir = "/var/lib/gateway-api";

    // The directory in use: DATA_DIR when set; with a database configured, the default;
    // without one, none (memory mode stays volatile unless DATA_DIR asks otherwise).
    std::optional<std::string> directory(bool database_configured) const {
        if (!data_dir.empty()) return data_dir;
        if (database_configured) return default_data_dir;
        return std::nullopt;
    }
};

// Who may use the API: with a key file, every route but the probes needs a key.
struct AuthSettings {
    std::string keys_file;  // API_KEYS_FILE; empty: no keys, every route open as before
    // API_KEYS_PROTECT_DOCS: /openapi.json (and /metrics) need a key too; only with a file.
    bool protect_docs = false;
};

// TLS on the API's listener: with a certificate and key it speaks only HTTPS.
struct TlsSettings {
    std::string cert_file;  // TLS_CERT_FILE: PEM, the server's certificate first, then its chain
    std::string key_file;   // TLS_KEY_FILE: PEM, the certificate's private key (unencrypted)
    // TLS_CLIENT_CA_FILE: PEM CA certificates; when set, a client must present a certificate
    // one of them signed (mutual TLS). Only with a certificate and key.
    std::string client_ca_file;

    bool enabled() const { return !cert_file.empty(); }
};

// The audit trail of changes (GET /audit).
struct AuditSettings {
    // Records older than this are purged: in PostgreSQL by a periodic job, in memory on
    // every write.
    std::chrono::days retention{90};  // AUDIT_RETENTION_DAYS (1 to 36500)
    // Memory mode keeps at most this many records, the oldest dropped first.
    std::size_t memory_max_records = 100'000;  // AUDIT_MEMORY_MAX_RECORDS
};

struct Settings {
    ServerSettings server;
    LogSettings log;
    DatabaseSettings database;
    MirrorSettings mirror;
    LocalSettings local;
    AuthSettings auth;
    TlsSettings tls;
    AuditSettings audit;
};

// Reads every setting the service knows. Unset variables take their defaults; a set
// but malformed one throws ConfigError naming it (never a silent default).
Settings parse_settings(const EnvMap& env);

// The environment of this process.
EnvMap current_environment();

}  // namespace gateway::config
