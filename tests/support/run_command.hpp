// Running a helper program (a script, pg_ctl) to completion with a bound on how long it
// may take, keeping what it printed for the failure message.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gateway::test {

struct CommandResult {
    std::optional<int> exit_code;  // nullopt when it had to be killed at the deadline
    std::string output;            // stdout and stderr, interleaved
};

// Runs argv[0] (looked up in PATH) with this process's environment, in `directory` when
// given (a program run as another user may not be allowed into ours).
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::string& directory = {});

// Runs it and throws std::runtime_error, quoting the command and its output, unless it
// exits 0 in time.
std::string must_run_command(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout, const std::string& directory = {});

}  // namespace gateway::test
