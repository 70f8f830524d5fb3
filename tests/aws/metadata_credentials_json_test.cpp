#include "aws/metadata_credentials_json.hpp"

#include <gtest/gtest.h>

#include "aws/expiration_time.hpp"

namespace gateway::aws {
namespace {

constexpr std::string_view kImdsDocument = R"({
  "Code" : "Success",
  "LastUpdated" : "2030-01-01T00:00:00Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIMDSEXAMPLE1",
  "SecretAccessKey" : "imds/secret+key",
  "Token" : "imds-session-token",
  "Expiration" : "2030-01-01T06:00:00Z"
})";

TEST(MetadataCredentialsJson, InstanceMetadataDocument) {
    const auto credentials = parse_metadata_credentials(kImdsDocument);
    ASSERT_TRUE(credentials) << credentials.error();
    EXPECT_EQ(credentials->access_key_id, "ASIAIMDSEXAMPLE1");
    EXPECT_EQ(credentials->secret_access_key, "imds/secret+key");
    EXPECT_EQ(credentials->session_token, "imds-session-token");
    EXPECT_EQ(credentials->expiration, parse_iso8601("2030-01-01T06:00:00Z"));
}

TEST(MetadataCredentialsJson, ContainerDocumentHasNoCode) {
    const auto credentials = parse_metadata_credentials(
        R"({"RoleArn":"arn:aws:iam::1:role/task","AccessKeyId":"ASIACONTAINER","SecretAccessKey":"s",)"
        R"("Token":"t","Expiration":"2030-01-01T06:00:00.000Z","AccountId":"1"})");
    ASSERT_TRUE(credentials) << credentials.error();
    EXPECT_EQ(credentials->access_key_id, "ASIACONTAINER");
}

TEST(MetadataCredentialsJson, FailuresNameTheProblemNotTheValues) {
    EXPECT_EQ(parse_metadata_credentials("<html>").error(), "not JSON");
    EXPECT_EQ(parse_metadata_credentials("[]").error(), "not a JSON object");
    EXPECT_EQ(parse_metadata_credentials(R"({"Code":"AssumeRoleUnauthorizedAccess"})").error(),
              "Code is \"AssumeRoleUnauthorizedAccess\"");
    EXPECT_EQ(
        parse_metadata_credentials(
            R"({"AccessKeyId":"A","SecretAccessKey":"very-secret","Expiration":"2030-01-01T00:00:00Z"})")
            .error(),
        "no Token");
    EXPECT_EQ(
        parse_metadata_credentials(
            R"({"AccessKeyId":"A","SecretAccessKey":"very-secret","Token":"t","Expiration":7})")
            .error(),
        "no Expiration");
    EXPECT_EQ(
        parse_metadata_credentials(
            R"({"AccessKeyId":"A","SecretAccessKey":"very-secret","Token":"t","Expiration":"soon"})")
            .error(),
        "Expiration is not an ISO 8601 time");
    EXPECT_EQ(
        parse_metadata_credentials(R"({"AccessKeyId":5,"SecretAccessKey":"very-secret"})").error(),
        "no AccessKeyId");
}

TEST(MetadataCredentialsJson, ErrorDocumentMessage) {
    EXPECT_EQ(metadata_error_message(R"({"code":"AccessDenied","message":"bad\ntoken"})"),
              "bad token");
    EXPECT_EQ(metadata_error_message(R"({"Message":"M"})"), "M");
    EXPECT_EQ(metadata_error_message("nope"), "");
}

}  // namespace
}  // namespace gateway::aws
