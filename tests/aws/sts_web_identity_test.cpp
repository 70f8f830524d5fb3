// The pure parts of the web identity exchange: the endpoint, the form, the XML answers.
#include "aws/sts_web_identity.hpp"

#include <gtest/gtest.h>

#include "aws/expiration_time.hpp"
#include "aws/sts_endpoint.hpp"
#include "aws/xml_text.hpp"

namespace gateway::aws {
namespace {

constexpr std::string_view kSuccess =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/gateway/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>FwoGZXIvYXdzEJr//////////wEaD+token&amp;more</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
      <Expiration>2030-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASIAEXAMPLE12345</AccessKeyId>
    </Credentials>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";

TEST(StsWebIdentity, ParsesCredentialsFromTheQueryAnswer) {
    const auto credentials = parse_web_identity_response(200, kSuccess, "the-token");
    ASSERT_TRUE(credentials) << credentials.error();
    EXPECT_EQ(credentials->access_key_id, "ASIAEXAMPLE12345");
    EXPECT_EQ(credentials->secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    EXPECT_EQ(credentials->session_token, "FwoGZXIvYXdzEJr//////////wEaD+token&more");
    EXPECT_EQ(credentials->expiration, parse_iso8601("2030-10-24T23:00:23Z"));
}

TEST(StsWebIdentity, ErrorAnswersGiveCodeAndMessageWithoutTheToken) {
    const std::string token = "eyJhbGciOiJSUzI1NiJ9.secret-payload.sig";
    const std::string body =
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
        "<Type>Sender</Type><Code>InvalidIdentityToken</Code>"
        "<Message>Token " +
        token +
        " is not valid &lt;expired&gt;</Message>"
        "</Error><RequestId>r</RequestId></ErrorResponse>";
    const auto result = parse_web_identity_response(400, body, token);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find("HTTP 400"), std::string::npos) << result.error();
    EXPECT_NE(result.error().find("InvalidIdentityToken"), std::string::npos);
    EXPECT_NE(result.error().find("is not valid <expired>"), std::string::npos);
    EXPECT_EQ(result.error().find("secret-payload"), std::string::npos);
}

TEST(StsWebIdentity, ErrorWithoutXmlStillNamesTheStatus) {
    const auto result = parse_web_identity_response(503, "Service Unavailable", "t");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), "STS answered HTTP 503");
}

TEST(StsWebIdentity, IncompleteAnswersSayWhatIsMissing) {
    std::string body(kSuccess);
    body.replace(body.find("<AccessKeyId>"), std::string_view("<AccessKeyId>").size(), "<Other>");
    body.replace(body.find("</AccessKeyId>"), std::string_view("</AccessKeyId>").size(),
                 "</Other>");
    auto result = parse_web_identity_response(200, body, "t");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), "STS answer has no AccessKeyId");
    EXPECT_EQ(result.error().find("wJalr"), std::string::npos);

    result = parse_web_identity_response(200, "<x/>", "t");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), "STS answer has no Credentials element");

    body = std::string(kSuccess);
    body.replace(body.find("2030-10-24T23:00:23Z"), 20, "next tuesday");
    result = parse_web_identity_response(200, body, "t");
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find("Expiration"), std::string::npos);
}

TEST(StsWebIdentity, FormBodyEncodesEveryValue) {
    const WebIdentityCall call{"https://sts.eu-west-1.amazonaws.com",
                               "arn:aws:iam::123456789012:role/gate way", "gateway-api-1",
                               "a.b+c/d=e&f"};
    EXPECT_EQ(web_identity_form_body(call),
              "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
              "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgate%20way"
              "&RoleSessionName=gateway-api-1&WebIdentityToken=a.b%2Bc%2Fd%3De%26f");
    const auto request = web_identity_http_request(
        call, {std::chrono::milliseconds(1), std::chrono::milliseconds(2)});
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.url, "https://sts.eu-west-1.amazonaws.com/");
    EXPECT_EQ(request.connect_timeout, std::chrono::milliseconds(1));
    EXPECT_EQ(request.total_timeout, std::chrono::milliseconds(2));
    ASSERT_FALSE(request.headers.empty());
    EXPECT_EQ(request.headers.front().second, "application/x-www-form-urlencoded; charset=utf-8");
}

TEST(StsEndpoint, RegionalGlobalAndOverridden) {
    EXPECT_EQ(sts_endpoint({}).value(), "https://sts.amazonaws.com");
    EXPECT_EQ(sts_endpoint({{"AWS_REGION", "eu-west-1"}}).value(),
              "https://sts.eu-west-1.amazonaws.com");
    EXPECT_EQ(sts_endpoint({{"AWS_DEFAULT_REGION", "us-east-2"}}).value(),
              "https://sts.us-east-2.amazonaws.com");
    EXPECT_EQ(
        sts_endpoint({{"AWS_REGION", "eu-north-1"}, {"AWS_DEFAULT_REGION", "us-east-2"}}).value(),
        "https://sts.eu-north-1.amazonaws.com");
    EXPECT_EQ(sts_endpoint({{"AWS_REGION", "cn-north-1"}}).value(),
              "https://sts.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(
        sts_endpoint({{"AWS_REGION", "eu-west-1"}, {"AWS_ENDPOINT_URL", "http://h:1/"}}).value(),
        "http://h:1");
    EXPECT_EQ(sts_endpoint({{"AWS_ENDPOINT_URL", "http://general"},
                            {"AWS_ENDPOINT_URL_STS", "http://sts-only"}})
                  .value(),
              "http://sts-only");
    EXPECT_EQ(sts_endpoint({{"AWS_ENDPOINT_URL_STS", "http://sts-only"},
                            {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"},
                            {"AWS_REGION", "eu-west-1"}})
                  .value(),
              "https://sts.eu-west-1.amazonaws.com");
    const auto bad = sts_endpoint({{"AWS_REGION", "evil.example.com/"}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "AWS_REGION is not a region name");
}

TEST(XmlText, FindsElementsByLocalNameAndDecodesText) {
    EXPECT_EQ(
        xml_element_text("<a:Root xmlns:a='x'><a:Code> Throttling </a:Code></a:Root>", "Code"),
        "Throttling");
    EXPECT_EQ(xml_element_text("<R><Code attr=\"a>b\">x</Code></R>", "Code"), "x");
    EXPECT_EQ(xml_element_text("<R><Code/></R>", "Code"), "");
    EXPECT_EQ(xml_element_text("<R><CodeX>no</CodeX><Code>yes</Code></R>", "Code"), "yes");
    EXPECT_EQ(xml_element_text("<R><!-- <Code>commented</Code> --><Code>real</Code></R>", "Code"),
              "real");
    EXPECT_EQ(xml_element_text("<R><M><![CDATA[a<b>&amp;]]> &#65;&#x42;&quot;&bogus;</M></R>", "M"),
              "a<b>&amp; AB\"&bogus;");
    EXPECT_EQ(xml_element_text("<R><M>&#xE9;&#8364;</M></R>", "M"), "\xC3\xA9\xE2\x82\xAC");
    EXPECT_FALSE(xml_element_text("<R><Code>unclosed</R>", "Code").has_value());
    EXPECT_FALSE(xml_element_text("not xml at all", "Code").has_value());
}

TEST(XmlText, NestedElementsOfTheSameNameAreMatchedUp) {
    const auto body = xml_element_body("<A><B><B>inner</B>tail</B></A>", "B");
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, "<B>inner</B>tail");
}

}  // namespace
}  // namespace gateway::aws
