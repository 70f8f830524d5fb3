// POST /apis: what a created API looks like, and which bodies are refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

using CreateApi = SharedServerTest;

std::vector<std::string> sorted_strings(const json::value& array) {
    std::vector<std::string> items;
    for (const auto& item : array.as_array()) items.emplace_back(item.as_string());
    std::ranges::sort(items);
    return items;
}

TEST_F(CreateApi, AnswersCreatedWithLocationAndEtag) {
    auto http = client();
    const Response response = create_api(http, minimal_api(unique_name()));
    ASSERT_TRUE(HasStatus(response, 201));
    const json::object api = response.json().as_object();
    EXPECT_EQ(response.header("Location"), "/apis/" + std::string(api.at("id").as_string()));
    EXPECT_EQ(response.header("ETag"), "\"1\"");
    EXPECT_TRUE(response.header("Content-Type").value_or("").starts_with("application/json"));
}

TEST_F(CreateApi, FillsDefaultsAndServerOwnedFields) {
    auto http = client();
    const std::string name = unique_name();
    const json::object sent = minimal_api(name);
    const Response response = create_api(http, sent);
    ASSERT_TRUE(HasStatus(response, 201));
    const json::object api = response.json().as_object();

    for (const auto& [field, value] : sent) EXPECT_EQ(api.at(field), value) << field;
    for (const auto& [field, value] : default_optional_fields()) {
        ASSERT_TRUE(api.contains(field)) << field << " missing from " << response.body;
        EXPECT_EQ(api.at(field), value) << field;
    }
    EXPECT_TRUE(is_uuid_v4(api.at("id").as_string())) << api.at("id");
    EXPECT_EQ(api.at("revision"), 1);
    EXPECT_TRUE(is_utc_millis_timestamp(api.at("created_at").as_string())) << api.at("created_at");
    EXPECT_TRUE(is_utc_millis_timestamp(api.at("updated_at").as_string())) << api.at("updated_at");
}

TEST_F(CreateApi, LocationLeadsToTheCreatedApi) {
    auto http = client();
    const Response created = create_api(http, full_api(unique_name()));
    ASSERT_TRUE(HasStatus(created, 201));
    const Response fetched = http.request("GET", created.header("Location").value_or("/missing"));
    ASSERT_TRUE(HasStatus(fetched, 200));
    EXPECT_EQ(fetched.json(), created.json());
}

TEST_F(CreateApi, KeepsEveryWritableFieldSent) {
    auto http = client();
    const json::object sent = full_api(unique_name());
    const Response response = create_api(http, sent);
    ASSERT_TRUE(HasStatus(response, 201));
    const json::object api = response.json().as_object();
    for (const auto& [field, value] : sent) {
        // The contract does not promise the order of arrays, only their members.
        if (value.is_array()) {
            EXPECT_EQ(sorted_strings(api.at(field)), sorted_strings(value)) << field;
        } else {
            EXPECT_EQ(api.at(field), value) << field;
        }
    }
}

TEST_F(CreateApi, StoresMethodsUpperCase) {
    auto http = client();
    json::object sent = minimal_api(unique_name());
    sent["methods"] = json::array{"get", "Post", "dElEtE", "options"};
    const Response response = create_api(http, sent);
    ASSERT_TRUE(HasStatus(response, 201));
    EXPECT_EQ(sorted_strings(response.json().at("methods")),
              (std::vector<std::string>{"DELETE", "GET", "OPTIONS", "POST"}));
}

TEST_F(CreateApi, IgnoresReadOnlyFieldsSent) {
    auto http = client();
    json::object sent = minimal_api(unique_name());
    sent["id"] = "not-a-uuid";
    sent["revision"] = 42;
    sent["created_at"] = "1999-01-01T00:00:00.000Z";
    sent["updated_at"] = "1999-01-01T00:00:00.000Z";
    const Response response = create_api(http, sent);
    ASSERT_TRUE(HasStatus(response, 201));
    const json::object api = response.json().as_object();
    EXPECT_TRUE(is_uuid_v4(api.at("id").as_string())) << api.at("id");
    EXPECT_EQ(api.at("revision"), 1);
    EXPECT_NE(api.at("created_at"), "1999-01-01T00:00:00.000Z");
    EXPECT_NE(api.at("updated_at"), "1999-01-01T00:00:00.000Z");
}

TEST_F(CreateApi, RejectsAnUnknownField) {
    auto http = client();
    json::object sent = minimal_api(unique_name());
    sent["x"] = 1;
    EXPECT_TRUE(IsValidationError(create_api(http, sent), {"body", "x"}));
}

TEST_F(CreateApi, ReportsEveryProblemFound) {
    auto http = client();
    const json::object sent{{"name", ""}, {"base_path", "nope"}, {"upstream_url", "ftp://x"}};
    const Response response = create_api(http, sent);
    EXPECT_TRUE(IsValidationError(response, {"body", "name"}));
    EXPECT_TRUE(IsValidationError(response, {"body", "base_path"}));
    EXPECT_TRUE(IsValidationError(response, {"body", "upstream_url"}));
}

TEST_F(CreateApi, AcceptsJsonWithACharset) {
    auto http = client();
    const Response response = create_api(http, minimal_api(unique_name()),
                                         {{"Content-Type", "application/json; charset=utf-8"}});
    EXPECT_TRUE(HasStatus(response, 201));
}

TEST_F(CreateApi, RefusesANameTakenInAnyCase) {
    auto http = client();
    const std::string name = unique_name("Dup");
    ASSERT_TRUE(HasStatus(create_api(http, minimal_api(name)), 201));

    std::string other_case = name;
    std::ranges::transform(other_case, other_case.begin(), [](unsigned char c) {
        return static_cast<char>(std::isupper(c) ? std::tolower(c) : std::toupper(c));
    });
    json::object again = minimal_api(other_case);
    again["base_path"] = "/" + unique_name("other");
    EXPECT_TRUE(IsDetailError(create_api(http, again), 409));
}

TEST_F(CreateApi, RefusesABasePathTaken) {
    auto http = client();
    const json::object first = minimal_api(unique_name());
    ASSERT_TRUE(HasStatus(create_api(http, first), 201));
    json::object second = minimal_api(unique_name());
    second["base_path"] = first.at("base_path");
    EXPECT_TRUE(IsDetailError(create_api(http, second), 409));
}

TEST_F(CreateApi, ARefusedDuplicateCreatesNothing) {
    auto http = client();
    const json::object first = minimal_api(unique_name());
    ASSERT_TRUE(HasStatus(create_api(http, first), 201));
    json::object second = minimal_api(unique_name());
    second["base_path"] = first.at("base_path");
    ASSERT_TRUE(IsDetailError(create_api(http, second), 409));
    EXPECT_TRUE(IsDetailError(get_api(http, second.at("name").as_string()), 404));
}

}  // namespace
}  // namespace gateway::test
