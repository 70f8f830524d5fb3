// Running the server binary to completion, for the command line and start-up failures.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/child_environment.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {

struct CompletedRun {
    // nullopt when the process had to be killed: still running at the deadline, or
    // serving (it printed its listening line) when it should have exited.
    std::optional<int> exit_code;
    std::string output;  // stdout and stderr, interleaved as written
};

CompletedRun run_to_completion(const std::vector<std::string>& args, const Environment& extra = {},
                               std::chrono::milliseconds timeout = kExitTimeout);

}  // namespace gateway::test
