#include "support/pg_admin_session.hpp"

#include <stdexcept>

namespace gateway::test {

namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Set-up statements are short; a lock wait that outlasts this means the test is broken.
// Notices (DROP ... CASCADE lists every table) would only clutter the test's output.
constexpr std::string_view kSessionOptions =
    " connect_timeout='10' options='-c statement_timeout=30000 -c client_min_messages=warning'";

}  // namespace

std::string sql_literal(std::string_view text) {
    std::string literal = "'";
    for (const char c : text) {
        if (c == '\'') literal += '\'';
        literal += c;
    }
    return literal + "'";
}

PgAdminSession::PgAdminSession(const std::string& conninfo)
    : connection_(PQconnectdb((conninfo + std::string(kSessionOptions)).c_str()), &PQfinish) {
    if (PQstatus(connection_.get()) != CONNECTION_OK) {
        throw std::runtime_error(std::string("test session cannot connect: ") +
                                 PQerrorMessage(connection_.get()));
    }
}

PgAdminSession PgAdminSession::superuser(const PgTestEnv& cluster) {
    return PgAdminSession(cluster.conninfo(PgRole::superuser));
}

void PgAdminSession::exec(std::string_view sql) {
    ResultPtr result(PQexec(connection_.get(), std::string(sql).c_str()), &PQclear);
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error("test statement failed: " + std::string(sql) + ": " +
                                 PQerrorMessage(connection_.get()));
    }
}

std::optional<std::string> PgAdminSession::value(std::string_view sql) {
    ResultPtr result(PQexec(connection_.get(), std::string(sql).c_str()), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
        throw std::runtime_error("test query failed: " + std::string(sql) + ": " +
                                 PQerrorMessage(connection_.get()));
    }
    if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0)) return std::nullopt;
    return std::string(PQgetvalue(result.get(), 0, 0));
}

int PgAdminSession::terminate_backends_of(std::string_view role) {
    const auto ended = value(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM "
        "pg_stat_activity WHERE usename = " +
        sql_literal(role) + " AND pid <> pg_backend_pid()");
    return ended ? std::stoi(*ended) : 0;
}

}  // namespace gateway::test
