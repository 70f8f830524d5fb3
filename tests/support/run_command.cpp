#include "support/run_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "support/output_collector.hpp"
#include "support/spawn.hpp"
#include "support/timeouts.hpp"

extern char** environ;

namespace gateway::test {

namespace {

std::string describe(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& arg : argv) {
        if (!text.empty()) text += ' ';
        text += arg;
    }
    return text;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::string& directory) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    std::vector<std::string> args = argv;
    std::vector<char*> c_argv;
    for (auto& arg : args) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!directory.empty()) posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
    pid_t pid = -1;
    const int error = posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (error != 0) {
        close(fds[0]);
        throw std::system_error(error, std::generic_category(), "posix_spawnp " + argv.at(0));
    }
    OutputCollector output(fds[0]);

    CommandResult result;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
        if (reaped == pid) {
            result.exit_code = exit_code_from_status(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(kReapPollInterval);
    }
    // A daemon the command started may keep a copy of the pipe; do not wait for it long.
    output.wait_for_close(std::chrono::seconds(1));
    result.output = output.text();
    return result;
}

std::string must_run_command(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout, const std::string& directory) {
    CommandResult result = run_command(argv, timeout, directory);
    if (result.exit_code != 0) {
        const std::string how = result.exit_code
                                    ? "exited with status " + std::to_string(*result.exit_code)
                                    : "did not finish in time";
        throw std::runtime_error("`" + describe(argv) + "` " + how + ":\n" + result.output);
    }
    return result.output;
}

}  // namespace gateway::test
