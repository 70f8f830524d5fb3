#include "domain/validation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "domain/field_patterns.hpp"
#include "domain/utf8.hpp"

// Types and messages follow pydantic v2, so that clients of the FastAPI service keep
// recognising the 422 bodies they get.

namespace gateway::domain {
namespace {

namespace json = boost::json;

using Loc = std::vector<std::string>;

// A 1 MiB body can hold hundreds of thousands of bad list elements; reporting every
// one would turn a small request into a huge response.
constexpr std::size_t kMaxReportedErrors = 100;

constexpr std::size_t kMaxTags = 32;

constexpr std::array<std::string_view, 7> kMethods{"GET",    "POST", "PUT",    "PATCH",
                                                   "DELETE", "HEAD", "OPTIONS"};
constexpr std::string_view kMethodsExpected =
    "Input should be 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD' or 'OPTIONS'";

constexpr std::array<std::string_view, 4> kAuthTypes{"none", "api_key", "jwt", "oauth2"};
constexpr std::string_view kAuthTypesExpected =
    "Input should be 'none', 'api_key', 'jwt' or 'oauth2'";

constexpr std::array<std::string_view, 4> kReadOnlyFields{"id", "revision", "created_at",
                                                          "updated_at"};
constexpr std::array<std::string_view, 11> kWritableFields{
    "name",       "description",  "version",
    "base_path",  "upstream_url", "methods",
    "enabled",    "auth_type",    "rate_limit_per_minute",
    "timeout_ms", "tags"};

struct StringRule {
    std::size_t min_length;
    std::size_t max_length;
    std::string_view pattern;           // as reported to the client
    bool (*matches)(std::string_view);  // nullptr when the field has no pattern
};

constexpr StringRule kNameRule{1, 100, "^[A-Za-z0-9][A-Za-z0-9._-]*$", is_api_name};
constexpr StringRule kDescriptionRule{0, 1000, "", nullptr};
constexpr StringRule kVersionRule{1, 32, "^[A-Za-z0-9._-]+$", is_version};
constexpr StringRule kBasePathRule{0, 255, "^(/|(/[A-Za-z0-9._~-]+)+)$", is_base_path};
constexpr StringRule kUpstreamUrlRule{0, 2048, "", nullptr};
constexpr StringRule kTagRule{1, 64, "^[A-Za-z0-9._:-]+$", is_tag};

struct IntRange {
    std::int64_t min;
    std::int64_t max;
};

constexpr IntRange kRateLimitRange{1, 1'000'000};
constexpr IntRange kTimeoutRange{1, 300'000};

class Errors {
  public:
    void add(Loc loc, std::string msg, std::string_view type) {
        if (errors_.size() < kMaxReportedErrors) {
            errors_.push_back({std::move(loc), std::move(msg), std::string(type)});
        }
    }
    bool empty() const { return errors_.empty(); }
    FieldErrors take() { return std::move(errors_); }

  private:
    FieldErrors errors_;
};

Loc field_loc(std::string_view field) {
    return {"body", std::string(field)};
}

Loc element_loc(std::string_view field, std::size_t index) {
    return {"body", std::string(field), std::to_string(index)};
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string count_of(std::size_t n, std::string_view noun) {
    std::string text = std::to_string(n);
    text += ' ';
    text += noun;
    if (n != 1) text += 's';
    return text;
}

std::optional<std::string> check_string(const json::value& value, Loc loc, const StringRule& rule,
                                        Errors& errors) {
    const json::string* string = value.if_string();
    if (string == nullptr) {
        errors.add(std::move(loc), "Input should be a valid string", "string_type");
        return std::nullopt;
    }
    const std::string_view text = *string;
    // Like pydantic, one error per string: length first, then shape.
    const std::size_t length = utf8_code_points(text);
    if (length < rule.min_length) {
        errors.add(std::move(loc),
                   "String should have at least " + count_of(rule.min_length, "character"),
                   "string_too_short");
        return std::nullopt;
    }
    if (length > rule.max_length) {
        errors.add(std::move(loc),
                   "String should have at most " + count_of(rule.max_length, "character"),
                   "string_too_long");
        return std::nullopt;
    }
    if (rule.matches != nullptr && !rule.matches(text)) {
        errors.add(std::move(loc),
                   "String should match pattern '" + std::string(rule.pattern) + "'",
                   "string_pattern_mismatch");
        return std::nullopt;
    }
    // PostgreSQL text cannot hold NUL; refusing it here keeps both stores alike.
    if (text.find('\0') != std::string_view::npos) {
        errors.add(std::move(loc), "Value error, string must not contain NUL characters",
                   "value_error");
        return std::nullopt;
    }
    return std::string(text);
}

std::optional<std::int64_t> check_integer(const json::value& value, Loc loc, IntRange range,
                                          Errors& errors) {
    const auto below = [&] {
        errors.add(std::move(loc),
                   "Input should be greater than or equal to " + std::to_string(range.min),
                   "greater_than_equal");
        return std::nullopt;
    };
    const auto above = [&] {
        errors.add(std::move(loc),
                   "Input should be less than or equal to " + std::to_string(range.max),
                   "less_than_equal");
        return std::nullopt;
    };
    std::int64_t number = 0;
    switch (value.kind()) {
        case json::kind::int64:
            number = value.get_int64();
            break;
        case json::kind::uint64:
            // boost::json only uses uint64 for values above INT64_MAX.
            if (value.get_uint64() > static_cast<std::uint64_t>(range.max)) return above();
            number = static_cast<std::int64_t>(value.get_uint64());
            break;
        case json::kind::double_: {
            double real = value.get_double();
            // JSON text has no NaN: Boost.JSON 1.81 makes one of a zero with an exponent
            // past the double range (0e400 is 0 * 10^400, computed as 0 * inf). The number
            // the client wrote is zero, and is judged as such.
            if (std::isnan(real)) real = 0.0;
            if (!std::isfinite(real)) {
                errors.add(std::move(loc), "Input should be a finite number", "finite_number");
                return std::nullopt;
            }
            if (real != std::trunc(real)) {
                errors.add(std::move(loc),
                           "Input should be a valid integer, got a number with a fractional part",
                           "int_from_float");
                return std::nullopt;
            }
            // Compared as doubles first: converting a huge double to int64 is undefined.
            if (real < static_cast<double>(range.min)) return below();
            if (real > static_cast<double>(range.max)) return above();
            number = static_cast<std::int64_t>(real);
            break;
        }
        default:  // booleans are not integers here, whatever Python thinks
            errors.add(std::move(loc), "Input should be a valid integer", "int_type");
            return std::nullopt;
    }
    if (number < range.min) return below();
    if (number > range.max) return above();
    return number;
}

std::optional<bool> check_bool(const json::value& value, Loc loc, Errors& errors) {
    if (!value.is_bool()) {
        errors.add(std::move(loc), "Input should be a valid boolean", "bool_type");
        return std::nullopt;
    }
    return value.get_bool();
}

const json::array* check_list(const json::value& value, Loc loc, Errors& errors) {
    const json::array* array = value.if_array();
    if (array == nullptr) errors.add(std::move(loc), "Input should be a valid list", "list_type");
    return array;
}

std::string ascii_upper(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return upper;
}

std::optional<std::vector<std::string>> check_methods(const json::value& value, Errors& errors) {
    const json::array* array = check_list(value, field_loc("methods"), errors);
    if (array == nullptr) return std::nullopt;
    if (array->empty()) {
        errors.add(field_loc("methods"), "List should have at least 1 item after validation, not 0",
                   "too_short");
        return std::nullopt;
    }
    std::vector<std::string> methods;
    bool valid = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const json::string* text = (*array)[i].if_string();
        // Methods are an enumeration, so (as pydantic does for enums) a value of the
        // wrong type is reported as not one of the members.
        std::string method = text != nullptr ? ascii_upper(*text) : std::string();
        if (!contains(kMethods, method)) {
            errors.add(element_loc("methods", i), std::string(kMethodsExpected), "enum");
            valid = false;
            continue;
        }
        // `methods` never holds more than the seven distinct names, so this stays cheap.
        if (std::find(methods.begin(), methods.end(), method) != methods.end()) {
            errors.add(element_loc("methods", i), "Value error, duplicate method '" + method + "'",
                       "value_error");
            valid = false;
            continue;
        }
        methods.push_back(std::move(method));
    }
    if (!valid) return std::nullopt;
    return methods;
}

std::optional<std::vector<std::string>> check_tags(const json::value& value, Errors& errors) {
    const json::array* array = check_list(value, field_loc("tags"), errors);
    if (array == nullptr) return std::nullopt;
    if (array->size() > kMaxTags) {
        // The elements of a list that is already too long are not worth a report each.
        errors.add(field_loc("tags"),
                   "List should have at most " + count_of(kMaxTags, "item") +
                       " after validation, not " + std::to_string(array->size()),
                   "too_long");
        return std::nullopt;
    }
    std::vector<std::string> tags;
    bool valid = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto tag = check_string((*array)[i], element_loc("tags", i), kTagRule, errors);
        if (!tag) {
            valid = false;
            continue;
        }
        if (std::find(tags.begin(), tags.end(), *tag) != tags.end()) {
            errors.add(element_loc("tags", i), "Value error, duplicate tag '" + *tag + "'",
                       "value_error");
            valid = false;
            continue;
        }
        tags.push_back(std::move(*tag));
    }
    if (!valid) return std::nullopt;
    return tags;
}

std::optional<std::string> check_upstream_url(const json::value& value, Errors& errors) {
    auto url = check_string(value, field_loc("upstream_url"), kUpstreamUrlRule, errors);
    if (url && !is_http_url(*url)) {
        errors.add(field_loc("upstream_url"),
                   "Value error, upstream_url must be an absolute http:// or https:// URL with a "
                   "host",
                   "value_error");
        return std::nullopt;
    }
    return url;
}

std::optional<std::string> check_auth_type(const json::value& value, Errors& errors) {
    const json::string* text = value.if_string();
    if (text == nullptr || !contains(kAuthTypes, *text)) {
        errors.add(field_loc("auth_type"), std::string(kAuthTypesExpected), "enum");
        return std::nullopt;
    }
    return std::string(*text);
}

const json::value* find_field(const json::object& body, std::string_view field) {
    const auto it = body.find(field);
    return it == body.end() ? nullptr : &it->value();
}

// Runs `check` on the field when present and stores what it accepts; a required
// field that is absent is reported instead.
template <class T, class Check>
void read_field(const json::object& body, std::string_view field, bool required, T& into,
                Errors& errors, Check check) {
    const json::value* value = find_field(body, field);
    if (value == nullptr) {
        if (required) errors.add(field_loc(field), "Field required", "missing");
        return;
    }
    if (auto checked = check(*value)) into = std::move(*checked);
}

}  // namespace

Expected<ApiSpec, FieldErrors> spec_from_json(const json::object& body) {
    Errors errors;
    ApiSpec spec;
    const auto string_field = [&](std::string_view field, const StringRule& rule) {
        return [&errors, field, &rule](const json::value& value) {
            return check_string(value, field_loc(field), rule, errors);
        };
    };

    // Checked in the contract's field order, which is the order errors are reported in.
    read_field(body, "name", true, spec.name, errors, string_field("name", kNameRule));
    read_field(body, "description", false, spec.description, errors,
               string_field("description", kDescriptionRule));
    read_field(body, "version", false, spec.version, errors, string_field("version", kVersionRule));
    read_field(body, "base_path", true, spec.base_path, errors,
               string_field("base_path", kBasePathRule));
    read_field(body, "upstream_url", true, spec.upstream_url, errors,
               [&](const json::value& value) { return check_upstream_url(value, errors); });
    read_field(body, "methods", false, spec.methods, errors,
               [&](const json::value& value) { return check_methods(value, errors); });
    read_field(body, "enabled", false, spec.enabled, errors, [&](const json::value& value) {
        return check_bool(value, field_loc("enabled"), errors);
    });
    read_field(body, "auth_type", false, spec.auth_type, errors,
               [&](const json::value& value) { return check_auth_type(value, errors); });
    read_field(body, "rate_limit_per_minute", false, spec.rate_limit_per_minute, errors,
               [&](const json::value& value) -> std::optional<std::optional<std::int64_t>> {
                   if (value.is_null()) return std::optional<std::int64_t>{};  // unlimited
                   auto limit = check_integer(value, field_loc("rate_limit_per_minute"),
                                              kRateLimitRange, errors);
                   if (!limit) return std::nullopt;
                   return limit;
               });
    read_field(body, "timeout_ms", false, spec.timeout_ms, errors, [&](const json::value& value) {
        return check_integer(value, field_loc("timeout_ms"), kTimeoutRange, errors);
    });
    read_field(body, "tags", false, spec.tags, errors,
               [&](const json::value& value) { return check_tags(value, errors); });

    for (const auto& member : body) {
        const std::string_view key = member.key();
        if (!contains(kWritableFields, key) && !contains(kReadOnlyFields, key)) {
            errors.add(field_loc(key), "Extra inputs are not permitted", "extra_forbidden");
        }
    }

    if (!errors.empty()) return unexpected(errors.take());
    return spec;
}

}  // namespace gateway::domain
