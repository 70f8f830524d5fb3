#include "store/pg_store_errors.hpp"

#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "store/pg_api_statements.hpp"

namespace gateway::store {
namespace {

// SQLSTATE classes that say the server cannot serve now (connection exception,
// insufficient resources, operator intervention such as a shutdown or a cancelled
// statement, rollback for a deadlock): expected during an outage, not a bug.
bool is_transient(std::string_view sqlstate) {
    const std::string_view sqlstate_class = sqlstate.substr(0, 2);
    return sqlstate_class == "08" || sqlstate_class == "53" || sqlstate_class == "57" ||
           sqlstate_class == "40";
}

bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

// The bound that ends a message the db layer writes itself ("... within 5s",
// "... within 0.25s"). Only the bound is taken, and only when it is digits, at most one
// point and the unit: nothing else of the message can reach a client this way.
std::optional<std::string> trailing_bound(std::string_view message) {
    constexpr std::string_view kWithin = " within ";
    const auto at = message.rfind(kWithin);
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view bound = message.substr(at + kWithin.size());
    if (bound.size() < 2 || bound.size() > 16 || bound.back() != 's') return std::nullopt;
    const std::string_view number = bound.substr(0, bound.size() - 1);
    bool seen_point = false;
    for (std::size_t i = 0; i < number.size(); ++i) {
        if (is_ascii_digit(number[i])) continue;
        const bool inner = i > 0 && i + 1 < number.size();
        if (number[i] != '.' || seen_point || !inner) return std::nullopt;
        seen_point = true;
    }
    return std::string(bound);
}

// The reason a client is told: a fixed phrase per kind of failure. The db layer's
// message may quote libpq or the server (host, port, user, database, statement values),
// so at most a bound of our own is taken from it.
std::string plain_reason(const db::DbError& error) {
    const auto bound = trailing_bound(error.message);
    switch (error.code) {
        case db::DbErrc::connect_failed:
            return "cannot connect to the database";
        case db::DbErrc::timeout:
            // The db layer writes "could not connect to <host> within <bound>" for a
            // connect, "<statement> did not complete within <bound>" for the rest.
            if (error.message.starts_with("could not connect")) {
                return bound ? "timed out connecting to the database after " + *bound
                             : "timed out connecting to the database";
            }
            return bound ? "timed out waiting for the database after " + *bound
                         : "timed out waiting for the database";
        case db::DbErrc::connection_lost:
            return "the connection to the database was lost";
        case db::DbErrc::pool_exhausted:
            // With a bound: the wait of DB_POOL_TIMEOUT ran out. Without: refused at
            // once, since DB_POOL_MAX_WAITERS requests already wait.
            return bound ? "no database connection free within " + *bound
                         : "all database connections are busy and too many requests wait";
        case db::DbErrc::query_failed:
            if (error.sqlstate == db::query_canceled_sqlstate) {
                // The server's own statement_timeout, or an operator's pg_cancel_backend.
                return "the statement timed out or was canceled (SQLSTATE 57014)";
            }
            // The server's own message may quote values from the statement; the SQLSTATE
            // says enough to an operator and nothing to anyone else.
            return "database error (SQLSTATE " +
                   (error.sqlstate.empty() ? std::string("unknown") : error.sqlstate) + ')';
        case db::DbErrc::shutting_down:
            return "the server is shutting down";
    }
    return "unknown error";
}

// The full story for operators. Errors the store does not expect from its own statements
// are logged at error level, since they point at a bug or a schema out of step.
void log_failure(const db::DbError& error) {
    if (error.code == db::DbErrc::query_failed) {
        const auto level = is_transient(error.sqlstate) ? spdlog::level::warn : spdlog::level::err;
        // The db layer's message already names the statement and quotes the server.
        spdlog::log(level, "{} (SQLSTATE {}{}{})", error.message, error.sqlstate,
                    error.constraint.empty() ? "" : ", constraint ", error.constraint);
        return;
    }
    if (error.sqlstate.empty()) {
        spdlog::warn("database unavailable: {}", error.message);
    } else {
        spdlog::warn("database unavailable: {} (SQLSTATE {})", error.message, error.sqlstate);
    }
}

}  // namespace

std::string unavailable_detail(const db::DbError& error) {
    log_failure(error);
    return "Database unavailable: " + plain_reason(error);
}

std::string unavailable_reason(const db::DbError& error) {
    return plain_reason(error);
}

StoreError store_error_from(const db::DbError& error, const domain::ApiSpec* spec) {
    if (error.code == db::DbErrc::query_failed && error.sqlstate == db::unique_violation_sqlstate &&
        spec != nullptr) {
        if (error.constraint == sql::kNameUniqueIndex) {
            return StoreError{StoreErrc::conflict, name_taken_detail(spec->name), {}};
        }
        if (error.constraint == sql::kBasePathUniqueConstraint) {
            return StoreError{StoreErrc::conflict, base_path_taken_detail(spec->base_path), {}};
        }
    }
    return StoreError{StoreErrc::unavailable, unavailable_detail(error), {}};
}

}  // namespace gateway::store
