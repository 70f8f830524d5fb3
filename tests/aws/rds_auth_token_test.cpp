// RDS IAM auth tokens: known answers recorded from the AWS SDK for JavaScript's RDS
// signer (@aws-sdk/rds-signer 3.1175.0, Signer.getAuthToken() with its clock held at the
// same instant), and the token's shape. The aws-labelled tests compare many more inputs
// with the signer itself.
#include "aws/rds_auth_token.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "aws/sigv4.hpp"

namespace gateway::aws {
namespace {

using namespace std::chrono;

constexpr auto kSigningTime = sys_days{2026y / March / 1} + 9h + 15min + 30s;

Credentials credentials_of(std::string access_key_id, std::string session_token = {}) {
    Credentials credentials;
    credentials.access_key_id = std::move(access_key_id);
    credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    credentials.session_token = std::move(session_token);
    return credentials;
}

TEST(RdsAuthToken, MatchesTheSdkSignerForLongTermCredentials) {
    EXPECT_EQ(rds_auth_token("mydb.cluster-abc123.eu-west-1.rds.amazonaws.com", 5432, "gateway_app",
                             {"eu-west-1", kSigningTime}, credentials_of("AKIDEXAMPLE")),
              "mydb.cluster-abc123.eu-west-1.rds.amazonaws.com:5432/?Action=connect"
              "&DBUser=gateway_app&X-Amz-Algorithm=AWS4-HMAC-SHA256"
              "&X-Amz-Credential=AKIDEXAMPLE%2F20260301%2Feu-west-1%2Frds-db%2Faws4_request"
              "&X-Amz-Date=20260301T091530Z&X-Amz-Expires=900"
              "&X-Amz-Signature=a0645c673d1e571496aacc4f437e1860b74d77fe89882cee1cc0b8c190e2c10b"
              "&X-Amz-SignedHeaders=host");
}

TEST(RdsAuthToken, MatchesTheSdkSignerForSessionCredentialsAndAnOddUser) {
    EXPECT_EQ(rds_auth_token("db.internal.example", 3306, "app user@x", {"us-west-2", kSigningTime},
                             credentials_of("ASIAEXAMPLE", "FwoGZXIvYXdzEXAMPLE/token+value==")),
              "db.internal.example:3306/?Action=connect&DBUser=app%20user%40x"
              "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
              "&X-Amz-Credential=ASIAEXAMPLE%2F20260301%2Fus-west-2%2Frds-db%2Faws4_request"
              "&X-Amz-Date=20260301T091530Z&X-Amz-Expires=900"
              "&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2Ftoken%2Bvalue%3D%3D"
              "&X-Amz-Signature=a588702a1737bba1fc0d41c7bed703cfcc3578e17a88871e68d6aa15f7e0d59d"
              "&X-Amz-SignedHeaders=host");
}

TEST(RdsAuthToken, IsThePresignedConnectRequestForTheHostAndPort) {
    const Credentials credentials = credentials_of("AKIDEXAMPLE", "token");
    const std::string token =
        rds_auth_token("db.example.com", 5433, "u", {"ap-south-1", kSigningTime}, credentials);

    RequestToSign connect;
    connect.method = "GET";
    connect.path = "/";
    connect.query = "Action=connect&DBUser=u";
    connect.headers = {{"Host", "db.example.com:5433"}};
    EXPECT_EQ(token, "db.example.com:5433/?" + presign_query(connect, credentials,
                                                             {"ap-south-1", "rds-db", kSigningTime},
                                                             seconds(900)));

    // Another port is another signed host, so another signature.
    const auto signature_of = [](const std::string& text) {
        return text.substr(text.find("X-Amz-Signature="),
                           std::string_view("X-Amz-Signature=").size() + 64);
    };
    EXPECT_NE(signature_of(token),
              signature_of(rds_auth_token("db.example.com", 5432, "u", {"ap-south-1", kSigningTime},
                                          credentials)));
}

}  // namespace
}  // namespace gateway::aws
