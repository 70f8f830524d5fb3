// The statement that reads one page of APIs, shaped by the filters the query uses.
#pragma once

#include <cstddef>

#include "db/pg_connection.hpp"
#include "db/statement.hpp"
#include "store/repository.hpp"

namespace gateway::store {

struct ListStatement {
    db::Statement statement;
    db::Params params;
};

// Keyset pagination in (created_at, id) order, `row_limit` rows. Each combination of
// filters has a statement of its own rather than one statement with "$n IS NULL OR"
// switches: PostgreSQL keeps a single generic plan per prepared statement, and the
// generic plan of a catch-all sorts every matching row (through the tags index) where
// the unfiltered page needs only the first rows of the (created_at, id) index. Pages
// filtered by tags are planned for their values each time, since a tag may be rare or
// on every API.
ListStatement list_statement(const ListQuery& query, std::size_t row_limit);

}  // namespace gateway::store
