// Which container credential URLs may be asked, and the Authorization header's source.
#include "aws/container_endpoint.hpp"

#include <gtest/gtest.h>

#include "support/temporary_directory.hpp"

namespace gateway::aws {
namespace {

TEST(ContainerEndpoint, HttpsGoesAnywhere) {
    EXPECT_EQ(container_url_refusal("https://credentials.example.com/v1/creds"), std::nullopt);
    EXPECT_EQ(container_url_refusal("https://10.0.0.5:8443/x"), std::nullopt);
}

TEST(ContainerEndpoint, PlainHttpOnlyToLoopbackAndTheAgents) {
    for (const std::string_view url :
         {"http://127.0.0.1/creds", "http://127.0.0.1:51679/creds", "http://127.1.2.3/x",
          "http://localhost:8080/x", "http://LocalHost/x", "http://[::1]:80/x",
          "http://[0:0:0:0:0:0:0:1]/x", "http://169.254.170.2/v2/credentials/abc",
          "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
          "HTTP://127.0.0.1/x"}) {
        EXPECT_EQ(container_url_refusal(url), std::nullopt) << url;
    }
}

TEST(ContainerEndpoint, PlainHttpElsewhereIsRefused) {
    for (const std::string_view url :
         {"http://10.0.0.5/creds", "http://169.254.169.254/latest", "http://169.254.170.3/x",
          "http://128.0.0.1/x", "http://example.com/x", "http://localhost.example.com/x",
          "http://127.0.0.1.example.com/x", "http://[::2]/x", "http://[fd00:ec2::24]/x",
          "http://[::ffff:127.0.0.1]/x", "http://0x7f000001/x"}) {
        const auto refusal = container_url_refusal(url);
        ASSERT_TRUE(refusal.has_value()) << url;
        EXPECT_NE(refusal->find("plain http"), std::string::npos) << url;
    }
}

// Hosts that one URL parser reads as loopback and another as a name elsewhere.
TEST(ContainerEndpoint, AmbiguousHostsAreRefused) {
    for (const std::string_view url :
         {"http://127.0.0.1.evil.example/x", "http://1.2.3.4.127.0.0.1:99/x",
          "http://127.0.0.1\\@evil.example/x", "http://127.0.0.1:80x/",
          "http://evil@127.0.0.1.nip.io/", "http://[::1/x", "http://127.0.0.1 .evil.example/"}) {
        EXPECT_TRUE(container_url_refusal(url).has_value()) << url;
    }
    EXPECT_EQ(container_url_refusal("http://user@127.0.0.1:8080/x"), std::nullopt);
}

TEST(ContainerEndpoint, NonHttpOrMalformedIsRefused) {
    EXPECT_TRUE(container_url_refusal("ftp://127.0.0.1/x"));
    EXPECT_TRUE(container_url_refusal("file:///etc/passwd"));
    EXPECT_TRUE(container_url_refusal("/relative/only"));
    EXPECT_TRUE(container_url_refusal("http:///nohost"));
    EXPECT_TRUE(container_url_refusal("not a url"));
}

TEST(ContainerEndpoint, RelativeUriGoesToTheEcsAgentAndWins) {
    const auto url = container_credentials_url(
        {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/uuid"},
         {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.9.9.9/refused"}});
    ASSERT_TRUE(url && *url);
    EXPECT_EQ(url->value(), "http://169.254.170.2/v2/credentials/uuid");

    const auto sneaky =
        container_credentials_url({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@evil.example/x"}});
    ASSERT_TRUE(sneaky);
    EXPECT_FALSE(*sneaky);
}

TEST(ContainerEndpoint, FullUriIsCheckedAndNeverQuoted) {
    EXPECT_FALSE(container_credentials_url({}).has_value());
    const auto allowed = container_credentials_url(
        {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"}});
    ASSERT_TRUE(allowed && *allowed);
    EXPECT_EQ(allowed->value(), "http://127.0.0.1:9/creds");

    const auto refused = container_credentials_url(
        {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://user:pw@10.1.1.1/creds"}});
    ASSERT_TRUE(refused);
    ASSERT_FALSE(*refused);
    EXPECT_NE(refused->error().find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos);
    EXPECT_EQ(refused->error().find("pw"), std::string::npos);
}

TEST(ContainerAuthorization, FileWinsAndIsReadEachTime) {
    test::TemporaryDirectory directory;
    const auto file = directory.write("token", "from-file-1");
    const config::EnvMap env{{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file},
                             {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-variable"}};
    auto header = container_authorization(env);
    ASSERT_TRUE(header);
    EXPECT_EQ(*header, std::optional<std::string>("from-file-1"));
    directory.write("token", "from-file-2");
    header = container_authorization(env);
    ASSERT_TRUE(header);
    EXPECT_EQ(*header, std::optional<std::string>("from-file-2"));
}

TEST(ContainerAuthorization, VariableOrNothing) {
    auto header = container_authorization({{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc"}});
    ASSERT_TRUE(header);
    EXPECT_EQ(*header, std::optional<std::string>("Basic abc"));
    header = container_authorization({});
    ASSERT_TRUE(header);
    EXPECT_EQ(*header, std::nullopt);
}

TEST(ContainerAuthorization, LineBreaksAreRefusedWithoutQuotingTheToken) {
    test::TemporaryDirectory directory;
    for (const std::string_view token : {"secret-part\r\nX-Injected: 1", "secret-part\n", "a\rb"}) {
        auto header =
            container_authorization({{"AWS_CONTAINER_AUTHORIZATION_TOKEN", std::string(token)}});
        ASSERT_FALSE(header) << token;
        EXPECT_NE(header.error().find("line break"), std::string::npos);
        EXPECT_EQ(header.error().find("secret-part"), std::string::npos);

        const auto file = directory.write("token", token);
        header = container_authorization({{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file}});
        ASSERT_FALSE(header) << token;
        EXPECT_EQ(header.error().find("secret-part"), std::string::npos);
    }
}

TEST(ContainerAuthorization, UnreadableFileIsAnError) {
    test::TemporaryDirectory directory;
    const auto header = container_authorization(
        {{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (directory.path() / "absent").string()},
         {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "fallback-not-used"}});
    ASSERT_FALSE(header);
    EXPECT_NE(header.error().find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace gateway::aws
