// The AWS_DB_* variables and the SSL rules shared by both AWS sources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/connection_params.hpp"
#include "config/settings.hpp"

namespace gateway::config {

inline constexpr std::string_view default_aws_db_name = "postgres";

// Each AWS_DB_* variable, validated; nullopt when unset, so that the Secrets Manager
// source can take from here exactly the fields its secret lacks.
struct AwsDbVariables {
    std::optional<std::string> host;      // AWS_DB_HOST, IPv6 without brackets
    std::optional<std::string> name;      // AWS_DB_NAME
    std::optional<std::string> user;      // AWS_DB_USER
    std::optional<std::string> password;  // AWS_DB_PASSWORD
    std::optional<std::uint16_t> port;    // AWS_DB_PORT
};

// Throws ConfigError for a malformed AWS_DB_HOST or AWS_DB_PORT.
AwsDbVariables read_aws_db_variables(const EnvMap& env);

// AWS_REQUIRE_SSL=true: sslmode=require, or sslmode=verify-full with
// sslrootcert=AWS_SSLROOTCERT when a CA bundle is named. Empty when SSL is not required
// (AWS_SSLROOTCERT alone changes nothing). Throws ConfigError for a malformed boolean.
std::vector<ConnectionParameter> aws_ssl_parameters(const EnvMap& env);

// The AWS_DB_* source: nullopt when AWS_DB_HOST is unset. Every AWS variable it reads is
// validated even then, because the Secrets Manager source falls back on them.
std::optional<ConnectionParams> aws_db_connection_params(const EnvMap& env);

}  // namespace gateway::config
