// Versioned schema migrations: SQL files in src/db/migrations/ compiled into the binary,
// applied in order under a PostgreSQL advisory lock so that several instances starting
// at once neither race nor apply one twice.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "db/db_error.hpp"
#include "db/pg_connection.hpp"

namespace gateway::db {

// One file NNNN_name.sql: version NNNN, its name, its statements. A migration runs in a
// transaction of its own, so its SQL must not contain BEGIN/COMMIT or statements that
// cannot run inside a transaction block (CREATE INDEX CONCURRENTLY).
struct Migration {
    std::int64_t version;
    std::string_view name;
    std::string_view sql;
};

// Every embedded migration, in ascending version order (generated at configure time).
std::span<const Migration> migrations();

// The advisory lock key the migrator holds while it works: "gatewaym" in ASCII, fixed so
// that every instance of every version of the service contends for the same lock.
inline constexpr std::int64_t kMigrationLockKey = 0x6761'7465'7761'796d;

// Takes the session-level advisory lock, creates schema_migrations if missing, applies
// each migration the database has not recorded (each in its own transaction, in order)
// and records it, then releases the lock, also when a step failed. Returns how many it
// applied: 0 when the schema is up to date. `timeout` bounds each statement, the wait for
// the lock included; after a timeout the connection is broken and must be discarded,
// which also ends its session and with it the lock.
boost::asio::awaitable<DbResult<int>> apply_migrations(PgConnection& connection,
                                                       std::chrono::milliseconds timeout);

}  // namespace gateway::db
