// AWS Secrets Manager as a database source: the secret read off the event loop, and read
// again when the server starts refusing the credentials it held (rotation).
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "config/connection_params.hpp"
#include "config/database_sources.hpp"
#include "db/renewable_conninfo.hpp"
#include "sources/aws_access.hpp"

namespace gateway::sources {

// The secret's connection parameters (application_name added); nullopt, after one log
// line saying why, when the source must be skipped.
boost::asio::awaitable<std::optional<config::ConnectionParams>> fetch_secret_params(
    const config::SecretsManagerSource& source, AwsAccess& aws);

// The pool's conninfo for this source: `initial` until the server refuses it, then
// whatever a new fetch of the secret gives.
std::shared_ptr<db::RenewableConninfo> renewable_secret_conninfo(
    const config::SecretsManagerSource& source, config::ConnectionParams initial, AwsAccess& aws,
    std::chrono::milliseconds statement_timeout);

}  // namespace gateway::sources
