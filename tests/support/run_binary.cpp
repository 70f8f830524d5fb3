#include "support/run_binary.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "support/output_collector.hpp"
#include "support/private_data_dir.hpp"
#include "support/server_process.hpp"
#include "support/spawn.hpp"

namespace gateway::test {

CompletedRun run_to_completion(const std::vector<std::string>& args, const Environment& extra,
                               std::chrono::milliseconds timeout) {
    Environment env = extra;
    const auto data_dir = add_private_data_dir(env);
    const SpawnedChild child = spawn_server_binary(args, env);
    OutputCollector output(child.output_fd);

    // The pipe closes when the process exits, so waiting for it is waiting for the exit.
    // A process that prints the listening line is serving instead, and will not exit by
    // itself: stop waiting for it at once.
    output.wait_until([](std::string_view text) { return find_listening_port(text).has_value(); },
                      timeout);
    int status = 0;
    pid_t reaped = ::waitpid(child.pid, &status, WNOHANG);
    // The pipe closes a moment before the exit status is ready; wait for that, bounded.
    const auto grace = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (reaped == 0 && output.closed() && std::chrono::steady_clock::now() < grace) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        reaped = ::waitpid(child.pid, &status, WNOHANG);
    }
    CompletedRun run;
    if (reaped == child.pid) {
        run.exit_code = exit_code_from_status(status);
    } else {
        ::kill(child.pid, SIGKILL);
        ::waitpid(child.pid, &status, 0);
    }
    output.wait_for_close(timeout);
    run.output = output.text();
    return run;
}

}  // namespace gateway::test
