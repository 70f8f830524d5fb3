#include "support/server_process.hpp"

#include "support/storage_mode.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <thread>

#include "support/private_data_dir.hpp"
#include "support/spawn.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {

namespace {

constexpr std::array<std::string_view, 2> kListeningPrefixes = {"listening on http://127.0.0.1:",
                                                                "listening on https://127.0.0.1:"};

}  // namespace

std::optional<std::uint16_t> find_listening_port(std::string_view output) {
    std::size_t at = std::string_view::npos;
    std::size_t prefix_size = 0;
    for (const auto prefix : kListeningPrefixes) {
        at = output.find(prefix);
        prefix_size = prefix.size();
        if (at != std::string_view::npos) break;
    }
    if (at == std::string_view::npos) return std::nullopt;
    const char* first = output.data() + at + prefix_size;
    const char* last = output.data() + output.size();
    unsigned value = 0;
    const auto [end, error] = std::from_chars(first, last, value);
    // Digits cut short by the end of the buffer may still be arriving.
    if (error != std::errc{} || end == last || value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

ServerProcess::ServerProcess(const Environment& extra, std::chrono::milliseconds startup_timeout) {
    Environment env = extra;
    add_storage_environment(env);
    data_dir_ = add_private_data_dir(env);
    const SpawnedChild child = spawn_server_binary({}, env);
    pid_ = child.pid;
    try {
        output_ = std::make_unique<OutputCollector>(child.output_fd);
    } catch (...) {
        kill_and_reap();
        throw;
    }

    const bool listening = output_->wait_until(
        [](std::string_view text) { return find_listening_port(text).has_value(); },
        startup_timeout);
    if (!listening) {
        // A closed pipe means the process is exiting; give it the time to finish.
        const auto grace = output_->closed() ? kExitTimeout : std::chrono::milliseconds(0);
        const std::optional<int> code = wait_for_exit(grace);
        kill_and_reap();
        output_->wait_for_close(kExitTimeout);
        const std::string what = code ? "exited with status " + std::to_string(*code)
                                      : "printed no listening line in time";
        throw std::runtime_error("the server " + what + "; its output:\n" + output_->text());
    }
    port_ = *find_listening_port(output_->text());
}

ServerProcess::~ServerProcess() {
    kill_and_reap();
}

bool ServerProcess::wait_for_output(std::string_view needle,
                                    std::chrono::milliseconds timeout) const {
    return output_->wait_until(
        [needle](std::string_view text) { return text.find(needle) != std::string_view::npos; },
        timeout);
}

void ServerProcess::send_signal(int signal) {
    if (running()) ::kill(pid_, signal);
}

std::optional<int> ServerProcess::wait_for_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(kReapPollInterval);
    }
    return exit_code_;
}

bool ServerProcess::running() {
    if (exit_code_) return false;
    int status = 0;
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_) {
        exit_code_ = exit_code_from_status(status);
        return false;
    }
    return reaped == 0;
}

void ServerProcess::kill_and_reap() {
    if (exit_code_) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    if (::waitpid(pid_, &status, 0) == pid_) exit_code_ = exit_code_from_status(status);
}

}  // namespace gateway::test
