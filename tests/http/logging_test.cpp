// What the server writes to stdout: one access-log line per request, and in the JSON
// format nothing but JSON objects.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

std::size_t count_lines_with(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        count += line.find(needle) != std::string::npos;
    return count;
}

using Logging = SharedServerTest;

TEST_F(Logging, WritesOneAccessLogLinePerRequest) {
    auto http = client();
    // A path no other request uses, so every line naming it is about these requests.
    const std::string path = "/apis/" + unique_name("logged");
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(IsDetailError(http.request("GET", path), 404));
    ASSERT_TRUE(HasStatus(http.request("GET", "/health"), 200));

    // Logging may lag the responses; wait (bounded) until all three lines arrived.
    server().wait_for_output(path, kIoTimeout);
    const auto deadline = std::chrono::steady_clock::now() + kIoTimeout;
    while (count_lines_with(server().output(), path) < 3 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(count_lines_with(server().output(), path), 3u) << server().output();
}

TEST(JsonLogging, WritesOnlyJsonObjects) {
    ServerProcess server(Environment{{"LOG_FORMAT", "json"}});
    HttpClient http(server.port());
    const std::string path = "/apis/" + unique_name("logged");
    EXPECT_TRUE(IsDetailError(http.request("GET", path), 404));
    EXPECT_TRUE(server.wait_for_output(path, kIoTimeout));

    // Only whole lines: the last one may still be being written.
    std::string output = server.output();
    output.erase(output.find_last_of('\n') + 1);
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        boost::system::error_code error;
        const json::value parsed = json::parse(line, error);
        EXPECT_TRUE(!error && parsed.is_object()) << "not a JSON object: " << line;
    }
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
