#include "config/database_sources.hpp"

#include <algorithm>

#include "config/aws_db_env.hpp"
#include "config/aws_endpoint_env.hpp"
#include "config/database_url.hpp"
#include "config/env_value.hpp"

namespace gateway::config {
namespace {

// The region becomes part of the endpoint's host name, so only its plain form is let in.
bool is_region_name(std::string_view text) {
    return !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::optional<std::string> read_region(const EnvMap& env) {
    for (const std::string_view name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
        if (const auto region = lookup(env, name)) {
            if (!is_region_name(*region)) {
                throw ConfigError(std::string(name), "expected a region name such as us-east-1");
            }
            return std::string(*region);
        }
    }
    return std::nullopt;
}

// arn:partition:secretsmanager:region:account:secret:name
std::optional<std::string> region_from_arn(std::string_view secret_id) {
    std::vector<std::string_view> fields;
    while (fields.size() < 4) {
        const auto colon = secret_id.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        fields.push_back(secret_id.substr(0, colon));
        secret_id.remove_prefix(colon + 1);
    }
    if (fields[0] != "arn" || fields[2] != "secretsmanager" || !is_region_name(fields[3])) {
        return std::nullopt;
    }
    return std::string(fields[3]);
}

std::optional<SecretsManagerSource> secrets_manager_source(const EnvMap& env) {
    auto secret_id = lookup(env, "AWS_DB_SECRET");
    if (!secret_id) secret_id = lookup(env, "AWS_SECRET_NAME");
    if (!secret_id) return std::nullopt;
    SecretsManagerSource source;
    source.secret_id = std::string(*secret_id);
    source.region = read_region(env);
    if (!source.region) source.region = region_from_arn(source.secret_id);
    source.endpoint_url = read_aws_endpoint_override(env, "SECRETS_MANAGER");
    if (const auto bundle = lookup(env, "AWS_CA_BUNDLE")) source.ca_bundle = std::string(*bundle);
    source.fallback = read_aws_db_variables(env);
    source.ssl = aws_ssl_parameters(env);
    return source;
}

// RDS endpoints name their region: <instance>.<id>.<region>.rds.amazonaws.com(.cn).
std::optional<std::string> region_from_rds_host(std::string_view host) {
    for (const std::string_view suffix : {".rds.amazonaws.com", ".rds.amazonaws.com.cn"}) {
        if (!host.ends_with(suffix)) continue;
        host.remove_suffix(suffix.size());
        const auto dot = host.rfind('.');
        if (dot == std::string_view::npos) return std::nullopt;
        const auto region = host.substr(dot + 1);
        if (!is_region_name(region)) return std::nullopt;
        return std::string(region);
    }
    return std::nullopt;
}

// Reads AWS_DB_IAM_AUTH and, when it is on, makes `params` fit for token logins: a
// user is required, a password is refused (the token replaces it), and TLS is at least
// required, as RDS insists for IAM logins and as a token must never cross in clear.
std::optional<IamAuthentication> iam_authentication(const EnvMap& env, ConnectionParams& params) {
    if (!read_boolean(env, "AWS_DB_IAM_AUTH").value_or(false)) return std::nullopt;
    if (params.user.empty()) {
        throw ConfigError("AWS_DB_USER",
                          "required with AWS_DB_IAM_AUTH=true (the database user "
                          "the IAM token logs in as)");
    }
    if (!params.password.empty()) {
        throw ConfigError("AWS_DB_PASSWORD",
                          "must not be set with AWS_DB_IAM_AUTH=true: the password of every "
                          "connection is an IAM auth token");
    }
    auto region = read_region(env);
    if (!region) region = region_from_rds_host(params.host);
    if (!region) {
        throw ConfigError("AWS_DB_IAM_AUTH",
                          "needs AWS_REGION (or an RDS host name that names its region) to sign "
                          "auth tokens");
    }
    if (!find_parameter(params, "sslmode")) set_parameter(params, "sslmode", "require");
    return IamAuthentication{std::move(*region)};
}

}  // namespace

std::string_view source_kind(const DatabaseSource& source) {
    return std::visit([](const auto& alternative) { return alternative.kind; }, source);
}

std::vector<DatabaseSource> configured_database_sources(const EnvMap& env) {
    std::vector<DatabaseSource> sources;
    if (const auto url = lookup(env, "DATABASE_URL")) {
        sources.emplace_back(DatabaseUrlSource{parse_database_url(*url)});
    }
    if (auto secret = secrets_manager_source(env)) sources.emplace_back(std::move(*secret));
    if (auto params = aws_db_connection_params(env)) {
        auto iam = iam_authentication(env, *params);
        sources.emplace_back(AwsDbSource{std::move(*params), std::move(iam)});
    } else if (read_boolean(env, "AWS_DB_IAM_AUTH").value_or(false)) {
        // IAM auth belongs to the AWS_DB_* source; on its own it would silently do nothing.
        throw ConfigError("AWS_DB_IAM_AUTH", "needs AWS_DB_HOST (and AWS_DB_USER)");
    }
    return sources;
}

}  // namespace gateway::config
