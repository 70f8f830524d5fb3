#include "support/spawn.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace gateway::test {

namespace {

// posix_spawn wants mutable, null-terminated C arrays; this keeps their storage alive.
class CStringArray {
  public:
    explicit CStringArray(std::vector<std::string> items) : items_(std::move(items)) {
        for (auto& item : items_) pointers_.push_back(item.data());
        pointers_.push_back(nullptr);
    }
    char* const* data() { return pointers_.data(); }

  private:
    std::vector<std::string> items_;
    std::vector<char*> pointers_;
};

// Owns the file actions so that every exit path, including a throw, destroys them.
class FileActions {
  public:
    FileActions() { posix_spawn_file_actions_init(&actions_); }
    ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

  private:
    posix_spawn_file_actions_t actions_;
};

}  // namespace

const char* gateway_binary() {
    return GATEWAY_API_BINARY;
}

SpawnedChild spawn_server_binary(const std::vector<std::string>& args, const Environment& extra) {
    // Close-on-exec, so that a server started later by another test thread does not
    // inherit this pipe and keep it open after this child has gone.
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw_errno(errno, "pipe2");

    std::vector<std::string> argv{gateway_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> envp;
    for (const auto& [name, value] : child_environment(extra)) {
        std::string entry = name;
        entry += '=';
        entry += value;
        envp.push_back(std::move(entry));
    }
    CStringArray c_argv(std::move(argv));
    CStringArray c_envp(std::move(envp));

    FileActions actions;
    // dup2 clears close-on-exec on the target descriptors, so only 1 and 2 survive exec.
    posix_spawn_file_actions_adddup2(actions.get(), fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(actions.get(), fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    pid_t pid = -1;
    const int error =
        posix_spawn(&pid, gateway_binary(), actions.get(), nullptr, c_argv.data(), c_envp.data());
    close(fds[1]);
    if (error != 0) {
        close(fds[0]);
        throw_errno(error, "posix_spawn of the server binary");
    }
    return SpawnedChild{pid, fds[0]};
}

int exit_code_from_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

void throw_errno(int error, const char* what) {
    throw std::system_error(error, std::generic_category(), what);
}

}  // namespace gateway::test
