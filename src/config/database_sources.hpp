// The primary-database sources that the environment configures, in the order the
// contract says to try them: DATABASE_URL, AWS Secrets Manager, AWS_DB_*.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/aws_db_env.hpp"
#include "config/connection_params.hpp"
#include "config/settings.hpp"

namespace gateway::config {

struct DatabaseUrlSource {
    static constexpr std::string_view kind = "DATABASE_URL";
    ConnectionParams params;
};

// Where the secret lives and what completes it; fetching it is network I/O, which this
// layer does not do.
struct SecretsManagerSource {
    static constexpr std::string_view kind = "AWS Secrets Manager";
    std::string secret_id;              // AWS_DB_SECRET, else AWS_SECRET_NAME; a name or ARN
    std::optional<std::string> region;  // AWS_REGION, AWS_DEFAULT_REGION, else the ARN's
    // AWS_ENDPOINT_URL_SECRETS_MANAGER, else AWS_ENDPOINT_URL; nullopt: the regional one.
    std::optional<std::string> endpoint_url;
    std::optional<std::string> ca_bundle;  // AWS_CA_BUNDLE: PEM file for the endpoint's TLS
    AwsDbVariables fallback;               // AWS_DB_*: the fields the secret lacks
    std::vector<ConnectionParameter> ssl;  // AWS_REQUIRE_SSL / AWS_SSLROOTCERT
};

// AWS_DB_IAM_AUTH=true: the password of every new connection is an RDS IAM auth token
// signed with credentials from the AWS credential chain.
struct IamAuthentication {
    std::string region;  // the database's: AWS_REGION, AWS_DEFAULT_REGION, else its host name's
};

struct AwsDbSource {
    static constexpr std::string_view kind = "AWS_DB_*";
    ConnectionParams params;  // with IAM authentication: no password, TLS at least required
    std::optional<IamAuthentication> iam;
};

using DatabaseSource = std::variant<DatabaseUrlSource, SecretsManagerSource, AwsDbSource>;

std::string_view source_kind(const DatabaseSource& source);

// Every configured source, in trial order; empty means in-memory storage only.
// A source whose variables are malformed throws ConfigError rather than being
// skipped, so a typo cannot silently demote the service to memory.
std::vector<DatabaseSource> configured_database_sources(const EnvMap& env);

}  // namespace gateway::config
