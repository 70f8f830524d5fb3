// The RDS secret JSON read into connection parameters, with AWS_DB_* filling the gaps.
#include "config/rds_secret.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gateway::config {
namespace {

// A password no error message may ever contain.
constexpr std::string_view kPassword = "Sec7et!'\\ \"pw";

std::string rds_secret(std::string_view extra_fields) {
    std::string text = R"({"username":"app","password":"Sec7et!'\\ \"pw")";
    if (!extra_fields.empty()) text += "," + std::string(extra_fields);
    return text + "}";
}

ConnectionParams must_parse(std::string_view secret, const AwsDbVariables& fallback = {},
                            const std::vector<ConnectionParameter>& ssl = {}) {
    auto params = connection_params_from_rds_secret(secret, fallback, ssl);
    if (!params) {
        ADD_FAILURE() << "refused: " << params.error().message;
        return {};
    }
    return std::move(params).value();
}

std::string refusal(std::string_view secret, const AwsDbVariables& fallback = {}) {
    auto params = connection_params_from_rds_secret(secret, fallback, {});
    if (params) {
        ADD_FAILURE() << "accepted: " << describe_for_log(*params);
        return {};
    }
    EXPECT_EQ(params.error().message.find(kPassword), std::string::npos) << params.error().message;
    return params.error().message;
}

TEST(RdsSecret, TheFullSecretRdsWrites) {
    const auto params = must_parse(
        rds_secret(R"("engine":"postgres","host":"db.abc.eu-west-1.rds.amazonaws.com","port":5433,)"
                   R"("dbname":"gateway","dbInstanceIdentifier":"db")"));
    EXPECT_EQ(params.user, "app");
    EXPECT_EQ(params.password, kPassword);
    EXPECT_EQ(params.host, "db.abc.eu-west-1.rds.amazonaws.com");
    EXPECT_EQ(params.port, 5433);
    EXPECT_EQ(params.dbname, "gateway");
    EXPECT_TRUE(params.parameters.empty());
}

TEST(RdsSecret, AnRdsManagedSecretTakesTheRestFromAwsDbVariables) {
    AwsDbVariables fallback;
    fallback.host = "10.0.0.7";
    fallback.port = 6432;
    fallback.name = "gateway";
    fallback.user = "not-this-user";
    fallback.password = "not-this-password";
    const auto params = must_parse(rds_secret(""), fallback);
    EXPECT_EQ(params.user, "app");
    EXPECT_EQ(params.password, kPassword);
    EXPECT_EQ(params.host, "10.0.0.7");
    EXPECT_EQ(params.port, 6432);
    EXPECT_EQ(params.dbname, "gateway");
}

TEST(RdsSecret, TheSecretWinsOverAwsDbVariables) {
    AwsDbVariables fallback;
    fallback.host = "fallback.example.com";
    fallback.port = 6432;
    fallback.name = "fallback_db";
    const auto params = must_parse(
        rds_secret(R"("host":"secret.example.com","port":"5434","dbname":"db")"), fallback);
    EXPECT_EQ(params.host, "secret.example.com");
    EXPECT_EQ(params.port, 5434);
    EXPECT_EQ(params.dbname, "db");
}

TEST(RdsSecret, DefaultsForPortAndDatabase) {
    const auto params = must_parse(rds_secret(R"("host":"db.example.com")"));
    EXPECT_EQ(params.port, 5432);
    EXPECT_EQ(params.dbname, "postgres");
}

TEST(RdsSecret, PortAsNumberOrString) {
    EXPECT_EQ(must_parse(rds_secret(R"("host":"h.example.com","port":5432)")).port, 5432);
    EXPECT_EQ(must_parse(rds_secret(R"("host":"h.example.com","port":"15432")")).port, 15432);
    EXPECT_EQ(must_parse(rds_secret(R"("host":"h.example.com","port":null)")).port, 5432);
}

TEST(RdsSecret, NullOrEmptyFieldsCountAsMissing) {
    AwsDbVariables fallback;
    fallback.host = "fallback.example.com";
    const auto params =
        must_parse(rds_secret(R"("host":"","dbname":null,"engine":null)"), fallback);
    EXPECT_EQ(params.host, "fallback.example.com");
    EXPECT_EQ(params.dbname, "postgres");
}

TEST(RdsSecret, Ipv6HostsLoseTheirBrackets) {
    EXPECT_EQ(must_parse(rds_secret(R"("host":"[2001:db8::5]")")).host, "2001:db8::5");
    EXPECT_EQ(must_parse(rds_secret(R"("host":"2001:db8::5")")).host, "2001:db8::5");
}

TEST(RdsSecret, PostgresEnginesAreAccepted) {
    for (const std::string engine : {"postgres", "aurora-postgresql", "PostgreSQL"}) {
        EXPECT_EQ(
            must_parse(rds_secret(R"("host":"h.example.com","engine":")" + engine + "\"")).user,
            "app")
            << engine;
    }
}

TEST(RdsSecret, SslParametersAreAppended) {
    const std::vector<ConnectionParameter> ssl{{"sslmode", "verify-full"},
                                               {"sslrootcert", "/etc/rds-ca.pem"}};
    const auto params = must_parse(rds_secret(R"("host":"h.example.com")"), {}, ssl);
    EXPECT_EQ(params.parameters, ssl);
}

TEST(RdsSecret, NotJson) {
    const auto message = refusal("username=app password=Sec7et!'\\ \"pw");
    EXPECT_NE(message.find("not JSON"), std::string::npos) << message;
    // A plain-text secret holding only the password must not be echoed either.
    EXPECT_NE(refusal(kPassword).find("not JSON"), std::string::npos);
    EXPECT_NE(refusal("").find("not JSON"), std::string::npos);
}

TEST(RdsSecret, NotAnObject) {
    EXPECT_NE(refusal(R"(["app","Sec7et!'\\ \"pw"])").find("not an object"), std::string::npos);
    EXPECT_NE(refusal(R"("Sec7et!'\\ \"pw")").find("not an object"), std::string::npos);
}

TEST(RdsSecret, UsernameAndPasswordMustBeInTheSecret) {
    AwsDbVariables fallback;
    fallback.host = "h.example.com";
    fallback.user = "app";
    fallback.password = "from-the-environment";
    EXPECT_NE(refusal(R"({"password":"Sec7et!'\\ \"pw"})", fallback).find("no \"username\""),
              std::string::npos);
    EXPECT_NE(refusal(R"({"username":"app"})", fallback).find("no \"password\""),
              std::string::npos);
    EXPECT_NE(refusal(R"({"username":"app","password":""})", fallback).find("no \"password\""),
              std::string::npos);
}

TEST(RdsSecret, MissingHostWithoutAwsDbHost) {
    const auto message = refusal(rds_secret(R"("port":5432)"));
    EXPECT_NE(message.find("no \"host\""), std::string::npos) << message;
    EXPECT_NE(message.find("AWS_DB_HOST"), std::string::npos) << message;
}

TEST(RdsSecret, WrongTypesAreRefusedByFieldName) {
    EXPECT_NE(refusal(R"({"username":"app","password":12345})").find("\"password\""),
              std::string::npos);
    EXPECT_NE(refusal(rds_secret(R"("host":["a","b"])")).find("\"host\""), std::string::npos);
    EXPECT_NE(refusal(rds_secret(R"("host":"h.example.com","dbname":7)")).find("\"dbname\""),
              std::string::npos);
}

TEST(RdsSecret, BadPorts) {
    for (const std::string port : {"0", "65536", "-1", "5432.5", "\"54x\"", "\"\"", "true"}) {
        const auto message = refusal(rds_secret(R"("host":"h.example.com","port":)" + port));
        EXPECT_NE(message.find("\"port\""), std::string::npos) << port << ": " << message;
    }
}

TEST(RdsSecret, BadHost) {
    const auto message = refusal(rds_secret(R"("host":"db.example.com/evil")"));
    EXPECT_NE(message.find("\"host\""), std::string::npos) << message;
    EXPECT_EQ(message.find("evil"), std::string::npos) << message;
}

TEST(RdsSecret, OtherEnginesAreRefused) {
    const auto message = refusal(rds_secret(R"("host":"h.example.com","engine":"mysql")"));
    EXPECT_NE(message.find("not PostgreSQL"), std::string::npos) << message;
}

}  // namespace
}  // namespace gateway::config
