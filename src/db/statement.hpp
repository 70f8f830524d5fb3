// A named SQL statement: prepared once per connection under its name, which also
// labels it in logs (SQL_ECHO) and statistics.
#pragma once

#include <string_view>

namespace gateway::db {

// How a statement reaches the server.
enum class Planning {
    // Prepared once per connection; after a few runs PostgreSQL keeps one generic plan.
    prepared_once,
    // Sent with its values every time (one round trip, no named statement), so the
    // planner sees the values: for statements whose best plan depends on them, such as
    // an array containment test that may match one row or every row.
    per_execution,
};

// How the rows come back: text, or PostgreSQL's binary format (db/pg_binary.hpp), which
// costs the server and us less for arrays, uuids and timestamps.
enum class ResultFormat { text, binary };

struct Statement {
    std::string_view name;  // unique among the project's statements, e.g. "api_find_by_id"
    std::string_view sql;   // with $1, $2, ... placeholders
    Planning planning = Planning::prepared_once;
    ResultFormat results = ResultFormat::text;
};

}  // namespace gateway::db
