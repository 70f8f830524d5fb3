// The database failing while the server is under a steady mixed load, five ways: stopped,
// crashed, frozen (SIGSTOP), the network dropping every packet silently, the network
// resetting every connection. Through each: reads keep succeeding from the mirror, writes
// are answered within their bound, no write answered as failed commits afterwards, every
// acknowledged write is in PostgreSQL afterwards, and the service is healthy again soon
// after the database is back. Each test brings its own cluster, behind a fault proxy.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/pg_fixture.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/fault_proxy.hpp"
#include "support/http_client.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/private_pg_cluster.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStatementTimeout = 2s;
constexpr auto kProxiedConnectTimeout = 2s;
// The longest a write may take in an outage: a pre-ping, a connect and a statement, each
// bounded, with slack for a loaded machine (sanitizer builds run several times slower).
constexpr auto kWriteBound = 15s;
// How long each fault lasts: long enough for the breaker to open and the mirror to
// notice, and past every write deadline.
constexpr auto kFaultLength = 3s;
// Healthy again within 5 s of the database's return, with slack for a loaded machine.
constexpr auto kFaultRecoveryBound = 15s;

enum class Fault { stop, crash, freeze, drop_packets, reset_connections };

std::string fault_name(Fault fault) {
    switch (fault) {
        case Fault::stop:
            return "stop";
        case Fault::crash:
            return "crash";
        case Fault::freeze:
            return "freeze";
        case Fault::drop_packets:
            return "drop_packets";
        case Fault::reset_connections:
            return "reset_connections";
    }
    return "unknown";
}

// What the load saw.
struct Tally {
    std::mutex mutex;
    std::uint64_t reads = 0;
    std::uint64_t reads_ok = 0;
    std::uint64_t reads_marked_stale = 0;
    std::vector<std::string> read_failures;
    std::vector<std::string> acknowledged;
    std::vector<std::string> failed;   // 503 saying the change was not applied
    std::vector<std::string> unknown;  // 503 saying the outcome is unknown
    std::vector<std::string> other;    // anything else: a defect
    std::chrono::milliseconds slowest_write{0};
};

class MirrorFaultsTest : public ::testing::TestWithParam<Fault> {
  protected:
    void SetUp() override {
        if (!PgTestEnv::from_environment()) {
            GTEST_SKIP() << PgTestEnv::kVariable << " is not set; run these through `ctest -L pg`";
        }
        cluster_ = std::make_unique<PrivatePgCluster>(GATEWAY_PG_TEST_CLUSTER_SCRIPT);
        proxy_ = std::make_unique<FaultProxy>(
            cluster_->env().host, static_cast<std::uint16_t>(std::stoi(cluster_->env().port)));
    }

    Environment server_environment() const {
        const auto& pg = cluster_->env();
        return {
            {"DATABASE_URL",
             "postgresql://" + url_encode(pg.app_user) + ":" + url_encode(pg.app_password) +
                 "@127.0.0.1:" + std::to_string(proxy_->port()) + "/" + url_encode(pg.database) +
                 "?sslmode=verify-full&sslrootcert=" + url_encode(pg.ca_file) +
                 // The test cluster commits asynchronously for speed; a
                 // crash would then lose what PostgreSQL acknowledged.
                 "&options=" + url_encode("-csynchronous_commit=on")},
            // Writes fail fast here and must never commit later; what the journal does
            // with them instead is journal_pgtest.cpp's subject.
            {"FALLBACK_WRITES", "reject"},
            {"DB_CONNECT_TIMEOUT", std::to_string(kProxiedConnectTimeout.count())},
            {"DB_STATEMENT_TIMEOUT", std::to_string(kStatementTimeout.count())},
            {"WORKERS", "2"}};
    }

    void begin_fault(Fault fault) {
        switch (fault) {
            case Fault::stop:
                return cluster_->stop_server();
            case Fault::crash:
                return cluster_->crash();
            case Fault::freeze:
                return cluster_->freeze();
            case Fault::drop_packets:
                return proxy_->drop();
            case Fault::reset_connections:
                return proxy_->reset();
        }
    }

    void end_fault(Fault fault) {
        switch (fault) {
            case Fault::stop:
            case Fault::crash:
                return cluster_->start_server();
            case Fault::freeze:
                return cluster_->thaw();
            case Fault::drop_packets:
            case Fault::reset_connections:
                return proxy_->pass();
        }
    }

    // The names of every API in the database, read directly (not through the proxy).
    std::set<std::string> names_in_database() {
        boost::asio::io_context io;
        auto connection =
            run_bounded(io, db::PgConnection::connect(io.get_executor(),
                                                      cluster_->env().conninfo(PgRole::app), 10s));
        if (!connection) throw std::runtime_error(connection.error().message);
        auto rows = run_bounded(io, (*connection)->simple_query("SELECT name FROM apis", 10s));
        if (!rows) throw std::runtime_error(rows.error().message);
        std::set<std::string> names;
        for (int row = 0; row < rows->rows(); ++row) names.emplace(rows->text(row, 0));
        return names;
    }

    std::unique_ptr<PrivatePgCluster> cluster_;
    std::unique_ptr<FaultProxy> proxy_;
};

TEST_P(MirrorFaultsTest, ReadsGoOnWritesTellTheTruthAndServiceReturns) {
    const Fault fault = GetParam();
    ServerProcess server(server_environment());
    HttpClient setup(server.port());
    std::vector<std::string> seeded;
    for (int i = 0; i < 20; ++i) {
        seeded.push_back(unique_name("seed"));
        ASSERT_TRUE(HasStatus(create_api(setup, minimal_api(seeded.back())), 201));
    }

    Tally tally;
    std::atomic<bool> running{true};
    std::vector<std::thread> load;
    for (int reader = 0; reader < 2; ++reader) {
        load.emplace_back([&, reader] {
            HttpClient client(server.port());
            for (std::size_t i = 0; running.load(); ++i) {
                const bool page = (i + reader) % 4 == 0;
                const Response response =
                    page ? client.request("GET", "/apis?limit=50")
                         : get_api(client, seeded[(i + reader) % seeded.size()]);
                std::lock_guard lock(tally.mutex);
                ++tally.reads;
                if (response.status == 200) {
                    ++tally.reads_ok;
                    if (response.header("Stale-Since")) ++tally.reads_marked_stale;
                } else if (tally.read_failures.size() < 5) {
                    tally.read_failures.push_back(std::to_string(response.status) + " " +
                                                  response.body);
                }
            }
        });
    }
    for (int writer = 0; writer < 2; ++writer) {
        load.emplace_back([&] {
            HttpClient client(server.port(), 30s);
            while (running.load()) {
                const std::string name = unique_name("load");
                const auto started = Clock::now();
                const Response response = create_api(client, minimal_api(name));
                const auto took =
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
                std::lock_guard lock(tally.mutex);
                tally.slowest_write = std::max(tally.slowest_write, took);
                if (response.status == 201) {
                    tally.acknowledged.push_back(name);
                } else if (response.status == 503 &&
                           response.body.find("unknown") != std::string::npos) {
                    tally.unknown.push_back(name);
                } else if (response.status == 503) {
                    tally.failed.push_back(name);
                } else {
                    tally.other.push_back(name + ": " + std::to_string(response.status) + " " +
                                          response.body);
                }
                // Pacing, not synchronisation: a write every 20 ms per writer keeps the
                // tallies small while the breaker answers at once.
                std::this_thread::sleep_for(20ms);
            }
        });
    }

    std::this_thread::sleep_for(1s);  // the load runs against a healthy database first
    begin_fault(fault);
    std::this_thread::sleep_for(kFaultLength);
    end_fault(fault);
    const auto returned = Clock::now();
    HttpClient monitor(server.port());
    std::optional<std::chrono::milliseconds> recovery;
    while (Clock::now() - returned < kFaultRecoveryBound) {
        if (monitor.request("GET", "/health").status == 200) {
            recovery =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - returned);
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    std::this_thread::sleep_for(1s);  // and against the returned database
    running = false;
    for (auto& thread : load) thread.join();

    ASSERT_TRUE(recovery) << "not healthy within " << kFaultRecoveryBound.count() << " s of the "
                          << "database's return\ncluster processes (pid state command):\n"
                          << cluster_->process_states() << server.output();
    // A write answered as failed must not commit afterwards: look only after every
    // write deadline of the outage has passed (they are a few seconds at most).
    std::this_thread::sleep_for(kStatementTimeout);
    const auto in_database = names_in_database();
    std::size_t acknowledged_lost = 0;
    std::size_t failed_committed = 0;
    std::size_t unknown_committed = 0;
    for (const auto& name : tally.acknowledged) acknowledged_lost += !in_database.contains(name);
    for (const auto& name : tally.failed) failed_committed += in_database.contains(name);
    for (const auto& name : tally.unknown) unknown_committed += in_database.contains(name);

    std::cout << "fault " << fault_name(fault) << ": reads " << tally.reads
              << " (200: " << tally.reads_ok << ", marked stale: " << tally.reads_marked_stale
              << "); writes acknowledged " << tally.acknowledged.size() << " (lost "
              << acknowledged_lost << "), failed " << tally.failed.size() << " (committed later "
              << failed_committed << "), outcome unknown " << tally.unknown.size() << " (committed "
              << unknown_committed << "); slowest write " << tally.slowest_write.count()
              << " ms; healthy " << recovery->count() << " ms after the database returned\n";

    EXPECT_EQ(tally.reads_ok, tally.reads)
        << "reads failed, e.g. " << (tally.read_failures.empty() ? "" : tally.read_failures[0]);
    EXPECT_GT(tally.reads, 0u);
    EXPECT_TRUE(tally.other.empty()) << tally.other.front();
    EXPECT_EQ(acknowledged_lost, 0u);
    EXPECT_EQ(failed_committed, 0u);
    EXPECT_LE(tally.slowest_write,
              std::chrono::duration_cast<std::chrono::milliseconds>(kWriteBound));
    EXPECT_GT(tally.failed.size() + tally.unknown.size(), 0u) << "the fault never reached a write";
    EXPECT_GT(tally.acknowledged.size(), 0u);
    // After the return, the mirror holds every acknowledged write.
    for (const auto& name : tally.acknowledged) {
        EXPECT_TRUE(HasStatus(get_api(monitor, name), 200)) << name;
    }
    // And it still stops cleanly, with nothing for a sanitizer to report.
    expect_clean_exit(server);
}

INSTANTIATE_TEST_SUITE_P(Faults, MirrorFaultsTest,
                         ::testing::Values(Fault::stop, Fault::crash, Fault::freeze,
                                           Fault::drop_packets, Fault::reset_connections),
                         [](const auto& info) { return fault_name(info.param); });

}  // namespace
}  // namespace gateway::test
