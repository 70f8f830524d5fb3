// Request correlation: X-Request-ID kept or made, returned on every answer, and written
// with the request's fields (and its W3C trace id) into the access log.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

using RequestIds = SharedServerTest;

bool is_made_up_id(const std::string& id) {
    return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string id_of(const Response& response) {
    return response.header("X-Request-ID").value_or("<none>");
}

// The access line of the request with `id`, parsed; throws when there is none.
json::object access_line_of(const ServerProcess& server, const std::string& id) {
    const std::string needle = "\"request_id\":\"" + id + "\"";
    if (!server.wait_for_output(needle, kIoTimeout)) {
        throw std::runtime_error("no line with " + needle + " in:\n" + server.output());
    }
    const auto lines = lines_containing(server.output(), {needle, "\"status\""});
    if (lines.empty()) throw std::runtime_error("no access line for " + id);
    return json::parse(lines.front()).as_object();
}

TEST_F(RequestIds, ASafeIdIsReturnedAsSent) {
    auto http = client();
    const std::string sent = "deploy-42_retry.1:a+b/c=@x";
    EXPECT_EQ(id_of(http.request("GET", "/health", {}, {{"X-Request-ID", sent}})), sent);
}

TEST_F(RequestIds, ARequestWithoutOneGetsANewIdEachTime) {
    auto http = client();
    std::set<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        const std::string id = id_of(http.request("GET", "/health"));
        EXPECT_TRUE(is_made_up_id(id)) << id;
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 5u);
}

TEST_F(RequestIds, AnIdThatIsNotSafeToEchoIsReplaced) {
    auto http = client();
    for (const std::string& sent :
         {std::string(129, 'a'), std::string("two words"), std::string("quote\"d"),
          std::string("semi;colon"), std::string("percent%41")}) {
        const std::string id = id_of(http.request("GET", "/health", {}, {{"X-Request-ID", sent}}));
        EXPECT_TRUE(is_made_up_id(id)) << "sent " << sent << ", got " << id;
    }
    // 128 characters is the longest kept.
    const std::string longest(128, 'b');
    EXPECT_EQ(id_of(http.request("GET", "/health", {}, {{"X-Request-ID", longest}})), longest);
}

TEST_F(RequestIds, ErrorAnswersCarryOneToo) {
    auto http = client();
    const Response missing =
        http.request("GET", "/apis/" + unique_name("absent"), {}, {{"X-Request-ID", "lost-1"}});
    EXPECT_TRUE(IsDetailError(missing, 404));
    EXPECT_EQ(id_of(missing), "lost-1");
    const Response not_allowed = http.request("DELETE", "/health");
    EXPECT_EQ(not_allowed.status, 405u);
    EXPECT_TRUE(is_made_up_id(id_of(not_allowed))) << id_of(not_allowed);

    // Refused by the parser before any route: still answered with an id.
    RawConnection raw(server().port());
    const Response malformed = raw.exchange("GET /health HTTP/1.1\r\nHost x\r\n\r\n");
    EXPECT_EQ(malformed.status, 400u);
    EXPECT_TRUE(is_made_up_id(id_of(malformed))) << id_of(malformed);
}

TEST(JsonAccessLog, CarriesTheRequestsFields) {
    ServerProcess server(Environment{{"LOG_FORMAT", "json"}});
    HttpClient http(server.port());
    const std::string name = unique_name("fields");
    const std::string id = "fields-" + name;
    const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const Response answer = http.request(
        "GET", "/apis/" + name + "?limit=3&secret=no", {},
        {{"X-Request-ID", id}, {"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}});
    ASSERT_TRUE(IsDetailError(answer, 404));

    const json::object line = access_line_of(server, id);
    EXPECT_EQ(string_at(line, "level"), "info");
    EXPECT_EQ(string_at(line, "method"), "GET");
    EXPECT_EQ(string_at(line, "route"), "/apis/{api_id}");
    EXPECT_EQ(string_at(line, "path"), "/apis/" + name) << "the query is not logged";
    EXPECT_EQ(line.at("status"), 404);
    EXPECT_GE(line.at("duration_ms").to_number<double>(), 0.0);
    EXPECT_EQ(string_at(line, "remote_addr"), "127.0.0.1");
    EXPECT_GT(line.at("bytes_out").to_number<std::size_t>(), answer.body.size());
    EXPECT_EQ(string_at(line, "trace_id"), trace);
    EXPECT_EQ(string_at(line, "actor"), "anonymous") << "no key file: every caller is anonymous";
    EXPECT_NE(string_at(line, "message").find("GET /apis/" + name + " 404"), std::string::npos);
    expect_clean_exit(server);
}

TEST(JsonAccessLog, LeavesOutAnInvalidTraceparent) {
    ServerProcess server(Environment{{"LOG_FORMAT", "json"}});
    HttpClient http(server.port());
    const std::string id = "trace-" + unique_name("bad");
    ASSERT_TRUE(HasStatus(
        http.request("GET", "/health/live", {},
                     {{"X-Request-ID", id},
                      {"traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}}),
        200));
    const json::object line = access_line_of(server, id);
    EXPECT_EQ(string_at(line, "route"), "/health/live");
    EXPECT_FALSE(line.contains("trace_id")) << json::serialize(line);
    expect_clean_exit(server);
}

TEST(TextAccessLog, EndsWithTheRequestId) {
    ServerProcess server;
    HttpClient http(server.port());
    const std::string id = "text-" + unique_name("line");
    ASSERT_TRUE(HasStatus(http.request("GET", "/health/live", {}, {{"X-Request-ID", id}}), 200));
    ASSERT_TRUE(server.wait_for_output("id=" + id, kIoTimeout)) << server.output();
    EXPECT_EQ(lines_containing(server.output(), {"GET /health/live 200", "id=" + id}).size(), 1u)
        << server.output();
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
