// Whether a source is worth using: a connection and a SELECT 1, both within the connect
// timeout, before a pool is built on it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "db/db_error.hpp"
#include "db/pg_connection.hpp"

namespace gateway::db {

// The connection that passed, kept for the migrations and to tell whether TLS is in use.
boost::asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> preflight_check(
    boost::asio::any_io_executor executor, const std::string& conninfo,
    std::chrono::milliseconds connect_timeout);

}  // namespace gateway::db
