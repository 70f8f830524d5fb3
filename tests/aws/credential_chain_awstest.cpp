// The whole chain: which source wins, what the error says when none does, and how
// temporary credentials are cached and refreshed.
#include <thread>
#include <vector>

#include "aws/credential_chain.hpp"
#include "credential_endpoints_fixture.hpp"

namespace gateway::test {
namespace {

using namespace std::chrono_literals;

class CredentialChainTest : public CredentialEndpointsTest {
  protected:
    // Every source configured and working, each with its own keys.
    config::EnvMap every_source() {
        config::EnvMap env{
            {"HOME", home_.path().string()},
            {"AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT0001"},
            {"AWS_SECRET_ACCESS_KEY", "env-secret-value"},
            {"AWS_WEB_IDENTITY_TOKEN_FILE", home_.write("token", "web-identity-token")},
            {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/gateway"},
            {"AWS_ENDPOINT_URL_STS", endpoints_.base_url()},
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url()},
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoints_.base_url()},
        };
        home_.write(".aws/credentials",
                    "[default]\naws_access_key_id = AKIASHAREDFILE0001\n"
                    "aws_secret_access_key = file-secret-value\n");
        return env;
    }

    std::string provider_of(const config::EnvMap& env) {
        const auto credentials = aws::CredentialChain(env, options()).get();
        EXPECT_TRUE(credentials) << credentials.error().message;
        return credentials ? credentials->provider : "";
    }

    std::int64_t remote_requests() {
        return count("sts") + count("container") + count("imdsToken");
    }
};

TEST_F(CredentialChainTest, EachSourceBeatsTheOnesAfterIt) {
    auto env = every_source();
    EXPECT_EQ(provider_of(env), "environment");
    EXPECT_EQ(remote_requests(), 0);

    env.erase("AWS_ACCESS_KEY_ID");
    env.erase("AWS_SECRET_ACCESS_KEY");
    EXPECT_EQ(provider_of(env), "shared files");
    EXPECT_EQ(remote_requests(), 0);

    std::filesystem::remove(home_.path() / ".aws/credentials");
    EXPECT_EQ(provider_of(env), "web identity");
    EXPECT_EQ(count("sts"), 1);
    EXPECT_EQ(count("container") + count("imdsToken"), 0);

    env.erase("AWS_WEB_IDENTITY_TOKEN_FILE");
    env.erase("AWS_ROLE_ARN");
    EXPECT_EQ(provider_of(env), "container");
    EXPECT_EQ(count("container"), 1);
    EXPECT_EQ(count("imdsToken"), 0);

    env.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    EXPECT_EQ(provider_of(env), "instance metadata");
    EXPECT_EQ(count("imdsToken"), 1);
}

TEST_F(CredentialChainTest, ErrorGivesEverySourcesReasonInOrder) {
    const auto result = aws::CredentialChain(isolated_env(), options()).get();
    ASSERT_FALSE(result);
    const std::string& message = result.error().message;
    std::size_t at = 0;
    for (const std::string_view clause :
         {"environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set",
          "; shared files: no profile \"default\" in ",
          "; web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN not set",
          "; container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
          "AWS_CONTAINER_CREDENTIALS_FULL_URI not set",
          "; instance metadata: AWS_EC2_METADATA_DISABLED=true"}) {
        const auto found = message.find(clause, at);
        ASSERT_NE(found, std::string::npos) << "\"" << clause << "\" missing from: " << message;
        at = found + clause.size();
    }
}

TEST_F(CredentialChainTest, NoSecretInAnyError) {
    // Half pairs, a broken file and rejected tokens, each holding a secret-looking value;
    // the stand-ins quote rejected tokens back.
    home_.write(".aws/credentials", "[default]\naws_secret_access_key = file-secret-value\n");
    const auto broken_file = home_.write(
        "broken-credentials",
        "[default]\naws_access_key_id = AKIABROKEN\naws_secret_access_key file-secret-2\n");
    configure(R"({"sts": {"token": "the-expected-token"},
                  "container": {"authorization": "the-expected-authorization"}})");
    auto env = isolated_env();
    env["AWS_SECRET_ACCESS_KEY"] = "env-secret-value";
    env["AWS_SESSION_TOKEN"] = "env-session-token";
    env["AWS_ENDPOINT_URL_STS"] = endpoints_.base_url();
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = container_url();
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "presented-authorization";

    auto with_web_identity = env;
    with_web_identity["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.write("token", "presented-token");
    with_web_identity["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/gateway";
    auto with_broken_file = env;
    with_broken_file["AWS_SHARED_CREDENTIALS_FILE"] = broken_file;

    const std::pair<config::EnvMap, std::string_view> cases[] = {
        {with_web_identity, "InvalidIdentityToken"},
        {with_broken_file, "line 3"},
        {env, "container: the container endpoint answered HTTP 401"},
    };
    for (const auto& [case_env, expected] : cases) {
        const auto result = aws::CredentialChain(case_env, options()).get();
        ASSERT_FALSE(result);
        const std::string& message = result.error().message;
        // The failure itself is reported, secrets or not.
        EXPECT_NE(message.find(expected), std::string::npos) << message;
        expect_no_secret(message, {"env-secret-value", "env-session-token", "file-secret-value",
                                   "file-secret-2", "presented-token", "the-expected-token",
                                   "presented-authorization", "the-expected-authorization"});
    }
}

TEST_F(CredentialChainTest, LongTermCredentialsAreReadOnce) {
    home_.write(".aws/credentials",
                "[default]\naws_access_key_id = AKIAFIRSTVERSION01\naws_secret_access_key = a\n");
    aws::CredentialChain chain({{"HOME", home_.path().string()}}, options());
    ASSERT_EQ(chain.get()->access_key_id, "AKIAFIRSTVERSION01");
    home_.write(".aws/credentials",
                "[default]\naws_access_key_id = AKIASECONDVERSION2\naws_secret_access_key = b\n");
    advance_clock(24h);
    EXPECT_EQ(chain.get()->access_key_id, "AKIAFIRSTVERSION01");
}

TEST_F(CredentialChainTest, CachedUntilFiveMinutesBeforeExpiry) {
    aws::CredentialChain chain(imds_env(), options());
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000001");
    advance_clock(54min);  // six minutes left: still cached
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000001");
    EXPECT_EQ(count("imdsCredentials"), 1);
    advance_clock(2min);  // four minutes left: refreshed
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000002");
    EXPECT_EQ(count("imdsCredentials"), 2);
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000002");
    EXPECT_EQ(count("imdsCredentials"), 2);
}

TEST_F(CredentialChainTest, FailedRefreshKeepsValidCredentialsAndRetriesLater) {
    aws::CredentialChain chain(imds_env(), options());
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000001");
    configure(R"({"imds": {"credentialsStatus": 500}})");
    advance_clock(56min);

    auto credentials = chain.get();
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(credentials->access_key_id, "ASIAIMDS00000001");
    EXPECT_EQ(count("imdsCredentials"), 2);
    // Right after a failure the next callers are not made to wait for another one.
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000001");
    EXPECT_EQ(count("imdsCredentials"), 2);

    advance_clock(11s);
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000001");
    EXPECT_EQ(count("imdsCredentials"), 3);

    configure(R"({"imds": {"credentialsStatus": 200}})");
    advance_clock(11s);
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000002");
    EXPECT_EQ(count("imdsCredentials"), 4);
}

TEST_F(CredentialChainTest, ExpiredCredentialsThatCannotBeRefreshedAreAnError) {
    aws::CredentialChain chain(imds_env(), options());
    ASSERT_TRUE(chain.get());
    configure(R"({"imds": {"credentialsStatus": 500}})");
    advance_clock(61min);
    const auto result = chain.get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("instance metadata: "), std::string::npos);
    EXPECT_NE(result.error().message.find("HTTP 500"), std::string::npos) << result.error().message;
    expect_no_secret(result.error().message, {"imds-secret-", "imds-session-"});
    // The failed refresh is the provider's answer for the chain too: not asked twice.
    EXPECT_EQ(count("imdsCredentials"), 2);

    configure(R"({"imds": {"credentialsStatus": 200}})");
    const auto recovered = chain.get();
    ASSERT_TRUE(recovered) << recovered.error().message;
    EXPECT_EQ(recovered->access_key_id, "ASIAIMDS00000002");
}

// With the real clock: credentials that expire in four minutes are inside the refresh
// window from the start, so every call fetches anew.
TEST_F(CredentialChainTest, ShortLivedCredentialsAreRefreshedOnEachCallInRealTime) {
    configure(R"({"imds": {"expiresInSeconds": 240}})");
    aws::CredentialChain chain(imds_env());
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000001");
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000002");
    configure(R"({"imds": {"expiresInSeconds": 3600}})");
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000003");
    ASSERT_EQ(chain.get()->access_key_id, "ASIAIMDS00000003");
    EXPECT_EQ(count("imdsCredentials"), 3);
}

TEST_F(CredentialChainTest, ConcurrentCallersShareOneResolution) {
    configure(R"({"imds": {"delayMs": 150}})");
    aws::CredentialChain chain(imds_env(), options());
    constexpr int kCallers = 8;
    std::vector<std::string> keys(kCallers);
    std::vector<std::thread> callers;
    for (int i = 0; i < kCallers; ++i) {
        callers.emplace_back([&chain, &keys, i] {
            const auto credentials = chain.get();
            keys[i] = credentials ? credentials->access_key_id : credentials.error().message;
        });
    }
    for (auto& caller : callers) caller.join();
    for (const auto& key : keys) EXPECT_EQ(key, "ASIAIMDS00000001");
    EXPECT_EQ(count("imdsToken"), 1);
    EXPECT_EQ(count("imdsCredentials"), 1);
}

TEST_F(CredentialChainTest, CallersDuringARefreshGetTheValidCachedCredentials) {
    aws::CredentialChain chain(imds_env(), options());
    ASSERT_TRUE(chain.get());
    configure(R"({"imds": {"delayMs": 700}})");
    advance_clock(56min);
    std::thread refresher([&chain] { (void)chain.get(); });
    // Ask once the refresher's (slow) request has reached the stand-in; bounded, so that
    // a chain that never refreshes fails here instead of hanging.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (count("imdsRole") < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    if (count("imdsRole") < 2) {
        refresher.join();
        FAIL() << "the refresh never reached instance metadata";
    }
    const auto start = std::chrono::steady_clock::now();
    const auto during = chain.get();
    const auto waited = std::chrono::steady_clock::now() - start;
    refresher.join();
    ASSERT_TRUE(during);
    EXPECT_EQ(during->access_key_id, "ASIAIMDS00000001");
    EXPECT_LT(waited, 500ms);
    EXPECT_EQ(chain.get()->access_key_id, "ASIAIMDS00000002");
}

}  // namespace
}  // namespace gateway::test
