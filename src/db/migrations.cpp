#include "db/migrations.hpp"

#include <set>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "db/statement.hpp"

namespace gateway::db {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version bigint PRIMARY KEY, "
    "name text NOT NULL, "
    "applied_at timestamptz NOT NULL DEFAULT now())";

constexpr Statement kAppliedVersions{"migrations_applied_versions",
                                     "SELECT version FROM schema_migrations"};

constexpr Statement kRecordMigration{
    "migrations_record", "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)"};

std::string lock_sql(std::string_view function) {
    return "SELECT " + std::string(function) + "(" + std::to_string(kMigrationLockKey) + ")";
}

boost::asio::awaitable<DbResult<std::set<std::int64_t>>> applied_versions(PgConnection& connection,
                                                                          milliseconds timeout) {
    if (auto created = co_await connection.simple_query(kCreateMigrationsTable, timeout);
        !created) {
        co_return domain::unexpected(std::move(created).error());
    }
    auto result = co_await connection.execute(kAppliedVersions, {}, timeout);
    if (!result) co_return domain::unexpected(std::move(result).error());
    std::set<std::int64_t> versions;
    for (int row = 0; row < result->rows(); ++row) versions.insert(result->integer(row, 0));
    co_return versions;
}

// One migration and its record, committed together or not at all.
boost::asio::awaitable<DbResult<PgResult>> apply_one(PgConnection& connection,
                                                     const Migration& migration,
                                                     milliseconds timeout) {
    auto begun = co_await connection.simple_query("BEGIN", timeout);
    if (!begun) co_return begun;
    auto applied = co_await connection.simple_query(migration.sql, timeout);
    if (applied) {
        // Named, not braced in the call: g++ 12 miscompiles an initializer list inside
        // a co_await expression.
        const Params record{std::to_string(migration.version), std::string(migration.name)};
        applied = co_await connection.execute(kRecordMigration, record, timeout);
    }
    if (applied) applied = co_await connection.simple_query("COMMIT", timeout);
    if (!applied && !connection.broken()) {
        // Leaves the session usable for the unlock; a broken one is discarded anyway.
        (void)co_await connection.simple_query("ROLLBACK", timeout);
    }
    co_return applied;
}

boost::asio::awaitable<DbResult<int>> apply_missing(PgConnection& connection,
                                                    milliseconds timeout) {
    auto applied_before = co_await applied_versions(connection, timeout);
    if (!applied_before) co_return domain::unexpected(std::move(applied_before).error());
    int count = 0;
    for (const Migration& migration : migrations()) {
        if (applied_before->contains(migration.version)) continue;
        spdlog::info("applying migration {} {}", migration.version, migration.name);
        auto applied = co_await apply_one(connection, migration, timeout);
        if (!applied) {
            DbError error = std::move(applied).error();
            error.message = "migration " + std::to_string(migration.version) + " " +
                            std::string(migration.name) + " failed: " + error.message;
            co_return domain::unexpected(std::move(error));
        }
        ++count;
    }
    co_return count;
}

}  // namespace

boost::asio::awaitable<DbResult<int>> apply_migrations(PgConnection& connection,
                                                       milliseconds timeout) {
    // Session-level, not transaction-level: the lock must span the several transactions
    // below, and it ends with the session if this process dies halfway.
    if (auto locked = co_await connection.simple_query(lock_sql("pg_advisory_lock"), timeout);
        !locked) {
        co_return domain::unexpected(std::move(locked).error());
    }
    auto result = co_await apply_missing(connection, timeout);
    if (!connection.broken()) {
        auto unlocked = co_await connection.simple_query(lock_sql("pg_advisory_unlock"), timeout);
        if (!unlocked && result) co_return domain::unexpected(std::move(unlocked).error());
    }
    co_return result;
}

}  // namespace gateway::db
