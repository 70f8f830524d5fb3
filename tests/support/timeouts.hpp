// Upper bounds on every wait a test makes. They exist so that a broken server fails a test
// instead of hanging it; they are generous because sanitizer builds run several times
// slower, and no test may depend on how fast anything actually is.
#pragma once

#include <chrono>

namespace gateway::test {

using namespace std::chrono_literals;

// One HTTP exchange: connect, write, or read one response.
inline constexpr std::chrono::milliseconds kIoTimeout = 20s;

// From exec until the server prints its listening line.
inline constexpr std::chrono::milliseconds kStartupTimeout = 30s;

// From a signal, or from the end of a command-line run, until the process has exited.
inline constexpr std::chrono::milliseconds kExitTimeout = 30s;

// waitpid() has no timeout; polling it is the portable bounded wait. The interval only
// limits how soon an exit is noticed, never what a test asserts.
inline constexpr std::chrono::milliseconds kReapPollInterval = 10ms;

}  // namespace gateway::test
