// From a Secrets Manager source to connection parameters: credentials from the chain,
// the secret from GetSecretValue, the secret read as RDS writes it. Blocking.
#pragma once

#include <string>

#include "aws/credential_chain.hpp"
#include "aws/secrets_manager.hpp"
#include "config/connection_params.hpp"
#include "config/database_sources.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

struct DatabaseSecret {
    config::ConnectionParams params;   // holds the password: never log it whole
    std::string version_id;            // which version of the secret, for logs
    std::string credentials_provider;  // which provider of the chain signed, for logs
};

// One clause for a log line, never a secret: "no AWS credentials: ...", "the secret does
// not exist ...", "the secret has no \"host\" and AWS_DB_HOST is not set".
struct DatabaseSecretError {
    std::string message;
};

domain::Expected<DatabaseSecret, DatabaseSecretError> fetch_database_secret(
    const config::SecretsManagerSource& source, CredentialChain& credentials,
    const SecretsManagerHooks& hooks = {});

}  // namespace gateway::aws
