// The Secrets Manager client against the loopback stand-in, which checks every signature
// with the official AWS signer: real HTTP, real signing, the protocol's real shapes.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "aws/credential_chain.hpp"
#include "aws/database_secret.hpp"
#include "aws/secrets_manager.hpp"
#include "config/database_sources.hpp"
#include "support/dead_endpoints.hpp"
#include "support/secrets_manager_peer.hpp"

namespace gateway::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kRegion = "eu-west-1";
constexpr std::string_view kDatabasePassword = "db-pw-7b1e5c3a9d";

std::string full_rds_secret() {
    return R"({"engine":"postgres","host":"db.internal.example.com","port":5433,)"
           R"("dbname":"gateway","username":"app","password":")" +
           std::string(kDatabasePassword) + R"("})";
}

class SecretsManagerClientTest : public ::testing::Test {
  protected:
    SecretsManagerClientTest() : peer_(GATEWAY_AWS_NODE_DIR, std::string(kRegion)) {}

    aws::Credentials signing_credentials() const {
        aws::Credentials credentials;
        credentials.access_key_id = peer_.credentials().access_key_id;
        credentials.secret_access_key = peer_.credentials().secret_access_key;
        credentials.session_token = peer_.credentials().session_token;
        credentials.provider = "test";
        return credentials;
    }

    aws::SecretsManagerOptions options() const {
        aws::SecretsManagerOptions options;
        options.region = std::string(kRegion);
        options.endpoint_url = peer_.endpoint();
        return options;
    }

    // The whole path the server takes, from the environment on.
    domain::Expected<aws::DatabaseSecret, aws::DatabaseSecretError> fetch_with(
        config::EnvMap env) const {
        const auto sources = config::configured_database_sources(env);
        for (const auto& source : sources) {
            if (const auto* secret = std::get_if<config::SecretsManagerSource>(&source)) {
                aws::CredentialChain chain(env);
                return aws::fetch_database_secret(*secret, chain);
            }
        }
        throw std::runtime_error("the environment configures no Secrets Manager source");
    }

    config::EnvMap server_env(std::string_view secret_id) const {
        config::EnvMap env;
        for (const auto& [name, value] : peer_.server_environment(secret_id)) env[name] = value;
        return env;
    }

    // Unanswered retries must not make the suite slow: no real sleeps in the error cases.
    static aws::SecretsManagerHooks instant_retries() {
        aws::SecretsManagerHooks hooks;
        hooks.sleep = [](std::chrono::milliseconds) {};
        return hooks;
    }

    SecretsManagerPeer peer_;
};

TEST_F(SecretsManagerClientTest, FetchesTheSecretAndReadsIt) {
    peer_.put_secret_string("prod/gateway-db", full_rds_secret());
    const auto fetched = fetch_with(server_env("prod/gateway-db"));
    ASSERT_TRUE(fetched) << fetched.error().message << "\n" << peer_.output();
    EXPECT_EQ(fetched->params.host, "db.internal.example.com");
    EXPECT_EQ(fetched->params.port, 5433);
    EXPECT_EQ(fetched->params.dbname, "gateway");
    EXPECT_EQ(fetched->params.user, "app");
    EXPECT_EQ(fetched->params.password, kDatabasePassword);
    EXPECT_FALSE(fetched->version_id.empty());
    EXPECT_EQ(fetched->credentials_provider.empty(), false);
    const auto stats = peer_.stats();
    EXPECT_EQ(stats.requests, 1);
    EXPECT_EQ(stats.served, 1);
}

TEST_F(SecretsManagerClientTest, ByArnToo) {
    peer_.put_secret_string("prod/gateway-db", full_rds_secret());
    const auto secret = aws::get_secret_value("prod/gateway-db", signing_credentials(), options());
    ASSERT_TRUE(secret) << secret.error().message;
    ASSERT_FALSE(secret->arn.empty());
    const auto by_arn = aws::get_secret_value(secret->arn, signing_credentials(), options());
    ASSERT_TRUE(by_arn) << by_arn.error().message;
    EXPECT_EQ(by_arn->value, full_rds_secret());
    EXPECT_EQ(by_arn->version_id, secret->version_id);
}

TEST_F(SecretsManagerClientTest, SecretWithoutHostIsCompletedFromAwsDbVariables) {
    peer_.put_secret_string("rds!db-0123", R"({"username":"app","password":")" +
                                               std::string(kDatabasePassword) + R"("})");
    auto env = server_env("rds!db-0123");
    env["AWS_DB_HOST"] = "10.1.2.3";
    env["AWS_DB_PORT"] = "6543";
    env["AWS_DB_NAME"] = "gateway";
    env["AWS_REQUIRE_SSL"] = "true";
    const auto fetched = fetch_with(env);
    ASSERT_TRUE(fetched) << fetched.error().message;
    EXPECT_EQ(fetched->params.host, "10.1.2.3");
    EXPECT_EQ(fetched->params.port, 6543);
    EXPECT_EQ(fetched->params.dbname, "gateway");
    EXPECT_EQ(fetched->params.user, "app");
    EXPECT_EQ(config::find_parameter(fetched->params, "sslmode"), "require");
}

TEST_F(SecretsManagerClientTest, SecretWithoutHostAndNoAwsDbHostIsRefused) {
    peer_.put_secret_string("rds!db-0123", R"({"username":"app","password":"x-pw-1"})");
    const auto fetched = fetch_with(server_env("rds!db-0123"));
    ASSERT_FALSE(fetched);
    EXPECT_NE(fetched.error().message.find("AWS_DB_HOST"), std::string::npos)
        << fetched.error().message;
}

TEST_F(SecretsManagerClientTest, BinarySecret) {
    peer_.put_secret_binary("binary-db", full_rds_secret());
    const auto secret = aws::get_secret_value("binary-db", signing_credentials(), options());
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_TRUE(secret->binary);
    EXPECT_EQ(secret->value, full_rds_secret());
    const auto fetched = fetch_with(server_env("binary-db"));
    ASSERT_TRUE(fetched) << fetched.error().message;
    EXPECT_EQ(fetched->params.password, kDatabasePassword);
}

TEST_F(SecretsManagerClientTest, NotFound) {
    const auto secret = aws::get_secret_value("no/such/secret", signing_credentials(), options());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::not_found)
        << secret.error().message;
    EXPECT_EQ(secret.error().error_type, "ResourceNotFoundException");
    EXPECT_EQ(secret.error().attempts, 1);
    EXPECT_EQ(peer_.stats().errors["ResourceNotFoundException"], 1);
}

TEST_F(SecretsManagerClientTest, AccessDenied) {
    peer_.put_denied_secret("locked");
    const auto secret = aws::get_secret_value("locked", signing_credentials(), options());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::access_denied)
        << secret.error().message;
    // The service's own explanation names the principal and the action.
    EXPECT_NE(secret.error().message.find("is not authorized"), std::string::npos)
        << secret.error().message;
}

TEST_F(SecretsManagerClientTest, ThrottledTwiceThenServed) {
    peer_.put_secret_string("busy", full_rds_secret());
    peer_.fail_next(2, "ThrottlingException");
    std::vector<std::chrono::milliseconds> waits;
    aws::SecretsManagerHooks hooks;
    hooks.sleep = [&waits](std::chrono::milliseconds wait) {
        waits.push_back(wait);
        std::this_thread::sleep_for(wait);
    };
    const auto secret = aws::get_secret_value("busy", signing_credentials(), options(), hooks);
    ASSERT_TRUE(secret) << secret.error().message;
    ASSERT_EQ(waits.size(), 2u);
    EXPECT_LT(waits[0], 500ms);
    EXPECT_LT(waits[1], 1000ms);
    const auto stats = peer_.stats();
    EXPECT_EQ(stats.requests, 3);
    EXPECT_EQ(stats.served, 1);
    EXPECT_EQ(stats.errors.at("ThrottlingException"), 2);
}

TEST_F(SecretsManagerClientTest, TooManyRequestsStatusIsThrottlingToo) {
    peer_.put_secret_string("busy", full_rds_secret());
    peer_.fail_next(3, "TooManyRequestsException", 429);
    const auto secret =
        aws::get_secret_value("busy", signing_credentials(), options(), instant_retries());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::throttled);
    EXPECT_EQ(secret.error().attempts, 3);
    EXPECT_EQ(peer_.stats().requests, 3);
}

TEST_F(SecretsManagerClientTest, ServerErrorsAreRetried) {
    peer_.put_secret_string("flaky", full_rds_secret());
    peer_.fail_next(1, "InternalServiceError", 500);
    const auto secret =
        aws::get_secret_value("flaky", signing_credentials(), options(), instant_retries());
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_EQ(peer_.stats().requests, 2);
}

TEST_F(SecretsManagerClientTest, WrongSecretKeyIsRejectedBySignature) {
    peer_.put_secret_string("prod/gateway-db", full_rds_secret());
    auto credentials = signing_credentials();
    credentials.secret_access_key = "not-the-right-secret-key-0000000000000000";
    const auto secret = aws::get_secret_value("prod/gateway-db", credentials, options());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::signature_rejected)
        << secret.error().message;
    EXPECT_EQ(secret.error().error_type, "InvalidSignatureException");
    EXPECT_EQ(secret.error().message.find(credentials.secret_access_key), std::string::npos);
    EXPECT_EQ(peer_.stats().errors["InvalidSignatureException"], 1);
}

TEST_F(SecretsManagerClientTest, UnknownAccessKeyIsNotRecognised) {
    auto credentials = signing_credentials();
    credentials.access_key_id = "AKIDSOMEONEELSE00000";
    const auto secret = aws::get_secret_value("prod/gateway-db", credentials, options());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::invalid_credentials)
        << secret.error().message;
    EXPECT_EQ(secret.error().error_type, "UnrecognizedClientException");
}

TEST_F(SecretsManagerClientTest, WrongRegionInTheScopeIsRejected) {
    peer_.put_secret_string("prod/gateway-db", full_rds_secret());
    auto wrong = options();
    wrong.region = "us-west-2";
    const auto secret = aws::get_secret_value("prod/gateway-db", signing_credentials(), wrong);
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::signature_rejected)
        << secret.error().message;
    EXPECT_NE(secret.error().message.find("us-west-2"), std::string::npos)
        << secret.error().message;
}

TEST_F(SecretsManagerClientTest, EndpointOverrideVariables) {
    peer_.put_secret_string("prod/gateway-db", full_rds_secret());
    const std::string unreachable = "http://127.0.0.1:" + std::to_string(closed_port());

    // The global override alone.
    auto env = server_env("prod/gateway-db");
    env.erase("AWS_ENDPOINT_URL_SECRETS_MANAGER");
    env["AWS_ENDPOINT_URL"] = peer_.endpoint();
    const auto global = fetch_with(env);
    EXPECT_TRUE(global) << global.error().message;

    // The service's own wins over the global one.
    env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = peer_.endpoint();
    env["AWS_ENDPOINT_URL"] = unreachable;
    const auto specific = fetch_with(env);
    EXPECT_TRUE(specific) << specific.error().message;
    EXPECT_EQ(peer_.stats().served, 2);
}

TEST_F(SecretsManagerClientTest, UnreachableEndpointAfterTheRetries) {
    aws::SecretsManagerOptions unreachable;
    unreachable.region = std::string(kRegion);
    unreachable.endpoint_url = "http://127.0.0.1:" + std::to_string(closed_port());
    const auto secret = aws::get_secret_value("prod/gateway-db", signing_credentials(), unreachable,
                                              instant_retries());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::unreachable);
    EXPECT_EQ(secret.error().attempts, 3);
    EXPECT_NE(secret.error().message.find(*unreachable.endpoint_url), std::string::npos)
        << secret.error().message;
}

TEST_F(SecretsManagerClientTest, SilentEndpointIsBoundedByTheTimeouts) {
    SilentListener silent;
    aws::SecretsManagerOptions slow;
    slow.region = std::string(kRegion);
    slow.endpoint_url = "http://127.0.0.1:" + std::to_string(silent.port());
    slow.attempt_timeout = 300ms;
    const auto started = std::chrono::steady_clock::now();
    const auto secret =
        aws::get_secret_value("prod/gateway-db", signing_credentials(), slow, instant_retries());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, aws::SecretsManagerFailure::unreachable);
    // Three attempts of 300 ms, and slack for a loaded machine.
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

class SessionTokenTest : public ::testing::Test {
  protected:
    SessionTokenTest()
        : peer_(GATEWAY_AWS_NODE_DIR, "ap-southeast-2",
                TestAwsCredentials{"ASIAGATEWAYTEST0002", "gw-temp-secret-key-0a1b2c3d4e5f60718293",
                                   "gw-session-token-FwoGZXIvYXdzEJr//////////"}) {}
    SecretsManagerPeer peer_;
};

TEST_F(SessionTokenTest, TemporaryCredentialsSignTheirToken) {
    peer_.put_secret_string("db", full_rds_secret());
    aws::Credentials credentials{peer_.credentials().access_key_id,
                                 peer_.credentials().secret_access_key,
                                 peer_.credentials().session_token, std::nullopt, "test"};
    aws::SecretsManagerOptions options;
    options.region = "ap-southeast-2";
    options.endpoint_url = peer_.endpoint();
    const auto secret = aws::get_secret_value("db", credentials, options);
    ASSERT_TRUE(secret) << secret.error().message;

    credentials.session_token = "gw-session-token-someone-elses";
    const auto other = aws::get_secret_value("db", credentials, options);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().failure, aws::SecretsManagerFailure::invalid_credentials)
        << other.error().message;
    EXPECT_EQ(other.error().message.find("someone-elses"), std::string::npos);
}

}  // namespace
}  // namespace gateway::test
