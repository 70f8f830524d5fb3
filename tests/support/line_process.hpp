// A helper program that answers line by line (a Node script, say): every line written to
// its standard input gets one line back on its standard output. Its standard error is
// kept for failure messages.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/output_collector.hpp"

namespace gateway::test {

class LineProcess {
  public:
    // Starts argv[0] (looked up in PATH) in `directory` with this process's environment.
    // Throws std::system_error when it cannot be started.
    LineProcess(const std::vector<std::string>& argv, const std::string& directory);
    // Closes its input, gives it a moment to finish, then kills it.
    ~LineProcess();
    LineProcess(const LineProcess&) = delete;
    LineProcess& operator=(const LineProcess&) = delete;

    // Sends `line` and a newline. False when the program no longer reads (it exited).
    bool write_line(std::string_view line);

    // The next line it wrote, without the newline; nullopt when it closed its output or
    // stayed silent for `timeout`.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);

    // What it wrote to standard error so far.
    std::string error_output() const;

  private:
    pid_t pid_ = -1;
    int input_fd_ = -1;    // our end of its standard input (a socket: no SIGPIPE on send)
    int output_fd_ = -1;   // read end of its standard output
    std::string pending_;  // read but not yet returned
    std::unique_ptr<OutputCollector> errors_;
};

}  // namespace gateway::test
