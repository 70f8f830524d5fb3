#include "support/server_fixture.hpp"

#include <signal.h>

#include <optional>
#include <string>

#include "support/response_assertions.hpp"
#include "support/sanitizer_report.hpp"
#include "support/server_output.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {

namespace {

constexpr std::size_t kShownOutputChars = 4000;

std::string tail(const std::string& text) {
    return text.size() > kShownOutputChars ? text.substr(text.size() - kShownOutputChars) : text;
}

}  // namespace

std::size_t expect_server_sound(ServerProcess& server, std::size_t from_char) {
    const std::string output = server.output();
    if (output.size() > from_char) {
        if (auto report = find_sanitizer_report(std::string_view(output).substr(from_char))) {
            ADD_FAILURE() << "the server reported:\n" << *report;
        }
    }
    EXPECT_TRUE(server.running()) << "the server is no longer running; its last output:\n"
                                  << tail(output);
    return output.size();
}

void expect_clean_exit(ServerProcess& server) {
    server.send_signal(SIGTERM);
    const std::optional<int> code = server.wait_for_exit(kExitTimeout);
    const std::string output = server.output();
    EXPECT_EQ(code, 0) << "SIGTERM did not end the server cleanly; its last output:\n"
                       << tail(output);
    if (auto report = find_sanitizer_report(output)) {
        ADD_FAILURE() << "the server reported:\n" << *report;
    }
}

void SharedServerTest::start_shared_server(const Environment& env) {
    environment_ = env;
    reported_output_chars_ = 0;
    server_ = std::make_unique<ServerProcess>(env);
}

void SharedServerTest::TearDownTestSuite() {
    server_.reset();
}

void SharedServerTest::SetUp() {
    if (server_ && !server_->running()) {
        server_.reset();
        start_shared_server(environment_);
    }
    ASSERT_NE(server_, nullptr) << "the server did not start for this suite";
}

void SharedServerTest::TearDown() {
    if (server_) reported_output_chars_ = expect_server_sound(*server_, reported_output_chars_);
}

void expect_healthy_primary(const ServerProcess& server, std::string_view source) {
    HttpClient client(server.port());
    const Response health = client.request("GET", "/health");
    ASSERT_TRUE(HasStatus(health, 200));
    const auto database = health_database(health);
    EXPECT_EQ(string_at(database, "status"), "healthy") << health.body;
    EXPECT_EQ(string_at(database, "type"), "postgresql") << health.body;
    EXPECT_EQ(string_at(database, "source"), source) << health.body;
    EXPECT_EQ(database.at("using_primary"), true) << health.body;
}

}  // namespace gateway::test
