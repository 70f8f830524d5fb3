#include "support/pg_test_env.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

namespace gateway::test {

namespace {

// The value part of a shell assignment as the script writes it: bare words,
// '...' quoting (where '\'' stands for a quote) and backslash escapes.
std::string shell_unquote(const std::string& word) {
    std::string value;
    bool quoted = false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        const char c = word[i];
        if (quoted) {
            if (c == '\'') {
                quoted = false;
            } else {
                value += c;
            }
        } else if (c == '\'') {
            quoted = true;
        } else if (c == '\\' && i + 1 < word.size()) {
            value += word[++i];
        } else {
            value += c;
        }
    }
    if (quoted) throw std::runtime_error("unterminated quote in cluster.env");
    return value;
}

std::map<std::string, std::string> read_assignments(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::map<std::string, std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line.front() == '#') continue;
        const auto equals = line.find('=');
        if (equals == std::string::npos) continue;
        values[line.substr(0, equals)] = shell_unquote(line.substr(equals + 1));
    }
    return values;
}

// libpq conninfo value: single quotes, with \ and ' escaped by a backslash.
std::string quote(const std::string& value) {
    std::string quoted = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

}  // namespace

std::optional<PgTestEnv> PgTestEnv::from_environment() {
    const char* path = std::getenv(kVariable);
    if (path == nullptr || *path == '\0') return std::nullopt;
    return load(path);
}

PgTestEnv PgTestEnv::load(const std::string& path) {
    const auto values = read_assignments(path);
    const auto get = [&](const char* name) {
        const auto found = values.find(name);
        if (found == values.end() || found->second.empty()) {
            throw std::runtime_error(path + " has no " + name);
        }
        return found->second;
    };
    return PgTestEnv{get("PGHOST"),
                     get("PGPORT"),
                     get("PGDATABASE"),
                     get("PG_SUPERUSER"),
                     get("PG_SUPERUSER_PASSWORD"),
                     get("PG_APP_USER"),
                     get("PG_APP_PASSWORD"),
                     get("PG_CA_FILE"),
                     get("PG_WRONG_CA_FILE")};
}

std::string PgTestEnv::conninfo(PgRole role, const PgConnectOptions& options) const {
    const bool app = role == PgRole::app;
    std::string info;
    const auto add = [&info](const char* keyword, const std::string& value) {
        if (!info.empty()) info += ' ';
        info += keyword;
        info += '=';
        info += quote(value);
    };
    add("host", options.host.value_or(host));
    add("port", options.port.value_or(port));
    add("dbname", database);
    add("user", app ? app_user : superuser);
    add("password", options.password.value_or(app ? app_password : superuser_password));
    add("sslmode", options.sslmode);
    // An empty sslrootcert leaves the keyword out: libpq then verifies nothing for
    // sslmode=require (it would act as verify-ca with a root certificate at hand).
    if (const auto root = options.sslrootcert.value_or(ca_file); !root.empty()) {
        add("sslrootcert", root);
    }
    add("application_name", "gateway-tests");
    return info;
}

}  // namespace gateway::test
