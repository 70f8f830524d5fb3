// Between domain APIs and the rows and parameters of the apis table.
#pragma once

#include <cstddef>
#include <vector>

#include "db/pg_connection.hpp"
#include "db/pg_result.hpp"
#include "domain/api.hpp"

namespace gateway::store {

// The API in `row` of a result whose columns are GATEWAY_API_COLUMNS
// (pg_api_statements.hpp). Throws std::runtime_error when a value is not what the
// schema guarantees: that is a schema mismatch, not a condition to handle per row.
domain::ApiPtr api_from_row(const db::PgResult& result, int row);

// The first `max_rows` rows of such a result (all when it has fewer), the columns
// checked once for the whole result.
std::vector<domain::ApiPtr> apis_from_rows(const db::PgResult& result, std::size_t max_rows);

// The eleven writable fields, as the statements take them: name, description, version,
// base_path, upstream_url, methods, enabled, auth_type, rate_limit_per_minute,
// timeout_ms, tags.
void append_spec_params(db::Params& params, const domain::ApiSpec& spec);

}  // namespace gateway::store
