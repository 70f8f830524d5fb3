#include <gtest/gtest.h>

#include "aws/credential_provider.hpp"
#include "aws/expiration_time.hpp"

namespace gateway::aws {
namespace {

using namespace std::chrono_literals;

ProviderResult resolve(const config::EnvMap& env, CredentialChainOptions options = {}) {
    return make_environment_provider(env, options)->resolve();
}

TEST(EnvironmentCredentials, KeyPairWithOptionalSessionToken) {
    auto result = resolve({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s3cr3t"}});
    ASSERT_TRUE(result) << result.error().reason;
    EXPECT_EQ(result->access_key_id, "AKIDENV");
    EXPECT_EQ(result->secret_access_key, "s3cr3t");
    EXPECT_EQ(result->session_token, "");
    EXPECT_FALSE(result->expiration);
    EXPECT_EQ(result->provider, "environment");

    result = resolve({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                      {"AWS_SECRET_ACCESS_KEY", "s3cr3t"},
                      {"AWS_SESSION_TOKEN", "tok"}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->session_token, "tok");
}

TEST(EnvironmentCredentials, NothingSetIsSkipped) {
    const auto result = resolve({{"AWS_ACCESS_KEY_ID", ""}});
    ASSERT_FALSE(result);
    EXPECT_FALSE(result.error().configured);
    EXPECT_NE(result.error().reason.find("not set"), std::string::npos);
}

TEST(EnvironmentCredentials, HalfAPairIsSkippedSayingWhichHalf) {
    auto result = resolve({{"AWS_ACCESS_KEY_ID", "AKIDLONELY"}});
    ASSERT_FALSE(result);
    EXPECT_FALSE(result.error().configured);
    EXPECT_NE(result.error().reason.find("without AWS_SECRET_ACCESS_KEY"), std::string::npos);
    EXPECT_EQ(result.error().reason.find("AKIDLONELY"), std::string::npos);

    result = resolve({{"AWS_SECRET_ACCESS_KEY", "lonely-secret"}});
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().reason.find("without AWS_ACCESS_KEY_ID"), std::string::npos);
    EXPECT_EQ(result.error().reason.find("lonely-secret"), std::string::npos);
}

TEST(EnvironmentCredentials, ExpirationIsReadAndChecked) {
    CredentialChainOptions options;
    const auto now = *parse_iso8601("2030-01-01T00:00:00Z");
    options.clock = [now] { return now; };
    const config::EnvMap base{{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}};

    auto env = base;
    env["AWS_CREDENTIAL_EXPIRATION"] = "2030-01-01T01:00:00Z";
    auto result = resolve(env, options);
    ASSERT_TRUE(result) << result.error().reason;
    EXPECT_EQ(result->expiration, now + 1h);

    env["AWS_CREDENTIAL_EXPIRATION"] = "2029-12-31T23:59:59Z";
    result = resolve(env, options);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().configured);
    EXPECT_NE(result.error().reason.find("expired"), std::string::npos);

    env["AWS_CREDENTIAL_EXPIRATION"] = "tomorrow";
    result = resolve(env, options);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().configured);
    EXPECT_NE(result.error().reason.find("AWS_CREDENTIAL_EXPIRATION"), std::string::npos);
}

}  // namespace
}  // namespace gateway::aws
