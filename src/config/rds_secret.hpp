// The JSON secret that RDS (and the Secrets Manager console's "Credentials for an RDS
// database") writes, read into connection parameters. RDS-managed secrets (rds!db-...)
// carry only username and password; the AWS_DB_* variables fill in the rest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/aws_db_env.hpp"
#include "config/connection_params.hpp"
#include "domain/expected.hpp"

namespace gateway::config {

// Why a secret cannot be used. Names the field and what was wrong with it, never a value
// from the secret.
struct RdsSecretError {
    std::string message;
};

// `secret` is the SecretString, or the SecretBinary's bytes. username and password must be
// in the secret; host, port and dbname come from it when present, else from `fallback`
// (host is required from one or the other; port defaults to 5432, dbname to postgres).
// port may be a JSON number or a string of digits. An engine other than PostgreSQL's is
// refused. `ssl` (aws_ssl_parameters) is appended.
domain::Expected<ConnectionParams, RdsSecretError> connection_params_from_rds_secret(
    std::string_view secret, const AwsDbVariables& fallback,
    const std::vector<ConnectionParameter>& ssl);

}  // namespace gateway::config
