#include "domain/validation.hpp"

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "domain/api.hpp"

namespace gateway::domain {
// Lets failed expectations print the errors instead of their bytes.
void PrintTo(const FieldError& error, std::ostream* os) {
    *os << "{loc=[";
    for (const auto& part : error.loc) *os << part << ' ';
    *os << "], type=" << error.type << ", msg=" << error.msg << '}';
}
}  // namespace gateway::domain

namespace gateway::domain {
namespace {

namespace json = boost::json;

json::object minimal_body() {
    return json::parse(R"({"name": "orders", "base_path": "/orders",
                           "upstream_url": "http://orders.internal:8080"})")
        .as_object();
}

json::object body_with(const std::string& field, const std::string& value_json) {
    json::object body = minimal_body();
    body[field] = json::parse(value_json);
    return body;
}

std::string repeat(std::size_t n, const std::string& unit) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += unit;
    return text;
}

std::string json_string(const std::string& text) {
    return json::serialize(json::value(text));
}

// ---- accepted values ---------------------------------------------------------------

struct Accepted {
    std::string field;
    std::string value_json;
};

class AcceptedValue : public ::testing::TestWithParam<Accepted> {};

TEST_P(AcceptedValue, IsValid) {
    const auto result = spec_from_json(body_with(GetParam().field, GetParam().value_json));
    EXPECT_TRUE(result.has_value()) << GetParam().field << " = " << GetParam().value_json;
}

INSTANTIATE_TEST_SUITE_P(
    FieldRules, AcceptedValue,
    ::testing::Values(
        Accepted{"name", R"("a")"}, Accepted{"name", json_string(repeat(100, "n"))},
        Accepted{"name", R"("Orders-API_v2.0")"}, Accepted{"name", R"("9lives")"},
        Accepted{"description", R"("")"}, Accepted{"description", json_string(repeat(1000, "d"))},
        Accepted{"description", json_string(repeat(1000, "\xc3\xa9"))},  // é: 2 bytes, 1 char
        Accepted{"description", json_string(repeat(1000, "\xf0\x9f\x9a\x80"))},  // emoji
        Accepted{"version", R"("1")"}, Accepted{"version", json_string(repeat(32, "v"))},
        Accepted{"version", R"("2.0.1-beta_3")"}, Accepted{"version", R"(".hidden")"},
        Accepted{"base_path", R"("/")"}, Accepted{"base_path", R"("/a")"},
        Accepted{"base_path", R"("/v1/orders.json/~me/a-b_c")"},
        Accepted{"base_path", json_string("/" + repeat(254, "p"))},
        Accepted{"upstream_url", R"("https://example.com")"},
        Accepted{"upstream_url", R"("HTTP://Example.COM/path?q=1")"},
        Accepted{"upstream_url", R"("HtTpS://10.0.0.1:65535/")"},
        Accepted{"upstream_url", R"("http://[::1]:8080/x")"},
        Accepted{"upstream_url", R"("http://user@host/")"},
        Accepted{"upstream_url", R"("http://host:/")"},
        Accepted{"upstream_url", json_string("http://h/" + repeat(2039, "u"))},
        Accepted{"methods", R"(["GET"])"}, Accepted{"methods", R"(["get", "Post", "pUt"])"},
        Accepted{"methods", R"(["GET","POST","PUT","PATCH","DELETE","HEAD","OPTIONS"])"},
        Accepted{"enabled", "false"}, Accepted{"enabled", "true"},
        Accepted{"auth_type", R"("none")"}, Accepted{"auth_type", R"("api_key")"},
        Accepted{"auth_type", R"("jwt")"}, Accepted{"auth_type", R"("oauth2")"},
        Accepted{"rate_limit_per_minute", "null"}, Accepted{"rate_limit_per_minute", "1"},
        Accepted{"rate_limit_per_minute", "1000000"}, Accepted{"rate_limit_per_minute", "60.0"},
        Accepted{"timeout_ms", "1"}, Accepted{"timeout_ms", "300000"},
        Accepted{"timeout_ms", "1e3"}, Accepted{"tags", "[]"},
        Accepted{"tags", R"(["prod", "team:payments", "a.b_c-d"])"},
        Accepted{"tags", json_string(repeat(64, "t")).insert(0, "[").append("]")}));

TEST(SpecFromJson, AcceptsThirtyTwoTags) {
    json::array tags;
    for (int i = 0; i < 32; ++i) tags.emplace_back("t" + std::to_string(i));
    json::object body = minimal_body();
    body["tags"] = tags;
    EXPECT_TRUE(spec_from_json(body).has_value());
}

// ---- rejected values ---------------------------------------------------------------

struct Rejected {
    std::string field;
    std::string value_json;
    std::vector<std::string> loc;
    std::string type;
};

class RejectedValue : public ::testing::TestWithParam<Rejected> {};

TEST_P(RejectedValue, ReportsOneErrorWithLocAndType) {
    const Rejected& c = GetParam();
    const auto result = spec_from_json(body_with(c.field, c.value_json));
    ASSERT_FALSE(result.has_value()) << c.field << " = " << c.value_json;
    ASSERT_EQ(result.error().size(), 1u);
    EXPECT_EQ(result.error()[0].loc, c.loc);
    EXPECT_EQ(result.error()[0].type, c.type);
    EXPECT_FALSE(result.error()[0].msg.empty());
}

using L = std::vector<std::string>;

INSTANTIATE_TEST_SUITE_P(
    FieldRules, RejectedValue,
    ::testing::Values(
        Rejected{"name", R"("")", L{"body", "name"}, "string_too_short"},
        Rejected{"name", json_string(repeat(101, "n")), L{"body", "name"}, "string_too_long"},
        Rejected{"name", R"("-orders")", L{"body", "name"}, "string_pattern_mismatch"},
        Rejected{"name", R"("orders api")", L{"body", "name"}, "string_pattern_mismatch"},
        Rejected{"name", R"("caf\u00e9")", L{"body", "name"}, "string_pattern_mismatch"},
        Rejected{"name", R"("a/b")", L{"body", "name"}, "string_pattern_mismatch"},
        Rejected{"name", "42", L{"body", "name"}, "string_type"},
        Rejected{"name", "null", L{"body", "name"}, "string_type"},
        Rejected{"description", json_string(repeat(1001, "d")), L{"body", "description"},
                 "string_too_long"},
        Rejected{"description", json_string(repeat(1001, "\xc3\xa9")), L{"body", "description"},
                 "string_too_long"},
        Rejected{"description", "null", L{"body", "description"}, "string_type"},
        Rejected{"version", R"("")", L{"body", "version"}, "string_too_short"},
        Rejected{"version", json_string(repeat(33, "v")), L{"body", "version"}, "string_too_long"},
        Rejected{"version", R"("v 1")", L{"body", "version"}, "string_pattern_mismatch"},
        Rejected{"version", "1", L{"body", "version"}, "string_type"},
        Rejected{"base_path", R"("")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", R"("orders")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", R"("/orders/")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", R"("//orders")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", R"("/a//b")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", R"("/a b")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", R"("/a?b")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", R"("/%20")", L{"body", "base_path"}, "string_pattern_mismatch"},
        Rejected{"base_path", json_string("/" + repeat(255, "p")), L{"body", "base_path"},
                 "string_too_long"},
        Rejected{"base_path", "[]", L{"body", "base_path"}, "string_type"},
        Rejected{"upstream_url", R"("")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", R"("ftp://example.com")", L{"body", "upstream_url"},
                 "value_error"},
        Rejected{"upstream_url", R"("example.com")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", R"("/relative/path")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", R"("http:example.com")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", R"("http://")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", R"("http:///path")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", R"("http://host:65536/")", L{"body", "upstream_url"},
                 "value_error"},
        Rejected{"upstream_url", R"("http://host:0/")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", R"("http://ho st/")", L{"body", "upstream_url"}, "value_error"},
        Rejected{"upstream_url", json_string("http://h/" + repeat(2040, "u")),
                 L{"body", "upstream_url"}, "string_too_long"},
        Rejected{"upstream_url", "{}", L{"body", "upstream_url"}, "string_type"},
        Rejected{"methods", "[]", L{"body", "methods"}, "too_short"},
        Rejected{"methods", R"("GET")", L{"body", "methods"}, "list_type"},
        Rejected{"methods", "null", L{"body", "methods"}, "list_type"},
        Rejected{"methods", R"(["GET", "FETCH"])", L{"body", "methods", "1"}, "enum"},
        Rejected{"methods", R"(["GET", 1])", L{"body", "methods", "1"}, "enum"},
        Rejected{"methods", R"(["GET", "get"])", L{"body", "methods", "1"}, "value_error"},
        Rejected{"enabled", R"("true")", L{"body", "enabled"}, "bool_type"},
        Rejected{"enabled", "1", L{"body", "enabled"}, "bool_type"},
        Rejected{"enabled", "null", L{"body", "enabled"}, "bool_type"},
        Rejected{"auth_type", R"("basic")", L{"body", "auth_type"}, "enum"},
        Rejected{"auth_type", R"("JWT")", L{"body", "auth_type"}, "enum"},
        Rejected{"auth_type", "null", L{"body", "auth_type"}, "enum"},
        Rejected{"rate_limit_per_minute", "0", L{"body", "rate_limit_per_minute"},
                 "greater_than_equal"},
        Rejected{"rate_limit_per_minute", "-5", L{"body", "rate_limit_per_minute"},
                 "greater_than_equal"},
        Rejected{"rate_limit_per_minute", "1000001", L{"body", "rate_limit_per_minute"},
                 "less_than_equal"},
        Rejected{"rate_limit_per_minute", "18446744073709551615",
                 L{"body", "rate_limit_per_minute"}, "less_than_equal"},
        Rejected{"rate_limit_per_minute", "1e300", L{"body", "rate_limit_per_minute"},
                 "less_than_equal"},
        Rejected{"rate_limit_per_minute", "-1e300", L{"body", "rate_limit_per_minute"},
                 "greater_than_equal"},
        Rejected{"rate_limit_per_minute", "1.5", L{"body", "rate_limit_per_minute"},
                 "int_from_float"},
        Rejected{"rate_limit_per_minute", "true", L{"body", "rate_limit_per_minute"}, "int_type"},
        Rejected{"rate_limit_per_minute", R"("60")", L{"body", "rate_limit_per_minute"},
                 "int_type"},
        Rejected{"timeout_ms", "0", L{"body", "timeout_ms"}, "greater_than_equal"},
        Rejected{"timeout_ms", "300001", L{"body", "timeout_ms"}, "less_than_equal"},
        Rejected{"timeout_ms", "null", L{"body", "timeout_ms"}, "int_type"},
        Rejected{"timeout_ms", "false", L{"body", "timeout_ms"}, "int_type"},
        Rejected{"timeout_ms", "0.5", L{"body", "timeout_ms"}, "int_from_float"},
        // Zero, whatever the exponent: Boost.JSON 1.81 parses these as NaN (found by fuzzing).
        Rejected{"timeout_ms", "0e400", L{"body", "timeout_ms"}, "greater_than_equal"},
        Rejected{"rate_limit_per_minute", "-0.0e999", L{"body", "rate_limit_per_minute"},
                 "greater_than_equal"},
        Rejected{"timeout_ms", "1e400", L{"body", "timeout_ms"}, "finite_number"},
        Rejected{"tags", R"("prod")", L{"body", "tags"}, "list_type"},
        Rejected{"tags", "null", L{"body", "tags"}, "list_type"},
        Rejected{"tags", R"(["ok", ""])", L{"body", "tags", "1"}, "string_too_short"},
        Rejected{"tags", json_string(repeat(65, "t")).insert(0, "[").append("]"),
                 L{"body", "tags", "0"}, "string_too_long"},
        Rejected{"tags", R"(["has space"])", L{"body", "tags", "0"}, "string_pattern_mismatch"},
        Rejected{"tags", R"(["a/b"])", L{"body", "tags", "0"}, "string_pattern_mismatch"},
        Rejected{"tags", R"(["a", 7])", L{"body", "tags", "1"}, "string_type"},
        Rejected{"tags", R"(["a", "b", "a"])", L{"body", "tags", "2"}, "value_error"}));

TEST(SpecFromJson, RejectsThirtyThreeTagsAsTooLong) {
    json::array tags;
    for (int i = 0; i < 33; ++i) tags.emplace_back("t" + std::to_string(i));
    json::object body = minimal_body();
    body["tags"] = tags;
    const auto result = spec_from_json(body);
    ASSERT_FALSE(result.has_value());
    ASSERT_EQ(result.error().size(), 1u);
    EXPECT_EQ(result.error()[0], (FieldError{{"body", "tags"},
                                             "List should have at most 32 items after validation, "
                                             "not 33",
                                             "too_long"}));
}

// ---- required, defaults, read-only and unknown fields ------------------------------

class RequiredField : public ::testing::TestWithParam<std::string> {};

TEST_P(RequiredField, IsReportedMissingWhenAbsent) {
    json::object body = minimal_body();
    body.erase(GetParam());
    const auto result = spec_from_json(body);
    ASSERT_FALSE(result.has_value());
    ASSERT_EQ(result.error().size(), 1u);
    EXPECT_EQ(result.error()[0], (FieldError{{"body", GetParam()}, "Field required", "missing"}));
}

INSTANTIATE_TEST_SUITE_P(Contract, RequiredField,
                         ::testing::Values("name", "base_path", "upstream_url"));

TEST(SpecFromJson, AppliesDefaultsToOmittedFields) {
    const auto result = spec_from_json(minimal_body());
    ASSERT_TRUE(result.has_value());
    const ApiSpec& spec = *result;
    EXPECT_EQ(spec.name, "orders");
    EXPECT_EQ(spec.base_path, "/orders");
    EXPECT_EQ(spec.upstream_url, "http://orders.internal:8080");
    EXPECT_EQ(spec.description, "");
    EXPECT_EQ(spec.version, "v1");
    EXPECT_EQ(spec.methods, std::vector<std::string>{"GET"});
    EXPECT_TRUE(spec.enabled);
    EXPECT_EQ(spec.auth_type, "none");
    EXPECT_EQ(spec.rate_limit_per_minute, std::nullopt);
    EXPECT_EQ(spec.timeout_ms, 30000);
    EXPECT_TRUE(spec.tags.empty());
}

TEST(SpecFromJson, ReadsEveryWritableField) {
    const auto result = spec_from_json(json::parse(R"({
        "name": "Billing", "description": "Invoices and payments", "version": "2.1",
        "base_path": "/billing/v2", "upstream_url": "https://billing.internal/api",
        "methods": ["get", "Post"], "enabled": false, "auth_type": "jwt",
        "rate_limit_per_minute": 600, "timeout_ms": 1500.0, "tags": ["finance", "tier:1"]
    })")
                                           .as_object());
    ASSERT_TRUE(result.has_value());
    ApiSpec expected;
    expected.name = "Billing";
    expected.description = "Invoices and payments";
    expected.version = "2.1";
    expected.base_path = "/billing/v2";
    expected.upstream_url = "https://billing.internal/api";
    expected.methods = {"GET", "POST"};
    expected.enabled = false;
    expected.auth_type = "jwt";
    expected.rate_limit_per_minute = 600;
    expected.timeout_ms = 1500;
    expected.tags = {"finance", "tier:1"};
    EXPECT_EQ(*result, expected);
}

TEST(SpecFromJson, StoresMethodsUpperCaseInTheirOrder) {
    const auto result = spec_from_json(body_with("methods", R"(["delete", "Get", "pAtCh"])"));
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(result->methods, (std::vector<std::string>{"DELETE", "GET", "PATCH"}));
}

TEST(SpecFromJson, NullRateLimitMeansUnlimited) {
    const auto result = spec_from_json(body_with("rate_limit_per_minute", "null"));
    ASSERT_TRUE(result.has_value());
    EXPECT_FALSE(result->rate_limit_per_minute.has_value());
}

TEST(SpecFromJson, IgnoresReadOnlyFieldsWhateverTheirValue) {
    json::object body = minimal_body();
    body["id"] = "not-a-uuid";
    body["revision"] = json::array{1, 2};
    body["created_at"] = nullptr;
    body["updated_at"] = 12;
    const auto with_read_only = spec_from_json(body);
    ASSERT_TRUE(with_read_only.has_value());
    EXPECT_EQ(*with_read_only, *spec_from_json(minimal_body()));
}

TEST(SpecFromJson, RejectsUnknownField) {
    const auto result = spec_from_json(body_with("owner", R"("me")"));
    ASSERT_FALSE(result.has_value());
    ASSERT_EQ(result.error().size(), 1u);
    EXPECT_EQ(result.error()[0],
              (FieldError{{"body", "owner"}, "Extra inputs are not permitted", "extra_forbidden"}));
}

TEST(SpecFromJson, ReportsEveryProblemInFieldOrderThenUnknownFields) {
    const auto result = spec_from_json(json::parse(R"({
        "zzz": 1, "timeout_ms": 0, "name": "", "upstream_url": "ftp://x",
        "methods": ["GET", "BREW", "get"], "enabled": "yes", "tags": ["ok", "ok"]
    })")
                                           .as_object());
    ASSERT_FALSE(result.has_value());
    std::vector<std::vector<std::string>> locs;
    std::vector<std::string> types;
    for (const auto& error : result.error()) {
        locs.push_back(error.loc);
        types.push_back(error.type);
    }
    EXPECT_EQ(locs, (std::vector<std::vector<std::string>>{
                        {"body", "name"},
                        {"body", "base_path"},
                        {"body", "upstream_url"},
                        {"body", "methods", "1"},
                        {"body", "methods", "2"},
                        {"body", "enabled"},
                        {"body", "timeout_ms"},
                        {"body", "tags", "1"},
                        {"body", "zzz"},
                    }));
    EXPECT_EQ(types, (std::vector<std::string>{"string_too_short", "missing", "value_error", "enum",
                                               "value_error", "bool_type", "greater_than_equal",
                                               "value_error", "extra_forbidden"}));
}

TEST(SpecFromJson, UsesPydanticMessages) {
    const auto result = spec_from_json(json::parse(R"({
        "name": "-x", "description": 5, "version": "", "base_path": "/p",
        "upstream_url": "http://h", "timeout_ms": 300001, "rate_limit_per_minute": 2.5,
        "auth_type": "x", "methods": []
    })")
                                           .as_object());
    ASSERT_FALSE(result.has_value());
    std::vector<std::string> messages;
    for (const auto& error : result.error()) messages.push_back(error.msg);
    EXPECT_EQ(messages, (std::vector<std::string>{
                            "String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]*$'",
                            "Input should be a valid string",
                            "String should have at least 1 character",
                            "List should have at least 1 item after validation, not 0",
                            "Input should be 'none', 'api_key', 'jwt' or 'oauth2'",
                            "Input should be a valid integer, got a number with a fractional part",
                            "Input should be less than or equal to 300000",
                        }));
}

TEST(SpecFromJson, BoundsTheNumberOfReportedErrors) {
    json::array methods;
    for (int i = 0; i < 100000; ++i) methods.emplace_back("BREW");
    json::object body = minimal_body();
    body["methods"] = methods;
    const auto result = spec_from_json(body);
    ASSERT_FALSE(result.has_value());
    EXPECT_LE(result.error().size(), 100u);
}

}  // namespace
}  // namespace gateway::domain

namespace gateway::domain {
namespace {

TEST(SpecFromJsonNul, StringWithNulCharacterIsRejected) {
    boost::json::object body{{"name", "svc"},
                             {"base_path", "/svc"},
                             {"upstream_url", "http://127.0.0.1:9000"},
                             {"description", std::string_view("a\0b", 3)}};
    auto spec = spec_from_json(body);
    ASSERT_FALSE(spec);
    ASSERT_EQ(spec.error().size(), 1u);
    EXPECT_EQ(spec.error()[0].loc, (std::vector<std::string>{"body", "description"}));
    EXPECT_EQ(spec.error()[0].type, "value_error");
}

}  // namespace
}  // namespace gateway::domain
