// AWS_DB_IAM_AUTH against the real server and a real PostgreSQL: the AWS_DB_* source
// signs an RDS auth token with the credential chain and logs in with it over TLS. A
// PostgreSQL outside RDS cannot check a token, so the login is refused, and that is
// what is asserted: the whole path ran (credentials, token, TLS connect, the server's
// verdict), the refusal is reported like any failed source, and no credential or token
// reaches the output.
#include <chrono>
#include <string>

#include "db/pg_fixture.hpp"
#include "support/http_client.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

constexpr std::string_view kAccessKeyId = "AKIDIAMAUTHTESTKEY01";
constexpr std::string_view kSecretAccessKey = "iam-test-secret-Zq8vX2mN7pL4";
constexpr std::string_view kSessionToken = "iam-test-session-token-Hk3Jw9";

class IamAuthTest : public PgTest {
  protected:
    Environment iam_environment(const ScratchRole& role) const {
        Environment env = role.aws_db_environment();
        env.erase("AWS_DB_PASSWORD");
        env["AWS_DB_IAM_AUTH"] = "true";
        env["AWS_REGION"] = "eu-west-1";
        env["AWS_EC2_METADATA_DISABLED"] = "true";
        env["DB_CONNECT_TIMEOUT"] = "2";
        return env;
    }

    static void expect_no_credentials_in(const std::string& output) {
        for (const std::string_view secret :
             {kSecretAccessKey, kSessionToken, std::string_view("X-Amz-Signature"),
              std::string_view("Action=connect")}) {
            EXPECT_EQ(output.find(secret), std::string::npos) << secret << " in\n" << output;
        }
    }
};

TEST_F(IamAuthTest, TheTokenIsSentOverTlsAndTheServersRefusalIsReported) {
    ScratchRole role(env_, "iam-role-password-unused-7Tq");
    Environment env = iam_environment(role);
    env["AWS_ACCESS_KEY_ID"] = std::string(kAccessKeyId);
    env["AWS_SECRET_ACCESS_KEY"] = std::string(kSecretAccessKey);
    env["AWS_SESSION_TOKEN"] = std::string(kSessionToken);
    ServerProcess server(env);

    HttpClient client(server.port());
    const Response health = client.request("GET", "/health");
    ASSERT_TRUE(HasStatus(health, 200));
    EXPECT_EQ(string_at(health_database(health), "type"), "in-memory") << health.body;

    const std::string output = server.output();
    // At least once: the sources are tried again in the background while on the fallback.
    EXPECT_GE(lines_containing(output, {"logs in with IAM auth tokens", "eu-west-1", "environment"})
                  .size(),
              1u)
        << output;
    // The token went to the server, over TLS (sslmode=require is implied), and the server
    // judged it as a password.
    const auto refused =
        lines_containing(output, {"source AWS_DB_*", "failed its pre-flight check"});
    ASSERT_GE(refused.size(), 1u) << output;
    EXPECT_NE(refused[0].find("password authentication failed"), std::string::npos) << refused[0];
    EXPECT_NE(refused[0].find("sslmode=require"), std::string::npos) << refused[0];
    expect_no_credentials_in(output);
    expect_clean_exit(server);
}

TEST_F(IamAuthTest, WithoutAwsCredentialsTheSourceIsSkippedAtOnce) {
    ScratchRole role(env_, "iam-role-password-unused-8Rw");
    Environment env = iam_environment(role);
    env["HOME"] = "/nonexistent";  // no shared credentials files either
    ServerProcess server(env);

    const std::string output = server.output();
    EXPECT_EQ(lines_containing(output, {"source AWS_DB_*", "skipped",
                                        "no AWS credentials to sign IAM auth tokens"})
                  .size(),
              1u)
        << output;
    EXPECT_TRUE(lines_containing(output, {"failed its pre-flight check"}).empty()) << output;
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
