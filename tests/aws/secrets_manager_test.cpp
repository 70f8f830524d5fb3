// GetSecretValue against a scripted transport: the request it sends, how it reads the
// answers, which failures it retries and how long it waits in between.
#include "aws/secrets_manager.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "aws/json_protocol_error.hpp"

namespace gateway::aws {
namespace {

using namespace std::chrono_literals;

const Credentials kCredentials{"AKIDEXAMPLE1234", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                               "session-token-that-must-not-leak", std::nullopt, "environment"};

HttpResponse answer(long status, std::string body, HttpHeaders headers = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    return response;
}

HttpResponse aws_error(std::string_view type, std::string_view message = "", long status = 400) {
    return answer(status, R"({"__type":")" + std::string(type) + R"(","message":")" +
                              std::string(message) + R"("})");
}

const HttpResponse kSecretString = answer(
    200, R"({"ARN":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf","Name":"db",)"
         R"("VersionId":"v-1","SecretString":"{\"username\":\"app\"}",)"
         R"("VersionStages":["AWSCURRENT"],"CreatedDate":1.7e9})");

// Answers in order, and records what it was sent and how long the client slept.
class ScriptedService {
  public:
    explicit ScriptedService(std::vector<domain::Expected<HttpResponse, HttpError>> answers)
        : answers_(answers.begin(), answers.end()) {}

    SecretsManagerHooks hooks(double unit_random = 0.5) {
        SecretsManagerHooks hooks;
        hooks.send =
            [this](const HttpRequest& request) -> domain::Expected<HttpResponse, HttpError> {
            requests.push_back(request);
            if (answers_.empty()) return domain::unexpected(HttpError{"script ran out", false});
            auto next = answers_.front();
            answers_.pop_front();
            return next;
        };
        hooks.sleep = [this](std::chrono::milliseconds duration) { sleeps.push_back(duration); };
        hooks.unit_random = [unit_random] { return unit_random; };
        hooks.now = [] { return std::chrono::sys_days{std::chrono::year{2024} / 5 / 17}; };
        return hooks;
    }

    std::vector<HttpRequest> requests;
    std::vector<std::chrono::milliseconds> sleeps;

  private:
    std::deque<domain::Expected<HttpResponse, HttpError>> answers_;
};

SecretsManagerOptions options_for(std::string region = "eu-west-1") {
    SecretsManagerOptions options;
    options.region = std::move(region);
    return options;
}

std::optional<std::string> header_of(const HttpRequest& request, std::string_view name) {
    for (const auto& [key, value] : request.headers) {
        std::string lower = key;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == name) return value;
    }
    return std::nullopt;
}

TEST(SecretsManager, SendsASignedJson11Request) {
    ScriptedService service({kSecretString});
    auto options = options_for();
    options.ca_bundle = "/etc/ssl/corp.pem";
    const auto secret = get_secret_value("prod/db", kCredentials, options, service.hooks());
    ASSERT_TRUE(secret) << secret.error().message;
    ASSERT_EQ(service.requests.size(), 1u);
    const auto& request = service.requests[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.url, "https://secretsmanager.eu-west-1.amazonaws.com/");
    EXPECT_EQ(header_of(request, "host"), "secretsmanager.eu-west-1.amazonaws.com");
    EXPECT_EQ(header_of(request, "content-type"), "application/x-amz-json-1.1");
    EXPECT_EQ(header_of(request, "x-amz-target"), "secretsmanager.GetSecretValue");
    EXPECT_EQ(header_of(request, "x-amz-date"), "20240517T000000Z");
    EXPECT_EQ(header_of(request, "x-amz-security-token"), kCredentials.session_token);
    const auto authorization = header_of(request, "authorization");
    ASSERT_TRUE(authorization);
    EXPECT_TRUE(authorization->starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE1234/20240517/eu-west-1/secretsmanager/"
        "aws4_request"))
        << *authorization;
    EXPECT_EQ(boost::json::parse(request.body), boost::json::parse(R"({"SecretId":"prod/db"})"));
    EXPECT_EQ(request.ca_bundle, "/etc/ssl/corp.pem");
    EXPECT_LE(request.connect_timeout, 2s);
    EXPECT_LE(request.total_timeout, 5s);
}

TEST(SecretsManager, EndpointOverrideKeepsPortAndPath) {
    ScriptedService service({kSecretString});
    auto options = options_for();
    options.endpoint_url = "http://127.0.0.1:4566/proxy/sm";
    ASSERT_TRUE(get_secret_value("db", kCredentials, options, service.hooks()));
    ASSERT_EQ(service.requests.size(), 1u);
    EXPECT_EQ(service.requests[0].url, "http://127.0.0.1:4566/proxy/sm");
    EXPECT_EQ(header_of(service.requests[0], "host"), "127.0.0.1:4566");
}

TEST(SecretsManager, RegionalEndpoints) {
    EXPECT_EQ(secrets_manager_endpoint("us-east-1", std::nullopt),
              "https://secretsmanager.us-east-1.amazonaws.com");
    EXPECT_EQ(secrets_manager_endpoint("cn-north-1", std::nullopt),
              "https://secretsmanager.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(secrets_manager_endpoint("us-east-1", "http://127.0.0.1:1"), "http://127.0.0.1:1");
}

TEST(SecretsManager, ReadsSecretString) {
    ScriptedService service({kSecretString});
    const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks());
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_EQ(secret->value, R"({"username":"app"})");
    EXPECT_FALSE(secret->binary);
    EXPECT_EQ(secret->arn, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf");
    EXPECT_EQ(secret->name, "db");
    EXPECT_EQ(secret->version_id, "v-1");
}

TEST(SecretsManager, DecodesSecretBinary) {
    ScriptedService service({answer(200, R"({"Name":"db","SecretBinary":"AP8Ae30="})")});
    const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks());
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_EQ(secret->value, std::string("\x00\xff\x00{}", 5));
    EXPECT_TRUE(secret->binary);
}

TEST(SecretsManager, MalformedSuccessIsABadResponse) {
    for (const auto* body : {"not json", "[]", R"({"Name":"db"})", R"({"SecretBinary":"%%%"})",
                             R"({"SecretString":42})"}) {
        ScriptedService service({answer(200, body)});
        const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks());
        ASSERT_FALSE(secret) << body;
        EXPECT_EQ(secret.error().failure, SecretsManagerFailure::bad_response) << body;
        EXPECT_EQ(service.requests.size(), 1u) << body;
    }
}

TEST(SecretsManager, ErrorTypeFromBodyOrHeader) {
    EXPECT_EQ(bare_error_type("com.amazon.coral.service#UnrecognizedClientException"),
              "UnrecognizedClientException");
    EXPECT_EQ(bare_error_type("AccessDeniedException:http://internal.amazon.com/coral/"),
              "AccessDeniedException");
    EXPECT_EQ(bare_error_type("aws.protocoltests#FooError:http://x"), "FooError");
    EXPECT_EQ(json_error_type(answer(400, R"({"__type":"ns#ResourceNotFoundException"})")),
              "ResourceNotFoundException");
    EXPECT_EQ(json_error_type(answer(400, R"({"code":"ThrottlingException"})")),
              "ThrottlingException");
    // The header wins: it is what the service's front end set.
    EXPECT_EQ(json_error_type(answer(400, R"({"__type":"Other"})",
                                     {{"x-amzn-errortype", "AccessDeniedException:http://a/"}})),
              "AccessDeniedException");
    EXPECT_EQ(json_error_type(answer(400, "<html>")), "");
}

struct MappingCase {
    HttpResponse response;
    SecretsManagerFailure failure;
    std::string_view in_message;
};

TEST(SecretsManager, ErrorsAreMappedToWhatToCheck) {
    const std::vector<MappingCase> cases{
        {aws_error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
         SecretsManagerFailure::not_found, "does not exist in region eu-west-1"},
        {aws_error("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized"),
         SecretsManagerFailure::access_denied, "secretsmanager:GetSecretValue"},
        {answer(403, "", {{"x-amzn-errortype", "AccessDeniedException:http://internal/"}}),
         SecretsManagerFailure::access_denied, "AccessDeniedException"},
        {aws_error("com.amazon.coral.service#UnrecognizedClientException",
                   "The security token included in the request is invalid."),
         SecretsManagerFailure::invalid_credentials, "UnrecognizedClientException"},
        {aws_error("ExpiredTokenException"), SecretsManagerFailure::invalid_credentials, "expired"},
        {aws_error("InvalidSignatureException",
                   "The request signature we calculated does not "
                   "match the signature you provided."),
         SecretsManagerFailure::signature_rejected, "secret access key"},
        {aws_error("IncompleteSignatureException"), SecretsManagerFailure::signature_rejected,
         "IncompleteSignatureException"},
        {aws_error("DecryptionFailure"), SecretsManagerFailure::decryption_failed, "KMS"},
        {aws_error("InvalidRequestException"), SecretsManagerFailure::invalid_request,
         "scheduled for deletion"},
        {aws_error("InvalidParameterException"), SecretsManagerFailure::invalid_request,
         "InvalidParameterException"},
        {answer(400, "<html>"), SecretsManagerFailure::invalid_request, "HTTP 400"},
    };
    for (const auto& c : cases) {
        ScriptedService service({c.response});
        const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks());
        ASSERT_FALSE(secret) << c.response.body;
        EXPECT_EQ(failure_name(secret.error().failure), failure_name(c.failure))
            << c.response.body << " -> " << secret.error().message;
        EXPECT_NE(secret.error().message.find(c.in_message), std::string::npos)
            << secret.error().message;
        EXPECT_EQ(secret.error().attempts, 1);
        EXPECT_EQ(service.requests.size(), 1u) << "a refusal is not retried";
        EXPECT_TRUE(service.sleeps.empty());
    }
}

TEST(SecretsManager, ServiceMessagesCarryNoCredentialsAndOneLine) {
    ScriptedService service({aws_error(
        "InvalidSignatureException",
        "Signature mismatch.\\n\\nThe Canonical String for this request should have been\\n"
        "x-amz-security-token:session-token-that-must-not-leak")});
    const auto failed = get_secret_value("db", kCredentials, options_for(), service.hooks());
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("Signature mismatch."), std::string::npos)
        << failed.error().message;
    EXPECT_EQ(failed.error().message.find("Canonical"), std::string::npos);

    ScriptedService echoing({aws_error(
        "AccessDeniedException",
        "key session-token-that-must-not-leak wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")});
    const auto echoed = get_secret_value("db", kCredentials, options_for(), echoing.hooks());
    ASSERT_FALSE(echoed);
    EXPECT_EQ(echoed.error().message.find(kCredentials.session_token), std::string::npos)
        << echoed.error().message;
    EXPECT_EQ(echoed.error().message.find(kCredentials.secret_access_key), std::string::npos)
        << echoed.error().message;
}

TEST(SecretsManager, ThrottledTwiceThenAnswered) {
    ScriptedService service(
        {aws_error("ThrottlingException", "Rate exceeded"), answer(429, ""), kSecretString});
    const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks(0.5));
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_EQ(service.requests.size(), 3u);
    // Half of 500 ms, then half of 1 s: the throttling base, doubled per retry.
    EXPECT_EQ(service.sleeps, (std::vector<std::chrono::milliseconds>{250ms, 500ms}));
    // Every attempt is signed afresh.
    for (const auto& request : service.requests) EXPECT_TRUE(header_of(request, "authorization"));
}

TEST(SecretsManager, StillThrottledAfterThreeAttempts) {
    ScriptedService service({aws_error("ThrottlingException"), aws_error("ThrottlingException"),
                             aws_error("ThrottlingException"), kSecretString});
    const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks(0.0));
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, SecretsManagerFailure::throttled);
    EXPECT_EQ(secret.error().attempts, 3);
    EXPECT_NE(secret.error().message.find("after 3 attempts"), std::string::npos)
        << secret.error().message;
    EXPECT_EQ(service.requests.size(), 3u);
    EXPECT_EQ(service.sleeps.size(), 2u);
}

TEST(SecretsManager, ServerErrorsUseTheShorterBase) {
    ScriptedService service(
        {aws_error("InternalServiceError", "", 500), answer(503, ""), answer(502, "")});
    const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks(0.5));
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, SecretsManagerFailure::service_error);
    EXPECT_EQ(service.sleeps, (std::vector<std::chrono::milliseconds>{50ms, 100ms}));
}

TEST(SecretsManager, TransportFailuresAreRetried) {
    ScriptedService service(
        {domain::unexpected(HttpError{"Connection refused", false}), kSecretString});
    const auto secret = get_secret_value("db", kCredentials, options_for(), service.hooks(1.0));
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_EQ(service.sleeps, (std::vector<std::chrono::milliseconds>{100ms}));
}

TEST(SecretsManager, UnreachableAfterTheLastAttempt) {
    ScriptedService service({domain::unexpected(HttpError{"Connection refused", false}),
                             domain::unexpected(HttpError{"Connection refused", false}),
                             domain::unexpected(HttpError{"Operation timed out", true})});
    auto options = options_for();
    options.endpoint_url = "http://127.0.0.1:9";
    const auto secret = get_secret_value("db", kCredentials, options, service.hooks());
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().failure, SecretsManagerFailure::unreachable);
    EXPECT_NE(secret.error().message.find("http://127.0.0.1:9/"), std::string::npos)
        << secret.error().message;
    EXPECT_NE(secret.error().message.find("timed out"), std::string::npos)
        << secret.error().message;
}

TEST(SecretsManager, MaxAttemptsIsHonoured) {
    ScriptedService service({answer(500, ""), answer(500, ""), answer(500, ""), answer(500, "")});
    auto options = options_for();
    options.retry.max_attempts = 1;
    EXPECT_FALSE(get_secret_value("db", kCredentials, options, service.hooks()));
    EXPECT_EQ(service.requests.size(), 1u);
    EXPECT_TRUE(service.sleeps.empty());
}

}  // namespace
}  // namespace gateway::aws
