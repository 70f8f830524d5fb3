// Reading what the server printed: its log lines, and the JSON report of `check-db`.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/child_environment.hpp"
#include "support/http_response.hpp"
#include "support/server_process.hpp"

namespace gateway::test {

// The lines of `output` that contain every one of `needles`.
std::vector<std::string> lines_containing(std::string_view output,
                                          const std::vector<std::string_view>& needles);

// Waits until at least `count` lines of the server's output contain `needle`, e.g. the
// n-th "database: using" after a SIGHUP; false after `timeout`.
bool wait_for_line_count(const ServerProcess& server, std::string_view needle, std::size_t count,
                         std::chrono::milliseconds timeout);

struct CheckDbRun {
    std::optional<int> exit_code;               // nullopt when it had to be killed
    std::string output;                         // its logs and its report, interleaved
    std::optional<boost::json::object> report;  // the JSON object it printed, if any
};

// `gateway-api check-db` in child_environment(env), run to completion.
CheckDbRun run_check_db(const Environment& env);

// The "database" object of a /health response; throws std::runtime_error, quoting the
// response, when there is none.
boost::json::object health_database(const Response& health);

// A string member of `object`, or "" when it is missing or not a string, so that a
// failed expectation shows what was there instead of throwing.
std::string string_at(const boost::json::object& object, std::string_view key);

}  // namespace gateway::test
