// PgConnection::execute and simple_query: parameters, results, server errors, bounds.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "db/pg_binary.hpp"
#include "db/statement_stats.hpp"
#include "metrics/exposition.hpp"
#include "pg_fixture.hpp"

namespace gateway::test {
namespace {

using db::DbErrc;
using db::Statement;

class PgExecuteTest : public PgTest {};

// Sends the default logger's lines to `log` until stop() or the end of the scope.
class LogCapture {
  public:
    explicit LogCapture(std::ostringstream& log) : previous_(spdlog::default_logger()) {
        spdlog::set_default_logger(std::make_shared<spdlog::logger>(
            "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(log)));
    }
    ~LogCapture() { stop(); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    void stop() {
        if (previous_) spdlog::set_default_logger(std::move(previous_));
        previous_.reset();
    }

  private:
    std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(PgExecuteTest, ParametersAndNullsRoundTrip) {
    auto connection = must_connect();
    const Statement statement{"test_params_and_nulls",
                              "SELECT $1::int + 1, $2::text IS NULL, $3::text, $2::bigint"};
    auto result = execute(*connection, statement, {"41", std::nullopt, "h\xC3\xA9llo"});
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->rows(), 1);
    ASSERT_EQ(result->columns(), 4);
    EXPECT_EQ(result->integer(0, 0), 42);
    EXPECT_TRUE(result->boolean(0, 1));
    EXPECT_EQ(result->text(0, 2), "h\xC3\xA9llo");
    EXPECT_TRUE(result->is_null(0, 3));
    EXPECT_EQ(result->optional_integer(0, 3), std::nullopt);
    EXPECT_EQ(result->text(0, 3), "");
}

TEST_F(PgExecuteTest, LargeParameterAndLargeResultCrossTheSocketInPieces) {
    // Far more than a socket buffer each way, so libpq must flush and read in turns.
    auto connection = must_connect();
    const std::string big(8 * 1024 * 1024, 'x');
    auto length = execute(*connection, {"test_big_param", "SELECT length($1::text)"}, {big});
    ASSERT_TRUE(length) << length.error().message;
    EXPECT_EQ(length->integer(0, 0), static_cast<std::int64_t>(big.size()));

    auto rows = query(*connection, "SELECT repeat('y', 1000) FROM generate_series(1, 20000)");
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(rows->rows(), 20000);
    EXPECT_EQ(rows->text(19999, 0).size(), 1000u);
}

TEST_F(PgExecuteTest, BinaryResultsDecodeToWhatTheServerStores) {
    // Both planning modes, since they reach libpq through different calls.
    auto connection = must_connect();
    const std::string sql =
        "SELECT '123e4567-e89b-12d3-a456-426614174000'::uuid, "
        "ARRAY['GET', '', 'a\"b\\c', 'NULL', 'x,y{}']::text[], '{}'::text[], "
        "'1969-12-31 23:59:59.9995+00'::timestamptz, '2026-11-27 12:00:00.123+00'::timestamptz, "
        "true, 30000::integer, $1::bigint";
    for (const auto planning : {db::Planning::prepared_once, db::Planning::per_execution}) {
        const Statement statement{"test_binary_results", sql, planning, db::ResultFormat::binary};
        auto result = execute(*connection, statement, {"9007199254740993"});
        ASSERT_TRUE(result) << result.error().message;
        ASSERT_TRUE(result->is_binary(0));
        EXPECT_EQ(result->column_type(0), db::binary::kUuidOid);
        EXPECT_EQ(db::binary::decode_uuid(result->bytes(0, 0)),
                  "123e4567-e89b-12d3-a456-426614174000");
        EXPECT_EQ(db::binary::decode_text_array(result->bytes(0, 1)),
                  (std::vector<std::string>{"GET", "", "a\"b\\c", "NULL", "x,y{}"}));
        EXPECT_EQ(db::binary::decode_text_array(result->bytes(0, 2)), std::vector<std::string>{});
        EXPECT_EQ(db::binary::decode_timestamptz_millis(result->bytes(0, 3)), -1);
        EXPECT_EQ(db::binary::decode_timestamptz_millis(result->bytes(0, 4)), 1'795'780'800'123);
        EXPECT_EQ(db::binary::decode_bool(result->bytes(0, 5)), true);
        EXPECT_EQ(db::binary::decode_int4(result->bytes(0, 6)), 30000);
        EXPECT_EQ(db::binary::decode_int8(result->bytes(0, 7)), 9'007'199'254'740'993);
    }
}

TEST_F(PgExecuteTest, AStatementIsPreparedOncePerConnection) {
    auto connection = must_connect();
    const Statement statement{"test_prepared_once", "SELECT $1::int * 2"};
    for (int i = 1; i <= 3; ++i) {
        auto result = execute(*connection, statement, {std::to_string(i)});
        ASSERT_TRUE(result) << result.error().message;
        EXPECT_EQ(result->integer(0, 0), 2 * i);
    }
    auto count = query(*connection,
                       "SELECT count(*) FROM pg_prepared_statements WHERE name = "
                       "'test_prepared_once'");
    ASSERT_TRUE(count) << count.error().message;
    EXPECT_EQ(count->integer(0, 0), 1);
}

TEST_F(PgExecuteTest, AffectedRowsCountsTouchedRows) {
    auto connection = must_connect();
    ASSERT_TRUE(query(*connection, "CREATE TEMP TABLE touched (n int)"));
    const Statement insert{"test_insert_series",
                           "INSERT INTO touched SELECT generate_series(1, $1::int)"};
    auto inserted = execute(*connection, insert, {"3"});
    ASSERT_TRUE(inserted) << inserted.error().message;
    EXPECT_EQ(inserted->affected_rows(), 3);
    EXPECT_EQ(inserted->rows(), 0);
}

TEST_F(PgExecuteTest, UniqueViolationCarriesSqlstateAndConstraint) {
    auto connection = must_connect();
    ASSERT_TRUE(
        query(*connection, "CREATE TEMP TABLE names (name text CONSTRAINT names_name_key UNIQUE)"));
    const Statement insert{"test_insert_name", "INSERT INTO names (name) VALUES ($1)"};
    ASSERT_TRUE(execute(*connection, insert, {"payments"}));
    auto duplicate = execute(*connection, insert, {"payments"});
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, DbErrc::query_failed);
    EXPECT_EQ(duplicate.error().sqlstate, "23505");
    EXPECT_EQ(duplicate.error().constraint, "names_name_key");
    EXPECT_NE(duplicate.error().message.find("statement test_insert_name failed"),
              std::string::npos)
        << duplicate.error().message;
    // A server error leaves the connection usable.
    EXPECT_FALSE(connection->broken());
    EXPECT_TRUE(query(*connection, "SELECT 1"));
}

TEST_F(PgExecuteTest, SyntaxErrorFailsThePrepareAndKeepsTheConnection) {
    auto connection = must_connect();
    auto result = execute(*connection, {"test_bad_syntax", "SELEC 1"});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, DbErrc::query_failed);
    EXPECT_EQ(result.error().sqlstate, "42601");
    EXPECT_FALSE(connection->broken());
    EXPECT_TRUE(execute(*connection, {"test_good_syntax", "SELECT 1"}));
}

TEST_F(PgExecuteTest, OneNameForTwoSqlTextsIsRefused) {
    auto connection = must_connect();
    ASSERT_TRUE(execute(*connection, {"test_same_name", "SELECT 1"}));
    auto other = execute(*connection, {"test_same_name", "SELECT 2"});
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, DbErrc::query_failed);
}

TEST_F(PgExecuteTest, SimpleQueryRunsSeveralStatementsAndReturnsTheLast) {
    auto connection = must_connect();
    auto result = query(*connection, "SELECT 1; SELECT 2 AS second");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->integer(0, 0), 2);
}

TEST_F(PgExecuteTest, StatementPastItsBoundTimesOutAndBreaksTheConnection) {
    auto connection = must_connect();
    const auto started = std::chrono::steady_clock::now();
    auto result = execute(*connection, {"test_sleep", "SELECT pg_sleep(5)"}, {}, 200ms);
    const auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, DbErrc::timeout);
    EXPECT_NE(result.error().message.find("0.2s"), std::string::npos) << result.error().message;
    EXPECT_TRUE(connection->broken());
    EXPECT_GE(waited, 200ms);
    EXPECT_LT(waited, 5s);  // it did not wait for the sleep to end
    // Anything further fails at once instead of talking to a busy backend.
    auto next = query(*connection, "SELECT 1");
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().code, DbErrc::connection_lost);
}

TEST_F(PgExecuteTest, TerminatedBackendIsReportedAsALostConnection) {
    auto connection = must_connect();
    terminate_backend(backend_pid(*connection));
    auto result = execute(*connection, {"test_after_terminate", "SELECT 1"});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, DbErrc::connection_lost);
    EXPECT_EQ(result.error().sqlstate, "57P01");  // admin_shutdown: the server said why
    EXPECT_TRUE(connection->broken());
}

TEST_F(PgExecuteTest, TransactionStateIsVisible) {
    auto connection = must_connect();
    EXPECT_FALSE(connection->in_transaction());
    ASSERT_TRUE(query(*connection, "BEGIN"));
    EXPECT_TRUE(connection->in_transaction());
    ASSERT_TRUE(query(*connection, "COMMIT"));
    EXPECT_FALSE(connection->in_transaction());
}

TEST_F(PgExecuteTest, EchoLogsTheStatementButNeverItsParameters) {
    std::ostringstream log;
    LogCapture capture(log);
    {
        auto connection = must_connect();
        connection->set_logging({.echo = true});
        auto result = execute(*connection, {"test_echo", "SELECT length($1::text)"},
                              {"param-value-never-logged"});
        EXPECT_TRUE(result);
    }
    capture.stop();
    EXPECT_NE(log.str().find("test_echo"), std::string::npos) << log.str();
    EXPECT_NE(log.str().find("SELECT length($1::text)"), std::string::npos) << log.str();
    EXPECT_EQ(log.str().find("param-value-never-logged"), std::string::npos) << log.str();
}

TEST_F(PgExecuteTest, ASlowStatementLogsOneWarningWithItsNameAndDurationNeverItsParameters) {
    std::ostringstream log;
    LogCapture capture(log);
    {
        auto connection = must_connect();
        connection->set_logging({.slow_after = std::chrono::milliseconds(50)});
        // Quick ones say nothing; the sleeping one is at least 100 ms whatever the load.
        ASSERT_TRUE(execute(*connection, {"test_quick", "SELECT length($1::text)"}, {"quick"}));
        ASSERT_TRUE(query(*connection, "BEGIN"));
        ASSERT_TRUE(execute(*connection, {"test_sleepy", "SELECT pg_sleep($1::float8), $2::text"},
                            {"0.1", "param-value-never-logged"}));
        ASSERT_TRUE(query(*connection, "COMMIT"));
    }
    capture.stop();
    const std::string text = log.str();
    EXPECT_NE(text.find("slow statement test_sleepy: "), std::string::npos) << text;
    EXPECT_NE(text.find(" ms (completed)"), std::string::npos) << text;
    EXPECT_EQ(text.find("test_quick"), std::string::npos) << text;
    EXPECT_EQ(text.find("param-value-never-logged"), std::string::npos) << text;
    EXPECT_EQ(text.find("0.1"), std::string::npos) << text;
    // One line for the one slow statement: not a second one for its transaction.
    EXPECT_EQ(text.find("slow statement"), text.rfind("slow statement")) << text;
}

TEST_F(PgExecuteTest, EveryStatementIsCountedByNameWithItsFailures) {
    auto stats = std::make_shared<db::StatementStats>();
    {
        auto connection = must_connect();
        connection->set_logging({.stats = stats});
        for (int i = 0; i < 3; ++i) {
            ASSERT_TRUE(execute(*connection, {"test_counted", "SELECT $1::int + 1"}, {"41"}));
        }
        // A value the cast refuses: the statement fails on the server.
        EXPECT_FALSE(execute(*connection, {"test_counted", "SELECT $1::int + 1"}, {"forty"}));
        ASSERT_TRUE(query(*connection, "SELECT 1"));
    }
    metrics::Exposition out;
    stats->write(out);
    const std::string page = out.take();
    EXPECT_NE(
        page.find("gateway_db_statement_duration_seconds_count{statement=\"test_counted\"} 4\n"),
        std::string::npos)
        << page;
    EXPECT_NE(page.find("gateway_db_statement_errors_total{statement=\"test_counted\"} 1\n"),
              std::string::npos)
        << page;
    // A plain query is named by its first word, so no literal it holds reaches a label.
    EXPECT_NE(page.find("gateway_db_statement_duration_seconds_count{statement=\"SELECT\"} 1\n"),
              std::string::npos)
        << page;
    EXPECT_EQ(page.find("forty"), std::string::npos) << page;
}

}  // namespace
}  // namespace gateway::test
