// The header and body limits cover everything a request sends: chunk extensions and
// trailers included, so no request can make the server hold more than the limits allow.
// Each test sends far more than the limits and expects an answer (or a close) long before
// the read timeout, which is set beyond the test's own waits.
#include <gtest/gtest.h>

#include <string>

#include "support/raw_connection.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

// The read timeout must not be what ends these requests.
const Environment kPatientServer{{"HTTP_READ_TIMEOUT", "300"}, {"SHUTDOWN_TIMEOUT", "300"}};

constexpr std::size_t kMiB = std::size_t{1024} * 1024;

std::string chunked_create_head() {
    return "POST /apis HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Transfer-Encoding: chunked\r\n\r\n";
}

// 400, 413 or 431 all tell the client its request was refused; what matters is that an
// answer comes.
::testing::AssertionResult IsRefusal(const Response& response) {
    if (response.status == 400 || response.status == 413 || response.status == 431) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "status " << response.status << ": " << response.body;
}

TEST(RequestLimits, EndlessChunkExtensionIsRefused) {
    ServerProcess server(kPatientServer);
    RawConnection connection(server.port());
    // One chunk-size line that never ends: two MiB of extension, more than the header and
    // body limits together.
    std::string request = chunked_create_head();
    request += "1;x=";
    request.append(2 * kMiB, 'a');
    const Response response = connection.exchange(request);
    EXPECT_TRUE(IsRefusal(response));
    EXPECT_FALSE(response.keep_alive);
    expect_clean_exit(server);
}

TEST(RequestLimits, ManyChunkExtensionsCountAgainstTheLimit) {
    ServerProcess server(kPatientServer);
    RawConnection connection(server.port());
    // Each line is short and the data, one byte a chunk, is a JSON object (which, without
    // the limit, would get a 422), but the extensions add up to more than a MiB and a half.
    std::string request = chunked_create_head();
    const std::string extension = ";x=" + std::string(8 * 1024, 'a');
    for (int i = 0; i < 200; ++i) {
        const char data = i == 0 ? '{' : (i == 199 ? '}' : ' ');
        request += "1" + extension + "\r\n" + data + "\r\n";
    }
    request += "0\r\n\r\n";
    const Response response = connection.exchange(request);
    EXPECT_TRUE(IsRefusal(response));
    expect_clean_exit(server);
}

// A trailer field over 64 KiB once made Beast throw outside the session: no answer, and
// a session that stayed open until the shutdown timeout ran out.
TEST(RequestLimits, OversizedTrailerIsRefusedAndReleased) {
    ServerProcess server(kPatientServer);
    RawConnection connection(server.port());
    std::string request = chunked_create_head();
    request += "2\r\n{}\r\n0\r\nX-Big: ";
    request.append(70 * 1024, 'a');
    request += "\r\n\r\n";
    const Response response = connection.exchange(request);
    EXPECT_TRUE(IsRefusal(response));
    EXPECT_TRUE(connection.wait_for_close(kIoTimeout));
    // SHUTDOWN_TIMEOUT is far longer than this waits: exiting in time means the session
    // was released, not left waiting.
    expect_clean_exit(server);
}

TEST(RequestLimits, ServerStillServesAfterRefusals) {
    ServerProcess server(kPatientServer);
    {
        RawConnection connection(server.port());
        std::string request = chunked_create_head();
        request += "1;";
        request.append(kMiB, 'a');
        connection.exchange(request);
    }
    RawConnection other(server.port());
    other.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(other.read_response().status, 200u);
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
