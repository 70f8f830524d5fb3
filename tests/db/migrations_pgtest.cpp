#include "db/migrations.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "db/pg_fixture.hpp"
#include "db/pg_private_schema.hpp"

namespace gateway::test {
namespace {

TEST(EmbeddedMigrations, AreNamedAndInStrictlyAscendingVersionOrder) {
    const auto all = db::migrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_GT(all[i].version, 0);
        EXPECT_FALSE(all[i].name.empty());
        EXPECT_FALSE(all[i].sql.empty());
        if (i > 0) {
            EXPECT_LT(all[i - 1].version, all[i].version);
        }
    }
    EXPECT_EQ(all.front().version, 1);
    EXPECT_EQ(all.front().name, "create_apis");
}

// Each test migrates a schema of its own, so it starts from a database that has never
// seen a migration.
class MigrationsTest : public PgTest {
  protected:
    void SetUp() override {
        PgTest::SetUp();
        if (IsSkipped()) return;
        schema_ = unique_schema_name("migrations");
        conninfo_ = with_search_path(app_conninfo(), schema_);
        session_ = open();
        ASSERT_TRUE(query(*session_, "CREATE SCHEMA " + schema_));
    }

    std::unique_ptr<db::PgConnection> open() {
        auto connection = connect(conninfo_);
        if (!connection) throw std::runtime_error("connect failed: " + connection.error().message);
        return std::move(connection).value();
    }

    db::DbResult<int> migrate(db::PgConnection& connection) {
        return run_bounded(io_, db::apply_migrations(connection, 10s));
    }

    std::set<std::int64_t> recorded_versions() {
        auto rows = query(*session_, "SELECT version FROM schema_migrations");
        if (!rows) throw std::runtime_error(rows.error().message);
        std::set<std::int64_t> versions;
        for (int row = 0; row < rows->rows(); ++row) versions.insert(rows->integer(row, 0));
        return versions;
    }

    static std::set<std::int64_t> embedded_versions() {
        std::set<std::int64_t> versions;
        for (const auto& migration : db::migrations()) versions.insert(migration.version);
        return versions;
    }

    // Whether another session can take the migrator's lock right now (and gives it back).
    // Whether this test's session still holds the migration lock. Asking the lock
    // itself would be wrong: other test processes migrate their own schemas in the same
    // database at the same time and may hold it for a moment.
    bool lock_is_free() {
        const std::string key = std::to_string(db::kMigrationLockKey);
        auto held = query(*session_,
                          "SELECT count(*) = 0 FROM pg_locks WHERE locktype = 'advisory' AND "
                          "pid = pg_backend_pid() AND granted AND "
                          "((classid::bigint << 32) | objid::bigint) = " +
                              key);
        if (!held) throw std::runtime_error(held.error().message);
        return held->boolean(0, 0);
    }

    std::string schema_;
    std::string conninfo_;
    std::unique_ptr<db::PgConnection> session_;
};

TEST_F(MigrationsTest, FreshDatabaseGetsEveryMigrationRecorded) {
    auto applied = migrate(*session_);
    ASSERT_TRUE(applied) << applied.error().message;
    EXPECT_EQ(*applied, static_cast<int>(db::migrations().size()));
    EXPECT_EQ(recorded_versions(), embedded_versions());

    auto names = query(*session_, "SELECT name FROM schema_migrations WHERE version = 1");
    ASSERT_TRUE(names && names->rows() == 1);
    EXPECT_EQ(names->text(0, 0), "create_apis");
    auto table = query(*session_, "SELECT to_regclass('apis') IS NOT NULL");
    ASSERT_TRUE(table);
    EXPECT_TRUE(table->boolean(0, 0));
    EXPECT_TRUE(lock_is_free());
    EXPECT_FALSE(session_->in_transaction());
}

TEST_F(MigrationsTest, UpToDateDatabaseAppliesNothing) {
    ASSERT_TRUE(migrate(*session_));
    auto again = migrate(*session_);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again, 0);
    auto fresh_session = open();
    auto from_another = migrate(*fresh_session);
    ASSERT_TRUE(from_another) << from_another.error().message;
    EXPECT_EQ(*from_another, 0);
    EXPECT_EQ(recorded_versions(), embedded_versions());
}

TEST_F(MigrationsTest, ConcurrentRunsBothSucceedAndApplyEachMigrationOnce) {
    auto first = open();
    auto second = open();
    std::optional<db::DbResult<int>> first_result, second_result;
    const auto run = [](db::PgConnection& connection,
                        std::optional<db::DbResult<int>>& into) -> boost::asio::awaitable<void> {
        into.emplace(co_await db::apply_migrations(connection, 10s));
    };
    boost::asio::co_spawn(io_, run(*first, first_result), boost::asio::detached);
    boost::asio::co_spawn(io_, run(*second, second_result), boost::asio::detached);
    io_.restart();
    io_.run_for(kPgTestBound);

    ASSERT_TRUE(first_result && second_result);
    ASSERT_TRUE(*first_result) << first_result->error().message;
    ASSERT_TRUE(*second_result) << second_result->error().message;
    // The lock serialises them: whoever comes second finds nothing left to do.
    EXPECT_EQ(**first_result + **second_result, static_cast<int>(db::migrations().size()));
    EXPECT_TRUE(**first_result == 0 || **second_result == 0);
    EXPECT_EQ(recorded_versions(), embedded_versions());
}

TEST_F(MigrationsTest, FailedMigrationIsRolledBackAndReleasesTheLock) {
    // A table in the way makes migration 1's CREATE TABLE fail halfway through.
    ASSERT_TRUE(query(*session_, "CREATE TABLE apis (unrelated integer)"));
    auto failed = migrate(*session_);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, db::DbErrc::query_failed);
    EXPECT_EQ(failed.error().sqlstate, "42P07");  // duplicate_table
    EXPECT_NE(failed.error().message.find("create_apis"), std::string::npos)
        << failed.error().message;

    EXPECT_FALSE(session_->broken());
    EXPECT_FALSE(session_->in_transaction());
    EXPECT_TRUE(lock_is_free());
    EXPECT_TRUE(recorded_versions().empty());
    // Nothing of the failed migration stayed behind: its index was never created.
    auto index = query(*session_, "SELECT to_regclass('apis_name_key') IS NULL");
    ASSERT_TRUE(index);
    EXPECT_TRUE(index->boolean(0, 0));
}

TEST_F(MigrationsTest, SchemaRefusesRowsTheServiceWouldReject) {
    ASSERT_TRUE(migrate(*session_));
    const std::string insert =
        "INSERT INTO apis (id, name, base_path, upstream_url, created_at, updated_at) "
        "VALUES (gen_random_uuid(), $$NAME$$, $$PATH$$, 'http://127.0.0.1:9000', now(), now())";
    const auto with = [&](std::string name, std::string path) {
        std::string sql = insert;
        sql.replace(sql.find("NAME"), 4, name);
        sql.replace(sql.find("PATH"), 4, path);
        return sql;
    };
    ASSERT_TRUE(query(*session_, with("good", "/good")));
    for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
             {"has space", "/a"}, {"b", "/trailing/"}, {"-leading", "/c"}}) {
        auto refused = query(*session_, with(name, path));
        ASSERT_FALSE(refused) << name << " " << path;
        EXPECT_EQ(refused.error().sqlstate, "23514") << name << " " << path;  // check_violation
    }
    auto duplicate = query(*session_, with("GOOD", "/other"));
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().sqlstate, "23505");
    EXPECT_EQ(duplicate.error().constraint, "apis_name_key");
    auto same_path = query(*session_, with("other", "/good"));
    ASSERT_FALSE(same_path);
    EXPECT_EQ(same_path.error().constraint, "apis_base_path_key");
}

}  // namespace
}  // namespace gateway::test
