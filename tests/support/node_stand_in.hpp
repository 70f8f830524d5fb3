// A Node script run as a loopback stand-in for a remote endpoint: it listens on
// 127.0.0.1 on a port the kernel picks and prints that port as its first line.
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

class NodeStandIn {
  public:
    // Runs `node script args...` (node looked up in PATH) and waits for the port line.
    // Throws std::runtime_error, with what the script printed, when it exits or stays
    // silent instead; the child is killed and reaped before the throw.
    explicit NodeStandIn(const std::string& script, const std::vector<std::string>& args = {},
                         std::chrono::milliseconds startup_timeout = kStartupTimeout);
    // Kills the script (SIGKILL) and reaps it.
    ~NodeStandIn();
    NodeStandIn(const NodeStandIn&) = delete;
    NodeStandIn& operator=(const NodeStandIn&) = delete;

    std::uint16_t port() const { return port_; }
    // "http://127.0.0.1:<port>"
    std::string base_url() const;
    // Everything the script has printed so far, for failure messages.
    std::string output() const { return output_->text(); }

  private:
    void kill_and_reap();

    pid_t pid_ = -1;
    std::unique_ptr<OutputCollector> output_;
    std::uint16_t port_ = 0;
};

}  // namespace gateway::test
