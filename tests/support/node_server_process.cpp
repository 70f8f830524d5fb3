#include "support/node_server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace gateway::test {

namespace {

constexpr std::string_view kListeningPrefix = "listening on 127.0.0.1:";

std::optional<std::uint16_t> listening_port(std::string_view output) {
    const auto at = output.find(kListeningPrefix);
    if (at == std::string_view::npos) return std::nullopt;
    const char* first = output.data() + at + kListeningPrefix.size();
    const char* last = output.data() + output.size();
    unsigned value = 0;
    const auto [end, error] = std::from_chars(first, last, value);
    // Digits cut short by the end of the buffer may still be arriving.
    if (error != std::errc{} || end == last || value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

NodeServerProcess::NodeServerProcess(const std::string& script,
                                     const std::vector<std::string>& args,
                                     std::chrono::milliseconds startup_timeout) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");

    std::vector<std::string> argv{"node", script};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_argv;
    for (auto& arg : argv) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);
    // Only PATH: the peer must not see the developer's AWS variables.
    std::string path = "PATH=";
    const char* inherited = std::getenv("PATH");
    path += inherited != nullptr ? inherited : "/usr/local/bin:/usr/bin:/bin";
    char* c_envp[] = {path.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    const int error = posix_spawnp(&pid_, "node", &actions, nullptr, c_argv.data(), c_envp);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (error != 0) {
        close(fds[0]);
        throw std::system_error(error, std::generic_category(), "posix_spawnp node");
    }
    try {
        output_ = std::make_unique<OutputCollector>(fds[0]);
    } catch (...) {
        kill_and_reap();
        throw;
    }
    const bool listening = output_->wait_until(
        [](std::string_view text) { return listening_port(text).has_value(); }, startup_timeout);
    if (!listening) {
        kill_and_reap();
        output_->wait_for_close(kExitTimeout);
        throw std::runtime_error("node " + script + " did not start listening; its output:\n" +
                                 output_->text());
    }
    port_ = *listening_port(output_->text());
}

NodeServerProcess::~NodeServerProcess() {
    kill_and_reap();
}

void NodeServerProcess::kill_and_reap() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

}  // namespace gateway::test
