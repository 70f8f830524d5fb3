#include "config/database_sources.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "config/aws_db_env.hpp"

namespace gateway::config {
namespace {

std::vector<std::string_view> kinds(const std::vector<DatabaseSource>& sources) {
    std::vector<std::string_view> result;
    for (const auto& source : sources) result.push_back(source_kind(source));
    return result;
}

TEST(DatabaseSources, NoneConfiguredMeansMemoryOnly) {
    EXPECT_TRUE(configured_database_sources({}).empty());
    EXPECT_TRUE(configured_database_sources({{"DATABASE_URL", ""}, {"AWS_DB_HOST", ""}}).empty());
}

TEST(DatabaseSources, FollowTheContractOrder) {
    const EnvMap env{{"AWS_DB_HOST", "rds.example.com"},
                     {"AWS_DB_SECRET", "prod/gateway"},
                     {"AWS_REGION", "eu-west-1"},
                     {"DATABASE_URL", "postgresql://app@db.example.com/gateway"}};
    const auto sources = configured_database_sources(env);
    EXPECT_EQ(kinds(sources),
              (std::vector<std::string_view>{"DATABASE_URL", "AWS Secrets Manager", "AWS_DB_*"}));
    ASSERT_EQ(sources.size(), 3u);
    EXPECT_EQ(std::get<DatabaseUrlSource>(sources[0]).params.host, "db.example.com");
    const auto& secret = std::get<SecretsManagerSource>(sources[1]);
    EXPECT_EQ(secret.secret_id, "prod/gateway");
    EXPECT_EQ(secret.region, "eu-west-1");
    EXPECT_EQ(std::get<AwsDbSource>(sources[2]).params.host, "rds.example.com");
}

TEST(DatabaseSources, EachSourceAlone) {
    EXPECT_EQ(kinds(configured_database_sources({{"DATABASE_URL", "postgres://h/d"}})),
              (std::vector<std::string_view>{"DATABASE_URL"}));
    EXPECT_EQ(kinds(configured_database_sources({{"AWS_SECRET_NAME", "s"}})),
              (std::vector<std::string_view>{"AWS Secrets Manager"}));
    EXPECT_EQ(kinds(configured_database_sources({{"AWS_DB_HOST", "h"}})),
              (std::vector<std::string_view>{"AWS_DB_*"}));
}

TEST(DatabaseSources, SecretIdPrefersAwsDbSecret) {
    const auto sources =
        configured_database_sources({{"AWS_DB_SECRET", "first"}, {"AWS_SECRET_NAME", "second"}});
    ASSERT_EQ(sources.size(), 1u);
    EXPECT_EQ(std::get<SecretsManagerSource>(sources[0]).secret_id, "first");
}

TEST(DatabaseSources, SecretRegionPrecedence) {
    const std::string arn = "arn:aws:secretsmanager:ap-south-1:123456789012:secret:db-AbCdEf";
    struct Case {
        EnvMap env;
        std::optional<std::string> region;
    };
    const std::vector<Case> cases{
        {{{"AWS_DB_SECRET", "s"}, {"AWS_REGION", "us-east-1"}, {"AWS_DEFAULT_REGION", "eu-west-1"}},
         "us-east-1"},
        {{{"AWS_DB_SECRET", "s"}, {"AWS_DEFAULT_REGION", "eu-west-1"}}, "eu-west-1"},
        {{{"AWS_DB_SECRET", "s"}, {"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "eu-west-1"}},
         "eu-west-1"},
        {{{"AWS_DB_SECRET", arn}}, "ap-south-1"},
        {{{"AWS_DB_SECRET", arn}, {"AWS_REGION", "us-east-1"}}, "us-east-1"},
        {{{"AWS_DB_SECRET", "s"}}, std::nullopt},
        {{{"AWS_DB_SECRET", "arn:aws:s3:::bucket"}}, std::nullopt},
    };
    for (const auto& c : cases) {
        const auto sources = configured_database_sources(c.env);
        ASSERT_EQ(sources.size(), 1u);
        EXPECT_EQ(std::get<SecretsManagerSource>(sources[0]).region, c.region)
            << c.env.at("AWS_DB_SECRET");
    }
}

TEST(DatabaseSources, MalformedRegionIsAnError) {
    for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
        try {
            configured_database_sources({{"AWS_DB_SECRET", "s"}, {name, "us-east-1.evil.com/"}});
            ADD_FAILURE() << name << " accepted";
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.variable(), name);
        }
    }
}

TEST(DatabaseSources, MalformedDatabaseUrlIsAnErrorNotASkip) {
    try {
        configured_database_sources({{"DATABASE_URL", "mysql://h/d"}, {"AWS_DB_HOST", "h"}});
        FAIL() << "accepted";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.variable(), "DATABASE_URL");
    }
}

TEST(AwsDbSource, DefaultsForNameAndPort) {
    const auto params = aws_db_connection_params({{"AWS_DB_HOST", "rds.example.com"}});
    ASSERT_TRUE(params);
    EXPECT_EQ(params->host, "rds.example.com");
    EXPECT_EQ(params->port, 5432);
    EXPECT_EQ(params->dbname, "postgres");
    EXPECT_EQ(params->user, "");
    EXPECT_EQ(params->password, "");
    EXPECT_TRUE(params->parameters.empty());
}

TEST(AwsDbSource, ReadsEveryVariable) {
    const auto params = aws_db_connection_params({{"AWS_DB_HOST", "[2001:db8::7]"},
                                                  {"AWS_DB_NAME", "gateway"},
                                                  {"AWS_DB_USER", "app"},
                                                  {"AWS_DB_PASSWORD", "s3cr3t-P@ss"},
                                                  {"AWS_DB_PORT", "6432"}});
    ASSERT_TRUE(params);
    EXPECT_EQ(params->host, "2001:db8::7");
    EXPECT_EQ(params->port, 6432);
    EXPECT_EQ(params->dbname, "gateway");
    EXPECT_EQ(params->user, "app");
    EXPECT_EQ(params->password, "s3cr3t-P@ss");
}

TEST(AwsDbSource, AbsentWithoutHost) {
    EXPECT_FALSE(aws_db_connection_params({{"AWS_DB_NAME", "gateway"}, {"AWS_DB_USER", "app"}}));
}

TEST(AwsDbSource, SslRules) {
    struct Case {
        EnvMap env;
        std::vector<ConnectionParameter> expected;
    };
    const std::vector<Case> cases{
        {{}, {}},
        {{{"AWS_REQUIRE_SSL", "false"}}, {}},
        {{{"AWS_REQUIRE_SSL", "false"}, {"AWS_SSLROOTCERT", "/ca.pem"}}, {}},
        {{{"AWS_SSLROOTCERT", "/ca.pem"}}, {}},
        {{{"AWS_REQUIRE_SSL", "true"}}, {{"sslmode", "require"}}},
        {{{"AWS_REQUIRE_SSL", "TRUE"}, {"AWS_SSLROOTCERT", ""}}, {{"sslmode", "require"}}},
        {{{"AWS_REQUIRE_SSL", "1"}, {"AWS_SSLROOTCERT", "/etc/ssl/rds-ca.pem"}},
         {{"sslmode", "verify-full"}, {"sslrootcert", "/etc/ssl/rds-ca.pem"}}},
    };
    for (auto c : cases) {
        c.env["AWS_DB_HOST"] = "rds.example.com";
        const auto params = aws_db_connection_params(c.env);
        ASSERT_TRUE(params);
        EXPECT_EQ(params->parameters, c.expected);
        EXPECT_EQ(aws_ssl_parameters(c.env), c.expected);
    }
}

TEST(AwsDbSource, MalformedVariablesNameThemselves) {
    struct Case {
        std::string name;
        std::string value;
    };
    const std::vector<Case> cases{
        {"AWS_DB_PORT", "0"},      {"AWS_DB_PORT", "65536"},     {"AWS_DB_PORT", "5432x"},
        {"AWS_DB_PORT", " 5432"},  {"AWS_DB_PORT", "-5432"},     {"AWS_DB_HOST", "not a host"},
        {"AWS_DB_HOST", "h:5432"}, {"AWS_REQUIRE_SSL", "maybe"}, {"AWS_REQUIRE_SSL", "required"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name + "=" + c.value);
        EnvMap env{{"AWS_DB_HOST", "rds.example.com"}};
        env[c.name] = c.value;
        try {
            configured_database_sources(env);
            ADD_FAILURE() << "accepted";
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.variable(), c.name);
        }
    }
}

TEST(AwsDbSource, IamAuthNeedsAUserARegionAndNoPassword) {
    const EnvMap base{{"AWS_DB_HOST", "mydb.abc123.eu-west-1.rds.amazonaws.com"},
                      {"AWS_DB_USER", "iam_user"},
                      {"AWS_DB_IAM_AUTH", "true"}};
    {
        const auto sources = configured_database_sources(base);
        ASSERT_EQ(sources.size(), 1u);
        const auto& source = std::get<AwsDbSource>(sources[0]);
        ASSERT_TRUE(source.iam);
        EXPECT_EQ(source.iam->region, "eu-west-1");  // from the RDS host name
        EXPECT_EQ(find_parameter(source.params, "sslmode"), "require");
        EXPECT_TRUE(source.params.password.empty());
    }
    {
        EnvMap env = base;
        env["AWS_REGION"] = "us-east-2";
        env["AWS_REQUIRE_SSL"] = "true";
        env["AWS_SSLROOTCERT"] = "/etc/ssl/rds-global-bundle.pem";
        const auto sources = configured_database_sources(env);
        const auto& source = std::get<AwsDbSource>(sources.at(0));
        ASSERT_TRUE(source.iam);
        EXPECT_EQ(source.iam->region, "us-east-2");
        EXPECT_EQ(find_parameter(source.params, "sslmode"), "verify-full");
    }
    {
        EnvMap env = base;
        env["AWS_DB_IAM_AUTH"] = "false";
        const auto sources = configured_database_sources(env);
        EXPECT_FALSE(std::get<AwsDbSource>(sources.at(0)).iam);
    }
    struct Case {
        std::string set, value, erase, variable;
    };
    const std::vector<Case> refused{
        {"AWS_DB_PASSWORD", "secret", "", "AWS_DB_PASSWORD"},
        {"AWS_DB_HOST", "db.internal", "", "AWS_DB_IAM_AUTH"},  // no region anywhere
        {"AWS_DB_IAM_AUTH", "yes please", "", "AWS_DB_IAM_AUTH"},
        {"", "", "AWS_DB_USER", "AWS_DB_USER"},
        {"", "", "AWS_DB_HOST", "AWS_DB_IAM_AUTH"},  // IAM auth without the source it serves
    };
    for (const auto& c : refused) {
        EnvMap env = base;
        if (!c.set.empty()) env[c.set] = c.value;
        if (!c.erase.empty()) env.erase(c.erase);
        try {
            configured_database_sources(env);
            ADD_FAILURE() << "accepted " << c.set << c.erase;
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.variable(), c.variable);
            EXPECT_EQ(std::string(error.what()).find("secret"), std::string::npos);
        }
    }
}

TEST(AwsDbSource, VariablesAreValidatedEvenWithoutHostForTheSecretSource) {
    EXPECT_THROW(configured_database_sources({{"AWS_DB_SECRET", "s"}, {"AWS_DB_PORT", "x"}}),
                 ConfigError);
    const auto variables = read_aws_db_variables({{"AWS_DB_USER", "app"}, {"AWS_DB_PORT", "6543"}});
    EXPECT_FALSE(variables.host);
    EXPECT_FALSE(variables.name);
    EXPECT_EQ(variables.user, "app");
    EXPECT_FALSE(variables.password);
    EXPECT_EQ(variables.port, 6543);
}

}  // namespace
}  // namespace gateway::config
