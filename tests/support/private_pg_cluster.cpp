#include "support/private_pg_cluster.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <system_error>

#include "support/run_command.hpp"

namespace gateway::test {

namespace {

using namespace std::chrono_literals;

// initdb and the first start; the script itself allows each pg_ctl step 60 s.
constexpr auto kScriptTimeout = 120s;
constexpr auto kPgCtlTimeout = 60s;

// The script keeps the Unix socket inside the directory, and a socket path has about
// 100 bytes: the directory goes under the temporary directory with a short name.
std::filesystem::path make_temporary_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gw-pg-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    return pattern;
}

// Where pg_ctl lives, found as the script finds initdb.
std::string pg_ctl_program() {
    if (const char* bindir = std::getenv("PG_BINDIR"); bindir != nullptr && *bindir != '\0') {
        return std::string(bindir) + "/pg_ctl";
    }
    const std::filesystem::path debian = "/usr/lib/postgresql/15/bin/pg_ctl";
    if (std::filesystem::exists(debian)) return debian.string();
    return "pg_ctl";
}

// The script runs the server as `postgres` when it is run as root, since initdb refuses
// root; pg_ctl must then run as that user too.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
    if (::geteuid() != 0) return argv;
    argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
    return argv;
}

}  // namespace

PrivatePgCluster::PrivatePgCluster(std::string script)
    : script_(std::move(script)), dir_(make_temporary_directory()) {
    try {
        must_run_command({script_, "start", dir_.string()}, kScriptTimeout);
        env_ = PgTestEnv::load((dir_ / "cluster.env").string());
    } catch (...) {
        run_command({script_, "stop", dir_.string()}, kScriptTimeout);
        throw;
    }
}

PrivatePgCluster::~PrivatePgCluster() {
    const CommandResult stopped = run_command({script_, "stop", dir_.string()}, kScriptTimeout);
    if (stopped.exit_code != 0) {
        std::cerr << "stopping the private PostgreSQL cluster in " << dir_.string()
                  << " failed:\n"
                  << stopped.output << '\n';
    }
}

void PrivatePgCluster::pg_ctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{pg_ctl_program(), "-D", (dir_ / "data").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    must_run_command(as_server_user(std::move(argv)), kPgCtlTimeout, dir_.string());
}

void PrivatePgCluster::stop_server() {
    pg_ctl({"-m", "fast", "-w", "-t", "60", "stop"});
}

void PrivatePgCluster::start_server() {
    pg_ctl({"-l", (dir_ / "server.log").string(), "-w", "-t", "60", "-o", "-p " + env_.port,
            "start"});
}

}  // namespace gateway::test
