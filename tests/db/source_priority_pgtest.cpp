// The whole server choosing its storage: the sources in the contract's order, each given
// a pre-flight check bounded by DB_CONNECT_TIMEOUT, the first that passes winning, and
// in-memory storage (or a refusal to start) when none does.
#include <signal.h>

#include <chrono>
#include <string>

#include "pg_fixture.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/dead_endpoints.hpp"
#include "support/http_client.hpp"
#include "support/pg_admin_session.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/response_assertions.hpp"
#include "support/run_binary.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

using Clock = std::chrono::steady_clock;

// What a start may take beyond the pre-flight checks themselves: exec, migrations, and a
// sanitizer build's slower everything. A liveness bound, not a speed requirement.
constexpr auto kStartSlack = 3s;

std::string loopback_url(std::uint16_t port) {
    return "postgresql://nobody:not-the-password@127.0.0.1:" + std::to_string(port) +
           "/gateway_test";
}

class SourcePriorityTest : public PgTest {
  protected:
    // How many rows named `name` the role's own schema holds, -1 when it has no table:
    // where the data really went.
    int rows_named(const ScratchRole& role, const std::string& name) {
        auto admin = PgAdminSession::superuser(env_);
        if (!admin.value("SELECT to_regclass(" + sql_literal(role.name() + ".apis") + ")")) {
            return -1;
        }
        const auto count = admin.value("SELECT count(*) FROM " + role.name() +
                                       ".apis WHERE name = " + sql_literal(name));
        return count ? std::stoi(*count) : -1;
    }

    // Creates an API through the server and returns its name.
    std::string create_one(const ServerProcess& server) {
        HttpClient client(server.port());
        const std::string name = unique_name();
        EXPECT_TRUE(HasStatus(create_api(client, minimal_api(name)), 201));
        return name;
    }

    // One warning that `kind` failed its check (or was skipped), naming it.
    static void expect_source_warning(const std::string& output, std::string_view kind,
                                      std::string_view what = "failed its pre-flight check") {
        const std::string source = "source " + std::string(kind);
        const auto lines = lines_containing(output, {source, what});
        ASSERT_EQ(lines.size(), 1u) << output;
        EXPECT_NE(lines[0].find(" warn"), std::string::npos) << lines[0];
    }
};

TEST_F(SourcePriorityTest, UnreachableDatabaseUrlFallsThroughToAwsDbVariables) {
    ScratchRole role(env_, "aws-source-pw");
    Environment env = role.aws_db_environment();
    env["DATABASE_URL"] = loopback_url(closed_port());

    ServerProcess server(env);
    expect_healthy_primary(server, "AWS_DB_*");
    const std::string name = create_one(server);
    EXPECT_EQ(rows_named(role, name), 1);

    const std::string output = server.output();
    expect_source_warning(output, "DATABASE_URL");
    EXPECT_EQ(lines_containing(output, {"database: using AWS_DB_*"}).size(), 1u) << output;
    expect_clean_exit(server);
}

TEST_F(SourcePriorityTest, ReachableDatabaseUrlIsUsedAndLaterSourcesAreNotTried) {
    ScratchRole role(env_, "url-source-pw");
    Environment env{{"DATABASE_URL", role.database_url()},
                    {"AWS_DB_HOST", "127.0.0.1"},
                    {"AWS_DB_PORT", std::to_string(closed_port())},
                    {"AWS_DB_USER", "nobody"},
                    {"AWS_DB_PASSWORD", "not-the-password"}};

    ServerProcess server(env);
    expect_healthy_primary(server, "DATABASE_URL");
    const std::string name = create_one(server);
    EXPECT_EQ(rows_named(role, name), 1);

    const std::string output = server.output();
    EXPECT_EQ(lines_containing(output, {"database: using DATABASE_URL"}).size(), 1u) << output;
    EXPECT_TRUE(lines_containing(output, {"AWS_DB_*"}).empty()) << output;
    expect_clean_exit(server);
}

TEST_F(SourcePriorityTest, DatabaseUrlWinsWhenEverySourceIsReachable) {
    ScratchRole url_role(env_, "url-role-pw");
    ScratchRole aws_role(env_, "aws-role-pw");
    Environment env = aws_role.aws_db_environment();
    env["DATABASE_URL"] = url_role.database_url();

    ServerProcess server(env);
    expect_healthy_primary(server, "DATABASE_URL");
    const std::string name = create_one(server);
    EXPECT_EQ(rows_named(url_role, name), 1);
    EXPECT_EQ(rows_named(aws_role, name), -1) << "the AWS_DB_* role's schema got a table";
    expect_clean_exit(server);
}

// SIGHUP resolves the sources again in the same order: away from a source that failed,
// and back to it once it passes again.
TEST_F(SourcePriorityTest, SighupMovesBetweenSourcesInTheirOrder) {
    ScratchRole url_role(env_, "sighup-url-pw");
    ScratchRole aws_role(env_, "sighup-aws-pw");
    Environment env = aws_role.aws_db_environment();
    env["DATABASE_URL"] = url_role.database_url();
    ServerProcess server(env);
    expect_healthy_primary(server, "DATABASE_URL");

    url_role.allow_login(false);
    server.send_signal(SIGHUP);
    ASSERT_TRUE(wait_for_line_count(server, "database: using AWS_DB_*", 1, kIoTimeout))
        << server.output();
    expect_healthy_primary(server, "AWS_DB_*");
    const std::string during = create_one(server);
    EXPECT_EQ(rows_named(aws_role, during), 1);

    url_role.allow_login(true);
    server.send_signal(SIGHUP);
    ASSERT_TRUE(wait_for_line_count(server, "database: using DATABASE_URL", 2, kIoTimeout))
        << server.output();
    expect_healthy_primary(server, "DATABASE_URL");
    const std::string after = create_one(server);
    EXPECT_EQ(rows_named(url_role, after), 1);
    expect_clean_exit(server);
}

TEST_F(SourcePriorityTest, NoReachableSourceMeansMemoryWithinOneConnectTimeoutPerSource) {
    SilentListener url_host;
    SilentListener aws_host;
    const Environment env{{"DATABASE_URL", loopback_url(url_host.port())},
                          {"AWS_SECRET_NAME", "gateway/db"},
                          {"AWS_REGION", "eu-west-1"},
                          // No credentials anywhere, and none sought from a metadata
                          // endpoint off this machine: the secret cannot be fetched.
                          {"AWS_EC2_METADATA_DISABLED", "true"},
                          {"AWS_DB_HOST", "127.0.0.1"},
                          {"AWS_DB_PORT", std::to_string(aws_host.port())},
                          {"AWS_DB_USER", "nobody"},
                          {"AWS_DB_PASSWORD", "not-the-password"},
                          {"DB_CONNECT_TIMEOUT", "1"}};

    // Two sources that never answer, one connect timeout each; Secrets Manager is skipped
    // for want of credentials.
    const auto started = Clock::now();
    ServerProcess server(env);
    EXPECT_LT(Clock::now() - started, 2 * 1s + kStartSlack);

    HttpClient client(server.port());
    const Response health = client.request("GET", "/health");
    ASSERT_TRUE(HasStatus(health, 200));
    const auto database = health_database(health);
    EXPECT_EQ(string_at(database, "status"), "degraded") << health.body;
    EXPECT_EQ(string_at(database, "type"), "in-memory") << health.body;
    EXPECT_EQ(database.at("using_primary"), false) << health.body;
    EXPECT_TRUE(HasStatus(create_api(client, minimal_api(unique_name())), 201));

    const std::string output = server.output();
    expect_source_warning(output, "DATABASE_URL");
    expect_source_warning(output, "AWS Secrets Manager", "skipped");
    expect_source_warning(output, "AWS_DB_*");
    // Tried in the contract's order.
    const auto url_at = output.find("source DATABASE_URL");
    const auto secret_at = output.find("source AWS Secrets Manager");
    const auto aws_at = output.find("source AWS_DB_*");
    EXPECT_LT(url_at, secret_at) << output;
    EXPECT_LT(secret_at, aws_at) << output;
    const auto fallback = lines_containing(output, {"FALLING BACK", "in-memory"});
    ASSERT_EQ(fallback.size(), 1u) << output;
    EXPECT_NE(fallback[0].find(" warn"), std::string::npos) << fallback[0];
    expect_clean_exit(server);
}

TEST_F(SourcePriorityTest, FallbackNoneRefusesToStartWhenNoSourceIsReachable) {
    const Environment env{{"DATABASE_URL", loopback_url(closed_port())},
                          {"AWS_DB_HOST", "127.0.0.1"},
                          {"AWS_DB_PORT", std::to_string(closed_port())},
                          {"AWS_DB_USER", "nobody"},
                          {"DB_FALLBACK", "none"}};

    const CompletedRun run = run_to_completion({}, env);
    ASSERT_TRUE(run.exit_code.has_value()) << "it kept running:\n" << run.output;
    EXPECT_NE(*run.exit_code, 0) << run.output;
    EXPECT_FALSE(find_listening_port(run.output)) << run.output;
    EXPECT_EQ(lines_containing(run.output, {"DB_FALLBACK=none"}).size(), 1u) << run.output;
    expect_source_warning(run.output, "DATABASE_URL");
    expect_source_warning(run.output, "AWS_DB_*");
}

TEST_F(SourcePriorityTest, SilentSourceIsAbandonedAfterTheConnectTimeout) {
    ScratchRole role(env_, "after-silence-pw");
    SilentListener silent;
    Environment env = role.aws_db_environment();
    env["DATABASE_URL"] = loopback_url(silent.port());
    env["DB_CONNECT_TIMEOUT"] = "1";

    const auto started = Clock::now();
    ServerProcess server(env);
    EXPECT_LT(Clock::now() - started, 1s + kStartSlack);
    expect_healthy_primary(server, "AWS_DB_*");
    expect_source_warning(server.output(), "DATABASE_URL");
    expect_clean_exit(server);
}

TEST_F(SourcePriorityTest, FractionalConnectTimeoutBoundsTheSilentSource) {
    SilentListener silent;
    const Environment env{{"DATABASE_URL", loopback_url(silent.port())},
                          {"DB_CONNECT_TIMEOUT", "0.5"}};

    const auto started = Clock::now();
    const CheckDbRun run = run_check_db(env);
    EXPECT_LT(Clock::now() - started, 500ms + kStartSlack);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    expect_source_warning(run.output, "DATABASE_URL");
}

}  // namespace
}  // namespace gateway::test
