// HEAD and OPTIONS on every route, and the request-target forms a server must accept.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <sstream>
#include <string>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

using Methods = SharedServerTest;

// HEAD then GET of `target` on one connection, the GET right behind the HEAD: a body
// after the HEAD's head would be read as the start of the GET's response.
void expect_head_matches_get(std::uint16_t port, const std::string& target) {
    SCOPED_TRACE("HEAD " + target);
    RawConnection connection(port);
    connection.write(serialize_request("HEAD", target) + serialize_request("GET", target));
    const Response head = connection.read_head_response();
    const Response get = connection.read_response();
    ASSERT_EQ(head.status, get.status) << ::testing::PrintToString(get);
    EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size()));
    EXPECT_EQ(head.header("Content-Type"), get.header("Content-Type"));
    EXPECT_EQ(head.header("ETag"), get.header("ETag"));
    EXPECT_TRUE(head.body.empty());
}

TEST_F(Methods, HeadAnswersLikeGetWithoutABody) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    for (const std::string& target :
         {"/apis/" + name, std::string("/apis?limit=2"), std::string("/openapi.json"),
          std::string("/health/live"), std::string("/health/ready")}) {
        expect_head_matches_get(server().port(), target);
    }
}

TEST_F(Methods, HeadOfAnUnknownApiIs404WithoutABody) {
    RawConnection connection(server().port());
    connection.write(serialize_request("HEAD", "/apis/" + unique_name()) +
                     serialize_request("GET", "/health/live"));
    EXPECT_EQ(connection.read_head_response().status, 404u);
    EXPECT_TRUE(HasStatus(connection.read_response(), 200));
}

struct OptionsRow {
    const char* target;
    std::set<std::string> allowed;
};

class Options : public SharedServerTest, public ::testing::WithParamInterface<OptionsRow> {};

TEST_P(Options, Answers204WithAllow) {
    auto http = client();
    const Response response = http.request("OPTIONS", GetParam().target);
    ASSERT_TRUE(HasStatus(response, 204));
    EXPECT_EQ(allowed_methods(response), GetParam().allowed)
        << response.header("Allow").value_or("(no Allow)");
    EXPECT_TRUE(response.body.empty());
    // The connection stays usable.
    EXPECT_TRUE(HasStatus(http.request("GET", "/health/live"), 200));
    EXPECT_EQ(http.connections_opened(), 1);
}

INSTANTIATE_TEST_SUITE_P(Routes, Options,
                         ::testing::Values(OptionsRow{"/apis", {"GET", "HEAD", "POST", "OPTIONS"}},
                                           OptionsRow{"/apis/any-name",
                                                      {"GET", "HEAD", "PUT", "PATCH", "DELETE",
                                                       "OPTIONS"}},
                                           OptionsRow{"/health", {"GET", "HEAD", "OPTIONS"}},
                                           OptionsRow{"/health/live", {"GET", "HEAD", "OPTIONS"}},
                                           OptionsRow{"/health/ready", {"GET", "HEAD", "OPTIONS"}},
                                           OptionsRow{"/openapi.json", {"GET", "HEAD", "OPTIONS"}}),
                         [](const auto& info) {
                             std::string name = info.param.target;
                             for (char& c : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             }
                             return name;
                         });

TEST_F(Methods, OptionsOfAnUnknownPathIs404) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(http.request("OPTIONS", "/nope"), 404));
}

TEST_F(Methods, MethodNotAllowedListsHeadAndOptions) {
    auto http = client();
    const Response response = http.request("DELETE", "/health");
    ASSERT_TRUE(IsDetailError(response, 405));
    EXPECT_EQ(allowed_methods(response), (std::set<std::string>{"GET", "HEAD", "OPTIONS"}));
}

// RFC 9112 3.2.2: a server must accept a target in absolute form, and routes by its path
// and query.
TEST_F(Methods, AbsoluteFormTargetIsRoutedByItsPathAndQuery) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    const std::string origin = "http://127.0.0.1:" + std::to_string(server().port());

    const Response live = http.request("GET", origin + "/health/live");
    ASSERT_TRUE(HasStatus(live, 200));
    EXPECT_EQ(live.json(), (json::object{{"status", "alive"}}));

    const Response fetched = http.request("GET", origin + "/apis/" + name);
    ASSERT_TRUE(HasStatus(fetched, 200));
    EXPECT_EQ(fetched.json().at("name"), json::string(name));

    const Response listed = http.request("GET", origin + "/apis?limit=1");
    ASSERT_TRUE(HasStatus(listed, 200));
    EXPECT_EQ(listed.json().at("data").as_array().size(), 1u);
}

TEST_F(Methods, AbsoluteFormOfAnotherSchemeIsRefused) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(http.request("GET", "ftp://127.0.0.1/health/live"), 400));
}

}  // namespace
}  // namespace gateway::test
