#include "store/pg_list_statement.hpp"

#include <array>
#include <string>

#include "domain/timestamps.hpp"
#include "store/pg_api_statements.hpp"
#include "store/pg_text_array.hpp"

namespace gateway::store {
namespace {

// Bit flags of the filters a page uses; each combination indexes one statement.
constexpr unsigned kFilterEnabled = 1;
constexpr unsigned kFilterTags = 2;
constexpr unsigned kFilterAfter = 4;
constexpr unsigned kFilterShapes = 8;

struct Shape {
    std::string name;
    std::string sql;
};

// Parameters are numbered in the order the filters appear: the limit, then the
// enabled flag, the tags and the cursor's key, each only when used. (Built with append
// alone: g++ 12 misreports string concatenation here as an out-of-bounds copy.)
Shape make_shape(unsigned filters) {
    Shape shape;
    shape.name.append("api_list");
    shape.sql.append("SELECT ").append(sql::kApiColumns).append(" FROM apis WHERE true");
    int next_param = 2;
    const auto append_param = [&](std::string_view type) {
        shape.sql.append("$").append(std::to_string(next_param++)).append(type);
    };
    if ((filters & kFilterEnabled) != 0) {
        shape.name.append("_enabled");
        shape.sql.append(" AND enabled = ");
        append_param("::boolean");
    }
    if ((filters & kFilterTags) != 0) {
        shape.name.append("_tags");
        shape.sql.append(" AND tags @> ");
        append_param("::text[]");
    }
    if ((filters & kFilterAfter) != 0) {
        shape.name.append("_after");
        shape.sql.append(" AND (created_at, id) > (");
        append_param("::timestamptz, ");
        append_param("::uuid)");
    }
    shape.sql.append(" ORDER BY created_at, id LIMIT $1::integer");
    return shape;
}

const std::array<Shape, kFilterShapes>& shapes() {
    static const std::array<Shape, kFilterShapes> all = [] {
        std::array<Shape, kFilterShapes> built;
        for (unsigned filters = 0; filters < kFilterShapes; ++filters)
            built[filters] = make_shape(filters);
        return built;
    }();
    return all;
}

}  // namespace

ListStatement list_statement(const ListQuery& query, std::size_t row_limit) {
    unsigned filters = 0;
    ListStatement chosen;
    chosen.params.emplace_back(std::to_string(row_limit));
    if (query.enabled) {
        filters |= kFilterEnabled;
        chosen.params.emplace_back(*query.enabled ? "true" : "false");
    }
    if (!query.tags.empty()) {
        filters |= kFilterTags;
        chosen.params.emplace_back(format_text_array(query.tags));
    }
    if (query.after) {
        filters |= kFilterAfter;
        chosen.params.emplace_back(domain::format_timestamp(query.after->created_at));
        chosen.params.emplace_back(query.after->id);
    }
    const Shape& shape = shapes()[filters];
    chosen.statement = db::Statement{
        shape.name, shape.sql,
        (filters & kFilterTags) != 0 ? db::Planning::per_execution : db::Planning::prepared_once,
        sql::kApiRows};
    return chosen;
}

}  // namespace gateway::store
