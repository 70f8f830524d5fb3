// IAM authentication tokens for RDS and Aurora: the password a database user with the
// rds_iam role logs in with. A token is a SigV4-presigned "connect" request for the
// rds-db service, valid for 15 minutes from its signing time, made exactly as the AWS
// SDKs' RDS signer makes it. It is a credential: never log it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"

namespace gateway::aws {

inline constexpr std::chrono::seconds kRdsAuthTokenLifetime{900};

// Where and when a token is signed: the database's region and the signing clock.
struct RdsTokenScope {
    std::string region;  // the database's region, e.g. eu-west-1
    std::chrono::system_clock::time_point time;
};

// host:port/?Action=connect&DBUser=...&X-Amz-...&X-Amz-Signature=... (no scheme): the
// host and port are those the client connects to, the user is the database user name.
std::string rds_auth_token(std::string_view host, std::uint16_t port, std::string_view user,
                           const RdsTokenScope& scope, const Credentials& credentials);

}  // namespace gateway::aws
