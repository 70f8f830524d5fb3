#include "support/private_pg_cluster.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
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

// "state command" of a process from /proc/<pid>/stat, or "gone".
std::string state_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return "gone";
    const auto open = text.find('(');
    const auto close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= text.size()) {
        return "unreadable";
    }
    return text.substr(close + 2, 1) + " " + text.substr(open + 1, close - open - 1);
}

// The processes whose parent is `parent_pid`.
std::vector<pid_t> children_of(pid_t parent_pid) {
    std::vector<pid_t> children;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;  // not a process
        // /proc/<pid>/stat: pid (comm) state ppid ...; comm may hold spaces, so the
        // fields are counted from its closing parenthesis.
        std::ifstream stat(entry.path() / "stat");
        std::string text;
        if (!std::getline(stat, text)) continue;
        const auto close = text.rfind(')');
        if (close == std::string::npos) continue;
        char state = 0;
        pid_t parent = 0;
        std::istringstream rest(text.substr(close + 1));
        if (rest >> state >> parent && parent == parent_pid) {
            children.push_back(static_cast<pid_t>(std::stol(name)));
        }
    }
    return children;
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
    // A stopped postmaster would not even notice pg_ctl's request to shut down.
    thaw();
    const CommandResult stopped = run_command({script_, "stop", dir_.string()}, kScriptTimeout);
    if (stopped.exit_code != 0) {
        std::cerr << "stopping the private PostgreSQL cluster in " << dir_.string() << " failed:\n"
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

void PrivatePgCluster::crash() {
    thaw();
    pg_ctl({"-m", "immediate", "-w", "-t", "60", "stop"});
}

void PrivatePgCluster::start_server() {
    pg_ctl(
        {"-l", (dir_ / "server.log").string(), "-w", "-t", "60", "-o", "-p " + env_.port, "start"});
}

pid_t PrivatePgCluster::postmaster_pid() const {
    std::ifstream pid_file(dir_ / "data" / "postmaster.pid");
    pid_t postmaster = 0;
    if (!(pid_file >> postmaster) || postmaster <= 0) {
        throw std::runtime_error("no postmaster.pid in " + dir_.string() + ": is it running?");
    }
    return postmaster;
}

void PrivatePgCluster::freeze() {
    // The postmaster first, so that it cannot start a backend the list would miss.
    const pid_t postmaster = postmaster_pid();
    if (::kill(postmaster, SIGSTOP) != 0) {
        throw std::system_error(errno, std::generic_category(), "SIGSTOP to the postmaster");
    }
    frozen_.push_back(postmaster);
    for (const pid_t child : children_of(postmaster)) {
        if (::kill(child, SIGSTOP) == 0) frozen_.push_back(child);
    }
}

std::string PrivatePgCluster::process_states() const {
    const pid_t postmaster = postmaster_pid();
    std::string out = std::to_string(postmaster) + " " + state_of(postmaster) + "\n";
    for (const pid_t child : children_of(postmaster)) {
        out += std::to_string(child) + " " + state_of(child) + "\n";
    }
    return out;
}

void PrivatePgCluster::thaw() {
    for (auto pid = frozen_.rbegin(); pid != frozen_.rend(); ++pid) ::kill(*pid, SIGCONT);
    frozen_.clear();
}

}  // namespace gateway::test
