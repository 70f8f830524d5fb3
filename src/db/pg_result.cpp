#include "db/pg_result.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace gateway::db {

namespace {

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || stop != end || text.empty()) return std::nullopt;
    return value;
}

}  // namespace

bool PgResult::is_null(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) == 1;
}

std::string_view PgResult::text(int row, int column) const {
    // PQgetvalue gives "" for NULL; the length keeps embedded NULs and saves a strlen.
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t PgResult::integer(int row, int column) const {
    const auto value = optional_integer(row, column);
    if (!value) {
        throw std::runtime_error("column " + std::to_string(column) + " of row " +
                                 std::to_string(row) + " is not an integer");
    }
    return *value;
}

std::optional<std::int64_t> PgResult::optional_integer(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    const auto value = parse_integer(text(row, column));
    if (!value) {
        throw std::runtime_error("column " + std::to_string(column) + " of row " +
                                 std::to_string(row) + " is not an integer");
    }
    return value;
}

bool PgResult::boolean(int row, int column) const {
    const auto value = text(row, column);
    if (value == "t") return true;
    if (value == "f") return false;
    throw std::runtime_error("column " + std::to_string(column) + " of row " + std::to_string(row) +
                             " is not a boolean");
}

std::int64_t PgResult::affected_rows() const {
    if (!result_) return 0;
    // Empty for statements that touch no rows by definition (CREATE, SET, ...).
    return parse_integer(PQcmdTuples(result_.get())).value_or(0);
}

}  // namespace gateway::db
