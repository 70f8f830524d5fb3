#include "support/node_stand_in.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "support/child_environment.hpp"

namespace gateway::test {
namespace {

// The first line, once it is complete, as a port number.
std::optional<std::uint16_t> port_line(std::string_view output) {
    const auto end = output.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    unsigned value = 0;
    const auto [stop, error] = std::from_chars(output.data(), output.data() + end, value);
    if (error != std::errc{} || stop != output.data() + end || value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

}  // namespace

NodeStandIn::NodeStandIn(const std::string& script, const std::vector<std::string>& args,
                         std::chrono::milliseconds startup_timeout) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    std::vector<std::string> argv{"node", script};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_argv;
    for (auto& arg : argv) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);
    // Only PATH and the sanitizer options: the developer's AWS_* variables stay out.
    std::vector<std::string> envp;
    for (const auto& [name, value] : child_environment({})) envp.push_back(name + "=" + value);
    std::vector<char*> c_envp;
    for (auto& entry : envp) c_envp.push_back(entry.data());
    c_envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    const int error = posix_spawnp(&pid_, "node", &actions, nullptr, c_argv.data(), c_envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (error != 0) {
        close(fds[0]);
        throw std::system_error(error, std::generic_category(), "posix_spawnp node " + script);
    }
    try {
        output_ = std::make_unique<OutputCollector>(fds[0]);
    } catch (...) {
        kill_and_reap();
        throw;
    }
    const bool ready = output_->wait_until(
        [](std::string_view text) { return port_line(text).has_value(); }, startup_timeout);
    if (!ready) {
        kill_and_reap();
        output_->wait_for_close(kExitTimeout);
        throw std::runtime_error("node " + script + " printed no port; its output:\n" +
                                 output_->text());
    }
    port_ = *port_line(output_->text());
}

NodeStandIn::~NodeStandIn() {
    kill_and_reap();
}

std::string NodeStandIn::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

void NodeStandIn::kill_and_reap() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

}  // namespace gateway::test
