// The container provider against the stand-in of an ECS/EKS credentials agent.
#include "aws/credential_chain.hpp"
#include "aws/http_client.hpp"
#include "credential_endpoints_fixture.hpp"

namespace gateway::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class ContainerCredentials : public CredentialEndpointsTest {
  protected:
    config::EnvMap container_env() const {
        auto env = isolated_env();
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = container_url();
        return env;
    }
};

TEST_F(ContainerCredentials, FullUriWithAuthorizationToken) {
    configure(R"({"container": {"authorization": "Bearer pod-token-1"}})");
    auto env = container_env();
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer pod-token-1";
    const auto credentials = aws::CredentialChain(env, options()).get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->provider, "container");
    EXPECT_EQ(credentials->access_key_id, "ASIAECS00000001");
    EXPECT_EQ(credentials->secret_access_key, "ecs-secret-00000001");
    EXPECT_EQ(credentials->session_token, "ecs-session-00000001");
    EXPECT_TRUE(credentials->expiration);
    EXPECT_EQ(last("containerAuthorization"), "Bearer pod-token-1");
}

TEST_F(ContainerCredentials, NoAuthorizationHeaderWithoutAToken) {
    const auto credentials = aws::CredentialChain(container_env(), options()).get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(last("containerAuthorization"), "");
    EXPECT_EQ(count("container"), 1);
}

TEST_F(ContainerCredentials, TokenFileWinsAndIsReadAgainOnRefresh) {
    const auto token_file = home_.write("pod-identity-token", "token-from-file-1");
    configure(R"({"container": {"authorization": "token-from-file-1"}})");
    auto env = container_env();
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = token_file;
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "token-from-variable";
    aws::CredentialChain chain(env, options());
    auto credentials = chain.get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->access_key_id, "ASIAECS00000001");

    // The agent rotates the token; the next refresh must send the new one.
    home_.write("pod-identity-token", "token-from-file-2");
    configure(R"({"container": {"authorization": "token-from-file-2"}})");
    advance_clock(56min);
    credentials = chain.get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->access_key_id, "ASIAECS00000002");
    EXPECT_EQ(last("containerAuthorization"), "token-from-file-2");
}

TEST_F(ContainerCredentials, RejectedTokenIsNotRepeatedInTheError) {
    configure(R"({"container": {"authorization": "the-right-token"}})");
    auto env = container_env();
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong-token-value";
    env["AWS_EC2_METADATA_DISABLED"] = "false";
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoints_.base_url();
    const auto result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    const std::string& message = result.error().message;
    EXPECT_NE(message.find("container: the container endpoint answered HTTP 401"),
              std::string::npos)
        << message;
    // The stand-in quoted the token back; the chain must not pass it on.
    EXPECT_NE(message.find("unknown authorization <redacted>"), std::string::npos) << message;
    expect_no_secret(message, {"wrong-token-value", "the-right-token"});
    // A container setup that fails ends the search: instance metadata is not asked.
    EXPECT_NE(message.find("not tried: instance metadata"), std::string::npos) << message;
    EXPECT_EQ(count("imdsToken"), 0);
}

TEST_F(ContainerCredentials, TokenWithLineBreakIsRefusedBeforeAnyRequest) {
    auto env = container_env();
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "secret-half\r\nX-Injected: yes";
    const auto result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("line break"), std::string::npos)
        << result.error().message;
    expect_no_secret(result.error().message, {"secret-half", "X-Injected"});
    EXPECT_EQ(count("container"), 0);
}

// These URLs do reach the stand-in (libcurl reads the decimal and IPv4-mapped forms as
// 127.0.0.1), yet the SDKs' rules admit plain http to literal loopback names only: the
// provider must refuse them without sending anything.
TEST_F(ContainerCredentials, DisallowedFullUriIsRefusedWithoutARequest) {
    const std::string port = std::to_string(endpoints_.port());
    for (const std::string& url : {"http://2130706433:" + port + "/v2/credentials/task",
                                   "http://[::ffff:127.0.0.1]:" + port + "/v2/credentials/task"}) {
        aws::HttpRequest probe;
        probe.url = url;
        const auto reachable = aws::perform(probe);
        const bool proves_something = reachable && reachable->status == 200;
        const auto requests_before = count("container");

        auto env = container_env();
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url;
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "must-not-leak";
        const auto result = aws::CredentialChain(env, options()).get();
        ASSERT_FALSE(result) << url;
        EXPECT_NE(result.error().message.find("container: AWS_CONTAINER_CREDENTIALS_FULL_URI uses "
                                              "plain http to a host other than loopback"),
                  std::string::npos)
            << result.error().message;
        EXPECT_EQ(count("container"), requests_before) << url;
        if (!proves_something) ADD_FAILURE() << url << " does not reach the stand-in at all";
    }
}

TEST_F(ContainerCredentials, HttpsAnywhereIsAllowedButMustAnswer) {
    // An https URL on a loopback port with nothing behind it: allowed, then refused.
    auto env = container_env();
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "https://127.0.0.1:1/creds";
    const auto result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message.find("plain http"), std::string::npos)
        << result.error().message;
    EXPECT_NE(result.error().message.find("container: the container endpoint"), std::string::npos)
        << result.error().message;
}

TEST_F(ContainerCredentials, AgentErrorsAndMalformedAnswers) {
    configure(R"({"container": {"status": 503}})");
    auto result = aws::CredentialChain(container_env(), options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("HTTP 503: agent is busy"), std::string::npos)
        << result.error().message;

    configure(R"({"container": {"status": 200, "path": "/elsewhere"}})");
    result = aws::CredentialChain(container_env(), options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("HTTP 404"), std::string::npos) << result.error().message;
}

TEST_F(ContainerCredentials, SilentAgentTimesOutWithinTheBound) {
    configure(R"({"container": {"hang": true}})");
    auto chain_options = options();
    chain_options.container = {500ms, 500ms};
    const auto start = Clock::now();
    const auto result = aws::CredentialChain(container_env(), chain_options).get();
    const auto elapsed = Clock::now() - start;
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("container: the container endpoint timed out"),
              std::string::npos)
        << result.error().message;
    EXPECT_LT(elapsed, 2s);
}

}  // namespace
}  // namespace gateway::test
