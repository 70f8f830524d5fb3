// PATCH /apis/{ref}: JSON Merge Patch (RFC 7396), validated as a whole afterwards.
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

using PatchApi = SharedServerTest;

// Fields the server changes on every successful change.
json::object without_change_marks(json::object api) {
    api.erase("revision");
    api.erase("updated_at");
    return api;
}

TEST_F(PatchApi, ChangesOnlyTheFieldsGiven) {
    auto http = client();
    const std::string name = unique_name();
    const json::object created = must_create_api(http, full_api(name));
    const Response response = patch_api(http, name, json::object{{"description", "patched"}});
    ASSERT_TRUE(HasStatus(response, 200));

    json::object expected = without_change_marks(created);
    expected["description"] = "patched";
    EXPECT_EQ(without_change_marks(response.json().as_object()), expected);
    EXPECT_EQ(response.json().at("revision"), 2);
    EXPECT_EQ(response.header("ETag"), "\"2\"");
    EXPECT_GE(std::string(response.json().at("updated_at").as_string()),
              std::string(created.at("updated_at").as_string()));
}

TEST_F(PatchApi, AcceptsApplicationJson) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    const Response response = patch_api(http, name, json::object{{"timeout_ms", 1234}},
                                        {{"Content-Type", "application/json"}});
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("timeout_ms"), 1234);
}

TEST_F(PatchApi, ById) {
    auto http = client();
    const json::object created = must_create_api(http, minimal_api(unique_name()));
    const Response response =
        patch_api(http, created.at("id").as_string(), json::object{{"enabled", false}});
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("enabled"), false);
}

TEST_F(PatchApi, NullReturnsOptionalFieldsToDefaults) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, full_api(name));
    json::object patch;
    for (const auto& [field, value] : default_optional_fields()) patch[field] = nullptr;
    const Response response = patch_api(http, name, patch);
    ASSERT_TRUE(HasStatus(response, 200));
    for (const auto& [field, value] : default_optional_fields()) {
        EXPECT_EQ(response.json().at(field), value) << field;
    }
}

TEST_F(PatchApi, ReplacesArraysWhole) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, full_api(name));
    const Response response = patch_api(
        http, name, json::object{{"tags", json::array{"only"}}, {"methods", json::array{"put"}}});
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("tags"), json::array{"only"});
    EXPECT_EQ(response.json().at("methods"), json::array{"PUT"});
}

TEST_F(PatchApi, NullOnARequiredFieldIsAValidationError) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    EXPECT_TRUE(IsValidationError(patch_api(http, name, json::object{{"name", nullptr}}),
                                  {"body", "name"}));
}

TEST_F(PatchApi, ValidatesTheResult) {
    auto http = client();
    const std::string name = unique_name();
    const json::object created = must_create_api(http, minimal_api(name));
    EXPECT_TRUE(IsValidationError(patch_api(http, name, json::object{{"name", "not valid!"}}),
                                  {"body", "name"}));
    EXPECT_TRUE(IsValidationError(patch_api(http, name, json::object{{"timeout_ms", 0}}),
                                  {"body", "timeout_ms"}));
    EXPECT_TRUE(IsValidationError(patch_api(http, name, json::object{{"base_path", "x/"}}),
                                  {"body", "base_path"}));
    const Response unchanged = get_api(http, name);
    ASSERT_TRUE(HasStatus(unchanged, 200));
    EXPECT_EQ(unchanged.json(), created);
}

TEST_F(PatchApi, RejectsAnUnknownField) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    EXPECT_TRUE(IsValidationError(patch_api(http, name, json::object{{"x", 1}}), {"body", "x"}));
}

TEST_F(PatchApi, IgnoresReadOnlyFields) {
    auto http = client();
    const std::string name = unique_name();
    const json::object created = must_create_api(http, minimal_api(name));
    const Response response =
        patch_api(http, name, json::object{{"revision", 50}, {"id", "x"}, {"description", "d"}});
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("id"), created.at("id"));
    EXPECT_EQ(response.json().at("revision"), 2);
}

TEST_F(PatchApi, RenamesTheApi) {
    auto http = client();
    const std::string old_name = unique_name("old");
    must_create_api(http, minimal_api(old_name));
    const std::string new_name = unique_name("new");
    ASSERT_TRUE(HasStatus(patch_api(http, old_name, json::object{{"name", new_name}}), 200));
    EXPECT_TRUE(IsDetailError(get_api(http, old_name), 404));
    EXPECT_TRUE(HasStatus(get_api(http, new_name), 200));
}

TEST_F(PatchApi, RefusesAnotherApisName) {
    auto http = client();
    const std::string taken = unique_name("taken");
    must_create_api(http, minimal_api(taken));
    const std::string mine = unique_name("mine");
    must_create_api(http, minimal_api(mine));
    EXPECT_TRUE(IsDetailError(patch_api(http, mine, json::object{{"name", taken}}), 409));
}

TEST_F(PatchApi, RefusesAnotherApisNameInOtherCase) {
    auto http = client();
    const std::string taken = unique_name("taken");
    must_create_api(http, minimal_api(taken));
    const std::string mine = unique_name("mine");
    must_create_api(http, minimal_api(mine));
    std::string upper = taken;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(IsDetailError(patch_api(http, mine, json::object{{"name", upper}}), 409));
}

TEST_F(PatchApi, RefusesAnotherApisBasePath) {
    auto http = client();
    const json::object taken = minimal_api(unique_name("taken"));
    must_create_api(http, taken);
    const std::string mine = unique_name("mine");
    must_create_api(http, minimal_api(mine));
    EXPECT_TRUE(IsDetailError(
        patch_api(http, mine, json::object{{"base_path", taken.at("base_path")}}), 409));
}

TEST_F(PatchApi, UnknownApiIsNotFound) {
    auto http = client();
    EXPECT_TRUE(
        IsDetailError(patch_api(http, unique_name(), json::object{{"description", "x"}}), 404));
}

}  // namespace
}  // namespace gateway::test
