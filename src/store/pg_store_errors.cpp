#include "store/pg_store_errors.hpp"

#include <string>

#include <spdlog/spdlog.h>

#include "store/pg_api_statements.hpp"

namespace gateway::store {
namespace {

constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kQueryCanceled = "57014";

std::string_view fallback_reason(db::DbErrc code) {
    switch (code) {
        case db::DbErrc::connect_failed:
            return "cannot connect";
        case db::DbErrc::timeout:
            return "timed out";
        case db::DbErrc::connection_lost:
            return "connection lost";
        case db::DbErrc::pool_exhausted:
            return "no connection available";
        case db::DbErrc::query_failed:
            return "query failed";
        case db::DbErrc::shutting_down:
            return "shutting down";
    }
    return "error";
}

// SQLSTATE classes that say the server cannot serve now (connection exception,
// insufficient resources, operator intervention such as a shutdown or a cancelled
// statement, rollback for a deadlock): expected during an outage, not a bug.
bool is_transient(std::string_view sqlstate) {
    const std::string_view sqlstate_class = sqlstate.substr(0, 2);
    return sqlstate_class == "08" || sqlstate_class == "53" || sqlstate_class == "57" ||
           sqlstate_class == "40";
}

}  // namespace

std::string unavailable_detail(const db::DbError& error) {
    std::string detail = "Database unavailable: ";
    if (error.code == db::DbErrc::query_failed && error.sqlstate == kQueryCanceled) {
        // The server's own statement_timeout, or an operator's pg_cancel_backend.
        detail += "the statement timed out or was canceled (SQLSTATE 57014)";
        return detail;
    }
    if (error.code == db::DbErrc::query_failed) {
        // The server's own message may quote values from the statement; the SQLSTATE
        // says enough to an operator and nothing to anyone else.
        detail += "database error (SQLSTATE ";
        detail += error.sqlstate.empty() ? "unknown" : error.sqlstate;
        detail += ')';
        return detail;
    }
    detail += error.message.empty() ? fallback_reason(error.code) : error.message;
    return detail;
}

std::string unavailable_reason(const db::DbError& error) {
    constexpr std::string_view prefix = "Database unavailable: ";
    std::string detail = unavailable_detail(error);
    if (detail.starts_with(prefix)) detail.erase(0, prefix.size());
    return detail;
}

StoreError store_error_from(const db::DbError& error, const domain::ApiSpec* spec) {
    if (error.code == db::DbErrc::query_failed && error.sqlstate == kUniqueViolation &&
        spec != nullptr) {
        if (error.constraint == sql::kNameUniqueIndex) {
            return StoreError{StoreErrc::conflict, name_taken_detail(spec->name), {}};
        }
        if (error.constraint == sql::kBasePathUniqueConstraint) {
            return StoreError{StoreErrc::conflict, base_path_taken_detail(spec->base_path), {}};
        }
    }
    if (error.code == db::DbErrc::query_failed) {
        const auto level = is_transient(error.sqlstate) ? spdlog::level::warn : spdlog::level::err;
        // The db layer's message already names the statement and quotes the server.
        spdlog::log(level, "{} (SQLSTATE {}{}{})", error.message, error.sqlstate,
                    error.constraint.empty() ? "" : ", constraint ", error.constraint);
    }
    return StoreError{StoreErrc::unavailable, unavailable_detail(error), {}};
}

}  // namespace gateway::store
