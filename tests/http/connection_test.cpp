// HTTP/1.1 connection handling: keep-alive, pipelining, closing, and requests that are
// malformed or never finish.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <exception>
#include <string>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

using Connections = SharedServerTest;

TEST_F(Connections, ServesManyRequestsOnOneConnection) {
    auto http = client();
    const std::string name = unique_name();
    EXPECT_TRUE(HasStatus(http.request("GET", "/health"), 200));
    EXPECT_TRUE(HasStatus(create_api(http, minimal_api(name)), 201));
    EXPECT_TRUE(HasStatus(get_api(http, name), 200));
    EXPECT_TRUE(HasStatus(patch_api(http, name, json::object{{"description", "x"}}), 200));
    EXPECT_TRUE(IsDetailError(http.request("GET", "/nope"), 404));
    EXPECT_TRUE(HasStatus(delete_api(http, name), 204));
    EXPECT_TRUE(HasStatus(list_apis(http, "limit=1"), 200));
    EXPECT_EQ(http.connections_opened(), 1);
}

TEST_F(Connections, AnswersPipelinedRequestsInOrder) {
    RawConnection connection(server().port());
    const std::string name = unique_name();
    // The second request only succeeds if the first was fully handled before it.
    connection.write(serialize_request("POST", "/apis", json_text(minimal_api(name))) +
                     serialize_request("GET", "/apis/" + name) + serialize_request("GET", "/nope"));
    const Response created = connection.read_response();
    const Response fetched = connection.read_response();
    const Response missing = connection.read_response();
    ASSERT_TRUE(HasStatus(created, 201));
    ASSERT_TRUE(HasStatus(fetched, 200));
    EXPECT_EQ(fetched.json(), created.json());
    EXPECT_TRUE(IsDetailError(missing, 404));
}

TEST_F(Connections, AnswersPipelinedErrorsInOrder) {
    RawConnection connection(server().port());
    connection.write(serialize_request("GET", "/health") + serialize_request("POST", "/health") +
                     serialize_request("POST", "/apis", "{broken") +
                     serialize_request("GET", "/openapi.json"));
    EXPECT_TRUE(HasStatus(connection.read_response(), 200));
    EXPECT_TRUE(IsDetailError(connection.read_response(), 405));
    EXPECT_TRUE(IsDetailError(connection.read_response(), 400));
    const Response last = connection.read_response();
    ASSERT_TRUE(HasStatus(last, 200));
    EXPECT_TRUE(last.json().as_object().contains("openapi"));
}

TEST_F(Connections, ClosesWhenTheClientAsks) {
    RawConnection connection(server().port());
    connection.write(serialize_request("GET", "/health", {}, {{"Connection", "close"}}));
    const Response response = connection.read_response();
    EXPECT_TRUE(HasStatus(response, 200));
    EXPECT_FALSE(response.keep_alive);
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
}

TEST_F(Connections, ClosesAnHttp10ConnectionAfterItsResponse) {
    RawConnection connection(server().port());
    connection.write("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_TRUE(HasStatus(connection.read_response(), 200));
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
}

TEST_F(Connections, MalformedRequestGetsBadRequestOrClose) {
    RawConnection connection(server().port());
    connection.write("THIS IS NOT HTTP\r\n\r\n");
    if (const auto response = connection.read_response_or_close()) {
        EXPECT_EQ(response->status, 400u) << ::testing::PrintToString(*response);
    }
    auto other = client();
    EXPECT_TRUE(HasStatus(other.request("GET", "/health"), 200));
}

TEST_F(Connections, ContentLengthThatIsNotANumberGetsBadRequestOrClose) {
    RawConnection connection(server().port());
    connection.write(
        "POST /apis HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: lots\r\n\r\n{}");
    if (const auto response = connection.read_response_or_close()) {
        EXPECT_EQ(response->status, 400u) << ::testing::PrintToString(*response);
    }
    auto other = client();
    EXPECT_TRUE(HasStatus(other.request("GET", "/health"), 200));
}

TEST_F(Connections, ClientLeavingMidBodyDoesNotDisturbOthers) {
    const std::string name = unique_name();
    {
        RawConnection connection(server().port());
        const std::string request =
            serialize_request("POST", "/apis", json_text(minimal_api(name)));
        connection.write(request.substr(0, request.size() - 10));
    }
    auto http = client();
    EXPECT_TRUE(HasStatus(http.request("GET", "/health"), 200));
    // The cut-short request created nothing.
    EXPECT_TRUE(IsDetailError(get_api(http, name), 404));
}

TEST_F(Connections, ServesManyConnectionsAtOnce) {
    std::vector<std::unique_ptr<HttpClient>> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(std::make_unique<HttpClient>(server().port()));
        EXPECT_TRUE(HasStatus(clients.back()->request("GET", "/health"), 200));
    }
    // Every connection is still open and served after the others were opened.
    for (auto& http : clients) EXPECT_TRUE(HasStatus(http->request("GET", "/health"), 200));
    for (auto& http : clients) EXPECT_EQ(http->connections_opened(), 1);
}

// With a single worker thread, a client that stalls mid-request must not hold up the
// others: connections wait for the network without blocking a thread.
TEST(SingleWorker, StalledClientDoesNotBlockOthers) {
    ServerProcess server(Environment{{"WORKERS", "1"}});
    RawConnection stalled(server.port());
    const std::string request = serialize_request("POST", "/apis", json_text(minimal_api("x")));
    stalled.write(request.substr(0, request.size() / 2));
    HttpClient http(server.port());
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(HasStatus(http.request("GET", "/health"), 200));
    stalled.close();  // so that stopping need not wait for it
    expect_clean_exit(server);
}

// The timeouts need servers of their own, with one-second settings.
TEST(ConnectionTimeouts, IncompleteRequestIsDroppedAfterTheReadTimeout) {
    ServerProcess server(Environment{{"HTTP_READ_TIMEOUT", "1"}});
    RawConnection connection(server.port());
    connection.write(
        "POST /apis HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{\"name\":");
    // A 408 before closing is fine; being held open forever is not.
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
    expect_clean_exit(server);
}

// The read timeout runs from a request's first byte, header included; the idle timeout,
// set far beyond what the test waits, is not what closes these connections.
const Environment kShortReadLongIdle{{"HTTP_READ_TIMEOUT", "1"}, {"HTTP_IDLE_TIMEOUT", "300"}};

TEST(ConnectionTimeouts, HalfARequestLineIsDroppedAfterTheReadTimeout) {
    ServerProcess server(kShortReadLongIdle);
    RawConnection connection(server.port());
    connection.write("GET /hea");
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
    expect_clean_exit(server);
}

TEST(ConnectionTimeouts, HalfAHeaderAfterARequestIsDroppedAfterTheReadTimeout) {
    ServerProcess server(kShortReadLongIdle);
    RawConnection connection(server.port());
    connection.write(serialize_request("GET", "/health/live"));
    ASSERT_TRUE(HasStatus(connection.read_response(), 200));
    connection.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
    expect_clean_exit(server);
}

// A slowloris client: every byte of the header on time for any per-read timeout, the
// header as a whole never complete.
TEST(ConnectionTimeouts, TricklingHeaderIsDroppedAfterTheReadTimeout) {
    ServerProcess server(kShortReadLongIdle);
    RawConnection connection(server.port());
    connection.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    const auto give_up = std::chrono::steady_clock::now() + kIoTimeout;
    bool closed = false;
    while (!closed && std::chrono::steady_clock::now() < give_up) {
        try {
            connection.write("a");
        } catch (const std::exception&) {
            closed = true;  // the server had closed it: the write failed
            break;
        }
        closed = connection.peer_closed_within(std::chrono::milliseconds(250));
    }
    EXPECT_TRUE(closed) << "a header trickling in kept the connection open";
    expect_clean_exit(server);
}

TEST(ConnectionTimeouts, IdleConnectionIsClosedAfterTheIdleTimeout) {
    ServerProcess server(Environment{{"HTTP_IDLE_TIMEOUT", "1"}});
    RawConnection connection(server.port());
    connection.write(serialize_request("GET", "/health"));
    EXPECT_TRUE(HasStatus(connection.read_response(), 200));
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
