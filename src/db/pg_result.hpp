// An owned PGresult with typed accessors for text-format columns; binary columns are
// read through bytes() and decoded by db/pg_binary.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include <libpq-fe.h>

namespace gateway::db {

class PgResult {
  public:
    PgResult() = default;
    explicit PgResult(PGresult* result) : result_(result, &PQclear) {}

    int rows() const { return result_ ? PQntuples(result_.get()) : 0; }
    int columns() const { return result_ ? PQnfields(result_.get()) : 0; }
    bool is_null(int row, int column) const;
    std::string_view text(int row, int column) const;  // "" for NULL
    // The raw value of a binary-format column (same storage as text()).
    std::string_view bytes(int row, int column) const { return text(row, column); }
    Oid column_type(int column) const { return PQftype(result_.get(), column); }
    bool is_binary(int column) const { return PQfformat(result_.get(), column) == 1; }
    std::int64_t integer(int row, int column) const;  // throws std::runtime_error if not one
    std::optional<std::int64_t> optional_integer(int row, int column) const;
    bool boolean(int row, int column) const;  // 't' or 'f'
    // The number of rows an INSERT/UPDATE/DELETE touched.
    std::int64_t affected_rows() const;

    PGresult* get() const { return result_.get(); }

  private:
    std::shared_ptr<PGresult> result_;
};

}  // namespace gateway::db
