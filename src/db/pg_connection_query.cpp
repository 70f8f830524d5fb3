// Running statements on a PgConnection: send, flush, then collect results as the
// socket becomes readable, all within one deadline.
#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "db/pg_connection.hpp"
#include "db/pg_messages.hpp"
#include "db/socket_wait.hpp"

namespace gateway::db {

namespace asio = boost::asio;

namespace {

std::string field(const PGresult* result, int code) {
    const char* value = PQresultErrorField(result, code);
    return value == nullptr ? std::string{} : std::string(value);
}

// A connection that already failed (timed out, lost) is not tried again.
domain::Unexpected<DbError> unusable() {
    return db_error(DbErrc::connection_lost,
                    "the database connection is no longer usable after an earlier failure");
}

bool is_copy(ExecStatusType status) {
    return status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH;
}

}  // namespace

asio::awaitable<DbResult<PgResult>> PgConnection::execute(const Statement& statement,
                                                          const Params& params,
                                                          std::chrono::milliseconds timeout) {
    if (in_flight_) broken_ = true;  // an earlier operation was abandoned midway
    in_flight_ = true;
    const auto started = Clock::now();
    auto result = co_await run_statement(statement, params, {started + timeout, timeout});
    in_flight_ = false;
    last_used_ = Clock::now();
    account(statement.name, started, result.has_value());
    co_return result;
}

asio::awaitable<DbResult<PgResult>> PgConnection::simple_query(std::string_view sql,
                                                               std::chrono::milliseconds timeout) {
    if (in_flight_) broken_ = true;
    in_flight_ = true;
    const auto started = Clock::now();
    auto result = co_await run_simple(sql, {started + timeout, timeout});
    in_flight_ = false;
    last_used_ = Clock::now();
    // A plain query has no name: its first word (BEGIN, COMMIT, LISTEN...) stands for it,
    // so that no literal it may carry reaches the log.
    account(sql.substr(0, sql.find_first_of(" \t\n;")), started, result.has_value());
    co_return result;
}

void PgConnection::account(std::string_view name, Clock::time_point started, bool succeeded) const {
    const auto took = Clock::now() - started;
    if (logging_.stats) logging_.stats->record(name, took, succeeded);
    if (logging_.slow_after.count() == 0 || took < logging_.slow_after) return;
    spdlog::warn("slow statement {}: {} ms ({})", name,
                 std::chrono::duration_cast<std::chrono::milliseconds>(took).count(),
                 succeeded ? "completed" : "failed");
}

bool PgConnection::is_prepared(const Statement& statement) const {
    const auto found = prepared_.find(statement.name);
    return found != prepared_.end() && found->second == statement.sql;
}

asio::awaitable<DbResult<PgResult>> PgConnection::run_statement(const Statement& statement,
                                                                const Params& params, Bound bound) {
    if (broken_ || PQstatus(conn_) != CONNECTION_OK) co_return unusable();
    if (logging_.echo) spdlog::info("SQL {}: {}", statement.name, statement.sql);

    const std::string name(statement.name);
    const std::string what = "statement " + name;
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);

    const int result_format = statement.results == ResultFormat::binary ? 1 : 0;
    if (statement.planning == Planning::per_execution) {
        const std::string sql(statement.sql);
        if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, result_format) == 0) {
            co_return domain::unexpected(lost(what));
        }
        co_return co_await finish(what, bound);
    }

    if (!is_prepared(statement)) {
        // The same name with other SQL would silently run the old text.
        if (prepared_.contains(name)) {
            co_return db_error(DbErrc::query_failed,
                               "statement name " + name + " is used for two different SQL texts");
        }
        const std::string sql(statement.sql);
        if (PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) == 0) {
            co_return domain::unexpected(lost(what));
        }
        auto prepared = co_await finish(what, bound);
        if (!prepared) co_return domain::unexpected(std::move(prepared).error());
        // The unnamed statement is replaced by every other unnamed one.
        if (!name.empty()) prepared_.emplace(name, sql);
    }

    if (PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                            nullptr, nullptr, result_format) == 0) {
        co_return domain::unexpected(lost(what));
    }
    co_return co_await finish(what, bound);
}

asio::awaitable<DbResult<PgResult>> PgConnection::run_simple(std::string_view sql, Bound bound) {
    constexpr std::string_view what = "query";
    if (broken_ || PQstatus(conn_) != CONNECTION_OK) co_return unusable();
    if (logging_.echo) spdlog::info("SQL: {}", sql);
    if (PQsendQuery(conn_, std::string(sql).c_str()) == 0) co_return domain::unexpected(lost(what));
    co_return co_await finish(what, bound);
}

asio::awaitable<DbResult<PgResult>> PgConnection::finish(std::string_view what, Bound bound) {
    const auto executor = co_await asio::this_coro::executor;
    const auto timed_out = [&] {
        broken_ = true;  // the server may still be working on it; nobody may reuse this
        return db_error(DbErrc::timeout, std::string(what) + " did not complete within " +
                                             describe_duration(bound.timeout));
    };

    for (;;) {
        const int flushed = PQflush(conn_);
        if (flushed == 0) break;
        if (flushed < 0) co_return domain::unexpected(lost(what));
        const auto outcome = co_await wait_for_socket(
            executor, PQsocket(conn_), Readiness::readable_or_writable, bound.deadline);
        if (outcome == WaitOutcome::timed_out) co_return timed_out();
        if (outcome == WaitOutcome::failed) co_return domain::unexpected(lost(what));
        if (outcome == WaitOutcome::readable && PQconsumeInput(conn_) == 0) {
            co_return domain::unexpected(lost(what));
        }
    }

    PgResult last;
    std::optional<DbError> failure;
    for (;;) {
        // PQisBusy parses what has arrived; PQgetResult will not block while it is false.
        while (PQisBusy(conn_) == 0) {
            PGresult* raw = PQgetResult(conn_);
            if (raw == nullptr) {
                if (PQstatus(conn_) != CONNECTION_OK) {
                    co_return domain::unexpected(lost(what, failure ? &*failure : nullptr));
                }
                if (failure) co_return domain::unexpected(std::move(*failure));
                co_return std::move(last);
            }
            PgResult result(raw);
            const auto status = PQresultStatus(raw);
            if (status == PGRES_FATAL_ERROR) {
                if (!failure) failure = query_error(result, what);
            } else if (is_copy(status)) {
                broken_ = true;  // a COPY would need its own protocol; none is spoken here
                co_return db_error(DbErrc::query_failed,
                                   std::string(what) + " started a COPY, which is not supported");
            } else {
                last = std::move(result);
            }
        }
        const auto outcome = co_await wait_for_socket(executor, PQsocket(conn_),
                                                      Readiness::readable, bound.deadline);
        if (outcome == WaitOutcome::timed_out) co_return timed_out();
        if (outcome == WaitOutcome::failed) co_return domain::unexpected(lost(what));
        // On a lost connection libpq still hands out the server's last words (for example
        // 57P01 from pg_terminate_backend) through PQgetResult; the loop collects them.
        if (PQconsumeInput(conn_) == 0 && PQstatus(conn_) == CONNECTION_OK) {
            co_return domain::unexpected(lost(what));
        }
    }
}

DbError PgConnection::lost(std::string_view what, const DbError* server_said) {
    broken_ = true;
    if (server_said != nullptr) {
        // The server said why before it hung up (already "<what> failed: <reason>").
        return DbError{DbErrc::connection_lost,
                       "the database connection was lost: " + server_said->message,
                       server_said->sqlstate,
                       {}};
    }
    const char* password = PQpass(conn_);
    auto message = clean_libpq_message(PQerrorMessage(conn_), password ? password : "");
    return DbError{
        DbErrc::connection_lost,
        "the database connection was lost during " + std::string(what) + ": " + message.text,
        std::move(message.sqlstate),
        {}};
}

DbError PgConnection::query_error(const PgResult& result, std::string_view what) const {
    const char* password = PQpass(conn_);
    const auto primary = field(result.get(), PG_DIAG_MESSAGE_PRIMARY);
    auto message = clean_libpq_message(
        primary.empty() ? std::string_view(PQresultErrorMessage(result.get())) : primary,
        password ? password : "");
    return DbError{DbErrc::query_failed, std::string(what) + " failed: " + message.text,
                   field(result.get(), PG_DIAG_SQLSTATE),
                   field(result.get(), PG_DIAG_CONSTRAINT_NAME)};
}

}  // namespace gateway::db
