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
        sources.emplace_back(AwsDbSource{std::move(*params)});
    }
    return sources;
}

}  // namespace gateway::config
