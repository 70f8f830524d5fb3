#include "support/line_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <thread>

#include "support/spawn.hpp"
#include "support/timeouts.hpp"

extern char** environ;

namespace gateway::test {
namespace {

// How long the program gets to exit by itself once its input is closed.
constexpr auto kExitGrace = std::chrono::seconds(5);

void close_all(std::initializer_list<int> fds) {
    for (const int fd : fds) {
        if (fd >= 0) close(fd);
    }
}

}  // namespace

LineProcess::LineProcess(const std::vector<std::string>& argv, const std::string& directory) {
    // Its standard input is one end of a socket pair, so a write after it exited fails
    // with EPIPE (MSG_NOSIGNAL) instead of killing the test with SIGPIPE.
    int input[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, input) != 0) {
        throw_errno(errno, "socketpair");
    }
    int output[2];
    if (pipe2(output, O_CLOEXEC) != 0) {
        const int error = errno;
        close_all({input[0], input[1]});
        throw_errno(error, "pipe2");
    }
    int errors[2];
    if (pipe2(errors, O_CLOEXEC) != 0) {
        const int error = errno;
        close_all({input[0], input[1], output[0], output[1]});
        throw_errno(error, "pipe2");
    }

    std::vector<std::string> args = argv;
    std::vector<char*> c_argv;
    for (auto& arg : args) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the targets, so only 0, 1 and 2 survive exec.
    posix_spawn_file_actions_adddup2(&actions, input[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errors[1], STDERR_FILENO);
    posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
    const int error = posix_spawnp(&pid_, c_argv[0], &actions, nullptr, c_argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close_all({input[1], output[1], errors[1]});
    if (error != 0) {
        close_all({input[0], output[0], errors[0]});
        throw_errno(error, ("posix_spawnp " + argv.at(0)).c_str());
    }
    input_fd_ = input[0];
    output_fd_ = output[0];
    errors_ = std::make_unique<OutputCollector>(errors[0]);
}

LineProcess::~LineProcess() {
    close_all({input_fd_, output_fd_});
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + kExitGrace;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(kReapPollInterval);
    }
}

bool LineProcess::write_line(std::string_view line) {
    std::string data(line);
    data += '\n';
    std::string_view rest = data;
    while (!rest.empty()) {
        const ssize_t sent = send(input_fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        rest.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

std::optional<std::string> LineProcess::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, 65536> chunk{};
    for (;;) {
        const std::size_t newline = pending_.find('\n');
        if (newline != std::string::npos) {
            std::string line = pending_.substr(0, newline);
            pending_.erase(0, newline + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd descriptor{output_fd_, POLLIN, 0};
        const int ready = poll(&descriptor, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return std::nullopt;
        const ssize_t n = read(output_fd_, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        pending_.append(chunk.data(), static_cast<std::size_t>(n));
    }
}

std::string LineProcess::error_output() const {
    return errors_->text();
}

}  // namespace gateway::test
