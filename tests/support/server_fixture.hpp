// GoogleTest fixtures that run the server binary for the tests of one suite.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string_view>

#include "support/child_environment.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace gateway::test {

// One server shared by every test of a suite: tests must not depend on each other's data,
// which unique_name() and per-test tags provide. A suite that needs other settings
// defines its own SetUpTestSuite() calling start_shared_server(env).
class SharedServerTest : public ::testing::Test {
  public:
    static void SetUpTestSuite() { start_shared_server({}); }
    static void TearDownTestSuite();

  protected:
    static void start_shared_server(const Environment& env);

    // Fails the test when the server is not running; restarts one that died in an
    // earlier test, so one crash fails one test rather than the rest of the suite.
    void SetUp() override;
    // Fails the test whose requests made the server crash or report a sanitizer error.
    void TearDown() override;

    static ServerProcess& server() { return *server_; }
    static HttpClient client() { return HttpClient(server_->port()); }

  private:
    // GoogleTest's suite-level state: what SetUpTestSuite starts, TearDownTestSuite ends.
    static inline std::unique_ptr<ServerProcess> server_;
    static inline Environment environment_;
    static inline std::size_t reported_output_chars_ = 0;
};

// A shared server with four worker threads, so that concurrent requests are handled
// truly in parallel, not merely interleaved on one thread.
class ParallelServerTest : public SharedServerTest {
  public:
    static void SetUpTestSuite() { start_shared_server({{"WORKERS", "4"}}); }
};

// Checks a server's health at the end of a test: still running, no sanitizer report in
// its output beyond `from_char`. Returns the output size for the next check.
std::size_t expect_server_sound(ServerProcess& server, std::size_t from_char = 0);

// Stops a server as an operator would (SIGTERM) and checks that it exits 0 with no
// sanitizer report. Sanitizers report leaks and some races only at a normal exit, which
// a killed server never reaches.
void expect_clean_exit(ServerProcess& server);

// /health answers 200 with the primary in use, healthy, chosen from `source`.
void expect_healthy_primary(const ServerProcess& server, std::string_view source);

}  // namespace gateway::test
