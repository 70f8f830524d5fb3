// Opening and closing a connection; running statements is in pg_connection_query.cpp.
#include "db/pg_connection.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "db/pg_messages.hpp"
#include "db/socket_wait.hpp"

namespace gateway::db {

namespace asio = boost::asio;

namespace {

DbError connect_error(PGconn* conn) {
    auto message = clean_libpq_message(PQerrorMessage(conn), PQpass(conn) ? PQpass(conn) : "");
    return DbError{
        DbErrc::connect_failed, std::move(message.text), std::move(message.sqlstate), {}};
}

std::string describe_target(PGconn* conn) {
    const char* host = PQhost(conn);
    const char* port = PQport(conn);
    if (host == nullptr || *host == '\0') return "the database";
    std::string target = host;
    if (port != nullptr && *port != '\0') target += std::string(":") + port;
    return target;
}

bool conninfo_parses(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    PQfreemem(error);
    if (options == nullptr) return false;
    PQconninfoFree(options);
    return true;
}

}  // namespace

PgConnection::PgConnection(PGconn* conn) : conn_(conn) {}

// libpq prints notices to stderr by default; route them to the log instead. An error the
// server sends while no command runs reaches here too: a FATAL is the server saying why
// it is about to close the connection (pg_terminate_backend, shutdown), and from then on
// the connection is broken even if the end of file behind it has not been read yet.
void PgConnection::on_notice(void* self, const PGresult* notice) {
    const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char* text = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    const std::string_view level = severity != nullptr ? severity : "";
    if (level == "FATAL" || level == "PANIC") static_cast<PgConnection*>(self)->broken_ = true;
    if (text == nullptr) return;
    if (level == "WARNING") {
        spdlog::warn("database warning: {}", text);
    } else {
        spdlog::debug("database notice: {}", text);
    }
}

PgConnection::~PgConnection() {
    if (conn_ != nullptr) PQfinish(conn_);
}

asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> PgConnection::connect(
    asio::any_io_executor executor, std::string conninfo, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    // libpq's own parse errors quote the offending part of the string, which may be a
    // password; say only that it is malformed.
    if (!conninfo_parses(conninfo)) {
        co_return db_error(DbErrc::connect_failed, "the connection parameters are malformed");
    }
    // Note: PQconnectStart resolves host names synchronously. Configured hosts are
    // expected to be IP literals or names the resolver answers from local files/cache.
    PGconn* raw = PQconnectStart(conninfo.c_str());
    if (raw == nullptr) {
        co_return db_error(DbErrc::connect_failed, "libpq could not allocate a connection");
    }
    std::unique_ptr<PgConnection> connection(new PgConnection(raw));
    // Verbose errors carry the server's SQLSTATE ("FATAL:  28P01: ..."), which
    // clean_libpq_message splits out; back to the default once connected.
    PQsetErrorVerbosity(raw, PQERRORS_VERBOSE);
    PQsetNoticeReceiver(raw, &PgConnection::on_notice, connection.get());
    if (PQstatus(raw) == CONNECTION_BAD) co_return domain::unexpected(connect_error(raw));

    // libpq's contract: before the first PQconnectPoll, act as if it asked for writing.
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK) {
        if (status == PGRES_POLLING_FAILED) co_return domain::unexpected(connect_error(raw));
        // The socket is read afresh for every wait: libpq may have replaced it.
        const auto outcome = co_await wait_for_socket(
            executor, PQsocket(raw),
            status == PGRES_POLLING_READING ? Readiness::readable : Readiness::writable, deadline);
        if (outcome == WaitOutcome::timed_out) {
            co_return db_error(DbErrc::timeout, "could not connect to " + describe_target(raw) +
                                                    " within " + describe_duration(timeout));
        }
        if (outcome == WaitOutcome::failed) {
            co_return db_error(DbErrc::connect_failed,
                               "waiting for the connection to " + describe_target(raw) + " failed");
        }
        status = PQconnectPoll(raw);
    }

    if (PQsetnonblocking(raw, 1) != 0) co_return domain::unexpected(connect_error(raw));
    PQsetErrorVerbosity(raw, PQERRORS_DEFAULT);
    connection->created_at_ = connection->last_used_ = Clock::now();
    co_return std::move(connection);
}

bool PgConnection::broken() const {
    return broken_ || in_flight_ || conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK;
}

bool PgConnection::still_connected() {
    if (broken()) return false;
    if (PQconsumeInput(conn_) == 0) {
        broken_ = true;
    } else {
        // Parses what arrived: a terminated backend's FATAL goes to on_notice, which
        // marks the connection broken before a statement is sent into a closed socket.
        (void)PQisBusy(conn_);
    }
    if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    return !broken_;
}

bool PgConnection::in_transaction() const {
    if (conn_ == nullptr) return false;
    const auto status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PgConnection::ssl_in_use() const {
    return conn_ != nullptr && PQsslInUse(conn_) == 1;
}

}  // namespace gateway::db
