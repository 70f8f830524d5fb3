// The instance metadata provider against the IMDSv2 stand-in, and against endpoints
// that refuse connections or never answer.
#include <thread>

#include "aws/credential_chain.hpp"
#include "credential_endpoints_fixture.hpp"
#include "support/dead_endpoints.hpp"

namespace gateway::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class InstanceMetadataCredentials : public CredentialEndpointsTest {};

TEST_F(InstanceMetadataCredentials, SessionTokenThenRoleThenCredentials) {
    aws::CredentialChain chain(imds_env(), options());
    const auto before = std::chrono::system_clock::now();
    const auto credentials = chain.get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->provider, "instance metadata");
    EXPECT_EQ(credentials->access_key_id, "ASIAIMDS00000001");
    EXPECT_EQ(credentials->secret_access_key, "imds-secret-00000001");
    EXPECT_EQ(credentials->session_token, "imds-session-00000001");
    ASSERT_TRUE(credentials->expiration);
    EXPECT_GT(*credentials->expiration, before + 59min);
    EXPECT_LT(*credentials->expiration, before + 61min);

    EXPECT_EQ(count("imdsToken"), 1);
    EXPECT_EQ(last("imdsTtlHeader"), "21600");
    EXPECT_EQ(count("imdsRole"), 1);
    EXPECT_EQ(count("imdsCredentials"), 1);
    EXPECT_EQ(last("imdsRole"), "gateway-instance-role");
    // Every GET carried a token the stand-in had issued.
    EXPECT_EQ(count("imdsUnauthorized"), 0);
}

TEST_F(InstanceMetadataCredentials, SessionTokenIsReusedForItsLifetime) {
    aws::CredentialChain chain(imds_env(), options());
    ASSERT_TRUE(chain.get());
    advance_clock(56min);  // inside the refresh window: new credentials, same token
    const auto refreshed = chain.get();
    ASSERT_TRUE(refreshed) << refreshed.error().message;
    EXPECT_EQ(refreshed->access_key_id, "ASIAIMDS00000002");
    EXPECT_EQ(count("imdsToken"), 1);
    EXPECT_EQ(count("imdsCredentials"), 2);

    advance_clock(6h);  // past the token's six hours (and past the credentials' expiry)
    const auto later = chain.get();
    ASSERT_TRUE(later) << later.error().message;
    EXPECT_EQ(count("imdsToken"), 2);
}

TEST_F(InstanceMetadataCredentials, ShorterTokenGrantIsHonoured) {
    configure(R"({"imds": {"grantTtlSeconds": 120}})");
    aws::CredentialChain chain(imds_env(), options());
    ASSERT_TRUE(chain.get());
    advance_clock(56min);
    ASSERT_TRUE(chain.get());
    EXPECT_EQ(count("imdsToken"), 2);
    EXPECT_EQ(count("imdsUnauthorized"), 0);
}

TEST_F(InstanceMetadataCredentials, RejectedTokenIsReplacedOnce) {
    aws::CredentialChain chain(imds_env(), options());
    ASSERT_TRUE(chain.get());
    configure(R"({"revokeImdsTokens": true})");  // as if IMDS had restarted
    advance_clock(56min);
    const auto refreshed = chain.get();
    ASSERT_TRUE(refreshed) << refreshed.error().message;
    EXPECT_EQ(refreshed->access_key_id, "ASIAIMDS00000002");
    EXPECT_EQ(count("imdsUnauthorized"), 1);
    EXPECT_EQ(count("imdsToken"), 2);
}

TEST_F(InstanceMetadataCredentials, RefusedTokenMeansNoImdsV1Fallback) {
    configure(R"({"imds": {"tokenStatus": 403}})");
    aws::CredentialChain chain(imds_env(), options());
    const auto result = chain.get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("instance metadata: "), std::string::npos);
    EXPECT_NE(result.error().message.find("refused an IMDSv2 session token (HTTP 403)"),
              std::string::npos)
        << result.error().message;
    EXPECT_EQ(count("imdsRole") + count("imdsCredentials") + count("imdsUnauthorized"), 0);
}

TEST_F(InstanceMetadataCredentials, NoRoleAttached) {
    configure(R"({"imds": {"roleName": ""}})");
    aws::CredentialChain chain(imds_env(), options());
    const auto result = chain.get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("no IAM role is attached"), std::string::npos)
        << result.error().message;
}

TEST_F(InstanceMetadataCredentials, UnsuccessfulCodeOrStatus) {
    configure(R"({"imds": {"code": "AssumeRoleUnauthorizedAccess"}})");
    auto result = aws::CredentialChain(imds_env(), options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("Code is \"AssumeRoleUnauthorizedAccess\""),
              std::string::npos)
        << result.error().message;
    expect_no_secret(result.error().message, {"imds-secret-", "imds-session-"});

    configure(R"({"imds": {"code": "Success", "credentialsStatus": 500}})");
    result = aws::CredentialChain(imds_env(), options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("HTTP 500"), std::string::npos) << result.error().message;
}

TEST_F(InstanceMetadataCredentials, AlreadyExpiredCredentialsAreRefused) {
    configure(R"({"imds": {"expiresInSeconds": -60}})");
    const auto result = aws::CredentialChain(imds_env(), options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("instance metadata: the credentials expired at"),
              std::string::npos)
        << result.error().message;
}

TEST_F(InstanceMetadataCredentials, DisabledMeansNoRequest) {
    auto env = imds_env();
    env["AWS_EC2_METADATA_DISABLED"] = "TRUE";
    const auto result = aws::CredentialChain(env, options()).get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("instance metadata: AWS_EC2_METADATA_DISABLED=true"),
              std::string::npos)
        << result.error().message;
    EXPECT_EQ(count("imdsToken"), 0);
}

// Off EC2 nothing answers at 169.254.169.254: the chain must give up in about a second
// per step, not hang. Here the endpoint accepts the connection and then stays silent.
TEST_F(InstanceMetadataCredentials, SilentEndpointTimesOutWithinTheBound) {
    SilentListener silent;
    auto env = imds_env();
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(silent.port());
    aws::CredentialChain chain(env, options());  // the default one-second steps
    const auto start = Clock::now();
    const auto result = chain.get();
    const auto elapsed = Clock::now() - start;
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("instance metadata: no answer from"), std::string::npos)
        << result.error().message;
    EXPECT_NE(result.error().message.find("within 1000 ms"), std::string::npos);
    EXPECT_GE(elapsed, 900ms);
    EXPECT_LT(elapsed, 3s);
}

TEST_F(InstanceMetadataCredentials, StandInThatHangsTimesOutWithinTheBound) {
    configure(R"({"imds": {"hang": true}})");
    aws::CredentialChain chain(imds_env(), options());
    const auto start = Clock::now();
    const auto result = chain.get();
    const auto elapsed = Clock::now() - start;
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("no answer from"), std::string::npos)
        << result.error().message;
    EXPECT_LT(elapsed, 3s);
    EXPECT_EQ(count("imdsToken"), 1);
}

TEST_F(InstanceMetadataCredentials, RefusedConnectionFailsAtOnce) {
    auto env = imds_env();
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(closed_port());
    const auto start = Clock::now();
    const auto result = aws::CredentialChain(env, options()).get();
    const auto elapsed = Clock::now() - start;
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("instance metadata: http://127.0.0.1:"),
              std::string::npos)
        << result.error().message;
    EXPECT_LT(elapsed, 1s);
}

}  // namespace
}  // namespace gateway::test
