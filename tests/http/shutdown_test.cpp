// SIGTERM and SIGINT: stop accepting, let requests in flight finish (bounded by
// SHUTDOWN_TIMEOUT), exit 0. Every test owns its server, since each ends it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <signal.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Gives the server a moment to act on what it was just sent. This orders events (the
// server has read the headers before the signal arrives); no assertion depends on it.
void let_the_server_catch_up() {
    std::this_thread::sleep_for(300ms);
}

// A request in flight: the headers and half the body of a create sent, the rest held back.
struct HalfSentCreate {
    std::string name = unique_name();
    std::string request = serialize_request("POST", "/apis", json_text(minimal_api(name)));
    std::size_t split = request.size() - 20;

    void send_first_part(RawConnection& connection) const {
        connection.write(request.substr(0, split));
    }
    void send_rest(RawConnection& connection) const { connection.write(request.substr(split)); }
};

class Shutdown : public ::testing::TestWithParam<int> {};

TEST_P(Shutdown, IdleServerExitsZero) {
    ServerProcess server;
    HttpClient http(server.port());
    ASSERT_TRUE(HasStatus(http.request("GET", "/health"), 200));
    server.send_signal(GetParam());
    EXPECT_EQ(server.wait_for_exit(kExitTimeout), 0) << server.output();
}

TEST_P(Shutdown, RequestInFlightCompletes) {
    ServerProcess server(Environment{{"SHUTDOWN_TIMEOUT", "20"}});
    RawConnection connection(server.port());
    // A first exchange makes sure the connection is accepted and being served.
    connection.write(serialize_request("GET", "/health"));
    ASSERT_TRUE(HasStatus(connection.read_response(), 200));

    const HalfSentCreate create;
    create.send_first_part(connection);
    let_the_server_catch_up();
    server.send_signal(GetParam());
    let_the_server_catch_up();
    create.send_rest(connection);

    const Response response = connection.read_response();
    ASSERT_TRUE(HasStatus(response, 201));
    EXPECT_EQ(response.json().at("name"), json::string(create.name));
    EXPECT_EQ(server.wait_for_exit(kExitTimeout), 0) << server.output();
}

INSTANTIATE_TEST_SUITE_P(Signals, Shutdown, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& info) {
                             return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });

TEST(ShutdownDraining, RefusesNewConnectionsWhileARequestFinishes) {
    ServerProcess server(Environment{{"SHUTDOWN_TIMEOUT", "20"}});
    RawConnection connection(server.port());
    connection.write(serialize_request("GET", "/health"));
    ASSERT_TRUE(HasStatus(connection.read_response(), 200));
    const HalfSentCreate create;
    create.send_first_part(connection);
    let_the_server_catch_up();
    server.send_signal(SIGTERM);

    // Stopping to accept may take the server a moment; wait for it, bounded.
    bool refused = false;
    const auto deadline = std::chrono::steady_clock::now() + kIoTimeout;
    while (!refused && std::chrono::steady_clock::now() < deadline) {
        try {
            RawConnection late(server.port(), 2s);
            late.write(serialize_request("GET", "/health"));
            refused = !late.read_response_or_close().has_value();
        } catch (const std::exception&) {
            refused = true;  // connection refused, or accepted by the kernel but never served
        }
        if (!refused) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(refused) << "new connections were still served after SIGTERM";

    create.send_rest(connection);
    EXPECT_TRUE(HasStatus(connection.read_response(), 201));
    EXPECT_EQ(server.wait_for_exit(kExitTimeout), 0) << server.output();
}

TEST(ShutdownDraining, StalledRequestIsAbandonedAfterTheShutdownTimeout) {
    ServerProcess server(Environment{{"SHUTDOWN_TIMEOUT", "1"}});
    RawConnection connection(server.port());
    connection.write(serialize_request("GET", "/health"));
    ASSERT_TRUE(HasStatus(connection.read_response(), 200));
    const HalfSentCreate create;
    create.send_first_part(connection);  // and never the rest
    let_the_server_catch_up();
    server.send_signal(SIGTERM);
    EXPECT_EQ(server.wait_for_exit(kExitTimeout), 0) << server.output();
}

// A request whose header has not all come has been promised nothing: shutdown closes its
// connection rather than wait for the rest. Every timeout is far longer than the test
// waits, so only that can make the server exit in time. Whether the server has read the
// partial header when the signal comes or not, it must exit at once.
TEST(ShutdownDraining, HalfSentHeaderDoesNotDelayExit) {
    ServerProcess server(Environment{
        {"SHUTDOWN_TIMEOUT", "300"}, {"HTTP_READ_TIMEOUT", "300"}, {"HTTP_IDLE_TIMEOUT", "300"}});
    RawConnection connection(server.port());
    connection.write(serialize_request("GET", "/health/live"));
    ASSERT_TRUE(HasStatus(connection.read_response(), 200));
    connection.write("POST /apis HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");
    server.send_signal(SIGTERM);
    EXPECT_EQ(server.wait_for_exit(kExitTimeout), 0) << server.output();
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
}

TEST(ShutdownDraining, IdleKeepAliveConnectionDoesNotDelayExit) {
    // Far longer than the test waits: exiting in time means idle connections were not
    // treated as requests in flight.
    ServerProcess server(Environment{{"SHUTDOWN_TIMEOUT", "300"}});
    HttpClient http(server.port());
    ASSERT_TRUE(HasStatus(http.request("GET", "/health"), 200));
    server.send_signal(SIGTERM);
    EXPECT_EQ(server.wait_for_exit(kExitTimeout), 0) << server.output();
}

}  // namespace
}  // namespace gateway::test
