// A named SQL statement: prepared once per connection under its name, which also
// labels it in logs (SQL_ECHO) and statistics.
#pragma once

#include <string_view>

namespace gateway::db {

struct Statement {
    std::string_view name;  // unique among the project's statements, e.g. "api_find_by_id"
    std::string_view sql;   // with $1, $2, ... placeholders
};

}  // namespace gateway::db
