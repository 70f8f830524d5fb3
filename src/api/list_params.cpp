#include "api/list_params.hpp"

#include <charconv>

#include "domain/audit.hpp"
#include "domain/cursor.hpp"

namespace gateway::api {

namespace {

std::optional<bool> parse_bool(std::string_view text) {
    auto equals = [&](std::string_view word) {
        return text.size() == word.size() &&
               std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == b;
               });
    };
    if (equals("true")) return true;
    if (equals("false")) return false;
    return std::nullopt;
}

// `limit`: 1 to max_page_size, or a 422 entry.
void parse_limit(std::string_view value, std::size_t& limit_out, domain::FieldErrors& errors) {
    long long limit = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
    if (ec != std::errc{} || end != value.data() + value.size() || value.empty()) {
        errors.push_back({{"query", "limit"},
                          "Input should be a valid integer, unable to parse string as an "
                          "integer",
                          "int_parsing"});
    } else if (limit < 1) {
        errors.push_back({{"query", "limit"},
                          "Input should be greater than or equal to 1",
                          "greater_than_equal"});
    } else if (limit > static_cast<long long>(max_page_size)) {
        errors.push_back(
            {{"query", "limit"}, "Input should be less than or equal to 1000", "less_than_equal"});
    } else {
        limit_out = static_cast<std::size_t>(limit);
    }
}

}  // namespace

domain::Expected<store::ListQuery, domain::FieldErrors> parse_list_params(
    boost::urls::params_view params) {
    store::ListQuery query;
    query.limit = default_page_size;
    domain::FieldErrors errors;

    for (const auto& param : params) {
        const std::string_view key = param.key;
        const std::string_view value = param.value;
        if (key == "limit") {
            parse_limit(value, query.limit, errors);
        } else if (key == "cursor") {
            if (auto cursor = domain::decode_cursor(value)) {
                query.after = std::move(*cursor);
            } else {
                errors.push_back({{"query", "cursor"},
                                  "Invalid cursor: use the next_cursor of a previous page",
                                  "value_error"});
            }
        } else if (key == "tag") {
            query.tags.emplace_back(value);
        } else if (key == "enabled") {
            if (auto enabled = parse_bool(value)) {
                query.enabled = *enabled;
            } else {
                errors.push_back({{"query", "enabled"},
                                  "Input should be a valid boolean, unable to interpret input",
                                  "bool_parsing"});
            }
        }
    }
    if (!errors.empty()) return domain::unexpected(std::move(errors));
    return query;
}

domain::Expected<store::AuditQuery, domain::FieldErrors> parse_audit_params(
    boost::urls::params_view params) {
    store::AuditQuery query;
    query.limit = default_page_size;
    domain::FieldErrors errors;
    for (const auto& param : params) {
        const std::string_view key = param.key;
        const std::string_view value = param.value;
        if (key == "limit") {
            parse_limit(value, query.limit, errors);
        } else if (key == "cursor") {
            if (auto before = domain::decode_audit_cursor(value)) {
                query.before_id = *before;
            } else {
                errors.push_back({{"query", "cursor"},
                                  "Invalid cursor: use the next_cursor of a previous page",
                                  "value_error"});
            }
        } else if (key == "api") {
            if (value.empty() || value.size() > kMaxAuditApiFilterLength) {
                errors.push_back(
                    {{"query", "api"}, "Input should be an API's id or name", "value_error"});
            } else {
                query.api = std::string(value);
            }
        }
    }
    if (!errors.empty()) return domain::unexpected(std::move(errors));
    return query;
}

}  // namespace gateway::api
