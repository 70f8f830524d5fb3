// Starting the server binary as a child process whose stdout and stderr share one pipe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/child_environment.hpp"

namespace gateway::test {

// The binary under test, as the build system located it.
const char* gateway_binary();

struct SpawnedChild {
    pid_t pid = -1;
    int output_fd = -1;  // read end of the stdout+stderr pipe; the caller owns it
};

// Starts the server binary with `args` (argv[1...]) in child_environment(extra).
// Throws std::system_error when the process cannot be started.
SpawnedChild spawn_server_binary(const std::vector<std::string>& args, const Environment& extra);

// A waitpid() status as a shell reports it: the exit code, or 128 + the signal number.
int exit_code_from_status(int status);

// Throws std::system_error for `error` (an errno value), saying what failed.
[[noreturn]] void throw_errno(int error, const char* what);

}  // namespace gateway::test
