// DATABASE_URL, as the Python service accepted it, turned into connection parameters.
#pragma once

#include <string_view>

#include "config/connection_params.hpp"

namespace gateway::config {

// Accepts postgresql:// and postgres://, also with a driver suffix such as
// postgresql+asyncpg:// (ignored). User, password and database name are percent-decoded;
// the port defaults to 5432; query parameters are libpq keywords, with `ssl` taken as
// an alias of sslmode as libpq and asyncpg do. Throws ConfigError naming DATABASE_URL
// and saying what is wrong, without repeating any part of the URL that could be a
// password.
ConnectionParams parse_database_url(std::string_view url);

}  // namespace gateway::config
