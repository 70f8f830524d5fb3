// A Node script of the AWS test peers (tests/aws/node) running as a child process: a
// loopback stand-in for an AWS endpoint that picks a free port and prints
// "listening on 127.0.0.1:<port>".
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/output_collector.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {

class NodeServerProcess {
  public:
    // Runs `node <script> <args...>` (node from PATH) and waits for its listening line.
    // Throws std::runtime_error, with what it printed, when it exits or stays silent.
    NodeServerProcess(const std::string& script, const std::vector<std::string>& args,
                      std::chrono::milliseconds startup_timeout = kStartupTimeout);
    // Kills (SIGKILL) and reaps it.
    ~NodeServerProcess();
    NodeServerProcess(const NodeServerProcess&) = delete;
    NodeServerProcess& operator=(const NodeServerProcess&) = delete;

    std::uint16_t port() const { return port_; }
    std::string output() const { return output_->text(); }

  private:
    void kill_and_reap();

    pid_t pid_ = -1;
    std::unique_ptr<OutputCollector> output_;
    std::uint16_t port_ = 0;
};

}  // namespace gateway::test
