// AWS_DB_* with AWS_DB_IAM_AUTH: every connection logs in with an RDS IAM auth token
// signed from the credential chain's credentials.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "config/connection_params.hpp"
#include "config/database_sources.hpp"
#include "sources/aws_access.hpp"
#include "sources/iam_token_conninfo.hpp"

namespace gateway::sources {

// Credentials fetched off the event loop, then a token per connection; null, after one
// log line saying why, when the chain has no credentials.
boost::asio::awaitable<std::shared_ptr<IamTokenConninfo>> make_iam_token_conninfo(
    const config::IamAuthentication& iam, const config::ConnectionParams& params, AwsAccess& aws,
    std::chrono::milliseconds statement_timeout);

}  // namespace gateway::sources
