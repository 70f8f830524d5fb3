// The server binary running as a child process on a free loopback port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "support/child_environment.hpp"
#include "support/output_collector.hpp"
#include "support/temporary_directory.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {

class ServerProcess {
  public:
    // Starts the server in child_environment(extra) and waits for its listening line.
    // Throws std::runtime_error, with everything the server printed, when it exits or
    // stays silent instead; the child is killed and reaped before the throw.
    explicit ServerProcess(const Environment& extra = {},
                           std::chrono::milliseconds startup_timeout = kStartupTimeout);
    // Kills the server (SIGKILL) and reaps it if it is still running.
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }

    // Everything the server has written to stdout and stderr so far.
    std::string output() const { return output_->text(); }

    // Waits until the output contains `needle`; false after `timeout`.
    bool wait_for_output(std::string_view needle, std::chrono::milliseconds timeout) const;

    void send_signal(int signal);

    // The exit code (128 + signal when killed by one) once the process has exited,
    // nullopt if it is still running after `timeout`.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

    // Reaps the process if it has exited meanwhile; false from then on.
    bool running();

  private:
    void kill_and_reap();

    std::unique_ptr<TemporaryDirectory> data_dir_;  // see add_private_data_dir
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::unique_ptr<OutputCollector> output_;
    std::uint16_t port_ = 0;
};

// Reads the port from a line containing "listening on http://127.0.0.1:<port>" (or https).
std::optional<std::uint16_t> find_listening_port(std::string_view output);

}  // namespace gateway::test
