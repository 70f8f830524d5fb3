// The 503 details PgStore gives for database failures: a plain reason per kind of
// failure, never libpq's or the server's text (hosts, ports, users, values), which goes
// to the log instead. Pure functions, no database.
#include "store/pg_store_errors.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace gateway::store {
namespace {

using db::DbErrc;
using db::DbError;

// Words of the raw messages below that a client must never see.
const std::vector<std::string> kNeverInADetail{
    "127.0.0.1",
    "5432",
    "6432",
    "db.internal.example",
    "10.0.0.7",
    "gateway_app",
    "FATAL",
    "refused",
    "connection to server",
    "server closed",
    "relation",
    "apis",
    "find_api",
    "canceling",
    "secret-name",
    "within 127",
    "pool is",
    "MAX_WAITERS",
    "10000",
    "libpq",
};

void expect_safe(const std::string& detail) {
    EXPECT_EQ(detail.rfind("Database unavailable: ", 0), 0u) << detail;
    for (const auto& word : kNeverInADetail) {
        EXPECT_EQ(detail.find(word), std::string::npos) << "'" << word << "' in: " << detail;
    }
}

// Keeps what spdlog's default logger is given during the test, one "<level> <text>" line
// per message.
class LogCapture {
  public:
    LogCapture() : previous_(spdlog::default_logger()) {
        auto capture = std::make_shared<spdlog::logger>(
            "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(lines_));
        capture->set_pattern("%l %v");
        capture->set_level(spdlog::level::trace);
        spdlog::set_default_logger(std::move(capture));
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::string text() const { return lines_.str(); }

  private:
    std::ostringstream lines_;
    std::shared_ptr<spdlog::logger> previous_;
};

struct DetailCase {
    DbError error;
    std::string detail;
};

TEST(UnavailableDetail, GivesAPlainReasonPerKindOfFailure) {
    const std::vector<DetailCase> cases{
        {{DbErrc::connect_failed,
          "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused. Is the "
          "server running on that host and accepting TCP/IP connections?",
          "", ""},
         "Database unavailable: cannot connect to the database"},
        {{DbErrc::connect_failed,
          "connection to server at \"db.internal.example\" (10.0.0.7), port 6432 failed: FATAL: "
          "password authentication failed for user \"gateway_app\"",
          "28P01", ""},
         "Database unavailable: cannot connect to the database"},
        {{DbErrc::connect_failed, "the connection parameters are malformed", "", ""},
         "Database unavailable: cannot connect to the database"},
        {{DbErrc::timeout, "could not connect to 127.0.0.1:5432 within 5s", "", ""},
         "Database unavailable: timed out connecting to the database after 5s"},
        {{DbErrc::timeout, "could not connect to db.internal.example:6432 within 2.5s", "", ""},
         "Database unavailable: timed out connecting to the database after 2.5s"},
        {{DbErrc::timeout, "statement find_api_by_name did not complete within 5s", "", ""},
         "Database unavailable: timed out waiting for the database after 5s"},
        {{DbErrc::timeout, "query did not complete within 0.25s", "", ""},
         "Database unavailable: timed out waiting for the database after 0.25s"},
        {{DbErrc::connection_lost,
          "the database connection was lost during statement find_api_by_id: server closed the "
          "connection unexpectedly. This probably means the server terminated abnormally before "
          "or while processing the request.",
          "", ""},
         "Database unavailable: the connection to the database was lost"},
        {{DbErrc::connection_lost,
          "the database connection was lost: statement find_api_by_id failed: FATAL: "
          "terminating connection due to administrator command",
          "57P01", ""},
         "Database unavailable: the connection to the database was lost"},
        {{DbErrc::pool_exhausted, "no database connection available within 10s", "", ""},
         "Database unavailable: no database connection free within 10s"},
        {{DbErrc::pool_exhausted, "no database connection available within 0.5s", "", ""},
         "Database unavailable: no database connection free within 0.5s"},
        {{DbErrc::pool_exhausted,
          "all 2 database connections are busy and 10000 requests already wait, as many as "
          "DB_POOL_MAX_WAITERS allows",
          "", ""},
         "Database unavailable: all database connections are busy and too many requests wait"},
        {{DbErrc::query_failed,
          "statement update_api failed: canceling statement due to statement timeout", "57014", ""},
         "Database unavailable: the statement timed out or was canceled (SQLSTATE 57014)"},
        {{DbErrc::query_failed,
          "statement find_api_by_name failed: relation \"apis\" does not exist", "42P01", ""},
         "Database unavailable: database error (SQLSTATE 42P01)"},
        {{DbErrc::query_failed, "statement name x is used for two different SQL texts", "", ""},
         "Database unavailable: database error (SQLSTATE unknown)"},
        {{DbErrc::shutting_down, "the database pool is closed", "", ""},
         "Database unavailable: the server is shutting down"},
    };
    LogCapture log;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.error.message);
        const std::string detail = unavailable_detail(c.error);
        EXPECT_EQ(detail, c.detail);
        expect_safe(detail);
        EXPECT_NE(log.text().find(c.error.message), std::string::npos) << "not logged";
    }
}

// Whatever text the db layer's message holds, no kind of failure lets it through: at
// most a bound written as digits and an 's' is taken from its end.
TEST(UnavailableDetail, NeverQuotesTheMessageForAnyKindOfFailure) {
    const std::vector<std::string> messages{
        "connection to server at \"db.internal.example\" (10.0.0.7), port 6432 failed: FATAL: "
        "password authentication failed for user \"gateway_app\"",
        "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused",
        "could not connect to 127.0.0.1:5432 within 127.0.0.1s",
        "could not connect to db.internal.example:6432 within 5s, libpq says: refused",
        "statement find_api failed: duplicate key value violates unique constraint "
        "\"apis_name_key\". Key (name)=(secret-name) already exists. within 3s",
        "no database connection available within 10000 requests",
        "",
    };
    LogCapture log;
    for (const DbErrc code :
         {DbErrc::connect_failed, DbErrc::timeout, DbErrc::connection_lost, DbErrc::pool_exhausted,
          DbErrc::query_failed, DbErrc::shutting_down}) {
        for (const auto& message : messages) {
            for (const std::string sqlstate : {"", "28P01", "23505", "57014"}) {
                SCOPED_TRACE(std::to_string(static_cast<int>(code)) + " " + sqlstate + " " +
                             message);
                expect_safe(unavailable_detail(DbError{code, message, sqlstate, "apis_name_key"}));
            }
        }
    }
}

TEST(UnavailableDetail, KeepsTheFullMessageInTheLogAtWarn) {
    const std::string raw =
        "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused";
    LogCapture log;
    const std::string detail = unavailable_detail(DbError{DbErrc::connect_failed, raw, "", ""});
    EXPECT_EQ(detail, "Database unavailable: cannot connect to the database");
    EXPECT_EQ(log.text(), "warning database unavailable: " + raw + "\n");
}

TEST(UnavailableDetail, LogsTheSqlstateOfAFailedConnectWithItsMessage) {
    LogCapture log;
    unavailable_detail(
        DbError{DbErrc::connect_failed, "FATAL: password authentication failed", "28P01", ""});
    EXPECT_EQ(log.text(),
              "warning database unavailable: FATAL: password authentication failed (SQLSTATE "
              "28P01)\n");
}

TEST(StoreErrorFrom, TransientStatementFailureIsUnavailableAndLoggedAtWarn) {
    LogCapture log;
    const auto error = store_error_from(DbError{
        DbErrc::query_failed,
        "statement update_api failed: canceling statement due to statement timeout", "57014", ""});
    EXPECT_EQ(error.code, StoreErrc::unavailable);
    EXPECT_EQ(error.detail,
              "Database unavailable: the statement timed out or was canceled (SQLSTATE 57014)");
    EXPECT_EQ(log.text(),
              "warning statement update_api failed: canceling statement due to statement timeout "
              "(SQLSTATE 57014)\n");
}

TEST(StoreErrorFrom, UnexpectedStatementFailureIsLoggedAtErrorNamingTheConstraint) {
    LogCapture log;
    const auto error = store_error_from(DbError{DbErrc::query_failed,
                                                "statement create_api failed: new row violates "
                                                "check constraint \"apis_timeout_check\"",
                                                "23514", "apis_timeout_check"});
    EXPECT_EQ(error.code, StoreErrc::unavailable);
    EXPECT_EQ(error.detail, "Database unavailable: database error (SQLSTATE 23514)");
    EXPECT_EQ(log.text(),
              "error statement create_api failed: new row violates check constraint "
              "\"apis_timeout_check\" (SQLSTATE 23514, constraint apis_timeout_check)\n");
}

TEST(StoreErrorFrom, UniqueViolationOfTheNameIsAConflictAndNotLogged) {
    domain::ApiSpec spec;
    spec.name = "billing";
    spec.base_path = "/billing";
    LogCapture log;
    const auto error =
        store_error_from(DbError{DbErrc::query_failed, "statement create_api failed: duplicate key",
                                 "23505", "apis_name_key"},
                         &spec);
    EXPECT_EQ(error.code, StoreErrc::conflict);
    EXPECT_EQ(error.detail, name_taken_detail("billing"));
    EXPECT_EQ(log.text(), "");
}

TEST(StoreErrorFrom, LostConnectionIsUnavailableWithThePlainReason) {
    LogCapture log;
    const auto error = store_error_from(
        DbError{DbErrc::connection_lost,
                "the database connection was lost during statement list_apis: server closed the "
                "connection unexpectedly",
                "", ""});
    EXPECT_EQ(error.code, StoreErrc::unavailable);
    EXPECT_EQ(error.detail, "Database unavailable: the connection to the database was lost");
    EXPECT_NE(log.text().find("server closed the connection unexpectedly"), std::string::npos)
        << log.text();
}

}  // namespace
}  // namespace gateway::store
