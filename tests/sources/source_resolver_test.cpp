// The resolver turns configured sources into candidates the database manager can try,
// in the configured order; everything here runs without a network (IAM tokens are
// signed locally, and a missing credential chain is answered without asking anyone).
#include "sources/source_resolver.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace gateway::sources {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// The credential chain finds nothing and asks no endpoint: no keys, no profile files, no
// container or web identity variables, and the instance metadata service switched off.
const config::EnvMap kNoAwsCredentials{{"AWS_EC2_METADATA_DISABLED", "true"},
                                       {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"},
                                       {"AWS_CONFIG_FILE", "/nonexistent/config"}};

config::EnvMap with(config::EnvMap env, const config::EnvMap& more) {
    for (const auto& [key, value] : more) env[key] = value;
    return env;
}

std::optional<db::PrimaryCandidate> prepare(SourceResolver& resolver, std::size_t index) {
    asio::io_context io;
    auto result = asio::co_spawn(io, resolver.prepare(index), asio::use_future);
    io.run();
    return result.get();
}

SourceResolver resolver_for(const config::EnvMap& env) {
    return SourceResolver(config::configured_database_sources(env), env, 10s);
}

TEST(CallsAws, OnlySecretsManagerAndIamAuthCallAws) {
    const auto sources = [](const config::EnvMap& env) {
        return config::configured_database_sources(env);
    };
    EXPECT_FALSE(calls_aws(sources({{"DATABASE_URL", "postgresql://app:pw@db.example.com/gw"}})));
    EXPECT_FALSE(calls_aws(sources({{"AWS_DB_HOST", "db.example.com"}, {"AWS_DB_USER", "app"}})));
    EXPECT_TRUE(
        calls_aws(sources({{"AWS_DB_SECRET", "prod/gateway"}, {"AWS_REGION", "eu-west-1"}})));
    EXPECT_TRUE(calls_aws(sources({{"AWS_DB_HOST", "mydb.abc123.eu-west-1.rds.amazonaws.com"},
                                   {"AWS_DB_USER", "iam_user"},
                                   {"AWS_DB_IAM_AUTH", "true"}})));
}

TEST(SourceResolver, OffersTheSourcesInTheConfiguredOrder) {
    auto resolver = resolver_for({{"AWS_DB_HOST", "rds.example.com"},
                                  {"AWS_DB_USER", "app"},
                                  {"DATABASE_URL", "postgresql://app@db.example.com/gateway"}});
    ASSERT_EQ(resolver.size(), 2u);
    EXPECT_EQ(prepare(resolver, 0)->source, "DATABASE_URL");
    EXPECT_EQ(prepare(resolver, 1)->source, "AWS_DB_*");
}

TEST(SourceResolver, DatabaseUrlBecomesAFixedCandidateThatHidesThePassword) {
    auto resolver =
        resolver_for({{"DATABASE_URL", "postgresql://app:s3cret@db.example.com:6432/gateway"}});
    const auto candidate = prepare(resolver, 0);
    ASSERT_TRUE(candidate);
    EXPECT_EQ(candidate->source, "DATABASE_URL");
    EXPECT_EQ(candidate->host, "db.example.com");
    EXPECT_EQ(candidate->port, 6432);
    EXPECT_EQ(candidate->database, "gateway");
    EXPECT_EQ(candidate->user, "app");
    EXPECT_EQ(candidate->description.find("s3cret"), std::string::npos);
    EXPECT_FALSE(candidate->renewable);
    ASSERT_TRUE(candidate->conninfo);
}

TEST(SourceResolver, PoolConnectionsGetTheServerStatementTimeoutThePreflightDoesNot) {
    auto resolver = resolver_for({{"DATABASE_URL", "postgresql://app@db.example.com/gateway"}});
    const auto candidate = prepare(resolver, 0);
    ASSERT_TRUE(candidate);
    const std::string pool = candidate->conninfo->current().conninfo;
    EXPECT_NE(pool.find("-c statement_timeout=5000"), std::string::npos) << pool;
    EXPECT_NE(pool.find("idle_in_transaction_session_timeout=10000"), std::string::npos) << pool;
    EXPECT_NE(pool.find("application_name"), std::string::npos) << pool;
    // Migrations run over the pre-flight connection and may take longer than a statement.
    EXPECT_EQ(candidate->preflight_conninfo.find("statement_timeout"), std::string::npos);
    EXPECT_NE(candidate->preflight_conninfo.find("application_name"), std::string::npos);
}

TEST(SourceResolver, IamAuthSignsATokenPerConnectionWithoutAPassword) {
    auto resolver = resolver_for(
        with(kNoAwsCredentials, {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                 {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCY"},
                                 {"AWS_DB_HOST", "mydb.abc123.eu-west-1.rds.amazonaws.com"},
                                 {"AWS_DB_USER", "iam_user"},
                                 {"AWS_DB_IAM_AUTH", "true"}}));
    const auto candidate = prepare(resolver, 0);
    ASSERT_TRUE(candidate);
    EXPECT_EQ(candidate->source, "AWS_DB_*");
    EXPECT_EQ(candidate->user, "iam_user");
    EXPECT_NE(candidate->preflight_conninfo.find("X-Amz-Signature"), std::string::npos);
    EXPECT_NE(candidate->conninfo->current().conninfo.find("X-Amz-Signature"), std::string::npos);
    EXPECT_EQ(candidate->description.find("X-Amz"), std::string::npos);
    resolver.stop();
}

TEST(SourceResolver, IamAuthWithoutCredentialsSkipsTheSource) {
    auto resolver = resolver_for(
        with(kNoAwsCredentials, {{"AWS_DB_HOST", "mydb.abc123.eu-west-1.rds.amazonaws.com"},
                                 {"AWS_DB_USER", "iam_user"},
                                 {"AWS_DB_IAM_AUTH", "true"}}));
    EXPECT_FALSE(prepare(resolver, 0));
    resolver.stop();
}

TEST(SourceResolver, SecretsManagerWithoutCredentialsSkipsTheSource) {
    auto resolver = resolver_for(
        with(kNoAwsCredentials, {{"AWS_DB_SECRET", "prod/gateway"}, {"AWS_REGION", "eu-west-1"}}));
    EXPECT_FALSE(prepare(resolver, 0));
    resolver.stop();
}

}  // namespace
}  // namespace gateway::sources
