// The web identity provider against the STS stand-in (AssumeRoleWithWebIdentity).
#include <regex>

#include "aws/credential_chain.hpp"
#include "credential_endpoints_fixture.hpp"

namespace gateway::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kRoleArn = "arn:aws:iam::123456789012:role/gateway";

class WebIdentityCredentials : public CredentialEndpointsTest {
  protected:
    // The token file holds what the stand-in expects; STS is the stand-in.
    config::EnvMap web_identity_env(std::string_view token = "web-identity-token") {
        auto env = isolated_env();
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.write("eks/token", token);
        env["AWS_ROLE_ARN"] = std::string(kRoleArn);
        env["AWS_ENDPOINT_URL_STS"] = endpoints_.base_url();
        return env;
    }
};

TEST_F(WebIdentityCredentials, ExchangesTheTokenAtSts) {
    aws::CredentialChain chain(web_identity_env(), options());
    const auto before = std::chrono::system_clock::now();
    const auto credentials = chain.get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->provider, "web identity");
    EXPECT_EQ(credentials->access_key_id, "ASIASTS00000001");
    EXPECT_EQ(credentials->secret_access_key, "sts-secret-00000001");
    EXPECT_EQ(credentials->session_token, "sts-session-00000001");
    ASSERT_TRUE(credentials->expiration);
    EXPECT_GT(*credentials->expiration, before + 59min);

    EXPECT_EQ(count("sts"), 1);
    EXPECT_EQ(last_sts_field("Action"), "AssumeRoleWithWebIdentity");
    EXPECT_EQ(last_sts_field("Version"), "2011-06-15");
    EXPECT_EQ(last_sts_field("RoleArn"), kRoleArn);
    EXPECT_EQ(last_sts_field("WebIdentityToken"), "web-identity-token");
    EXPECT_TRUE(
        std::regex_match(last_sts_field("RoleSessionName"), std::regex("gateway-api-[0-9]{13}")))
        << last_sts_field("RoleSessionName");
    EXPECT_EQ(last("stsContentType").rfind("application/x-www-form-urlencoded", 0), 0u);
}

TEST_F(WebIdentityCredentials, SessionNameFromTheEnvironment) {
    auto env = web_identity_env();
    env["AWS_ROLE_SESSION_NAME"] = "api@pod-7";
    ASSERT_TRUE(aws::CredentialChain(env, options()).get());
    EXPECT_EQ(last_sts_field("RoleSessionName"), "api@pod-7");
}

TEST_F(WebIdentityCredentials, TokenFileIsReadAgainOnEveryRefresh) {
    const auto env = web_identity_env("token-generation-1\n");
    configure(R"({"sts": {"token": "token-generation-1"}})");
    aws::CredentialChain chain(env, options());
    auto credentials = chain.get();
    ASSERT_TRUE(credentials) << credentials.error().message;

    // Kubernetes rotates the projected token; STS accepts only the new one.
    home_.write("eks/token", "token-generation-2");
    configure(R"({"sts": {"token": "token-generation-2"}})");
    advance_clock(30min);
    credentials = chain.get();  // still fresh: no call
    ASSERT_TRUE(credentials);
    EXPECT_EQ(count("sts"), 1);

    advance_clock(26min);
    credentials = chain.get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->access_key_id, "ASIASTS00000002");
    EXPECT_EQ(last_sts_field("WebIdentityToken"), "token-generation-2");
}

TEST_F(WebIdentityCredentials, RejectedTokenStopsTheChainWithoutRepeatingIt) {
    auto env = web_identity_env("eyJhbGciOi.stolen-looking-payload.sig");
    env["AWS_EC2_METADATA_DISABLED"] = "false";
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoints_.base_url();
    const auto result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    const std::string& message = result.error().message;
    EXPECT_NE(message.find("web identity: STS answered HTTP 400 InvalidIdentityToken: Token "
                           "<redacted> is not valid"),
              std::string::npos)
        << message;
    expect_no_secret(message, {"stolen-looking-payload", "eyJhbGciOi"});
    EXPECT_NE(message.find("not tried: container, instance metadata"), std::string::npos)
        << message;
    EXPECT_EQ(count("imdsToken"), 0);
}

TEST_F(WebIdentityCredentials, RoleNotAllowed) {
    configure(R"({"sts": {"roleArn": "arn:aws:iam::123456789012:role/other"}})");
    const auto result = aws::CredentialChain(web_identity_env(), options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("STS answered HTTP 403 AccessDenied: Not authorized"),
              std::string::npos)
        << result.error().message;
}

TEST_F(WebIdentityCredentials, StsServerError) {
    configure(R"({"sts": {"status": 500, "errorCode": "IDPCommunicationError"}})");
    const auto result = aws::CredentialChain(web_identity_env(), options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("HTTP 500 IDPCommunicationError"), std::string::npos)
        << result.error().message;
}

TEST_F(WebIdentityCredentials, MissingOrEmptyTokenFile) {
    auto env = web_identity_env();
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home_.path() / "absent").string();
    auto result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("web identity: cannot read the token file"),
              std::string::npos)
        << result.error().message;

    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.write("empty-token", " \n");
    result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("is empty"), std::string::npos);
    EXPECT_EQ(count("sts"), 0);
}

TEST_F(WebIdentityCredentials, HalfTheVariablesIsSkipped) {
    auto env = web_identity_env();
    env.erase("AWS_ROLE_ARN");
    const auto result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find(
                  "web identity: AWS_WEB_IDENTITY_TOKEN_FILE set without AWS_ROLE_ARN"),
              std::string::npos)
        << result.error().message;
    // Skipped, not failed: the sources after it were tried.
    EXPECT_NE(result.error().message.find("container: "), std::string::npos);
    EXPECT_EQ(count("sts"), 0);
}

TEST_F(WebIdentityCredentials, FromTheSelectedProfile) {
    const auto token_file = home_.write("token", "web-identity-token");
    home_.write(".aws/config", "[profile eks]\nrole_arn = " + std::string(kRoleArn) +
                                   "\nweb_identity_token_file = " + token_file +
                                   "\nrole_session_name = from-profile\n");
    auto env = isolated_env();
    env["AWS_PROFILE"] = "eks";
    env["AWS_ENDPOINT_URL_STS"] = endpoints_.base_url();
    const auto credentials = aws::CredentialChain(env, options()).get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->provider, "web identity");
    EXPECT_EQ(last_sts_field("RoleSessionName"), "from-profile");
    EXPECT_EQ(last_sts_field("RoleArn"), kRoleArn);
}

TEST_F(WebIdentityCredentials, SilentStsTimesOutWithinTheBound) {
    configure(R"({"sts": {"hang": true}})");
    auto chain_options = options();
    chain_options.sts = {500ms, 500ms};
    const auto start = Clock::now();
    const auto result = aws::CredentialChain(web_identity_env(), chain_options).get();
    const auto elapsed = Clock::now() - start;
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("web identity: STS at http://127.0.0.1:"),
              std::string::npos)
        << result.error().message;
    EXPECT_NE(result.error().message.find("timed out"), std::string::npos);
    EXPECT_LT(elapsed, 2s);
}

}  // namespace
}  // namespace gateway::test
