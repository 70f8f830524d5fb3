#include "config/aws_db_env.hpp"

#include "config/env_value.hpp"
#include "config/host_syntax.hpp"

namespace gateway::config {
namespace {

std::optional<std::string> read_text(const EnvMap& env, std::string_view name) {
    const auto value = lookup(env, name);
    if (!value) return std::nullopt;
    return std::string(*value);
}

}  // namespace

AwsDbVariables read_aws_db_variables(const EnvMap& env) {
    AwsDbVariables variables;
    if (const auto host = lookup(env, "AWS_DB_HOST")) {
        variables.host = normalise_host(*host);
        if (!variables.host) {
            throw ConfigError("AWS_DB_HOST", "expected a host name or an IP address");
        }
    }
    variables.name = read_text(env, "AWS_DB_NAME");
    variables.user = read_text(env, "AWS_DB_USER");
    variables.password = read_text(env, "AWS_DB_PASSWORD");
    if (const auto port = read_integer(env, "AWS_DB_PORT", 1, 65535)) {
        variables.port = static_cast<std::uint16_t>(*port);
    }
    return variables;
}

std::vector<ConnectionParameter> aws_ssl_parameters(const EnvMap& env) {
    if (!read_boolean(env, "AWS_REQUIRE_SSL").value_or(false)) return {};
    if (const auto bundle = lookup(env, "AWS_SSLROOTCERT")) {
        return {{"sslmode", "verify-full"}, {"sslrootcert", std::string(*bundle)}};
    }
    return {{"sslmode", "require"}};
}

std::optional<ConnectionParams> aws_db_connection_params(const EnvMap& env) {
    AwsDbVariables variables = read_aws_db_variables(env);
    std::vector<ConnectionParameter> ssl = aws_ssl_parameters(env);
    if (!variables.host) return std::nullopt;
    ConnectionParams params;
    params.host = std::move(*variables.host);
    params.port = variables.port.value_or(default_postgres_port);
    params.dbname = variables.name.value_or(std::string(default_aws_db_name));
    params.user = variables.user.value_or("");
    params.password = variables.password.value_or("");
    params.parameters = std::move(ssl);
    return params;
}

}  // namespace gateway::config
