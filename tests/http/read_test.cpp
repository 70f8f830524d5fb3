// GET /apis/{ref}: an API is found by its id or by its name.
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

using ReadApi = SharedServerTest;

TEST_F(ReadApi, ById) {
    auto http = client();
    const Response created = create_api(http, full_api(unique_name()));
    ASSERT_TRUE(HasStatus(created, 201));
    const Response fetched = get_api(http, created.json().at("id").as_string());
    ASSERT_TRUE(HasStatus(fetched, 200));
    EXPECT_EQ(fetched.json(), created.json());
    EXPECT_EQ(fetched.header("ETag"), "\"1\"");
}

TEST_F(ReadApi, ByName) {
    auto http = client();
    const std::string name = unique_name();
    const Response created = create_api(http, full_api(name));
    ASSERT_TRUE(HasStatus(created, 201));
    const Response fetched = get_api(http, name);
    ASSERT_TRUE(HasStatus(fetched, 200));
    EXPECT_EQ(fetched.json(), created.json());
    EXPECT_EQ(fetched.header("ETag"), "\"1\"");
}

TEST_F(ReadApi, UnknownIdIsNotFound) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(get_api(http, "3f1c2b9e-8d4a-4c3b-9e2f-1a2b3c4d5e6f"), 404));
}

TEST_F(ReadApi, UnknownNameIsNotFound) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(get_api(http, unique_name("never-created")), 404));
}

TEST_F(ReadApi, EtagFollowsTheRevision) {
    auto http = client();
    const std::string name = unique_name();
    ASSERT_TRUE(HasStatus(create_api(http, minimal_api(name)), 201));
    ASSERT_TRUE(HasStatus(patch_api(http, name, json::object{{"description", "one"}}), 200));
    ASSERT_TRUE(HasStatus(patch_api(http, name, json::object{{"description", "two"}}), 200));
    const Response fetched = get_api(http, name);
    ASSERT_TRUE(HasStatus(fetched, 200));
    EXPECT_EQ(fetched.json().at("revision"), 3);
    EXPECT_EQ(fetched.header("ETag"), "\"3\"");
}

}  // namespace
}  // namespace gateway::test
