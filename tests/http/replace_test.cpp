// PUT /apis/{ref}: full replacement of the writable fields.
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

using ReplaceApi = SharedServerTest;

TEST_F(ReplaceApi, ReturnsOmittedOptionalFieldsToDefaults) {
    auto http = client();
    const std::string name = unique_name();
    const json::object created = must_create_api(http, full_api(name));

    json::object replacement = minimal_api(name);
    replacement["upstream_url"] = "https://127.0.0.1:8443/replaced";
    const Response response = replace_api(http, name, replacement);
    ASSERT_TRUE(HasStatus(response, 200));
    const json::object api = response.json().as_object();

    for (const auto& [field, value] : replacement) EXPECT_EQ(api.at(field), value) << field;
    for (const auto& [field, value] : default_optional_fields()) {
        EXPECT_EQ(api.at(field), value) << field;
    }
    EXPECT_EQ(api.at("id"), created.at("id"));
    EXPECT_EQ(api.at("created_at"), created.at("created_at"));
    EXPECT_TRUE(is_utc_millis_timestamp(api.at("updated_at").as_string())) << api.at("updated_at");
    EXPECT_GE(std::string(api.at("updated_at").as_string()),
              std::string(created.at("updated_at").as_string()));
}

TEST_F(ReplaceApi, IncrementsRevisionAndEtag) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    const Response first = replace_api(http, name, full_api(name));
    ASSERT_TRUE(HasStatus(first, 200));
    EXPECT_EQ(first.json().at("revision"), 2);
    EXPECT_EQ(first.header("ETag"), "\"2\"");
    const Response second = replace_api(http, name, minimal_api(name));
    ASSERT_TRUE(HasStatus(second, 200));
    EXPECT_EQ(second.json().at("revision"), 3);
    EXPECT_EQ(second.header("ETag"), "\"3\"");
}

TEST_F(ReplaceApi, ById) {
    auto http = client();
    const std::string name = unique_name();
    const json::object created = must_create_api(http, minimal_api(name));
    json::object replacement = full_api(name);
    const Response response = replace_api(http, created.at("id").as_string(), replacement);
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("description"), replacement.at("description"));
}

TEST_F(ReplaceApi, CanRenameAndMove) {
    auto http = client();
    const std::string old_name = unique_name("old");
    const json::object created = must_create_api(http, minimal_api(old_name));
    const std::string new_name = unique_name("new");
    const Response response = replace_api(http, old_name, minimal_api(new_name));
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("id"), created.at("id"));
    EXPECT_TRUE(IsDetailError(get_api(http, old_name), 404));
    EXPECT_TRUE(HasStatus(get_api(http, new_name), 200));
    // The old name and base path are free again.
    EXPECT_TRUE(HasStatus(create_api(http, minimal_api(old_name)), 201));
}

TEST_F(ReplaceApi, MayChangeTheCaseOfItsOwnName) {
    auto http = client();
    const std::string name = unique_name("lower");
    must_create_api(http, minimal_api(name));
    json::object replacement = minimal_api(name);
    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    replacement["name"] = upper;
    const Response response = replace_api(http, name, replacement);
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("name"), json::string(upper));
}

TEST_F(ReplaceApi, IgnoresReadOnlyFieldsSent) {
    auto http = client();
    const std::string name = unique_name();
    const json::object created = must_create_api(http, minimal_api(name));
    json::object replacement = minimal_api(name);
    replacement["id"] = "3f1c2b9e-8d4a-4c3b-9e2f-1a2b3c4d5e6f";
    replacement["revision"] = 99;
    replacement["created_at"] = "1999-01-01T00:00:00.000Z";
    replacement["description"] = "changed";  // a real change, so the revision steps
    const Response response = replace_api(http, name, replacement);
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("id"), created.at("id"));
    EXPECT_EQ(response.json().at("revision"), 2);
    EXPECT_EQ(response.json().at("created_at"), created.at("created_at"));
}

TEST_F(ReplaceApi, RequiresTheRequiredFields) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    const Response response = replace_api(http, name, json::object{{"name", name}});
    EXPECT_TRUE(IsValidationError(response, {"body", "base_path"}));
    EXPECT_TRUE(IsValidationError(response, {"body", "upstream_url"}));
}

TEST_F(ReplaceApi, RejectsAnInvalidFieldAndKeepsTheApi) {
    auto http = client();
    const std::string name = unique_name();
    const json::object created = must_create_api(http, minimal_api(name));
    json::object replacement = minimal_api(name);
    replacement["timeout_ms"] = 0;
    EXPECT_TRUE(IsValidationError(replace_api(http, name, replacement), {"body", "timeout_ms"}));
    const Response unchanged = get_api(http, name);
    ASSERT_TRUE(HasStatus(unchanged, 200));
    EXPECT_EQ(unchanged.json(), created);
}

TEST_F(ReplaceApi, RejectsAnUnknownField) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    json::object replacement = minimal_api(name);
    replacement["colour"] = "blue";
    EXPECT_TRUE(IsValidationError(replace_api(http, name, replacement), {"body", "colour"}));
}

TEST_F(ReplaceApi, UnknownApiIsNotFound) {
    auto http = client();
    const std::string name = unique_name();
    EXPECT_TRUE(IsDetailError(replace_api(http, name, minimal_api(name)), 404));
}

TEST_F(ReplaceApi, RefusesAnotherApisName) {
    auto http = client();
    const std::string taken = unique_name("taken");
    must_create_api(http, minimal_api(taken));
    const std::string mine = unique_name("mine");
    must_create_api(http, minimal_api(mine));
    json::object replacement = minimal_api(mine);
    replacement["name"] = taken;
    EXPECT_TRUE(IsDetailError(replace_api(http, mine, replacement), 409));
    EXPECT_TRUE(HasStatus(get_api(http, mine), 200));
}

TEST_F(ReplaceApi, RefusesAnotherApisBasePath) {
    auto http = client();
    const json::object taken = minimal_api(unique_name("taken"));
    must_create_api(http, taken);
    const std::string mine = unique_name("mine");
    must_create_api(http, minimal_api(mine));
    json::object replacement = minimal_api(mine);
    replacement["base_path"] = taken.at("base_path");
    EXPECT_TRUE(IsDetailError(replace_api(http, mine, replacement), 409));
}

}  // namespace
}  // namespace gateway::test
