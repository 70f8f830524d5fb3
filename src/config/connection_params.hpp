// Where and how to connect to PostgreSQL, whichever source it came from, and the two
// ways to render it: for libpq, and for a log line without the password.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::config {

inline constexpr std::uint16_t default_postgres_port = 5432;

// One further libpq keyword, such as sslmode or application_name.
struct ConnectionParameter {
    std::string key;
    std::string value;
    bool operator==(const ConnectionParameter&) const = default;
};

// Empty strings mean "not given": libpq then applies its own default.
struct ConnectionParams {
    std::string host;  // name, address (IPv6 without brackets) or Unix socket directory
    std::uint16_t port = default_postgres_port;
    std::string dbname;
    std::string user;
    std::string password;
    std::vector<ConnectionParameter> parameters;  // every other keyword, in the order given
    bool operator==(const ConnectionParams&) const = default;
};

std::optional<std::string_view> find_parameter(const ConnectionParams& params,
                                               std::string_view key);

// Replaces the value of `key`, or appends it when absent.
void set_parameter(ConnectionParams& params, std::string key, std::string value);

// Keywords whose values are credentials and must never be shown.
bool is_secret_parameter(std::string_view key);

// Appends key='value', escaping quotes and backslashes as libpq requires.
void append_conninfo(std::string& conninfo, std::string_view key, std::string_view value);

// A libpq conninfo string; every value is quoted, so spaces, quotes and backslashes
// in passwords survive.
std::string to_conninfo(const ConnectionParams& params);

// A URL for logs and health output, e.g.
// postgresql://app:***@db.example.com:5432/gateway?sslmode=require
std::string describe_for_log(const ConnectionParams& params);

}  // namespace gateway::config
