// Why a database operation failed, in terms the layers above can act on.
#pragma once

#include <string>
#include <string_view>

#include "domain/expected.hpp"

namespace gateway::db {

enum class DbErrc {
    connect_failed,   // could not connect (refused, DNS, TLS, authentication)
    timeout,          // connect, statement or acquire wait ran past its bound
    connection_lost,  // the connection broke during the operation
    pool_exhausted,   // no connection within DB_POOL_TIMEOUT, or the wait queue is full
    query_failed,     // the server answered with an error (sqlstate says which)
    shutting_down,    // the pool is closed
};

struct DbError {
    DbErrc code;
    std::string message;     // for logs and 503 details: never a password or conninfo
    std::string sqlstate;    // five characters for query_failed (e.g. "23505"), else empty
    std::string constraint;  // the violated constraint's name, when the server says
};

// The SQLSTATEs the layers above act on.
inline constexpr std::string_view unique_violation_sqlstate = "23505";
inline constexpr std::string_view query_canceled_sqlstate = "57014";

template <class T>
using DbResult = domain::Expected<T, DbError>;

// The kind of failure in plain words, for text others may see (/health): libpq's own
// message names the host, port and user, and stays in the log.
inline std::string_view plain_words(DbErrc code) {
    switch (code) {
        case DbErrc::connect_failed:
            return "cannot connect to the database";
        case DbErrc::timeout:
            return "the database did not answer in time";
        case DbErrc::connection_lost:
            return "the connection to the database was lost";
        case DbErrc::pool_exhausted:
            return "no database connection free in time";
        case DbErrc::query_failed:
            return "the database answered with an error";
        case DbErrc::shutting_down:
            return "the server is shutting down";
    }
    return "database error";
}

inline domain::Unexpected<DbError> db_error(DbErrc code, std::string message) {
    return {DbError{code, std::move(message), {}, {}}};
}

}  // namespace gateway::db
