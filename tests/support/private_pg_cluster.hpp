// A PostgreSQL cluster of one test's own, started with the project's pg-test-cluster.sh,
// for tests that stop and restart the database: the shared cluster must stay up for
// every other test running at the same time.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/pg_test_env.hpp"

namespace gateway::test {

class PrivatePgCluster {
  public:
    // Starts a new cluster in a fresh temporary directory with `script` (the path of
    // scripts/pg-test-cluster.sh); throws std::runtime_error with the script's output
    // when it cannot.
    explicit PrivatePgCluster(std::string script);
    // Stops the cluster and removes its directory, whatever state the test left it in.
    ~PrivatePgCluster();
    PrivatePgCluster(const PrivatePgCluster&) = delete;
    PrivatePgCluster& operator=(const PrivatePgCluster&) = delete;

    const PgTestEnv& env() const { return env_; }

    // pg_ctl stop -m fast: sessions are ended, the port closes; returns once it is down.
    void stop_server();
    // pg_ctl start on the same port; returns once it accepts connections. After crash()
    // that includes crash recovery from the write-ahead log.
    void start_server();
    // pg_ctl stop -m immediate: every server process quits at once, without a shutdown
    // checkpoint, as in a crash; returns once it is down. A frozen cluster is thawed
    // first, since a stopped process cannot act on the request.
    void crash();

    // Stops every PostgreSQL process (SIGSTOP) without closing anything: connections stay
    // open and new ones complete their TCP handshake, but nothing is ever answered, as
    // with a hung host or a network partition. thaw() (or the destructor) resumes them.
    void freeze();
    void thaw();
    // "pid state command" of the postmaster and each of its children, one per line, from
    // /proc: what a test prints when the cluster did not come back as expected (a
    // process still stopped shows state T).
    std::string process_states() const;

  private:
    // pg_ctl with `args`, as the user that owns the data directory.
    void pg_ctl(const std::vector<std::string>& args);
    pid_t postmaster_pid() const;

    std::string script_;
    std::filesystem::path dir_;
    PgTestEnv env_;
    std::vector<pid_t> frozen_;  // in the order stopped
};

}  // namespace gateway::test
