// The database going away and coming back while the server runs: every answer in the
// outage is a prompt 503 (never a hang, never a secret), and service resumes on its own
// once PostgreSQL is back. Each test stops and restarts a cluster of its own.
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/pg_admin_session.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/pg_test_env.hpp"
#include "support/private_pg_cluster.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The contract: /health answers within 2 s when the primary fails. The slack covers a
// loaded machine, not a slower server.
constexpr auto kHealthBound = 2500ms;
constexpr auto kConnectTimeout = 2s;
// A data request in an outage waits at most for one connect attempt.
constexpr auto kDataBound = kConnectTimeout + 2s;
// Healthy again within 5 s of the database's return, with slack for a loaded machine.
constexpr auto kRecoveryBound = 10s;

class FailoverTest : public ::testing::Test {
  protected:
    void SetUp() override {
        // The same switch as the other pg tests, though this one brings its own cluster:
        // a plain run of the test binary should not start PostgreSQL servers.
        if (!PgTestEnv::from_environment()) {
            GTEST_SKIP() << PgTestEnv::kVariable << " is not set; run these through `ctest -L pg`";
        }
        cluster_ = std::make_unique<PrivatePgCluster>(GATEWAY_PG_TEST_CLUSTER_SCRIPT);
    }

    const PgTestEnv& pg() const { return cluster_->env(); }

    Environment server_environment() const {
        return {{"DATABASE_URL",
                 "postgresql://" + url_encode(pg().app_user) + ":" + url_encode(pg().app_password) +
                     "@" + pg().host + ":" + pg().port + "/" + url_encode(pg().database) +
                     "?sslmode=verify-full&sslrootcert=" + url_encode(pg().ca_file)},
                {"DB_CONNECT_TIMEOUT", std::to_string(kConnectTimeout.count())},
                {"WORKERS", "2"}};
    }

    void expect_no_secret(std::string_view text) const {
        EXPECT_EQ(text.find(pg().app_password), std::string_view::npos) << text;
    }

    // A 503 saying in plain words that the database is unavailable: libpq's text, which
    // names the host, port and user, goes to the server's log only.
    void expect_plain_unavailable(const Response& response) const {
        ASSERT_TRUE(IsDetailError(response, 503));
        const std::string detail(response.json().at("detail").as_string());
        EXPECT_EQ(detail.rfind("Database unavailable: ", 0), 0u) << detail;
        for (const std::string& word :
             {pg().host, pg().port, pg().app_user, std::string("connection to server")}) {
            EXPECT_EQ(detail.find(word), std::string::npos) << "'" << word << "' in: " << detail;
        }
        expect_no_secret(response.body);
    }

    // Sends one request and checks it was answered within `bound`.
    static Response timed(HttpClient& client, std::string_view method, std::string_view target,
                          std::chrono::milliseconds bound, std::string_view body = {}) {
        const auto started = Clock::now();
        Response response = client.request(method, target, body);
        const auto spent = Clock::now() - started;
        EXPECT_LT(spent, bound) << method << " " << target << " took "
                                << std::chrono::duration<double>(spent).count() << " s";
        return response;
    }

    std::unique_ptr<PrivatePgCluster> cluster_;
};

TEST_F(FailoverTest, OutageServesReadsFromTheMirrorRefusesWritesAndResumesByItself) {
    Environment env = server_environment();
    env["FALLBACK_WRITES"] = "reject";  // the journal's side: journal_pgtest.cpp
    ServerProcess server(env);
    HttpClient client(server.port());
    const std::string name = unique_name();
    ASSERT_TRUE(HasStatus(create_api(client, minimal_api(name)), 201));
    ASSERT_TRUE(HasStatus(client.request("GET", "/health"), 200));

    cluster_->stop_server();

    const Response health = timed(client, "GET", "/health", kHealthBound);
    EXPECT_TRUE(HasStatus(health, 503));
    const boost::json::value body = health.json();
    EXPECT_EQ(body.at("status"), "unhealthy") << health.body;
    const auto database = health_database(health);
    EXPECT_EQ(string_at(database, "status"), "unhealthy") << health.body;
    EXPECT_EQ(string_at(database, "type"), "postgresql") << health.body;
    EXPECT_EQ(database.at("using_primary"), true) << health.body;
    EXPECT_FALSE(string_at(database, "message").empty()) << health.body;
    expect_no_secret(health.body);

    // Reads are answered from the mirror, and say since when the data may be stale once
    // the mirror has noticed that it lost the primary.
    const Response read = timed(client, "GET", "/apis/" + name, kDataBound);
    EXPECT_TRUE(HasStatus(read, 200));
    EXPECT_TRUE(HasStatus(timed(client, "GET", "/apis", kDataBound), 200));
    EXPECT_TRUE(
        eventually([&] { return client.request("GET", "/apis/" + name).header("Stale-Since"); },
                   kRecoveryBound))
        << "no Stale-Since header on reads during the outage";

    const Response created =
        timed(client, "POST", "/apis", kDataBound, json_text(minimal_api(unique_name())));
    expect_plain_unavailable(created);
    // Each 5xx leaves a warning with its reason, tied to the access line by the request id.
    const std::string created_id = created.header("X-Request-ID").value_or("<none>");
    EXPECT_TRUE(server.wait_for_output("id=" + created_id, kIoTimeout)) << server.output();
    EXPECT_EQ(
        lines_containing(server.output(), {"warn", "POST /apis answered 503: ", "id=" + created_id})
            .size(),
        1u)
        << server.output();
    // Once the breaker is open, writes are refused at once and say when to try again.
    EXPECT_TRUE(eventually(
        [&] {
            const Response refused =
                client.request("POST", "/apis", json_text(minimal_api(unique_name())));
            expect_plain_unavailable(refused);
            return refused.header("Retry-After").has_value();
        },
        kRecoveryBound))
        << "the breaker never opened";
    EXPECT_TRUE(server.wait_for_output("database unavailable: ", kIoTimeout))
        << "the reason behind the 503s was not logged: " << server.output();

    // Resolving again while nothing is reachable keeps the primary (and says so) rather
    // than switching to an empty in-memory store.
    server.send_signal(SIGHUP);
    EXPECT_TRUE(server.wait_for_output("keeping the current storage", kIoTimeout))
        << server.output();
    const Response still_down = timed(client, "GET", "/health", kHealthBound);
    EXPECT_TRUE(HasStatus(still_down, 503));
    EXPECT_EQ(string_at(health_database(still_down), "type"), "postgresql") << still_down.body;

    cluster_->start_server();

    // The service finds the database by itself: healthy within 5 s of its return (the
    // bound here adds slack for a loaded machine), then writes and fresh reads work.
    EXPECT_TRUE(
        eventually([&] { return client.request("GET", "/health").status == 200; }, kRecoveryBound))
        << server.output();
    EXPECT_FALSE(get_api(client, name).header("Stale-Since"));
    EXPECT_TRUE(HasStatus(create_api(client, minimal_api(unique_name())), 201));

    server.send_signal(SIGHUP);
    EXPECT_TRUE(wait_for_line_count(server, "database: using", 2, kIoTimeout)) << server.output();
    EXPECT_TRUE(
        eventually([&] { return client.request("GET", "/health").status == 200; }, kRecoveryBound));
    EXPECT_TRUE(HasStatus(get_api(client, name), 200));
    expect_no_secret(server.output());
    expect_clean_exit(server);
}

// A database that stops answering without closing anything (a hung host, a partition):
// only timeouts can end the waits; /health must still answer within its bound, and
// reads do not wait on the database at all.
TEST_F(FailoverTest, HungDatabaseMakesHealthUnhealthyWithinTheBoundAndReadsStillAnswer) {
    Environment env = server_environment();
    env["DB_STATEMENT_TIMEOUT"] = "2";
    ServerProcess server(env);
    HttpClient client(server.port());
    const std::string name = unique_name();
    ASSERT_TRUE(HasStatus(create_api(client, minimal_api(name)), 201));
    ASSERT_TRUE(HasStatus(client.request("GET", "/health"), 200));

    cluster_->freeze();
    const Response health = timed(client, "GET", "/health", kHealthBound);
    EXPECT_TRUE(HasStatus(health, 503));
    EXPECT_EQ(string_at(health_database(health), "status"), "unhealthy") << health.body;
    const Response read = timed(client, "GET", "/apis/" + name, kHealthBound);
    EXPECT_TRUE(HasStatus(read, 200));
    // Every wait a write can meet has its bound: pre-ping, connect, statement.
    const Response write = timed(client, "POST", "/apis", kConnectTimeout * 3 + 2s,
                                 json_text(minimal_api(unique_name())));
    expect_plain_unavailable(write);

    cluster_->thaw();
    EXPECT_TRUE(
        eventually([&] { return client.request("GET", "/health").status == 200; }, kRecoveryBound))
        << server.output();
    EXPECT_TRUE(HasStatus(get_api(client, name), 200));
    expect_clean_exit(server);
}

TEST_F(FailoverTest, CheckDbExitCodeFollowsTheDatabase) {
    const Environment env = server_environment();
    const CheckDbRun up = run_check_db(env);
    EXPECT_EQ(up.exit_code, 0) << up.output;

    cluster_->stop_server();
    const CheckDbRun down = run_check_db(env);
    EXPECT_EQ(down.exit_code, 1) << down.output;
    ASSERT_TRUE(down.report) << down.output;
    EXPECT_EQ(down.report->at("connection").at("using_primary"), false) << down.output;
    expect_no_secret(down.output);

    cluster_->start_server();
    const CheckDbRun again = run_check_db(env);
    EXPECT_EQ(again.exit_code, 0) << again.output;
}

// A restart while the primary is down: the server serves what the last run's snapshot
// holds (stale, and saying so), never a 404 for an API that existed, and once the primary
// returns it catches up from the snapshot's place in the change feed, including a change
// another instance made while it was away.
TEST_F(FailoverTest, ARestartWhileThePrimaryIsDownServesTheLocalSnapshotThenCatchesUp) {
    TemporaryDirectory data;
    Environment env = server_environment();
    env["DATA_DIR"] = (data.path() / "state").string();
    env["DB_PROBE_MAX_INTERVAL"] = "0.5";
    const std::string first = unique_name("snap");
    const std::string second = unique_name("snap");
    {
        ServerProcess server(env);
        HttpClient client(server.port());
        must_create_api(client, minimal_api(first));
        must_create_api(client, minimal_api(second));
        ASSERT_TRUE(HasStatus(
            patch_api(client, first, boost::json::object{{"description", "patched"}}), 200));
        server.send_signal(SIGTERM);
        expect_clean_exit(server);
    }
    // Written by "another instance" after this one stopped: not in its snapshot.
    PgAdminSession::superuser(pg()).exec(
        "UPDATE apis SET description = 'changed elsewhere', revision = revision + 1, "
        "updated_at = date_trunc('milliseconds', clock_timestamp()) WHERE name = " +
        sql_literal(second));
    cluster_->stop_server();

    ServerProcess server(env);
    HttpClient client(server.port());
    const Response read = get_api(client, first);
    ASSERT_TRUE(HasStatus(read, 200)) << server.output();
    EXPECT_EQ(read.json().at("description"), "patched") << read.body;
    EXPECT_EQ(read.json().at("revision"), 2) << read.body;
    EXPECT_TRUE(read.header("Stale-Since")) << "a read from the snapshot is not marked stale";
    const Response other = get_api(client, second);
    ASSERT_TRUE(HasStatus(other, 200));
    EXPECT_EQ(other.json().at("description"), "") << other.body;

    const Response health = client.request("GET", "/health");
    EXPECT_TRUE(HasStatus(health, 200));
    const auto database = health_database(health);
    EXPECT_EQ(string_at(database, "type"), "in-memory") << health.body;
    EXPECT_EQ(string_at(database, "serving"), "snapshot") << health.body;
    EXPECT_EQ(database.at("apis"), 2) << health.body;
    EXPECT_TRUE(database.at("snapshot_synced_at").is_string()) << health.body;
    EXPECT_TRUE(HasStatus(client.request("GET", "/health/ready"), 200));

    cluster_->start_server();
    EXPECT_TRUE(eventually(
        [&] {
            const Response caught_up = get_api(client, second);
            return caught_up.status == 200 &&
                   caught_up.json().at("description") == "changed elsewhere";
        },
        kRecoveryBound))
        << server.output();
    EXPECT_TRUE(server.wait_for_output("catching up from the local snapshot", kIoTimeout))
        << server.output();
    EXPECT_TRUE(eventually(
        [&] {
            return client.request("GET", "/health").status == 200 &&
                   !get_api(client, first).header("Stale-Since");
        },
        kRecoveryBound));
    EXPECT_EQ(string_at(health_database(client.request("GET", "/health")), "type"), "postgresql");
    expect_no_secret(server.output());
    server.send_signal(SIGTERM);
    expect_clean_exit(server);
}

// A restart with the primary up: the snapshot is loaded and only what changed since it
// was written is read from the change feed, not everything again beside it.
TEST_F(FailoverTest, ARestartWithThePrimaryUpCatchesUpFromTheLocalSnapshot) {
    TemporaryDirectory data;
    Environment env = server_environment();
    env["DATA_DIR"] = (data.path() / "state").string();
    const std::string kept = unique_name("resume");
    const std::string changed = unique_name("resume");
    const std::string removed = unique_name("resume");
    {
        ServerProcess server(env);
        HttpClient client(server.port());
        for (const auto& name : {kept, changed, removed}) {
            must_create_api(client, minimal_api(name));
        }
        server.send_signal(SIGTERM);
        expect_clean_exit(server);
    }
    // Written by "another instance" while this one was away.
    const std::string added = unique_name("resume");
    {
        ServerProcess other(server_environment());
        HttpClient client(other.port());
        ASSERT_TRUE(HasStatus(
            patch_api(client, changed, boost::json::object{{"description", "while away"}}), 200));
        ASSERT_TRUE(HasStatus(delete_api(client, removed), 204));
        must_create_api(client, minimal_api(added));
        other.send_signal(SIGTERM);
        expect_clean_exit(other);
    }

    ServerProcess server(env);
    HttpClient client(server.port());
    EXPECT_TRUE(server.wait_for_output("caught up from the local snapshot", kIoTimeout))
        << server.output();
    EXPECT_EQ(server.output().find("mirror: loaded"), std::string::npos)
        << "the mirror was loaded again in full:\n"
        << server.output();
    EXPECT_TRUE(HasStatus(get_api(client, kept), 200));
    const Response read = get_api(client, changed);
    ASSERT_TRUE(HasStatus(read, 200));
    EXPECT_EQ(read.json().at("description"), "while away") << read.body;
    EXPECT_FALSE(read.header("Stale-Since")) << "caught up before it served";
    EXPECT_TRUE(HasStatus(get_api(client, removed), 404));
    EXPECT_TRUE(HasStatus(get_api(client, added), 200));
    EXPECT_EQ(string_at(health_database(client.request("GET", "/health")), "type"), "postgresql");
    server.send_signal(SIGTERM);
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
