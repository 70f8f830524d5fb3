// The whole server taking its database from AWS Secrets Manager (the loopback stand-in,
// which checks every signature with the official signer) and a real PostgreSQL: the
// secret chosen as the primary, its failures falling through to the next source, and a
// password rotated under a running server without a restart or a failed request.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "db/pg_fixture.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/dead_endpoints.hpp"
#include "support/http_client.hpp"
#include "support/parallel_clients.hpp"
#include "support/pg_admin_session.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/response_assertions.hpp"
#include "support/secrets_manager_peer.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kSource = "AWS Secrets Manager";
constexpr std::string_view kSecretId = "prod/gateway/db";

// Distinctive, so that a search of everything the server printed cannot miss them.
const TestAwsCredentials kTemporaryCredentials{
    "ASIAGATEWAYPGTEST001", "gw-pg-secret-key-5d4c3b2a1f0e9d8c7b6a",
    "gw-pg-session-token-IQoJb3JpZ2luX2VjEHwaCXVzLWVhc3QtMSJHMEUCIQ"};

class SecretsManagerServerTest : public PgTest {
  protected:
    void SetUp() override {
        PgTest::SetUp();
        if (IsSkipped()) return;
        peer_ = std::make_unique<SecretsManagerPeer>(GATEWAY_AWS_NODE_DIR, "eu-west-1",
                                                     kTemporaryCredentials);
    }

    // The JSON RDS writes for `role`, with `password`.
    std::string rds_secret(const ScratchRole& role, std::string_view password) const {
        return boost::json::serialize(boost::json::object{{"engine", "postgres"},
                                                          {"host", env_.host},
                                                          {"port", std::stoi(env_.port)},
                                                          {"dbname", env_.database},
                                                          {"username", role.name()},
                                                          {"password", password}});
    }

    Environment server_environment(Environment extra = {}) const {
        Environment env = peer_->server_environment(kSecretId);
        for (auto& [name, value] : extra) env[name] = std::move(value);
        return env;
    }

    void change_password(const ScratchRole& role, std::string_view password) {
        PgAdminSession::superuser(env_).exec("ALTER ROLE " + role.name() + " PASSWORD " +
                                             sql_literal(password));
    }

    // How many rows named `name` the role's own schema holds: where the data went.
    int rows_named(const ScratchRole& role, const std::string& name) {
        auto admin = PgAdminSession::superuser(env_);
        const auto count = admin.value("SELECT count(*) FROM " + role.name() +
                                       ".apis WHERE name = " + sql_literal(name));
        return count ? std::stoi(*count) : -1;
    }

    static void expect_no_secret_in(const std::string& output,
                                    const std::vector<std::string>& secrets) {
        for (const auto& secret : secrets) {
            EXPECT_EQ(output.find(secret), std::string::npos)
                << "the server printed a secret (" << secret.substr(0, 6) << "...):\n"
                << output;
        }
    }

    std::vector<std::string> aws_secrets() const {
        return {kTemporaryCredentials.secret_access_key, kTemporaryCredentials.session_token};
    }

    std::unique_ptr<SecretsManagerPeer> peer_;
};

TEST_F(SecretsManagerServerTest, TheSecretIsThePrimary) {
    const std::string password = "sm-primary-pw-Zq81xK";
    ScratchRole role(env_, password);
    peer_->put_secret_string(kSecretId, rds_secret(role, password));

    ServerProcess server(server_environment());
    expect_healthy_primary(server, kSource);
    HttpClient client(server.port());
    const std::string name = unique_name();
    ASSERT_TRUE(HasStatus(create_api(client, minimal_api(name)), 201));
    EXPECT_EQ(rows_named(role, name), 1);
    EXPECT_EQ(peer_->stats().served, 1);
    const std::string page = client.request("GET", "/metrics").body;
    EXPECT_NE(page.find("\ngateway_secrets_manager_fetches_total 1\n"), std::string::npos) << page;
    EXPECT_NE(page.find("\ngateway_secrets_manager_fetch_failures_total 0\n"), std::string::npos);
    EXPECT_NE(page.find("\ngateway_db_credential_refreshes_total 0\n"), std::string::npos);
    EXPECT_NE(page.find("gateway_db_primary_source{source=\"AWS Secrets Manager\"} 1\n"),
              std::string::npos);
    expect_no_secret_in(page, {password});

    const std::string output = server.output();
    EXPECT_EQ(lines_containing(output, {"database: using AWS Secrets Manager"}).size(), 1u)
        << output;
    expect_no_secret_in(output, {password});
    expect_no_secret_in(output, aws_secrets());
    expect_clean_exit(server);
}

TEST_F(SecretsManagerServerTest, AnRdsManagedSecretIsCompletedByAwsDbVariables) {
    const std::string password = "sm-managed-pw-Hw27cN";
    ScratchRole role(env_, password);
    peer_->put_secret_string(kSecretId, boost::json::serialize(boost::json::object{
                                            {"username", role.name()}, {"password", password}}));

    ServerProcess server(server_environment(
        {{"AWS_DB_HOST", env_.host}, {"AWS_DB_PORT", env_.port}, {"AWS_DB_NAME", env_.database}}));
    // AWS_DB_HOST also configures the AWS_DB_* source, which has no user: it comes
    // second, and the secret's source must win.
    expect_healthy_primary(server, kSource);
    HttpClient client(server.port());
    const std::string name = unique_name();
    ASSERT_TRUE(HasStatus(create_api(client, minimal_api(name)), 201));
    EXPECT_EQ(rows_named(role, name), 1);
    expect_no_secret_in(server.output(), {password});
    expect_clean_exit(server);
}

TEST_F(SecretsManagerServerTest, CheckDbReportsTheSource) {
    const std::string password = "sm-checkdb-pw-Pa51sE";
    ScratchRole role(env_, password);
    peer_->put_secret_string(kSecretId, rds_secret(role, password));

    const CheckDbRun run = run_check_db(server_environment());
    EXPECT_EQ(run.exit_code, 0) << run.output;
    ASSERT_TRUE(run.report) << run.output;
    const auto& connection = run.report->at("connection").as_object();
    EXPECT_EQ(string_at(connection, "source"), kSource) << run.output;
    EXPECT_EQ(string_at(connection, "user"), role.name()) << run.output;
    expect_no_secret_in(run.output, {password});
    expect_no_secret_in(run.output, aws_secrets());
}

struct FailingSecret {
    std::string label;
    std::function<void(SecretsManagerPeer&)> arrange;  // makes the secret fail
    Environment environment;                           // over the peer's own
    std::string reason;                                // in the one warning line
};

// Whatever stops the secret, one warning says why and the next source serves.
TEST_F(SecretsManagerServerTest, AFailingSecretFallsThroughToAwsDbVariables) {
    const std::string password = "sm-fallback-pw-Rt63vB";
    ScratchRole role(env_, password);
    const std::vector<FailingSecret> cases{
        {"not found", [](SecretsManagerPeer&) {}, {}, "does not exist"},
        {"access denied",
         [](SecretsManagerPeer& peer) { peer.put_denied_secret(kSecretId); },
         {},
         "access denied"},
        {"bad secret",
         [](SecretsManagerPeer& peer) { peer.put_secret_string(kSecretId, "hunter2-not-json"); },
         {},
         "not JSON"},
        {"wrong secret key",
         [](SecretsManagerPeer& peer) { peer.put_secret_string(kSecretId, "{}"); },
         {{"AWS_SECRET_ACCESS_KEY", "gw-pg-wrong-secret-key-000000000000000"}},
         "signature was rejected"},
        {"no credentials",
         [](SecretsManagerPeer& peer) { peer.put_secret_string(kSecretId, "{}"); },
         {{"AWS_ACCESS_KEY_ID", ""},
          {"AWS_SECRET_ACCESS_KEY", ""},
          {"AWS_SESSION_TOKEN", ""},
          {"AWS_EC2_METADATA_DISABLED", "true"}},
         "no AWS credentials"},
        {"unreachable endpoint",
         [](SecretsManagerPeer&) {},
         {{"AWS_ENDPOINT_URL_SECRETS_MANAGER",
           "http://127.0.0.1:" + std::to_string(closed_port())}},
         "could not reach"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        SecretsManagerPeer peer(GATEWAY_AWS_NODE_DIR, "eu-west-1", kTemporaryCredentials);
        c.arrange(peer);
        Environment env = peer.server_environment(kSecretId);
        for (const auto& [name, value] : role.aws_db_environment()) env[name] = value;
        for (const auto& [name, value] : c.environment) env[name] = value;

        ServerProcess server(env);
        expect_healthy_primary(server, "AWS_DB_*");
        const std::string output = server.output();
        const auto warnings = lines_containing(output, {"source AWS Secrets Manager skipped"});
        ASSERT_EQ(warnings.size(), 1u) << output;
        EXPECT_NE(warnings[0].find(c.reason), std::string::npos) << warnings[0];
        EXPECT_NE(warnings[0].find(" warn"), std::string::npos) << warnings[0];
        expect_no_secret_in(output, {password, "hunter2-not-json"});
        expect_no_secret_in(output, aws_secrets());
        expect_clean_exit(server);
    }
}

// Requests sent without pause from a few clients, each failure kept for the report.
class SteadyLoad {
  public:
    SteadyLoad(std::uint16_t port, int clients) {
        for (int i = 0; i < clients; ++i) {
            threads_.emplace_back([this, port] { run(port); });
        }
    }
    ~SteadyLoad() { stop(); }

    void stop() {
        stopping_ = true;
        for (auto& thread : threads_) {
            if (thread.joinable()) thread.join();
        }
    }
    int sent() const { return sent_; }
    std::vector<std::string> failures() const {
        std::lock_guard lock(mutex_);
        return failures_;
    }

  private:
    void run(std::uint16_t port) {
        try {
            HttpClient client(port);
            while (!stopping_) {
                const std::string name = unique_name("load");
                record(create_api(client, minimal_api(name)), 201, "create");
                record(get_api(client, name), 200, "read");
            }
        } catch (const std::exception& error) {
            std::lock_guard lock(mutex_);
            failures_.push_back(error.what());
        }
    }
    void record(const Response& response, unsigned expected, std::string_view what) {
        ++sent_;
        if (response.status == expected) return;
        std::lock_guard lock(mutex_);
        failures_.push_back(std::string(what) + ": " + std::to_string(response.status) + " " +
                            response.body);
    }

    std::atomic<bool> stopping_{false};
    std::atomic<int> sent_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> failures_;
    std::vector<std::thread> threads_;
};

// A rotation as a single-user rotation function performs it, with the secret's new
// version in place before the database's password changes (the other order leaves a
// window in which the secret still holds the old password; see the README). Connections
// recycled every second meet the new password while requests keep coming.
TEST_F(SecretsManagerServerTest, RotatedPasswordIsPickedUpWithoutARestart) {
    const std::string old_password = "sm-rotate-old-pw-Ug49wD";
    const std::string new_password = "sm-rotate-new-pw-Kx72pL";
    ScratchRole role(env_, old_password);
    peer_->put_secret_string(kSecretId, rds_secret(role, old_password));
    ServerProcess server(server_environment({{"DB_POOL_SIZE", "2"},
                                             {"DB_MAX_OVERFLOW", "2"},
                                             {"DB_POOL_RECYCLE", "1"},
                                             {"WORKERS", "2"}}));
    expect_healthy_primary(server, kSource);
    ASSERT_EQ(peer_->stats().served, 1);

    SteadyLoad load(server.port(), 3);
    std::this_thread::sleep_for(500ms);
    peer_->put_secret_string(kSecretId, rds_secret(role, new_password));
    change_password(role, new_password);
    // Recycled connections are refused, the secret is fetched again, and the pool
    // connects with it; the load goes on a little longer on the new connections.
    const bool renewed =
        wait_for_line_count(server, "new credentials from AWS Secrets Manager", 1, kIoTimeout);
    std::this_thread::sleep_for(1500ms);
    load.stop();
    ASSERT_TRUE(renewed) << server.output();
    EXPECT_TRUE(load.failures().empty())
        << load.failures().size() << " of " << load.sent()
        << " requests failed; the first: " << load.failures().front() << "\n"
        << server.output();
    EXPECT_GT(load.sent(), 0);
    RecordProperty("requests_during_rotation", load.sent());

    // Every connection, even those that never aged out, is gone: new ones must work too.
    EXPECT_GT(role.terminate_sessions(), 0);
    HttpClient client(server.port());
    const std::string after = unique_name();
    EXPECT_TRUE(HasStatus(create_api(client, minimal_api(after)), 201));
    EXPECT_EQ(rows_named(role, after), 1);
    expect_healthy_primary(server, kSource);

    // One fetch at the start and one for the rotation, however many connects were refused.
    const auto stats = peer_->stats();
    EXPECT_EQ(stats.served, 2);
    EXPECT_EQ(stats.requests, 2);
    const std::string page = client.request("GET", "/metrics").body;
    EXPECT_NE(page.find("\ngateway_secrets_manager_fetches_total 2\n"), std::string::npos) << page;
    EXPECT_NE(page.find("\ngateway_db_credential_refreshes_total 1\n"), std::string::npos);

    const std::string output = server.output();
    expect_no_secret_in(output, {old_password, new_password});
    expect_no_secret_in(output, aws_secrets());
    expect_clean_exit(server);
}

// Ended sessions and a changed password: the very next request needs a new connection,
// which is refused once and then made with the fetched credentials.
TEST_F(SecretsManagerServerTest, RequestsAfterTerminatedSessionsReconnectWithTheNewSecret) {
    const std::string old_password = "sm-terminate-old-pw-Vb35qT";
    const std::string new_password = "sm-terminate-new-pw-Jn86rY";
    ScratchRole role(env_, old_password);
    peer_->put_secret_string(kSecretId, rds_secret(role, old_password));
    ServerProcess server(server_environment({{"DB_POOL_SIZE", "2"}, {"DB_MAX_OVERFLOW", "0"}}));
    HttpClient client(server.port());
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(HasStatus(create_api(client, minimal_api(unique_name())), 201));
    }

    peer_->put_secret_string(kSecretId, rds_secret(role, new_password));
    change_password(role, new_password);
    EXPECT_GT(role.terminate_sessions(), 0);

    // Both pooled connections are gone; each request below needs a new one.
    const auto errors = run_concurrently(server.port(), 4, [](int, HttpClient& each) {
        for (int i = 0; i < 3; ++i) {
            const std::string name = unique_name("after");
            const Response created = create_api(each, minimal_api(name));
            if (created.status != 201) {
                throw std::runtime_error("create: " + std::to_string(created.status) + " " +
                                         created.body);
            }
        }
    });
    EXPECT_TRUE(errors.empty()) << errors.front() << "\n" << server.output();
    EXPECT_EQ(peer_->stats().served, 2);
    const std::string output = server.output();
    EXPECT_EQ(lines_containing(output, {"refused the credentials from AWS Secrets Manager"}).size(),
              1u)
        << output;
    expect_no_secret_in(output, {old_password, new_password});
    expect_no_secret_in(output, aws_secrets());
    expect_clean_exit(server);
}

// A second refusal soon after a renewal does not fetch again: a secret that is not
// updated yet cannot turn every request into a call to Secrets Manager.
TEST_F(SecretsManagerServerTest, NoSecondFetchWithinThirtySeconds) {
    const std::string first = "sm-limit-first-pw-Qe14mS";
    const std::string second = "sm-limit-second-pw-Wd58hF";
    const std::string third = "sm-limit-third-pw-Cy27nG";
    ScratchRole role(env_, first);
    peer_->put_secret_string(kSecretId, rds_secret(role, first));
    ServerProcess server(
        server_environment({{"DB_POOL_SIZE", "1"},
                            {"DB_MAX_OVERFLOW", "0"},
                            {"DB_POOL_TIMEOUT", "2"},
                            // The refused write must be answered, not journaled for later.
                            {"FALLBACK_WRITES", "reject"}}));
    HttpClient client(server.port());

    peer_->put_secret_string(kSecretId, rds_secret(role, second));
    change_password(role, second);
    role.terminate_sessions();
    ASSERT_TRUE(HasStatus(create_api(client, minimal_api(unique_name())), 201));
    ASSERT_EQ(peer_->stats().served, 2);

    // Rotated again at once: the renewal above was moments ago.
    peer_->put_secret_string(kSecretId, rds_secret(role, third));
    change_password(role, third);
    role.terminate_sessions();
    const Response refused = create_api(client, minimal_api(unique_name()));
    EXPECT_TRUE(IsDetailError(refused, 503)) << refused.body;
    EXPECT_EQ(peer_->stats().requests, 2) << "fetched again within 30 s";
    const std::string output = server.output();
    EXPECT_EQ(lines_containing(output, {"will not be fetched again before 30s"}).size(), 1u)
        << output;
    expect_no_secret_in(output, {first, second, third});
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
