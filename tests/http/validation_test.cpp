// The field rules of the API resource, a few cases per field: a violation is a 422 whose
// loc names the field, a value on the boundary is accepted. (Unit tests go exhaustive.)
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

// One field set to one value, as JSON text so that wrong types are easy to write.
struct FieldCase {
    const char* label;  // names the parameterised test
    const char* field;
    std::string value_json;
};

std::string quoted(const std::string& text) {
    return "\"" + text + "\"";
}

std::string many_tags(int count) {
    std::string tags = "[";
    for (int i = 0; i < count; ++i) tags += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
    return tags + "]";
}

std::string repeated(const std::string& text, int times) {
    std::string result;
    for (int i = 0; i < times; ++i) result += text;
    return result;
}

std::string case_name(const ::testing::TestParamInfo<FieldCase>& info) {
    return std::string(info.param.field) + "_" + info.param.label;
}

class CreateRejectsField : public SharedServerTest,
                           public ::testing::WithParamInterface<FieldCase> {};

TEST_P(CreateRejectsField, WithAValidationErrorAtTheField) {
    auto http = client();
    json::object body = minimal_api(unique_name());
    body[GetParam().field] = json::parse(GetParam().value_json);
    EXPECT_TRUE(IsValidationError(create_api(http, body), {"body", GetParam().field}));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, CreateRejectsField,
    ::testing::Values(
        FieldCase{"empty", "name", quoted("")},
        FieldCase{"too_long", "name", quoted(std::string(101, 'a'))},
        FieldCase{"leading_dash", "name", quoted("-api")},
        FieldCase{"space", "name", quoted("my api")}, FieldCase{"slash", "name", quoted("a/b")},
        FieldCase{"number", "name", "42"}, FieldCase{"null", "name", "null"},
        FieldCase{"too_long", "description", quoted(std::string(1001, 'd'))},
        FieldCase{"too_many_characters", "description", quoted(repeated("\u00e9", 1001))},
        FieldCase{"number", "description", "5"}, FieldCase{"empty", "version", quoted("")},
        FieldCase{"too_long", "version", quoted(std::string(33, 'v'))},
        FieldCase{"space", "version", quoted("v 1")},
        FieldCase{"no_leading_slash", "base_path", quoted("orders")},
        FieldCase{"trailing_slash", "base_path", quoted("/orders/")},
        FieldCase{"empty_segment", "base_path", quoted("/a//b")},
        FieldCase{"space", "base_path", quoted("/a b")},
        FieldCase{"too_long", "base_path", quoted("/" + std::string(255, 'p'))},
        FieldCase{"empty", "base_path", quoted("")},
        FieldCase{"ftp", "upstream_url", quoted("ftp://example.com/x")},
        FieldCase{"not_a_url", "upstream_url", quoted("not a url")},
        FieldCase{"no_host", "upstream_url", quoted("http://")},
        FieldCase{"relative", "upstream_url", quoted("/relative/path")},
        FieldCase{"too_long", "upstream_url",
                  quoted("http://127.0.0.1/" + std::string(2048 - 17 + 1, 'u'))},
        FieldCase{"empty", "methods", "[]"}, FieldCase{"unknown", "methods", R"(["FETCH"])"},
        FieldCase{"duplicate", "methods", R"(["GET","GET"])"},
        FieldCase{"not_array", "methods", quoted("GET")},
        FieldCase{"number_item", "methods", "[1]"}, FieldCase{"word", "enabled", quoted("maybe")},
        FieldCase{"array", "enabled", "[]"}, FieldCase{"unknown", "auth_type", quoted("basic")},
        FieldCase{"empty", "auth_type", quoted("")},
        FieldCase{"zero", "rate_limit_per_minute", "0"},
        FieldCase{"negative", "rate_limit_per_minute", "-5"},
        FieldCase{"too_large", "rate_limit_per_minute", "1000001"},
        FieldCase{"fraction", "rate_limit_per_minute", "1.5"}, FieldCase{"zero", "timeout_ms", "0"},
        FieldCase{"too_large", "timeout_ms", "300001"}, FieldCase{"fraction", "timeout_ms", "1.5"},
        FieldCase{"word", "timeout_ms", quoted("abc")}, FieldCase{"null", "timeout_ms", "null"},
        FieldCase{"too_many", "tags", many_tags(33)},
        FieldCase{"duplicate", "tags", R"(["a","a"])"}, FieldCase{"empty_tag", "tags", R"([""])"},
        FieldCase{"too_long_tag", "tags", "[" + quoted(std::string(65, 't')) + "]"},
        FieldCase{"space", "tags", R"(["bad tag"])"}, FieldCase{"not_array", "tags", quoted("tag")},
        FieldCase{"number_item", "tags", "[1]"}),
    case_name);

class CreateRequiresField : public SharedServerTest,
                            public ::testing::WithParamInterface<const char*> {};

TEST_P(CreateRequiresField, WithAValidationErrorAtTheField) {
    auto http = client();
    json::object body = minimal_api(unique_name());
    body.erase(GetParam());
    EXPECT_TRUE(IsValidationError(create_api(http, body), {"body", GetParam()}));
}

INSTANTIATE_TEST_SUITE_P(Rules, CreateRequiresField,
                         ::testing::Values("name", "base_path", "upstream_url"));

// A value on the boundary of its rule. Values that must be unique are built from the
// test's unique name, so the case can run on a shared server (and run again).
struct BoundaryCase {
    const char* label;
    const char* field;
    json::value (*make)(const std::string& unique);
};

std::string padded(const std::string& text, std::size_t size, char pad) {
    return text.size() >= size ? text.substr(0, size) : text + std::string(size - text.size(), pad);
}

class CreateAcceptsBoundary : public SharedServerTest,
                              public ::testing::WithParamInterface<BoundaryCase> {};

TEST_P(CreateAcceptsBoundary, AndReturnsTheValue) {
    auto http = client();
    const std::string name = unique_name();
    json::object body = minimal_api(name);
    const json::value value = GetParam().make(name);
    body[GetParam().field] = value;
    const Response response = create_api(http, body);
    ASSERT_TRUE(HasStatus(response, 201));
    const json::object api = response.json().as_object();
    EXPECT_EQ(api.at(GetParam().field), value);
    // Frees values that only one API can hold at a time, such as the base path "/".
    EXPECT_TRUE(HasStatus(delete_api(http, api.at("id").as_string()), 204));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, CreateAcceptsBoundary,
    ::testing::
        Values(BoundaryCase{"longest", "name",
                            [](const std::string& u) -> json::value {
                                return json::string(padded(u, 100, 'n'));
                            }},
               BoundaryCase{"dots_underscores", "name",
                            [](const std::string& u) -> json::value {
                                return json::string("A." + u + "_x");
                            }},
               BoundaryCase{"longest", "description",
                            [](const std::string&) -> json::value {
                                return json::string(std::string(1000, 'd'));
                            }},
               // Characters, not bytes: each of these takes two bytes in UTF-8.
               BoundaryCase{"longest_in_characters", "description",
                            [](const std::string&) -> json::value {
                                return json::string(repeated("\u00e9", 1000));
                            }},
               BoundaryCase{"longest", "version",
                            [](const std::string&) -> json::value {
                                return json::string(std::string(32, 'v'));
                            }},
               BoundaryCase{"punctuation", "version",
                            [](const std::string&) -> json::value { return "2024.01_beta-1"; }},
               BoundaryCase{"root", "base_path",
                            [](const std::string&) -> json::value { return "/"; }},
               BoundaryCase{"longest", "base_path",
                            [](const std::string& u) -> json::value {
                                return json::string(padded("/" + u + "/seg.x~y-z", 255, 'p'));
                            }},
               BoundaryCase{"https_with_port", "upstream_url",
                            [](const std::string&) -> json::value {
                                return "https://127.0.0.1:8443/v2/orders?x=1";
                            }},
               BoundaryCase{"longest", "upstream_url",
                            [](const std::string&) -> json::value {
                                return json::string(padded("http://127.0.0.1/", 2048, 'u'));
                            }},
               BoundaryCase{"all_seven", "methods",
                            [](const std::string&) -> json::value {
                                return json::array{"GET",    "POST", "PUT",    "PATCH",
                                                   "DELETE", "HEAD", "OPTIONS"};
                            }},
               BoundaryCase{"api_key", "auth_type",
                            [](const std::string&) -> json::value { return "api_key"; }},
               BoundaryCase{"oauth2", "auth_type",
                            [](const std::string&) -> json::value { return "oauth2"; }},
               BoundaryCase{"lowest", "rate_limit_per_minute",
                            [](const std::string&) -> json::value { return 1; }},
               BoundaryCase{"highest", "rate_limit_per_minute",
                            [](const std::string&) -> json::value { return 1000000; }},
               BoundaryCase{"null", "rate_limit_per_minute",
                            [](const std::string&) -> json::value { return nullptr; }},
               BoundaryCase{"lowest", "timeout_ms",
                            [](const std::string&) -> json::value { return 1; }},
               BoundaryCase{"highest", "timeout_ms",
                            [](const std::string&) -> json::value { return 300000; }},
               BoundaryCase{
                   "most", "tags",
                   [](const std::string&) -> json::value {
                       json::array tags;
                       for (int i = 0; i < 32; ++i) tags.emplace_back("t" + std::to_string(i));
                       return tags;
                   }},
               BoundaryCase{"longest_and_punctuation", "tags",
                            [](const std::string&) -> json::value {
                                return json::array{std::string(64, 't'), "env:prod.x_y-z"};
                            }}),
    [](const ::testing::TestParamInfo<BoundaryCase>& info) {
        return std::string(info.param.field) + "_" + info.param.label;
    });

}  // namespace
}  // namespace gateway::test
