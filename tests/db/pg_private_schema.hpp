// A schema of one's own in the shared test database. CTest runs pg tests as separate
// processes, possibly at the same time, in one database: tests that create tables keep
// them in a schema of their own (through search_path) so they never see each other's.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "db/migrations.hpp"
#include "db/pg_connection.hpp"
#include "domain/ids.hpp"

namespace gateway::test {

// `prefix` and a random suffix: a valid, unquoted SQL identifier nobody else uses.
inline std::string unique_schema_name(std::string_view prefix) {
    std::string suffix = domain::new_api_id();
    suffix.erase(std::remove(suffix.begin(), suffix.end(), '-'), suffix.end());
    return std::string(prefix) + "_" + suffix;
}

// `conninfo` (keyword/value form) whose sessions find unqualified tables in `schema`
// only. `schema` must be a plain identifier, as unique_schema_name makes.
inline std::string with_search_path(std::string conninfo, std::string_view schema) {
    conninfo += " options='-c search_path=";
    conninfo += schema;
    conninfo += "'";
    return conninfo;
}

// Opens a connection through `conninfo` (already pointed at `schema`), creates the
// schema if missing and applies the migrations; then runs `then_sql` if given. Returns
// how many migrations were applied.
inline boost::asio::awaitable<db::DbResult<int>> prepare_schema(
    boost::asio::any_io_executor executor, std::string conninfo, std::string schema,
    std::string then_sql = {}) {
    using namespace std::chrono_literals;
    auto connection = co_await db::PgConnection::connect(executor, conninfo, 10s);
    if (!connection) co_return domain::unexpected(std::move(connection).error());
    db::PgConnection& session = **connection;
    const std::string create_schema = "CREATE SCHEMA IF NOT EXISTS " + schema;
    if (auto created = co_await session.simple_query(create_schema, 10s); !created) {
        co_return domain::unexpected(std::move(created).error());
    }
    auto applied = co_await db::apply_migrations(session, 30s);
    if (!applied || then_sql.empty()) co_return applied;
    if (auto done = co_await session.simple_query(then_sql, 10s); !done) {
        co_return domain::unexpected(std::move(done).error());
    }
    co_return applied;
}

}  // namespace gateway::test
