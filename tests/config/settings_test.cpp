#include "config/settings.hpp"

#include <gtest/gtest.h>

#include "config/host_syntax.hpp"

#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace gateway::config {
namespace {

using namespace std::chrono_literals;

Settings parse_one(const std::string& name, const std::string& value) {
    return parse_settings(EnvMap{{name, value}});
}

TEST(Settings, DefaultsWhenNothingIsSet) {
    const Settings s = parse_settings({});
    EXPECT_EQ(s.server.host, "127.0.0.1");
    EXPECT_EQ(s.server.port, 8000);
    EXPECT_EQ(s.server.workers, 0u);
    EXPECT_EQ(s.server.read_timeout, 30s);
    EXPECT_EQ(s.server.idle_timeout, 60s);
    EXPECT_EQ(s.server.shutdown_timeout, 10s);
    EXPECT_EQ(s.log.level, "info");
    EXPECT_EQ(s.log.format, LogFormat::text);
    EXPECT_EQ(s.database.pool_size, 5u);
    EXPECT_EQ(s.database.max_overflow, 10u);
    EXPECT_EQ(s.database.pool_timeout, 30s);
    EXPECT_EQ(s.database.pool_max_waiters, 10000u);
    EXPECT_EQ(s.database.slow_query, 1000ms);
    EXPECT_EQ(s.database.pool_recycle, 1800s);
    EXPECT_TRUE(s.database.pool_pre_ping);
    EXPECT_EQ(s.database.connect_timeout, 5s);
    EXPECT_FALSE(s.database.sql_echo);
    EXPECT_TRUE(s.database.auto_migrate);
    EXPECT_EQ(s.database.fallback, FallbackPolicy::memory);
}

TEST(Settings, EmptyValuesCountAsUnset) {
    EnvMap env;
    for (const char* name :
         {"HOST", "PORT", "WORKERS", "HTTP_READ_TIMEOUT", "HTTP_IDLE_TIMEOUT", "SHUTDOWN_TIMEOUT",
          "HTTP_MAX_CONNECTIONS", "LOG_LEVEL", "LOG_FORMAT", "DB_POOL_SIZE", "DB_MAX_OVERFLOW",
          "DB_POOL_TIMEOUT", "DB_POOL_MAX_WAITERS", "DB_POOL_RECYCLE", "DB_POOL_PRE_PING",
          "SQL_ECHO", "DB_AUTO_MIGRATE", "DB_CONNECT_TIMEOUT", "DB_FALLBACK"}) {
        env[name] = "";
    }
    const Settings s = parse_settings(env);
    EXPECT_EQ(s.server.host, "127.0.0.1");
    EXPECT_EQ(s.server.port, 8000);
    EXPECT_EQ(s.server.max_connections, 512u);
    EXPECT_EQ(s.audit.retention, std::chrono::days(90));
    EXPECT_EQ(s.audit.memory_max_records, 100'000u);
    EXPECT_EQ(s.database.pool_size, 5u);
    EXPECT_EQ(s.database.pool_max_waiters, 10000u);
    EXPECT_EQ(s.database.fallback, FallbackPolicy::memory);
}

TEST(Settings, UnrelatedVariablesAreIgnored) {
    EXPECT_NO_THROW(parse_settings({{"PATH", "/bin"}, {"port", "not-ours"}}));
}

struct ValidCase {
    std::string name;
    std::string value;
    std::function<void(const Settings&)> check;
};

TEST(Settings, AcceptsEachVariablesValidValues) {
    const std::vector<ValidCase> cases{
        {"HOST", "0.0.0.0", [](const Settings& s) { EXPECT_EQ(s.server.host, "0.0.0.0"); }},
        {"HOST", "::", [](const Settings& s) { EXPECT_EQ(s.server.host, "::"); }},
        {"HOST", "::1", [](const Settings& s) { EXPECT_EQ(s.server.host, "::1"); }},
        {"HOST", "[::1]", [](const Settings& s) { EXPECT_EQ(s.server.host, "::1"); }},
        {"HOST", "localhost", [](const Settings& s) { EXPECT_EQ(s.server.host, "localhost"); }},
        {"HOST", "api.example.com",
         [](const Settings& s) { EXPECT_EQ(s.server.host, "api.example.com"); }},
        {"HOST", "gateway_api", [](const Settings& s) { EXPECT_EQ(s.server.host, "gateway_api"); }},
        {"PORT", "0", [](const Settings& s) { EXPECT_EQ(s.server.port, 0); }},
        {"METRICS_LISTEN", "127.0.0.1:9464",
         [](const Settings& s) {
             EXPECT_EQ(s.server.metrics_host, "127.0.0.1");
             EXPECT_EQ(s.server.metrics_port, 9464);
         }},
        {"METRICS_LISTEN", "[::1]:0",
         [](const Settings& s) {
             EXPECT_EQ(s.server.metrics_host, "::1");
             EXPECT_EQ(s.server.metrics_port, 0);
         }},
        {"PORT", "80", [](const Settings& s) { EXPECT_EQ(s.server.port, 80); }},
        {"PORT", "65535", [](const Settings& s) { EXPECT_EQ(s.server.port, 65535); }},
        {"WORKERS", "1", [](const Settings& s) { EXPECT_EQ(s.server.workers, 1u); }},
        {"WORKERS", "256", [](const Settings& s) { EXPECT_EQ(s.server.workers, 256u); }},
        {"HTTP_READ_TIMEOUT", "1", [](const Settings& s) { EXPECT_EQ(s.server.read_timeout, 1s); }},
        {"HTTP_IDLE_TIMEOUT", "300",
         [](const Settings& s) { EXPECT_EQ(s.server.idle_timeout, 300s); }},
        {"SHUTDOWN_TIMEOUT", "86400",
         [](const Settings& s) { EXPECT_EQ(s.server.shutdown_timeout, 86400s); }},
        {"HTTP_MAX_CONNECTIONS", "1",
         [](const Settings& s) { EXPECT_EQ(s.server.max_connections, 1u); }},
        {"AUDIT_RETENTION_DAYS", "7",
         [](const Settings& s) { EXPECT_EQ(s.audit.retention, std::chrono::days(7)); }},
        {"AUDIT_MEMORY_MAX_RECORDS", "10",
         [](const Settings& s) { EXPECT_EQ(s.audit.memory_max_records, 10u); }},
        {"HTTP_MAX_CONNECTIONS", "1000000",
         [](const Settings& s) { EXPECT_EQ(s.server.max_connections, 1000000u); }},
        {"LOG_LEVEL", "trace", [](const Settings& s) { EXPECT_EQ(s.log.level, "trace"); }},
        {"LOG_LEVEL", "DEBUG", [](const Settings& s) { EXPECT_EQ(s.log.level, "debug"); }},
        {"LOG_LEVEL", "Warn", [](const Settings& s) { EXPECT_EQ(s.log.level, "warn"); }},
        {"LOG_LEVEL", "warning", [](const Settings& s) { EXPECT_EQ(s.log.level, "warn"); }},
        {"LOG_LEVEL", "error", [](const Settings& s) { EXPECT_EQ(s.log.level, "error"); }},
        {"LOG_LEVEL", "critical", [](const Settings& s) { EXPECT_EQ(s.log.level, "critical"); }},
        {"LOG_LEVEL", "OFF", [](const Settings& s) { EXPECT_EQ(s.log.level, "off"); }},
        {"LOG_FORMAT", "json", [](const Settings& s) { EXPECT_EQ(s.log.format, LogFormat::json); }},
        {"LOG_FORMAT", "TEXT", [](const Settings& s) { EXPECT_EQ(s.log.format, LogFormat::text); }},
        {"DB_POOL_SIZE", "1", [](const Settings& s) { EXPECT_EQ(s.database.pool_size, 1u); }},
        {"DB_POOL_SIZE", "1000", [](const Settings& s) { EXPECT_EQ(s.database.pool_size, 1000u); }},
        {"DB_MAX_OVERFLOW", "0", [](const Settings& s) { EXPECT_EQ(s.database.max_overflow, 0u); }},
        {"DB_MAX_OVERFLOW", "1000",
         [](const Settings& s) { EXPECT_EQ(s.database.max_overflow, 1000u); }},
        {"DB_POOL_TIMEOUT", "0.5",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_timeout, 500ms); }},
        {"DB_POOL_TIMEOUT", "12",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_timeout, 12s); }},
        {"DB_POOL_TIMEOUT", "0.0001",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_timeout, 1ms); }},
        {"DB_POOL_TIMEOUT", "1.2345",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_timeout, 1235ms); }},
        {"DB_POOL_MAX_WAITERS", "1",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_max_waiters, 1u); }},
        {"DB_POOL_MAX_WAITERS", "250",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_max_waiters, 250u); }},
        {"DB_POOL_MAX_WAITERS", "1000000",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_max_waiters, 1000000u); }},
        {"DB_POOL_RECYCLE", "3600",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_recycle, 3600s); }},
        {"DB_POOL_RECYCLE", "0", [](const Settings& s) { EXPECT_EQ(s.database.pool_recycle, 0s); }},
        {"DB_POOL_RECYCLE", "-1",
         [](const Settings& s) { EXPECT_EQ(s.database.pool_recycle, 0s); }},
        {"DB_POOL_PRE_PING", "false",
         [](const Settings& s) { EXPECT_FALSE(s.database.pool_pre_ping); }},
        {"DB_POOL_PRE_PING", "0",
         [](const Settings& s) { EXPECT_FALSE(s.database.pool_pre_ping); }},
        {"DB_POOL_PRE_PING", "No",
         [](const Settings& s) { EXPECT_FALSE(s.database.pool_pre_ping); }},
        {"DB_POOL_PRE_PING", "OFF",
         [](const Settings& s) { EXPECT_FALSE(s.database.pool_pre_ping); }},
        {"SQL_ECHO", "true", [](const Settings& s) { EXPECT_TRUE(s.database.sql_echo); }},
        {"DB_SLOW_QUERY_MS", "0", [](const Settings& s) { EXPECT_EQ(s.database.slow_query, 0ms); }},
        {"DB_SLOW_QUERY_MS", "250",
         [](const Settings& s) { EXPECT_EQ(s.database.slow_query, 250ms); }},
        {"SQL_ECHO", "1", [](const Settings& s) { EXPECT_TRUE(s.database.sql_echo); }},
        {"SQL_ECHO", "YES", [](const Settings& s) { EXPECT_TRUE(s.database.sql_echo); }},
        {"SQL_ECHO", "on", [](const Settings& s) { EXPECT_TRUE(s.database.sql_echo); }},
        {"SQL_ECHO", "True", [](const Settings& s) { EXPECT_TRUE(s.database.sql_echo); }},
        {"DB_AUTO_MIGRATE", "false",
         [](const Settings& s) { EXPECT_FALSE(s.database.auto_migrate); }},
        {"DB_CONNECT_TIMEOUT", "2.5",
         [](const Settings& s) { EXPECT_EQ(s.database.connect_timeout, 2500ms); }},
        {"DB_CONNECT_TIMEOUT", "1",
         [](const Settings& s) { EXPECT_EQ(s.database.connect_timeout, 1s); }},
        {"DB_FALLBACK", "none",
         [](const Settings& s) { EXPECT_EQ(s.database.fallback, FallbackPolicy::none); }},
        {"DB_FALLBACK", "Memory",
         [](const Settings& s) { EXPECT_EQ(s.database.fallback, FallbackPolicy::memory); }},
        {"FALLBACK_WRITES", "reject",
         [](const Settings& s) { EXPECT_EQ(s.local.fallback_writes, FallbackWrites::reject); }},
        {"FALLBACK_WRITES", "Journal",
         [](const Settings& s) { EXPECT_EQ(s.local.fallback_writes, FallbackWrites::journal); }},
        {"DATA_DIR", "/srv/gateway",
         [](const Settings& s) {
             EXPECT_EQ(s.local.directory(false), "/srv/gateway");
             EXPECT_EQ(s.local.directory(true), "/srv/gateway");
         }},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name + "=" + c.value);
        c.check(parse_one(c.name, c.value));
    }
}

struct BadCase {
    std::string name;
    std::string value;
};

// Local state: on by default with a database (in the XDG state directory), off without
// one unless DATA_DIR asks for it; writes in an outage are journaled unless told otherwise.
TEST(Settings, LocalStateDirectoryFollowsDataDirThenXdgThenHome) {
    EXPECT_EQ(parse_settings({}).local.fallback_writes, FallbackWrites::journal);
    EXPECT_EQ(parse_settings({}).local.directory(false), std::nullopt);
    EXPECT_EQ(parse_settings({}).local.directory(true), "/var/lib/gateway-api");
    EXPECT_EQ(parse_settings({{"HOME", "/home/op"}}).local.directory(true),
              "/home/op/.local/state/gateway-api");
    EXPECT_EQ(
        parse_settings({{"HOME", "/home/op"}, {"XDG_STATE_HOME", "/state"}}).local.directory(true),
        "/state/gateway-api");
    // The specification ignores a relative XDG_STATE_HOME.
    EXPECT_EQ(
        parse_settings({{"HOME", "/home/op"}, {"XDG_STATE_HOME", "state"}}).local.directory(true),
        "/home/op/.local/state/gateway-api");
}

TEST(Settings, RejectsEachMalformedValueNamingTheVariable) {
    const std::vector<BadCase> cases{
        {"HOST", "not a host"},
        {"HOST", "-leading.dash"},
        {"HOST", "a..b"},
        {"HOST", "1.2.3.999"},
        {"HOST", "8000"},
        {"HOST", "[::1"},
        {"HOST", "[example]"},
        {"HOST", "host:8000"},
        {"HOST", " localhost"},
        {"HOST", "http://x"},
        {"PORT", "abc"},
        {"PORT", "70000"},
        {"PORT", "65536"},
        {"PORT", "-1"},
        {"METRICS_LISTEN", "9464"},
        {"METRICS_LISTEN", ":9464"},
        {"METRICS_LISTEN", "localhost:9464"},
        {"METRICS_LISTEN", "127.0.0.1:65536"},
        {"METRICS_LISTEN", "127.0.0.1:"},
        {"METRICS_LISTEN", "::1:9464x"},
        {"PORT", "8000x"},
        {"PORT", " 80"},
        {"PORT", "80 "},
        {"PORT", "+80"},
        {"PORT", "-0"},
        {"PORT", "0x50"},
        {"PORT", "8e3"},
        {"PORT", "99999999999999999999999"},
        {"WORKERS", "0"},
        {"WORKERS", "257"},
        {"WORKERS", "four"},
        {"HTTP_READ_TIMEOUT", "0"},
        {"HTTP_READ_TIMEOUT", "-5"},
        {"HTTP_READ_TIMEOUT", "1.5"},
        {"HTTP_IDLE_TIMEOUT", "10s"},
        {"SHUTDOWN_TIMEOUT", "86401"},
        {"HTTP_MAX_CONNECTIONS", "0"},
        {"HTTP_MAX_CONNECTIONS", "1000001"},
        {"HTTP_MAX_CONNECTIONS", "many"},
        {"LOG_LEVEL", "verbose"},
        {"LOG_LEVEL", "warnings"},
        {"LOG_LEVEL", " info"},
        {"LOG_FORMAT", "xml"},
        {"LOG_FORMAT", "jsonl"},
        {"DB_POOL_SIZE", "0"},
        {"DB_POOL_SIZE", "1001"},
        {"DB_POOL_SIZE", "5.0"},
        {"DB_MAX_OVERFLOW", "-1"},
        {"DB_MAX_OVERFLOW", "1001"},
        {"DB_POOL_TIMEOUT", "0"},
        {"DB_POOL_TIMEOUT", "0.0"},
        {"DB_POOL_TIMEOUT", "-1"},
        {"DB_POOL_TIMEOUT", ".5"},
        {"DB_POOL_TIMEOUT", "5."},
        {"DB_POOL_TIMEOUT", "1e3"},
        {"DB_POOL_TIMEOUT", "1.2.3"},
        {"DB_POOL_TIMEOUT", "nan"},
        {"DB_POOL_TIMEOUT", "86400.001"},
        {"DB_SLOW_QUERY_MS", "-1"},
        {"DB_SLOW_QUERY_MS", "3600001"},
        {"DB_SLOW_QUERY_MS", "0.5"},
        {"DB_POOL_MAX_WAITERS", "0"},
        {"DB_POOL_MAX_WAITERS", "-1"},
        {"DB_POOL_MAX_WAITERS", "1000001"},
        {"DB_POOL_MAX_WAITERS", "1e4"},
        {"DB_POOL_MAX_WAITERS", "10.5"},
        {"DB_POOL_MAX_WAITERS", "unlimited"},
        {"DB_POOL_RECYCLE", "-2"},
        {"DB_POOL_RECYCLE", "1.5"},
        {"DB_POOL_RECYCLE", "2147483648"},
        {"DB_POOL_RECYCLE", "never"},
        {"DB_POOL_PRE_PING", "maybe"},
        {"DB_POOL_PRE_PING", "2"},
        {"SQL_ECHO", "y"},
        {"SQL_ECHO", "tru"},
        {"DB_AUTO_MIGRATE", " true"},
        {"DB_CONNECT_TIMEOUT", "0"},
        {"DB_CONNECT_TIMEOUT", "five"},
        {"DB_CONNECT_TIMEOUT", "0.5s"},
        {"FALLBACK_WRITES", "memory"},
        {"DB_FALLBACK", "memory-only"},
        {"DB_FALLBACK", "off"},
        {"AUDIT_RETENTION_DAYS", "0"},
        {"AUDIT_RETENTION_DAYS", "36501"},
        {"AUDIT_RETENTION_DAYS", "ninety"},
        {"AUDIT_MEMORY_MAX_RECORDS", "0"},
        {"AUDIT_MEMORY_MAX_RECORDS", "-5"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name + "=" + c.value);
        try {
            parse_one(c.name, c.value);
            ADD_FAILURE() << "accepted";
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.variable(), c.name);
            EXPECT_EQ(std::string(error.what()).rfind(c.name + ": ", 0), 0u) << error.what();
        }
    }
}

TEST(Settings, PortErrorSaysWhatIsExpected) {
    try {
        parse_one("PORT", "70000");
        FAIL() << "accepted";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "PORT: expected an integer from 0 to 65535");
    }
}

TEST(Settings, PoolMaxWaitersErrorSaysWhatIsExpected) {
    try {
        parse_one("DB_POOL_MAX_WAITERS", "0");
        FAIL() << "accepted";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "DB_POOL_MAX_WAITERS: expected an integer from 1 to 1000000");
    }
}

TEST(Settings, ApiKeysAreOffUnlessAFileIsNamed) {
    const Settings none = parse_settings({});
    EXPECT_TRUE(none.auth.keys_file.empty());
    EXPECT_FALSE(none.auth.protect_docs);
    const Settings keys =
        parse_settings({{"API_KEYS_FILE", "/etc/gateway/keys"}, {"API_KEYS_PROTECT_DOCS", "true"}});
    EXPECT_EQ(keys.auth.keys_file, "/etc/gateway/keys");
    EXPECT_TRUE(keys.auth.protect_docs);
}

TEST(Settings, ProtectingTheDocsWithoutAKeyFileIsAnError) {
    try {
        parse_one("API_KEYS_PROTECT_DOCS", "true");
        FAIL() << "accepted protection without keys";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.variable(), "API_KEYS_PROTECT_DOCS");
    }
    EXPECT_THROW(parse_settings({{"API_KEYS_FILE", "/k"}, {"API_KEYS_PROTECT_DOCS", "maybe"}}),
                 ConfigError);
}

TEST(Settings, TlsIsOffUnlessACertificateAndKeyAreNamed) {
    const Settings none = parse_settings({});
    EXPECT_FALSE(none.tls.enabled());
    const Settings tls = parse_settings({{"TLS_CERT_FILE", "/etc/gateway/tls/chain.pem"},
                                         {"TLS_KEY_FILE", "/etc/gateway/tls/key.pem"},
                                         {"TLS_CLIENT_CA_FILE", "/etc/gateway/tls/clients.pem"}});
    EXPECT_TRUE(tls.tls.enabled());
    EXPECT_EQ(tls.tls.cert_file, "/etc/gateway/tls/chain.pem");
    EXPECT_EQ(tls.tls.key_file, "/etc/gateway/tls/key.pem");
    EXPECT_EQ(tls.tls.client_ca_file, "/etc/gateway/tls/clients.pem");
}

TEST(Settings, HalfATlsSetupIsAnErrorNamingWhatIsMissing) {
    const std::vector<std::pair<EnvMap, std::string>> cases = {
        {{{"TLS_CERT_FILE", "/c"}}, "TLS_KEY_FILE"},
        {{{"TLS_KEY_FILE", "/k"}}, "TLS_CERT_FILE"},
        {{{"TLS_CLIENT_CA_FILE", "/ca"}}, "TLS_CLIENT_CA_FILE"},
        {{{"TLS_KEY_FILE", "/k"}, {"TLS_CLIENT_CA_FILE", "/ca"}}, "TLS_CERT_FILE"},
    };
    for (const auto& [env, variable] : cases) {
        try {
            parse_settings(env);
            ADD_FAILURE() << "accepted a partial TLS setup; expected an error naming " << variable;
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.variable(), variable);
        }
    }
}

// Decides whether a start without API_KEYS_FILE warns that anyone can write.
TEST(HostSyntax, TellsLoopbackHostsFromReachableOnes) {
    for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "localhost",
                             "LOCALHOST", "localhost."}) {
        EXPECT_TRUE(is_loopback_host(host)) << host;
    }
    for (const char* host : {"0.0.0.0", "::", "10.0.0.5", "192.0.2.1", "::ffff:10.0.0.1",
                             "gateway.internal", "localhost.example.com", "fe80::1"}) {
        EXPECT_FALSE(is_loopback_host(host)) << host;
    }
}

TEST(Settings, CurrentEnvironmentReadsThisProcess) {
    // Every process the test runner starts has PATH; no test here changes the environment.
    const EnvMap env = current_environment();
    const char* path = std::getenv("PATH");
    ASSERT_NE(path, nullptr);
    ASSERT_TRUE(env.contains("PATH"));
    EXPECT_EQ(env.at("PATH"), path);
}

}  // namespace
}  // namespace gateway::config
