// The environment of the Secrets Manager source: the SDKs' endpoint override variables,
// the CA bundle, and the AWS_DB_* and SSL settings a secret may need.
#include <gtest/gtest.h>

#include "config/aws_endpoint_env.hpp"
#include "config/database_sources.hpp"

namespace gateway::config {
namespace {

TEST(AwsEndpointOverride, ServiceSpecificWinsOverGlobal) {
    const EnvMap env{{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:4566"},
                     {"AWS_ENDPOINT_URL", "http://127.0.0.1:9999"}};
    EXPECT_EQ(read_aws_endpoint_override(env, "SECRETS_MANAGER"), "http://127.0.0.1:4566");
    EXPECT_EQ(read_aws_endpoint_override(env, "STS"), "http://127.0.0.1:9999");
}

TEST(AwsEndpointOverride, GlobalAlone) {
    EXPECT_EQ(read_aws_endpoint_override({{"AWS_ENDPOINT_URL", "https://vpce.example.com/sm"}},
                                         "SECRETS_MANAGER"),
              "https://vpce.example.com/sm");
}

TEST(AwsEndpointOverride, NoneOrIgnored) {
    EXPECT_FALSE(read_aws_endpoint_override({}, "SECRETS_MANAGER"));
    EXPECT_FALSE(
        read_aws_endpoint_override({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", ""}}, "SECRETS_MANAGER"));
    EXPECT_FALSE(read_aws_endpoint_override({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://h"},
                                             {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
                                            "SECRETS_MANAGER"));
}

TEST(AwsEndpointOverride, MalformedValuesNameTheVariable) {
    for (const auto* value :
         {"localhost:4566", "ftp://h/", "http://", "http://u:p@h/", "http://h/?q=1", "not a url"}) {
        try {
            read_aws_endpoint_override({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", value}},
                                       "SECRETS_MANAGER");
            ADD_FAILURE() << "accepted " << value;
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.variable(), "AWS_ENDPOINT_URL_SECRETS_MANAGER") << value;
        }
    }
}

TEST(SecretsManagerSourceEnvironment, EverythingTheFetchNeeds) {
    const EnvMap env{{"AWS_DB_SECRET", "rds!db-1234"},
                     {"AWS_REGION", "eu-central-1"},
                     {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
                     {"AWS_CA_BUNDLE", "/etc/ssl/corp-ca.pem"},
                     {"AWS_DB_PORT", "6432"},
                     {"AWS_DB_NAME", "gateway"},
                     {"AWS_REQUIRE_SSL", "true"}};
    const auto sources = configured_database_sources(env);
    ASSERT_EQ(sources.size(), 1u);
    const auto& source = std::get<SecretsManagerSource>(sources[0]);
    EXPECT_EQ(source.secret_id, "rds!db-1234");
    EXPECT_EQ(source.region, "eu-central-1");
    EXPECT_EQ(source.endpoint_url, "http://127.0.0.1:4566");
    EXPECT_EQ(source.ca_bundle, "/etc/ssl/corp-ca.pem");
    EXPECT_FALSE(source.fallback.host);
    EXPECT_EQ(source.fallback.port, 6432);
    EXPECT_EQ(source.fallback.name, "gateway");
    EXPECT_EQ(source.ssl, (std::vector<ConnectionParameter>{{"sslmode", "require"}}));
}

TEST(SecretsManagerSourceEnvironment, MalformedOverrideStopsTheStart) {
    EXPECT_THROW(configured_database_sources(
                     {{"AWS_DB_SECRET", "s"}, {"AWS_ENDPOINT_URL", "127.0.0.1:4566"}}),
                 ConfigError);
}

}  // namespace
}  // namespace gateway::config
