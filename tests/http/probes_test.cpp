// GET /health/live and GET /health/ready, the probes of an orchestrator: over the wire,
// and readiness turning 503 once shutdown has begun.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <signal.h>

#include <string>

#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

using Probes = SharedServerTest;

TEST_F(Probes, LiveAnswers200Uncached) {
    auto http = client();
    const Response response = http.request("GET", "/health/live");
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json(), (json::object{{"status", "alive"}})) << response.body;
    EXPECT_TRUE(response.header("Content-Type").value_or("").starts_with("application/json"));
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
}

TEST_F(Probes, ReadyAnswers200OnceStarted) {
    auto http = client();
    const Response response = http.request("GET", "/health/ready");
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json(), (json::object{{"status", "ready"}})) << response.body;
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
}

TEST_F(Probes, OtherMethodsAre405AllowingGetHeadAndOptions) {
    auto http = client();
    for (const char* path : {"/health/live", "/health/ready"}) {
        for (const char* method : {"POST", "DELETE"}) {
            SCOPED_TRACE(std::string(method) + " " + path);
            const Response response = http.request(method, path);
            EXPECT_TRUE(IsDetailError(response, 405));
            EXPECT_EQ(response.header("Allow"), "GET, HEAD, OPTIONS");
        }
    }
}

TEST_F(Probes, UnknownProbeIs404) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(http.request("GET", "/health/started"), 404));
    EXPECT_TRUE(IsDetailError(http.request("GET", "/health/ready/now"), 404));
}

// Idle connections close as soon as shutdown begins, so the probe has to be a request
// already in flight. Its header goes first with `Expect: 100-continue`: the server
// answers 100 only once it has read the header, and from then on shutdown waits for
// that request. A second, idle connection closing shows that shutdown has begun; then
// the probe's one-byte body is sent and its answer read. Every step waits on an event.
TEST(ProbesWhileDraining, ReadyIs503OnceShutdownBegins) {
    ServerProcess server(Environment{{"SHUTDOWN_TIMEOUT", "60"}});

    RawConnection idle(server.port());
    idle.write(serialize_request("GET", "/health/ready"));
    ASSERT_TRUE(HasStatus(idle.read_response(), 200));  // accepted, served, now idle

    RawConnection probe(server.port());
    probe.write(
        "GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
        "Content-Length: 1\r\n\r\n");
    ASSERT_TRUE(HasStatus(probe.read_response(), 100));

    server.send_signal(SIGTERM);
    ASSERT_TRUE(idle.wait_for_close(kIoTimeout)) << "shutdown did not close an idle connection";

    probe.write("x");
    const Response response = probe.read_response();
    ASSERT_TRUE(HasStatus(response, 503));
    EXPECT_EQ(response.json(), (json::object{{"status", "not ready"}, {"reason", "shutting down"}}))
        << response.body;
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
    EXPECT_FALSE(response.keep_alive);

    EXPECT_EQ(server.wait_for_exit(kExitTimeout), 0) << server.output();
}

}  // namespace
}  // namespace gateway::test
