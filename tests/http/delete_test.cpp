// DELETE /apis/{ref}: 204 with no body, and the API is gone everywhere.
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

using DeleteApi = SharedServerTest;

TEST_F(DeleteApi, AnswersNoContentThenNotFound) {
    auto http = client();
    const Response created = create_api(http, minimal_api(unique_name()));
    ASSERT_TRUE(HasStatus(created, 201));
    const std::string id(created.json().at("id").as_string());

    const Response deleted = delete_api(http, id);
    EXPECT_TRUE(HasStatus(deleted, 204));
    EXPECT_EQ(deleted.body, "");
    EXPECT_TRUE(IsDetailError(get_api(http, id), 404));
    EXPECT_TRUE(IsDetailError(delete_api(http, id), 404));
}

TEST_F(DeleteApi, ByName) {
    auto http = client();
    const std::string name = unique_name();
    ASSERT_TRUE(HasStatus(create_api(http, minimal_api(name)), 201));
    EXPECT_TRUE(HasStatus(delete_api(http, name), 204));
    EXPECT_TRUE(IsDetailError(get_api(http, name), 404));
}

TEST_F(DeleteApi, UnknownIsNotFound) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(delete_api(http, unique_name("never-created")), 404));
}

TEST_F(DeleteApi, FreesTheNameAndBasePath) {
    auto http = client();
    const json::object body = minimal_api(unique_name());
    const Response first = create_api(http, body);
    ASSERT_TRUE(HasStatus(first, 201));
    ASSERT_TRUE(HasStatus(delete_api(http, body.at("name").as_string()), 204));

    const Response second = create_api(http, body);
    ASSERT_TRUE(HasStatus(second, 201));
    EXPECT_NE(second.json().at("id"), first.json().at("id"));
    EXPECT_EQ(second.json().at("revision"), 1);
}

TEST_F(DeleteApi, RemovesItFromTheList) {
    auto http = client();
    const std::string tag = unique_tag();
    json::object kept = minimal_api(unique_name("kept"));
    json::object gone = minimal_api(unique_name("gone"));
    kept["tags"] = gone["tags"] = json::array{json::string(tag)};
    ASSERT_TRUE(HasStatus(create_api(http, kept), 201));
    ASSERT_TRUE(HasStatus(create_api(http, gone), 201));
    ASSERT_TRUE(HasStatus(delete_api(http, gone.at("name").as_string()), 204));

    const Response listed = list_apis(http, "tag=" + query_escape(tag));
    ASSERT_TRUE(HasStatus(listed, 200));
    const json::array data = listed.json().at("data").as_array();
    ASSERT_EQ(data.size(), 1u) << listed.body;
    EXPECT_EQ(data[0].at("name"), kept.at("name"));
}

}  // namespace
}  // namespace gateway::test
